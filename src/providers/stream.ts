/**
 * SSE bytes → typed events, with no I/O: the decoder, the `[DONE]` / in-band error rules and the assembler in
 * one place, so the client, the tests and the benchmark run exactly the same code.
 */
import type { ChatEvent, ChatResult } from './api';
import { StreamAssembler } from './assemble';
import { ArceeError, errorFromStreamPayload, leadSentence, shorten } from './errors';
import { SseDecoder, type SseMessage } from './sse';

export class ChatStreamParser {
  private readonly decoder = new SseDecoder((m) => this.handle(m));
  readonly assembler = new StreamAssembler();
  /** `data: [DONE]` arrived; anything after it is ignored. */
  sawDone = false;
  private out: ChatEvent[] = [];
  private atEnd = false;

  /** An in-band error that arrived in the same bytes as events: thrown on the next call, after those events. */
  private pending: Error | undefined;

  /**
   * Feeds bytes; returns the events they completed. Throws an ArceeError (with the partial answer) on in-band
   * errors; text that came in the same bytes before the error is returned first, and the error thrown by the
   * next `push` or `end`, so a consumer shows every piece of the partial answer.
   */
  push(bytes: Uint8Array | string): ChatEvent[] {
    this.throwPending();
    if (this.sawDone) return [];
    this.out = [];
    try {
      this.decoder.push(bytes);
    } catch (e) {
      if (this.out.length === 0 || !(e instanceof Error)) throw e;
      this.pending = e;
    }
    return this.out;
  }

  private throwPending(): void {
    if (this.pending === undefined) return;
    const e = this.pending;
    this.pending = undefined;
    throw e;
  }

  /**
   * The body ended or `[DONE]` arrived. Returns the last events, ending with `done`; throws `truncated` (partial
   * kept) unless every choice has a finish reason. `[DONE]` alone does not make an answer complete: a server
   * that lost its model mid-answer may still end the stream properly.
   */
  end(): ChatEvent[] {
    this.throwPending();
    this.out = [];
    if (!this.sawDone) {
      this.atEnd = true;
      this.decoder.end();
    }
    const events = this.out;
    this.assembler.endInto(events);
    if (!this.assembler.allFinished()) {
      throw truncatedError(
        this.assembler.result(),
        this.sawDone
          ? 'the server sent [DONE] without a finish reason'
          : 'the stream ended without a finish reason or [DONE]',
      );
    }
    events.push({ type: 'done', result: this.assembler.result() });
    return events;
  }

  /** What has arrived so far, for a failure's `partial`. */
  partial(): ChatResult | undefined {
    return this.assembler.hasContent() ? this.assembler.result() : undefined;
  }

  private handle(m: SseMessage): void {
    if (this.sawDone) return;
    if (m.data.length < 16 && m.data.trim() === '[DONE]') {
      this.sawDone = true;
      return;
    }
    let chunk: unknown;
    try {
      chunk = parseEvent(m);
    } catch (e) {
      // An unterminated last event that is not valid JSON is a stream cut mid-chunk.
      if (this.atEnd && e instanceof MalformedChunk)
        throw truncatedError(this.partial(), 'the stream ended in the middle of a chunk');
      if (e instanceof ArceeError && !e.partial) e.partial = this.partial();
      throw e;
    }
    this.assembler.pushInto(chunk, this.out);
  }
}

class MalformedChunk extends ArceeError {
  constructor(data: string) {
    super('stream_error', `${leadSentence('stream_error')} (a chunk was not valid JSON: ${shorten(data, 80)})`);
  }
}

export function truncatedError(partial: ChatResult | undefined, why: string): ArceeError {
  return new ArceeError('truncated', `${leadSentence('truncated')} (${why}). The partial answer is kept.`, { partial });
}

/** One SSE event → a chunk object; in-band errors and malformed JSON throw (never swallowed). */
function parseEvent(m: SseMessage): unknown {
  let json: unknown;
  try {
    json = JSON.parse(m.data);
  } catch {
    if (m.event === 'error') throw errorFromStreamPayload(m.data);
    throw new MalformedChunk(m.data);
  }
  if (m.event === 'error') throw errorFromStreamPayload(json);
  if (typeof json === 'object' && json !== null && 'error' in json && json.error != null) {
    throw errorFromStreamPayload(json);
  }
  return json;
}
