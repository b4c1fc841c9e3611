/**
 * Overlap between a completion and the text around the cursor (pure): the model repeating the line before the
 * cursor, or the text after it.
 */
import { isCloser } from './indent';

/** The text of the cursor line before the cursor, the line before that, and the rest of the cursor line. */
export interface CursorLines {
  linePrefix: string;
  previousLine: string | undefined;
  lineSuffix: string;
  /** The lines after the cursor line. */
  following: string[];
}

export function cursorLines(prefix: string, suffix: string): CursorLines {
  const before = prefix.split('\n');
  const after = suffix.split('\n');
  return {
    linePrefix: before[before.length - 1],
    previousLine: before.length > 1 ? before[before.length - 2] : undefined,
    lineSuffix: after[0],
    following: after.slice(1),
  };
}

/**
 * Removes a restart of the line before the cursor from the start of `lines` (the answer): a first line equal to
 * the previous line (when the cursor line holds only indentation, the model often restarts from the line above),
 * then the cursor line's text before the cursor at the start of the (new) first line. Returns the remaining
 * lines and whether the model wrote the cursor line out in full (its indentation is then known).
 */
export function stripPrefixRepeat(lines: string[], at: CursorLines): { lines: string[]; repeatedIndent?: string } {
  let out = lines;
  const prev = at.previousLine?.trim();
  const typed = at.linePrefix.trim();
  if (
    prev &&
    out.length > 1 &&
    out[0].trim() === prev &&
    !(typed && out[0].trim().startsWith(typed) && prev !== typed)
  ) {
    out = out.slice(1);
  }
  if (typed && out.length > 0) {
    const first = out[0].trimStart();
    if (first.startsWith(typed)) {
      const indent = out[0].slice(0, out[0].length - first.length);
      // The cursor may stand after a space the repeat also has (`f(a, |`): the space is already in the file.
      let rest = first.slice(typed.length);
      if (/\s$/.test(at.linePrefix)) rest = rest.trimStart();
      return { lines: [rest, ...out.slice(1)], repeatedIndent: indent };
    }
  }
  return { lines: out };
}

const PUNCT = /^[\s)\]}>;,'"`]+$/;

/**
 * Removes from the end of `line` what the rest of the cursor line already holds: the whole of it (trimmed), or
 * the longest start of it made only of closing brackets, quotes and `;`/`,` (a model that closes the call
 * whose `)` is already after the cursor).
 */
export function stripLineSuffix(line: string, lineSuffix: string): string {
  const rest = lineSuffix.trim();
  if (rest === '') return line;
  const body = line.trimEnd();
  if (body.endsWith(rest)) return body.slice(0, body.length - rest.length);
  for (let k = rest.length - 1; k >= 1; k--) {
    const head = rest.slice(0, k);
    if (PUNCT.test(head) && body.endsWith(head)) return body.slice(0, body.length - k);
  }
  return line;
}

/**
 * How many of the last lines of `lines` repeat the first non-blank lines after the cursor line (compared
 * without surrounding whitespace; a lone closer (`}`, `end`, …) only counts with the same indentation, since the
 * answer may close a block of its own at another level).
 */
export function trailingRepeat(lines: string[], following: string[]): number {
  const next = following.filter((l) => l.trim() !== '');
  const same = (a: string, b: string) => a.trim() === b.trim() && (!isCloser(a.trim()) || a.trimEnd() === b.trimEnd());
  for (let k = Math.min(lines.length, next.length); k >= 1; k--) {
    const tail = lines.slice(lines.length - k);
    if (tail.every((l, i) => same(l, next[i]))) return k;
  }
  return 0;
}
