/**
 * Ghost-text completions, the prompt (pure). Arcee has only a Chat Completions API, so the code around the cursor
 * is sent to a small chat model (`trinity-mini` by default) with a marker where the cursor is, and the model is
 * asked for the text that belongs there. The request goes out on every pause in typing, so the prompt is kept
 * short: a system message of under 90 tokens and a window of the document bounded in (estimated) tokens on each
 * side of the cursor, cut at line boundaries.
 *
 * No example answer is sent. It would cost its tokens on every request, small models tend to copy an example's
 * content into unrelated answers, and the failures an example would prevent (fences, prose, a repeat of the line
 * before the cursor or of the text after it) are removed afterwards by `cleanCompletion` (./postprocess.ts).
 */
import { fenceFor } from '../chat/prompt';
import { CHARS_PER_TOKEN, estimateTokens } from '../edit/tokens';
import type { ChatMessage } from '../providers/api';

/** 'line': only the rest of the cursor line; 'block': up to the end of the block or statement. */
export type CompletionMode = 'line' | 'block';

export const DEFAULT_MAX_PREFIX_TOKENS = 1200;
export const DEFAULT_MAX_SUFFIX_TOKENS = 400;

/**
 * 'line' when the cursor line has non-blank text before or after the cursor; 'block' when the line is blank
 * (only whitespace). Only the cursor line counts: the whole text before and after the cursor may be passed, and
 * a `\r` of a CRLF line ending is whitespace.
 */
export function completionMode(linePrefix: string, lineSuffix: string): CompletionMode {
  const before = linePrefix.slice(linePrefix.lastIndexOf('\n') + 1);
  const nl = lineSuffix.indexOf('\n');
  const after = nl === -1 ? lineSuffix : lineSuffix.slice(0, nl);
  return before.trim() !== '' || after.trim() !== '' ? 'line' : 'block';
}

export interface PromptInput {
  /** The whole document text before the cursor. */
  prefix: string;
  /** The whole document text after the cursor. */
  suffix: string;
  /** The file path shown to the model (workspace-relative, or the file name). */
  path: string;
  /** VS Code language id. */
  languageId: string;
  mode: CompletionMode;
  /** Budget of the window before the cursor, in estimated tokens (default 1200). */
  maxPrefixTokens?: number;
  /** Budget of the window after the cursor, in estimated tokens (default 400). */
  maxSuffixTokens?: number;
}

export interface CompletionPrompt {
  messages: ChatMessage[];
  /** The window of text before the cursor that was sent (a suffix of `prefix`). */
  prefixWindow: string;
  /** The window of text after the cursor that was sent (a prefix of `suffix`). */
  suffixWindow: string;
}

const MARKER = '<CURSOR>';

function budgetOf(tokens: number | undefined, fallback: number): number {
  return tokens === undefined || Number.isNaN(tokens) ? fallback : Math.max(0, Math.floor(tokens));
}

const isHighSurrogate = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number): boolean => code >= 0xdc00 && code <= 0xdfff;

/**
 * The window before the cursor: whole lines ending at the cursor within `budget` tokens. The cursor line's text
 * before the cursor is always in it; alone over budget, it keeps only its last `budget × 4` characters (never
 * half a surrogate pair). Walks back line by line, so a large document costs only the window.
 */
function prefixWindowOf(prefix: string, budget: number): string {
  const lineStart = prefix.lastIndexOf('\n') + 1;
  if (estimateTokens(prefix.slice(lineStart)) > budget) {
    let cut = prefix.length - budget * CHARS_PER_TOKEN;
    if (cut < prefix.length && isLowSurrogate(prefix.charCodeAt(cut))) cut++;
    return prefix.slice(cut);
  }
  let start = lineStart;
  while (start > 0) {
    // `start - 1` is the `\n` ending the line above; that line starts after the `\n` before it.
    const above = start >= 2 ? prefix.lastIndexOf('\n', start - 2) + 1 : 0;
    if (estimateTokens(prefix.slice(above)) > budget) break;
    start = above;
  }
  return prefix.slice(start);
}

/** Where the line holding `from` ends: at its `\n`, or its `\r\n`, or the end of `text`. */
function lineEnd(text: string, from: number): number {
  const nl = text.indexOf('\n', from);
  if (nl === -1) return text.length;
  return nl > from && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
}

/**
 * The window after the cursor: the rest of the cursor line, then whole following lines within `budget` tokens
 * (the last line's ending is not included). The rest of the cursor line is always in it; alone over budget, it
 * keeps only its first `budget × 4` characters (never half a surrogate pair).
 */
function suffixWindowOf(suffix: string, budget: number): string {
  let end = lineEnd(suffix, 0);
  if (estimateTokens(suffix.slice(0, end)) > budget) {
    let cut = budget * CHARS_PER_TOKEN;
    if (cut > 0 && isHighSurrogate(suffix.charCodeAt(cut - 1))) cut--;
    return suffix.slice(0, cut);
  }
  while (end < suffix.length) {
    const next = lineEnd(suffix, suffix.indexOf('\n', end) + 1);
    if (estimateTokens(suffix.slice(0, next)) > budget) break;
    end = next;
  }
  return suffix.slice(0, end);
}

/** `<CURSOR>`, or `<CURSOR_1>`, `<CURSOR_2>`… when the code already holds it, so the marker is unambiguous. */
function markerFor(code: string): string {
  let marker = MARKER;
  for (let i = 1; code.includes(marker); i++) marker = `<CURSOR_${i}>`;
  return marker;
}

/**
 * The instructions. The mode's sentence is the only part that differs, so each mode's system message is the same
 * on every request (servers can cache it); `keep the indentation` only matters when several lines are written.
 */
export function completionSystemPrompt(mode: CompletionMode, marker: string = MARKER): string {
  const scope =
    mode === 'line'
      ? 'Write only the rest of the current line.'
      : 'Finish the current block or statement (a few lines at most), indented like the file.';
  return (
    `Fill in the code at ${marker} in the user's file. Reply with ONLY the text to insert at ${marker}: ` +
    `no code fences, no explanations, do not repeat the code before or after ${marker}. ${scope} ` +
    'If nothing fits, reply with an empty answer.'
  );
}

/**
 * The messages for one completion request: the instructions, then the path, the language and the window of code
 * with the cursor marker, saying where the window starts or ends inside the file. Line endings are sent as `\n`;
 * the returned windows are the exact text of the document.
 */
export function buildCompletionPrompt(input: PromptInput): CompletionPrompt {
  const prefixWindow = prefixWindowOf(input.prefix, budgetOf(input.maxPrefixTokens, DEFAULT_MAX_PREFIX_TOKENS));
  const suffixWindow = suffixWindowOf(input.suffix, budgetOf(input.maxSuffixTokens, DEFAULT_MAX_SUFFIX_TOKENS));

  const before = prefixWindow.replace(/\r\n/g, '\n');
  const after = suffixWindow.replace(/\r\n/g, '\n');
  const marker = markerFor(before + '\n' + after);
  const code = before + marker + after;
  const fence = fenceFor(code);

  const lines = [`File: ${input.path}`, `Language: ${input.languageId}`];
  // A window is cut inside the cursor line only when the cursor line alone is over budget.
  if (prefixWindow.length < input.prefix.length) {
    const atLine = input.prefix.charCodeAt(input.prefix.length - prefixWindow.length - 1) === 10;
    lines.push(atLine ? '… (earlier lines omitted)' : '… (earlier text on this line omitted)');
  }
  lines.push(fence + input.languageId, code, fence);
  if (suffixWindow.length < input.suffix.length) {
    const atLine = /^\r?\n/.test(input.suffix.slice(suffixWindow.length, suffixWindow.length + 2));
    lines.push(atLine ? '… (later lines omitted)' : '… (later text on this line omitted)');
  }

  return {
    messages: [
      { role: 'system', content: completionSystemPrompt(input.mode, marker) },
      { role: 'user', content: lines.join('\n') },
    ],
    prefixWindow,
    suffixWindow,
  };
}
