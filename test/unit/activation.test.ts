// What activation loads and registers, without timing it (that is `npm run bench`'s activation part): the
// production bundles, built into a temporary folder, loaded with a stand-in `vscode` that records every call.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildProduction, forget, loadAndActivate, type Activation, type StubCall } from '../support/activation';
import { repoRoot } from '../support/paths';

/** The feature code that must not load at start-up: the chat's host, inline edits, tools, @arcee's answers, the LM mapping, the client. */
const LAZY = [
  'src/webview/chatHost.ts',
  'src/webview/chatController.ts',
  'src/chat/store.ts',
  'src/edit/inlineEdit.ts',
  'src/edit/editMarks.ts',
  'src/tools/workspaceTools.ts',
  'src/tools/definitions.ts',
  'src/participant/answer.ts',
  'src/participant/plan.ts',
  'src/lm/mapping.ts',
  'src/lm/respond.ts',
  'src/providers/client.ts',
  'src/providers/stream.ts',
];

interface Manifest {
  contributes: { commands: { command: string }[] };
}

describe('activation (production bundle, stand-in vscode)', function () {
  this.timeout(60_000);
  let dir: string;
  let meta: Record<'extension.js' | 'features.js', string[]>;
  let run: Activation;
  const called = (p: string): StubCall[] => run.calls.filter((c) => c.path === p);
  const firstArgs = (p: string): unknown[] => called(p).map((c) => c.args[0]);

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'arcee-activation-'));
    buildProduction(dir);
    meta = JSON.parse(fs.readFileSync(path.join(dir, 'meta.json'), 'utf8')) as typeof meta;
    run = loadAndActivate(path.join(dir, 'extension.js'), { record: true, countCopies: true });
  });

  after(() => {
    run?.restore();
    forget(dir);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the feature code out of the start-up bundle, in the one loaded on first use', () => {
    for (const m of LAZY) {
      assert.ok(!meta['extension.js'].includes(m), `${m} is in dist/extension.js`);
      assert.ok(meta['features.js'].includes(m), `${m} is not in dist/features.js`);
    }
  });

  it('requires nothing but vscode while loading and activating: not the feature bundle, nor the Node modules it uses', () => {
    assert.deepEqual([...new Set(run.required)], ['vscode']);
  });

  it('copies the vscode API object at most once (esbuild ESM interop lists its names to copy it)', () => {
    assert.ok(run.apiCopies <= 1, `the API object was copied ${run.apiCopies} times`);
  });

  it('registers every contributed command and the Apply command', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as Manifest;
    const expected = [...manifest.contributes.commands.map((c) => c.command), 'arcee.applyCode'].sort();
    assert.deepEqual((firstArgs('vscode.commands.registerCommand') as string[]).sort(), expected);
  });

  it('registers the chat view, panel serializer, participant, code actions, edit scheme, context key and status bar', () => {
    assert.deepEqual(firstArgs('vscode.window.registerWebviewViewProvider'), ['arcee.chatView']);
    assert.deepEqual(firstArgs('vscode.window.registerWebviewPanelSerializer'), ['arcee.chatPanel']);
    assert.deepEqual(firstArgs('vscode.chat.createChatParticipant'), ['arcee.participant']);
    assert.equal(called('vscode.languages.registerCodeActionsProvider').length, 1);
    assert.deepEqual(firstArgs('vscode.workspace.registerTextDocumentContentProvider'), ['arcee-edit']);
    assert.deepEqual(
      called('vscode.commands.executeCommand').map((c) => c.args.slice(0, 2)),
      [['setContext', 'arcee.vscodeChat']],
    );
    assert.deepEqual(firstArgs('vscode.window.createStatusBarItem'), ['arcee.model', 'arcee.completions']);
    // Completions are off by default: VS Code is not asked for ghost text at all.
    assert.equal(called('vscode.languages.registerInlineCompletionItemProvider').length, 0);
  });

  it('registers the language-model provider and fires its change event right after', () => {
    const registered = run.calls.findIndex((c) => c.path === 'vscode.lm.registerLanguageModelChatProvider');
    assert.ok(registered >= 0, 'no language-model provider');
    assert.equal(run.calls[registered].args[0], 'arcee');
    assert.ok(
      run.calls.slice(registered + 1).some((c) => c.path === 'new vscode.EventEmitter.fire'),
      'no change event after the registration',
    );
  });

  it('loads the feature bundle on the first call of a command that needs it', async () => {
    const accept = called('vscode.commands.registerCommand').find((c) => c.args[0] === 'arcee.inlineEdit.accept')
      ?.args[1];
    assert.equal(typeof accept, 'function');
    assert.equal(await (accept as () => Promise<boolean>)(), false, 'no edit is under review');
    assert.ok(run.required.includes('./features.js'), 'dist/features.js was not loaded');
  });
});
