/**
 * The one error type of the model side, and every sentence a person reads about a failure (errorClassify.ts
 * reads what the server said; this file words it).
 * Messages never contain HTML, `[object Object]`, or anything that looks like an API key.
 */
import type { ChatResult } from './api';
import {
  contextOverflow,
  failureKind,
  isRecord,
  kindForStatus,
  looksLikeHtml,
  networkCode,
  parseErrorPayload,
  parseRetryAfter,
  proxyFailure,
  statusLabel,
  tlsFailure,
  type ContextOverflow,
  type ParsedErrorBody,
  type TlsFailure,
} from './errorClassify';

export type ErrorKind =
  | 'auth'
  | 'permission'
  | 'payment'
  | 'not_found'
  | 'bad_request'
  | 'context_overflow'
  | 'validation'
  | 'rate_limit'
  | 'server'
  | 'unavailable'
  | 'gateway'
  | 'network'
  | 'tls'
  | 'proxy'
  | 'timeout'
  | 'stream_error'
  | 'truncated'
  | 'cancelled';

export interface ArceeErrorInit {
  status?: number | null;
  retryAfterMs?: number | null;
  /** What the server said, cleaned; the message already includes it. */
  detail?: string;
  partial?: ChatResult;
  cause?: unknown;
}

/**
 * The extension ships as two bundles (esbuild.mjs), and each has its own copy of this module: an ArceeError made
 * by one must still be one to the other. Both copies mark theirs with this (registry) symbol.
 */
const ARCEE_ERROR: unique symbol = Symbol.for('arcee-vscode.ArceeError');

export class ArceeError extends Error {
  /** True for an ArceeError from either copy of this class; a subclass checks its own prototype as usual. */
  static override [Symbol.hasInstance](value: unknown): value is ArceeError {
    if (this !== ArceeError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === 'object' && value !== null && ARCEE_ERROR in value;
  }

  readonly [ARCEE_ERROR] = true;
  override readonly name = 'ArceeError';
  readonly status: number | null;
  readonly retryAfterMs: number | null;
  readonly detail: string | undefined;
  /** What arrived before the failure; a stream's partial text is never thrown away. */
  partial: ChatResult | undefined;

  constructor(
    readonly kind: ErrorKind,
    message: string,
    init: ArceeErrorInit = {},
  ) {
    super(redactSecrets(message), init.cause === undefined ? undefined : { cause: init.cause });
    this.status = init.status ?? null;
    this.retryAfterMs = init.retryAfterMs ?? null;
    this.detail = init.detail === undefined ? undefined : redactSecrets(init.detail);
    this.partial = init.partial;
  }

  /** The stable JSON shape used by the terminal client and logs. */
  toJSON(): { kind: ErrorKind; status: number | null; message: string; retryAfterMs: number | null } {
    return { kind: this.kind, status: this.status, message: this.message, retryAfterMs: this.retryAfterMs };
  }
}

export function isArceeError(e: unknown): e is ArceeError {
  return e instanceof ArceeError;
}

const KEY_PATTERNS: RegExp[] = [
  /rcai-[A-Za-z0-9_\-.]{4,}/g,
  /\bsk-[A-Za-z0-9_-]{8,}/g,
  /(Bearer\s+)[A-Za-z0-9_\-.~+/=]{6,}/gi,
];

/** Replaces anything that looks like a key (and the given exact secrets) with a marker. */
export function redactSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4) {
      out = out.split(secret).join('[redacted]');
    }
  }
  for (const pattern of KEY_PATTERNS) {
    out = out.replace(pattern, (_m, bearer?: string) =>
      typeof bearer === 'string' ? `${bearer}[redacted]` : '[redacted]',
    );
  }
  return out;
}

const MAX_DETAIL = 300;

/** Collapses whitespace and cuts a server text short for a message. */
export function shorten(text: string, max = MAX_DETAIL): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** What to say first for each kind; the server's words follow. */
const LEAD: Record<ErrorKind, string> = {
  auth: 'The API key is missing or was not accepted. Set one with "Arcee: Set API Key".',
  permission: 'This API key may not use this model or endpoint.',
  payment: 'Your Arcee credits are used up. Add credits on the billing page, then try again.',
  not_found: 'The server has no such model or endpoint. Check the model id and the base URL.',
  bad_request: 'The server rejected the request as malformed.',
  context_overflow: "The request does not fit the model's context.",
  validation: 'The server rejected some request parameters.',
  rate_limit: 'Rate limited: too many requests or tokens for this key right now.',
  server: 'The server failed while answering.',
  unavailable: 'The server is overloaded or unavailable right now.',
  gateway: 'A gateway in front of the server failed.',
  network: 'Could not reach the server.',
  tls: "The server's TLS certificate was not accepted.",
  proxy: 'The proxy did not pass the request on.',
  timeout: 'The server took too long to answer.',
  stream_error: 'The server reported an error in the middle of the answer.',
  truncated: 'The answer was cut off before it finished.',
  cancelled: 'Cancelled.',
};

export function leadSentence(kind: ErrorKind): string {
  return LEAD[kind];
}

const tokens = (n: number): string => n.toLocaleString('en-US');

/**
 * What a person reads about a request too large for the model's context: the sizes the server gave, and what
 * helps. "The request is 3,031 tokens but the model's context holds 2,048. Use a shorter selection, …"
 */
export function contextOverflowSentence(o: ContextOverflow): string {
  const { requestTokens: req, contextTokens: ctx, answerTokens: answer } = o;
  let fit: string = LEAD.context_overflow;
  if (req !== undefined && ctx !== undefined) {
    fit =
      answer !== undefined
        ? `The request is ${tokens(req)} tokens and asks for up to ${tokens(answer)} more for the answer, but the model's context holds ${tokens(ctx)}.`
        : `The request is ${tokens(req)} tokens but the model's context holds ${tokens(ctx)}.`;
  } else if (ctx !== undefined) {
    fit = `The request does not fit the model's context of ${tokens(ctx)} tokens.`;
  } else if (req !== undefined) {
    fit = `The request (${tokens(req)} tokens) does not fit the model's context.`;
  }
  // When the server says the room asked for the answer is what overflows, a lower max tokens is the first fix.
  const shorterAnswer = answer !== undefined ? 'Ask for a shorter answer (a lower max tokens), use' : 'Use';
  return `${fit} ${shorterAnswer} a shorter selection, start a new chat, or pick a model with a longer context.`;
}

/** The first sentence(s) of a server's error of this kind, before the server's own words. */
function leadFor(kind: ErrorKind, parsed: ParsedErrorBody): string {
  const overflow = kind === 'context_overflow' ? contextOverflow(parsed) : undefined;
  return overflow ? contextOverflowSentence(overflow) : LEAD[kind];
}

export interface HttpErrorInput {
  status: number;
  /** Where the answer came from, e.g. `api.arcee.ai`. */
  host: string;
  contentType: string;
  body: string;
  headers: { get(name: string): string | null };
  now?: number;
}

/** Turns a non-2xx HTTP answer into an ArceeError with a message a person understands. */
export function errorFromHttp(input: HttpErrorInput): ArceeError {
  const { status, host, contentType, body } = input;
  const retryAfterMs = parseRetryAfter(input.headers, input.now);
  const label = statusLabel(status);
  if (looksLikeHtml(body, contentType)) {
    const kind = kindForStatus(status);
    return new ArceeError(
      kind,
      `${LEAD[kind]} ${host} answered ${label} with an HTML page instead of an API response.`,
      {
        status,
        retryAfterMs,
      },
    );
  }
  let parsed: ParsedErrorBody = {};
  let json: unknown;
  try {
    json = body.trim() ? JSON.parse(body) : undefined;
  } catch {
    json = undefined;
  }
  if (json !== undefined) parsed = parseErrorPayload(json);
  else if (body.trim()) parsed = { message: body };
  const kind = failureKind(status, parsed);
  const detail = parsed.message ? shorten(parsed.message) : undefined;
  let lead = leadFor(kind, parsed);
  // FastAPI's bare 404 means the path does not exist: the base URL is wrong, not the model.
  if (status === 404 && (detail === 'Not Found' || detail === undefined)) {
    lead = `${host} has no such endpoint. Check the base URL (for Arcee: https://api.arcee.ai/api/v1).`;
  }
  const message = detail ? `${lead} (${label}: ${detail})` : `${lead} (${host} answered ${label})`;
  return new ArceeError(kind, message, { status, retryAfterMs, detail });
}

/**
 * An error that arrived inside a 200 stream: `{"error": …}`, `event: error`, or llama.cpp's `error:` line (whose
 * payload is the bare error object). Classified like an HTTP error (failureKind).
 */
export function errorFromStreamPayload(payload: unknown): ArceeError {
  const parsed = parseErrorPayload(isRecord(payload) && 'error' in payload ? payload : { error: payload });
  const detail = parsed.message ? shorten(parsed.message) : undefined;
  const kind = failureKind(null, parsed);
  const lead = leadFor(kind, parsed);
  return new ArceeError(kind, detail ? `${lead} (${detail})` : lead, { detail });
}

/** A limit in words: "300 ms" below a second, "1.5 s" or "30 s", "10 min" for whole minutes. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  const s = Math.round(ms / 100) / 10;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}

/**
 * How the caller names its limits, for "raise …": the extension names its settings, the terminal client its flags.
 * Each is a noun phrase ("the arcee.idleTimeoutMs setting", "--idle-timeout-ms").
 */
export interface TimeoutNames {
  firstByte: string;
  idle: string;
  /** The whole-request limit of a non-streamed request. */
  request: string;
}

export const DEFAULT_TIMEOUT_NAMES: TimeoutNames = {
  firstByte: 'the first-byte timeout',
  idle: 'the idle timeout',
  request: 'the request timeout',
};

/** A limit that ran out, in words that fit what was happening. */
export function timeoutError(
  which: 'first byte' | 'idle' | 'request',
  ms: number,
  host: string,
  names: TimeoutNames,
): ArceeError {
  const within = formatDuration(ms);
  const what =
    which === 'first byte'
      ? `${host} has not started to answer within ${within}. Try again, or raise ${names.firstByte}.`
      : which === 'idle'
        ? `${host} has not sent the next part of the answer within ${within}. Try again, or raise ${names.idle}.`
        : `${host} did not finish its answer within ${within}. Try again, or raise ${names.request}.`;
  return new ArceeError('timeout', what);
}

/**
 * How a person makes this program trust a certificate, for the TLS sentences: an imperative phrase around
 * `certificate` (a noun phrase such as "that authority's certificate").
 */
export type TrustAdvice = (certificate: string) => string;

/**
 * The extension's advice, the default: its requests go through VS Code's network stack, which trusts what the
 * operating system trusts. The terminal client passes its own (NODE_EXTRA_CA_CERTS).
 */
export const DEFAULT_TRUST_ADVICE: TrustAdvice = (certificate) =>
  `add ${certificate} to the operating system's trusted certificates (VS Code uses them while "http.systemCertificates" is on), then reload the window`;

/**
 * Describes a failed connection (DNS, refused, reset, a refused certificate, a proxy that would not pass it on) in
 * one sentence with what fixes it, without dumping a stack. A certificate or a proxy that failed once fails again,
 * so those are kinds of their own that are not retried.
 */
export function errorFromNetwork(err: unknown, host: string, trust: TrustAdvice = DEFAULT_TRUST_ADVICE): ArceeError {
  const code = networkCode(err);
  const proxy = proxyFailure(err);
  const tls = tlsFailure(err);
  const init = { cause: err, detail: tls?.code ?? code };
  if (proxy?.status !== undefined) {
    const label = statusLabel(proxy.status);
    // 407 is the standard answer; tinyproxy, for one, answers 401 to a wrong password.
    const message =
      proxy.status === 407 || proxy.status === 401
        ? `The proxy ${proxy.proxy} lets no request through without a valid user name and password (it answered ${label}): put them in the proxy URL, http://user:password@host:port.`
        : `The proxy ${proxy.proxy} did not open a connection to ${host} (it answered ${label}). Check the base URL, and whether ${host} should bypass the proxy.`;
    return new ArceeError('proxy', message, { ...init, status: proxy.status });
  }
  if (tls)
    return new ArceeError(
      'tls',
      tlsSentence(proxy ? `the proxy ${proxy.proxy}` : host, tls, proxy !== undefined, trust),
      init,
    );
  if (proxy) {
    const why =
      code === 'ECONNREFUSED'
        ? 'connection refused (is the proxy running?)'
        : code
          ? describeNetworkCode(code)
          : 'the connection failed';
    return new ArceeError('proxy', `Could not reach the proxy ${proxy.proxy}: ${why}. Check the proxy URL.`, init);
  }
  const why = code ? describeNetworkCode(code) : 'the connection failed';
  return new ArceeError(
    'network',
    `Could not reach ${host}: ${why}. Check the base URL and your network or proxy.`,
    init,
  );
}

/** One sentence per refused certificate, naming the problem, Node's code, and the fix. */
function tlsSentence(where: string, tls: TlsFailure, isProxy: boolean, trust: TrustAdvice): string {
  const reach = `Could not reach ${where}: its TLS certificate`;
  switch (tls.problem) {
    case 'unknown_ca':
      return `${reach} is signed by a certificate authority that is not trusted here (${tls.code}). If it is your organisation's own authority, ${trust("that authority's certificate")}.`;
    case 'self_signed':
      return `${reach} is self-signed (${tls.code}). If you trust that server, ${trust('its certificate')}.`;
    case 'expired':
      return `${reach} has expired (${tls.code}). Its owner must renew it; if it should still be valid, check this computer's date and time.`;
    case 'not_yet_valid':
      return `${reach} is not valid yet (${tls.code}): check this computer's date and time.`;
    case 'wrong_host': {
      const url = isProxy ? 'proxy URL' : 'base URL';
      return tls.names
        ? `${reach} is for other host names: ${shorten(tls.names, 120)} (${tls.code}). Use a ${url} with one of them.`
        : `${reach} is for other host names (${tls.code}). Use a ${url} with a name the certificate lists.`;
    }
  }
}

function describeNetworkCode(code: string): string {
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused (is the server running?)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host name not found';
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return 'the connection was reset';
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'connecting timed out';
    default:
      return code;
  }
}

/** Turns anything thrown into a message safe to show: never `[object Object]`. */
export function describeUnknownError(err: unknown): string {
  if (err instanceof Error) return redactSecrets(err.message || err.name);
  if (typeof err === 'string') return redactSecrets(err);
  const parsed = parseErrorPayload(err);
  if (parsed.message) return redactSecrets(parsed.message);
  try {
    return redactSecrets(shorten(JSON.stringify(err) ?? String(err)));
  } catch {
    return 'Unknown error';
  }
}
