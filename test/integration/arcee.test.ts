// Runs inside code-server's extension host against a fake OpenAI-compatible server on 127.0.0.1 started here.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ConnectionResult } from '../../src/commands/connection';
import { FakeServer, jsonReply, sseReply, textStream } from '../support/fakeServer';
import { setConfig, until } from '../support/hostTest';

const KEY = 'rcai-integration-0123456789abcdef';

describe('Arcee extension against a fake server', function () {
  this.timeout(60_000);
  let server: FakeServer;

  before(async () => {
    server = await FakeServer.start();
    await vscode.extensions.getExtension('arcee-community.arcee-vscode')!.activate();
    await setConfig({ baseUrl: server.baseUrl, model: 'trinity-mini', temperature: 0.15, topP: 0.75, seed: 11 });
  });
  after(async () => {
    await vscode.commands.executeCommand('arcee.clearApiKey');
    await setConfig({ baseUrl: undefined, model: undefined, temperature: undefined, topP: undefined, seed: undefined });
    await server.close();
  });
  beforeEach(() => server.reset());

  /** What the "Arcee" log channel wrote: the harness keeps XDG_* and the user data dir under one run folder. */
  function arceeLog(): string {
    const runRoot = path.resolve(process.env.XDG_CONFIG_HOME ?? '', '..', '..');
    const logFiles = (dir: string): string[] =>
      fs.existsSync(dir)
        ? fs
            .readdirSync(dir, { withFileTypes: true })
            .flatMap((e) =>
              e.isDirectory()
                ? logFiles(path.join(dir, e.name))
                : /Arcee\.log$/.test(e.name)
                  ? [path.join(dir, e.name)]
                  : [],
            )
        : [];
    return logFiles(path.join(runRoot, 'user'))
      .map((f) => fs.readFileSync(f, 'utf8'))
      .join('\n');
  }

  it('sets the key, uses it as a bearer token, and clears it again', async () => {
    assert.equal(await vscode.commands.executeCommand<boolean>('arcee.setApiKey', `  ${KEY}  `), true);
    const withKey = await vscode.commands.executeCommand<ConnectionResult>('arcee.testConnection');
    assert.equal(withKey.ok, true);
    assert.equal(server.requestsTo('/chat/completions')[0].headers.authorization, `Bearer ${KEY}`);

    assert.equal(await vscode.commands.executeCommand<boolean>('arcee.clearApiKey'), true);
    const without = await vscode.commands.executeCommand<ConnectionResult>('arcee.testConnection');
    assert.equal(without.ok, true, 'a local server needs no key');
    assert.equal(server.requestsTo('/chat/completions')[1].headers.authorization, undefined);
  });

  it('streams one request with the settings as request fields and reports the answering model', async () => {
    await vscode.commands.executeCommand('arcee.setApiKey', KEY);
    server.enqueue('/chat/completions', sseReply(textStream('OK', 'trinity-large-preview'), { pieceDelayMs: 10 }));
    const result = await vscode.commands.executeCommand<ConnectionResult>('arcee.testConnection');
    assert.equal(result.ok, true);
    assert.equal(result.text, 'OK');
    assert.equal(result.model, 'trinity-large-preview');
    assert.ok(
      result.firstTokenMs !== undefined && result.totalMs !== undefined && result.firstTokenMs <= result.totalMs,
    );
    const body = server.requestsTo('/chat/completions')[0].json as Record<string, unknown>;
    assert.equal(body.model, 'trinity-mini');
    assert.equal(body.temperature, 0.15);
    assert.equal(body.top_p, 0.75);
    assert.equal(body.seed, 11);
    assert.equal(body.stream, true);
    assert.deepEqual(body.stream_options, { include_usage: true });
  });

  it('logs requests to the "Arcee" log channel with the key redacted', async () => {
    await vscode.commands.executeCommand('arcee.setApiKey', KEY);
    server.enqueue('/chat/completions', jsonReply(401, { detail: `Key ${KEY} is not valid` }));
    await vscode.commands.executeCommand('arcee.testConnection');
    const text = await until('the Arcee log to show the 401', () => {
      const all = arceeLog();
      return /auth 401/.test(all) ? all : undefined;
    });
    assert.match(text, /POST http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions model=trinity-mini stream=true/);
    assert.ok(!text.includes(KEY), 'the key reached the log');
    assert.match(text, /\[redacted\]/);
  });

  it('a timeout names the setting that sets the limit', async () => {
    await setConfig({ firstByteTimeoutMs: 1000 });
    try {
      server.enqueue('/chat/completions', sseReply(textStream('late'), { headerDelayMs: 4000 }));
      const result = await vscode.commands.executeCommand<ConnectionResult>('arcee.testConnection');
      assert.deepEqual(result, { ok: false, errorKind: 'timeout' });
      const line = await until('the Arcee log to show the timeout', () => arceeLog().match(/timeout: .*/)?.[0]);
      assert.match(
        line,
        /has not started to answer within 1 s\. Try again, or raise the arcee\.firstByteTimeoutMs setting\./,
      );
    } finally {
      await setConfig({ firstByteTimeoutMs: undefined });
    }
  });

  it('reports a failure by kind without throwing', async () => {
    server.enqueue('/chat/completions', jsonReply(401, { detail: 'Invalid API key' }));
    const result = await vscode.commands.executeCommand<ConnectionResult>('arcee.testConnection');
    assert.deepEqual(result, { ok: false, errorKind: 'auth' });
  });

  it('picks a model from the /models list in the quick pick', async () => {
    await setConfig({ model: 'trinity-mini' });
    // Newer VS Codes ask the language-model provider for the list whenever the key or settings change, so the
    // catalogue may be fresh already; a refresh makes the request this test checks happen now.
    await vscode.commands.executeCommand('arcee.manageLanguageModels', 'refresh');
    await server.waitForRequests('/models');
    const picked = vscode.commands.executeCommand<string | undefined>('arcee.selectModel');
    // The list opens on the current model; the next row is the second model of the fake catalogue.
    await new Promise((r) => setTimeout(r, 300));
    await vscode.commands.executeCommand('workbench.action.quickOpenSelectNext');
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    assert.equal(await picked, 'trinity-large-thinking');
    assert.equal(vscode.workspace.getConfiguration('arcee').get('model'), 'trinity-large-thinking');
    assert.equal(server.requestsTo('/models')[0].headers.authorization, `Bearer ${KEY}`);

    // The next request uses the picked model.
    await vscode.commands.executeCommand('arcee.testConnection');
    assert.equal((server.requestsTo('/chat/completions')[0].json as { model: string }).model, 'trinity-large-thinking');
  });

  it('switches model directly when given an id (keybinding argument)', async () => {
    assert.equal(await vscode.commands.executeCommand('arcee.selectModel', 'spotlight'), 'spotlight');
    await until(
      'the setting',
      () => vscode.workspace.getConfiguration('arcee').get('model') === 'spotlight' || undefined,
    );
  });

  it('refetches models after the base URL changes', async () => {
    const other = await FakeServer.start();
    try {
      other.setDefault('/models', jsonReply(200, { data: [{ id: 'local-llama' }] }));
      await setConfig({ baseUrl: other.baseUrl });
      const picked = vscode.commands.executeCommand<string | undefined>('arcee.selectModel');
      await other.waitForRequests('/models');
      await new Promise((r) => setTimeout(r, 300));
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      assert.equal(await picked, 'local-llama');
    } finally {
      await setConfig({ baseUrl: server.baseUrl });
      await other.close();
    }
  });
});

describe('chat commands', function () {
  this.timeout(60_000);

  it('Add Selection to Chat makes a context chip with path, 1-based lines and language', async () => {
    const folder = vscode.workspace.workspaceFolders![0].uri;
    const file = vscode.Uri.joinPath(folder, 'chip.ts');
    await vscode.workspace.fs.writeFile(file, new TextEncoder().encode('line1\nconst a = 1;\nconst b = 2;\nline4\n'));
    const editor = await vscode.window.showTextDocument(file);
    // Lines 2-3, ending at column 0 of line 4: line 4 is not part of the selection.
    editor.selection = new vscode.Selection(1, 0, 3, 0);
    const chip = await vscode.commands.executeCommand<{
      path: string;
      startLine: number;
      endLine: number;
      language: string;
      text: string;
    }>('arcee.addSelectionToChat');
    assert.ok(chip);
    assert.deepEqual(
      [chip.path, chip.startLine, chip.endLine, chip.language, chip.text],
      ['chip.ts', 2, 3, 'typescript', 'const a = 1;\nconst b = 2;\n'],
    );
  });

  it('Open Chat in Editor opens the chat as an editor tab', async () => {
    await vscode.commands.executeCommand('arcee.openChatInEditor');
    const tab = await until('the chat tab', () =>
      vscode.window.tabGroups.all
        .flatMap((g) => g.tabs)
        .find((t) => t.input instanceof vscode.TabInputWebview && t.label === 'Arcee Chat'),
    );
    assert.ok(tab);
    await vscode.window.tabGroups.close(tab);
  });

  it('Export Chat says there is nothing to export for an empty chat', async () => {
    assert.equal(await vscode.commands.executeCommand('arcee.exportChat', 'c-does-not-exist'), undefined);
  });
});
