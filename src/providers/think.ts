/**
 * Splits inline reasoning (`<think>…</think>`) out of a choice's streamed content. A tag may be split across
 * deltas, so a possible tag prefix at the end of a delta is held back until the next one decides it.
 *
 * Only an opening tag at the very start of the content counts, and only the first closing tag: an answer that
 * talks about `</think>` later on is left alone. A lone `</think>` (the model's template opened the block)
 * means everything before it was reasoning.
 */

const OPEN = '<think>';
const CLOSE = '</think>';

export type ThinkPiece =
  | { kind: 'text'; text: string }
  | { kind: 'reasoning'; text: string }
  /** The last `length` characters of text emitted were reasoning after all. */
  | { kind: 'textWasReasoning'; length: number };

type Mode = 'start' | 'text' | 'think' | 'plain';

export class ThinkSplitter {
  private mode: Mode = 'start';
  private pending = '';
  /** Text emitted while a lone `</think>` could still turn it into reasoning; whether it showed `<think>`. */
  private emittedLength = 0;
  private emittedOpen = false;
  /** The last characters of emitted text, to see a `<think>` split across deltas. */
  private tail = '';
  private trimLeading = false;
  /** Set when structured reasoning arrived: then a lone `</think>` is not taken as a boundary. */
  allowLoneClose = true;

  /**
   * True when `delta` is plain answer text as it stands (nothing held back, no tag can start in it); the caller
   * may then use it directly instead of calling push. This is the hot path of every long answer.
   */
  passesThrough(delta: string): boolean {
    if (this.pending !== '' || this.trimLeading) return false;
    if (this.mode === 'plain') return true;
    if (this.mode !== 'text' || delta.includes('<') || this.tail.includes('<')) return false;
    this.emittedLength += delta.length;
    return true;
  }

  push(delta: string): ThinkPiece[] {
    if (this.passesThrough(delta)) return delta ? [{ kind: 'text', text: delta }] : [];
    const out: ThinkPiece[] = [];
    let buf = this.pending + delta;
    this.pending = '';
    for (;;) {
      if (this.mode === 'start') {
        const lead = buf.length - buf.trimStart().length;
        const rest = buf.slice(lead);
        if (rest.startsWith(OPEN)) {
          this.mode = 'think';
          buf = rest.slice(OPEN.length);
          continue;
        }
        if (rest === '' || OPEN.startsWith(rest)) {
          this.pending = buf;
          return out;
        }
        this.mode = 'text';
        continue;
      }
      if (this.mode === 'plain' || (this.mode === 'text' && !this.allowLoneClose)) {
        this.mode = 'plain';
        if (buf) out.push(...this.text(buf));
        return out;
      }
      // 'think' (after an opening tag) or 'text' (a lone closing tag may still come): look for `</think>`.
      const i = buf.indexOf(CLOSE);
      if (i >= 0) {
        if (this.mode === 'text') {
          if (this.emittedOpen || buf.slice(0, i).includes(OPEN)) {
            // Text that shows an opening tag is talking about tags, not reasoning opened by a template.
            this.mode = 'plain';
            continue;
          }
          if (this.emittedLength) out.push({ kind: 'textWasReasoning', length: this.emittedLength });
          this.emittedLength = 0;
        }
        if (i > 0) out.push({ kind: 'reasoning', text: buf.slice(0, i) });
        buf = buf.slice(i + CLOSE.length);
        this.mode = 'plain';
        this.trimLeading = true;
        continue;
      }
      const hold = heldPrefix(buf, CLOSE);
      const ready = buf.slice(0, buf.length - hold);
      if (ready)
        out.push(...(this.mode === 'think' ? [{ kind: 'reasoning' as const, text: ready }] : this.text(ready)));
      this.pending = buf.slice(buf.length - hold);
      return out;
    }
  }

  /** Ends the content: whatever was held back is released as what it most likely is. */
  flush(): ThinkPiece[] {
    const rest = this.pending;
    this.pending = '';
    if (!rest) return [];
    if (this.mode === 'think') return [{ kind: 'reasoning', text: rest }];
    return this.text(rest);
  }

  private text(t: string): ThinkPiece[] {
    let s = t;
    if (this.trimLeading) {
      s = s.replace(/^\s+/, '');
      if (!s) return [];
      this.trimLeading = false;
    }
    if (this.mode !== 'plain') {
      this.emittedLength += s.length;
      const joined = this.tail + s;
      if (joined.includes(OPEN)) this.emittedOpen = true;
      this.tail = joined.slice(-(OPEN.length - 1));
    }
    return [{ kind: 'text', text: s }];
  }
}

/** Length of the longest suffix of `buf` that is a proper prefix of `tag`. */
function heldPrefix(buf: string, tag: string): number {
  if (buf.lastIndexOf('<') < buf.length - tag.length) return 0;
  const max = Math.min(buf.length, tag.length - 1);
  for (let n = max; n > 0; n--) {
    if (buf.endsWith(tag.slice(0, n))) return n;
  }
  return 0;
}
