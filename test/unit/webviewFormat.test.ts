import * as assert from 'node:assert/strict';
import {
  chipLabel,
  formatCost,
  formatCredits,
  formatUsage,
  newRequestId,
  relativeTime,
} from '../../src/webview/app/format';

describe('webview format', () => {
  it('formats usage as "1,234 → 567 tokens · $0.0012"', () => {
    assert.equal(
      formatUsage({ promptTokens: 1234, completionTokens: 567, costUsd: 0.0012 }),
      '1,234 → 567 tokens · $0.0012',
    );
    assert.equal(
      formatUsage({ promptTokens: 10, completionTokens: 20, reasoningTokens: 5 }),
      '10 → 20 tokens (5 reasoning)',
    );
    assert.equal(formatUsage({ costUsd: 1.5 }), '$1.50');
    assert.equal(formatUsage(undefined), '');
  });

  it('formats costs and credits', () => {
    assert.equal(formatCost(0), '$0');
    assert.equal(formatCost(0.00001), '<$0.0001');
    assert.equal(formatCredits(12.5), '$12.50 credits');
    assert.equal(formatCredits(1234.567), '$1,234.57 credits');
    assert.equal(formatCredits(null), '');
  });

  it('says how long ago', () => {
    const now = Date.UTC(2025, 0, 10, 12);
    assert.equal(relativeTime(now - 10_000, now), 'just now');
    assert.equal(relativeTime(now - 5 * 60_000, now), '5 min ago');
    assert.equal(relativeTime(now - 3 * 3600_000, now), '3 h ago');
    assert.equal(relativeTime(now - 26 * 3600_000, now), 'yesterday');
    assert.equal(relativeTime(now - 4 * 86400_000, now), '4 days ago');
    assert.match(relativeTime(now - 40 * 86400_000, now), /2024/);
  });

  it('labels chips and makes unique request ids', () => {
    const chip = { id: 'c', path: 'src/a/b.ts', startLine: 3, endLine: 9, language: 'typescript', text: '' };
    assert.equal(chipLabel(chip), 'b.ts:3-9');
    assert.equal(chipLabel({ ...chip, path: 'C:\\w\\x.py', endLine: 3 }), 'x.py:3');
    const ids = new Set(Array.from({ length: 1000 }, () => newRequestId()));
    assert.equal(ids.size, 1000);
  });
});
