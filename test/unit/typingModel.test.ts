import * as assert from 'node:assert/strict';
import { applyKeys, pickRegion, TYPING_DEFAULTS, typingKeys } from '../bench/typingModel';

const CODE = [
  'export function delayBeforeRetry(error: ArceeError, attempt: number): number | null {',
  '  if (!RetryPolicy.isRetryable(error) || attempt >= this.maxAttempts) return null;',
  '  const backoff = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempt - 1));',
  '  // Jitter: up to a quarter either way — naïve über → ok 👍',
  '\treturn Math.round(backoff * (0.75 + this.random() * 0.5));',
  '}',
].join('\n');

describe('completions bench: typing model', () => {
  it('types exactly the text, typos erased, deterministic for a seed', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const keys = typingKeys(CODE, seed);
      assert.equal(applyKeys(keys), CODE, `seed ${seed}`);
      assert.deepEqual(typingKeys(CODE, seed), keys);
    }
    assert.notDeepEqual(typingKeys(CODE, 1), typingKeys(CODE, 2));
  });

  it('keeps every gap within the model’s bounds, with bursts, longer gaps and pauses', () => {
    const all = Array.from({ length: 20 }, (_, i) => typingKeys(CODE, i + 1)).flat();
    const lo = Math.min(
      ...Object.values(TYPING_DEFAULTS)
        .filter(Array.isArray)
        .map((r: number[]) => r[0]),
    );
    const hi = Math.max(
      ...Object.values(TYPING_DEFAULTS)
        .filter(Array.isArray)
        .map((r: number[]) => r[1]),
    );
    for (const k of all) assert.ok(k.delayMs >= lo && k.delayMs <= hi, `${k.delayMs} ms`);
    const text = all.filter((k) => k.kind === 'text');
    assert.ok(text.filter((k) => k.delayMs <= 120).length > text.length / 2, 'mostly bursts');
    assert.ok(
      text.some((k) => k.delayMs >= 400),
      'some pauses to think',
    );
    assert.ok(
      all.some((k) => k.kind === 'typo'),
      'some typos',
    );
  });

  it('brings the next line’s indentation with Enter, and never splits a surrogate pair', () => {
    const keys = typingKeys(CODE, 3).filter((k) => k.kind === 'text');
    assert.ok(keys.some((k) => k.text === '\n  '));
    assert.ok(keys.some((k) => k.text === '\n\t'));
    assert.ok(keys.some((k) => k.text === '👍'));
    assert.ok(keys.every((k) => k.text.length === 1 || k.text.startsWith('\n') || k.text === '👍'));
  });

  it('picks a region of whole lines from a non-blank line, deterministic for a seed', () => {
    const text = Array.from({ length: 60 }, (_, i) => (i % 7 === 3 ? '' : `    line ${i} of the file;`)).join('\n');
    for (let seed = 1; seed <= 30; seed++) {
      const r = pickRegion(text, seed);
      assert.deepEqual(pickRegion(text, seed), r);
      assert.ok(r.start < r.end && r.end <= text.length);
      assert.notEqual(text[r.start], ' ', 'starts after the indentation');
      assert.ok(r.end === text.length || text[r.end] === '\n', 'ends at a line end');
      assert.ok(text.slice(r.start, r.end).split('\n').length <= 8);
    }
  });
});
