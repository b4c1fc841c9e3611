/**
 * Replays typing (./typingModel.ts) into a CompletionEngine as VS Code's inline-completion provider would drive
 * it: every key press aborts the previous call's signal and calls `complete()` once. Real timers throughout.
 *
 * The user: when a suggestion is shown that is the start of what they are about to type, they press Tab after a
 * reaction time (with `acceptChance`), unless their next key comes first; the document then jumps ahead by the
 * suggestion and VS Code asks again. Otherwise they keep typing, through the suggestion when it was right (the
 * engine's cache serves the rest).
 */
import type { CompletionEngine, CompletionRequest, Suggestion } from '../../src/completions/engine';
import type { IndentStyle } from '../../src/completions/indent';
import { seededRandom } from '../support/fakeServer';
import type { Key, Region } from './typingModel';

export interface ReplayFile {
  /** Names the document (two stretches of one file are two documents). */
  id: string;
  path: string;
  languageId: string;
  /** The whole file as it is on disk. */
  text: string;
  /** The stretch deleted and retyped. */
  region: Region;
  /** The keys that retype it (positions relative to `region.start`). */
  keys: Key[];
  indent: IndentStyle;
}

/** One `complete()` call. */
export interface Call {
  id: number;
  file: ReplayFile;
  /** The cursor in the file's text; a typo not yet erased stands before it. */
  at: number;
  typo: string;
  /** performance.now() of the key press. */
  keyAt: number;
  kind: Key['kind'] | 'tab';
  abortedAt?: number;
  resolvedAt?: number;
  suggestion?: Suggestion;
  /** The suggestion is the start of what the user was about to type. */
  matches?: boolean;
  accepted?: boolean;
}

export interface ReplayOptions {
  engine: CompletionEngine;
  files: ReplayFile[];
  seed: number;
  /** Chance of pressing Tab for a right suggestion (when it shows before the next key is due). */
  acceptChance: number;
  reactionMs: [number, number];
  /** Called before each `complete()` (the bench's fake model learns what is coming; a baseline clears the cache). */
  onCall?: (call: Call) => void;
  /** Checked before each key: true ends the replay (a live server that keeps failing). */
  shouldStop?: () => boolean;
}

export interface ReplayResult {
  calls: Call[];
  /** Key presses, Tab included (each one a `complete()` call). */
  keystrokes: number;
  tabs: number;
  typedChars: number;
  acceptedChars: number;
  durationMs: number;
  stopped: boolean;
}

/** What the user types from `at` to the end of the region. */
export const aheadOf = (file: ReplayFile, at: number): string =>
  at >= file.region.end ? '' : file.text.slice(at, file.region.end);

/** The engine's request for a call, as the provider builds it from the document and the cursor. */
export function requestFor(call: Call): CompletionRequest {
  const { file } = call;
  return {
    document: `file:///bench/${file.id}`,
    path: file.path,
    languageId: file.languageId,
    prefix: file.text.slice(0, call.at) + call.typo,
    suffix: file.text.slice(file.region.end),
    indent: file.indent,
  };
}

export async function replayTyping(options: ReplayOptions): Promise<ReplayResult> {
  const { engine } = options;
  const rnd = seededRandom(options.seed);
  const calls: Call[] = [];
  const inFlight = new Set<Promise<unknown>>();
  const result: ReplayResult = {
    calls,
    keystrokes: 0,
    tabs: 0,
    typedChars: 0,
    acceptedChars: 0,
    durationMs: 0,
    stopped: false,
  };
  const started = performance.now();
  let controller: AbortController | undefined;
  let current: Call | undefined;
  let pending: { due: number; call: Call } | undefined;
  let wake: (() => void) | undefined;

  const press = (file: ReplayFile, at: number, typo: string, kind: Call['kind']): void => {
    const now = performance.now();
    if (controller && current && current.resolvedAt === undefined) current.abortedAt = now;
    controller?.abort();
    pending = undefined;
    controller = new AbortController();
    const call: Call = { id: calls.length + 1, file, at, typo, keyAt: now, kind };
    calls.push(call);
    current = call;
    options.onCall?.(call);
    const p = engine.complete(requestFor(call), controller.signal).then((s) => {
      call.resolvedAt = performance.now();
      call.suggestion = s;
      if (!s) return;
      call.matches = typo === '' && aheadOf(file, at).startsWith(s.text);
      if (call.matches && call === current && rnd() < options.acceptChance) {
        const [lo, hi] = options.reactionMs;
        pending = { due: call.resolvedAt + lo + rnd() * (hi - lo), call };
        wake?.();
      }
    });
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };

  /** Sleeps until `due`; true when woken early because a suggestion showed up. */
  const sleepUntil = (due: number): Promise<boolean> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => done(false), Math.max(0, due - performance.now()));
      function done(woken: boolean): void {
        clearTimeout(timer);
        wake = undefined;
        resolve(woken);
      }
      wake = () => done(true);
    });

  for (const file of options.files) {
    let at = file.region.start;
    let typo = '';
    let last = performance.now();
    // Keys for text a Tab already inserted are skipped; a line break's indentation may be half inserted.
    const covered = (key: Key): boolean => {
      const from = file.region.start + key.at;
      return key.kind === 'text' ? from + key.text.length <= at : from < at;
    };
    for (let k = 0; k < file.keys.length;) {
      const key = file.keys[k];
      if (covered(key)) {
        k++;
        continue;
      }
      if (options.shouldStop?.()) {
        result.stopped = true;
        break;
      }
      const keyDue = last + key.delayMs;
      let accepted = false;
      for (;;) {
        const accept = pending && pending.due < keyDue ? pending : undefined;
        if (await sleepUntil(accept ? accept.due : keyDue)) continue;
        if (accept && pending === accept) {
          const text = accept.call.suggestion!.text;
          accept.call.accepted = true;
          engine.accepted();
          at = accept.call.at + text.length;
          result.tabs++;
          result.acceptedChars += text.length;
          result.keystrokes++;
          press(file, at, '', 'tab');
          last = performance.now();
          accepted = true;
        }
        break;
      }
      // After a Tab the same key is planned again, from now (or skipped, when the Tab typed it).
      if (accepted) continue;
      const from = file.region.start + key.at;
      if (key.kind === 'typo') typo = key.text;
      else if (key.kind === 'backspace') typo = '';
      else {
        result.typedChars += from + key.text.length - Math.max(at, from);
        at = from + key.text.length;
      }
      result.keystrokes++;
      press(file, at, typo, key.kind);
      last = performance.now();
      k++;
    }
    // The user stops at the end of the stretch: the last call runs its course before the next file.
    await Promise.allSettled([...inFlight]);
    pending = undefined;
    if (result.stopped) break;
  }
  controller?.abort();
  await Promise.allSettled([...inFlight]);
  result.durationMs = performance.now() - started;
  return result;
}
