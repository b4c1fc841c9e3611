/**
 * A typing model for the completions benchmark (pure): a stretch of a real file is deleted and retyped key by key,
 * with a seeded PRNG for the gaps between keys. Bursts inside words, longer gaps at word ends and after line breaks,
 * now and then a pause to think, and now and then a typo erased with backspace. A line break brings the next line's
 * indentation with it, as the editor's auto-indent does. Auto-closed brackets and quotes are not modelled.
 */
import { seededRandom } from '../support/fakeServer';

/** One key press. `at` is the position in the retyped text before the key. */
export type Key =
  | { kind: 'text'; at: number; text: string; delayMs: number }
  | { kind: 'typo'; at: number; text: string; delayMs: number }
  | { kind: 'backspace'; at: number; delayMs: number };

/** Gaps in ms as [min, max] (uniform), and the chances of a pause to think and of a typo. */
export interface TypingOptions {
  inWordMs: [number, number];
  wordEndMs: [number, number];
  lineStartMs: [number, number];
  thinkMs: [number, number];
  /** Chance of a pause to think at a word boundary (after a line break: three times this). */
  thinkChance: number;
  /** Chance of a typo on a letter inside a word. */
  typoChance: number;
  /** How long until a typo is noticed and erased. */
  noticeMs: [number, number];
}

export const TYPING_DEFAULTS: TypingOptions = {
  inWordMs: [60, 120],
  wordEndMs: [120, 280],
  lineStartMs: [250, 800],
  thinkMs: [400, 1500],
  thinkChance: 0.08,
  typoChance: 0.02,
  noticeMs: [150, 350],
};

const WORD = /[\p{L}\p{N}_$]/u;

/** The keys that type `text`, deterministic for `seed`. Applied in order they produce exactly `text`. */
export function typingKeys(text: string, seed: number, options: TypingOptions = TYPING_DEFAULTS): Key[] {
  const rnd = seededRandom(seed);
  const between = ([lo, hi]: [number, number]): number => Math.round(lo + rnd() * (hi - lo));
  const keys: Key[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    const prev = i > 0 ? text[i - 1] : '\n';
    let width = 1;
    if (ch === '\n') {
      // Enter, then the editor's auto-indent: the next line's leading whitespace comes with it.
      while (i + width < text.length && (text[i + width] === ' ' || text[i + width] === '\t')) width++;
    } else if (ch.charCodeAt(0) >= 0xd800 && ch.charCodeAt(0) <= 0xdbff) {
      width = 2;
    }
    const inWord = WORD.test(ch) && WORD.test(prev);
    // After Enter (or at the start, the cursor just placed) the next line is thought about first.
    const last = keys[keys.length - 1];
    const afterBreak = i === 0 || (last?.kind === 'text' && last.text.startsWith('\n'));
    let delayMs = between(afterBreak ? options.lineStartMs : inWord ? options.inWordMs : options.wordEndMs);
    if (!inWord && rnd() < options.thinkChance * (afterBreak ? 3 : 1)) delayMs = between(options.thinkMs);
    if (inWord && /\p{L}/u.test(ch) && rnd() < options.typoChance) {
      keys.push({ kind: 'typo', at: i, text: wrongLetter(ch, rnd), delayMs });
      keys.push({ kind: 'backspace', at: i, delayMs: between(options.noticeMs) });
      delayMs = between(options.inWordMs);
    }
    keys.push({ kind: 'text', at: i, text: text.slice(i, i + width), delayMs });
    i += width;
  }
  return keys;
}

function wrongLetter(ch: string, rnd: () => number): string {
  const letters = 'etaoinshrdlu';
  let c = letters[Math.floor(rnd() * letters.length)];
  if (c === ch.toLowerCase()) c = c === 'e' ? 'a' : 'e';
  return ch === ch.toUpperCase() ? c.toUpperCase() : c;
}

/** Applies keys to an empty buffer: the text they type (and a check that every typo was erased). */
export function applyKeys(keys: Key[]): string {
  let out = '';
  for (const k of keys) {
    if (k.kind === 'backspace') out = out.slice(0, -1);
    else out += k.text;
  }
  return out;
}

/** A stretch of a file to retype: from the first non-blank character of `startLine` to the end of its last line. */
export interface Region {
  start: number;
  end: number;
}

/**
 * A region of whole lines (at least `minChars` of text, at most `maxLines` lines) starting at a non-blank line
 * between 10% and 90% of the file, deterministic for `seed`; the first line's indentation stays in the file.
 */
export function pickRegion(text: string, seed: number, minChars = 120, maxLines = 8): Region {
  const lines = text.split('\n');
  const starts: number[] = [];
  let offset = 0;
  for (const line of lines) {
    starts.push(offset);
    offset += line.length + 1;
  }
  const rnd = seededRandom(seed);
  const lo = Math.floor(lines.length * 0.1);
  const hi = Math.max(lo + 1, Math.floor(lines.length * 0.9));
  let first = lo + Math.floor(rnd() * (hi - lo));
  for (let tries = 0; tries < lines.length && lines[first].trim() === ''; tries++) first = (first + 1) % lines.length;
  let last = first;
  const start = starts[first] + (/^[ \t]*/.exec(lines[first])?.[0].length ?? 0);
  while (last + 1 < lines.length && last - first + 1 < maxLines && starts[last] + lines[last].length - start < minChars)
    last++;
  return { start, end: starts[last] + lines[last].length };
}
