import * as assert from 'node:assert/strict';
import { chatModelFor, utilityModelFor, utilitySettingValue, versionAtLeast } from '../../src/lm/chatChoice';
import { TokenCalibration, isChatInitiator, lmFailure, usagePayload } from '../../src/lm/report';
import type { ModelInfo } from '../../src/providers/api';
import { ArceeError, errorFromStreamPayload } from '../../src/providers/errors';

const model = (id: string, extra: Partial<ModelInfo> = {}): ModelInfo => ({
  id,
  name: id,
  inputModalities: ['text'],
  outputModalities: ['text'],
  supportedParameters: [],
  supportedFeatures: [],
  ...extra,
});

describe('language-model provider: usage, calibration, failures', () => {
  it('usage goes out with all three counts VS Code requires, or not at all', () => {
    assert.deepEqual(usagePayload({ prompt_tokens: 18_000, completion_tokens: 250, total_tokens: 18_250 }), {
      prompt_tokens: 18_000,
      completion_tokens: 250,
      total_tokens: 18_250,
    });
    // A total the server left out is the sum; a missing completion count is 0.
    assert.deepEqual(usagePayload({ prompt_tokens: 100, completion_tokens: 7 }), {
      prompt_tokens: 100,
      completion_tokens: 7,
      total_tokens: 107,
    });
    assert.deepEqual(usagePayload({ prompt_tokens: 100 }), {
      prompt_tokens: 100,
      completion_tokens: 0,
      total_tokens: 100,
    });
    assert.deepEqual(
      usagePayload({ prompt_tokens: 100, completion_tokens: 1, prompt_tokens_details: { cached_tokens: 64 } }),
      {
        prompt_tokens: 100,
        completion_tokens: 1,
        total_tokens: 101,
        prompt_tokens_details: { cached_tokens: 64 },
      },
    );
    assert.equal(usagePayload(null), undefined);
    assert.equal(usagePayload({ completion_tokens: 5 }), undefined, 'no prompt count: nothing to show');
    assert.equal(usagePayload({ prompt_tokens: -1, completion_tokens: 5 }), undefined);
    assert.equal(usagePayload({ prompt_tokens: Number.NaN }), undefined);
  });

  it('calibration: the factor follows reported ÷ estimated per model, bounded, ignoring tiny or empty counts', () => {
    const c = new TokenCalibration();
    assert.equal(c.scale('m', 1000), 1000);
    c.observe('m', 1000, 2000);
    assert.equal(c.factor('m'), 2);
    c.observe('m', 1000, 1000); // halfway to 1
    assert.equal(c.factor('m'), 1.5);
    assert.equal(c.scale('m', 1000), 1500);
    assert.equal(c.factor('other'), 1, 'models learn separately');
    c.observe('small', 100, 900); // under 200 estimated tokens: the template dominates
    c.observe('small', 1000, undefined);
    c.observe('small', 1000, 0);
    assert.equal(c.factor('small'), 1);
    c.observe('wild', 1000, 50_000);
    assert.equal(c.factor('wild'), 3, 'bounded above');
    c.observe('tiny', 1000, 10);
    assert.equal(c.factor('tiny'), 0.5, 'bounded below');
    assert.equal(c.scale('tiny', 1), 1, 'never 0 for non-empty text');
    assert.equal(c.scale('tiny', 0), 0);
  });

  it('failures: the sentence and the LanguageModelError kind that fits', () => {
    assert.deepEqual(lmFailure(new ArceeError('auth', 'The API key was refused.')), {
      message: 'The API key was refused.',
      kind: 'auth',
      code: 'NoPermissions',
    });
    assert.deepEqual(lmFailure(new ArceeError('payment', 'Out of credits.')), {
      message: 'Out of credits.',
      kind: 'payment',
      code: 'Blocked',
    });
    assert.deepEqual(lmFailure(new ArceeError('not_found', 'No such model.')), {
      message: 'No such model.',
      kind: 'not_found',
      code: 'NotFound',
    });
    assert.deepEqual(lmFailure(new ArceeError('server', 'The server failed.')), {
      message: 'The server failed.',
      kind: 'server',
    });
    // No LanguageModelError code fits a context overflow: callers get the sentence, not a "Blocked" that would misread it.
    const overflow = errorFromStreamPayload({
      code: 400,
      message: 'request (3031 tokens) exceeds the available context size (2048 tokens)',
      type: 'exceed_context_size_error',
      n_prompt_tokens: 3031,
      n_ctx: 2048,
    });
    assert.deepEqual(lmFailure(overflow), { message: overflow.message, kind: 'context_overflow' });
    assert.match(lmFailure(overflow).message, /^The request is 3,031 tokens but the model's context holds 2,048\./);
    assert.deepEqual(lmFailure({ error: { message: 'odd' } }), { message: 'odd', kind: 'unknown' });
    assert.doesNotMatch(lmFailure({ a: 1 }).message, /object Object/);
  });

  it("VS Code's own chat is told apart from other extensions by the request's initiator", () => {
    for (const chat of ['core', 'github.copilot-chat', 'GitHub.copilot-chat', 'github.copilot', undefined, ''])
      assert.equal(isChatInitiator(chat), true, String(chat));
    for (const other of ['someone.other-extension', 'github.copilot-chat-fork', 'arcee-community.arcee-vscode'])
      assert.equal(isChatInitiator(other), false, other);
  });
});

describe("VS Code's Chat: versions and model choices", () => {
  it('compares versions by major and minor', () => {
    assert.equal(versionAtLeast('1.122.0', [1, 122]), true);
    assert.equal(versionAtLeast('1.139.1', [1, 122]), true);
    assert.equal(versionAtLeast('1.140.0-insider', [1, 122]), true);
    assert.equal(versionAtLeast('2.0.0', [1, 122]), true);
    assert.equal(versionAtLeast('1.121.9', [1, 122]), false);
    assert.equal(versionAtLeast('1.104.0', [1, 122]), false);
    assert.equal(versionAtLeast('garbage', [1, 122]), false);
  });

  it('Chat opens on the configured model when listed, else the first', () => {
    const list = [model('trinity-mini'), model('trinity-large-thinking')];
    assert.equal(chatModelFor(list, 'trinity-large-thinking'), 'trinity-large-thinking');
    assert.equal(chatModelFor(list, 'gone'), 'trinity-mini');
    assert.equal(chatModelFor([], 'x'), undefined);
  });

  it('utility tasks get trinity-mini, else the smallest model that does not think first; never a thinking model', () => {
    assert.equal(
      utilityModelFor([model('trinity-large-thinking'), model('trinity-mini'), model('auto')]),
      'trinity-mini',
    );
    assert.equal(utilityModelFor([model('arcee-ai/trinity-mini')]), 'arcee-ai/trinity-mini');
    assert.equal(
      utilityModelFor([
        model('trinity-large-thinking', { contextLength: 8_000 }),
        model('maestro-reasoning', { contextLength: 4_000 }),
        model('thinker', { contextLength: 2_000, supportedFeatures: ['Reasoning'] }),
        model('coder-large', { contextLength: 32_000 }),
        model('arcee-blitz', { contextLength: 16_000 }),
      ]),
      'arcee-blitz',
    );
    assert.equal(utilityModelFor([model('trinity-large-thinking'), model('auto-reasoning')]), undefined);
    assert.equal(utilitySettingValue('arcee', 'trinity-mini'), 'arcee/trinity-mini');
  });
});
