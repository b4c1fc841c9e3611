/**
 * Follows a range of a document, as offsets, through the document's content changes. Changes before it shift
 * it; a change that touches it marks it touched (the caller then stops: the user's text wins).
 */

/** One content change, in the offsets of the document before it (VS Code's `rangeOffset`/`rangeLength`). */
export interface TextChange {
  offset: number;
  length: number;
  text: string;
}

export class TrackedRange {
  touched = false;

  constructor(
    public start: number,
    public end: number,
  ) {}

  /**
   * Applies one event's changes (VS Code sends them relative to the document before the event; they do not
   * overlap, so applying them from the last to the first keeps every offset valid). Returns `touched`.
   */
  apply(changes: readonly TextChange[]): boolean {
    const ordered = [...changes].sort((a, b) => b.offset - a.offset);
    for (const c of ordered) this.applyOne(c);
    return this.touched;
  }

  private applyOne(c: TextChange): void {
    const cEnd = c.offset + c.length;
    const delta = c.text.length - c.length;
    if (cEnd <= this.start) {
      // Entirely before (an insertion right at the start is before it too).
      this.start += delta;
      this.end += delta;
    } else if (c.offset >= this.end) {
      // Entirely after (an insertion right at the end is after it).
    } else {
      this.touched = true;
      // Keep a sensible span for reporting: grow or shrink the end with the change.
      this.end = Math.max(this.start, this.end + delta);
    }
  }
}
