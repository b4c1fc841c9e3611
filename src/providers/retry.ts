/**
 * When to retry and how long to wait: rate limits (not exhausted credits), 502/503/504 and failed connections,
 * always before any answer byte arrived. Exponential backoff with jitter; a server's retry-after wins when it is
 * longer. Attempts and total waiting are both bounded.
 */
import type { ArceeError, ErrorKind } from './errors';

export interface RetryInfo {
  /** The attempt about to be made (2 = first retry). */
  attempt: number;
  maxAttempts: number;
  delayMs: number;
  error: ArceeError;
}

const RETRYABLE: ReadonlySet<ErrorKind> = new Set<ErrorKind>(['rate_limit', 'gateway', 'unavailable', 'network']);

export class RetryPolicy {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** The most time spent waiting across all retries of one request. */
  readonly maxTotalWaitMs: number;

  constructor(
    init: Partial<Pick<RetryPolicy, 'maxAttempts' | 'baseDelayMs' | 'maxDelayMs' | 'maxTotalWaitMs'>> = {},
    private readonly random: () => number = Math.random,
  ) {
    this.maxAttempts = Math.max(1, Math.min(3, Math.floor(init.maxAttempts ?? 3)));
    this.baseDelayMs = init.baseDelayMs ?? 500;
    this.maxDelayMs = init.maxDelayMs ?? 8_000;
    this.maxTotalWaitMs = init.maxTotalWaitMs ?? 30_000;
  }

  static isRetryable(error: ArceeError): boolean {
    return RETRYABLE.has(error.kind);
  }

  /**
   * Milliseconds to wait before attempt `attempt + 1`, or null when the error must be thrown: not retryable,
   * out of attempts, or the wait would pass the total bound.
   */
  delayBeforeRetry(error: ArceeError, attempt: number, waitedMs: number): number | null {
    if (!RetryPolicy.isRetryable(error) || attempt >= this.maxAttempts) return null;
    const exp = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempt - 1));
    // "Equal jitter": at least half the backoff, so retries of many clients spread without collapsing to zero.
    const backoff = Math.round(exp / 2 + (exp / 2) * this.random());
    const delay = error.retryAfterMs !== null ? Math.max(error.retryAfterMs, backoff) : backoff;
    if (waitedMs + delay > this.maxTotalWaitMs) return null;
    return delay;
  }
}
