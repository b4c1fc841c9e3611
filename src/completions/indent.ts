/**
 * Indentation helpers for completion post-processing (pure): measuring, re-indenting a model's lines into the
 * file's indent unit, and cutting a block-mode answer at the end of the block.
 */

export interface IndentStyle {
  useTabs: boolean;
  size: number;
}

/** The leading whitespace of a line. */
export const leadingWs = (line: string): string => /^[ \t]*/.exec(line)![0];

/** The visual width of leading whitespace, a tab counting as `tabSize` columns. */
export function indentWidth(line: string, tabSize: number): number {
  let w = 0;
  for (const ch of leadingWs(line)) w += ch === '\t' ? tabSize : 1;
  return w;
}

/** Whitespace of `width` columns in the file's style (tabs for whole units when the file uses tabs). */
export function renderIndent(width: number, style: IndentStyle): string {
  if (width <= 0) return '';
  if (!style.useTabs) return ' '.repeat(width);
  return '\t'.repeat(Math.floor(width / style.size)) + ' '.repeat(width % style.size);
}

const CLOSER = /^(?:[}\])]|end\b|fi\b|done\b|esac\b)/;
const RUBY_OPENER = /^(?:def|class|module|if|unless|while|until|case|begin|for)\b/;

/** Whether a (trimmed) line closes a block: a closing bracket, or Ruby/shell `end`-like keywords. */
export const isCloser = (trimmed: string): boolean => CLOSER.test(trimmed);

/**
 * How many blocks a line opens minus how many it closes: brackets outside strings and comments are counted
 * roughly (quotes are skipped), and for Ruby a line that starts a `def`/`if`/… or ends in `do` opens one.
 */
export function depthChange(trimmed: string, languageId: string): number {
  let d = 0;
  let quote = '';
  for (let i = 0; i < trimmed.length; i++) {
    const c = trimmed[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
      continue;
    }
    if (c === '"' || c === "'" || c === '`') quote = c;
    else if (c === '/' && trimmed[i + 1] === '/') break;
    else if (c === '#' && (languageId === 'python' || languageId === 'ruby')) break;
    else if (c === '{' || c === '(' || c === '[') d++;
    else if (c === '}' || c === ')' || c === ']') d--;
  }
  if (languageId === 'ruby') {
    if (RUBY_OPENER.test(trimmed) && !/\bend\s*$/.test(trimmed)) d++;
    else if (/\bdo(?:\s*\|[^|]*\|)?\s*$/.test(trimmed)) d++;
    if (/^end\b/.test(trimmed)) d--;
  }
  return d;
}

/** The smallest positive step between the distinct indent widths of `widths`, or undefined if all are equal. */
function indentStep(widths: number[]): number | undefined {
  const sorted = [...new Set(widths)].sort((a, b) => a - b);
  let step: number | undefined;
  for (let i = 1; i < sorted.length; i++) {
    const gap = sorted[i] - sorted[i - 1];
    if (step === undefined || gap < step) step = gap;
  }
  return step;
}

/**
 * Re-indents `lines` (the answer's lines after the first) so that they sit relative to the cursor line in the
 * file's unit. `modelBase` is the width the model gave the cursor line, `targetBase` the width it has in the file.
 * Each line keeps its nesting level (its offset from `modelBase` divided by the model's own step); a flat answer
 * (every line at one width) in a bracket language is re-nested by counting brackets, starting from `startDepth`
 * (blocks the first line opened).
 */
export function reindent(
  lines: string[],
  modelBase: number,
  targetBase: number,
  style: IndentStyle,
  languageId: string,
  startDepth: number,
): string[] {
  const nonBlank = lines.filter((l) => l.trim() !== '');
  if (nonBlank.length === 0) return lines.map(() => '');
  // A block comment's ` * ` lines sit one space right of their level: that space is alignment, not a level, so
  // they are left out of the measuring and keep it after re-indenting.
  const star = (l: string): boolean => languageId !== 'python' && /^[ \t]*\*/.test(l);
  const align = (l: string): string => (star(l) ? ' ' : '');
  const widths = nonBlank.filter((l) => !star(l)).map((l) => indentWidth(l, style.size));
  const flat = widths.every((w) => w === modelBase);
  if (flat && languageId === 'python') {
    // Python without indentation: the lines after a `:` line go one level deeper (where such a block ends cannot
    // be known, so it runs to the end of the answer).
    let level = startDepth;
    return lines.map((l) => {
      const t = l.trim();
      if (t === '') return '';
      const out = renderIndent(targetBase + level * style.size, style) + t;
      if (t.endsWith(':')) level++;
      return out;
    });
  }
  if (flat) {
    // No indentation at all: rebuild it from the brackets (Python's blocks cannot be recovered this way).
    let depth = Math.max(0, startDepth);
    return lines.map((l) => {
      const t = l.trim();
      if (t === '') return '';
      if (star(l)) return renderIndent(targetBase + depth * style.size, style) + ' ' + t;
      const level = isCloser(t) ? depth - 1 : depth;
      depth = Math.max(0, depth + depthChange(t, languageId));
      return renderIndent(targetBase + level * style.size, style) + t;
    });
  }
  const step = indentStep([modelBase, ...widths]) ?? style.size;
  return lines.map((l) => {
    const t = l.trim();
    if (t === '') return '';
    const level = Math.round((indentWidth(l, style.size) - align(l).length - modelBase) / step);
    return renderIndent(targetBase + level * style.size, style) + align(l) + l.trimStart().trimEnd();
  });
}

/**
 * Block mode: where the answer's block ends. Lines (after the first) are kept until one is dedented below the
 * cursor's indentation without closing a block the answer itself opened, or until a blank line followed by a
 * new top-level construct (a line at column 0 that does not close anything). Returns how many lines to keep.
 */
export function blockEnd(
  lines: string[],
  cursorWidth: number,
  startDepth: number,
  tabSize: number,
  languageId: string,
): number {
  let depth = startDepth;
  for (let i = 0; i < lines.length; i++) {
    const t = lines[i].trim();
    if (t === '') {
      const next = lines.slice(i + 1).find((l) => l.trim() !== '');
      if (next !== undefined && indentWidth(next, tabSize) === 0 && !isCloser(next.trim()) && depth <= 0) return i;
      continue;
    }
    const w = indentWidth(lines[i], tabSize);
    if (w < cursorWidth && !(isCloser(t) && depth > 0)) return i;
    depth += depthChange(t, languageId);
    if (depth < 0) return i;
  }
  return lines.length;
}
