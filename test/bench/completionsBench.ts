/**
 * Part 8 of `npm run bench` (`npm run bench -- --completions` alone): ghost-text completions under typing.
 * Stretches of real files of this repository are deleted and retyped key by key (./typingModel.ts) into the real
 * CompletionEngine and ArceeClient (./completionsReplay.ts), against the fake server with a fixed model latency
 * whose answer is usually the file's actual next text (./completionsFakeModel.ts). Settings: the shipped defaults
 * (debounce 300 ms, 12 lines) with the per-minute cap raised so that it refuses nothing. Baseline, in the same
 * run on the start of the same replay: no debounce and no cache (a request on every key). Reported: requests per
 * 100 keystrokes (target ≤ 10), the share of abandoned requests whose socket the server saw closed within 50 ms of
 * the abort (target 100%), suggestions served from the cache, and the extension's overhead: key press → ghost
 * text minus the debounce and the server's own time (target p50 ≤ 15 ms, p95 ≤ 40 ms). Writes
 * test-artifacts/bench-completions.json.
 *
 * `--live` replays against a real server (./completionsLive.ts). Variables: BENCH_COMPLETIONS_KEYS (400),
 * BENCH_COMPLETIONS_BASELINE_KEYS (150; 0 skips the baseline), BENCH_COMPLETIONS_SEED (1), BENCH_COMPLETIONS=0
 * skips the part.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { CompletionEngine, type ChatStreamer, type CompletionSettings } from '../../src/completions/engine';
import { COMPLETIONS_DEFAULTS } from '../../src/config/settings';
import type { ChatEvent } from '../../src/providers/api';
import { ArceeClient } from '../../src/providers/client';
import { FakeServer, jsonReply, type RecordedRequest } from '../support/fakeServer';
import { repoRoot } from '../support/paths';
import { FAKE_MODEL, fakeAnswer, fakeReply } from './completionsFakeModel';
import { ownCpuMs } from './completionsCpu';
import { replayFiles, summariseReplay, type ReplaySummary, type Tracked } from './completionsFigures';
import { serverFigures, type ServerFigures } from './completionsServerFigures';
import { liveBenchmark } from './completionsLive';
import { replayTyping, type Call } from './completionsReplay';
import { round2 } from './renderBench';

const KEYS = Number(process.env.BENCH_COMPLETIONS_KEYS ?? 400);
/** The baseline sends a request on every key, so a shorter stretch (the start of the same replay) shows its rate. */
const BASELINE_KEYS = Number(process.env.BENCH_COMPLETIONS_BASELINE_KEYS ?? 150);
const SEED = Number(process.env.BENCH_COMPLETIONS_SEED ?? 1);
/** High enough never to refuse a request here; the shipped default (30) is simulated on the request times. */
const BENCH_CAP = 1000;
const LOOP_MS = 2;
const TARGETS = { requestsPer100AtMost: 10, closedWithin50msShare: 1, overheadP50AtMost: 15, overheadP95AtMost: 40 };

type OfflineRun = ReplaySummary &
  ServerFigures & {
    eventLoopMs: { p50: number; p99: number; max: number };
    cpuMs?: { p50: number; p95: number };
  };

/**
 * One request before the replays: the process's first fetch loads Node's HTTP client (tens of ms), which an
 * extension host has long done by the time someone types.
 */
async function warmUp(server: FakeServer): Promise<void> {
  const client = new ArceeClient({ baseUrl: server.baseUrl, retry: { maxAttempts: 1 } });
  const request = { model: 'trinity-mini', messages: [{ role: 'user' as const, content: 'warm up' }], stream: true };
  for await (const ev of client.streamChat(request, { signal: new AbortController().signal })) void ev;
}

const answerSeed = (call: Call): number => SEED * 100_003 + call.id;

/** Wraps a stream so that the engine's `return()` (it stopped reading: the answer was decided) is stamped first. */
function stampReturn(events: AsyncIterable<ChatEvent>, stamp: () => void): AsyncIterable<ChatEvent> {
  return {
    [Symbol.asyncIterator]() {
      const it = events[Symbol.asyncIterator]();
      return {
        next: () => it.next(),
        return: (value?: unknown) => {
          stamp();
          return it.return ? it.return(value) : Promise.resolve({ done: true as const, value: undefined });
        },
      };
    },
  };
}

async function offlineRun(
  server: FakeServer,
  label: string,
  settings: CompletionSettings,
  cache: boolean,
  keys: number,
): Promise<OfflineRun> {
  const tracked: Tracked[] = [];
  const byId = new Map<string, Tracked>();
  let current: Call | undefined;
  server.setDefault('/chat/completions', (rec: RecordedRequest) => {
    const t = byId.get(String(rec.headers['x-bench-request']));
    if (!t) return jsonReply(500, { error: { message: 'completions bench: a request the bench did not send' } });
    return fakeReply(fakeAnswer(t.call, answerSeed(t.call)));
  });
  const stream: ChatStreamer = (request, signal) => {
    const t: Tracked = { id: `${label}-${tracked.length + 1}`, call: current!, startedAt: performance.now() };
    tracked.push(t);
    byId.set(t.id, t);
    const stamp = (): void => void (t.abortedAt ??= performance.now());
    signal.addEventListener('abort', stamp, { once: true });
    const stopped = (): void => {
      t.stoppedReading = true;
      stamp();
    };
    // A client per request only to tag it with a header; construction is a few object allocations.
    const client = new ArceeClient({
      baseUrl: server.baseUrl,
      retry: { maxAttempts: 1 },
      headers: { 'x-bench-request': t.id },
    });
    return stampReturn(client.streamChat(request, { signal }), stopped);
  };
  const engine = new CompletionEngine({ stream: () => Promise.resolve(stream), settings: () => settings });
  // Sampled every LOOP_MS; each sample includes that interval, which is subtracted below.
  const loop = monitorEventLoopDelay({ resolution: LOOP_MS });
  loop.enable();
  const replay = await replayTyping({
    engine,
    files: replayFiles(keys, SEED),
    seed: SEED,
    acceptChance: 0.8,
    reactionMs: [150, 400],
    onCall: (call) => {
      current = call;
      if (!cache) engine.clearCache();
    },
  });
  loop.disable();
  // Let the last closes reach the server.
  await new Promise((r) => setTimeout(r, 200));
  const received = new Map(
    server.requestsTo('/chat/completions').map((r) => [String(r.headers['x-bench-request']), r]),
  );
  for (const t of tracked) t.server = received.get(t.id);
  const shownByModel = replay.calls.filter((c) => c.suggestion?.source === 'model');

  return {
    ...summariseReplay(label, { ...settings, cache }, replay, engine.counters, tracked),
    ...serverFigures(tracked, settings.debounceMs),
    eventLoopMs: {
      p50: round2(Math.max(0, loop.percentile(50) / 1e6 - LOOP_MS)),
      p99: round2(Math.max(0, loop.percentile(99) / 1e6 - LOOP_MS)),
      max: round2(Math.max(0, loop.max / 1e6 - LOOP_MS)),
    },
    cpuMs: cache ? ownCpuMs(shownByModel, answerSeed) : undefined,
  };
}

const fmt = (x: number, unit = ''): string => (Number.isNaN(x) ? '–' : `${x}${unit}`);
const pad = (s: string, n: number): string => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const ms3 = (a: number, b: number, c?: number): string =>
  `${fmt(a)} / ${fmt(b)}${c === undefined ? '' : ` / ${fmt(c)}`} ms`;

/** The table's rows: a name, the figure for a run, and for the targets the bound and whether our run meets it. */
const ROWS: [string, (r: OfflineRun) => string, string?, ((r: OfflineRun) => boolean)?][] = [
  ['keystrokes (Tab included)', (r) => String(r.keystrokes)],
  [
    'requests per 100 keystrokes',
    (r) => fmt(r.requestsPer100),
    '≤ 10',
    (r) => r.requestsPer100 <= TARGETS.requestsPer100AtMost,
  ],
  [
    'abandoned requests closed within 50 ms',
    (r) => `${r.abortClose.closedWithin50ms}/${r.abortClose.abandoned}`,
    '100%',
    (r) => r.abortClose.share >= TARGETS.closedWithin50msShare,
  ],
  [
    '  abort → server saw close, p50 / p95 / max',
    (r) => ms3(r.abortClose.p50Ms, r.abortClose.p95Ms, r.abortClose.maxMs),
  ],
  [
    'overhead p50: key → ghost text − debounce − server',
    (r) => fmt(r.overheadMs.p50, ' ms'),
    '≤ 15 ms',
    (r) => r.overheadMs.p50 <= TARGETS.overheadP50AtMost,
  ],
  [
    'overhead p95',
    (r) => fmt(r.overheadMs.p95, ' ms'),
    '≤ 40 ms',
    (r) => r.overheadMs.p95 <= TARGETS.overheadP95AtMost,
  ],
  [
    '  p50s: debounce timer + prompt / HTTP / after',
    (r) => ms3(r.overheadMs.timerAndPromptP50, r.overheadMs.httpP50, r.overheadMs.afterP50),
  ],
  ['  own CPU work per suggestion, p50 / p95', (r) => (r.cpuMs ? ms3(r.cpuMs.p50, r.cpuMs.p95) : '–')],
  ['  event-loop delay p50 / p99 / max', (r) => ms3(r.eventLoopMs.p50, r.eventLoopMs.p99, r.eventLoopMs.max)],
  ['key → ghost text from the model, p50 / p95', (r) => ms3(r.ghostMs.modelP50, r.ghostMs.modelP95)],
  ['key → ghost text from the cache, p50 / p95', (r) => ms3(r.ghostMs.cacheP50, r.ghostMs.cacheP95)],
  ['suggestions shown: model + cache', (r) => `${r.shown.model} + ${r.shown.cache}`],
  ['accepted with Tab (characters)', (r) => `${r.tabs} (${r.acceptedChars})`],
  ['refused at the shipped cap of 30/min (simulated)', (r) => String(r.wouldCapAtDefault)],
];

export async function completionsBenchmark(options: { live?: boolean } = {}): Promise<void> {
  if (options.live) return liveBenchmark();
  if (process.env.BENCH_COMPLETIONS === '0') return;
  const guard = setTimeout(() => {
    console.error('completions bench: still running after 5 minutes; stopping');
    process.exit(124);
  }, 5 * 60_000);
  guard.unref();
  const loadBefore = os.loadavg().map(round2);
  const d = COMPLETIONS_DEFAULTS;
  const settings: CompletionSettings = {
    model: d.model,
    debounceMs: d.debounceMs,
    maxLines: d.maxLines,
    maxPerMinute: BENCH_CAP,
  };
  const m = FAKE_MODEL;
  console.log(
    `\ncompletions under typing: ${KEYS} keys (baseline ${BASELINE_KEYS}), stretches of real files retyped with real timers; fake model ${m.firstTokenMs} ms to the first piece, then ${m.pieces} pieces ${m.pieceMs} ms apart, right ${m.rightChance * 100}% of the time; debounce ${settings.debounceMs} ms, ${settings.maxLines} lines, cap ${BENCH_CAP}/min (shipped: ${d.maxPerMinute})`,
  );
  const server = await FakeServer.start();
  const runs: OfflineRun[] = [];
  try {
    await warmUp(server);
    runs.push(await offlineRun(server, 'engine', settings, true, KEYS));
    if (BASELINE_KEYS > 0)
      runs.push(await offlineRun(server, 'baseline', { ...settings, debounceMs: 0 }, false, BASELINE_KEYS));
  } finally {
    await server.close();
  }
  const loadAfter = os.loadavg().map(round2);
  const [ours, base] = runs;
  console.log(
    `  ${pad('(baseline: replay start, no debounce, no cache)', 54)}${pad('engine', 26)}${pad('baseline', 26)}target`,
  );
  for (const [name, value, target, pass] of ROWS) {
    const verdict = pass ? `${pad(target ?? '', 10)}${pass(ours) ? 'PASS' : 'MISS'}` : '';
    console.log(`  ${pad(name, 54)}${pad(value(ours), 26)}${pad(base ? value(base) : '–', 26)}${verdict}`);
  }
  const c = ours.counters;
  console.log(
    `  engine: ${c.requests} requests (${c.aborted} aborted as typing went on, ${c.decidedEarly} stopped once decided), ${c.debounced} calls ended in the debounce, ${c.cacheHits} cache hits, ${c.empty} empty answers, ${c.errors} errors, ${c.capped} capped; ${ours.abortClose.neverReachedServer} abandoned before the server read them; replay ${ours.durationS} s`,
  );
  if (base)
    console.log(
      `  requests per 100 keystrokes, engine / baseline: ${round2(ours.requestsPer100 / base.requestsPer100)}`,
    );
  console.log(
    `  first line right (exact / prefix): ${fmt(ours.match.exactShare)} / ${fmt(ours.match.prefixShare)} of ${ours.match.n} model suggestions: set by the fake model (right ${m.rightChance * 100}%), not a quality measure`,
  );
  console.log(
    `  load average before ${loadBefore.join(' ')}, after ${loadAfter.join(' ')} on ${os.cpus().length} CPUs`,
  );
  const out = path.join(repoRoot, 'test-artifacts');
  fs.mkdirSync(out, { recursive: true });
  const machine = { cpus: os.cpus().length, loadBefore, loadAfter, node: process.version };
  const report = {
    keys: { engine: KEYS, baseline: BASELINE_KEYS },
    seed: SEED,
    fakeModel: m,
    targets: TARGETS,
    machine,
    engine: ours,
    baseline: base,
  };
  fs.writeFileSync(path.join(out, 'bench-completions.json'), `${JSON.stringify(report, null, 2)}\n`);
  console.log('  wrote test-artifacts/bench-completions.json');
  clearTimeout(guard);
}

if (require.main === module) {
  completionsBenchmark({ live: process.argv.includes('--live') }).catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
