// The selection commands and the inline edit engine, in code-server's extension host, against a fake server.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { EditOutcome } from '../../src/edit/inlineEdit';
import { FakeServer, jsonReply, sseReply, DEFAULT_MODELS, type RecordedRequest } from '../support/fakeServer';
import {
  diffTabs,
  openFile,
  proposedText,
  setConfig,
  until,
  waitForPreview,
  activateExtension,
} from '../support/hostTest';

interface Body {
  model: string;
  n?: number;
  stream: boolean;
  temperature?: number;
  messages: { role: string; content: string }[];
}

/**
 * SSE events answering each choice's text in small pieces (interleaved across choices), one event per body
 * piece, so a test can stall or cut after any of them.
 */
function choicesStream(texts: string[], finish: string | null = 'stop', pieceSize = 6): string[] {
  const events: string[] = [];
  const chunk = (index: number, delta: Record<string, unknown>, finishReason: string | null): string =>
    `data: ${JSON.stringify({ id: 'chatcmpl-edit', object: 'chat.completion.chunk', model: 'trinity-mini', choices: [{ index, delta, finish_reason: finishReason }] })}\n\n`;
  const pieces = texts.map((t) => t.match(new RegExp(`[\\s\\S]{1,${pieceSize}}`, 'g')) ?? []);
  const longest = Math.max(...pieces.map((p) => p.length));
  for (let i = 0; i < longest; i++) {
    pieces.forEach((p, index) => {
      if (i < p.length)
        events.push(chunk(index, i === 0 ? { role: 'assistant', content: p[i] } : { content: p[i] }, null));
    });
  }
  if (finish !== null) {
    texts.forEach((_t, index) => events.push(chunk(index, {}, finish)));
    events.push('data: [DONE]\n\n');
  }
  return events;
}

const fence = (code: string, lang = 'ts'): string =>
  `Here is the edited code:\n\n\`\`\`${lang}\n${code}\n\`\`\`\n\nI renamed it.`;

const body = (r: RecordedRequest): Body => r.json as Body;

function editOf(editor: vscode.TextEditor, instruction = 'rename x to count'): Thenable<EditOutcome> {
  return vscode.commands.executeCommand<EditOutcome>('arcee.editSelection', {
    uri: editor.document.uri,
    range: editor.selection,
    instruction,
  });
}

describe('selection commands and inline edits', function () {
  this.timeout(60_000);
  let server: FakeServer;
  const TINY = {
    id: 'tiny-context',
    name: 'Tiny',
    context_length: 300,
    input_modalities: ['text'],
    output_modalities: ['text'],
  };
  const models = (): ReturnType<typeof jsonReply> => jsonReply(200, { data: [...DEFAULT_MODELS.data, TINY] });

  before(async () => {
    server = await FakeServer.start();
    server.setDefault('/models', models());
    // Run alone (ARCEE_TEST_GREP), this suite may start before the host has registered the extension.
    await activateExtension();
    await setConfig({
      baseUrl: server.baseUrl,
      model: 'trinity-mini',
      temperature: 0.2,
      editAlternatives: undefined,
      chatTarget: undefined,
    });
  });
  after(async () => {
    await setConfig({
      baseUrl: undefined,
      model: undefined,
      temperature: undefined,
      editAlternatives: undefined,
      chatTarget: undefined,
    });
    await server.close();
  });
  beforeEach(() => {
    server.reset();
    server.setDefault('/models', models());
  });
  afterEach(async () => {
    await vscode.commands.executeCommand('arcee.inlineEdit.reject');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('Edit Selection: sends path, language, code and instruction; shows the diff; Accept is one undo step', async () => {
    const original = 'export function f() {\n  const x = 1;\n  return x + 1;\n}\n';
    const editor = await openFile('edit-accept.ts', original);
    editor.selection = new vscode.Selection(1, 0, 3, 0);
    server.enqueue('/chat/completions', sseReply(choicesStream([fence('const count = 1;\nreturn count + 1;')])));
    const outcome = await editOf(editor);
    assert.deepEqual(outcome, { state: 'review', candidates: 1 });

    const [request] = server.requestsTo('/chat/completions');
    const b = body(request);
    assert.equal(b.model, 'trinity-mini');
    assert.equal(b.stream, true);
    assert.equal(b.temperature, 0.2);
    assert.equal(b.n, undefined);
    assert.equal(b.messages[0].role, 'system');
    assert.match(b.messages[0].content, /ONE fenced code block/);
    const user = b.messages[1].content;
    assert.match(user, /^File: edit-accept\.ts\nLanguage: typescript\n/);
    assert.match(
      user,
      /Selected code \(lines 2-3\), to be replaced by your reply:\n```typescript\n {2}const x = 1;\n {2}return x \+ 1;\n```/,
    );
    assert.match(
      user,
      /Code before the selection \(context only, do not repeat it\):\n```typescript\nexport function f\(\) \{\n```/,
    );
    assert.match(user, /Instruction: rename x to count/);

    // The preview has the answer, re-indented; the file itself is untouched until Accept.
    const expected = 'export function f() {\n  const count = 1;\n  return count + 1;\n}\n';
    await waitForPreview(expected);
    assert.equal(editor.document.getText(), original);

    assert.equal(await vscode.commands.executeCommand('arcee.inlineEdit.accept'), true);
    assert.equal(editor.document.getText(), expected);
    assert.equal(diffTabs().length, 0, 'the diff is closed');
    await vscode.window.showTextDocument(editor.document);
    await vscode.commands.executeCommand('undo');
    assert.equal(editor.document.getText(), original, 'one undo restores the original');
  });

  it('Reject leaves the file byte-identical and unchanged in version', async () => {
    const original = 'let a = 1;\nlet b = 2;\n';
    const editor = await openFile('edit-reject.ts', original);
    const version = editor.document.version;
    editor.selection = new vscode.Selection(0, 0, 1, 10);
    server.enqueue('/chat/completions', sseReply(choicesStream([fence('let a = 10;\nlet b = 20;')])));
    assert.equal((await editOf(editor)).state, 'review');
    assert.equal(await vscode.commands.executeCommand('arcee.inlineEdit.reject'), true);
    assert.equal(editor.document.getText(), original);
    assert.equal(editor.document.version, version);
    assert.equal(editor.document.isDirty, false);
    assert.equal(diffTabs().length, 0);
  });

  it('Cancel while streaming closes the connection and changes nothing', async () => {
    const original = 'const v = 1;\n';
    const editor = await openFile('edit-cancel.ts', original);
    editor.selection = new vscode.Selection(0, 0, 0, 12);
    server.enqueue(
      '/chat/completions',
      sseReply(choicesStream([fence('const v = 2; // a long answer that never ends')]), { stallAfterPieces: 3 }),
    );
    const outcome = editOf(editor);
    const [request] = await server.waitForRequests('/chat/completions');
    await until('some streamed text in the preview', async () => (await proposedText()).includes('Here') || undefined);
    assert.equal(await vscode.commands.executeCommand('arcee.inlineEdit.cancel'), true);
    assert.equal((await outcome).state, 'cancelled');
    await request.closed;
    assert.equal(request.closedEarly, true);
    assert.equal(editor.document.getText(), original);
    assert.equal(diffTabs().length, 0);
  });

  it('CRLF file: the applied code has CRLF line endings only', async () => {
    const original = 'function g() {\r\n    return 1;\r\n}\r\n';
    const editor = await openFile('edit-crlf.ts', original);
    assert.equal(editor.document.eol, vscode.EndOfLine.CRLF);
    editor.selection = new vscode.Selection(0, 0, 3, 0);
    server.enqueue(
      '/chat/completions',
      sseReply(choicesStream([fence('function g() {\n    // one\n    return 1;\n}')])),
    );
    assert.equal((await editOf(editor, 'comment')).state, 'review');
    assert.equal(await vscode.commands.executeCommand('arcee.inlineEdit.accept'), true);
    const text = editor.document.getText();
    assert.equal(text, 'function g() {\r\n    // one\r\n    return 1;\r\n}\r\n');
    assert.doesNotMatch(text, /[^\r]\n/);
  });

  it('tab-indented file: a dedented, space-indented answer is re-based onto tabs', async () => {
    const original = 'class A {\n\tm() {\n\t\treturn 1;\n\t}\n}\n';
    const editor = await openFile('edit-tabs.ts', original);
    editor.selection = new vscode.Selection(1, 0, 4, 0);
    server.enqueue('/chat/completions', sseReply(choicesStream([fence('m() {\n  if (ok) {\n    return 2;\n  }\n}')])));
    assert.equal((await editOf(editor, 'guard')).state, 'review');
    assert.equal(await vscode.commands.executeCommand('arcee.inlineEdit.accept'), true);
    assert.equal(editor.document.getText(), 'class A {\n\tm() {\n\t\tif (ok) {\n\t\t\treturn 2;\n\t\t}\n\t}\n}\n');
  });

  it('the user edits the target range while it streams: the edit stops and their text is kept', async () => {
    const original = 'const keep = 1;\nconst target = 2;\n';
    const editor = await openFile('edit-conflict.ts', original);
    editor.selection = new vscode.Selection(1, 0, 1, 17);
    server.enqueue(
      '/chat/completions',
      sseReply(choicesStream([fence('const target = 3; // from the model')]), { pieceDelayMs: 40 }),
    );
    const outcome = editOf(editor);
    await server.waitForRequests('/chat/completions');
    const userEdit = new vscode.WorkspaceEdit();
    userEdit.replace(editor.document.uri, new vscode.Range(1, 6, 1, 12), 'mine');
    assert.equal(await vscode.workspace.applyEdit(userEdit), true);
    assert.equal((await outcome).state, 'conflict');
    assert.equal(editor.document.getText(), 'const keep = 1;\nconst mine = 2;\n');
    assert.equal(diffTabs().length, 0);
    assert.equal(await vscode.commands.executeCommand('arcee.inlineEdit.accept'), false, 'nothing is left to accept');
  });

  it('edits elsewhere and a switch to another editor while it streams are kept; the range follows', async () => {
    const editor = await openFile('edit-follow.ts', 'const a = 1;\nconst b = 2;\n');
    editor.selection = new vscode.Selection(1, 0, 1, 12);
    server.enqueue('/chat/completions', sseReply(choicesStream([fence('const b = 3;')]), { pieceDelayMs: 30 }));
    const outcome = editOf(editor, 'three');
    await server.waitForRequests('/chat/completions');
    const other = await openFile('edit-other.ts', 'other\n');
    const userEdit = new vscode.WorkspaceEdit();
    userEdit.insert(editor.document.uri, new vscode.Position(0, 0), '// header\n');
    await vscode.workspace.applyEdit(userEdit);
    assert.equal((await outcome).state, 'review');
    assert.equal(await vscode.commands.executeCommand('arcee.inlineEdit.accept'), true);
    assert.equal(editor.document.getText(), '// header\nconst a = 1;\nconst b = 3;\n');
    assert.equal(other.document.getText(), 'other\n');
  });

  it('a reply cut at max_tokens is not applied: it waits for review, and Accept applies what arrived', async () => {
    const original = 'const t = 1;\n';
    const editor = await openFile('edit-length.ts', original);
    editor.selection = new vscode.Selection(0, 0, 0, 12);
    server.enqueue('/chat/completions', sseReply(choicesStream(['```ts\nconst t = 2;\nconst u'], 'length')));
    assert.deepEqual(await editOf(editor), { state: 'truncated', candidates: 1 });
    assert.equal(editor.document.getText(), original);
    assert.equal(await vscode.commands.executeCommand('arcee.inlineEdit.accept'), true);
    assert.equal(editor.document.getText(), 'const t = 2;\nconst u\n');
  });

  it('a cut stream is reported as truncated and Retry asks again', async () => {
    const original = 'const r = 1;\n';
    const editor = await openFile('edit-cut.ts', original);
    editor.selection = new vscode.Selection(0, 0, 0, 12);
    server.enqueue(
      '/chat/completions',
      sseReply(choicesStream([fence('const r = 2;')]), { cutAfterPieces: 4, pieceDelayMs: 30 }),
    );
    assert.equal((await editOf(editor)).state, 'truncated');
    assert.equal(editor.document.getText(), original);
    server.enqueue('/chat/completions', sseReply(choicesStream([fence('const r = 3;')])));
    const retried = await vscode.commands.executeCommand<EditOutcome>('arcee.inlineEdit.retry');
    assert.equal(retried.state, 'review');
    assert.deepEqual(
      body(server.requestsTo('/chat/completions')[1]).messages,
      body(server.requestsTo('/chat/completions')[0]).messages,
    );
    assert.equal(await vscode.commands.executeCommand('arcee.inlineEdit.accept'), true);
    assert.equal(editor.document.getText(), 'const r = 3;\n');
  });

  it('alternatives: n in one request; step through them in the diff and accept the second', async () => {
    await setConfig({ editAlternatives: 3 });
    try {
      const editor = await openFile('edit-alts.ts', 'let s = 0;\n');
      editor.selection = new vscode.Selection(0, 0, 0, 10);
      server.enqueue(
        '/chat/completions',
        sseReply(choicesStream([fence('let s = 1;'), fence('let s = 2;'), fence('let s = 3;')])),
      );
      assert.deepEqual(await editOf(editor), { state: 'review', candidates: 3 });
      assert.equal(body(server.requestsTo('/chat/completions')[0]).n, 3);
      await waitForPreview('let s = 1;\n');
      assert.equal(await vscode.commands.executeCommand('arcee.inlineEdit.next'), 1);
      await waitForPreview('let s = 2;\n');
      assert.equal(await vscode.commands.executeCommand('arcee.inlineEdit.previous'), 0);
      assert.equal(await vscode.commands.executeCommand('arcee.inlineEdit.previous'), 2);
      assert.equal(await vscode.commands.executeCommand('arcee.inlineEdit.next'), 0);
      assert.equal(await vscode.commands.executeCommand('arcee.inlineEdit.next'), 1);
      assert.equal(await vscode.commands.executeCommand('arcee.inlineEdit.accept'), true);
      assert.equal(editor.document.getText(), 'let s = 2;\n');
    } finally {
      await setConfig({ editAlternatives: undefined });
    }
  });

  it('Fix Selection sends the diagnostics that touch the range; the lightbulb offers Fix with Arcee', async () => {
    const editor = await openFile('edit-fix.ts', 'const n: number = "one";\nconst ok = 1;\nconst far = 2;\n');
    const diagnostics = vscode.languages.createDiagnosticCollection('arcee-test');
    try {
      diagnostics.set(editor.document.uri, [
        Object.assign(
          new vscode.Diagnostic(
            new vscode.Range(0, 6, 0, 7),
            "Type 'string' is not assignable to type 'number'.",
            vscode.DiagnosticSeverity.Error,
          ),
          { source: 'ts', code: 2322 },
        ),
        new vscode.Diagnostic(new vscode.Range(2, 6, 2, 9), 'far is unused', vscode.DiagnosticSeverity.Warning),
      ]);
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
        'vscode.executeCodeActionProvider',
        editor.document.uri,
        new vscode.Range(0, 6, 0, 6),
      );
      const fix = actions.find((a) => a.title === 'Fix with Arcee');
      assert.ok(fix?.command, `no Fix with Arcee in ${actions.map((a) => a.title).join(', ')}`);
      assert.equal(fix.kind?.value, vscode.CodeActionKind.QuickFix.value);

      server.enqueue('/chat/completions', sseReply(choicesStream([fence('const n: number = 1;')])));
      const outcome = await vscode.commands.executeCommand<EditOutcome>(
        fix.command.command,
        ...((fix.command.arguments ?? []) as unknown[]),
      );
      assert.equal(outcome.state, 'review');
      const user = body(server.requestsTo('/chat/completions')[0]).messages[1].content;
      assert.match(
        user,
        /Fix these problems reported in the selected code, and change nothing else:\n- line 1, col 7, error \(ts 2322\): Type 'string' is not assignable to type 'number'\./,
      );
      assert.doesNotMatch(user, /far is unused/);
      assert.match(user, /Selected code \(line 1\)/);
      assert.equal(await vscode.commands.executeCommand('arcee.inlineEdit.accept'), true);
      assert.equal(editor.document.lineAt(0).text, 'const n: number = 1;');
    } finally {
      diagnostics.dispose();
    }
  });

  it('the refactor lightbulb offers Edit with Arcee… and Explain with Arcee on a selection', async () => {
    const editor = await openFile('edit-actions.ts', 'const x = 1;\n');
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      editor.document.uri,
      new vscode.Range(0, 0, 0, 12),
      vscode.CodeActionKind.RefactorRewrite.value,
    );
    const titles = actions.map((a) => a.title);
    assert.ok(titles.includes('Edit with Arcee…') && titles.includes('Explain with Arcee'), titles.join(', '));
  });

  it('Add Docs to Selection asks for comments only, and with no selection takes the function around the cursor', async () => {
    const editor = await openFile(
      'edit-docs.ts',
      'const before = 0;\n\nfunction twice(v: number) {\n  return v * 2;\n}\n',
    );
    const symbols = vscode.languages.registerDocumentSymbolProvider(
      { pattern: '**/edit-docs.ts' },
      {
        provideDocumentSymbols: () => [
          new vscode.DocumentSymbol(
            'twice',
            '',
            vscode.SymbolKind.Function,
            new vscode.Range(2, 0, 4, 1),
            new vscode.Range(2, 9, 2, 14),
          ),
        ],
      },
    );
    try {
      editor.selection = new vscode.Selection(3, 4, 3, 4);
      server.enqueue(
        '/chat/completions',
        sseReply(choicesStream([fence('/** Doubles v. */\nfunction twice(v: number) {\n  return v * 2;\n}')])),
      );
      const outcome = await vscode.commands.executeCommand<EditOutcome>('arcee.addDocsToSelection');
      assert.equal(outcome.state, 'review');
      const user = body(server.requestsTo('/chat/completions')[0]).messages[1].content;
      assert.match(user, /Selected code \(lines 3-5\)/);
      assert.match(user, /Add documentation comments/);
      assert.equal(await vscode.commands.executeCommand('arcee.inlineEdit.accept'), true);
      assert.equal(
        editor.document.getText(),
        'const before = 0;\n\n/** Doubles v. */\nfunction twice(v: number) {\n  return v * 2;\n}\n',
      );

      // Outside any function: nothing is sent.
      // Accept showed the document again, in a new TextEditor.
      const active = vscode.window.activeTextEditor!;
      assert.equal(active.document, editor.document);
      active.selection = new vscode.Selection(1, 0, 1, 0);
      assert.equal(await vscode.commands.executeCommand('arcee.addDocsToSelection'), undefined);
      assert.equal(server.requestsTo('/chat/completions').length, 1);
    } finally {
      symbols.dispose();
    }
  });

  it('a selection larger than the model context is refused before anything is sent', async () => {
    await setConfig({ model: 'tiny-context' });
    try {
      const editor = await openFile('edit-big.ts', `${'const big = "0123456789";\n'.repeat(80)}`);
      editor.selection = new vscode.Selection(0, 0, 80, 0);
      assert.equal(await editOf(editor), undefined);
      assert.equal(server.requestsTo('/chat/completions').length, 0);
      assert.equal(diffTabs().length, 0);
    } finally {
      await setConfig({ model: 'trinity-mini' });
    }
  });

  it('Write Tests for Selection streams code only into a new untitled editor in the same language', async () => {
    const editor = await openFile('edit-tests.py', 'def add(a, b):\n    return a + b\n');
    editor.selection = new vscode.Selection(0, 0, 2, 0);
    server.enqueue(
      '/chat/completions',
      sseReply(
        choicesStream([
          '<think>pytest is usual</think>Sure!\n```python\nfrom edit_tests import add\n\ndef test_add():\n    assert add(1, 2) == 3\n```\nRun with pytest.',
        ]),
      ),
    );
    const result = await vscode.commands.executeCommand<{ document: vscode.TextDocument; state: string }>(
      'arcee.writeTestsForSelection',
    );
    assert.equal(result.state, 'done');
    assert.equal(result.document.isUntitled, true);
    assert.equal(result.document.languageId, 'python');
    assert.equal(
      result.document.getText(),
      'from edit_tests import add\n\ndef test_add():\n    assert add(1, 2) == 3\n',
    );
    const b = body(server.requestsTo('/chat/completions')[0]);
    assert.match(b.messages[0].content, /complete, runnable test file/);
    assert.match(
      b.messages[1].content,
      /^Write unit tests for this code from edit-tests\.py \(python, lines 1-2\):\n```python\ndef add/,
    );
  });

  it('Explain Selection and Ask About Selection stream into the chat with the code as context', async () => {
    const editor = await openFile('edit-explain.ts', 'const z = [1, 2].map((v) => v * 2);\n');
    editor.selection = new vscode.Selection(0, 0, 0, 35);
    server.enqueue('/chat/completions', sseReply(choicesStream(['It doubles each number.'])));
    assert.equal(await vscode.commands.executeCommand('arcee.explainSelection'), true);
    const explain = body(server.requestsTo('/chat/completions')[0]);
    const last = explain.messages.at(-1)!.content;
    assert.match(
      last,
      /^edit-explain\.ts \(line 1\):\n```typescript\nconst z = \[1, 2\]\.map\(\(v\) => v \* 2\);\n```\n\n/,
    );
    assert.match(last, /Explain the selected code from edit-explain\.ts \(typescript, line 1\)/);
    assert.equal(explain.model, 'trinity-mini');

    await setConfig({ chatTarget: 'panel' });
    try {
      server.enqueue('/chat/completions', sseReply(choicesStream(['Because map returns a new array.'])));
      await vscode.window.showTextDocument(editor.document);
      assert.equal(
        await vscode.commands.executeCommand('arcee.askAboutSelection', {
          uri: editor.document.uri,
          range: new vscode.Range(0, 0, 0, 35),
          question: 'Why const?',
        }),
        true,
      );
      const ask = body(server.requestsTo('/chat/completions')[1]);
      assert.match(
        ask.messages.at(-1)!.content,
        /About the selected code from edit-explain\.ts \(typescript, line 1\): Why const\?$/,
      );
      const panel = vscode.window.tabGroups.all
        .flatMap((g) => g.tabs)
        .find((t) => t.input instanceof vscode.TabInputWebview && t.label === 'Arcee Chat');
      assert.ok(panel, 'the answer went to the chat panel');
    } finally {
      await setConfig({ chatTarget: undefined });
    }
  });
});
