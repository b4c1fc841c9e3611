/**
 * The in-page half of the render benchmark, bundled by esbuild and injected into the harness's chat page
 * (renderBench.ts). It plays the host's 16 ms delta batching from inside the page, so the timing does not
 * depend on CDP round trips: a timer per 16 ms slot delivers that slot's `chat/delta` as a `message` event
 * (in the timer's task, like one message task from the host). It measures each update as the page lives it:
 *
 *  - an update is a frame in which the renderer ran (its render counter moved);
 *  - its cost is the main-thread time from the start of that frame's first rAF callback (this file's
 *    monitor loop, registered before the renderer's request) until a MessageChannel task posted from it
 *    runs, i.e. rAF callbacks + style + layout + paint + commit, plus the time the `message` handlers spent
 *    on the deltas that frame rendered (between a capturing listener and a listener added after the app's);
 *  - a delta's arrival is the moment the host would have posted it (its slot in the 16 ms schedule, even if
 *    the feeder's timer ran late because the main thread was busy); it is on screen when the frame that
 *    rendered it has been painted (the MessageChannel task above). Every few updates the DOM is checked for
 *    the last characters received, so "rendered" is not only inferred from the counter;
 *  - long tasks come from PerformanceObserver('longtask') and ('long-animation-frame'), which only report
 *    ≥ 50 ms; below that, the longest frame cost above is an upper bound of the longest task. The same
 *    windows in CPU time come from a trace that renderBench.ts records (the `arcee-bench-start` mark ties
 *    the page clock to the trace clock).
 *
 * It also holds the naive baseline: the same markdown pipeline (markdown-it → DOMPurify → highlight.js) run
 * over the whole message on every frame, as renderers that are not incremental do.
 */
import { renderMarkdown } from '../../src/webview/app/markdown';

export interface RunConfig {
  renderer: 'app' | 'naive';
  tokens: string[];
  tokensPerSecond: number;
  batchMs: number;
  requestId: string;
  messageId: string;
  /** Check the DOM for the received text every N updates. */
  verifyEvery: number;
  timeoutMs: number;
}

export interface Update {
  /** Tokens rendered by this update. */
  tokens: number;
  /** Main-thread cost of the update (frame + the message handlers of its deltas), ms. */
  costMs: number;
  frameMs: number;
  handlerMs: number;
  /** The renderer's own JS time (scheduler's __arceeRenderTimes), ms. */
  renderJsMs: number;
  /** The frame's window on the page clock (performance.now()): its first rAF callback → the task after it. */
  at: number;
  end: number;
}

export interface RunResult {
  updates: Update[];
  /** Arrival → painted, per delta, ms. */
  delays: number[];
  longTasks: number[];
  longFrames: {
    duration: number;
    blockingDuration: number;
    renderStart: number;
    styleAndLayout: number;
    scripts: number;
  }[];
  maxHandlerMs: number;
  /** Animation frames seen while streaming, and the wait from a delta's arrival to the start of its frame. */
  frames: number;
  waits: number[];
  /** From a delta's arrival until its message handler ran. */
  queued: number[];
  verify: { checked: number; ok: number; failures: string[] };
  durationMs: number;
  lateFeederMs: number;
  supported: string[];
  /** performance.now() of the `arcee-bench-start` mark, which a trace shows on its own clock. */
  markTime: number;
  streamStart: number;
  streamEnd: number;
}

interface Counters {
  count(): number;
  lastJsMs(): number;
}

interface BenchWindow {
  __arceeRenderCount?: number;
  __arceeRenderTimes?: number[];
  __bench?: { run(config: RunConfig): Promise<RunResult> };
}

const w = window as unknown as BenchWindow;

/** The baseline: every frame renders the whole message again. */
function installNaive(messageId: string): { counters: Counters; body: HTMLElement } {
  const list = document.querySelector('[data-testid="chat-messages"]') ?? document.body;
  const article = document.createElement('article');
  article.className = 'msg msg-assistant';
  article.dataset.state = 'streaming';
  const body = document.createElement('div');
  body.className = 'msg-body markdown';
  article.append(body);
  list.append(article);
  let text = '';
  let frame: number | null = null;
  let count = 0;
  let lastMs = 0;
  const render = (): void => {
    frame = null;
    const started = performance.now();
    body.replaceChildren(renderMarkdown(text, false));
    list.scrollTop = list.scrollHeight;
    lastMs = performance.now() - started;
    count += 1;
  };
  window.addEventListener('message', (e: MessageEvent<{ type?: string; messageId?: string; text?: string }>) => {
    if (e.data?.type !== 'chat/delta' || e.data.messageId !== messageId || !e.data.text) return;
    text += e.data.text;
    frame ??= requestAnimationFrame(render);
  });
  return { counters: { count: () => count, lastJsMs: () => lastMs }, body };
}

const appCounters: Counters = {
  count: () => w.__arceeRenderCount ?? 0,
  lastJsMs: () => w.__arceeRenderTimes?.at(-1) ?? 0,
};

/** Letters and digits only: markdown syntax and whitespace differ between source and DOM text. */
const alnum = (s: string): string => s.replace(/[^A-Za-z0-9]/g, '');

/** The last rendered text of a message body: its last two children (the app's last chunk and open tail). */
function renderedTail(body: Element): string {
  const last = body.lastElementChild;
  const prev = last?.previousElementSibling;
  return (prev?.textContent ?? '') + (last?.textContent ?? '');
}

async function run(config: RunConfig): Promise<RunResult> {
  const { tokens, batchMs } = config;
  let counters = appCounters;
  let body: Element | null = document.querySelector(`[data-message-id="${config.messageId}"] .msg-body`);
  if (config.renderer === 'naive') {
    const naive = installNaive(config.messageId);
    counters = naive.counters;
    body = naive.body;
  }
  if (!body) throw new Error(`no message body for ${config.messageId}`);

  const supported = [...(PerformanceObserver.supportedEntryTypes ?? [])];
  const taskEntries: PerformanceEntry[] = [];
  const frameEntries: PerformanceEntry[] = [];
  const observers: [PerformanceObserver, PerformanceEntry[]][] = [];
  for (const [type, into] of [
    ['longtask', taskEntries],
    ['long-animation-frame', frameEntries],
  ] as const) {
    if (!supported.includes(type)) continue;
    const o = new PerformanceObserver((list) => into.push(...list.getEntries()));
    o.observe({ type });
    observers.push([o, into]);
  }
  const markTime = performance.mark('arcee-bench-start').startTime;

  // Deltas received and not yet rendered: [due time, tokens received in total after it].
  let pending: [number, number, number][] = [];
  let receivedText = '';
  let handlerMs = 0;
  let maxHandlerMs = 0;
  let handlerStart = 0;
  const updates: Update[] = [];
  const delays: number[] = [];
  const waits: number[] = [];
  const queued: number[] = [];
  let frames = 0;
  const verify = { checked: 0, ok: 0, failures: [] as string[] };
  type Delta = { type: string; messageId: string; text: string; benchDue: number; benchTokens: number };
  const onCapture = (): void => {
    handlerStart = performance.now();
  };
  const onBubble = (e: MessageEvent<Delta>): void => {
    const d = e.data;
    if (d?.type !== 'chat/delta' || d.messageId !== config.messageId) return;
    receivedText += d.text;
    pending.push([d.benchDue, d.benchTokens, handlerStart]);
    const spent = performance.now() - handlerStart;
    handlerMs += spent;
    maxHandlerMs = Math.max(maxHandlerMs, spent);
  };
  window.addEventListener('message', onCapture, true);
  window.addEventListener('message', onBubble);

  const channel = new MessageChannel();
  let frameStart = 0;
  let countAtStart = 0;
  let inFrame: [number, number, number][] = [];
  let handlerInFrame = 0;
  let textAtFrame = '';
  let stopped = false;
  channel.port1.onmessage = () => {
    const end = performance.now();
    if (counters.count() === countAtStart) {
      // Nothing rendered (no delta yet): these deltas wait for the next frame.
      pending = inFrame.concat(pending);
      handlerMs += handlerInFrame;
      return;
    }
    const frameMs = end - frameStart;
    const tokensRendered = inFrame.length ? inFrame[inFrame.length - 1][1] : (updates.at(-1)?.tokens ?? 0);
    updates.push({
      tokens: tokensRendered,
      costMs: frameMs + handlerInFrame,
      frameMs,
      handlerMs: handlerInFrame,
      renderJsMs: counters.lastJsMs(),
      at: frameStart,
      end,
    });
    for (const [due, , handled] of inFrame) {
      delays.push(end - due);
      waits.push(frameStart - due);
      queued.push(handled - due);
    }
    if (inFrame.length && updates.length % config.verifyEvery === 0 && !/\)\s*$/.test(textAtFrame)) {
      // The last characters received (outside a finished link, whose URL is not text) are in the DOM.
      // A list marker or heading mark that just started a line is not text in the DOM.
      const want = alnum(textAtFrame.slice(-200).replace(/(^|\n)[ \t]*(\d+[.)]|[-*+>#]+)[ \t]*$/, '')).slice(-6);
      verify.checked += 1;
      if (alnum(renderedTail(body)).includes(want)) verify.ok += 1;
      else if (verify.failures.length < 5)
        verify.failures.push(
          `${JSON.stringify(textAtFrame.slice(-40))} not in ${JSON.stringify(renderedTail(body).slice(-80))}`,
        );
    }
  };
  const tick = (): void => {
    if (stopped) return;
    frameStart = performance.now();
    frames += 1;
    countAtStart = counters.count();
    inFrame = pending;
    pending = [];
    handlerInFrame = handlerMs;
    handlerMs = 0;
    textAtFrame = receivedText;
    channel.port2.postMessage(0);
    requestAnimationFrame(tick);
  };
  await new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));
  requestAnimationFrame(tick);

  // The feeder: slot k is posted at start + k·batchMs with the tokens due by then.
  const perBatch = (config.tokensPerSecond * batchMs) / 1000;
  const batches: { due: number; text: string; end: number }[] = [];
  const start = performance.now() + 50;
  for (let k = 1, from = 0; from < tokens.length; k++) {
    const end = Math.min(tokens.length, Math.round(k * perBatch));
    batches.push({ due: start + k * batchMs, text: tokens.slice(from, end).join(''), end });
    from = end;
  }
  let next = 0;
  let lateFeederMs = 0;
  await new Promise<void>((resolve, reject) => {
    const deadline = setTimeout(
      () => reject(new Error(`render run did not finish in ${config.timeoutMs} ms`)),
      config.timeoutMs,
    );
    const feed = (): void => {
      const now = performance.now();
      while (next < batches.length && batches[next].due <= now) {
        const b = batches[next++];
        lateFeederMs = Math.max(lateFeederMs, now - b.due);
        const m: Delta = {
          type: 'chat/delta',
          messageId: config.messageId,
          text: b.text,
          benchDue: b.due,
          benchTokens: b.end,
        };
        // Delivered in this timer task, which was queued at the slot's time: like a message from the host,
        // one task that waits only for what the main thread is busy with (a postMessage here would add a hop).
        window.dispatchEvent(new MessageEvent('message', { data: { ...m, requestId: config.requestId } }));
      }
      if (next < batches.length) {
        setTimeout(feed, Math.max(0, batches[next].due - performance.now()));
        return;
      }
      // All posted: wait until the last one has been painted.
      const settle = (): void => {
        if (updates.length && updates[updates.length - 1].tokens >= tokens.length && pending.length === 0) {
          clearTimeout(deadline);
          resolve();
        } else setTimeout(settle, 20);
      };
      settle();
    };
    setTimeout(feed, Math.max(0, start + batchMs - performance.now()));
  });
  const durationMs = performance.now() - start;
  // Let the observers deliver what the last frames produced.
  await new Promise((r) => setTimeout(r, 200));
  stopped = true;
  for (const [o, into] of observers) {
    into.push(...o.takeRecords());
    o.disconnect();
  }
  // Only what happened while the answer streamed.
  const during = (e: PerformanceEntry): boolean =>
    e.startTime + e.duration >= start && e.startTime <= start + durationMs;
  const longTasks = taskEntries.filter(during).map((e) => e.duration);
  const longFrames = frameEntries.filter(during).map((e) => {
    const f = e as PerformanceEntry & {
      blockingDuration: number;
      renderStart: number;
      styleAndLayoutStart: number;
      scripts?: { duration: number }[];
    };
    return {
      duration: e.duration,
      blockingDuration: f.blockingDuration,
      renderStart: f.renderStart - e.startTime,
      styleAndLayout: f.styleAndLayoutStart ? e.startTime + e.duration - f.styleAndLayoutStart : 0,
      scripts: (f.scripts ?? []).reduce((a, x) => a + x.duration, 0),
    };
  });
  window.removeEventListener('message', onCapture, true);
  window.removeEventListener('message', onBubble);
  return {
    updates,
    delays,
    longTasks,
    longFrames,
    maxHandlerMs,
    frames,
    waits,
    queued,
    verify,
    durationMs,
    lateFeederMs,
    supported,
    markTime,
    streamStart: start,
    streamEnd: start + durationMs,
  };
}

w.__bench = { run };
