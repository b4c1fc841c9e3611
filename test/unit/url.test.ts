import * as assert from 'node:assert/strict';
import { resolveEndpoints } from '../../src/providers/url';
import { ArceeError } from '../../src/providers/errors';

describe('resolveEndpoints', () => {
  const cases: [string, string, string][] = [
    [
      'https://api.arcee.ai/api/v1',
      'https://api.arcee.ai/api/v1/chat/completions',
      'https://api.arcee.ai/api/v1/models',
    ],
    [
      'https://api.arcee.ai/api/v1/',
      'https://api.arcee.ai/api/v1/chat/completions',
      'https://api.arcee.ai/api/v1/models',
    ],
    ['https://api.arcee.ai/v1', 'https://api.arcee.ai/v1/chat/completions', 'https://api.arcee.ai/v1/models'],
    ['https://api.arcee.ai', 'https://api.arcee.ai/v1/chat/completions', 'https://api.arcee.ai/v1/models'],
    ['  https://api.arcee.ai//  ', 'https://api.arcee.ai/v1/chat/completions', 'https://api.arcee.ai/v1/models'],
    ['http://localhost:8080', 'http://localhost:8080/v1/chat/completions', 'http://localhost:8080/v1/models'],
    ['http://127.0.0.1:11434/v1', 'http://127.0.0.1:11434/v1/chat/completions', 'http://127.0.0.1:11434/v1/models'],
    [
      'https://gw.example/api/v1/chat/completions',
      'https://gw.example/api/v1/chat/completions',
      'https://gw.example/api/v1/models',
    ],
    [
      'https://gw.example/openai/v2',
      'https://gw.example/openai/v2/chat/completions',
      'https://gw.example/openai/v2/models',
    ],
    [
      'https://gw.example/v1?api-version=2',
      'https://gw.example/v1/chat/completions?api-version=2',
      'https://gw.example/v1/models?api-version=2',
    ],
  ];
  for (const [base, chat, models] of cases) {
    it(`maps ${base.trim()}`, () => {
      const e = resolveEndpoints(base);
      assert.equal(e.chatCompletions, chat);
      assert.equal(e.models, models);
      assert.equal(e.credits, models.replace('/models', '/usage/credits'));
    });
  }

  it('names the host for messages', () => {
    assert.equal(resolveEndpoints('http://127.0.0.1:9/v1').host, '127.0.0.1:9');
  });

  for (const bad of ['', 'api.arcee.ai', 'ftp://x.example/v1', 'https://user:pw@x.example/v1', 'not a url']) {
    it(`rejects ${JSON.stringify(bad)} with a clear message`, () => {
      assert.throws(
        () => resolveEndpoints(bad),
        (e: unknown) =>
          e instanceof ArceeError &&
          e.kind === 'bad_request' &&
          /base URL/i.test(e.message) &&
          !e.message.includes('pw'),
      );
    });
  }
});
