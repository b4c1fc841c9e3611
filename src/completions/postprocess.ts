/**
 * Ghost-text completions, post-processing (pure; issue 11). Arcee has only a Chat Completions API, so a chat model
 * is asked for the text that belongs at the cursor; its answer is made safe to insert here. In order:
 *
 * 1. Reasoning, code fences and the prose around them are removed (the largest fenced block wins); an unfenced
 *    answer loses a lead-in line such as "Here's the completion:" and a single pair of inline backticks.
 * 2. A restart of the line before the cursor is removed: the whole previous line when the model begins with it,
 *    then the cursor line's text before the cursor.
 * 3. An answer that rewrites the enclosing function (it restates a block header from the prefix other than the
 *    line just above the cursor) shows nothing.
 * 4. 'line' mode keeps the first line. 'block' mode re-indents the following lines relative to the cursor line in
 *    the file's unit (or rebuilds the nesting of an unindented answer from its brackets) and keeps them up to
 *    the end of the block: a dedent below the cursor's indentation that closes nothing the answer opened, or a
 *    blank line followed by a new top-level construct.
 * 5. Overlap with the text after the cursor is removed: trailing lines that repeat the following lines, then the
 *    end of the last line that the rest of the cursor line already holds (no doubled `)`, `}` or quotes).
 * 6. Nothing is shown (undefined) for an empty answer or one that only repeats what follows.
 *
 * When the model's first line carries no usable indentation (it continues the cursor line, or was written flush
 * left because the cursor is already indented), the model's base is inferred from its second line: the same
 * level, or one level less when the first line opens a block (`{`, `(`, `[`, Python's `:`, Ruby's `do`/`def`…).
 */
import { extractCode, stripReasoning } from '../edit/extract';
import { blockEnd, depthChange, indentWidth, leadingWs, reindent, renderIndent, type IndentStyle } from './indent';
import { cursorLines, stripLineSuffix, stripPrefixRepeat, trailingRepeat } from './overlap';

export interface CompletionContext {
  /** The document text before the cursor. */
  prefix: string;
  /** The document text after the cursor. */
  suffix: string;
  languageId: string;
  /** 'line': the rest of the cursor line only; 'block': up to the end of the block. */
  mode: 'line' | 'block';
  /** The file's indentation (the editor's `insertSpaces`/`tabSize`). */
  indent: IndentStyle;
}

const LEAD_IN =
  /^(?:here(?:'s| is)|sure|certainly|okay|ok|the (?:completion|code|missing|rest)|this (?:completes|is))\b.*:\s*$/i;

/** The code of a chat answer: fences, reasoning and lead-in prose removed, `\n` line endings. */
export function answerCode(answer: string): string {
  const { code, fenced } = extractCode(answer);
  if (fenced) return code;
  let lines = code.split('\n');
  // A lead-in alone is prose too (a streamed answer whose code has not arrived yet, or a model that said nothing).
  if (LEAD_IN.test(lines[0].trim())) lines = lines.slice(1);
  while (lines.length > 0 && lines[0].trim() === '') lines = lines.slice(1);
  const text = lines.join('\n');
  const inline = /^`([^`\n]+)`$/.exec(text.trim());
  return inline ? inline[1] : text;
}

/**
 * Whether `first` (the answer's first line) restates a header of a block enclosing the cursor (a line of the
 * prefix less indented than the cursor line, found walking up), other than the line just above the cursor.
 */
function restatesEnclosingHeader(first: string, prefixLines: string[], tabSize: number): boolean {
  const t = first.trim();
  if (t.length < 6) return false;
  const above = prefixLines.length - 2;
  let width = indentWidth(prefixLines[prefixLines.length - 1], tabSize);
  for (let i = above; i >= 0 && width > 0; i--) {
    const line = prefixLines[i];
    if (line.trim() === '') continue;
    const w = indentWidth(line, tabSize);
    if (w < width) {
      if (i !== above && line.trim() === t) return true;
      width = w;
    }
  }
  return false;
}

/**
 * The width the model meant for its first line when that line shows none: the next line's width if the first
 * line opens no block, else the width the block returns to (a later, less indented line), or 0.
 */
function inferBase(first: string, rest: string[], languageId: string, tabSize: number): number {
  const next = rest.filter((l) => l.trim() !== '');
  if (next.length === 0) return 0;
  const t = first.trim();
  const opens = languageId === 'python' ? t.endsWith(':') : depthChange(t, languageId) > 0;
  const w0 = indentWidth(next[0], tabSize);
  if (!opens) return w0;
  const lower = next.map((l) => indentWidth(l, tabSize)).filter((w) => w < w0);
  return lower.length > 0 ? Math.max(...lower) : 0;
}

/** The answer made safe to insert at the cursor, or undefined to show nothing. */
export function cleanCompletion(answer: string, ctx: CompletionContext): string | undefined {
  return analyseCompletion(answer, ctx).text;
}

export interface CompletionAnalysis {
  /** The text to insert, or undefined to show nothing (yet). */
  text: string | undefined;
  /**
   * More of the answer cannot change `text`: in 'line' mode a first line is there; in 'block' mode the block
   * ended before the answer's last line, or the fenced block closed. A streamed answer is cut off here.
   */
  ended: boolean;
}

/**
 * `cleanCompletion` with the reason to stop streaming. Give it whole lines only (a streamed answer up to its
 * last line break): a line still arriving could change what is kept.
 */
export function analyseCompletion(answer: string, ctx: CompletionContext): CompletionAnalysis {
  const normalised = answer.replace(/\r\n?/g, '\n');
  if (ctx.mode === 'line' && answersNextLine(normalised, ctx.prefix)) return { text: undefined, ended: true };
  const extracted = extractCode(normalised);
  const fenceClosed = extracted.fenced && extracted.closed;
  let blockCut = false;
  const text = clean(normalised, ctx, () => (blockCut = true));
  return { text, ended: text !== undefined && (ctx.mode === 'line' || blockCut || fenceClosed) };
}

/**
 * Inside a line with text before the cursor, an unfenced answer that starts with a line break and then an
 * indented line is the next line, not the rest of this one: gluing it on would show `g();return x;`. (A line
 * break before an unindented line is taken as a model's habit and dropped.)
 */
function answersNextLine(answer: string, prefix: string): boolean {
  const linePrefix = prefix.slice(prefix.lastIndexOf('\n') + 1);
  if (linePrefix.trim() === '') return false;
  const text = stripReasoning(answer);
  return !extractCode(text).fenced && /^[ \t]*\n(?:[ \t]*\n)*[ \t]+\S/.test(text);
}

function clean(answer: string, ctx: CompletionContext, onBlockCut: () => void): string | undefined {
  const code = answerCode(answer);
  if (code.trim() === '') return undefined;
  const prefix = ctx.prefix.replace(/\r\n?/g, '\n');
  const suffix = ctx.suffix.replace(/\r\n?/g, '\n');
  const at = cursorLines(prefix, suffix);
  const tab = ctx.indent.size;

  let lines = code.split('\n').map((l) => l.trimEnd());
  const firstNonBlank = lines.find((l) => l.trim() !== '') ?? '';
  if (restatesEnclosingHeader(firstNonBlank, prefix.split('\n'), tab)) return undefined;

  const stripped = stripPrefixRepeat(lines, at);
  lines = stripped.lines;
  // A restart that reaches back further than the line above (the model rewrote a larger piece) is caught here:
  // its first line is still a header above the cursor.
  if (lines.length > 0 && restatesEnclosingHeader(lines[0], prefix.split('\n'), tab)) return undefined;

  const typedOnLine = at.linePrefix.trim() !== '';
  const cursorIndent = leadingWs(at.linePrefix);
  const cursorWidth = indentWidth(cursorIndent, tab);

  // The first line goes at the cursor: its own indentation is dropped when the cursor already has it.
  const modelFirst = lines[0] ?? '';
  let first = modelFirst;
  let modelBase: number;
  if (stripped.repeatedIndent !== undefined) {
    modelBase = indentWidth(stripped.repeatedIndent, tab);
  } else if (typedOnLine || (modelFirst.trim() !== '' && leadingWs(modelFirst) === '' && cursorWidth > 0)) {
    // The first line's indentation tells nothing (it continues the cursor line, or the model left it out since
    // the cursor is already indented): infer it from the next line.
    modelBase = inferBase(first, lines.slice(1), ctx.languageId, tab);
    // The space a model writes between the text before the cursor and its own (`boolean` + ` {`, `attempt` +
    // ` + 1`) belongs in the file, unless the cursor already stands after whitespace, an opening bracket or a dot.
    const space = typedOnLine && /^[ \t]/.test(first) && !/[\s([{.]$/.test(at.linePrefix) ? ' ' : '';
    first = space + first.trimStart();
  } else {
    modelBase = indentWidth(modelFirst, tab);
    first = modelFirst.trimStart();
    // At column 0 with the model's first line indented: keep that indentation, in the file's unit.
    if (at.linePrefix === '' && modelBase > 0) first = renderIndent(modelBase, ctx.indent) + first;
  }
  // Where the first line sits in the file: the cursor line's indentation, or at column 0 the model's own (taken
  // as is; its unit is not converted).
  const targetBase = at.linePrefix === '' ? modelBase : cursorWidth;

  let out: string[];
  if (ctx.mode === 'line') {
    out = [first];
  } else {
    // Blocks left open by the cursor line and the answer's first line: their closers may dedent below the cursor.
    const opened = (text: string) => Math.max(0, depthChange(text.trim(), ctx.languageId));
    const startDepth = opened(at.linePrefix) + opened(first);
    const pyBlock = ctx.languageId === 'python' && first.trim().endsWith(':') ? 1 : 0;
    let rest = reindent(lines.slice(1), modelBase, targetBase, ctx.indent, ctx.languageId, startDepth + pyBlock);
    const end = blockEnd(rest, targetBase, startDepth, tab, ctx.languageId);
    if (end < rest.length) onBlockCut();
    rest = rest.slice(0, end);
    while (rest.length > 0 && rest[rest.length - 1].trim() === '') rest.pop();
    out = [first, ...rest];
  }

  // Overlap with what follows the cursor.
  if (at.lineSuffix.trim() === '') {
    const k = trailingRepeat(out, at.following);
    if (k === out.length) return undefined;
    out = out.slice(0, out.length - k);
  }
  const last = out.length - 1;
  const trimmedLast = stripLineSuffix(out[last], at.lineSuffix);
  if (out.length === 1 && trimmedLast.trim() === '' && out[0].trim() !== '') return undefined;
  out[last] = trimmedLast;
  while (out.length > 1 && out[out.length - 1].trim() === '') out.pop();

  const result = out.join('\n').trimEnd();
  if (result.trim() === '') return undefined;
  // Only a repeat of what follows the cursor.
  if (suffix.trimStart().startsWith(result.trim())) return undefined;
  return result;
}
