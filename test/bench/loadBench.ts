/**
 * Part 5 of `npm run bench`: opening a long conversation (5 answers of 2,000 tokens) in a chat that is
 * already running, in the real chat bundle in headless Chromium. Reports, as medians over rounds, the longest
 * main-thread task (PerformanceObserver 'longtask', which sees tasks of 50 ms or more) beside the render work
 * the load needed in all (the baseline of the same run: a renderer without slicing does it in one task), and
 * the time until the last answer is fully on screen. `BENCH_LOAD=0` skips it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { artifactsDir, closeBrowser, startServer, WebviewPage } from '../webview/harness';
import { assistantMsg, conversation, init, userMsg } from '../webview/fixtures';
import { answerTokens } from './answer';
import { median, round2 } from './renderBench';

const ANSWERS = 5;
const TOKENS = 2000;
const ROUNDS = Number(process.env.BENCH_LOAD_ROUNDS ?? 7);

interface LoadRound {
  longestTaskMs: number;
  renderWorkMs: number;
  renders: number;
  untilDoneMs: number;
}

export async function loadBenchmark(): Promise<void> {
  if (process.env.BENCH_LOAD === '0') return;
  const server = await startServer();
  const wv = await WebviewPage.create(server.origin, { viewport: { width: 420, height: 900 } });
  const messages = Array.from({ length: ANSWERS }, (_, i) => [
    userMsg(`u${i}`, `question ${i}`),
    assistantMsg(`a${i}`, answerTokens(TOKENS, 7 + i).join('')),
  ]).flat();
  const rounds: LoadRound[] = [];
  try {
    await wv.load();
    // Warm: the page has rendered an answer before (grammars compiled), as a chat in use has.
    await wv.send(
      init({
        conversation: conversation(
          [userMsg('w', 'warm up'), assistantMsg('wa', answerTokens(500, 3).join(''))],
          'warm',
        ),
      }),
    );
    await wv.frames(10);
    for (let r = 0; r < ROUNDS; r++) {
      await wv.page.evaluate(() => {
        const w = window as unknown as {
          __longTasks: number[];
          __loadObserver?: PerformanceObserver;
          __arceeRenderTimes: number[];
        };
        w.__longTasks = [];
        w.__arceeRenderTimes.length = 0;
        if (!w.__loadObserver) {
          w.__loadObserver = new PerformanceObserver((list) => {
            for (const e of list.getEntries()) w.__longTasks.push(e.duration);
          });
          w.__loadObserver.observe({ type: 'longtask' });
        }
      });
      const started = Date.now();
      await wv.send({
        type: 'conversation/load',
        conversation: conversation(messages, `c${r}`),
        activeRequestId: null,
      });
      // Done when the last answer has no text waiting: its open tail is rendered (the tail renders last).
      await wv.page.waitForFunction(
        (id) => {
          const tail = document.querySelector(`[data-message-id="${id}"] .msg-body .md-tail`);
          return !!tail && (tail.textContent ?? '').trim().length > 0;
        },
        `a${ANSWERS - 1}`,
        { timeout: 30_000 },
      );
      const untilDoneMs = Date.now() - started;
      await wv.frames(5);
      rounds.push({
        ...(await wv.page.evaluate(() => {
          const w = window as unknown as { __longTasks: number[]; __arceeRenderTimes: number[] };
          return {
            longestTaskMs: Math.max(0, ...w.__longTasks),
            renderWorkMs: w.__arceeRenderTimes.reduce((a, b) => a + b, 0),
            renders: w.__arceeRenderTimes.length,
          };
        })),
        untilDoneMs,
      });
      await wv.send({ type: 'conversation/load', conversation: conversation([], `empty${r}`), activeRequestId: null });
      await wv.frames(5);
    }
  } finally {
    await wv.close();
    await server.close();
    await closeBrowser();
  }
  const summary = {
    answers: ANSWERS,
    tokensEach: TOKENS,
    rounds: ROUNDS,
    longestTaskMs: round2(median(rounds.map((r) => r.longestTaskMs))),
    renderWorkMs: round2(median(rounds.map((r) => r.renderWorkMs))),
    longestTaskOverRenderWork: round2(median(rounds.map((r) => r.longestTaskMs / Math.max(r.renderWorkMs, 0.01)))),
    renders: median(rounds.map((r) => r.renders)),
    untilDoneMs: median(rounds.map((r) => r.untilDoneMs)),
  };
  console.log(
    `\nopening a conversation of ${ANSWERS} × ${TOKENS}-token answers in a warm chat (median of ${ROUNDS} rounds; longest task 0 = none of 50 ms or more)`,
  );
  console.log(JSON.stringify(summary, null, 2));
  fs.mkdirSync(path.dirname(artifactsDir), { recursive: true });
  fs.writeFileSync(
    path.join(path.dirname(artifactsDir), 'bench-load.json'),
    JSON.stringify({ summary, rounds }, null, 2),
  );
}
