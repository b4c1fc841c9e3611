// The `@arcee` chat participant in code-server's extension host, against a fake server started here.
//
// code-server 4.104 (VS Code 1.104) without Copilot shows no Chat view: the view's `when` needs a chat setup
// (product.json has no `defaultChatAgent`) or a *default* participant (`isDefault`, a proposed API), and
// `workbench.action.chat.open` with `@arcee /explain` sends nothing. So these tests call the registered
// participant's own handler (the object `activate` returns) with real editors, selections, diagnostics,
// references, a real `vscode.lm` model and a real CancellationTokenSource; only the response stream records.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { EditOutcome } from '../../src/edit/inlineEdit';
import type { ArceeExtensionApi } from '../../src/extension';
import type { ArceeResultMetadata } from '../../src/participant/participant';
import { FakeServer, jsonReply, sseReply, textStream } from '../support/fakeServer';
import { openFile, setConfig, until, waitForPreview } from '../support/hostTest';
import { sseFixture } from '../support/paths';

type Part =
  | { kind: 'markdown'; value: string }
  | { kind: 'progress'; value: string }
  | { kind: 'reference'; value: vscode.Uri | vscode.Location }
  | { kind: 'anchor'; value: vscode.Uri | vscode.Location }
  | { kind: 'button'; value: vscode.Command }
  | { kind: 'other'; value: unknown };

/** A ChatResponseStream that records what the participant sends to the chat. */
class RecordingStream implements vscode.ChatResponseStream {
  readonly parts: Part[] = [];
  private onMarkdown: (() => void) | undefined;
  markdown(value: string | vscode.MarkdownString): void {
    this.parts.push({ kind: 'markdown', value: typeof value === 'string' ? value : value.value });
    this.onMarkdown?.();
  }
  anchor(value: vscode.Uri | vscode.Location): void {
    this.parts.push({ kind: 'anchor', value });
  }
  button(command: vscode.Command): void {
    this.parts.push({ kind: 'button', value: command });
  }
  filetree(value: vscode.ChatResponseFileTree[]): void {
    this.parts.push({ kind: 'other', value });
  }
  progress(value: string): void {
    this.parts.push({ kind: 'progress', value });
  }
  reference(value: vscode.Uri | vscode.Location): void {
    this.parts.push({ kind: 'reference', value });
  }
  push(part: vscode.ChatResponsePart): void {
    this.parts.push({ kind: 'other', value: part });
  }
  get text(): string {
    return this.parts.flatMap((p) => (p.kind === 'markdown' ? [p.value] : [])).join('');
  }
  get buttons(): vscode.Command[] {
    return this.parts.flatMap((p) => (p.kind === 'button' ? [p.value] : []));
  }
  get references(): vscode.Location[] {
    return this.parts.flatMap((p) => (p.kind === 'reference' && p.value instanceof vscode.Location ? [p.value] : []));
  }
  /** Resolves at the first markdown part. */
  firstMarkdown(): Promise<void> {
    return new Promise((resolve) => (this.onMarkdown = resolve));
  }
}

function within<T>(what: string, p: PromiseLike<T>, ms = 20_000): Promise<T> {
  return Promise.race([
    Promise.resolve(p),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms)),
  ]);
}

interface Ask {
  command?: string;
  prompt?: string;
  references?: vscode.ChatPromptReference[];
  model?: vscode.LanguageModelChat;
  history?: (vscode.ChatRequestTurn | vscode.ChatResponseTurn)[];
  token?: vscode.CancellationToken;
}

describe('@arcee chat participant', function () {
  this.timeout(90_000);
  let server: FakeServer;
  let api: ArceeExtensionApi;
  let lmModel: vscode.LanguageModelChat;
  const diagnostics = vscode.languages.createDiagnosticCollection('arcee-participant-test');

  /** Runs the registered participant's handler as the Chat view would. */
  async function ask(
    a: Ask,
  ): Promise<{ stream: RecordingStream; result: vscode.ChatResult; meta: ArceeResultMetadata }> {
    const stream = new RecordingStream();
    const result = await runAsk(a, stream);
    return { stream, result, meta: result.metadata as ArceeResultMetadata };
  }
  function runAsk(a: Ask, stream: RecordingStream): Promise<vscode.ChatResult> {
    const request = {
      prompt: a.prompt ?? '',
      command: a.command,
      references: a.references ?? [],
      toolReferences: [],
      toolInvocationToken: undefined as never,
      model: a.model ?? lmModel,
    } satisfies vscode.ChatRequest;
    return api.participant.handle(
      request,
      { history: a.history ?? [] },
      stream,
      a.token ?? new vscode.CancellationTokenSource().token,
    );
  }
  const bodyOf = (i = 0): { model: string; messages: { role: string; content: string }[]; n?: unknown } =>
    server.requestsTo('/chat/completions')[i].json as { model: string; messages: { role: string; content: string }[] };
  const userContent = (i = 0): string =>
    bodyOf(i)
      .messages.filter((m) => m.role === 'user')
      .at(-1)!.content;

  const SOURCE = 'export function add(a: number, b: number) {\n  return a - b;\n}\n\nexport const other = 1;\n';

  before(async () => {
    server = await FakeServer.start();
    const ext = await until(
      'the extension',
      () => vscode.extensions.getExtension<ArceeExtensionApi>('arcee-community.arcee-vscode'),
      20_000,
    );
    api = await ext.activate();
    await setConfig({ baseUrl: server.baseUrl, model: 'trinity-mini' });
    [lmModel] = await vscode.lm.selectChatModels({ vendor: 'arcee', id: 'trinity-large-thinking' });
    assert.ok(lmModel, 'the arcee language model is available');
  });
  after(async () => {
    diagnostics.dispose();
    await setConfig({ baseUrl: undefined, model: undefined });
    await server.close();
  });
  beforeEach(() => server.reset());
  afterEach(async () => {
    diagnostics.clear();
    await vscode.commands.executeCommand('arcee.inlineEdit.reject');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('is registered with the chat API and contributed with its four commands', () => {
    const contributed = (
      vscode.extensions.getExtension('arcee-community.arcee-vscode')!.packageJSON as {
        contributes: { chatParticipants: { id: string; name: string; commands: { name: string }[] }[] };
      }
    ).contributes.chatParticipants;
    assert.deepEqual(
      contributed.map((p) => [p.id, p.name, p.commands.map((c) => c.name)]),
      [['arcee.participant', 'arcee', ['explain', 'fix', 'tests', 'doc']]],
    );
    assert.equal(typeof api.participant.handle, 'function');
  });

  it('/explain sends the explain prompt with the selected code, streams the answer and reports the range', async () => {
    const editor = await openFile('participant-explain.ts', SOURCE);
    editor.selection = new vscode.Selection(0, 0, 2, 1);
    server.enqueue('/chat/completions', sseReply(textStream('It subtracts instead of adding.'), { pieceDelayMs: 5 }));
    const { stream, result, meta } = await ask({ command: 'explain' });

    assert.equal(result.errorDetails, undefined);
    assert.equal(stream.text, 'It subtracts instead of adding.');
    assert.ok(stream.parts.filter((p) => p.kind === 'markdown').length > 1, 'the answer streams in pieces');
    const user = userContent();
    assert.match(
      user,
      /participant-explain\.ts \(lines 1-3\):\n```typescript\nexport function add\(a: number, b: number\) \{\n {2}return a - b;\n\}\n```/,
    );
    assert.match(user, /Explain the selected code from participant-explain\.ts \(typescript, lines 1-3\)/);
    // A model picked in the Chat view's picker from vendor arcee is the model sent.
    assert.equal(bodyOf().model, 'trinity-large-thinking');
    assert.equal(bodyOf().messages[0].role, 'system');
    const [ref] = stream.references;
    assert.equal(ref.uri.toString(), editor.document.uri.toString());
    assert.ok(ref.range.isEqual(new vscode.Range(0, 0, 2, 1)));
    assert.deepEqual(meta, { command: 'explain', ok: true, hadCode: true });
    assert.deepEqual(
      api.participant.followups(result).map((f) => [f.command, f.participant]),
      [
        ['fix', 'arcee.participant'],
        ['tests', 'arcee.participant'],
        ['doc', 'arcee.participant'],
      ],
    );
    assert.equal(stream.buttons.length, 0, 'no Apply after /explain');
  });

  it('a whole-file selection ending at the start of the last line: the prompt and the Apply button name the same lines', async () => {
    const editor = await openFile('participant-all.ts', SOURCE);
    // Select All on a file ending with a newline ends at (5, 0): lines 1-5 to a person.
    editor.selection = new vscode.Selection(0, 0, 5, 0);
    server.enqueue(
      '/chat/completions',
      sseReply(
        textStream(
          'Documented:\n\n```ts\n/** Adds. */\nexport function add(a: number, b: number) {\n  return a - b;\n}\n\nexport const other = 1;\n```\n',
        ),
      ),
    );
    const { stream } = await ask({ command: 'doc' });
    assert.match(userContent(), /\(lines 1-5\)/);
    assert.doesNotMatch(userContent(), /lines 1-6/);
    assert.match(stream.buttons[0]?.title ?? '', /^Apply to participant-all\.ts \(lines 1-5\)$/);
  });

  it("/fix sends the range's diagnostics; its Apply button shows a diff of that range even when another editor is active", async () => {
    const editor = await openFile('participant-fix.ts', SOURCE);
    const doc = editor.document;
    diagnostics.set(doc.uri, [
      new vscode.Diagnostic(
        new vscode.Range(1, 9, 1, 14),
        'add() subtracts its arguments',
        vscode.DiagnosticSeverity.Error,
      ),
    ]);
    editor.selection = new vscode.Selection(0, 0, 2, 1);
    server.enqueue(
      '/chat/completions',
      sseReply(
        textStream('Here is the fix:\n\n```ts\nexport function add(a: number, b: number) {\n  return a + b;\n}\n```\n'),
      ),
    );
    const { stream, result } = await ask({ command: 'fix', model: { ...lmModel, vendor: 'other', id: 'gpt-x' } });

    assert.equal(result.errorDetails, undefined);
    const user = userContent();
    assert.match(
      user,
      /Fix these problems reported in the selected code, and change nothing else:\n- line 2, col 10, error: add\(\) subtracts its arguments/,
    );
    assert.match(user, /Selected code \(lines 1-3\), to be replaced by your reply:/);
    assert.equal(bodyOf().model, 'trinity-mini', 'a model of another vendor is not sent: arcee.model is');
    assert.equal(bodyOf().n, undefined);
    assert.deepEqual(
      api.participant.followups(result).map((f) => f.command),
      ['tests', 'doc'],
    );

    const [apply] = stream.buttons;
    assert.equal(apply.command, 'arcee.applyCode');
    assert.match(apply.title, /^Apply to participant-fix\.ts \(lines 1-3\)$/);
    // What the Chat view does with a button: the arguments travel as plain data to executeCommand.
    const args = JSON.parse(JSON.stringify(apply.arguments)) as unknown[];
    // Focus elsewhere and lose the selection: the button must still target the code it was about.
    await openFile('participant-other.ts', 'const unrelated = true;\n');
    editor.selection = new vscode.Selection(0, 0, 0, 0);
    const outcome = await vscode.commands.executeCommand<EditOutcome>(apply.command, ...args);
    assert.deepEqual(outcome, { state: 'review', candidates: 1 });
    const fixed = SOURCE.replace('a - b', 'a + b');
    await waitForPreview(fixed);
    assert.equal(doc.getText(), SOURCE, 'nothing changes before Accept');
    assert.equal(await vscode.commands.executeCommand('arcee.inlineEdit.accept'), true);
    assert.equal(doc.getText(), fixed);
  });

  it('Apply refuses, and changes nothing, when the code changed since the answer', async () => {
    const editor = await openFile('participant-stale.ts', SOURCE);
    editor.selection = new vscode.Selection(0, 0, 2, 1);
    server.enqueue(
      '/chat/completions',
      sseReply(textStream('```ts\nexport function add(a: number, b: number) {\n  return a + b;\n}\n```')),
    );
    const { stream } = await ask({ command: 'fix' });
    const [apply] = stream.buttons;
    assert.ok(apply, 'an Apply button');
    await editor.edit((b) => b.insert(new vscode.Position(1, 2), '// edited\n  '));
    const changed = editor.document.getText();
    const outcome = await vscode.commands.executeCommand<EditOutcome>(
      apply.command,
      ...((apply.arguments ?? []) as unknown[]),
    );
    assert.equal(outcome.state, 'conflict');
    assert.equal(editor.document.getText(), changed);
  });

  it('/doc uses the docs prompt on a referenced range (#selection) rather than the editor selection', async () => {
    const editor = await openFile('participant-doc.ts', SOURCE);
    editor.selection = new vscode.Selection(4, 0, 4, 24);
    server.enqueue(
      '/chat/completions',
      sseReply(textStream('```ts\n/** Adds. */\nexport function add(a: number, b: number) {\n  return a - b;\n}\n```')),
    );
    const location = new vscode.Location(editor.document.uri, new vscode.Range(0, 0, 2, 1));
    const { stream, result } = await ask({ command: 'doc', references: [{ id: 'vscode.selection', value: location }] });
    assert.equal(result.errorDetails, undefined);
    const user = userContent();
    assert.match(user, /Add documentation comments to the selected code/);
    assert.match(
      user,
      /Selected code \(lines 1-3\), to be replaced by your reply:\n```typescript\nexport function add/,
    );
    assert.ok(stream.references[0].range.isEqual(location.range));
    assert.deepEqual(
      api.participant.followups(result).map((f) => f.command),
      ['tests'],
    );
    assert.equal(stream.buttons[0]?.command, 'arcee.applyCode');
  });

  it("the Chat view's implicit selection is used; its implicit file and viewport give way to the editor's selection", async () => {
    const editor = await openFile('participant-implicit.ts', SOURCE);
    const doc = editor.document;
    editor.selection = new vscode.Selection(4, 0, 4, 24);
    const wholeFile = new vscode.Location(doc.uri, new vscode.Range(0, 0, 5, 0));
    await ask({
      command: 'explain',
      references: [
        { id: 'vscode.implicit.viewport', value: wholeFile },
        { id: 'vscode.implicit.file', value: doc.uri },
      ],
    });
    assert.match(userContent(0), /participant-implicit\.ts \(line 5\):\n```typescript\nexport const other = 1;\n```/);
    await ask({
      command: 'explain',
      references: [
        { id: 'vscode.implicit.selection', value: new vscode.Location(doc.uri, new vscode.Range(0, 0, 2, 1)) },
      ],
    });
    assert.match(userContent(1), /participant-implicit\.ts \(lines 1-3\):\n```typescript\nexport function add/);
  });

  it('/tests on an attached file (Uri reference) sends the tests prompt with the whole file', async () => {
    await openFile('participant-tests.ts', SOURCE);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const uri = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, 'participant-tests.ts');
    server.enqueue('/chat/completions', sseReply(textStream('```ts\ntest("add", () => {});\n```')));
    const { stream, result } = await ask({ command: 'tests', references: [{ id: 'vscode.file', value: uri }] });
    assert.equal(result.errorDetails, undefined);
    const body = bodyOf();
    assert.match(body.messages[0].content, /You write unit tests/);
    assert.match(
      userContent(),
      /Write unit tests for this code from participant-tests\.ts \(typescript, lines 1-5\):\n```typescript\nexport function add[\s\S]*export const other = 1;\n```/,
    );
    assert.equal(stream.buttons.length, 0, 'no Apply after /tests');
    assert.deepEqual(
      api.participant.followups(result).map((f) => f.command),
      ['explain'],
    );
  });

  it("a free-form question sends this participant's earlier turns, and shows reasoning as progress only", async () => {
    const editor = await openFile('participant-ask.ts', SOURCE);
    editor.selection = new vscode.Selection(0, 0, 2, 1);
    // History turns are the Chat view's own classes (their constructors are not in the typings).
    const RequestTurn = vscode.ChatRequestTurn as unknown as new (
      p: string,
      c: string | undefined,
      r: unknown[],
      id: string,
      t: unknown[],
    ) => vscode.ChatRequestTurn;
    const ResponseTurn = vscode.ChatResponseTurn as unknown as new (
      r: unknown[],
      result: vscode.ChatResult,
      id: string,
    ) => vscode.ChatResponseTurn;
    const history = [
      new RequestTurn('What does add do?', undefined, [], 'arcee.participant', []),
      new ResponseTurn([new vscode.ChatResponseMarkdownPart('It subtracts.')], {}, 'arcee.participant'),
      new RequestTurn('unrelated', undefined, [], 'someone.else', []),
      new ResponseTurn([new vscode.ChatResponseMarkdownPart('not ours')], {}, 'someone.else'),
      new RequestTurn('failed one', undefined, [], 'arcee.participant', []),
      new ResponseTurn([], { errorDetails: { message: 'x' } }, 'arcee.participant'),
    ];
    server.enqueue('/chat/completions', sseReply(sseFixture('reasoning'), { randomSplit: { seed: 3, maxPiece: 20 } }));
    const { stream, result } = await ask({ prompt: 'Why is that a bug?', history });

    assert.equal(result.errorDetails, undefined);
    const messages = bodyOf().messages;
    assert.deepEqual(messages.slice(1, 3), [
      { role: 'user', content: 'What does add do?' },
      { role: 'assistant', content: 'It subtracts.' },
    ]);
    assert.equal(messages.length, 4);
    assert.match(messages[3].content, /```typescript\nexport function add[\s\S]*```\n\nWhy is that a bug\?$/);
    assert.equal(stream.text, 'The answer is 42.');
    assert.ok(
      stream.parts.some((p) => p.kind === 'progress'),
      'reasoning shows as progress',
    );
    assert.ok(!JSON.stringify(stream.parts).includes('Let me think'), 'reasoning stays out of the answer');
    assert.deepEqual(
      api.participant.followups(result).map((f) => f.command),
      ['explain', 'fix'],
    );
  });

  it('with only a cursor, a command takes the function around it (as the selection commands do)', async () => {
    // A symbol provider for this test's files only, so the result does not depend on a language server.
    const symbols = vscode.languages.registerDocumentSymbolProvider(
      { pattern: '**/*.scopetest' },
      {
        provideDocumentSymbols: () => [
          new vscode.DocumentSymbol(
            'add',
            '',
            vscode.SymbolKind.Function,
            new vscode.Range(0, 0, 2, 1),
            new vscode.Range(0, 16, 0, 19),
          ),
        ],
      },
    );
    try {
      const editor = await openFile('participant-cursor.scopetest', SOURCE);
      editor.selection = new vscode.Selection(1, 4, 1, 4);
      server.enqueue(
        '/chat/completions',
        sseReply(textStream('```\nexport function add(a: number, b: number) {\n  return a + b;\n}\n```')),
      );
      const { stream, result } = await ask({ command: 'fix' });
      assert.equal(result.errorDetails, undefined);
      assert.match(
        userContent(),
        /Selected code \(lines 1-3\), to be replaced by your reply:\n```\w*\nexport function add\(a: number, b: number\) \{\n {2}return a - b;\n\}\n```/,
      );
      assert.ok(stream.references[0].range.isEqual(new vscode.Range(0, 0, 2, 1)));
      assert.ok(editor.selection.isEqual(new vscode.Selection(0, 0, 2, 1)), 'the editor shows what was taken');
    } finally {
      symbols.dispose();
    }
  });

  it('code too large for the picked model’s input limit is refused with advice, and nothing is sent', async () => {
    const editor = await openFile('participant-big.ts', `${'export const x = 1;\n'.repeat(200)}`);
    editor.selection = new vscode.Selection(0, 0, 200, 0);
    const small = {
      ...lmModel,
      id: lmModel.id,
      vendor: lmModel.vendor,
      maxInputTokens: 300,
    } as vscode.LanguageModelChat;
    const { stream, meta } = await ask({ command: 'explain', model: small });
    assert.match(stream.text, /Select less code, or pick a model with a larger context/);
    assert.equal(meta.ok, false);
    assert.equal(server.requestsTo('/chat/completions').length, 0);
  });

  it('with no selection and no reference, a command says what to select and sends nothing', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const { stream, result } = await ask({ command: 'fix' });
    assert.match(
      stream.text,
      /^Open a file and select the code to fix\. You can also attach code with `#selection` or `#file`/,
    );
    assert.equal(result.errorDetails, undefined);
    assert.deepEqual(api.participant.followups(result), []);
    assert.equal(server.requestsTo('/chat/completions').length, 0);
  });

  it("cancelling the chat's token aborts the HTTP request at the server", async () => {
    const editor = await openFile('participant-cancel.ts', SOURCE);
    editor.selection = new vscode.Selection(0, 0, 2, 1);
    const pieces = textStream('one two three four five six').split(/(?<=\n\n)/);
    server.enqueue('/chat/completions', sseReply(pieces, { stallAfterPieces: 2 }));
    const cts = new vscode.CancellationTokenSource();
    const stream = new RecordingStream();
    const first = stream.firstMarkdown();
    const answered = runAsk({ command: 'explain', token: cts.token }, stream);
    const [request] = await server.waitForRequests('/chat/completions');
    await within('the first text', first);
    cts.cancel();
    await within('the server to see the connection close', request.closed);
    assert.equal(request.closedEarly, true);
    const result = await within('the handler to return', answered);
    assert.equal(result.errorDetails, undefined, 'a cancel is not an error');
    assert.equal(stream.text, 'one two ');
    assert.deepEqual(api.participant.followups(result), []);
  });

  it('a 401 becomes a clear message with a Set API Key button; the key appears nowhere', async () => {
    const key = `rcai-${randomBytes(15)
      .toString('base64url')
      .replace(/[^A-Za-z0-9]/g, 'x')
      .slice(0, 20)}`;
    assert.equal(await vscode.commands.executeCommand<boolean>('arcee.setApiKey', key), true);
    try {
      const editor = await openFile('participant-401.ts', SOURCE);
      editor.selection = new vscode.Selection(0, 0, 2, 1);
      server.enqueue('/chat/completions', jsonReply(401, { detail: `Invalid API key ${key}` }));
      const { stream, result } = await ask({ command: 'explain' });
      assert.equal(server.requestsTo('/chat/completions')[0].headers.authorization, `Bearer ${key}`);
      assert.match(
        result.errorDetails?.message ?? '',
        /^The API key is missing or was not accepted\. Set one with "Arcee: Set API Key"\. \(401 Unauthorized: Invalid API key \[redacted\]\)$/,
      );
      assert.deepEqual(
        stream.buttons.map((b) => [b.title, b.command]),
        [
          ['Set API Key', 'arcee.setApiKey'],
          ['Show Log', 'arcee.showLog'],
        ],
      );
      const everything = JSON.stringify({ parts: stream.parts, result });
      assert.ok(!everything.includes(key), 'the key is in the chat output');
      assert.doesNotMatch(everything, /\[object Object\]|<html/i);
      assert.deepEqual(api.participant.followups(result), []);
    } finally {
      await vscode.commands.executeCommand('arcee.clearApiKey');
    }
  });

  it("no key for Arcee's own server: says so with a Set API Key button, without sending anything", async () => {
    await vscode.commands.executeCommand('arcee.clearApiKey');
    await setConfig({ baseUrl: 'https://api.arcee.ai/api/v1' });
    try {
      const { stream, result } = await ask({ prompt: 'hello' });
      assert.match(result.errorDetails?.message ?? '', /No Arcee API key is set/);
      assert.equal(stream.buttons[0]?.command, 'arcee.setApiKey');
    } finally {
      await setConfig({ baseUrl: server.baseUrl });
    }
  });
});
