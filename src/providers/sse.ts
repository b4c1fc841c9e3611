/**
 * Bytes → server-sent events. eventsource-parser does the framing (CRLF, comments, `data:` without a space,
 * multi-line data); this adds streaming UTF-8 decoding, so a split inside a multi-byte character is harmless.
 */
import { createParser, type EventSourceParser } from 'eventsource-parser';

export interface SseMessage {
  /** `undefined` for plain `data:` events; `error` for `event: error`. */
  event: string | undefined;
  data: string;
}

export class SseDecoder {
  private readonly decoder = new TextDecoder('utf-8');
  private readonly parser: EventSourceParser;
  private queue: SseMessage[] = [];
  /** Comment lines seen (`: keep-alive`); counted, never treated as data or as the end. */
  comments = 0;

  constructor() {
    this.parser = createParser({
      onEvent: (e) => this.queue.push({ event: e.event, data: e.data }),
      onComment: () => {
        this.comments++;
      },
    });
  }

  /** Feeds raw bytes (or text) and returns the events completed by them. */
  push(chunk: Uint8Array | string): SseMessage[] {
    this.parser.feed(typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true }));
    return this.drain();
  }

  /** Flushes a last event that was not followed by a blank line. */
  end(): SseMessage[] {
    const rest = this.decoder.decode();
    if (rest) this.parser.feed(rest);
    // A blank line dispatches an event the server did not terminate; the caller decides if it is whole.
    this.parser.feed('\n\n');
    this.parser.reset();
    return this.drain();
  }

  private drain(): SseMessage[] {
    if (this.queue.length === 0) return EMPTY;
    const out = this.queue;
    this.queue = [];
    return out;
  }
}

const EMPTY: SseMessage[] = [];
