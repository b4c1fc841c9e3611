/**
 * The chat render benchmark: a long realistic answer streamed at a fixed token rate into the real chat app
 * (dist/webview.js in the webview harness page, headless Chromium), and into a naive renderer in the same
 * page kind as the baseline. The feeding and measuring happen inside the page (renderPage.ts); this side
 * builds that script, drives the rounds and reduces the numbers.
 */
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { answerTokens } from './answer';
import type { RunConfig, RunResult } from './renderPage';
import { closeBrowser, repoRoot, startServer, WebviewPage } from '../webview/harness';
import { assistantMsg, conversation, init, userMsg } from '../webview/fixtures';

export interface RenderOptions {
  tokens: number;
  tokensPerSecond: number;
  /** Rounds of the app; the naive baseline runs `naiveRounds` rounds, interleaved. */
  rounds: number;
  naiveRounds: number;
  /** CSS rules added to the page before each run (CSSOM, which the CSP allows): to try a style fix. */
  extraCss?: string[];
  log?: (line: string) => void;
}

/** One run reduced to the figures the report needs (ms unless said). */
export interface RunFigures {
  renderer: 'app' | 'naive';
  updates: number;
  firstTenthMedianMs: number;
  lastTenthMedianMs: number;
  lastOverFirst: number;
  firstTenthRenderJsMs: number;
  lastTenthRenderJsMs: number;
  /** Longest task seen by PerformanceObserver('longtask'); null when none (all < 50 ms). */
  longestLongTaskMs: number | null;
  longTasks: number;
  /** Longest update (frame + handlers): an upper bound of the longest task. */
  longestUpdateMs: number;
  longestHandlerMs: number;
  /** 99th percentile of the update cost. */
  updateP99Ms: number;
  /** The renderer's longest own JS render (markdown → DOM, plus the layout its scroll forces). */
  longestRenderJsMs: number;
  /** Longest long-animation-frame entry, when any. */
  longestAnimationFrameMs: number | null;
  delayMedianMs: number;
  /** Part of the delay spent waiting for the next frame to start. */
  waitMedianMs: number;
  /** Part of the delay before the message handler ran (the main thread was busy, or the feeder late). */
  queuedMedianMs: number;
  framesPerSecond: number;
  delayP95Ms: number;
  delayMaxMs: number;
  verified: string;
  verifyFailures: string[];
  durationMs: number;
  feederLateMaxMs: number;
  /**
   * The same figures in main-thread CPU time, from a Chromium trace of the run (tasks' thread time): what the
   * page itself costs, without the time it waited for a CPU on a busy machine. Null if the trace had none.
   */
  cpu: CpuFigures | null;
}

export interface CpuFigures {
  firstTenthMedianMs: number;
  lastTenthMedianMs: number;
  lastOverFirst: number;
  /** The longest main-thread task while streaming, by thread time, and its wall time. */
  longestTaskMs: number;
  longestTaskWallMs: number;
  /** Tasks ≥ 50 ms of thread time while streaming. */
  longTasks: number;
}

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  tdur?: number;
}

/** Main-thread CPU per update and the longest task, from a trace with the `toplevel` and user-timing categories. */
function cpuFigures(trace: Buffer, r: RunResult, total: number): CpuFigures | null {
  const events = (JSON.parse(trace.toString('utf8')) as { traceEvents: TraceEvent[] }).traceEvents;
  const mark = events.find((e) => e.name === 'arcee-bench-start');
  if (!mark) return null;
  // Top-level tasks of the page's main thread (the thread that emitted the mark), outermost only.
  const tasks = events
    .filter(
      (e) =>
        e.pid === mark.pid &&
        e.tid === mark.tid &&
        e.ph === 'X' &&
        e.name === 'ThreadControllerImpl::RunTask' &&
        e.tdur !== undefined,
    )
    .sort((a, b) => a.ts - b.ts)
    .filter(
      (e, i, all) => i === 0 || e.ts >= all[i - 1].ts + (all[i - 1].dur ?? 0) || (e.dur ?? 0) > (all[i - 1].dur ?? 0),
    );
  if (!tasks.length) return null;
  const toTrace = (ms: number): number => mark.ts + (ms - r.markTime) * 1000;
  const costs: { tokens: number; ms: number }[] = [];
  let i = 0;
  for (const u of r.updates) {
    const from = toTrace(u.at);
    const to = toTrace(u.end);
    // From the task running the frame's first rAF callback (it started before it) to the task after the frame.
    while (i < tasks.length && tasks[i].ts + (tasks[i].dur ?? 0) < from) i++;
    let ms = 0;
    for (let j = i; j < tasks.length && tasks[j].ts <= to; j++) ms += (tasks[j].tdur ?? 0) / 1000;
    costs.push({ tokens: u.tokens, ms });
  }
  const first = median(costs.filter((c) => c.tokens <= total * 0.1).map((c) => c.ms));
  const last = median(costs.filter((c) => c.tokens > total * 0.9).map((c) => c.ms));
  const streaming = tasks.filter((t) => t.ts >= toTrace(r.streamStart) && t.ts <= toTrace(r.streamEnd));
  const longest = streaming.reduce((a, t) => ((t.tdur ?? 0) > (a.tdur ?? 0) ? t : a), streaming[0]);
  return {
    firstTenthMedianMs: round2(first),
    lastTenthMedianMs: round2(last),
    lastOverFirst: round2(last / first),
    longestTaskMs: round2((longest?.tdur ?? 0) / 1000),
    longestTaskWallMs: round2((longest?.dur ?? 0) / 1000),
    longTasks: streaming.filter((t) => (t.tdur ?? 0) >= 50_000).length,
  };
}

export function median(xs: number[]): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function quantile(xs: number[], q: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

export function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

function reduce(renderer: 'app' | 'naive', r: RunResult, total: number, trace: Buffer | null): RunFigures {
  const first = r.updates.filter((u) => u.tokens <= total * 0.1);
  const last = r.updates.filter((u) => u.tokens > total * 0.9);
  const firstMs = median(first.map((u) => u.costMs));
  const lastMs = median(last.map((u) => u.costMs));
  return {
    renderer,
    updates: r.updates.length,
    firstTenthMedianMs: round2(firstMs),
    lastTenthMedianMs: round2(lastMs),
    lastOverFirst: round2(lastMs / firstMs),
    firstTenthRenderJsMs: round2(median(first.map((u) => u.renderJsMs))),
    lastTenthRenderJsMs: round2(median(last.map((u) => u.renderJsMs))),
    longestLongTaskMs: r.longTasks.length ? round2(Math.max(...r.longTasks)) : null,
    longTasks: r.longTasks.length,
    longestUpdateMs: round2(Math.max(...r.updates.map((u) => u.costMs))),
    longestHandlerMs: round2(r.maxHandlerMs),
    updateP99Ms: round2(
      quantile(
        r.updates.map((u) => u.costMs),
        0.99,
      ),
    ),
    longestRenderJsMs: round2(Math.max(...r.updates.map((u) => u.renderJsMs))),
    longestAnimationFrameMs: r.longFrames.length ? round2(Math.max(...r.longFrames.map((f) => f.duration))) : null,
    delayMedianMs: round2(median(r.delays)),
    waitMedianMs: round2(median(r.waits)),
    queuedMedianMs: round2(median(r.queued)),
    framesPerSecond: round2(r.frames / (r.durationMs / 1000)),
    delayP95Ms: round2(quantile(r.delays, 0.95)),
    delayMaxMs: round2(Math.max(...r.delays)),
    verified: `${r.verify.ok}/${r.verify.checked}`,
    verifyFailures: r.verify.failures,
    durationMs: Math.round(r.durationMs),
    feederLateMaxMs: round2(r.lateFeederMs),
    cpu: trace ? cpuFigures(trace, r, total) : null,
  };
}

/** The in-page script, bundled from the TypeScript source (it imports the app's markdown pipeline). */
async function pageScript(): Promise<string> {
  const result = await esbuild.build({
    entryPoints: [path.join(repoRoot, 'test', 'bench', 'renderPage.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    logLevel: 'error',
  });
  return result.outputFiles[0].text;
}

async function oneRun(
  wv: WebviewPage,
  script: string,
  renderer: 'app' | 'naive',
  tokens: string[],
  options: RenderOptions,
): Promise<RunFigures> {
  await wv.load();
  const user = userMsg('u1', 'Write me a long guide to streaming chat responses, with code.');
  if (renderer === 'app') {
    await wv.send(init());
    await wv.send({
      type: 'chat/started',
      requestId: 'r1',
      userMessage: user,
      assistantMessage: assistantMsg('a1', '', { state: 'streaming' }),
    });
    await wv.page.locator('[data-message-id="a1"] .msg-body').waitFor();
  } else {
    await wv.send(init({ conversation: conversation([user]) }));
    await wv.page.locator('[data-message-id="u1"]').waitFor();
  }
  // Injected with the page's own nonce: the CSP stays as the host sets it.
  await wv.page.evaluate(
    ({ code, css }) => {
      const s = document.createElement('script');
      s.nonce = document.querySelector<HTMLScriptElement>('script[nonce]')?.nonce ?? '';
      s.textContent = code;
      document.head.append(s);
      const sheet = document.styleSheets[document.styleSheets.length - 1];
      for (const rule of css) sheet.insertRule(rule, sheet.cssRules.length);
    },
    { code: script, css: options.extraCss ?? [] },
  );
  const expectedMs = (tokens.length / options.tokensPerSecond) * 1000;
  const config: RunConfig = {
    renderer,
    tokens,
    tokensPerSecond: options.tokensPerSecond,
    batchMs: 16,
    requestId: 'r1',
    messageId: renderer === 'app' ? 'a1' : 'naive1',
    verifyEvery: 10,
    timeoutMs: expectedMs * 3 + 10_000,
  };
  // Thread time per task comes from a trace: only top-level tasks and user-timing marks (cheap to record).
  const browser = wv.page.context().browser();
  await browser?.startTracing(wv.page, { categories: ['toplevel', 'blink.user_timing'] });
  let trace: Buffer | null = null;
  let result: RunResult;
  try {
    result = await wv.page.evaluate(
      (c) => (window as unknown as { __bench: { run(c: RunConfig): Promise<RunResult> } }).__bench.run(c),
      config,
    );
  } finally {
    trace = (await browser?.stopTracing()) ?? null;
  }
  if (wv.errors.length) throw new Error(`the page reported errors:\n${wv.errors.join('\n')}`);
  return reduce(renderer, result, tokens.length, trace);
}

export interface RenderSummary {
  answer: {
    tokens: number;
    characters: number;
    codeBlocks: number;
    tokensPerSecond: number;
    batchMs: number;
    viewport: string;
  };
  app: RunFigures[];
  naive: RunFigures[];
}

/** Runs the app `rounds` times and the naive baseline `naiveRounds` times, interleaved, on fresh pages. */
export async function renderBenchmark(options: RenderOptions): Promise<RenderSummary> {
  const log = options.log ?? ((line: string) => console.log(line));
  const tokens = answerTokens(options.tokens);
  const text = tokens.join('');
  const script = await pageScript();
  const server = await startServer();
  const summary: RenderSummary = {
    answer: {
      tokens: tokens.length,
      characters: text.length,
      codeBlocks: Math.floor(text.split('\n```').length / 2),
      tokensPerSecond: options.tokensPerSecond,
      batchMs: 16,
      viewport: '340×760 (sidebar)',
    },
    app: [],
    naive: [],
  };
  try {
    const wv = await WebviewPage.create(server.origin);
    try {
      for (let i = 0; i < Math.max(options.rounds, options.naiveRounds); i++) {
        for (const renderer of ['app', 'naive'] as const) {
          if (i >= (renderer === 'app' ? options.rounds : options.naiveRounds)) continue;
          const t = Date.now();
          const figures = await oneRun(wv, script, renderer, tokens, options);
          summary[renderer].push(figures);
          log(
            `  ${renderer} round ${i + 1}: ${figures.updates} updates, median update first 10% ${figures.firstTenthMedianMs} ms, last 10% ${figures.lastTenthMedianMs} ms` +
              ` (×${figures.lastOverFirst}), longest update ${figures.longestUpdateMs} ms, long tasks ${figures.longTasks}, delay median ${figures.delayMedianMs} ms` +
              ` [${((Date.now() - t) / 1000).toFixed(1)} s]`,
          );
        }
      }
    } finally {
      await wv.close();
    }
  } finally {
    await server.close();
    await closeBrowser();
  }
  return summary;
}
