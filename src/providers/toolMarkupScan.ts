/**
 * The scanning half of toolMarkup.ts: finding a trailing run of Hermes/qwen3-coder tool-call blocks in text,
 * and cutting leaked blocks and tags out of it. Pure string work, no types or schemas.
 */

/** One block as written: the function name and its parameters' raw values, in order. */
export interface TextCall {
  name: string;
  params: [string, string][];
}

const CALL_OPEN = '<tool_call>';
const CALL_CLOSE = '</tool_call>';
const FN_PREFIX = '<function=';
const FN_CLOSE = '</function>';
const PARAM_CLOSE = '</parameter>';
const FN_OPEN = /<function=([^>\n]*)>/y;
const PARAM_OPEN = /<parameter=([^>\n]*)>/y;
const TAG_SOURCE = '<tool_call>|</tool_call>|<function=[^>\\n]*>|</function>|<parameter=[^>\\n]*>|</parameter>';
const HAS_TAG = /<(?:\/?tool_call>|\/function>|\/parameter>|function=|parameter=)/;
const CLOSER = /<\/(?:parameter|function|tool_call)>/;
/** A value whose `</parameter>` is missing ends at the next line that starts with a tag of the format. */
const VALUE_END = /\n[ \t]*(?=<parameter=|<\/function>|<function=|<tool_call>|<\/tool_call>)/g;
const FENCE = /^[ \t]*(`{3,}|~{3,})/gm;

/** True when `text` has anything that looks like a tag of the format (a fast test for the common case). */
export function hasToolTag(text: string): boolean {
  return text.includes('<') && HAS_TAG.test(text);
}

function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13;
}

function skipSpace(t: string, i: number): number {
  while (i < t.length && isSpace(t.charCodeAt(i))) i++;
  return i;
}

function lineStart(t: string, i: number): number {
  return i === 0 ? 0 : t.lastIndexOf('\n', i - 1) + 1;
}

function lineEnd(t: string, i: number): number {
  const n = t.indexOf('\n', i);
  return n < 0 ? t.length : n;
}

/** True when only spaces or tabs stand between the start of `i`'s line and `i`. */
function atLineStart(t: string, i: number): boolean {
  const s = lineStart(t, i);
  return t.slice(s, i).trim() === '';
}

/** The format puts a line break after `<parameter=KEY>` and before `</parameter>`; those are not the value. */
function trimFormatBreaks(raw: string): string {
  return raw.replace(/^\r?\n/, '').replace(/\r?\n$/, '');
}

/** A value starting at `from`: its text and where the scan goes on. */
function readValue(t: string, from: number): [string, number] {
  const close = t.indexOf(PARAM_CLOSE, from);
  VALUE_END.lastIndex = from;
  const next = VALUE_END.exec(t);
  const end = next ? next.index : -1;
  if (close >= 0 && (end < 0 || close < end))
    return [trimFormatBreaks(t.slice(from, close)), close + PARAM_CLOSE.length];
  if (end >= 0) return [trimFormatBreaks(t.slice(from, end + 1)), end + 1];
  // The value runs to the end of the text: the blank end of the reasoning is not part of it.
  return [trimFormatBreaks(t.slice(from).trimEnd()), t.length];
}

/** The blocks from `start` to the end of `t`, or undefined when anything else (prose, a stray tag) is in the way. */
function parseRun(t: string, start: number): TextCall[] | undefined {
  const calls: TextCall[] = [];
  let i = start;
  for (;;) {
    i = skipSpace(t, i);
    if (i >= t.length) return calls.length ? calls : undefined;
    if (t.startsWith(CALL_OPEN, i)) i = skipSpace(t, i + CALL_OPEN.length);
    FN_OPEN.lastIndex = i;
    const fn = FN_OPEN.exec(t);
    if (!fn) return undefined;
    const call: TextCall = { name: fn[1].trim(), params: [] };
    i = FN_OPEN.lastIndex;
    for (;;) {
      i = skipSpace(t, i);
      PARAM_OPEN.lastIndex = i;
      const p = PARAM_OPEN.exec(t);
      if (!p) break;
      const [value, next] = readValue(t, PARAM_OPEN.lastIndex);
      call.params.push([p[1].trim(), value]);
      i = next;
    }
    if (t.startsWith(FN_CLOSE, i)) i = skipSpace(t, i + FN_CLOSE.length);
    if (t.startsWith(CALL_CLOSE, i)) i += CALL_CLOSE.length;
    calls.push(call);
  }
}

/**
 * The run of blocks that ends `t`: its calls, and where its first line starts. A run starts with a
 * `<tool_call>` or `<function=` at the start of a line; the earliest start from which everything up to the end
 * parses is taken, so a run is never cut short, and blocks followed by prose are never part of one. A value
 * is read up to its `</parameter>`, or, when that is missing, up to the next line that starts with a tag.
 */
export function parseTrailingRun(t: string): { start: number; calls: TextCall[] } | undefined {
  for (let i = t.indexOf('<'); i >= 0; i = t.indexOf('<', i + 1)) {
    if (!(t.startsWith(CALL_OPEN, i) || t.startsWith(FN_PREFIX, i)) || !atLineStart(t, i)) continue;
    const calls = parseRun(t, i);
    if (calls) return { start: lineStart(t, i), calls };
  }
  return undefined;
}

/** [start, end) of each fenced code block (``` or ~~~), an unclosed one running to the end. */
function fencedRanges(t: string): [number, number][] {
  const ranges: [number, number][] = [];
  let open: { at: number; marker: string } | undefined;
  FENCE.lastIndex = 0;
  for (let m = FENCE.exec(t); m; m = FENCE.exec(t)) {
    const marker = m[1];
    if (!open) open = { at: m.index, marker };
    else if (marker[0] === open.marker[0] && marker.length >= open.marker.length) {
      ranges.push([open.at, lineEnd(t, m.index)]);
      open = undefined;
    }
  }
  if (open) ranges.push([open.at, t.length]);
  return ranges;
}

type Kind = 'callOpen' | 'callClose' | 'fnOpen' | 'fnClose' | 'paramOpen' | 'paramClose';

function kindOf(tag: string): Kind {
  if (tag === CALL_OPEN) return 'callOpen';
  if (tag === CALL_CLOSE) return 'callClose';
  if (tag === FN_CLOSE) return 'fnClose';
  if (tag === PARAM_CLOSE) return 'paramClose';
  return tag.startsWith(FN_PREFIX) ? 'fnOpen' : 'paramOpen';
}

/**
 * True when a tag at the start of a line stands as the format puts it: a closer alone on its line (other tags
 * aside); an opener alone, or followed by its value and a closer on the same line (`<parameter=p>x</parameter>`);
 * `<tool_call>` also before a Hermes JSON call. "`</tool_call>` closes a call" is a sentence, not a leak.
 */
function standsAlone(t: string, kind: Kind, end: number): boolean {
  const line = t.slice(end, lineEnd(t, end));
  const rest = line.replace(new RegExp(TAG_SOURCE, 'g'), '').trim();
  if (rest === '') return true;
  if (kind === 'callClose' || kind === 'fnClose' || kind === 'paramClose') return false;
  return CLOSER.test(line) || (kind === 'callOpen' && rest.startsWith('{'));
}

/** Past the blank rest of a line (and any blank lines after it), keeping indentation of the next text. */
function afterBlank(t: string, i: number): number {
  let k = i;
  for (let j = i; j < t.length && isSpace(t.charCodeAt(j)); j++) if (t[j] === '\n') k = j + 1;
  return k;
}

/** Where prose after markup begins: the start of its line when it has one of its own. */
function proseStart(t: string, from: number): number {
  const p = skipSpace(t, from);
  const s = lineStart(t, p);
  return s >= from ? s : p;
}

/**
 * Cuts leaked markup regions out of `t` (see stripToolMarkup). A region starts at a tag that stands as the
 * format puts it and ends after `</tool_call>`, or where prose begins once no value is open; an unclosed value
 * or Hermes JSON call runs to the next tag that starts a line, or to the end. `requireCloser`: leave `t` alone
 * unless a region holds a closing tag.
 */
export function stripMarkup(t: string, requireCloser: boolean): string {
  if (!hasToolTag(t)) return t;
  const fences = fencedRanges(t);
  const inFence = (i: number): boolean => fences.some(([s, e]) => i >= s && i < e);
  const tags = new RegExp(TAG_SOURCE, 'g');
  type State = 'none' | 'call' | 'json' | 'fn' | 'value' | 'afterFn';
  let state: State = 'none';
  let out = '';
  let kept = 0; // t[kept..] is neither copied nor dropped yet
  let prevEnd = 0; // end of the region's last tag
  let closedAt = -1; // end of the `</tool_call>` that ended the last region
  let changed = false;
  let closers = false;
  for (let m = tags.exec(t); m; m = tags.exec(t)) {
    const at = m.index;
    const end = at + m[0].length;
    const kind = kindOf(m[0]);
    if ((state === 'fn' || state === 'call' || state === 'afterFn') && t.slice(prevEnd, at).trim()) {
      // Text where only tags belong: a Hermes JSON call after `<tool_call>`, or prose (closers were missing).
      if (state === 'call' && t.slice(prevEnd, at).trimStart().startsWith('{')) state = 'json';
      else {
        kept = proseStart(t, prevEnd);
        state = 'none';
      }
    }
    if (state === 'value' || state === 'json') {
      // Only its own closer ends a value or a JSON call, or a tag that starts a line (the closer is missing).
      if (kind !== (state === 'value' ? 'paramClose' : 'callClose') && !atLineStart(t, at)) continue;
    } else if (state === 'none') {
      const afterClose = closedAt >= 0 && t.slice(closedAt, at).trim() === '';
      if (inFence(at) || !(atLineStart(t, at) || afterClose) || !standsAlone(t, kind, end)) continue;
      const from = Math.max(kept, atLineStart(t, at) ? lineStart(t, at) : at);
      out += t.slice(kept, from);
      kept = from;
      changed = true;
    }
    prevEnd = end;
    if (kind === 'callOpen') state = 'call';
    else if (kind === 'fnOpen') state = 'fn';
    else if (kind === 'paramOpen') state = 'value';
    else {
      closers = true;
      if (kind === 'paramClose') state = 'fn';
      else if (kind === 'fnClose') state = 'afterFn';
      else {
        state = 'none';
        kept = afterBlank(t, end);
        closedAt = end;
      }
    }
  }
  if (!changed || (requireCloser && !closers)) return t;
  if (state !== 'none') {
    const tail = t.slice(prevEnd).trimStart();
    const open = state === 'value' || state === 'json' || (state === 'call' && tail.startsWith('{'));
    kept = open || !tail ? t.length : proseStart(t, prevEnd);
  }
  const rest = t.slice(kept);
  out += rest;
  // Markup that ended the text leaves no dangling blank lines behind.
  return rest.trim() ? out : out.trimEnd();
}
