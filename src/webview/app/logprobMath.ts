/**
 * The pure part of token-probability shading (no DOM): probability → shade bucket, percentages, visible token
 * text, and the alignment of the model's tokens to the text a rendered answer shows.
 *
 * Alignment runs in two steps. Tokens → markdown source: the concatenated tokens usually contain the answer's
 * source exactly (after a reasoning or `<think>` prefix); otherwise characters are matched greedily. Source →
 * rendered text: the rendered text is, nearly, a subsequence of the source (markdown syntax, fences, link
 * targets and entity spellings are dropped), so a greedy walk with a bounded look-ahead finds each rendered
 * character in the source. A character that cannot be placed belongs to no token and stays unshaded.
 */
import type { TokenLogprobView } from '../protocol';

/** Buckets of 1 − p; bucket 0 (p ≥ 0.9) is not shaded. */
const BUCKET_FLOORS = [0.9, 0.7, 0.5, 0.3, 0.1];
export const SHADE_BUCKETS = BUCKET_FLOORS.length + 1;

export function probability(logprob: number): number {
  if (!Number.isFinite(logprob)) return 0;
  return Math.min(1, Math.max(0, Math.exp(logprob)));
}

/** 0 (likely, unshaded) … 5 (p < 0.1, strongest shade). */
export function shadeBucket(p: number): number {
  const i = BUCKET_FLOORS.findIndex((floor) => p >= floor);
  return i < 0 ? BUCKET_FLOORS.length : i;
}

/** "99.2%", "12.5%", "0.42%", "<0.01%", "0%". */
export function formatProbability(p: number): string {
  if (!(p > 0)) return '0%';
  const pct = p * 100;
  if (pct >= 99.95) return pct >= 100 ? '100%' : '>99.9%';
  if (pct >= 1) return `${pct.toFixed(1)}%`;
  if (pct >= 0.01) return `${pct.toFixed(2)}%`;
  return '<0.01%';
}

/** A token as a person can read it in a tooltip: whitespace made visible, nothing empty. */
export function displayToken(token: string): string {
  if (token === '') return '(empty)';
  return token.replace(/ /g, '␣').replace(/\r?\n/g, '⏎').replace(/\t/g, '⇥');
}

export interface AlternativeLine {
  token: string;
  percent: string;
  p: number;
  /** The token the model actually chose. */
  chosen: boolean;
}

export interface TokenDetails {
  token: string;
  percent: string;
  p: number;
  alternatives: AlternativeLine[];
}

/** What the tooltip of one token says. */
export function tokenDetails(t: TokenLogprobView): TokenDetails {
  const p = probability(t.logprob);
  let chosenSeen = false;
  const alternatives = (t.top ?? []).map((a): AlternativeLine => {
    const ap = probability(a.logprob);
    const chosen = !chosenSeen && a.token === t.token;
    chosenSeen ||= chosen;
    return { token: displayToken(a.token), percent: formatProbability(ap), p: ap, chosen };
  });
  return { token: displayToken(t.token), percent: formatProbability(p), p, alternatives };
}

/** How far ahead a two-character match is searched for (long enough for a link target or a fence line). */
const PAIR_WINDOW = 400;
/** How far ahead a single-character match is accepted (markdown syntax between two characters is short). */
const CHAR_WINDOW = 12;

/**
 * For each character of `dst`, its index in `src`, or -1. Indices increase: `dst` is matched as a
 * subsequence of `src`, skipping what `src` has in between (markdown syntax) and what `src` lacks.
 */
export function mapChars(src: string, dst: string): Int32Array {
  const map = new Int32Array(dst.length).fill(-1);
  let s = 0;
  for (let d = 0; d < dst.length; d++) {
    if (s >= src.length) break;
    const c = dst.charCodeAt(d);
    if (src.charCodeAt(s) === c) {
      map[d] = s++;
      continue;
    }
    // Rendering adds and changes whitespace (line ends between list items, table cells): whitespace is
    // matched only where the source has some now, never searched for (that would jump far ahead).
    if (isSpace(c)) {
      if (isSpace(src.charCodeAt(s))) map[d] = s++;
      continue;
    }
    const j = findAhead(src, s, dst, d);
    if (j >= 0) {
      map[d] = j;
      s = j + 1;
    }
  }
  return map;
}

function findAhead(src: string, s: number, dst: string, d: number): number {
  const c = dst.charCodeAt(d);
  const hasNext = d + 1 < dst.length;
  const next = hasNext ? dst.charCodeAt(d + 1) : -1;
  const end = Math.min(src.length, s + PAIR_WINDOW);
  let single = -1;
  for (let j = s + 1; j < end; j++) {
    if (src.charCodeAt(j) !== c) continue;
    if (!hasNext || j + 1 >= src.length || sameOrBothSpace(src.charCodeAt(j + 1), next)) return j;
    if (single < 0 && j - s <= CHAR_WINDOW) single = j;
  }
  return single;
}

/** Markdown turns one kind of whitespace into another (line ends, indentation), so any two match. */
function sameOrBothSpace(a: number, b: number): boolean {
  return a === b || (isSpace(a) && isSpace(b));
}

function isSpace(code: number): boolean {
  return code === 32 || code === 10 || code === 9 || code === 13;
}

/**
 * For each character of `rendered` (the text of a rendered answer), the index of the token it comes from, or
 * -1. `content` is the answer's markdown source; `tokens` are the model's tokens, whose text may also hold
 * reasoning before the answer or differ from it here and there.
 */
export function tokenIndexPerChar(tokens: readonly string[], content: string, rendered: string): Int32Array {
  const joined = tokens.join('');
  const tokenOfJoined = new Int32Array(joined.length);
  let pos = 0;
  tokens.forEach((t, i) => {
    tokenOfJoined.fill(i, pos, pos + t.length);
    pos += t.length;
  });
  // Where each source character is in the joined tokens.
  const at = content ? joined.lastIndexOf(content) : -1;
  const sourceToJoined = at >= 0 ? null : dropShortRuns(mapChars(joined, content));
  const renderedToSource = mapChars(content, rendered);
  const out = new Int32Array(rendered.length).fill(-1);
  for (let i = 0; i < rendered.length; i++) {
    const c = renderedToSource[i];
    if (c < 0) continue;
    const j = sourceToJoined ? sourceToJoined[c] : at + c;
    if (j >= 0) out[i] = tokenOfJoined[j];
  }
  return out;
}

/** Shorter runs of consecutive matches than this are dropped when the tokens' text differs from the answer. */
const MIN_FALLBACK_RUN = 3;

/**
 * Forgets short runs of matches: when the tokens' text differs from the answer, a greedy walk still finds
 * scattered letters and pairs in common, and shading those would be noise.
 */
function dropShortRuns(map: Int32Array): Int32Array {
  const out = Int32Array.from(map);
  let i = 0;
  while (i < map.length) {
    if (map[i] < 0) {
      i++;
      continue;
    }
    let end = i + 1;
    while (end < map.length && map[end] === map[end - 1] + 1) end++;
    if (end - i < MIN_FALLBACK_RUN) out.fill(-1, i, end);
    i = end;
  }
  return out;
}

/** A run of characters [start, end) of one text that belongs to token `token` (-1: to none). */
export interface Run {
  start: number;
  end: number;
  token: number;
}

/** Splits `map[from, to)` into runs of equal token, never between the two halves of a surrogate pair. */
export function runsOf(map: Int32Array, text: string, from: number, to: number): Run[] {
  const runs: Run[] = [];
  let start = from;
  for (let i = from + 1; i <= to; i++) {
    if (i < to && map[i] === map[start]) continue;
    if (i < to && isLowSurrogate(text.charCodeAt(i - from))) continue;
    runs.push({ start: start - from, end: i - from, token: map[start] });
    start = i;
  }
  return runs;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
