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
  407: 'Proxy Authentication Required',
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
  /** llama.cpp's `n_prompt_tokens` and `n_ctx`, sent with a context overflow. */
  promptTokens?: number;
  contextTokens?: number;
}

const count = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined;

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
    const code =
      typeof error.code === 'string' ? error.code : typeof error.code === 'number' ? String(error.code) : undefined;
    const type = typeof error.type === 'string' ? error.type : undefined;
    const msg = typeof error.message === 'string' && error.message.trim() ? error.message : undefined;
    const parsed: ParsedErrorBody = { message: msg ?? code ?? type, code, type };
    const promptTokens = count(error.n_prompt_tokens);
    const contextTokens = count(error.n_ctx);
    if (promptTokens !== undefined) parsed.promptTokens = promptTokens;
    if (contextTokens !== undefined) parsed.contextTokens = contextTokens;
    return parsed;
  }
  if (typeof error === 'string' && error.trim()) return { message: error };
  if (typeof message === 'string' && message.trim()) return { message };
  return {};
}

/** What a context-overflow error says about the sizes involved, in tokens; each part only when the server said it. */
export interface ContextOverflow {
  /** The prompt (or the whole request, when the server does not split it). */
  requestTokens?: number;
  contextTokens?: number;
  /** Room asked for the answer (`max_tokens`), when the server names it apart. */
  answerTokens?: number;
}

/** Error codes and types of a request that does not fit the context: OpenAI and vLLM, llama.cpp, LiteLLM. */
const OVERFLOW_CODES: ReadonlySet<string> = new Set([
  'context_length_exceeded',
  'exceed_context_size_error',
  'ContextWindowExceededError',
]);

/**
 * The wordings of servers that send no such code (vLLM, Arcee's LiteLLM, Anthropic behind a proxy, SGLang,
 * Mistral). Arcee's own wording is not documented: its FastAPI `detail` passes on what LiteLLM and vLLM said.
 */
const OVERFLOW_TEXT =
  /ContextWindowExceeded|context[ _](?:length|window)[ _]exceeded|maximum context length|exceeds? the (?:available |maximum )?context|longer than the model's (?:maximum )?context|prompt is too long: \d|too large for model with \d+ maximum context/i;

const int = (s: string | undefined): number | undefined =>
  s === undefined ? undefined : count(Number(s.replace(/,/g, '')));
const N = '(\\d[\\d,]*)';

/** Sizes in the servers' sentences, each pattern with what its numbers are. */
const OVERFLOW_NUMBERS: { re: RegExp; parts: (keyof ContextOverflow)[] }[] = [
  // llama.cpp: "request (3031 tokens) exceeds the available context size (2048 tokens)"
  {
    re: new RegExp(`request \\(${N} tokens\\) exceeds the available context size \\(${N} tokens\\)`),
    parts: ['requestTokens', 'contextTokens'],
  },
  // OpenAI and vLLM: "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens."
  { re: new RegExp(`maximum context length is ${N} tokens`), parts: ['contextTokens'] },
  {
    re: new RegExp(
      `(?:you requested|messages resulted in|request has|prompt contains at least) ${N}(?: input)? tokens`,
    ),
    parts: ['requestTokens'],
  },
  // vLLM: "you requested 5000 tokens (4000 in the messages, 1000 in the completion)"
  { re: new RegExp(`${N} in the messages, ${N} in the completion`), parts: ['requestTokens', 'answerTokens'] },
  // vLLM: "'max_tokens' or 'max_completion_tokens' is too large: 8000." / "you requested 1000 output tokens"
  {
    re: new RegExp(`max_tokens'? .*?is too large: ${N}|you requested ${N} output tokens`),
    parts: ['answerTokens', 'answerTokens'],
  },
  // Anthropic: "prompt is too long: 210000 tokens > 200000 maximum"
  { re: new RegExp(`prompt is too long: ${N} tokens > ${N} maximum`), parts: ['requestTokens', 'contextTokens'] },
  // SGLang: "The input (5000 tokens) is longer than the model's context length (4096 tokens)"
  {
    re: new RegExp(`input \\(${N} tokens\\) is longer than the model's context length \\(${N} tokens\\)`),
    parts: ['requestTokens', 'contextTokens'],
  },
  // Mistral: "Prompt contains 40000 tokens and 0 draft tokens, too large for model with 32768 maximum context length"
  {
    re: new RegExp(`Prompt contains ${N} tokens.*?too large for model with ${N} maximum context`),
    parts: ['requestTokens', 'contextTokens'],
  },
];

/** The sizes of a context overflow, or undefined when the error is something else. */
export function contextOverflow(parsed: ParsedErrorBody): ContextOverflow | undefined {
  const message = parsed.message ?? '';
  const coded = [parsed.code, parsed.type].some((c) => c !== undefined && OVERFLOW_CODES.has(c));
  if (!coded && !OVERFLOW_TEXT.test(message)) return undefined;
  const out: ContextOverflow = {};
  for (const { re, parts } of OVERFLOW_NUMBERS) {
    const m = re.exec(message);
    if (!m) continue;
    parts.forEach((part, i) => {
      const n = int(m[i + 1]);
      if (n !== undefined) out[part] = n;
    });
  }
  if (parsed.promptTokens !== undefined) out.requestTokens = parsed.promptTokens;
  if (parsed.contextTokens !== undefined) out.contextTokens = parsed.contextTokens;
  return out;
}

/** Statuses that say something more specific than an overflow could (a key, credits, a model, a rate limit). */
const NOT_OVERFLOW_STATUSES: ReadonlySet<number> = new Set([401, 402, 403, 404, 429]);

/** An HTTP error status carried in an error body's `code` (llama.cpp and vLLM put one in errors they stream). */
function statusInCode(code: string | undefined): number | undefined {
  return code !== undefined && /^[45]\d\d$/.test(code) ? Number(code) : undefined;
}

/**
 * The kind of a failure, decided the same way for an HTTP error answer and for an error inside a 200 stream
 * (`status` null): credits first, then a context overflow (by code, type or wording), then the HTTP status, or the
 * status an in-stream error carries in its `code`. An in-stream error that says none of these is a `stream_error`.
 */
export function failureKind(status: number | null, parsed: ParsedErrorBody): ErrorKind {
  if (parsed.code !== undefined && PAYMENT_CODES.has(parsed.code)) return 'payment';
  const effective = status ?? statusInCode(parsed.code);
  // A request too large for the context is its own kind whatever status carried it (400, 413, a proxy's 500).
  if ((effective === undefined || !NOT_OVERFLOW_STATUSES.has(effective)) && contextOverflow(parsed))
    return 'context_overflow';
  return effective === undefined ? 'stream_error' : kindForStatus(effective, parsed.code);
}

/**
 * Parses `retry-after-ms`, `Retry-After` in seconds, or `Retry-After` as an HTTP date. Returns ms to wait, or null.
 */
export function parseRetryAfter(
  headers: { get(name: string): string | null },
  now: number = Date.now(),
): number | null {
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

/**
 * A failure at the proxy rather than at the server, as a fetch that knows its proxy reports it (the terminal
 * client's, src/cli/network.ts): the proxy refused the connection or could not be reached (`cause` says why), or it
 * answered the tunnel request (CONNECT) with `status`. `proxy` is the proxy's host and port only, never the user
 * and password a proxy URL may hold.
 */
export class ProxyFailure extends Error {
  override readonly name = 'ProxyFailure';

  constructor(
    readonly proxy: string,
    readonly status: number | undefined,
    options: { cause?: unknown } = {},
  ) {
    super(
      status === undefined ? `no connection to the proxy ${proxy}` : `the proxy ${proxy} answered ${status}`,
      options,
    );
  }
}

/** The ProxyFailure among an error and its `cause`s, if there is one. */
export function proxyFailure(err: unknown): ProxyFailure | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 4 && isRecord(e); depth++) {
    if (e instanceof ProxyFailure) return e;
    e = e.cause;
  }
  return undefined;
}

/** A certificate the TLS handshake refused, by what fixes it. */
export type TlsProblem = 'self_signed' | 'unknown_ca' | 'expired' | 'not_yet_valid' | 'wrong_host';

/**
 * Node's (OpenSSL's) codes for a refused server certificate. A chain that ends in a self-signed root nobody here
 * trusts (SELF_SIGNED_CERT_IN_CHAIN, what a TLS-inspecting proxy sends) is an unknown authority, like a missing
 * issuer: trusting that root fixes both. Only a certificate that signed itself is `self_signed`.
 */
const TLS_PROBLEMS: ReadonlyMap<string, TlsProblem> = new Map([
  ['DEPTH_ZERO_SELF_SIGNED_CERT', 'self_signed'],
  ['SELF_SIGNED_CERT_IN_CHAIN', 'unknown_ca'],
  ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'unknown_ca'],
  ['UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'unknown_ca'],
  ['UNABLE_TO_GET_ISSUER_CERT', 'unknown_ca'],
  ['CERT_HAS_EXPIRED', 'expired'],
  ['CERT_NOT_YET_VALID', 'not_yet_valid'],
  ['ERR_TLS_CERT_ALTNAME_INVALID', 'wrong_host'],
]);

export interface TlsFailure {
  problem: TlsProblem;
  /** Node's code, e.g. `UNABLE_TO_VERIFY_LEAF_SIGNATURE`. */
  code: string;
  /** For `wrong_host`: the names the certificate is for (`DNS:other.example, IP Address:10.0.0.1`), when known. */
  names?: string;
}

/**
 * The refused certificate behind a failed request (`TypeError: fetch failed` whose `cause` is Node's TLS error),
 * looking through every `cause`: undici wraps some in errors with codes of their own (UND_ERR_PRX_TLS).
 */
export function tlsFailure(err: unknown): TlsFailure | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 4 && isRecord(e); depth++) {
    const problem = typeof e.code === 'string' ? TLS_PROBLEMS.get(e.code) : undefined;
    if (problem && typeof e.code === 'string') {
      const names = isRecord(e.cert) && typeof e.cert.subjectaltname === 'string' ? e.cert.subjectaltname : undefined;
      return { problem, code: e.code, ...(problem === 'wrong_host' && names ? { names } : {}) };
    }
    e = e.cause;
  }
  return undefined;
}
