/**
 * The completions benchmark's inputs and the figures every replay reports (offline and `--live`): which files are
 * retyped, and from a replay's calls the requests per 100 keystrokes, suggestions shown, latencies and how often
 * the first suggested line was what the user typed next.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CompletionSettings, Counters } from '../../src/completions/engine';
import { MinuteCap } from '../../src/completions/rateLimit';
import { COMPLETIONS_DEFAULTS } from '../../src/config/settings';
import type { RecordedRequest } from '../support/fakeServer';
import { repoRoot } from '../support/paths';
import type { Call, ReplayFile, ReplayResult } from './completionsReplay';
import { pickRegion, typingKeys } from './typingModel';
import { round2 } from './renderBench';

/** Real files of this repository, code and prose; the ones missing (renamed since) are skipped. */
export const SOURCES: { path: string; languageId: string }[] = [
  { path: 'src/providers/retry.ts', languageId: 'typescript' },
  { path: 'scripts/test.mjs', languageId: 'javascript' },
  { path: 'src/completions/cache.ts', languageId: 'typescript' },
  { path: 'media/walkthrough/completions.md', languageId: 'markdown' },
  { path: 'src/chat/store.ts', languageId: 'typescript' },
  { path: 'src/edit/rebase.ts', languageId: 'typescript' },
  { path: 'scripts/setup.mjs', languageId: 'javascript' },
];

/** Stretches of the sources, in turn, until they hold about `keys` keys (the last one is cut at a line end). */
export function replayFiles(keys: number, seed: number): ReplayFile[] {
  const sources = SOURCES.filter((s) => fs.existsSync(path.join(repoRoot, s.path)));
  if (!sources.length) throw new Error('completions bench: none of its source files exist');
  const files: ReplayFile[] = [];
  let total = 0;
  for (let n = 0; total < keys; n++) {
    const source = sources[n % sources.length];
    const text = fs.readFileSync(path.join(repoRoot, source.path), 'utf8').replace(/\r\n/g, '\n');
    const region = pickRegion(text, seed * 7919 + n);
    let ks = typingKeys(text.slice(region.start, region.end), seed * 104_729 + n);
    let end = region.end;
    if (total + ks.length > keys) {
      // Over the budget: the stretch ends at the last line end within it (or after its first line), so the text
      // after the cursor is still whole lines, as it is when a stretch is retyped in full.
      const breaks = ks.map((k, i) => (k.kind === 'text' && k.text.startsWith('\n') ? i : -1)).filter((i) => i > 0);
      const cutAt = breaks.filter((i) => i <= keys - total).pop() ?? breaks[0];
      if (cutAt !== undefined) {
        end = region.start + ks[cutAt].at;
        ks = ks.slice(0, cutAt);
      }
    }
    const cut = { start: region.start, end };
    files.push({
      id: `${source.path}#${n}`,
      path: source.path,
      languageId: source.languageId,
      text,
      region: cut,
      keys: ks,
      indent: { useTabs: false, size: 2 },
    });
    total += ks.length;
  }
  return files;
}

/** A request the engine sent, with what happened to it on both sides. */
export interface Tracked {
  id: string;
  call: Call;
  /** performance.now() when the engine started the stream. */
  startedAt: number;
  /** When the engine abandoned it: the user typed on, or the answer was decided (or it ended). */
  abortedAt?: number;
  /** The engine stopped reading before the stream ended (the answer was decided). */
  stoppedReading?: boolean;
  server?: RecordedRequest;
}

export interface ReplaySummary {
  label: string;
  settings: CompletionSettings & { cache: boolean };
  keystrokes: number;
  tabs: number;
  typedChars: number;
  acceptedChars: number;
  durationS: number;
  counters: Counters;
  requestsPer100: number;
  shown: { model: number; cache: number };
  /** Key press → `complete()` resolved with a suggestion, ms. */
  ghostMs: { modelP50: number; modelP95: number; cacheP50: number; cacheP95: number };
  /** Request start → `complete()` resolved with the model's suggestion, ms. */
  requestMs: { p50: number; p95: number };
  /** The model's suggestions whose first line is the file's actual text at the cursor: exactly, or a start of it. */
  match: { n: number; exactShare: number; prefixShare: number };
  /** The model's suggestions beside the file's text at the cursor. */
  suggestions: { file: string; at: number; shown: string; next: string; accepted: boolean }[];
  /** Requests the shipped default cap (30 a minute) would have refused, on this replay's request times. */
  wouldCapAtDefault: number;
  stopped: boolean;
}

/** Nearest-rank percentile, rounded to 0.01; NaN for no data. */
export function pct(xs: number[], p: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return round2(s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]);
}

const firstLine = (s: string): string => s.split('\n')[0];

export function summariseReplay(
  label: string,
  settings: ReplaySummary['settings'],
  replay: ReplayResult,
  counters: Counters,
  tracked: Tracked[],
): ReplaySummary {
  const shown = replay.calls.filter((c) => c.suggestion && c.resolvedAt !== undefined);
  const model = shown.filter((c) => c.suggestion!.source === 'model');
  const cache = shown.filter((c) => c.suggestion!.source === 'cache');
  const ghost = (cs: Call[]): number[] => cs.map((c) => c.resolvedAt! - c.keyAt);
  const requestMs = tracked
    .filter((t) => t.call.suggestion?.source === 'model' && t.call.resolvedAt !== undefined)
    .map((t) => t.call.resolvedAt! - t.startedAt);
  let exact = 0;
  let prefix = 0;
  const suggestions: ReplaySummary['suggestions'] = [];
  for (const c of model) {
    const got = firstLine(c.suggestion!.text);
    // What the file has from the cursor on (a typo still standing makes it a miss).
    const truth = c.typo ? '\u0000' : firstLine(c.file.text.slice(c.at));
    if (got === truth) exact++;
    if (got.trim() !== '' && truth.startsWith(got)) prefix++;
    suggestions.push({
      file: c.file.id,
      at: c.at,
      shown: c.suggestion!.text,
      next: c.file.text.slice(c.at, c.at + c.suggestion!.text.length + 20),
      accepted: c.accepted === true,
    });
  }
  let t = 0;
  const cap = new MinuteCap(() => t);
  let refused = 0;
  for (const r of tracked) {
    t = r.startedAt;
    if (!cap.take(COMPLETIONS_DEFAULTS.maxPerMinute)) refused++;
  }
  return {
    label,
    settings,
    keystrokes: replay.keystrokes,
    tabs: replay.tabs,
    typedChars: replay.typedChars,
    acceptedChars: replay.acceptedChars,
    durationS: round2(replay.durationMs / 1000),
    counters: { ...counters },
    requestsPer100: replay.keystrokes ? round2((100 * counters.requests) / replay.keystrokes) : NaN,
    shown: { model: model.length, cache: cache.length },
    ghostMs: {
      modelP50: pct(ghost(model), 50),
      modelP95: pct(ghost(model), 95),
      cacheP50: pct(ghost(cache), 50),
      cacheP95: pct(ghost(cache), 95),
    },
    requestMs: { p50: pct(requestMs, 50), p95: pct(requestMs, 95) },
    match: {
      n: model.length,
      exactShare: model.length ? round2(exact / model.length) : NaN,
      prefixShare: model.length ? round2(prefix / model.length) : NaN,
    },
    wouldCapAtDefault: refused,
    suggestions,
    stopped: replay.stopped,
  };
}
