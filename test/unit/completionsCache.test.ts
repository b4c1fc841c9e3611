import * as assert from 'node:assert/strict';
import { SuggestionCache } from '../../src/completions/cache';
import { MinuteCap } from '../../src/completions/rateLimit';

describe('completions: suggestion cache', () => {
  const doc = 'file:///a.ts';
  const prefix = 'function f() {\n  const total = ';
  const suffix = '\n}\n';
  const make = (): SuggestionCache => {
    const c = new SuggestionCache();
    c.put(doc, prefix, suffix, 'items.length;');
    return c;
  };

  it('serves the whole suggestion at the same cursor', () => {
    assert.deepEqual(make().get(doc, prefix, suffix), { text: 'items.length;', via: 'same' });
  });

  it('serves the rest while the user types what the suggestion shows', () => {
    const c = make();
    assert.deepEqual(c.get(doc, prefix + 'i', suffix), { text: 'tems.length;', via: 'typed' });
    assert.deepEqual(c.get(doc, prefix + 'items.len', suffix), { text: 'gth;', via: 'typed' });
  });

  it('misses once the typed text differs, or the whole suggestion was typed', () => {
    const c = make();
    assert.equal(c.get(doc, prefix + 'x', suffix), undefined);
    assert.equal(c.get(doc, prefix + 'items.length;', suffix), undefined);
  });

  it('serves more after backspacing within the cursor line, never across a line break', () => {
    const c = make();
    assert.deepEqual(c.get(doc, prefix.slice(0, -2), suffix), { text: '= items.length;', via: 'backspaced' });
    const atLineStart = 'function f() {\n';
    const c2 = new SuggestionCache();
    c2.put(doc, atLineStart + '  ', suffix, 'return 1;');
    assert.deepEqual(c2.get(doc, atLineStart + ' ', suffix), { text: ' return 1;', via: 'backspaced' });
    assert.equal(c2.get(doc, atLineStart.slice(0, -1), suffix), undefined, 'the line break was deleted');
  });

  it('misses when the text before the suggestion or after the cursor changed, or in another document', () => {
    const c = make();
    assert.equal(c.get(doc, prefix.replace('total', 'count'), suffix), undefined);
    assert.equal(c.get(doc, prefix + 'i', ')' + suffix), undefined);
    assert.equal(c.get('file:///b.ts', prefix, suffix), undefined);
  });

  it('compares only a tail and a head, so a long document costs the same (and a change far above is ignored)', () => {
    const far = 'x'.repeat(100_000);
    const c = new SuggestionCache();
    c.put(doc, far + prefix, suffix + far, 'items.length;');
    assert.deepEqual(c.get(doc, 'y' + far.slice(1) + prefix + 'it', suffix + far), {
      text: 'ems.length;',
      via: 'typed',
    });
  });

  it('keeps the most recently used entries up to its capacity, and clears per document or all', () => {
    const c = new SuggestionCache(2);
    c.put(doc, 'a', '', 'one');
    c.put(doc, 'b', '', 'two');
    assert.ok(c.get(doc, 'a', ''), 'a is used, so b is the oldest');
    c.put(doc, 'cc', '', 'three');
    assert.equal(c.size, 2);
    assert.equal(c.get(doc, 'b', ''), undefined);
    assert.ok(c.get(doc, 'a', ''));
    c.put('file:///other', 'a', '', 'x');
    c.clear(doc);
    assert.equal(c.size, 1);
    c.clear();
    assert.equal(c.size, 0);
  });

  it('ignores empty suggestions and replaces an entry for the same cursor', () => {
    const c = new SuggestionCache();
    c.put(doc, prefix, suffix, '');
    assert.equal(c.size, 0);
    c.put(doc, prefix, suffix, 'a;');
    c.put(doc, prefix, suffix, 'b;');
    assert.equal(c.size, 1);
    assert.equal(c.get(doc, prefix, suffix)?.text, 'b;');
  });
});

describe('completions: per-minute cap', () => {
  it('lets n requests start in any 60 s, then says how long to wait', () => {
    let t = 1_000_000;
    const cap = new MinuteCap(() => t);
    assert.ok(cap.take(2));
    t += 10_000;
    assert.ok(cap.take(2));
    assert.equal(cap.take(2), false);
    assert.equal(cap.waitMs(2), 50_000);
    t += 50_000;
    assert.equal(cap.waitMs(2), 0);
    assert.ok(cap.take(2), 'the first request left the window');
    assert.equal(cap.take(2), false);
  });
});
