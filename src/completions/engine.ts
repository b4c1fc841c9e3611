/**
 * Ghost-text completions from a chat model, without VS Code (the provider in src/inline adapts it; the bench
 * drives it directly). One call per keystroke, each cancelled by the next:
 *
 * 1. paused (no key, no credits, rate-limited) → nothing;
 * 2. the cache: typing or backspacing within a suggestion shows its rest, with no request;
 * 3. the debounce: a call cancelled while waiting sends nothing;
 * 4. the per-minute cap;
 * 5. one streamed request, aborted (its socket closed) as soon as the answer is decided, or when the call is
 *    cancelled because the user typed on.
 *
 * Counters (requests, aborts, cache hits, accepts…) are kept for the log; nothing is sent anywhere else.
 */
import type { CompletionsSettings } from '../config/settings';
import type { ChatEvent, ChatRequest } from '../providers/api';
import { ArceeError } from '../providers/errors';
import { SuggestionCache } from './cache';
import type { IndentStyle } from './indent';
import type { CompletionContext } from './postprocess';
import { buildCompletionPrompt, completionMode } from './prompt';
import { MinuteCap } from './rateLimit';
import { StreamedAnswer, type Decision } from './streamed';

/** What the engine reads of `arcee.completions.*` (validated in config/settings.ts, the one place they are defined). */
export type CompletionSettings = Pick<CompletionsSettings, 'model' | 'debounceMs' | 'maxLines' | 'maxPerMinute'>;

export interface CompletionRequest {
  /** Identifies the document (its URI). */
  document: string;
  /** The path shown to the model. */
  path: string;
  languageId: string;
  /** All text before the cursor. */
  prefix: string;
  /** All text after the cursor. */
  suffix: string;
  indent: IndentStyle;
}

export interface Suggestion {
  text: string;
  source: 'cache' | 'model';
}

/** Why completions stopped asking: fixed by the user (key, credits, a model the server has) or by waiting (rate limit). */
export interface Pause {
  kind: 'auth' | 'payment' | 'rate_limit' | 'not_found';
  message: string;
  /** For a rate limit: when asking may start again (ms since the epoch). */
  until?: number;
}

export interface Counters {
  /** Requests sent to the server. */
  requests: number;
  /** Requests aborted because the user typed on (the answer was no longer wanted). */
  aborted: number;
  /** Requests stopped early because the answer was decided. */
  decidedEarly: number;
  /** Suggestions served from the cache. */
  cacheHits: number;
  /** Calls cancelled during the debounce: no request. */
  debounced: number;
  /** Calls refused by the per-minute cap. */
  capped: number;
  /** Answers that showed nothing after post-processing. */
  empty: number;
  /** Suggestions shown (from the model or the cache). */
  shown: number;
  accepts: number;
  errors: number;
}

/** The counters as the log's line. */
export function describeCounters(c: Counters): string {
  return (
    `Completions: ${c.requests} requests (${c.aborted} aborted as you typed on, ${c.decidedEarly} stopped once the answer was decided, ${c.errors} failed), ` +
    `${c.cacheHits} served from the cache, ${c.shown} shown, ${c.accepts} accepted, ${c.empty} empty, ${c.debounced} skipped while typing, ${c.capped} over the per-minute cap`
  );
}

export type ChatStreamer = (request: ChatRequest, signal: AbortSignal) => AsyncIterable<ChatEvent>;

export interface EngineDeps {
  /**
   * Streams a chat request; aborting the signal must close the connection. Undefined: no client; an ArceeError
   * (e.g. 'auth' for a missing key) pauses like the same error from the server.
   */
  stream: () => Promise<ChatStreamer | undefined>;
  settings: () => CompletionSettings;
  now?: () => number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  log?: (line: string) => void;
  /** Called when completions pause (once per pause) and resume. */
  onPause?: (pause: Pause | undefined) => void;
}

/** Tokens a suggestion of `maxLines` may take, with room for a fence and a lead-in line. */
export function maxTokensFor(mode: 'line' | 'block', maxLines: number): number {
  return mode === 'line' ? 64 : Math.min(1024, 40 + maxLines * 24);
}

// Failures that would recur on every pause in typing. 'not_found' is the completions model missing on this
// server (e.g. trinity-mini on Ollama): asking again cannot help until the setting changes.
const PAUSING = new Set(['auth', 'payment', 'rate_limit', 'not_found']);

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted || ms <= 0) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

export class CompletionEngine {
  readonly counters: Counters = {
    requests: 0,
    aborted: 0,
    decidedEarly: 0,
    cacheHits: 0,
    debounced: 0,
    capped: 0,
    empty: 0,
    shown: 0,
    accepts: 0,
    errors: 0,
  };
  private readonly cache = new SuggestionCache();
  private readonly cap: MinuteCap;
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  private paused: Pause | undefined;
  private cappedLogged = 0;

  constructor(private readonly deps: EngineDeps) {
    this.now = deps.now ?? Date.now;
    this.sleep = deps.sleep ?? abortableSleep;
    this.cap = new MinuteCap(this.now);
  }

  get pause(): Pause | undefined {
    if (this.paused?.until !== undefined && this.now() >= this.paused.until) this.resume();
    return this.paused;
  }

  /** Asks again (after a key or credits were fixed, or completions were turned off and on). */
  resume(): void {
    if (!this.paused) return;
    this.paused = undefined;
    this.deps.onPause?.(undefined);
  }

  /** Forgets cached suggestions (the model or server changed). */
  clearCache(document?: string): void {
    this.cache.clear(document);
  }

  /** A suggestion was accepted (VS Code ran its command). */
  accepted(): void {
    this.counters.accepts++;
  }

  /** The suggestion for this cursor, or undefined. `signal` aborts when the user types on. */
  async complete(req: CompletionRequest, signal: AbortSignal): Promise<Suggestion | undefined> {
    if (this.pause || signal.aborted) return undefined;
    const cached = this.cache.get(req.document, req.prefix, req.suffix);
    if (cached) {
      this.counters.cacheHits++;
      this.counters.shown++;
      return { text: cached.text, source: 'cache' };
    }
    const settings = this.deps.settings();
    await this.sleep(settings.debounceMs, signal);
    if (signal.aborted) {
      this.counters.debounced++;
      return undefined;
    }
    if (!this.cap.take(settings.maxPerMinute)) {
      this.counters.capped++;
      if (this.now() - this.cappedLogged > 60_000) {
        this.cappedLogged = this.now();
        this.deps.log?.(
          `Completions: ${settings.maxPerMinute} requests this minute (arcee.completions.maxRequestsPerMinute); waiting ${Math.ceil(this.cap.waitMs(settings.maxPerMinute) / 1000)} s.`,
        );
      }
      return undefined;
    }
    let stream: ChatStreamer | undefined;
    try {
      stream = await this.deps.stream();
    } catch (e) {
      // No key for a server that needs one: a pause like a 401, not a prompt while typing.
      this.failed(e);
      return undefined;
    }
    if (!stream || signal.aborted) return undefined;
    const text = await this.ask(stream, req, settings, signal);
    if (text === undefined) return undefined;
    this.cache.put(req.document, req.prefix, req.suffix, text);
    this.counters.shown++;
    return { text, source: 'model' };
  }

  private async ask(
    stream: ChatStreamer,
    req: CompletionRequest,
    settings: CompletionSettings,
    signal: AbortSignal,
  ): Promise<string | undefined> {
    const lineStart = req.prefix.lastIndexOf('\n') + 1;
    const lineEnd = req.suffix.indexOf('\n');
    const mode = completionMode(
      req.prefix.slice(lineStart),
      lineEnd === -1 ? req.suffix : req.suffix.slice(0, lineEnd),
    );
    const prompt = buildCompletionPrompt({
      prefix: req.prefix,
      suffix: req.suffix,
      path: req.path,
      languageId: req.languageId,
      mode,
    });
    // Post-processing needs only the text near the cursor: the windows sent, a few KB whatever the file's size.
    const ctx: CompletionContext = {
      prefix: prompt.prefixWindow,
      suffix: prompt.suffixWindow,
      languageId: req.languageId,
      mode,
      indent: req.indent,
    };
    const request: ChatRequest = {
      model: settings.model,
      messages: prompt.messages,
      stream: true,
      max_tokens: maxTokensFor(mode, settings.maxLines),
      // The platform notes' sampling for trinity-mini: near-greedy, which is what a completion wants.
      temperature: 0.15,
      top_p: 0.75,
    };
    const controller = new AbortController();
    const onAbort = (): void => controller.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    this.counters.requests++;
    const streamed = new StreamedAnswer(ctx, settings.maxLines);
    let decided: Decision = { decided: false };
    try {
      for await (const ev of stream(request, controller.signal)) {
        if (ev.type === 'textWasReasoning' && ev.index === 0) streamed.reset();
        if (ev.type !== 'text' || ev.index !== 0) continue;
        decided = streamed.push(ev.text);
        if (decided.decided) break;
      }
    } catch (e) {
      if (signal.aborted) {
        this.counters.aborted++;
        return undefined;
      }
      this.failed(e);
      return undefined;
    } finally {
      signal.removeEventListener('abort', onAbort);
      // Closes the socket when the answer was decided before the server finished.
      controller.abort();
    }
    if (signal.aborted) {
      this.counters.aborted++;
      return undefined;
    }
    if (decided.decided) this.counters.decidedEarly++;
    const text = decided.decided ? decided.text : streamed.finish();
    if (text === undefined) this.counters.empty++;
    return text;
  }

  private failed(e: unknown): void {
    if (e instanceof ArceeError && PAUSING.has(e.kind)) {
      const kind = e.kind as Pause['kind'];
      const until = kind === 'rate_limit' ? this.now() + (e.retryAfterMs ?? 60_000) : undefined;
      this.paused = { kind, message: e.message, until };
      this.deps.log?.(`Completions paused: ${e.message}`);
      this.deps.onPause?.(this.paused);
      return;
    }
    this.counters.errors++;
    this.deps.log?.(`Completion request failed: ${e instanceof Error ? e.message : String(e)}`);
  }
}
