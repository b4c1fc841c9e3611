// The chat's Apply in code-server's extension host: the code block goes through the inline edit diff (no model
// request), and only Accept changes the file.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { EditOutcome } from '../../src/edit/inlineEdit';
import { diffTabs, openFile, until, waitForPreview, activateExtension } from '../support/hostTest';

/** What the chat does on Apply: `{type:'code/apply', code, language}` → runCodeAction → this command. */
function apply(code: string, language = 'typescript'): Thenable<EditOutcome | undefined> {
  return vscode.commands.executeCommand<EditOutcome | undefined>('arcee.applyCode', code, language);
}

describe('chat Apply through the inline edit diff', function () {
  this.timeout(60_000);

  before(async () => {
    // Run alone (ARCEE_TEST_GREP), this suite may start before the host has registered the extension.
    await activateExtension();
  });
  afterEach(async () => {
    await vscode.commands.executeCommand('arcee.inlineEdit.reject');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('shows the diff and leaves the file untouched; Accept applies it as one undo step', async () => {
    const original = 'export function f(a: number, b: number) {\n  const x = a;\n  return x - b;\n}\n';
    const editor = await openFile('apply-accept.ts', original);
    const version = editor.document.version;
    editor.selection = new vscode.Selection(1, 0, 3, 0);
    // A chat block is usually unindented: it is re-based onto the selection's indentation.
    assert.deepEqual(await apply('const x = a;\nreturn x + b;\n'), { state: 'review', candidates: 1 });

    const expected = 'export function f(a: number, b: number) {\n  const x = a;\n  return x + b;\n}\n';
    await waitForPreview(expected);
    assert.equal(diffTabs().length, 1);
    assert.equal(editor.document.getText(), original, 'nothing changes before Accept');
    assert.equal(editor.document.version, version);

    assert.equal(await vscode.commands.executeCommand('arcee.inlineEdit.accept'), true);
    assert.equal(editor.document.getText(), expected);
    assert.equal(diffTabs().length, 0, 'the diff is closed');
    await vscode.window.showTextDocument(editor.document);
    await vscode.commands.executeCommand('undo');
    assert.equal(editor.document.getText(), original, 'one undo restores the original');
  });

  it('Reject leaves the file byte-identical, unchanged in version and not dirty', async () => {
    const original = 'let a = 1;\nlet b = 2;\n';
    const editor = await openFile('apply-reject.ts', original);
    const version = editor.document.version;
    editor.selection = new vscode.Selection(0, 0, 1, 10);
    assert.equal((await apply('let a = 10;\nlet b = 20;'))?.state, 'review');
    await waitForPreview('let a = 10;\nlet b = 20;\n');
    assert.equal(await vscode.commands.executeCommand('arcee.inlineEdit.reject'), true);
    assert.equal(editor.document.getText(), original);
    assert.equal(editor.document.version, version);
    assert.equal(editor.document.isDirty, false);
    assert.equal(diffTabs().length, 0);
  });

  it('CRLF file: the applied code has CRLF line endings only', async () => {
    const original = 'function g() {\r\n    return 1;\r\n}\r\n';
    const editor = await openFile('apply-crlf.ts', original);
    assert.equal(editor.document.eol, vscode.EndOfLine.CRLF);
    editor.selection = new vscode.Selection(0, 0, 3, 0);
    assert.equal((await apply('function g() {\n    // one\n    return 1;\n}\n'))?.state, 'review');
    assert.equal(await vscode.commands.executeCommand('arcee.inlineEdit.accept'), true);
    const text = editor.document.getText();
    assert.equal(text, 'function g() {\r\n    // one\r\n    return 1;\r\n}\r\n');
    assert.doesNotMatch(text, /[^\r]\n/);
  });

  it('code with fences or <think> in it is applied as it is, not extracted like a model reply', async () => {
    const original = 'old\n';
    const editor = await openFile('apply-verbatim.md', original);
    editor.selection = new vscode.Selection(0, 0, 1, 0);
    const code = 'Intro <think>kept</think>\n\n```ts\nconst a = 1;\n```\n';
    assert.equal((await apply(code, 'markdown'))?.state, 'review');
    assert.equal(await vscode.commands.executeCommand('arcee.inlineEdit.accept'), true);
    assert.equal(editor.document.getText(), code);
  });

  it('an edit inside the range drops the proposal; Retry has nothing to ask again', async () => {
    const editor = await openFile('apply-conflict.ts', 'const keep = 1;\nconst target = 2;\n');
    editor.selection = new vscode.Selection(1, 0, 1, 17);
    assert.equal((await apply('const target = 3;'))?.state, 'review');
    assert.equal(
      await vscode.commands.executeCommand('arcee.inlineEdit.retry'),
      undefined,
      'Retry is a no-op for a proposal',
    );
    assert.equal(diffTabs().length, 1, 'the proposal is still there after Retry');

    const userEdit = new vscode.WorkspaceEdit();
    userEdit.replace(editor.document.uri, new vscode.Range(1, 6, 1, 12), 'mine');
    assert.equal(await vscode.workspace.applyEdit(userEdit), true);
    await until('the diff to close', () => diffTabs().length === 0);
    assert.equal(await vscode.commands.executeCommand('arcee.inlineEdit.accept'), false, 'nothing is left to accept');
    assert.equal(editor.document.getText(), 'const keep = 1;\nconst mine = 2;\n');
  });

  it('with an empty selection nothing is proposed and the file is not touched', async () => {
    const original = 'const c = 1;\n';
    const editor = await openFile('apply-empty.ts', original);
    editor.selection = new vscode.Selection(0, 3, 0, 3);
    assert.equal(await apply('const c = 2;'), undefined);
    assert.equal(diffTabs().length, 0);
    assert.equal(editor.document.getText(), original);
  });
});
