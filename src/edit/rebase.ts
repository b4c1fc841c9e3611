/**
 * Re-bases extracted code onto the text it replaces: the same base indentation, tabs or spaces as the
 * original, its line endings (CRLF files stay CRLF), and its leading blank lines and final newline.
 */

export interface RebaseTarget {
  /** The text being replaced, as in the document (any line endings). */
  original: string;
  /** What precedes the selection on its first line (stays in the document). */
  firstLinePrefix: string;
  eol: '\n' | '\r\n';
  /** The editor's settings, used when the original itself does not show its indentation style. */
  insertSpaces?: boolean;
  tabSize?: number;
}

const leading = (line: string): string => /^[ \t]*/.exec(line)![0];
const isBlank = (line: string): boolean => line.trim() === '';

/** Width of an indentation string in columns. */
export function indentWidth(indent: string, tabSize: number): number {
  let w = 0;
  for (const ch of indent) w = ch === '\t' ? w + tabSize - (w % tabSize) : w + 1;
  return w;
}

function makeIndent(width: number, useTabs: boolean, tabSize: number): string {
  return useTabs ? '\t'.repeat(Math.floor(width / tabSize)) + ' '.repeat(width % tabSize) : ' '.repeat(width);
}

/** Tabs when the original's lines are indented with tabs, spaces when with spaces, else the editor's setting. */
export function detectUseTabs(lines: string[], fallbackInsertSpaces = true): boolean {
  let tabs = 0;
  let spaces = 0;
  for (const l of lines) {
    const ind = leading(l);
    if (isBlank(l) || ind === '') continue;
    if (ind.startsWith('\t')) tabs++;
    else if (ind.length >= 2) spaces++;
  }
  if (tabs === 0 && spaces === 0) return !fallbackInsertSpaces;
  return tabs > spaces;
}

/** The smallest indentation step among space-indented lines (2, 4…), for converting spaces to tabs. */
export function detectSpaceUnit(lines: string[]): number | undefined {
  const widths = [
    ...new Set(lines.filter((l) => !isBlank(l) && !leading(l).includes('\t')).map((l) => leading(l).length)),
  ].sort((a, b) => a - b);
  let unit: number | undefined;
  for (let i = 1; i < widths.length; i++) {
    const step = widths[i] - widths[i - 1];
    if (step >= 2 && (unit === undefined || step < unit)) unit = step;
  }
  if (unit === undefined && widths.length && widths[0] >= 2) unit = widths[0];
  return unit;
}

/** `code` (with `\n` endings) made to fit where `target.original` was. */
export function rebase(code: string, target: RebaseTarget): string {
  const tabSize = target.tabSize ?? 4;
  const origLines = target.original.split(/\r?\n/);
  const prefixIsIndent = /^[ \t]*$/.test(target.firstLinePrefix);
  // The original as whole lines: its first line starts with what precedes the selection when that is indentation.
  const virtual = origLines.map((l, i) => (i === 0 && prefixIsIndent ? target.firstLinePrefix + l : l));
  const measured = prefixIsIndent ? virtual : virtual.slice(1);
  const useTabs = detectUseTabs(measured, target.insertSpaces ?? true);
  const origNonBlank = measured.filter((l) => !isBlank(l));
  const origBase = origNonBlank.length
    ? Math.min(...origNonBlank.map((l) => indentWidth(leading(l), tabSize)))
    : indentWidth(target.firstLinePrefix, tabSize);

  const lines = code.split('\n');
  const replyNonBlank = lines.filter((l, i) => !isBlank(l) && (prefixIsIndent || i > 0));
  // Spaces in a reply for a tab-indented file: one level per step of the reply's own unit.
  const replyUnit = useTabs ? (detectSpaceUnit(replyNonBlank) ?? tabSize) : tabSize;
  const widthOf = (ind: string): number =>
    useTabs && !ind.includes('\t')
      ? Math.floor(ind.length / replyUnit) * tabSize + (ind.length % replyUnit)
      : indentWidth(ind, tabSize);
  const replyBase = replyNonBlank.length ? Math.min(...replyNonBlank.map((l) => widthOf(leading(l)))) : 0;

  const out = lines.map((line, i) => {
    if (isBlank(line)) return '';
    if (i === 0 && !prefixIsIndent) return line;
    const width = widthOf(leading(line)) - replyBase + origBase;
    const rebased = makeIndent(Math.max(0, width), useTabs, tabSize) + line.slice(leading(line).length);
    // The first line's indentation is already in the document, before the selection.
    if (i === 0)
      return rebased.startsWith(target.firstLinePrefix)
        ? rebased.slice(target.firstLinePrefix.length)
        : rebased.trimStart();
    return rebased;
  });

  const leadingBlank = origLines.findIndex((l) => !isBlank(l));
  if (leadingBlank > 0 && out.length && !isBlank(out[0]))
    out.unshift(...origLines.slice(0, leadingBlank).map(() => ''));
  while (out.length > 1 && out[out.length - 1] === '') out.pop();
  let result = out.join(target.eol);
  if (/\r?\n$/.test(target.original)) result += target.eol;
  return result;
}
