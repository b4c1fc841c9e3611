/**
 * Bytes → server-sent events. eventsource-parser does the framing (CRLF, comments, `data:` without a space,
 * multi-line data); this adds streaming UTF-8 decoding, so a split inside a multi-byte character is harmless,
 * and surfaces the one non-standard field servers use: `error:`.
 */
import { createParser, type EventSourceParser } from 'eventsource-parser';

export interface SseMessage {
  /** `undefined` for plain `data:` events; `error` for `event: error` and for an `error:` line. */
  event?: string | undefined;
  data: string;
}

export class SseDecoder {
  private readonly decoder = new TextDecoder('utf-8');
  private readonly parser: EventSourceParser;

  /**
   * `onMessage` is called synchronously from push/end for each complete event; what it throws propagates.
   * Comment lines (`: keep-alive`) produce nothing: they are neither data nor the end.
   *
   * llama.cpp's server (before September 2025) reported a failure inside a 200 stream as a line
   * `error: {json}`, an SSE field that is not `data`, then `data: [DONE]`. The SSE spec says to ignore unknown
   * fields, which would hide the failure (and then call the stream complete): it becomes an `error` event.
   */
  constructor(onMessage: (message: SseMessage) => void) {
    this.parser = createParser({
      onEvent: onMessage,
      onError: (e) => {
        if (e.type === 'unknown-field' && e.field === 'error') onMessage({ event: 'error', data: e.value ?? '' });
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
