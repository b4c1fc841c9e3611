/**
 * Reading what a server said about a failure: the status, the error body in any of the shapes the platform
 * notes list, `Retry-After`, and which kind of failure it is. No sentences here: errors.ts words them.
 */
import type { ErrorKind } from './errors';

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

/** OpenAI's codes for "no credits left", whatever the status (it sends them with 429). */
const PAYMENT_CODES: ReadonlySet<string> = new Set(['insufficient_quota', 'billing_hard_limit_reached']);

/** Maps an HTTP status (and the server's error code) to a kind. */
export function kindForStatus(status: number, code?: string): ErrorKind {
  if (code !== undefined && PAYMENT_CODES.has(code)) return 'payment';
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

export function looksLikeHtml(body: string, contentType: string): boolean {
  if (/text\/html|application\/xhtml/i.test(contentType)) return true;
  const head = body.trimStart().slice(0, 200).toLowerCase();
  return head.startsWith('<!doctype') || head.startsWith('<html') || /^<(head|body|title|center|h1)\b/.test(head);
}

export function isRecord(v: unknown): v is Record<string, unknown> {
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

/** An HTTP error status carried in an error body's `code` (llama.cpp and vLLM put one in errors they stream). */
function statusInCode(code: string | undefined): number | undefined {
  return code !== undefined && /^[45]\d\d$/.test(code) ? Number(code) : undefined;
}

/**
 * The kind of a failure, decided the same way for an HTTP error answer and for an error inside a 200 stream
 * (`status` null): the server's code first, then the HTTP status, or the status an in-stream error carries in
 * its `code`. An in-stream error that says neither is a `stream_error`.
 */
export function failureKind(status: number | null, parsed: ParsedErrorBody): ErrorKind {
  if (parsed.code !== undefined && PAYMENT_CODES.has(parsed.code)) return 'payment';
  const effective = status ?? statusInCode(parsed.code);
  return effective === undefined ? 'stream_error' : kindForStatus(effective, parsed.code);
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

/** What a failed connection's error code is (DNS, refused, reset, TLS), looking through `cause`s. */
export function networkCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 4 && isRecord(e); depth++) {
    if (typeof e.code === 'string' && /^[A-Z_]+$/.test(e.code)) return e.code;
    e = e.cause;
  }
  return undefined;
}
