/**
 * A streamed answer, decided as early as it can be: after each piece, the answer's whole lines are
 * post-processed, and once more of the answer cannot change what is shown (a first line in 'line' mode, the end
 * of the block or the closing fence in 'block' mode, or `maxLines` lines) the text is decided and the request
 * can be closed. Until then `push` returns undefined; `finish` decides on the whole answer.
 */
import { analyseCompletion, cleanCompletion, type CompletionContext } from './postprocess';

export type Decision = { decided: true; text: string | undefined } | { decided: false };

export class StreamedAnswer {
  private answer = '';
  private checked = 0;

  constructor(
    private readonly ctx: CompletionContext,
    private readonly maxLines: number,
  ) {}

  /** Adds a piece of the answer's text. */
  push(piece: string): Decision {
    this.answer += piece;
    const lastBreak = this.answer.lastIndexOf('\n');
    if (lastBreak < this.checked) return { decided: false };
    this.checked = lastBreak + 1;
    const analysis = analyseCompletion(this.answer.slice(0, lastBreak), this.ctx);
    const lines = analysis.text === undefined ? 0 : analysis.text.split('\n').length;
    if (analysis.ended || lines >= this.maxLines)
      return { decided: true, text: limitLines(analysis.text, this.maxLines) };
    return { decided: false };
  }

  /** The text streamed so far was reasoning (a lone `</think>` said so): start again. */
  reset(): void {
    this.answer = '';
    this.checked = 0;
  }

  /** The answer is complete. */
  finish(): string | undefined {
    return limitLines(cleanCompletion(this.answer, this.ctx), this.maxLines);
  }
}

/** At most `maxLines` lines of `text`. */
export function limitLines(text: string | undefined, maxLines: number): string | undefined {
  if (text === undefined) return undefined;
  const lines = text.split('\n');
  return lines.length <= maxLines ? text : lines.slice(0, maxLines).join('\n').trimEnd() || undefined;
}
