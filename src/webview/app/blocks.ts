/**
 * Finds where a growing markdown text can be cut into finished blocks and an open tail, so that a streamed
 * answer is rendered block by block: everything before the last confirmed boundary never changes again.
 * Scans each character once (state is kept between calls), so the cost of an update is the size of the
 * update, not of the message. Pure: no DOM.
 */

interface Fence {
  char: '`' | '~';
  length: number;
}

const FENCE_OPEN = /^[ \t]*(`{3,}|~{3,})(.*)$/;
const BLANK = /^[ \t]*$/;

export class BlockScanner {
  private text = '';
  /** Start of the first line not yet scanned (always a line start). */
  private scanPos = 0;
  private fence: Fence | null = null;
  /** Position after a blank line: a boundary once the next line starts unindented. */
  private pending: number | null = null;
  private boundary = 0;

  /** The text scanned so far. */
  get value(): string {
    return this.text;
  }

  /** True while a code fence is open at the end of the text. */
  get inFence(): boolean {
    return this.fence !== null;
  }

  /**
   * The last position where a block ends and nothing after it can change what is before it: after a blank
   * line that is followed by an unindented line (outside a code fence), or after a closing fence line.
   */
  get lastBoundary(): number {
    return this.boundary;
  }

  append(chunk: string): void {
    if (!chunk) return;
    this.text += chunk;
    this.scan();
  }

  private scan(): void {
    const text = this.text;
    for (;;) {
      const nl = text.indexOf('\n', this.scanPos);
      if (nl < 0) break;
      this.line(text.slice(this.scanPos, nl), this.scanPos, nl + 1);
      this.scanPos = nl + 1;
    }
    // The next line has started: its first character says whether a blank line before it ended a block.
    if (this.pending !== null && this.scanPos < text.length) this.confirm(text.charAt(this.scanPos), this.scanPos);
  }

  private confirm(firstChar: string, at: number): void {
    if (firstChar === ' ' || firstChar === '\t') {
      // An indented line continues a list item or an indented block: the blank line did not end it.
      this.pending = null;
    } else if (firstChar !== '\n' && firstChar !== '\r') {
      this.boundary = at;
      this.pending = null;
    }
  }

  private line(line: string, start: number, next: number): void {
    if (this.fence) {
      const trimmed = line.trim();
      const f = this.fence;
      if (trimmed.length >= f.length && trimmed === f.char.repeat(trimmed.length)) {
        this.fence = null;
        this.boundary = next;
        this.pending = null;
      }
      return;
    }
    if (this.pending !== null && !BLANK.test(line)) this.confirm(line.charAt(0), start);
    if (BLANK.test(line)) {
      this.pending = next;
      return;
    }
    const open = FENCE_OPEN.exec(line);
    if (open) {
      const marks = open[1];
      const char = marks.charAt(0) as '`' | '~';
      // A backtick fence's info string may not contain a backtick (that is inline code instead).
      if (char === '~' || !open[2].includes('`')) this.fence = { char, length: marks.length };
    }
  }
}
