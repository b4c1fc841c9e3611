/**
 * What a caller configures on the client (server, key, limits and how they are named, retries) and the defaults.
 */
import { DEFAULT_TIMEOUT_NAMES, type TimeoutNames, type TrustAdvice } from './errors';
import { DEFAULT_FIRST_BYTE_TIMEOUT_MS, DEFAULT_IDLE_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS } from './timeouts';
import type { RetryInfo, RetryPolicy } from './retry';

export interface ClientLogger {
  info(message: string): void;
  debug(message: string): void;
  warn(message: string): void;
}

export interface ClientConfig {
  baseUrl: string;
  /** Empty for servers that need no key (a local llama.cpp). */
  apiKey?: string;
  /**
   * The origin (scheme, host and port) the key was entered for; the key goes to no other, not even on a redirect.
   * Default: the base URL's origin.
   */
  keyOrigin?: string;
  headers?: Record<string, string>;
  /** From sending the request to the first byte of the answer. */
  firstByteTimeoutMs?: number;
  /** Longest silence between two chunks of an answer. */
  idleTimeoutMs?: number;
  /**
   * A non-streamed chat request's limit for the whole answer: the server sends nothing until it has finished, so
   * neither the first-byte nor the idle limit fits it. Default 10 minutes, never below the first-byte timeout.
   */
  requestTimeoutMs?: number;
  /** How the caller names these limits in its messages ("raise …"): settings, flags. Defaults are generic. */
  timeoutNames?: Partial<TimeoutNames>;
  retry?: Partial<RetryPolicy>;
  /** How the caller's user trusts a certificate, for the TLS sentences; default the extension's (errors.ts). */
  trustAdvice?: TrustAdvice;
  userAgent?: string;
  logger?: ClientLogger;
  /** Makes every request (chat, /models, /usage/credits); default the global fetch. */
  fetch?: typeof fetch;
  /** For tests: how to wait between retries. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  random?: () => number;
  now?: () => number;
}

export interface RequestOptions {
  signal: AbortSignal;
  onRetry?: (info: RetryInfo) => void;
}

export { DEFAULT_FIRST_BYTE_TIMEOUT_MS, DEFAULT_IDLE_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS };

/** The limits a client enforces, resolved from its config. */
export interface Timeouts {
  firstByteMs: number;
  idleMs: number;
  requestMs: number;
  names: TimeoutNames;
}

export function resolveTimeouts(
  config: Pick<ClientConfig, 'firstByteTimeoutMs' | 'idleTimeoutMs' | 'requestTimeoutMs' | 'timeoutNames'>,
): Timeouts {
  const firstByteMs = config.firstByteTimeoutMs ?? DEFAULT_FIRST_BYTE_TIMEOUT_MS;
  return {
    firstByteMs,
    idleMs: config.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
    requestMs: config.requestTimeoutMs ?? Math.max(DEFAULT_REQUEST_TIMEOUT_MS, firstByteMs),
    names: { ...DEFAULT_TIMEOUT_NAMES, ...config.timeoutNames },
  };
}
