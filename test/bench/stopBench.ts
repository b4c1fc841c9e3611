/**
 * The Stop benchmark, on the full stack: code-server with the extension, headless Chromium, and the fake
 * server on 127.0.0.1. Each round streams a long slow answer; once text shows, Stop is clicked. Latency is
 * the wall clock from the Stop button's `pointerdown` in the webview (a capturing listener stamps
 * `Date.now()`) to the fake server seeing the request's connection close (`closed` resolving, stamped
 * with `Date.now()` in this process): same machine, same clock. The path measured: webview → `chat/cancel`
 * → workbench → extension host (over code-server's websocket) → the request's AbortController → socket
 * closed → the server's `close` event.
 */
import type { Frame, Locator } from 'playwright-core';
import { Workbench } from '../e2e/e2eSupport';
import { FakeServer, sseReply, textStream } from '../support/fakeServer';

export interface StopOptions {
  rounds: number;
  log?: (line: string) => void;
}

export interface StopRound {
  /** pointerdown on Stop → the server saw the connection close, ms. */
  downToCloseMs: number;
  /** click event on Stop → close, ms (the click fires at pointerup, after Playwright's press). */
  clickToCloseMs: number;
  /** Characters of the answer on screen when Stop was clicked. */
  shownChars: number;
}

export interface StopSummary {
  rounds: StopRound[];
  workbenchStartMs: number;
}

const ROUND_TIMEOUT_MS = 15_000;

async function chatFrame(wb: Workbench): Promise<Frame> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    for (const frame of wb.page.frames()) {
      if (!frame.url().includes('fake.html') || frame.isDetached()) continue;
      const title = await frame.title().catch(() => '');
      if (title === 'Arcee Chat') return frame;
    }
    if (Date.now() > deadline) throw new Error('the Arcee Chat webview did not appear');
    await wb.page.waitForTimeout(200);
  }
}

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
    }),
  ]);
}

interface StampWindow {
  __benchStop?: { down: number; click: number };
}

/** Runs `rounds` Stop clicks in one workbench and returns each round's latency. */
export async function stopBenchmark(options: StopOptions): Promise<StopSummary> {
  const log = options.log ?? ((line: string) => console.log(line));
  const server = await FakeServer.start();
  const started = Date.now();
  let wb: Workbench | undefined;
  try {
    wb = await Workbench.open({
      userSettings: { 'arcee.baseUrl': server.baseUrl, 'arcee.model': 'trinity-mini', 'arcee.maxRetries': 0 },
    });
    await wb.runCommand('Arcee: Open Chat');
    const frame = await chatFrame(wb);
    const input = frame.locator('[data-testid="chat-input"]');
    await input.waitFor({ state: 'visible' });
    const workbenchStartMs = Date.now() - started;
    await frame.evaluate(() => {
      const w = window as unknown as StampWindow;
      w.__benchStop = { down: 0, click: 0 };
      const onStop = (e: Event): boolean =>
        e.target instanceof Element && e.target.closest('[data-testid="chat-stop"]') !== null;
      document.addEventListener(
        'pointerdown',
        (e) => {
          if (onStop(e)) w.__benchStop!.down = Date.now();
        },
        true,
      );
      document.addEventListener(
        'click',
        (e) => {
          if (onStop(e)) w.__benchStop!.click = Date.now();
        },
        true,
      );
    });
    const assistants = frame.locator('[data-testid="chat-message"][data-role="assistant"]');
    const rounds: StopRound[] = [];
    // A long answer streamed slowly: it is still streaming when Stop is clicked.
    const body = textStream(Array.from({ length: 3000 }, (_, i) => `word${i}`).join(' '));
    for (let r = 0; r < options.rounds; r++) {
      server.enqueue(
        '/chat/completions',
        sseReply(body, { pieceDelayMs: 20, randomSplit: { seed: r + 1, maxPiece: 120 } }),
      );
      const before = await assistants.count();
      const requestsBefore = server.requestsTo('/chat/completions').length;
      await input.fill(`Stop benchmark round ${r + 1}: a long answer please`);
      await input.press('Enter');
      const answer: Locator = assistants.nth(before);
      await answer.getByText('word20', { exact: false }).waitFor({ timeout: ROUND_TIMEOUT_MS });
      const req = (await server.waitForRequests('/chat/completions', requestsBefore + 1, ROUND_TIMEOUT_MS))[
        requestsBefore
      ];
      let closedAt = 0;
      // Registered before the click, so it runs before anything awaiting `closed` below.
      const closed = req.closed.then(() => {
        closedAt = Date.now();
      });
      const shownChars = (await answer.innerText()).length;
      await frame.evaluate(() => {
        (window as unknown as StampWindow).__benchStop = { down: 0, click: 0 };
      });
      await frame.locator('[data-testid="chat-stop"]').click({ timeout: ROUND_TIMEOUT_MS });
      await within(closed, 5_000, 'the fake server seeing the connection close after Stop');
      const stamps = await frame.evaluate(() => (window as unknown as StampWindow).__benchStop!);
      if (!stamps.down || !stamps.click) throw new Error('the Stop click was not seen in the webview');
      if (!req.closedEarly) throw new Error('the answer finished before Stop: the stream is too short');
      const round: StopRound = {
        downToCloseMs: closedAt - stamps.down,
        clickToCloseMs: closedAt - stamps.click,
        shownChars,
      };
      rounds.push(round);
      log(
        `  stop round ${r + 1}: pointerdown → server saw close ${round.downToCloseMs} ms (click → close ${round.clickToCloseMs} ms)`,
      );
      await answer.and(frame.locator('[data-state="stopped"]')).waitFor({ timeout: ROUND_TIMEOUT_MS });
      await frame.locator('[data-testid="chat-send"]').waitFor({ state: 'visible', timeout: ROUND_TIMEOUT_MS });
    }
    return { rounds, workbenchStartMs };
  } finally {
    await wb?.close();
    await server.close();
  }
}
