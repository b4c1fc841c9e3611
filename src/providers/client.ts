/**
 * The one OpenAI-compatible client. `streamChat` yields typed events ending with `done`; `completeChat` returns
 * the assembled result. Both take a required AbortSignal; aborting closes the socket. Failures are ArceeErrors
 * that keep whatever had arrived in `partial`.
 */
import type { ChatEvent, ChatRequest, ChatResult, ModelInfo } from './api';
import {
  ArceeError,
  errorFromHttp,
  errorFromNetwork,
  errorFromStreamPayload,
  leadSentence,
  redactSecrets,
  timeoutError,
} from './errors';
import {
  resolveTimeouts,
  type ClientConfig,
  type ClientLogger,
  type RequestOptions,
  type Timeouts,
} from './clientConfig';
import { parseModelList } from './models';
import { RetryPolicy, type RetryInfo } from './retry';
import { ChatStreamParser, truncatedError } from './stream';
import { reviseToolMarkup } from './toolMarkup';
import {
  TimeoutReason,
  Watchdog,
  buildBody,
  defaultSleep,
  parseJsonBody,
  readText,
  type TimeoutLimit,
} from './transport';
import { resolveEndpoints, type Endpoints } from './url';
import { isSameOrigin, keyOrigin } from './origin';

export { buildBody } from './transport';
export type { ClientConfig, ClientLogger, RequestOptions } from './clientConfig';
export { DEFAULT_FIRST_BYTE_TIMEOUT_MS, DEFAULT_IDLE_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS } from './clientConfig';

/** Redirects fetch would follow; the client follows them itself, within the key's origin only. */
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;

interface OpenResponse {
  response: Response;
  controller: AbortController;
  watchdog: Watchdog;
  unlink: () => void;
  started: number;
}

export class ArceeClient {
  readonly endpoints: Endpoints;
  private readonly retry: RetryPolicy;
  private readonly timeouts: Timeouts;
  private readonly fetchImpl: typeof fetch;
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  private readonly now: () => number;
  private readonly keyOrigin: string;

  constructor(private readonly config: ClientConfig) {
    this.endpoints = resolveEndpoints(config.baseUrl);
    this.keyOrigin = config.keyOrigin ?? keyOrigin(config.baseUrl);
    this.retry = new RetryPolicy(config.retry, config.random);
    this.timeouts = resolveTimeouts(config);
    this.fetchImpl = config.fetch ?? ((input, init) => fetch(input, init));
    this.sleep = config.sleep ?? defaultSleep;
    this.now = config.now ?? Date.now;
  }

  /** Streams a chat completion. The last event is `done` with the assembled result. */
  streamChat(request: ChatRequest, options: RequestOptions): AsyncGenerator<ChatEvent, void, undefined> {
    return this.run(request, true, options);
  }

  /** A non-streaming chat completion (the server may still stream; both are handled). */
  async completeChat(request: ChatRequest, options: RequestOptions): Promise<ChatResult> {
    for await (const ev of this.run(request, false, options)) {
      if (ev.type === 'done') return ev.result;
    }
    throw new ArceeError('truncated', leadSentence('truncated'));
  }

  /** `GET /models`, normalised. */
  async listModels(options: RequestOptions): Promise<ModelInfo[]> {
    return parseModelList(await this.getJson(this.endpoints.models, options));
  }

  /** `GET /usage/credits` → the balance in USD, or null when the server does not say. */
  async getCredits(options: RequestOptions): Promise<number | null> {
    const json = await this.getJson(this.endpoints.credits, options);
    const v = typeof json === 'object' && json !== null ? (json as Record<string, unknown>).credit_balance : undefined;
    const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
    return Number.isFinite(n) ? n : null;
  }

  /** The headers for a request to `url`: the key only when `url` is on the key's own origin. */
  private headers(url: string, stream: boolean, hasBody: boolean): Record<string, string> {
    const h: Record<string, string> = {
      Accept: stream ? 'text/event-stream, application/json' : 'application/json',
      'User-Agent': this.config.userAgent ?? 'arcee-vscode',
    };
    if (hasBody) h['Content-Type'] = 'application/json';
    for (const [k, v] of Object.entries(this.config.headers ?? {})) h[k] = v;
    const key = this.config.apiKey?.trim();
    if (key && isSameOrigin(url, this.keyOrigin)) h.Authorization = `Bearer ${key}`;
    return h;
  }

  private log(level: keyof ClientLogger, message: string): void {
    const secrets = this.config.apiKey ? [this.config.apiKey] : [];
    this.config.logger?.[level](redactSecrets(message, secrets));
  }

  /**
   * Sends a request, retrying what may be retried, until an OK response's headers arrive. `limit`: what the
   * watchdog first waits for, the first byte, or (a non-streamed chat request) the whole answer.
   */
  private async open(
    url: string,
    init: { method: string; body?: string; stream: boolean; limit: 'first byte' | 'request' },
    options: RequestOptions,
  ): Promise<OpenResponse> {
    const { signal } = options;
    const host = this.endpoints.host;
    let waited = 0;
    for (let attempt = 1; ; attempt++) {
      if (signal.aborted) throw new ArceeError('cancelled', leadSentence('cancelled'));
      const controller = new AbortController();
      const onAbort = (): void => controller.abort(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      const unlink = (): void => signal.removeEventListener('abort', onAbort);
      const watchdog = new Watchdog(controller);
      watchdog.arm(init.limit, init.limit === 'request' ? this.timeouts.requestMs : this.timeouts.firstByteMs);
      const started = this.now();
      let error: ArceeError;
      try {
        const response = await this.fetchFollowingSameOrigin(url, init, controller.signal);
        if (response.ok) {
          this.log(
            'debug',
            `${init.method} ${url} → ${response.status} in ${this.now() - started} ms (attempt ${attempt})`,
          );
          return { response, controller, watchdog, unlink, started };
        }
        const body = await readText(response, watchdog, this.idleFor(init.limit));
        watchdog.clear();
        unlink();
        error = errorFromHttp({
          status: response.status,
          host,
          contentType: response.headers.get('content-type') ?? '',
          body,
          headers: response.headers,
          now: this.now(),
        });
      } catch (e) {
        watchdog.clear();
        unlink();
        error = this.classify(e, controller, signal, host);
      }
      this.log(
        'warn',
        `${init.method} ${url} failed (attempt ${attempt}): ${error.kind}${error.status ? ` ${error.status}` : ''}: ${error.message}`,
      );
      const delay = this.retry.delayBeforeRetry(error, attempt, waited);
      if (delay === null) throw error;
      waited += delay;
      const info: RetryInfo = { attempt: attempt + 1, maxAttempts: this.retry.maxAttempts, delayMs: delay, error };
      options.onRetry?.(info);
      this.log(
        'info',
        `retrying in ${delay} ms (attempt ${attempt + 1} of ${this.retry.maxAttempts}) after ${error.kind}`,
      );
      await this.sleep(delay, signal);
    }
  }

  /**
   * fetch, following redirects only within the key's origin (at most MAX_REDIRECTS). fetch would follow one to
   * any server, with the body (the user's code); a redirect elsewhere is refused with a sentence instead.
   */
  private async fetchFollowingSameOrigin(
    url: string,
    init: { method: string; body?: string; stream: boolean },
    signal: AbortSignal,
  ): Promise<Response> {
    let target = url;
    for (let hop = 0; ; hop++) {
      const response = await this.fetchImpl(target, {
        method: init.method,
        headers: this.headers(target, init.stream, init.body !== undefined),
        body: init.body,
        signal,
        redirect: 'manual',
      });
      const location = REDIRECT_STATUSES.has(response.status) ? response.headers.get('location') : null;
      if (!location) return response;
      await response.body?.cancel().catch(() => undefined);
      let next: URL;
      try {
        next = new URL(location, target);
      } catch {
        throw new ArceeError('bad_request', `${this.endpoints.host} redirected to an address that is not a URL.`);
      }
      if (next.origin !== this.keyOrigin) {
        throw new ArceeError(
          'bad_request',
          `${this.endpoints.host} redirected the request to ${next.origin}, another server. Requests and the key ` +
            `go only to the server you set; if ${next.origin} is the right one, set it as the server URL.`,
        );
      }
      if (hop + 1 >= MAX_REDIRECTS)
        throw new ArceeError('bad_request', `${this.endpoints.host} redirected more than ${MAX_REDIRECTS} times.`);
      target = next.toString();
    }
  }

  /** What a thrown fetch/read error means: the caller's cancel, one of our timeouts, or a network failure. */
  private classify(e: unknown, controller: AbortController, signal: AbortSignal, host: string): ArceeError {
    if (e instanceof ArceeError) return e;
    const reason: unknown = controller.signal.reason;
    if (signal.aborted) return new ArceeError('cancelled', leadSentence('cancelled'));
    if (controller.signal.aborted && reason instanceof TimeoutReason)
      return timeoutError(reason.which, reason.ms, host, this.timeouts.names);
    return errorFromNetwork(e, host, this.config.trustAdvice);
  }

  /** The silence allowed between chunks; none under a whole-request limit, which the first chunk must not reset. */
  private idleFor(limit: TimeoutLimit): number | undefined {
    return limit === 'request' ? undefined : this.timeouts.idleMs;
  }

  private async getJson(url: string, options: RequestOptions): Promise<unknown> {
    const opened = await this.open(url, { method: 'GET', stream: false, limit: 'first byte' }, options);
    try {
      const text = await readText(opened.response, opened.watchdog, this.timeouts.idleMs);
      return parseJsonBody(text, this.endpoints.host);
    } catch (e) {
      throw this.classify(e, opened.controller, options.signal, this.endpoints.host);
    } finally {
      opened.watchdog.clear();
      opened.unlink();
    }
  }

  private async *run(
    request: ChatRequest,
    stream: boolean,
    options: RequestOptions,
  ): AsyncGenerator<ChatEvent, void, undefined> {
    const url = this.endpoints.chatCompletions;
    const body = JSON.stringify(buildBody(request, stream));
    this.log('info', `POST ${url} model=${request.model} stream=${stream} messages=${request.messages.length}`);
    const limit = stream ? 'first byte' : 'request';
    const opened = await this.open(url, { method: 'POST', body, stream, limit }, options);
    const { response, controller, watchdog } = opened;
    const parser = new ChatStreamParser();
    const host = this.endpoints.host;
    let bodyDone = false;
    let firstByteAt: number | undefined;
    try {
      const contentType = response.headers.get('content-type') ?? '';
      if (!/text\/event-stream/i.test(contentType)) {
        // A JSON answer (also to a streaming request) is the complete response.
        const text = await readText(response, watchdog, this.idleFor(limit));
        bodyDone = true;
        const json = parseJsonBody(text, host);
        if (typeof json === 'object' && json !== null && 'error' in json) throw errorFromStreamPayload(json);
        yield* parser.assembler.push(json);
        yield* parser.assembler.end();
        // The same rule as for a stream: an answer is complete only when every choice says why it ended.
        if (!parser.assembler.allFinished())
          throw truncatedError(parser.assembler.result(), `${host}'s response has no finish reason`);
        yield this.done(parser.assembler.result(), request, opened.started);
        return;
      }
      const reader = response.body?.getReader();
      if (!reader) throw truncatedError(undefined, `${host} sent no body`);
      for (;;) {
        let chunk: ReadableStreamReadResult<Uint8Array>;
        try {
          chunk = await reader.read();
        } catch (e) {
          const err = this.classify(e, controller, options.signal, host);
          // A connection cut after the server accepted the request is a truncated answer, not a failure to retry.
          throw err.kind === 'network' ? truncatedError(parser.partial(), 'the connection closed mid-answer') : err;
        }
        if (chunk.done) {
          bodyDone = true;
          break;
        }
        if (firstByteAt === undefined) {
          firstByteAt = this.now();
          this.log('debug', `first byte after ${firstByteAt - opened.started} ms`);
        }
        if (stream) watchdog.arm('idle', this.timeouts.idleMs);
        yield* parser.push(chunk.value);
        if (parser.sawDone) break;
      }
      // The body ended or [DONE] arrived: the last events, then `done` (logged once here).
      const last = parser.end();
      const done = last.pop();
      yield* last;
      if (done?.type === 'done') yield this.done(done.result, request, opened.started);
    } catch (e) {
      const err = e instanceof ArceeError ? e : this.classify(e, controller, options.signal, host);
      if (!err.partial) err.partial = parser.partial();
      throw err;
    } finally {
      watchdog.clear();
      opened.unlink();
      // Leaving before the body ended (consumer stopped, error, [DONE] on a kept-alive socket) closes the socket.
      if (!bodyDone) controller.abort();
    }
  }

  /**
   * The `done` event, with tool markup dealt with (toolMarkup.ts): calls a model wrote into its reasoning are
   * recovered when the request offered those tools, and leaked tags are stripped. A request that sent
   * `tool_choice: "none"` (the chat's last round) asked for no calls, so nothing is recovered for it.
   */
  private done(raw: ChatResult, request: ChatRequest, started: number): ChatEvent {
    const result = reviseToolMarkup(raw, request.tool_choice === 'none' ? undefined : request.tools);
    for (const c of result.choices) {
      if (!c.recoveredToolCalls) continue;
      // Names only: arguments may hold the user's text, and the log is for diagnosing, not for replaying.
      this.log(
        'info',
        `recovered ${c.tool_calls.length} tool call(s) from the reasoning of choice ${c.index}: ${c.tool_calls.map((t) => t.name).join(', ')}`,
      );
    }
    const u = result.usage;
    this.log(
      'info',
      `done in ${this.now() - started} ms model=${result.model ?? '?'} finish=${result.choices.map((c) => c.finish_reason ?? 'none').join(',')}` +
        (u ? ` tokens=${u.prompt_tokens ?? '?'}+${u.completion_tokens ?? '?'}` : ''),
    );
    return { type: 'done', result };
  }
}
