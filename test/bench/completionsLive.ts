/**
 * `npm run bench -- --live`: the completions replay against a real server, for people who have one. With
 * ARCEE_API_KEY: Arcee's API (ARCEE_BASE_URL overrides it), model ARCEE_MODEL or trinity-mini; with ARCEE_BASE_URL
 * alone: any OpenAI-compatible server, no key. Fewer keys than offline (BENCH_COMPLETIONS_LIVE_KEYS, 150) and the
 * shipped per-minute cap (BENCH_COMPLETIONS_LIVE_CAP, 30). Reports requests per 100 keystrokes, latency, and how
 * often the first suggested line was what the user typed next. The key is never printed. Writes
 * test-artifacts/bench-completions-live.json.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CompletionEngine, type ChatStreamer, type CompletionSettings } from '../../src/completions/engine';
import { COMPLETIONS_DEFAULTS, DEFAULT_BASE_URL } from '../../src/config/settings';
import { ArceeClient } from '../../src/providers/client';
import { redactSecrets } from '../../src/providers/errors';
import { repoRoot } from '../support/paths';
import { replayFiles, summariseReplay, type Tracked } from './completionsFigures';
import { replayTyping, type Call } from './completionsReplay';

const fmt = (x: number): string => (Number.isNaN(x) ? '–' : String(x));

export async function liveBenchmark(): Promise<void> {
  const key = process.env.ARCEE_API_KEY?.trim() ?? '';
  const baseUrl = process.env.ARCEE_BASE_URL?.trim() ?? '';
  if (!key && !baseUrl) {
    console.log(
      'completions --live: set ARCEE_API_KEY (Arcee) or ARCEE_BASE_URL (any OpenAI-compatible server) to replay the typing against it; nothing was run.',
    );
    return;
  }
  const keys = Number(process.env.BENCH_COMPLETIONS_LIVE_KEYS ?? 150);
  const seed = Number(process.env.BENCH_COMPLETIONS_SEED ?? 1);
  const settings: CompletionSettings = {
    model: process.env.ARCEE_MODEL?.trim() || COMPLETIONS_DEFAULTS.model,
    debounceMs: COMPLETIONS_DEFAULTS.debounceMs,
    maxLines: COMPLETIONS_DEFAULTS.maxLines,
    maxPerMinute: Number(process.env.BENCH_COMPLETIONS_LIVE_CAP ?? COMPLETIONS_DEFAULTS.maxPerMinute),
  };
  const client = new ArceeClient({
    baseUrl: baseUrl || DEFAULT_BASE_URL,
    apiKey: key,
    retry: { maxAttempts: 1 },
    userAgent: 'arcee-vscode-bench',
  });
  const host = client.endpoints.host;
  const redact = (s: string): string => redactSecrets(s, key ? [key] : []);
  const log: string[] = [];
  const tracked: Tracked[] = [];
  let current: Call | undefined;
  const stream: ChatStreamer = (request, signal) => {
    tracked.push({ id: String(tracked.length + 1), call: current!, startedAt: performance.now() });
    return client.streamChat(request, { signal });
  };
  const engine = new CompletionEngine({
    stream: () => Promise.resolve(stream),
    settings: () => settings,
    log: (l) => log.push(redact(l)),
  });
  console.log(
    `\ncompletions --live: ${keys} keys against ${host}, model ${settings.model}, debounce ${settings.debounceMs} ms, cap ${settings.maxPerMinute}/min`,
  );
  const replay = await replayTyping({
    engine,
    files: replayFiles(keys, seed),
    seed,
    acceptChance: 0.8,
    reactionMs: [150, 400],
    onCall: (call) => (current = call),
    // A server that refuses (key, credits) or cannot be reached ends the replay with its reason.
    shouldStop: () => engine.pause !== undefined || (engine.counters.errors >= 3 && engine.counters.shown === 0),
  });
  const s = summariseReplay('live', { ...settings, cache: true }, replay, engine.counters, tracked);
  const c = s.counters;
  if (s.stopped) {
    console.log(
      `  stopped after ${c.requests} requests: ${engine.pause?.message ?? log.at(-1) ?? 'the server failed'}`,
    );
    process.exitCode = 1;
  }
  console.log(
    `  keystrokes ${s.keystrokes} (${s.tabs} Tab), requests ${c.requests}: ${fmt(s.requestsPer100)} per 100 keystrokes (target ≤ 10); ${c.capped} refused by the cap, ${c.errors} failed`,
  );
  console.log(
    `  key → ghost text from the model p50 / p95: ${fmt(s.ghostMs.modelP50)} / ${fmt(s.ghostMs.modelP95)} ms; request → suggestion p50 / p95: ${fmt(s.requestMs.p50)} / ${fmt(s.requestMs.p95)} ms`,
  );
  console.log(
    `  suggestions shown: ${s.shown.model} from the model, ${s.shown.cache} from the cache; ${c.empty} answers showed nothing; ${s.tabs} accepted (${s.acceptedChars} characters)`,
  );
  console.log(
    `  first suggested line = what was typed next: ${fmt(s.match.exactShare)} exactly, ${fmt(s.match.prefixShare)} as a start of it (of ${s.match.n} model suggestions)`,
  );
  const out = path.join(repoRoot, 'test-artifacts');
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(
    path.join(out, 'bench-completions-live.json'),
    `${JSON.stringify({ host, keys, seed, summary: s, log }, null, 2)}\n`,
  );
  console.log('  wrote test-artifacts/bench-completions-live.json');
}
