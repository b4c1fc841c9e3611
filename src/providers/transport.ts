/**
 * The client's request plumbing, apart from its retry and streaming logic: the request body, the silence
 * watchdog, cancellable sleep and whole-body reads.
 */
import type { ChatRequest } from './api';
import { ArceeError, leadSentence, shorten } from './errors';

/**
 * Which limit ran out: the wait for the first byte, a silence between chunks, or (without streaming, where the
 * server sends nothing until it has finished) the whole request.
 */
export type TimeoutLimit = 'first byte' | 'idle' | 'request';

/** Why the watchdog aborted a request. */
export class TimeoutReason {
  constructor(
    readonly which: TimeoutLimit,
    readonly ms: number,
  ) {}
}

/** Aborts a request when the server stays silent too long; re-armed on every chunk. */
export class Watchdog {
  private timer: ReturnType<typeof setTimeout> | undefined;
  constructor(private readonly controller: AbortController) {}
  arm(which: TimeoutLimit, ms: number): void {
    this.clear();
    this.timer = setTimeout(() => this.controller.abort(new TimeoutReason(which, ms)), ms);
  }
  clear(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** Models that refuse every `reasoning_effort` value (platform notes), by id with or without an organisation. */
const REJECTS_REASONING_EFFORT = /(^|\/)trinity-large-thinking$/i;

/**
 * Drops `null`/`undefined` fields ("leave it to the server"), and a `reasoning_effort` (from `arcee.extraBody`,
 * say) that the model is known to refuse with a 400 whatever its value.
 */
export function buildBody(request: ChatRequest, stream: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(request)) {
    if (v !== null && v !== undefined) body[k] = v;
  }
  if ('reasoning_effort' in body && REJECTS_REASONING_EFFORT.test(request.model)) delete body.reasoning_effort;
  body.stream = stream;
  if (stream) {
    const so = typeof body.stream_options === 'object' && body.stream_options !== null ? body.stream_options : {};
    body.stream_options = { include_usage: true, ...so };
  } else {
    delete body.stream_options;
  }
  return body;
}

/** Waits `ms`, or rejects as cancelled when `signal` aborts. */
export function defaultSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(new ArceeError('cancelled', leadSentence('cancelled')));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(t);
      reject(new ArceeError('cancelled', leadSentence('cancelled')));
    };
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** The body as JSON, or a sentence saying the server answered something else. */
export function parseJsonBody(text: string, host: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new ArceeError(
      'bad_request',
      `${host} answered with something that is not JSON: ${shorten(text, 120) || '(empty)'}. Check the base URL.`,
    );
  }
}

/** Reads a whole body, re-arming the idle watchdog between chunks (not when `idleMs` is undefined: a whole-request limit). */
export async function readText(response: Response, watchdog: Watchdog, idleMs: number | undefined): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const decoder = new TextDecoder();
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (idleMs !== undefined) watchdog.arm('idle', idleMs);
    text += decoder.decode(value, { stream: true });
  }
  return text + decoder.decode();
}
