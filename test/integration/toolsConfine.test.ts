// The workspace tools and symbolic links out of the workspace, in code-server's extension host: a hostile
// repository's `vendor/notes` links to a folder outside with a canary file; with search.followSymlinks on,
// no tool may send that file's name or text back. Files that may hold secrets are read only when allowed.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { preflightWorkspaceTool, runWorkspaceTool } from '../../src/tools/workspaceTools';
import { FakeServer, sseReply, textStream, toolCallStream } from '../support/fakeServer';
import { openFile, setConfig, workspaceUri, activateExtension } from '../support/hostTest';

const CANARY = 'canary-4d1f-outside-text';
const SECRET = 'canary-8b2e-secret-value';

const tool = (name: string, args: unknown, checked?: Parameters<typeof runWorkspaceTool>[3]): Promise<string> =>
  runWorkspaceTool(name, JSON.stringify(args), new AbortController().signal, checked);

describe('workspace tools stay inside the workspace', function () {
  this.timeout(60_000);
  let outside: string;
  let root: string;

  before(async () => {
    await activateExtension();
    await vscode.workspace.getConfiguration('search').update('followSymlinks', true, vscode.ConfigurationTarget.Global);
    outside = fs.mkdtempSync(path.join(os.tmpdir(), 'arcee-outside-'));
    root = path.join(workspaceUri().fsPath, 'confine');
    assert.ok(!fs.realpathSync(outside).startsWith(fs.realpathSync(workspaceUri().fsPath)), 'outside is outside');
    fs.writeFileSync(path.join(outside, 'canary.txt'), `${CANARY}\n`);
    fs.mkdirSync(path.join(outside, 'deeper'));
    fs.writeFileSync(path.join(outside, 'deeper', 'more.ts'), `export const x = "${CANARY}";\n`);
    fs.mkdirSync(path.join(root, 'vendor'), { recursive: true });
    fs.mkdirSync(path.join(root, 'src'), { recursive: true });
    fs.symlinkSync(outside, path.join(root, 'vendor', 'notes'), 'dir');
    fs.symlinkSync(path.join(outside, 'canary.txt'), path.join(root, 'notes.txt'));
    fs.writeFileSync(path.join(root, 'src', 'real.ts'), 'export const real = "inside-target";\n');
    fs.symlinkSync('real.ts', path.join(root, 'src', 'link.ts'));
    fs.writeFileSync(path.join(root, 'plain.txt'), 'inside-target too\n');
    fs.writeFileSync(path.join(root, '.env'), `API_KEY=${SECRET}\n`);
    fs.writeFileSync(path.join(root, '.env.example'), 'API_KEY=\n');
    fs.symlinkSync('.env', path.join(root, 'settings.txt'));
  });
  after(async () => {
    await vscode.workspace
      .getConfiguration('search')
      .update('followSymlinks', undefined, vscode.ConfigurationTarget.Global);
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(outside, { recursive: true, force: true });
  });

  it('VS Code’s file search does follow the link out (the hole the tools must close)', async () => {
    const found = await vscode.workspace.findFiles('confine/**');
    const names = found.map((u) => vscode.workspace.asRelativePath(u)).sort();
    assert.ok(names.includes('confine/vendor/notes/canary.txt'), names.join(', '));
  });

  it('read_file through a folder link or a file link out is refused, saying why, without the outside path', async () => {
    for (const p of ['confine/vendor/notes/canary.txt', 'confine/vendor/notes/deeper/more.ts', 'confine/notes.txt']) {
      const refusal = await tool('read_file', { path: p }).then(
        (text) => assert.fail(`read ${p}: ${text}`),
        (e: Error) => e.message,
      );
      assert.equal(
        refusal,
        `"${p}" is a symbolic link (or lies under one) that leads outside the workspace; only files inside the workspace can be read.`,
      );
      assert.deepEqual(await preflightWorkspaceTool('read_file', JSON.stringify({ path: p })), { refused: refusal });
    }
  });

  it('get_diagnostics with a path through a link out is refused too', async () => {
    await assert.rejects(
      tool('get_diagnostics', { path: 'confine/vendor/notes/deeper/more.ts' }),
      /leads outside the workspace/,
    );
  });

  it('search_text for the outside text finds nothing, and counts what it left out without naming it', async () => {
    const out = await tool('search_text', { query: CANARY, glob: 'confine/**' });
    // The query is echoed ("No matches for …"); no matching line may come back.
    assert.doesNotMatch(out, /:\d+: /);
    assert.ok(!out.includes(path.basename(outside)) && !out.includes('vendor/notes'), out);
    assert.match(out, /^No matches for "canary-4d1f-outside-text" in \d+ files\./);
    assert.match(out, /\n\(3 files left out: symbolic links that lead outside the workspace/);
    const regex = await tool('search_text', { query: 'canary-4d1f', isRegex: true, glob: 'confine/**' });
    assert.ok(!regex.includes(CANARY), regex);
    assert.match(regex, /^No matches for \/canary-4d1f\//);
  });

  it('list_files leaves out what leads outside, keeps a link that stays inside, and shows secret files by name', async () => {
    const out = await tool('list_files', { glob: 'confine/**' });
    assert.deepEqual(out.split('\n'), [
      'confine/.env',
      'confine/.env.example',
      'confine/plain.txt',
      'confine/settings.txt',
      'confine/src/link.ts',
      'confine/src/real.ts',
      '(3 files left out: symbolic links that lead outside the workspace, which the tools do not follow)',
    ]);
  });

  it('a link that stays inside is read, and its preflight says where it leads', async () => {
    assert.deepEqual(await preflightWorkspaceTool('read_file', '{"path":"confine/src/link.ts"}'), {
      path: 'confine/src/link.ts',
      realPath: 'confine/src/real.ts',
    });
    const checked = await preflightWorkspaceTool('read_file', '{"path":"confine/src/link.ts"}');
    assert.equal(
      await tool('read_file', { path: 'confine/src/link.ts' }, checked),
      'confine/src/link.ts:\n1  export const real = "inside-target";',
    );
    assert.deepEqual(await preflightWorkspaceTool('read_file', '{"path":"confine/plain.txt"}'), {});
  });

  it('a link retargeted after the user saw the call is refused', async () => {
    const checked = await preflightWorkspaceTool('read_file', '{"path":"confine/src/link.ts"}');
    const link = path.join(root, 'src', 'link.ts');
    fs.unlinkSync(link);
    fs.symlinkSync(path.join('..', 'plain.txt'), link);
    try {
      await assert.rejects(tool('read_file', { path: 'confine/src/link.ts' }, checked), /changed after the user saw/);
    } finally {
      fs.unlinkSync(link);
      fs.symlinkSync('real.ts', link);
    }
  });

  it('a file that may hold secrets needs the user’s Allow for the call; search never shows its text', async () => {
    const reason =
      'confine/.env may hold secrets (keys, passwords, tokens), so this call needs your Allow even when tools run without asking.';
    assert.deepEqual(await preflightWorkspaceTool('read_file', '{"path":"confine/.env"}'), { needsApproval: reason });
    assert.deepEqual(await preflightWorkspaceTool('get_diagnostics', '{"path":"confine/.env"}'), {
      needsApproval: reason,
    });
    // A link to it is asked for by the real file's name.
    assert.deepEqual(await preflightWorkspaceTool('read_file', '{"path":"confine/settings.txt"}'), {
      needsApproval: reason,
      path: 'confine/settings.txt',
      realPath: 'confine/.env',
    });
    assert.deepEqual(await preflightWorkspaceTool('read_file', '{"path":"confine/.env.example"}'), {});
    await assert.rejects(
      tool('read_file', { path: 'confine/.env' }),
      /may hold secrets; it is read only in a call the user allowed/,
    );
    await assert.rejects(tool('read_file', { path: 'confine/settings.txt' }), /may hold secrets/);
    assert.equal(
      await tool('read_file', { path: 'confine/.env' }, { needsApproval: reason }),
      `confine/.env:\n1  API_KEY=${SECRET}`,
    );
    const search = await tool('search_text', { query: SECRET, glob: 'confine/**' });
    assert.ok(!search.includes(`API_KEY=${SECRET}`), search);
    assert.match(search, /^No matches for /);
    assert.match(search, /\n\(2 files that may hold secrets not searched; read_file asks the user for one of them\)/);
    assert.match(
      await tool('search_text', { query: 'API_KEY', glob: 'confine/**' }),
      /^confine\/\.env\.example:1: API_KEY=$/m,
    );
  });
});

describe('the chat’s tool loop with a link out of the workspace', function () {
  this.timeout(60_000);
  let server: FakeServer;
  let outside: string;

  before(async () => {
    server = await FakeServer.start();
    await activateExtension();
    await setConfig({
      baseUrl: server.baseUrl,
      model: 'trinity-mini',
      'chatTools.autoApprove': true,
      chatTarget: 'panel',
    });
    await vscode.workspace.getConfiguration('search').update('followSymlinks', true, vscode.ConfigurationTarget.Global);
    outside = fs.mkdtempSync(path.join(os.tmpdir(), 'arcee-outside-'));
    fs.writeFileSync(path.join(outside, 'canary.txt'), `${CANARY}\n`);
    fs.mkdirSync(path.join(workspaceUri().fsPath, 'loopout'), { recursive: true });
    fs.symlinkSync(outside, path.join(workspaceUri().fsPath, 'loopout', 'notes'), 'dir');
  });
  after(async () => {
    await setConfig({
      baseUrl: undefined,
      model: undefined,
      'chatTools.autoApprove': undefined,
      chatTarget: undefined,
    });
    await vscode.workspace
      .getConfiguration('search')
      .update('followSymlinks', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(path.join(workspaceUri().fsPath, 'loopout'), { recursive: true, force: true });
    fs.rmSync(outside, { recursive: true, force: true });
    await server.close();
  });

  it('with auto-approval, the read is refused and the search finds nothing: no request carries the canary', async () => {
    server.enqueue(
      '/chat/completions',
      sseReply(
        toolCallStream([
          { name: 'read_file', arguments: '{"path":"loopout/notes/canary.txt"}' },
          { name: 'search_text', arguments: JSON.stringify({ query: CANARY }) },
          { name: 'list_files', arguments: '{"glob":"loopout/**"}' },
        ]),
      ),
      sseReply(textStream('Nothing there.')),
    );
    const editor = await openFile('loopout/code.ts', 'const x = 1;\n');
    editor.selection = new vscode.Selection(0, 0, 1, 0);
    assert.equal(await vscode.commands.executeCommand('arcee.askAboutSelection', { question: 'Read the notes' }), true);
    const requests = server.requestsTo('/chat/completions');
    assert.equal(requests.length, 2);
    const sent = JSON.stringify(requests[1].json);
    // The question names the canary once (the search's query); no result brings the file's text or place.
    const results = (requests[1].json as { messages: { role: string; content: string }[] }).messages
      .filter((m) => m.role === 'tool')
      .map((m) => m.content);
    assert.equal(results.length, 3);
    assert.match(results[0], /^"loopout\/notes\/canary\.txt" is a symbolic link .* leads outside the workspace/);
    assert.match(results[1], /^No matches for "canary-4d1f-outside-text"/);
    assert.equal(
      results[2],
      'loopout/code.ts\n(1 file left out: symbolic links that lead outside the workspace, which the tools do not follow)',
    );
    assert.ok(!sent.includes(path.basename(outside)), 'the outside folder is never named');
    assert.ok(!results.some((r) => r.includes(`${CANARY}\n`) || r.includes(`:1: ${CANARY}`)), results.join('\n---\n'));
  });
});
