/**
 * `node out/test/bench/logprobBench.js` (after build and compile-tests): what shading a finished 2,000-token
 * answer by token probability costs in the real chat bundle in headless Chromium. Loads the answer as a
 * reopened conversation, with and without logprobs, and reports medians over rounds of: the shading pass
 * alone, the whole render of the message, the longest task (PerformanceObserver 'longtask', ≥ 50 ms), and how
 * much of the visible text ended up in a shaded span. Writes test-artifacts/bench-logprobs.json.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TokenLogprobView } from '../../src/webview/protocol';
import { seededRandom } from '../support/fakeServer';
import { artifactsDir, closeBrowser, startServer, WebviewPage } from '../webview/harness';
import { assistantMsg, conversation, init, userMsg } from '../webview/fixtures';
import { answerTokens } from './answer';
import { median, round2 } from './renderBench';

const TOKENS = Number(process.env.ARCEE_BENCH_TOKENS ?? 2000);
const ROUNDS = Number(process.env.ARCEE_BENCH_ROUNDS ?? 7);

function withLogprobs(tokens: string[]): TokenLogprobView[] {
  const rnd = seededRandom(3);
  return tokens.map((token) => {
    const p = rnd() < 0.7 ? 0.9 + rnd() * 0.1 : rnd();
    const top = Array.from({ length: 5 }, (_, i) => ({
      token: i === 0 ? token : `${token}${i}`,
      logprob: Math.log(i === 0 ? p : (1 - p) / (i + 1)),
    }));
    return { token, logprob: Math.log(p), top };
  });
}

interface Round {
  /** All the shading work of the pass, summed over its slices. */
  shadeMs: number | null;
  /** Its longest slice (each is one task, or part of the render's). */
  shadeSliceMs: number | null;
  renderMs: number;
  longestTaskMs: number;
  spans: number;
  coverage: number;
}

async function round(wv: WebviewPage, content: string, logprobs: TokenLogprobView[] | undefined): Promise<Round> {
  await wv.load();
  await wv.page.evaluate(() => {
    const w = window as unknown as { __longTasks: number[] };
    w.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__longTasks.push(e.duration);
    }).observe({ type: 'longtask', buffered: false });
  });
  const c = conversation([userMsg('u1', 'Explain it all'), assistantMsg('a1', content, logprobs ? { logprobs } : {})]);
  await wv.send(init({ conversation: c }));
  await wv.page.locator('[data-message-id="a1"] .msg-body .md-block').first().waitFor();
  if (logprobs) await wv.page.locator('[data-message-id="a1"] .msg-body[data-logprobs="shaded"]').waitFor();
  await wv.frames(3);
  return wv.page.evaluate(() => {
    const w = window as unknown as {
      __longTasks: number[];
      __arceeShadeTimes?: { totalMs: number; longestSliceMs: number }[];
      __arceeRenderTimes: number[];
    };
    const body = document.querySelector('[data-message-id="a1"] .msg-body') as HTMLElement;
    const visible = (body.innerText.match(/\S/g) ?? []).length;
    const spans = Array.from(body.querySelectorAll('[data-testid="logprob-token"]'));
    const shaded = spans.reduce((n, s) => n + ((s.textContent ?? '').match(/\S/g) ?? []).length, 0);
    return {
      shadeMs: w.__arceeShadeTimes?.at(-1)?.totalMs ?? null,
      shadeSliceMs: w.__arceeShadeTimes?.at(-1)?.longestSliceMs ?? null,
      renderMs: Math.max(...w.__arceeRenderTimes),
      longestTaskMs: Math.max(0, ...w.__longTasks),
      spans: spans.length,
      coverage: visible ? shaded / visible : 0,
    };
  });
}

/** Part 3 of `npm run bench` (also `npm run bench:logprobs` alone): shading a finished answer vs not. */
export async function logprobBenchmark(): Promise<void> {
  if (process.env.BENCH_LOGPROBS === '0') return;
  const tokens = answerTokens(TOKENS);
  const content = tokens.join('');
  const logprobs = withLogprobs(tokens);
  const server = await startServer();
  const wv = await WebviewPage.create(server.origin, { viewport: { width: 420, height: 900 } });
  const on: Round[] = [];
  const off: Round[] = [];
  try {
    for (let i = 0; i < ROUNDS; i++) {
      off.push(await round(wv, content, undefined));
      on.push(await round(wv, content, logprobs));
    }
  } finally {
    await wv.close();
    await server.close();
    await closeBrowser();
  }
  const summary = {
    tokens: TOKENS,
    characters: content.length,
    rounds: ROUNDS,
    shadeMs: round2(median(on.map((r) => r.shadeMs ?? 0))),
    shadeLongestSliceMs: round2(median(on.map((r) => r.shadeSliceMs ?? 0))),
    renderWithLogprobsMs: round2(median(on.map((r) => r.renderMs))),
    renderWithoutLogprobsMs: round2(median(off.map((r) => r.renderMs))),
    longestTaskWithLogprobsMs: round2(median(on.map((r) => r.longestTaskMs))),
    longestTaskWithoutLogprobsMs: round2(median(off.map((r) => r.longestTaskMs))),
    spans: on[0]?.spans ?? 0,
    coverage: round2(median(on.map((r) => r.coverage))),
  };
  const ratios = {
    longestTaskWithOverWithout: round2(
      summary.longestTaskWithLogprobsMs / Math.max(summary.longestTaskWithoutLogprobsMs, 0.01),
    ),
    renderWithOverWithout: round2(summary.renderWithLogprobsMs / Math.max(summary.renderWithoutLogprobsMs, 0.01)),
  };
  console.log(
    `\nlogprob shading, ${TOKENS}-token answer (median of ${ROUNDS} rounds; baseline: the same answer without logprobs, same run)`,
  );
  console.log(JSON.stringify({ ...summary, ratios }, null, 2));
  fs.mkdirSync(path.dirname(artifactsDir), { recursive: true });
  fs.writeFileSync(
    path.join(path.dirname(artifactsDir), 'bench-logprobs.json'),
    JSON.stringify({ summary, ratios, on, off }, null, 2),
  );
}

if (require.main === module) {
  logprobBenchmark().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
