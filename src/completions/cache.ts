/**
 * The suggestions shown lately, so that typing what a suggestion shows, or backspacing within the line it was
 * asked on, keeps showing the rest without asking the model again (issue 11's "small cache").
 *
 * An entry remembers where it was asked: the document, the length of the text before the cursor and its last
 * `TAIL` characters, and the start of the text after the cursor. The text before the cursor now may be that text
 * plus some of the suggestion (typed through), or that text minus a few characters of its own line (backspaced).
 * Either way the rest of the suggestion is what to show. Comparing a tail, not the whole document, keeps a lookup
 * O(TAIL) on any file; a false match would need an identical tail at the same offset in the same document.
 */

const TAIL = 400;
const SUFFIX_HEAD = 200;

interface Entry {
  document: string;
  prefixLength: number;
  tail: string;
  suffixHead: string;
  text: string;
}

export interface CacheHit {
  /** What to show at the cursor now. */
  text: string;
  /** How the cursor moved since the suggestion was asked for. */
  via: 'typed' | 'backspaced' | 'same';
}

export class SuggestionCache {
  private entries: Entry[] = [];

  constructor(private readonly capacity = 20) {}

  /** Remembers `text`, shown for the cursor between `prefix` and `suffix` in `document`. */
  put(document: string, prefix: string, suffix: string, text: string): void {
    if (text === '') return;
    const entry: Entry = {
      document,
      prefixLength: prefix.length,
      tail: prefix.slice(-TAIL),
      suffixHead: suffix.slice(0, SUFFIX_HEAD),
      text,
    };
    this.entries = [
      entry,
      ...this.entries.filter(
        (e) => !(e.document === document && e.prefixLength === entry.prefixLength && e.tail === entry.tail),
      ),
    ];
    if (this.entries.length > this.capacity) this.entries.length = this.capacity;
  }

  /** The rest of a remembered suggestion for this cursor, if any. */
  get(document: string, prefix: string, suffix: string): CacheHit | undefined {
    for (const e of this.entries) {
      if (e.document !== document) continue;
      const hit = match(e, prefix, suffix);
      if (hit) {
        // Most recently used first.
        this.entries = [e, ...this.entries.filter((x) => x !== e)];
        return hit;
      }
    }
    return undefined;
  }

  /** Forgets a document's entries (closed), or all (settings or model changed). */
  clear(document?: string): void {
    this.entries = document === undefined ? [] : this.entries.filter((e) => e.document !== document);
  }

  get size(): number {
    return this.entries.length;
  }
}

function match(e: Entry, prefix: string, suffix: string): CacheHit | undefined {
  const delta = prefix.length - e.prefixLength;
  if (delta >= 0) {
    // Typed through: the old text before the cursor, then characters the suggestion starts with.
    const typed = prefix.slice(e.prefixLength);
    if (typed.length >= e.text.length || !e.text.startsWith(typed)) return undefined;
    if (prefix.slice(e.prefixLength - e.tail.length, e.prefixLength) !== e.tail) return undefined;
    // What follows the cursor is unchanged (the suggestion was typed, not something else).
    if (!sameHead(suffix, e.suffixHead)) return undefined;
    return { text: e.text.slice(typed.length), via: delta === 0 ? 'same' : 'typed' };
  }
  // Backspaced: characters of the cursor line removed from the end of the old text before the cursor.
  const removedLength = -delta;
  if (removedLength >= e.tail.length) return undefined;
  const removed = e.tail.slice(e.tail.length - removedLength);
  if (removed.includes('\n')) return undefined;
  const kept = e.tail.slice(0, e.tail.length - removedLength);
  if (!prefix.endsWith(kept)) return undefined;
  if (!sameHead(suffix, e.suffixHead)) return undefined;
  return { text: removed + e.text, via: 'backspaced' };
}

/** The text after the cursor is what it was: its first SUFFIX_HEAD characters, or all of it when it was shorter. */
function sameHead(suffix: string, head: string): boolean {
  return head.length === SUFFIX_HEAD ? suffix.startsWith(head) : suffix === head;
}
