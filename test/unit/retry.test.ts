import * as assert from 'node:assert/strict';
import { ArceeError, type ErrorKind } from '../../src/providers/errors';
import { RetryPolicy } from '../../src/providers/retry';

const err = (kind: ErrorKind, retryAfterMs: number | null = null): ArceeError =>
  new ArceeError(kind, kind, { retryAfterMs });

describe('RetryPolicy', () => {
  it('retries only rate limits, gateway, unavailable and network failures', () => {
    const p = new RetryPolicy({}, () => 0.5);
    for (const kind of ['rate_limit', 'gateway', 'unavailable', 'network'] as ErrorKind[]) {
      assert.notEqual(p.delayBeforeRetry(err(kind), 1, 0), null, kind);
    }
    for (const kind of [
      'auth',
      'permission',
      'payment',
      'not_found',
      'bad_request',
      'validation',
      'server',
      'timeout',
      'stream_error',
      'truncated',
      'cancelled',
    ] as ErrorKind[]) {
      assert.equal(p.delayBeforeRetry(err(kind), 1, 0), null, kind);
    }
  });

  it('stops after 3 attempts, and never allows more than 3', () => {
    const p = new RetryPolicy({ maxAttempts: 10 }, () => 0.5);
    assert.equal(p.maxAttempts, 3);
    assert.notEqual(p.delayBeforeRetry(err('gateway'), 2, 0), null);
    assert.equal(p.delayBeforeRetry(err('gateway'), 3, 0), null);
    assert.equal(new RetryPolicy({ maxAttempts: 1 }).delayBeforeRetry(err('gateway'), 1, 0), null);
  });

  it('backs off exponentially with jitter between half and the full step', () => {
    const lo = new RetryPolicy({ baseDelayMs: 1000 }, () => 0);
    const hi = new RetryPolicy({ baseDelayMs: 1000 }, () => 0.999999);
    assert.equal(lo.delayBeforeRetry(err('unavailable'), 1, 0), 500);
    assert.equal(hi.delayBeforeRetry(err('unavailable'), 1, 0), 1000);
    assert.equal(lo.delayBeforeRetry(err('unavailable'), 2, 0), 1000);
    assert.equal(hi.delayBeforeRetry(err('unavailable'), 2, 0), 2000);
  });

  it('honours a longer retry-after, not a shorter one', () => {
    const p = new RetryPolicy({ baseDelayMs: 1000 }, () => 0.5);
    assert.equal(p.delayBeforeRetry(err('rate_limit', 5000), 1, 0), 5000);
    assert.equal(p.delayBeforeRetry(err('rate_limit', 10), 1, 0), 750);
  });

  it('gives up when the total wait would pass its bound', () => {
    const p = new RetryPolicy({ maxTotalWaitMs: 4000 }, () => 0.5);
    assert.equal(p.delayBeforeRetry(err('rate_limit', 60_000), 1, 0), null);
    assert.equal(p.delayBeforeRetry(err('rate_limit', 3000), 2, 2000), null);
    assert.equal(p.delayBeforeRetry(err('rate_limit', 2000), 2, 2000), 2000);
  });
});
