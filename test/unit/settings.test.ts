import * as assert from 'node:assert/strict';
import {
  buildRequest,
  COMPLETIONS_DEFAULTS,
  DEFAULT_BASE_URL,
  needsKey,
  readSettings,
} from '../../src/config/settings';

const read = (values: Record<string, unknown>) => readSettings((k) => values[k]);

describe('settings', () => {
  it('defaults when nothing is set', () => {
    const { settings, problems } = read({});
    assert.deepEqual(problems, []);
    assert.equal(settings.baseUrl, DEFAULT_BASE_URL);
    assert.equal(settings.model, 'trinity-mini');
    assert.equal(settings.maxRetries, 2);
    assert.deepEqual(settings.requestDefaults, {});
  });

  it('maps every sampling setting to its request field', () => {
    const { settings, problems } = read({
      temperature: 0.15,
      topP: 0.75,
      maxTokens: 512,
      presencePenalty: 0.5,
      frequencyPenalty: -0.5,
      seed: 3,
      n: 2,
      stop: ['END'],
      logitBias: { '50256': -100 },
      user: ' alice ',
      logprobs: true,
      topLogprobs: 5,
      toolChoice: 'required',
      serverTimeout: 120,
      extraBody: { functions: [{ name: 'f' }], function_call: 'auto', top_k: 20 },
    });
    assert.deepEqual(problems, []);
    assert.deepEqual(settings.requestDefaults, {
      temperature: 0.15,
      top_p: 0.75,
      max_tokens: 512,
      presence_penalty: 0.5,
      frequency_penalty: -0.5,
      seed: 3,
      n: 2,
      stop: ['END'],
      logit_bias: { '50256': -100 },
      user: 'alice',
      logprobs: true,
      top_logprobs: 5,
      tool_choice: 'required',
      timeout: 120,
      functions: [{ name: 'f' }],
      function_call: 'auto',
      top_k: 20,
    });
  });

  it('drops bad values with a sentence naming the setting', () => {
    const { settings, problems } = read({
      temperature: 5,
      topP: 'high',
      maxTokens: 1.5,
      stop: ['a', 'b', 'c', 'd', 'e'],
      logitBias: { abc: 1, '12': 500 },
      topLogprobs: 3,
      extraBody: { model: 'x', messages: [], stream: false },
      baseUrl: 'ftp://nope',
      firstByteTimeoutMs: 5,
    });
    assert.equal(settings.requestDefaults.temperature, undefined);
    assert.equal(settings.requestDefaults.top_p, undefined);
    assert.equal(settings.requestDefaults.max_tokens, undefined);
    assert.deepEqual(settings.requestDefaults.stop, ['a', 'b', 'c', 'd']);
    assert.equal(settings.requestDefaults.logit_bias, undefined);
    // Not sent without arcee.logprobs, but kept for the chat's Logprobs toggle.
    assert.equal(settings.requestDefaults.top_logprobs, undefined);
    assert.equal(settings.topLogprobs, 3);
    assert.equal(settings.baseUrl, DEFAULT_BASE_URL);
    assert.equal(settings.firstByteTimeoutMs, 60000);
    const text = problems.join('\n');
    for (const expected of [
      /arcee\.temperature must be between 0 and 2 \(it is 5\)/,
      /arcee\.topP must be a number or empty/,
      /arcee\.maxTokens must be a whole number/,
      /arcee\.stop may hold at most 4/,
      /arcee\.logitBias entry "abc"/,
      /arcee\.logitBias entry "12"/,
      /arcee\.extraBody may not set "model"/,
      /arcee\.extraBody may not set "messages"/,
      /arcee\.baseUrl is not usable/,
      /arcee\.firstByteTimeoutMs must be at least 1000/,
    ]) {
      assert.match(text, expected);
    }
    assert.doesNotMatch(text, /object Object/);
  });

  it('refuses the key in extra headers, without echoing it', () => {
    const key = 'rcai-should-not-be-here-123456';
    const { settings, problems } = read({
      extraHeaders: { Authorization: `Bearer ${key}`, 'X-Key': key, 'X-Ok': 'fine', 'Bad Name': 'x' },
    });
    assert.deepEqual(settings.extraHeaders, { 'X-Ok': 'fine' });
    assert.equal(problems.length, 3);
    assert.match(problems[0], /Arcee: Set API Key/);
    assert.ok(problems.every((p) => !p.includes(key)));
  });

  it('buildRequest puts defaults under the surface fields', () => {
    const { settings } = read({ temperature: 0.2, model: 'coder-large', extraBody: { top_k: 5 } });
    const r = buildRequest(settings, [{ role: 'user', content: 'x' }], { max_tokens: 10, temperature: 0 });
    assert.deepEqual(r, {
      temperature: 0,
      top_k: 5,
      model: 'coder-large',
      messages: [{ role: 'user', content: 'x' }],
      max_tokens: 10,
    });
  });

  it('needsKey only for Arcee hosts', () => {
    assert.equal(needsKey('https://api.arcee.ai/api/v1'), true);
    assert.equal(needsKey('http://127.0.0.1:8080'), false);
    assert.equal(needsKey('http://localhost:11434/v1'), false);
  });

  it('completions: off by default, with trinity-mini and the default limits', () => {
    const { settings, problems } = read({});
    assert.deepEqual(problems, []);
    assert.deepEqual(settings.completions, COMPLETIONS_DEFAULTS);
    assert.equal(settings.completions.enabled, false);
    assert.equal(settings.completions.model, 'trinity-mini');
  });

  it('completions: reads each setting and drops bad values with a sentence naming the setting', () => {
    const good = read({
      'completions.enabled': true,
      'completions.model': ' coder-large ',
      'completions.debounceMs': 120,
      'completions.maxLines': 4,
      'completions.maxRequestsPerMinute': 10,
      'completions.disabledLanguages': ['markdown'],
    });
    assert.deepEqual(good.problems, []);
    assert.deepEqual(good.settings.completions, {
      enabled: true,
      model: 'coder-large',
      debounceMs: 120,
      maxLines: 4,
      maxPerMinute: 10,
      disabledLanguages: ['markdown'],
    });
    const bad = read({
      'completions.enabled': 'yes',
      'completions.debounceMs': -5,
      'completions.maxLines': 2.5,
      'completions.disabledLanguages': 'markdown',
    });
    assert.deepEqual(bad.settings.completions, COMPLETIONS_DEFAULTS, 'every bad value falls back to its default');
    assert.equal(bad.problems.length, 3);
    assert.ok(
      bad.problems.some((p) => p.startsWith('Setting arcee.completions.debounceMs must be between 0 and 5000')),
    );
    assert.ok(bad.problems.some((p) => p.startsWith('Setting arcee.completions.maxLines must be a whole number')));
    assert.ok(
      bad.problems.some((p) =>
        p.startsWith('Setting arcee.completions.disabledLanguages must be a list of language ids'),
      ),
    );
  });
});
