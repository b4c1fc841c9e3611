// The language-model provider called directly, as VS Code's Chat calls it: thinking and usage parts, errors
// without a stack, and token estimates that learn from the server's counts. Against a fake server on 127.0.0.1.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { ArceeChatProvider, canReportThinking } from '../../src/lm/provider';
import { jsonReply, sseReply, textStream, useFakeServer } from '../support/fakeServer';
import { directBackend, modelInfo } from '../support/lmBackend';

type Runtime = {
  LanguageModelThinkingPart?: new (...a: unknown[]) => { value: string | string[] };
  LanguageModelDataPart?: new (...a: unknown[]) => { mimeType: string; data: Uint8Array };
};
const runtime = vscode as unknown as Runtime;

function reasoningStream(reasoning: string[], answer: string, usage: Record<string, number>): string {
  const chunk = (
    delta: Record<string, unknown>,
    finish: string | null = null,
    extra: Record<string, unknown> = {},
  ): string =>
    `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', model: 'trinity-large-thinking', choices: [{ index: 0, delta, finish_reason: finish }], ...extra })}\n\n`;
  return (
    reasoning.map((r) => chunk({ reasoning_content: r })).join('') +
    chunk({ content: answer }) +
    chunk({}, 'stop') +
    `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', choices: [], usage })}\n\n` +
    'data: [DONE]\n\n'
  );
}

describe('vscode.lm provider parts: thinking, usage, errors, token counts', function () {
  this.timeout(30_000);
  const fake = useFakeServer();

  /** Runs one request through the provider and collects what it reports. */
  async function ask(
    provider: ArceeChatProvider,
    model: string,
    options: Record<string, unknown> = {},
  ): Promise<unknown[]> {
    const parts: unknown[] = [];
    await provider.provideLanguageModelChatResponse(
      modelInfo(model),
      [vscode.LanguageModelChatMessage.User('Why is the sky blue?')],
      { toolMode: vscode.LanguageModelChatToolMode.Auto, ...options },
      { report: (p) => parts.push(p) },
      new vscode.CancellationTokenSource().token,
    );
    return parts;
  }

  it('reasoning becomes thinking parts, never text; usage is reported as a "usage" data part', async () => {
    fake.server.enqueue(
      '/chat/completions',
      sseReply(
        reasoningStream(['Rayleigh ', 'scattering.'], 'Short wavelengths scatter more.', {
          prompt_tokens: 1234,
          completion_tokens: 56,
          total_tokens: 1290,
        }),
      ),
    );
    const provider = new ArceeChatProvider(directBackend(fake.server.baseUrl).backend);
    const parts = await ask(provider, 'trinity-large-thinking');
    const text = parts
      .filter((p): p is vscode.LanguageModelTextPart => p instanceof vscode.LanguageModelTextPart)
      .map((p) => p.value);
    assert.deepEqual(text, ['Short wavelengths scatter more.'], 'the reasoning does not leak into the answer');
    // Both classes exist at run time on 1.104 and on the newest VS Code.
    assert.equal(canReportThinking(), true);
    const thinking = parts
      .filter((p) => runtime.LanguageModelThinkingPart && p instanceof runtime.LanguageModelThinkingPart)
      .map((p) => (p as { value: string }).value);
    assert.deepEqual(thinking, ['Rayleigh ', 'scattering.']);
    const data = parts.filter((p) => runtime.LanguageModelDataPart && p instanceof runtime.LanguageModelDataPart) as {
      mimeType: string;
      data: Uint8Array;
    }[];
    assert.equal(data.length, 1);
    assert.equal(data[0].mimeType, 'usage');
    assert.deepEqual(JSON.parse(new TextDecoder().decode(data[0].data)), {
      prompt_tokens: 1234,
      completion_tokens: 56,
      total_tokens: 1290,
    });
    provider.dispose();
  });

  it("token counts learn from the server's prompt_tokens for that model only", async () => {
    const provider = new ArceeChatProvider(directBackend(fake.server.baseUrl).backend);
    const text = 'word '.repeat(400); // 2,000 characters: an estimate of 500 tokens
    const count = (model: string): Thenable<number> =>
      provider.provideTokenCount(modelInfo(model), text, new vscode.CancellationTokenSource().token);
    assert.equal(await count('trinity-mini'), 500);
    // A short question says more about the chat template than the tokenizer, and a count of 0 says nothing.
    fake.server.enqueue(
      '/chat/completions',
      sseReply(textStream('ok', 'trinity-mini', { prompt_tokens: 90, completion_tokens: 1, total_tokens: 91 })),
    );
    await ask(provider, 'trinity-mini');
    assert.equal(provider.calibration.factor('trinity-mini'), 1);
    // 4,000 characters (an estimate of about 1,005 tokens with the template) that the server counts as 2,020.
    const long = 'x'.repeat(4_000);
    fake.server.enqueue(
      '/chat/completions',
      sseReply(textStream('ok', 'trinity-mini', { prompt_tokens: 2_020, completion_tokens: 1, total_tokens: 2_021 })),
    );
    const parts: unknown[] = [];
    await provider.provideLanguageModelChatResponse(
      modelInfo('trinity-mini'),
      [vscode.LanguageModelChatMessage.User(long)],
      { toolMode: vscode.LanguageModelChatToolMode.Auto },
      { report: (p) => parts.push(p) },
      new vscode.CancellationTokenSource().token,
    );
    const factor = provider.calibration.factor('trinity-mini');
    assert.ok(factor > 1.9 && factor < 2.1, `factor ${factor}`);
    assert.equal(await count('trinity-mini'), Math.round(500 * factor));
    assert.equal(await count('spotlight'), 500, 'another model keeps its own estimate');
    provider.dispose();
  });

  it("tells its owner of a whole answer to VS Code's Chat (the walkthrough's step), not of one to another extension or a failed one", async () => {
    const answered: string[] = [];
    const provider = new ArceeChatProvider(directBackend(fake.server.baseUrl).backend, {
      answeredChat: (id) => answered.push(id),
    });
    fake.server.enqueue('/chat/completions', sseReply(textStream('ok', 'trinity-mini')));
    await ask(provider, 'trinity-mini', { requestInitiator: 'someone.other-extension' });
    assert.deepEqual(answered, []);
    fake.server.enqueue('/chat/completions', jsonReply(500, { detail: 'boom' }));
    await ask(provider, 'trinity-mini', { requestInitiator: 'core' }).then(
      () => assert.fail('should fail'),
      () => undefined,
    );
    assert.deepEqual(answered, [], 'a failed answer is no answer');
    fake.server.enqueue('/chat/completions', sseReply(textStream('ok', 'trinity-mini')));
    await ask(provider, 'trinity-mini', { requestInitiator: 'core' });
    assert.deepEqual(answered, ['trinity-mini']);
    provider.dispose();
  });

  it("a failure for VS Code's Chat is one sentence without a stack; another extension gets a LanguageModelError kind", async () => {
    const failed: string[] = [];
    const provider = new ArceeChatProvider(directBackend(fake.server.baseUrl).backend, {
      failed: (e) => failed.push(e.kind),
    });
    fake.server.enqueue(
      '/chat/completions',
      jsonReply(402, { detail: 'Insufficient credits. Add credits to continue.' }),
    );
    const chat = await ask(provider, 'trinity-mini', { requestInitiator: 'core' }).then(
      () => assert.fail('should fail'),
      (e: unknown) => e as Error,
    );
    assert.ok(!(chat instanceof vscode.LanguageModelError));
    assert.match(chat.message, /credits/i);
    assert.doesNotMatch(chat.message, /\n|at \w|extension\.js|ArceeError/);
    assert.equal(chat.stack, '', 'no stack for the chat to print');

    fake.server.enqueue(
      '/chat/completions',
      jsonReply(402, { detail: 'Insufficient credits. Add credits to continue.' }),
    );
    const other = await ask(provider, 'trinity-mini', { requestInitiator: 'someone.other-extension' }).then(
      () => assert.fail('should fail'),
      (e: unknown) => e,
    );
    assert.ok(other instanceof vscode.LanguageModelError);
    assert.equal(other.code, 'Blocked');
    assert.equal(other.message, chat.message);
    assert.deepEqual(failed, ['payment', 'payment'], 'the owner hears of each fixable failure (it offers the fix)');

    fake.server.enqueue('/chat/completions', jsonReply(500, { detail: 'boom' }));
    const server500 = await ask(provider, 'trinity-mini', { requestInitiator: 'someone.other-extension' }).then(
      () => assert.fail('should fail'),
      (e: unknown) => e as Error,
    );
    assert.ok(!(server500 instanceof vscode.LanguageModelError), 'a server error is no LanguageModelError kind');
    assert.equal(failed.length, 2, 'nothing the user can fix');
    provider.dispose();
  });
});
