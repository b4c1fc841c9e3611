/**
 * The one error type of the model side, and every sentence a person reads about a failure.
 * Messages never contain HTML, `[object Object]`, or anything that looks like an API key.
 */
import type { ChatResult } from './api';

export type ErrorKind =
  | 'auth'
  | 'permission'
  | 'payment'
  | 'not_found'
  | 'bad_request'
  | 'validation'
  | 'rate_limit'
  | 'server'
  | 'unavailable'
  | 'gateway'
  | 'network'
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
    out = out.replace(pattern, (_m, bearer?: string) => (typeof bearer === 'string' ? `${bearer}[redacted]` : '[redacted]'));
  }
  return out;
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Payload Too Large',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export function statusLabel(status: number): string {
  const text = STATUS_TEXT[status];
  return text ? `${status} ${text}` : String(status);
}

/** Maps an HTTP status (and the server's error code) to a kind. */
export function kindForStatus(status: number, code?: string): ErrorKind {
  if (code === 'insufficient_quota' || code === 'billing_hard_limit_reached') return 'payment';
  switch (status) {
    case 400:
      return 'bad_request';
    case 401:
      return 'auth';
    case 402:
      return 'payment';
    case 403:
      return 'permission';
    case 404:
      return 'not_found';
    case 422:
      return 'validation';
    case 429:
      return 'rate_limit';
    case 502:
    case 504:
      return 'gateway';
    case 503:
      return 'unavailable';
    default:
      return status >= 500 ? 'server' : 'bad_request';
  }
}

const MAX_DETAIL = 300;

/** Collapses whitespace and cuts a server text short for a message. */
export function shorten(text: string, max = MAX_DETAIL): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function looksLikeHtml(body: string, contentType: string): boolean {
  if (/text\/html|application\/xhtml/i.test(contentType)) return true;
  const head = body.trimStart().slice(0, 200).toLowerCase();
  return head.startsWith('<!doctype') || head.startsWith('<html') || /^<(head|body|title|center|h1)\b/.test(head);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A FastAPI 422 entry: `{loc: [...], msg, type}` → "body.temperature: Input should be ≤ 2". */
function describeValidationItem(item: unknown): string | undefined {
  if (typeof item === 'string') return item;
  if (!isRecord(item)) return undefined;
  const msg = typeof item.msg === 'string' ? item.msg : typeof item.message === 'string' ? item.message : undefined;
  if (!msg) return undefined;
  const loc = Array.isArray(item.loc)
    ? item.loc.filter((p) => typeof p === 'string' || typeof p === 'number').join('.')
    : '';
  return loc ? `${loc}: ${msg}` : msg;
}

export interface ParsedErrorBody {
  message?: string;
  code?: string;
  type?: string;
}

/**
 * Pulls the human message out of any error body shape the platform notes list: `detail` (string or a 422
 * list), OpenAI's `{error: {message, code}}`, `{error: "…"}`, `{message}`. Returns nothing for unknown shapes.
 */
export function parseErrorPayload(payload: unknown): ParsedErrorBody {
  if (typeof payload === 'string') return payload.trim() ? { message: payload } : {};
  if (!isRecord(payload)) return {};
  const { detail, error, message } = payload;
  if (typeof detail === 'string' && detail.trim()) return { message: detail };
  if (Array.isArray(detail)) {
    const parts = detail.map(describeValidationItem).filter((s): s is string => !!s);
    if (parts.length) return { message: parts.join('; ') };
  }
  if (isRecord(detail)) {
    const inner = parseErrorPayload(detail);
    if (inner.message) return inner;
  }
  if (isRecord(error)) {
    const code = typeof error.code === 'string' ? error.code : typeof error.code === 'number' ? String(error.code) : undefined;
    const type = typeof error.type === 'string' ? error.type : undefined;
    const msg = typeof error.message === 'string' && error.message.trim() ? error.message : undefined;
    return { message: msg ?? code ?? type, code, type };
  }
  if (typeof error === 'string' && error.trim()) return { message: error };
  if (typeof message === 'string' && message.trim()) return { message };
  return {};
}

/** What to say first for each kind; the server's words follow. */
const LEAD: Record<ErrorKind, string> = {
  auth: 'The API key is missing or was not accepted. Set one with "Arcee: Set API Key".',
  permission: 'This API key may not use this model or endpoint.',
  payment: 'Your Arcee credits are used up. Add credits on the billing page, then try again.',
  not_found: 'The server has no such model or endpoint. Check the model id and the base URL.',
  bad_request: 'The server rejected the request as malformed.',
  validation: 'The server rejected some request parameters.',
  rate_limit: 'Rate limited: too many requests or tokens for this key right now.',
  server: 'The server failed while answering.',
  unavailable: 'The server is overloaded or unavailable right now.',
  gateway: 'A gateway in front of the server failed.',
  network: 'Could not reach the server.',
  timeout: 'The server took too long to answer.',
  stream_error: 'The server reported an error in the middle of the answer.',
  truncated: 'The answer was cut off before it finished.',
  cancelled: 'Cancelled.',
};

export function leadSentence(kind: ErrorKind): string {
  return LEAD[kind];
}

/**
 * Parses `retry-after-ms`, `Retry-After` in seconds, or `Retry-After` as an HTTP date. Returns ms to wait, or null.
 */
export function parseRetryAfter(headers: { get(name: string): string | null }, now: number = Date.now()): number | null {
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '') {
    const n = Number(ms);
    if (Number.isFinite(n) && n >= 0) return Math.round(n);
  }
  const ra = headers.get('retry-after');
  if (ra === null || ra.trim() === '') return null;
  const secs = Number(ra);
  if (Number.isFinite(secs)) return secs >= 0 ? Math.round(secs * 1000) : null;
  const date = Date.parse(ra);
  if (Number.isNaN(date)) return null;
  return Math.max(0, date - now);
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
    return new ArceeError(kind, `${LEAD[kind]} ${host} answered ${label} with an HTML page instead of an API response.`, {
      status,
      retryAfterMs,
    });
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
  const kind = kindForStatus(status, parsed.code);
  const detail = parsed.message ? shorten(parsed.message) : undefined;
  let lead = LEAD[kind];
  // FastAPI's bare 404 means the path does not exist: the base URL is wrong, not the model.
  if (status === 404 && (detail === 'Not Found' || detail === undefined)) {
    lead = `${host} has no such endpoint. Check the base URL (for Arcee: https://api.arcee.ai/api/v1).`;
  }
  const message = detail ? `${lead} (${label}: ${detail})` : `${lead} (${host} answered ${label})`;
  return new ArceeError(kind, message, { status, retryAfterMs, detail });
}

/** An error that arrived inside a 200 stream: `{"error": …}` or `event: error`. */
export function errorFromStreamPayload(payload: unknown): ArceeError {
  const parsed = parseErrorPayload(isRecord(payload) && 'error' in payload ? payload : { error: payload });
  const detail = parsed.message ? shorten(parsed.message) : undefined;
  const codeKind = parsed.code === 'insufficient_quota' ? 'payment' : undefined;
  const kind: ErrorKind = codeKind ?? 'stream_error';
  return new ArceeError(kind, detail ? `${LEAD[kind]} (${detail})` : LEAD[kind], { detail });
}

/** Describes a failed connection (DNS, refused, reset, TLS) without dumping a stack. */
export function errorFromNetwork(err: unknown, host: string): ArceeError {
  const code = networkCode(err);
  const why = code ? describeNetworkCode(code) : 'the connection failed';
  return new ArceeError('network', `Could not reach ${host}: ${why}. Check the base URL and your network or proxy.`, {
    cause: err,
    detail: code,
  });
}

function networkCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 4 && isRecord(e); depth++) {
    if (typeof e.code === 'string' && /^[A-Z_]+$/.test(e.code)) return e.code;
    e = e.cause;
  }
  return undefined;
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
    case 'CERT_HAS_EXPIRED':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
      return `the TLS certificate was not accepted (${code})`;
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
