// VS Code's own language model API (`vscode.lm`) with vendor `arcee`, against a fake server started here.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { DEFAULT_MODELS, FakeServer, jsonReply, sseReply, textStream } from '../support/fakeServer';
import { ArceeChatProvider } from '../../src/lm/provider';
import { directBackend } from '../support/lmBackend';
import { setConfig } from '../support/hostTest';
import { sseFixture } from '../support/paths';

function within<T>(what: string, p: PromiseLike<T>, ms = 10_000): Promise<T> {
  return Promise.race([
    Promise.resolve(p),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms)),
  ]);
}

async function arceeModel(id: string): Promise<vscode.LanguageModelChat> {
  const [model] = await vscode.lm.selectChatModels({ vendor: 'arcee', id });
  assert.ok(model, `model ${id} not found`);
  return model;
}

/** The fake catalogue, with tool support declared for trinity-mini and a parameter list without tools for spotlight. */
const CATALOGUE = {
  data: DEFAULT_MODELS.data.map((m) =>
    m.id === 'trinity-mini'
      ? { ...m, supported_parameters: ['tools', 'tool_choice', 'temperature'] }
      : m.id === 'spotlight'
        ? { ...m, supported_parameters: ['temperature', 'max_tokens'] }
        : m,
  ),
};

describe('vscode.lm: Arcee as a language model chat provider', function () {
  this.timeout(60_000);
  let server: FakeServer;

  before(async () => {
    server = await FakeServer.start();
    server.setDefault('/models', jsonReply(200, CATALOGUE));
    await vscode.extensions.getExtension('arcee-community.arcee-vscode')!.activate();
    await setConfig({ baseUrl: server.baseUrl });
  });
  after(async () => {
    await setConfig({ baseUrl: undefined });
    await server.close();
  });
  beforeEach(() => {
    server.reset();
    server.setDefault('/models', jsonReply(200, CATALOGUE));
  });

  it("selectChatModels({vendor: 'arcee'}) returns the server's models with name, family and limits", async () => {
    const models = await vscode.lm.selectChatModels({ vendor: 'arcee' });
    assert.deepEqual(
      models.map((m) => [m.id, m.name, m.family, m.vendor, m.maxInputTokens]),
      [
        ['trinity-mini', 'Trinity Mini', 'trinity-mini', 'arcee', 131072 - 8192],
        ['trinity-large-thinking', 'Trinity Large Thinking', 'trinity-large-thinking', 'arcee', 262144 - 8192],
        ['spotlight', 'Spotlight', 'spotlight', 'arcee', 32768 - 8192],
      ],
    );
    // Capabilities are not in the stable typings of LanguageModelChat, but VS Code exposes them.
    // Newer VS Codes add fields of their own (editToolsHint); these two are ours.
    const caps = (m: vscode.LanguageModelChat): unknown => {
      const c = (m as unknown as { capabilities?: { supportsImageToText?: boolean; supportsToolCalling?: boolean } })
        .capabilities;
      return c && { supportsImageToText: c.supportsImageToText, supportsToolCalling: c.supportsToolCalling };
    };
    assert.deepEqual(caps(models[0]), { supportsImageToText: false, supportsToolCalling: true });
    assert.deepEqual(caps(models[2]), { supportsImageToText: true, supportsToolCalling: false });
    assert.equal(await models[0].countTokens('x'.repeat(400)), 100);
  });

  it('sendRequest streams text from the server, with the model id and mapped messages', async () => {
    server.enqueue('/chat/completions', sseReply(textStream('Hello from Arcee inside VS Code.'), { pieceDelayMs: 5 }));
    const model = await arceeModel('trinity-mini');
    const response = await model.sendRequest(
      [vscode.LanguageModelChatMessage.User('Say hello')],
      {},
      new vscode.CancellationTokenSource().token,
    );
    const pieces: string[] = [];
    for await (const piece of response.text) pieces.push(piece);
    assert.equal(pieces.join(''), 'Hello from Arcee inside VS Code.');
    const body = server.requestsTo('/chat/completions')[0].json as Record<string, unknown>;
    assert.equal(body.model, 'trinity-mini');
    assert.equal(body.stream, true);
    assert.deepEqual(body.messages, [{ role: 'user', content: 'Say hello' }]);
    assert.equal(body.tools, undefined);
  });

  it('a tool-call round trip: tool calls assembled from deltas, results sent back as tool messages', async () => {
    const tools: vscode.LanguageModelChatTool[] = [
      {
        name: 'read_file',
        description: 'Read a file',
        inputSchema: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] },
      },
      { name: 'list_files', description: 'List files', inputSchema: { type: 'object', properties: {} } },
    ];
    server.enqueue('/chat/completions', sseReply(sseFixture('tool-calls'), { randomSplit: { seed: 5, maxPiece: 24 } }));
    server.enqueue('/chat/completions', sseReply(textStream('a.ts defines a.')));
    const model = await arceeModel('trinity-mini');
    const question = vscode.LanguageModelChatMessage.User('What is in src/a.ts?');

    const first = await model.sendRequest([question], { tools }, new vscode.CancellationTokenSource().token);
    const calls: vscode.LanguageModelToolCallPart[] = [];
    for await (const part of first.stream) if (part instanceof vscode.LanguageModelToolCallPart) calls.push(part);
    assert.deepEqual(
      calls.map((c) => [c.callId, c.name, c.input]),
      [
        ['call_abc', 'read_file', { path: 'src/a.ts' }],
        ['x7', 'list_files', {}],
      ],
    );
    const firstBody = server.requestsTo('/chat/completions')[0].json as Record<string, unknown>;
    assert.equal(firstBody.tool_choice, 'auto');
    assert.deepEqual(firstBody.tools, [
      {
        type: 'function',
        function: { name: 'read_file', description: 'Read a file', parameters: tools[0].inputSchema },
      },
      {
        type: 'function',
        function: { name: 'list_files', description: 'List files', parameters: tools[1].inputSchema },
      },
    ]);

    const second = await model.sendRequest(
      [
        question,
        vscode.LanguageModelChatMessage.Assistant(calls),
        vscode.LanguageModelChatMessage.User([
          new vscode.LanguageModelToolResultPart('call_abc', [new vscode.LanguageModelTextPart('export const a = 1;')]),
          new vscode.LanguageModelToolResultPart('x7', [new vscode.LanguageModelTextPart('src/a.ts')]),
        ]),
      ],
      { tools },
      new vscode.CancellationTokenSource().token,
    );
    let answer = '';
    for await (const piece of second.text) answer += piece;
    assert.equal(answer, 'a.ts defines a.');
    const secondBody = server.requestsTo('/chat/completions')[1].json as { messages: unknown[] };
    assert.deepEqual(secondBody.messages, [
      { role: 'user', content: 'What is in src/a.ts?' },
      {
        role: 'assistant',
        content: '',
        reasoning_content: '',
        reasoning: '',
        tool_calls: [
          { id: 'call_abc', type: 'function', function: { name: 'read_file', arguments: '{"path":"src/a.ts"}' } },
          { id: 'x7', type: 'function', function: { name: 'list_files', arguments: '{}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_abc', content: 'export const a = 1;' },
      { role: 'tool', tool_call_id: 'x7', content: 'src/a.ts' },
    ]);
  });

  it("cancelling the provider's token aborts the HTTP request at the server", async () => {
    // Called directly: VS Code 1.104 forwards a caller's cancellation only until the request has started
    // (microsoft/vscode#277872), so through vscode.lm a Stop after the first token never reaches any provider.
    const { backend, logged } = directBackend(server.baseUrl);
    const provider = new ArceeChatProvider(backend);
    const pieces = textStream('one two three four five six').split(/(?<=\n\n)/);
    server.enqueue('/chat/completions', sseReply(pieces, { stallAfterPieces: 2 }));
    const info: vscode.LanguageModelChatInformation = {
      id: 'trinity-mini',
      name: 'Trinity Mini',
      family: 'trinity-mini',
      version: '1',
      maxInputTokens: 1000,
      maxOutputTokens: 100,
      capabilities: {},
    };
    const cts = new vscode.CancellationTokenSource();
    const parts: unknown[] = [];
    let firstPart: () => void = () => undefined;
    const gotFirst = new Promise<void>((r) => (firstPart = r));
    const answered = provider.provideLanguageModelChatResponse(
      info,
      [vscode.LanguageModelChatMessage.User('Count')],
      { toolMode: vscode.LanguageModelChatToolMode.Auto },
      {
        report: (p) => {
          parts.push(p);
          firstPart();
        },
      },
      cts.token,
    );
    const [request] = await server.waitForRequests('/chat/completions');
    await within('the first text part', gotFirst);
    assert.ok(parts[0] instanceof vscode.LanguageModelTextPart && parts[0].value === 'one ');
    cts.cancel();
    await within('the server to see the connection close', request.closed);
    assert.equal(request.closedEarly, true);
    await within('the provider to return quietly', answered);
    assert.equal((request.json as { model: string }).model, 'trinity-mini');
    assert.ok(
      logged.some((l) =>
        /^info: VS Code Chat cancelled the request to trinity-mini after \d+ ms; the connection is closed\.$/.test(l),
      ),
      `the log records the cancel: ${logged.join(' | ')}`,
    );
    provider.dispose();
  });

  it('the model list follows a base URL change, and the management command refreshes it', async () => {
    const other = await FakeServer.start();
    try {
      other.setDefault('/models', jsonReply(200, { data: [{ id: 'local-llama' }] }));
      // VS Code 1.104 ignores the provider's change event, but asks the provider again on each selectChatModels.
      await setConfig({ baseUrl: other.baseUrl });
      const models = await vscode.lm.selectChatModels({ vendor: 'arcee' });
      assert.deepEqual(
        models.map((m) => m.id),
        ['local-llama'],
      );

      const before = other.requestsTo('/models').length;
      assert.equal(await vscode.commands.executeCommand('arcee.manageLanguageModels', 'refresh'), 'refresh');
      assert.equal(other.requestsTo('/models').length, before + 1);
    } finally {
      await setConfig({ baseUrl: server.baseUrl });
      await other.close();
    }
  });
});
