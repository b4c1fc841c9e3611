import * as assert from 'node:assert/strict';
import {
  cleanLogprob,
  DEFAULT_TOP_LOGPROBS,
  endsOnCharBoundary,
  LogprobCompactor,
  logprobOverrides,
  logprobPlan,
  MAX_ALTERNATIVES,
  MIN_LOGPROB,
} from '../../src/chat/logprobs';
import type { LogprobEntry } from '../../src/providers/api';

const bytesOf = (s: string): number[] => Array.from(Buffer.from(s, 'utf8'));

describe('chat logprobs (host side)', () => {
  it('the toggle asks for logprobs with arcee.topLogprobs, else the default', () => {
    assert.deepEqual(logprobOverrides(undefined), { logprobs: true, top_logprobs: DEFAULT_TOP_LOGPROBS });
    assert.deepEqual(logprobOverrides(0), { logprobs: true, top_logprobs: 0 });
    assert.deepEqual(logprobOverrides(12), { logprobs: true, top_logprobs: 12 });
  });

  it('plan: the toggle asks and keeps; arcee.logprobs alone keeps (the request already asks); neither does nothing', () => {
    assert.deepEqual(logprobPlan(true, { requestDefaults: {}, topLogprobs: 3 }), {
      keep: true,
      overrides: { logprobs: true, top_logprobs: 3 },
    });
    assert.deepEqual(logprobPlan(false, { requestDefaults: { logprobs: true, top_logprobs: 2 } }), {
      keep: true,
      overrides: {},
    });
    assert.deepEqual(logprobPlan(false, { requestDefaults: {} }), { keep: false, overrides: {} });
  });

  it('cleans logprobs: finite, at most 0, rounded; -Infinity and junk become the floor', () => {
    assert.equal(cleanLogprob(-0.123456789), -0.1235);
    assert.equal(cleanLogprob(0.2), 0);
    assert.equal(cleanLogprob(-Infinity), MIN_LOGPROB);
    assert.equal(cleanLogprob(Number.NaN), MIN_LOGPROB);
    assert.equal(cleanLogprob('x'), MIN_LOGPROB);
    assert.equal(cleanLogprob(-5000), MIN_LOGPROB);
    // What is stored survives JSON (which has no -Infinity).
    assert.equal(JSON.parse(JSON.stringify(cleanLogprob(-Infinity))), MIN_LOGPROB);
  });

  it('knows when bytes end on a UTF-8 character boundary', () => {
    assert.equal(endsOnCharBoundary(bytesOf('abc')), true);
    assert.equal(endsOnCharBoundary(bytesOf('é👋')), true);
    assert.equal(endsOnCharBoundary(bytesOf('👋').slice(0, 2)), false);
    assert.equal(endsOnCharBoundary(bytesOf('é').slice(0, 1)), false);
    assert.equal(endsOnCharBoundary([]), true);
  });

  it('compacts entries: token, logprob, capped alternatives; no bytes needed', () => {
    const top = Array.from({ length: 15 }, (_, i) => ({ token: `t${i}`, logprob: -i - 0.5, bytes: null }));
    const out = new LogprobCompactor().push([
      { token: 'Hello', logprob: -0.01, bytes: bytesOf('Hello'), top_logprobs: top },
      { token: ' world', logprob: -Infinity, bytes: null },
      { token: '', logprob: -0.2 },
    ]);
    assert.equal(out.length, 3);
    assert.deepEqual(out[0].token, 'Hello');
    assert.equal(out[0].logprob, -0.01);
    assert.equal(out[0].top?.length, MAX_ALTERNATIVES);
    assert.deepEqual(out[0].top?.[1], { token: 't1', logprob: -1.5 });
    assert.deepEqual(out[1], { token: ' world', logprob: MIN_LOGPROB });
    assert.deepEqual(out[2], { token: '', logprob: -0.2 });
  });

  it('joins byte pieces of one character (also across chunks): decoded text, summed logprob, first alternatives', () => {
    const wave = bytesOf('👋');
    const c = new LogprobCompactor();
    const first = c.push([
      { token: ' ', logprob: -0.1, bytes: [32] },
      {
        token: '\\xf0\\x9f',
        logprob: -0.5,
        bytes: wave.slice(0, 2),
        top_logprobs: [
          { token: '\\xf0\\x9f', logprob: -0.5, bytes: wave.slice(0, 2) },
          { token: '!', logprob: -1, bytes: [33] },
        ],
      },
    ]);
    assert.deepEqual(
      first.map((v) => v.token),
      [' '],
      'the half character waits',
    );
    const second = c.push([
      { token: '\\x91\\x8b', logprob: -0.25, bytes: wave.slice(2) },
      { token: ' ok', logprob: 0, bytes: bytesOf(' ok') },
    ]);
    assert.deepEqual(
      second.map((v) => v.token),
      ['👋', ' ok'],
    );
    assert.equal(second[0].logprob, -0.75);
    // An alternative that is itself a partial character shows as sent.
    assert.deepEqual(second[0].top, [
      { token: '\\xf0\\x9f', logprob: -0.5 },
      { token: '!', logprob: -1 },
    ]);
    assert.deepEqual(c.flush(), []);
  });

  it('prefers the decoded bytes over the token string (byte-level BPE spellings)', () => {
    const [v] = new LogprobCompactor().push([{ token: 'Ġhello', logprob: -1, bytes: bytesOf(' hello') }]);
    assert.equal(v.token, ' hello');
  });

  it('a character never completed is emitted at the end, and a token without bytes closes the group', () => {
    const c = new LogprobCompactor();
    assert.deepEqual(c.push([{ token: 'x1', logprob: -1, bytes: [0xe2, 0x82] }]), []);
    const out = c.push([{ token: 'next', logprob: -2, bytes: null }]);
    assert.equal(out.length, 2);
    assert.equal(out[0].logprob, -1);
    assert.equal(out[1].token, 'next');
    assert.deepEqual(c.push([{ token: 'x2', logprob: -3, bytes: [0xf0] }]), []);
    const end = c.flush();
    assert.equal(end.length, 1);
    assert.equal(end[0].logprob, -3);
  });

  it('ignores malformed entries and alternatives', () => {
    const out = new LogprobCompactor().push([
      null as unknown as LogprobEntry,
      {
        token: 'a',
        logprob: -1,
        bytes: [300] as number[],
        top_logprobs: [null, { token: 5 }, { token: 'b', logprob: -2 }] as unknown as LogprobEntry[],
      },
    ]);
    assert.deepEqual(out, [{ token: 'a', logprob: -1, top: [{ token: 'b', logprob: -2 }] }]);
  });
});
