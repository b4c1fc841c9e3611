/**
 * Renders a growing markdown text into a container, block by block: finished blocks are rendered once and
 * kept as DOM; only the open tail is rendered again, and only when a frame asks for it.
 */
import { BlockScanner } from './blocks';
import { h } from './dom';
import { renderMarkdown } from './markdown';
import { withinBudget } from './scheduler';

/**
 * Finished blocks are grouped: a long answer then has few direct children, so laying out the growing end
 * does not walk every block, and full groups off screen can be skipped (content-visibility in chat.css).
 */
const BLOCKS_PER_CHUNK = 16;
/**
 * A whole text set at once (a reopened conversation) is scanned and rendered about this many characters at a
 * time, while the task's budget lasts, the rest in later frames: a long answer never makes one long task.
 */
const SLICE_CHARS = 2000;

export class MarkdownStream {
  private scanner = new BlockScanner();
  /** Characters of the text already rendered as finished blocks. */
  private stableEnd = 0;
  private tail: HTMLDivElement;
  private renderedTail: string | null = null;
  private final = false;
  private chunk: HTMLDivElement | null = null;
  private chunkBlocks = 0;
  /** Text set but not scanned yet (rendered slice by slice). */
  private backlog = '';

  constructor(private readonly container: HTMLElement) {
    this.tail = h('div', { className: 'md-tail' });
    container.append(this.tail);
  }

  get text(): string {
    return this.scanner.value + this.backlog;
  }

  /** True while part of the text waits for a later render: the owner should schedule one. */
  get pending(): boolean {
    return this.backlog.length > 0;
  }

  append(chunk: string): void {
    if (this.final && chunk) this.final = false;
    if (this.backlog || chunk.length > SLICE_CHARS) this.backlog += chunk;
    else this.scanner.append(chunk);
  }

  /** Sets the whole text: appends when it extends the current one, starts over otherwise. */
  setText(text: string): void {
    const current = this.text;
    if (text.startsWith(current)) {
      this.append(text.slice(current.length));
      return;
    }
    this.scanner = new BlockScanner();
    this.stableEnd = 0;
    this.renderedTail = null;
    this.chunk = null;
    this.backlog = '';
    this.container.replaceChildren(this.tail);
    this.append(text);
  }

  /** The text will not grow any more: the tail is rendered as a finished block on the next render. */
  finish(): void {
    this.final = true;
    this.renderedTail = null;
  }

  render(): void {
    // Slices while the task's budget lasts (the first call in a task always has some, so every frame makes
    // progress). The tail waits for the whole text.
    while (this.backlog && withinBudget()) {
      const cut = this.backlog.indexOf('\n', SLICE_CHARS);
      const piece = cut < 0 ? this.backlog : this.backlog.slice(0, cut + 1);
      this.backlog = this.backlog.slice(piece.length);
      this.scanner.append(piece);
      this.renderStable();
    }
    if (this.backlog) return;
    this.renderStable();
    const text = this.scanner.value;
    const tailText = text.slice(this.stableEnd);
    if (tailText === this.renderedTail) return;
    this.renderedTail = tailText;
    this.tail.classList.toggle('open', !this.final);
    if (tailText.trim()) this.tail.replaceChildren(renderMarkdown(tailText, this.final));
    else this.tail.replaceChildren();
  }

  /** Renders the text up to the scanner's last boundary as one finished block. */
  private renderStable(): void {
    const boundary = this.scanner.lastBoundary;
    if (boundary <= this.stableEnd) return;
    const block = h('div', { className: 'md-block' });
    block.append(renderMarkdown(this.scanner.value.slice(this.stableEnd, boundary), true));
    this.addBlock(block);
    this.stableEnd = boundary;
    this.renderedTail = null;
  }

  private addBlock(block: HTMLElement): void {
    if (!this.chunk || this.chunkBlocks >= BLOCKS_PER_CHUNK) {
      this.chunk?.classList.add('full');
      this.chunk = h('div', { className: 'md-chunk' });
      this.tail.before(this.chunk);
      this.chunkBlocks = 0;
    }
    this.chunk.append(block);
    this.chunkBlocks += 1;
  }
}
