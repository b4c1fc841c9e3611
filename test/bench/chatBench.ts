/**
 * The chat benchmarks of `npm run bench` (after the stream parser's): rendering a 20,000-token answer
 * streamed at 1,000 tokens/s into the real chat app in headless Chromium, beside a naive renderer measured
 * in the same run, and Stop → connection closed on the full stack (code-server + the extension + the fake
 * server). Prints a table with targets and writes test-artifacts/bench-render.json.
 *
 * Variables: BENCH_RENDER_TOKENS (20000), BENCH_RENDER_RATE (tokens/s, 1000), BENCH_RENDER_ROUNDS (3),
 * BENCH_NAIVE_ROUNDS (2), BENCH_STOP_ROUNDS (7; 0 skips the full-stack part), BENCH_CHAT=0 skips all of it.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { median, renderBenchmark, round2, type CpuFigures, type RunFigures } from './renderBench';
import { stopBenchmark, type StopSummary } from './stopBench';
import { repoRoot } from '../support/paths';

interface Metric {
  name: string;
  value: number;
  unit: string;
  target: string;
  pass: boolean;
  baseline?: number;
  detail: string;
}

/** Medians over rounds of each numeric figure. */
function medians(runs: RunFigures[]): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  if (!runs.length) return out;
  for (const [key, value] of Object.entries(runs[0])) {
    if (typeof value !== 'number' && value !== null) continue;
    const xs = runs
      .map((r) => (r as unknown as Record<string, number | null>)[key])
      .filter((x): x is number => typeof x === 'number');
    out[key] = xs.length ? round2(median(xs)) : null;
  }
  return out;
}

/** Medians over rounds of the CPU-time figures. */
function cpuMedians(runs: RunFigures[]): Partial<Record<keyof CpuFigures, number>> {
  const out: Partial<Record<keyof CpuFigures, number>> = {};
  const cpus = runs.map((r) => r.cpu).filter((c): c is CpuFigures => c !== null);
  if (!cpus.length) return out;
  for (const key of Object.keys(cpus[0]) as (keyof CpuFigures)[]) out[key] = round2(median(cpus.map((c) => c[key])));
  return out;
}

/** The longest task of a run: what the long-task observer saw, else (all < 50 ms) the longest update. */
function longestTask(r: RunFigures): number {
  return r.longestLongTaskMs ?? r.longestUpdateMs;
}

function envNumber(name: string, fallback: number): number {
  const v = process.env[name];
  return v === undefined || v === '' ? fallback : Number(v);
}

const pad = (s: string, n: number): string => (s.length >= n ? s : s + ' '.repeat(n - s.length));

export async function chatBenchmarks(): Promise<void> {
  if (process.env.BENCH_CHAT === '0') return;
  const started = Date.now();
  const tokens = envNumber('BENCH_RENDER_TOKENS', 20_000);
  const rate = envNumber('BENCH_RENDER_RATE', 1000);
  const rounds = envNumber('BENCH_RENDER_ROUNDS', 3);
  const naiveRounds = envNumber('BENCH_NAIVE_ROUNDS', 2);
  const stopRounds = envNumber('BENCH_STOP_ROUNDS', 7);
  const loadBefore = os.loadavg().map(round2);
  // Everything is bounded: a hung browser or server ends the run instead of hanging it.
  const guardMs = envNumber('BENCH_CHAT_TIMEOUT_MS', 6 * 60_000);
  const guard = setTimeout(() => {
    console.error(`chat benchmarks: still running after ${guardMs / 1000} s; stopping`);
    process.exit(124);
  }, guardMs);
  guard.unref();

  console.log(
    `\nChat render: ${tokens.toLocaleString('en-US')} tokens at ${rate.toLocaleString('en-US')} tokens/s into the chat app (headless Chromium); ${rounds} rounds, naive baseline ${naiveRounds}`,
  );
  const render = await renderBenchmark({ tokens, tokensPerSecond: rate, rounds, naiveRounds });
  let stop: StopSummary | null = null;
  if (stopRounds > 0) {
    console.log(`Stop on the full stack (code-server + extension + fake server): ${stopRounds} rounds`);
    stop = await stopBenchmark({ rounds: stopRounds });
  }
  const loadAfter = os.loadavg().map(round2);

  const app = medians(render.app);
  const naive = medians(render.naive);
  const appCpu = cpuMedians(render.app);
  const naiveCpu = cpuMedians(render.naive);
  const appLongest = round2(median(render.app.map(longestTask)));
  const naiveLongest = render.naive.length ? round2(median(render.naive.map(longestTask))) : NaN;
  const perRun = (runs: RunFigures[], f: (r: RunFigures) => unknown): string => runs.map(f).join('/');
  const metrics: Metric[] = [
    {
      name: 'update cost, last 10% / first 10% (median update)',
      value: app.lastOverFirst ?? NaN,
      unit: '×',
      target: '≤ 1.5',
      pass: (app.lastOverFirst ?? Infinity) <= 1.5,
      baseline: naive.lastOverFirst ?? undefined,
      detail: `wall time: app ${app.firstTenthMedianMs} → ${app.lastTenthMedianMs} ms, naive ${naive.firstTenthMedianMs} → ${naive.lastTenthMedianMs} ms; per run app ${perRun(render.app, (r) => r.lastOverFirst)}`,
    },
    {
      name: '  the same in main-thread CPU time (trace)',
      value: appCpu.lastOverFirst ?? NaN,
      unit: '×',
      target: '≤ 1.5',
      pass: (appCpu.lastOverFirst ?? Infinity) <= 1.5,
      baseline: naiveCpu.lastOverFirst ?? undefined,
      detail: `app ${appCpu.firstTenthMedianMs} → ${appCpu.lastTenthMedianMs} ms, naive ${naiveCpu.firstTenthMedianMs} → ${naiveCpu.lastTenthMedianMs} ms; per run app ${perRun(render.app, (r) => r.cpu?.lastOverFirst)}`,
    },
    {
      name: 'longest main-thread task',
      value: appLongest,
      unit: 'ms',
      target: '< 50 ms',
      pass: appLongest < 50,
      baseline: naiveLongest,
      detail: `longest per run app ${perRun(render.app, longestTask)} ms; long tasks (≥ 50 ms) per run app ${perRun(render.app, (r) => r.longTasks)}, naive ${perRun(render.naive, (r) => r.longTasks)}; app p99 update ${app.updateP99Ms} ms`,
    },
    {
      name: '  the same in CPU time (trace)',
      value: appCpu.longestTaskMs ?? NaN,
      unit: 'ms',
      target: '< 50 ms',
      pass: (appCpu.longestTaskMs ?? Infinity) < 50,
      baseline: naiveCpu.longestTaskMs ?? undefined,
      detail: `tasks ≥ 50 ms of CPU per run: app ${perRun(render.app, (r) => r.cpu?.longTasks)}, naive ${perRun(render.naive, (r) => r.cpu?.longTasks)}`,
    },
    {
      name: 'chunk arrival → text on screen (median)',
      value: app.delayMedianMs ?? NaN,
      unit: 'ms',
      target: '< 20 ms',
      pass: (app.delayMedianMs ?? Infinity) < 20,
      baseline: naive.delayMedianMs ?? undefined,
      detail: `per run ${perRun(render.app, (r) => r.delayMedianMs)} ms, p95 ${app.delayP95Ms} ms; of the median: ${app.queuedMedianMs} ms until the message handler ran, ${app.waitMedianMs} ms until the frame started; ${app.framesPerSecond} frames/s`,
    },
  ];
  if (stop) {
    const ms = stop.rounds.map((r) => r.downToCloseMs);
    const med = median(ms);
    metrics.push({
      name: 'Stop click → server saw the connection close (median)',
      value: med,
      unit: 'ms',
      target: '< 100 ms',
      pass: med < 100,
      detail: `max ${Math.max(...ms)} ms over ${ms.length} rounds: ${ms.join(', ')} ms`,
    });
  }

  console.log('');
  console.log(`${pad('metric', 56)}${pad('app', 12)}${pad('naive', 12)}${pad('target', 10)}result`);
  for (const m of metrics) {
    const v = `${m.value}${m.unit === '×' ? '×' : ' ms'}`;
    const b =
      m.baseline === undefined || Number.isNaN(m.baseline) ? '–' : `${m.baseline}${m.unit === '×' ? '×' : ' ms'}`;
    console.log(`${pad(m.name, 56)}${pad(v, 12)}${pad(b, 12)}${pad(m.target, 10)}${m.pass ? 'PASS' : 'MISS'}`);
    console.log(`  ${m.detail}`);
  }
  const cpus = os.cpus().length;
  const busy = Math.max(...loadBefore.slice(0, 1), ...loadAfter.slice(0, 1)) > cpus;
  console.log(
    `  load average before ${loadBefore.join(' ')}, after ${loadAfter.join(' ')} on ${cpus} CPUs${busy ? ': the machine was busy, so frame times include waiting for a CPU' : ''}`,
  );
  const runtimeS = Math.round((Date.now() - started) / 1000);
  console.log(`  chat benchmarks took ${runtimeS} s`);

  const report = {
    command: 'npm run bench',
    runtimeSeconds: runtimeS,
    machine: { cpus, loadAverageBefore: loadBefore, loadAverageAfter: loadAfter, node: process.version },
    metrics,
    render: {
      answer: render.answer,
      method: [
        'A timer in the page delivers a chat/delta every 16 ms (the host batching) with the tokens due by then; an update is a frame in which the renderer ran.',
        'Update cost (wall): main-thread time from the frame’s first rAF callback to a task posted from it (rAF + style + layout + paint + commit), plus the message handlers of its deltas.',
        'Update cost (CPU): thread time of the main-thread tasks in that window, from a Chromium trace (categories toplevel, blink.user_timing): what the page costs without waiting for a CPU.',
        'Arrival = the delta’s slot time; on screen = the task after the frame that rendered it (sampled DOM checks confirm the text is there).',
        'Longest task (wall): PerformanceObserver longtask (reports ≥ 50 ms only; if none, the longest update is the bound). Longest task (CPU): the longest main-thread task in the trace by thread time.',
        'Naive baseline: the app’s own markdown-it → DOMPurify → highlight.js pipeline over the whole message, every frame.',
      ].join(' '),
      appMedians: { ...app, cpu: appCpu },
      naiveMedians: { ...naive, cpu: naiveCpu },
      appRounds: render.app,
      naiveRounds: render.naive,
    },
    stop: stop && {
      method:
        'Wall clock from the Stop button’s pointerdown in the webview (Date.now()) to the fake server’s close event for the request (Date.now() in the bench process).',
      ...stop,
    },
  };
  const dir = path.join(repoRoot, 'test-artifacts');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'bench-render.json'), `${JSON.stringify(report, null, 2)}\n`);
  console.log('  wrote test-artifacts/bench-render.json');
  clearTimeout(guard);
}
