/**
 * Bytes → server-sent events. eventsource-parser does the framing (CRLF, comments, `data:` without a space,
 * multi-line data); this adds streaming UTF-8 decoding, so a split inside a multi-byte character is harmless.
 */
import { createParser, type EventSourceParser } from 'eventsource-parser';

export interface SseMessage {
  /** `undefined` for plain `data:` events; `error` for `event: error`. */
  event?: string | undefined;
  data: string;
}

export class SseDecoder {
  private readonly decoder = new TextDecoder('utf-8');
  private readonly parser: EventSourceParser;
  /** Comment lines seen (`: keep-alive`); counted, never treated as data or as the end. */
  comments = 0;

  /** `onMessage` is called synchronously from push/end for each complete event; what it throws propagates. */
  constructor(onMessage: (message: SseMessage) => void) {
    this.parser = createParser({
      onEvent: onMessage,
      onComment: () => {
        this.comments++;
      },
    });
  }

  /** Feeds raw bytes (or text). */
  push(chunk: Uint8Array | string): void {
    this.parser.feed(typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true }));
  }

  /** Flushes a last event that was not followed by a blank line. */
  end(): void {
    const rest = this.decoder.decode();
    if (rest) this.parser.feed(rest);
    // A blank line dispatches an event the server did not terminate; the caller decides if it is whole.
    this.parser.feed('\n\n');
    this.parser.reset();
  }
}
