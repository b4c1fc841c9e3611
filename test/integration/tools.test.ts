// The chat's read-only workspace tools in code-server's extension host: the tools against a real workspace,
// and the chat's tool loop against a fake server (auto-approved here; approval by click is in the e2e suite).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { runWorkspaceTool } from '../../src/tools/workspaceTools';
import { FakeServer, sseReply, textStream, toolCallStream } from '../support/fakeServer';
import { openFile, setConfig, workspaceUri, activateExtension } from '../support/hostTest';

const write = (rel: string, content: string | Uint8Array): Thenable<void> =>
  vscode.workspace.fs.writeFile(
    vscode.Uri.joinPath(workspaceUri(), rel),
    typeof content === 'string' ? Buffer.from(content, 'utf8') : content,
  );

const tool = (name: string, args: unknown): Promise<string> =>
  runWorkspaceTool(name, JSON.stringify(args), new AbortController().signal);

describe('workspace tools against the real workspace', function () {
  this.timeout(60_000);

  before(async () => {
    await activateExtension();
    await write('tooltest/src/alpha.ts', 'export function alpha() {\n  return "needle-one";\n}\n');
    await write('tooltest/docs/notes.md', '# Notes\nNothing to see.\nNEEDLE-ONE in caps\n');
    await write('tooltest/node_modules/dep/index.js', 'module.exports = "needle-one";\n');
    await write('tooltest/blob.bin', new Uint8Array([0x89, 0x50, 0x00, 0x01, 0x6e, 0x65]));
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.fs.delete(vscode.Uri.joinPath(workspaceUri(), 'tooltest'), { recursive: true });
  });

  it('read_file: numbered lines, a line range, and the editor’s unsaved text', async () => {
    assert.equal(
      await tool('read_file', { path: 'tooltest/src/alpha.ts' }),
      'tooltest/src/alpha.ts:\n1  export function alpha() {\n2    return "needle-one";\n3  }',
    );
    assert.equal(
      await tool('read_file', { path: './tooltest/src/alpha.ts', startLine: 2, endLine: 2 }),
      'tooltest/src/alpha.ts:\n2    return "needle-one";',
    );
    const editor = await openFile('tooltest/unsaved.ts', 'saved\n');
    await editor.edit((e) => e.insert(new vscode.Position(0, 0), 'typed '));
    assert.equal(editor.document.isDirty, true);
    assert.equal(await tool('read_file', { path: 'tooltest/unsaved.ts' }), 'tooltest/unsaved.ts:\n1  typed saved');
  });

  it('read_file refuses paths outside the workspace, folders, binaries and missing files, saying why', async () => {
    await assert.rejects(tool('read_file', { path: '../../etc/passwd' }), /leaves the workspace/);
    await assert.rejects(tool('read_file', { path: '/etc/passwd' }), /not a workspace-relative path/);
    await assert.rejects(tool('read_file', { path: 'tooltest/src' }), /is a folder; use list_files/);
    await assert.rejects(tool('read_file', { path: 'tooltest/blob.bin' }), /binary file/);
    await assert.rejects(tool('read_file', { path: 'tooltest/nope.ts' }), /no file "tooltest\/nope\.ts".*list_files/);
  });

  it('list_files: matches the glob, sorted, without node_modules (search.exclude)', async () => {
    const out = await tool('list_files', { glob: 'tooltest/**' });
    assert.deepEqual(
      out.split('\n').filter((l) => !l.includes('unsaved')),
      ['tooltest/blob.bin', 'tooltest/docs/notes.md', 'tooltest/src/alpha.ts'],
    );
    assert.equal(await tool('list_files', { glob: 'tooltest/**/*.py' }), 'No files match tooltest/**/*.py.');
    const capped = await tool('list_files', { glob: 'tooltest/**', maxResults: 1 });
    assert.match(capped, /^tooltest\/blob\.bin\n… \(more files match; narrow the glob\)$/);
  });

  it('search_text: path:line: text, case-insensitive, binaries and node_modules skipped; regex on request', async () => {
    const out = await tool('search_text', { query: 'needle-one', glob: 'tooltest/**' });
    assert.deepEqual(out.split('\n'), [
      'tooltest/docs/notes.md:3: NEEDLE-ONE in caps',
      'tooltest/src/alpha.ts:2: return "needle-one";',
      '(1 binary or very large files skipped, or past 50 M characters in all)',
    ]);
    assert.equal(
      await tool('search_text', { query: '^export \\w+', isRegex: true, glob: 'tooltest/**/*.ts' }),
      'tooltest/src/alpha.ts:1: export function alpha() {',
    );
    assert.match(
      await tool('search_text', { query: 'zzz-absent', glob: 'tooltest/**/*.md' }),
      /^No matches for "zzz-absent" in 1 files\.$/,
    );
  });

  it('search_text: a backtracking regex is stopped in its worker with advice, and the host stays responsive', async () => {
    await write('tooltest/redos.txt', `${'a'.repeat(40)}!\n`);
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 50);
    const started = Date.now();
    try {
      await assert.rejects(
        tool('search_text', { query: '^(a+)+$', isRegex: true, glob: 'tooltest/redos.txt' }),
        /took longer than 5 s and was stopped; simplify it/,
      );
    } finally {
      clearInterval(ticker);
    }
    const elapsed = Date.now() - started;
    // The host's event loop kept running while the worker spun: a timer every 50 ms fired most of the time.
    assert.ok(ticks > elapsed / 50 / 3, `${ticks} timer ticks in ${elapsed} ms`);
  });

  it('get_diagnostics: what VS Code reports for a file, with line, column, severity and source', async () => {
    const uri = vscode.Uri.joinPath(workspaceUri(), 'tooltest/src/alpha.ts');
    const collection = vscode.languages.createDiagnosticCollection('tooltest');
    try {
      const d = new vscode.Diagnostic(
        new vscode.Range(1, 2, 1, 8),
        'Unexpected return',
        vscode.DiagnosticSeverity.Warning,
      );
      d.source = 'lint';
      collection.set(uri, [d]);
      assert.equal(
        await tool('get_diagnostics', { path: 'tooltest/src/alpha.ts' }),
        'tooltest/src/alpha.ts:2:3: warning: Unexpected return [lint]',
      );
      // Workspace-wide, other test files' TypeScript errors may run past the limit: then each file is counted.
      assert.match(
        await tool('get_diagnostics', {}),
        /tooltest\/src\/alpha\.ts(:2:3: warning: Unexpected return \[lint\]|: 1 warning)(\n|$)/,
      );
      collection.clear();
      assert.equal(
        await tool('get_diagnostics', { path: 'tooltest/src/alpha.ts' }),
        'No problems reported for tooltest/src/alpha.ts.',
      );
    } finally {
      collection.dispose();
    }
  });
});

describe('the chat’s tool loop against a fake server', function () {
  this.timeout(60_000);
  let server: FakeServer;

  before(async () => {
    server = await FakeServer.start();
    await activateExtension();
    await setConfig({
      baseUrl: server.baseUrl,
      model: 'trinity-mini',
      'chatTools.autoApprove': true,
      chatTarget: 'panel',
    });
    await write('loop/data.txt', 'the secret word is pineapple\n');
  });
  after(async () => {
    await setConfig({
      baseUrl: undefined,
      model: undefined,
      'chatTools.autoApprove': undefined,
      'chatTools.maxRounds': undefined,
      chatTarget: undefined,
    });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.fs.delete(vscode.Uri.joinPath(workspaceUri(), 'loop'), { recursive: true });
    await server.close();
  });
  beforeEach(() => server.reset());

  async function ask(question: string): Promise<void> {
    const editor = await openFile('loop/code.ts', 'const x = 1;\n');
    editor.selection = new vscode.Selection(0, 0, 1, 0);
    assert.equal(await vscode.commands.executeCommand('arcee.askAboutSelection', { question }), true);
  }

  it('offers the tools, runs the call, and sends back content "", the reasoning, tool_calls and the tool result', async () => {
    server.enqueue(
      '/chat/completions',
      sseReply(
        toolCallStream(
          [
            { name: 'read_file', arguments: '{"path":"loop/data.txt"}' },
            { name: 'read_file', arguments: '{"path":"../outside.txt"}', id: 'call_given' },
          ],
          { reasoning: 'I need the data file.' },
        ),
      ),
      sseReply(textStream('The word is pineapple.')),
    );
    await ask('What is the secret word?');
    const bodies = server.requestsTo('/chat/completions').map(
      (r) =>
        r.json as {
          tools?: { function: { name: string } }[];
          tool_choice?: string;
          messages: Record<string, unknown>[];
        },
    );
    assert.equal(bodies.length, 2);
    assert.deepEqual(
      bodies[0].tools?.map((t) => t.function.name),
      ['read_file', 'list_files', 'search_text', 'get_diagnostics'],
    );
    assert.equal(bodies[0].tool_choice, undefined);
    const tail = bodies[1].messages.slice(-3);
    const [assistant, first, second] = tail as [
      {
        role: string;
        content: unknown;
        reasoning?: string;
        reasoning_content?: string;
        tool_calls: { id: string; function: { name: string; arguments: string } }[];
      },
      { role: string; tool_call_id: string; content: string },
      { role: string; tool_call_id: string; content: string },
    ];
    assert.equal(assistant.role, 'assistant');
    assert.equal(assistant.content, '', 'content is "" on a tool turn, never null');
    assert.equal(assistant.reasoning_content, 'I need the data file.');
    assert.equal(assistant.reasoning, 'I need the data file.');
    assert.deepEqual(
      assistant.tool_calls.map((c) => [c.function.name, c.function.arguments]),
      [
        ['read_file', '{"path":"loop/data.txt"}'],
        ['read_file', '{"path":"../outside.txt"}'],
      ],
    );
    assert.match(assistant.tool_calls[0].id, /^call_/, 'an id is made up when the server sent none');
    assert.equal(assistant.tool_calls[1].id, 'call_given');
    assert.deepEqual(
      [first.role, first.tool_call_id, first.content],
      ['tool', assistant.tool_calls[0].id, 'loop/data.txt:\n1  the secret word is pineapple'],
    );
    assert.deepEqual([second.role, second.tool_call_id], ['tool', 'call_given']);
    assert.match(second.content, /^Error: "\.\.\/outside\.txt" leaves the workspace\.$/);
  });

  it('stops at arcee.chatTools.maxRounds: the last request forbids tools, and a call it makes anyway is not run', async () => {
    await setConfig({ 'chatTools.maxRounds': 2 });
    try {
      server.enqueue(
        '/chat/completions',
        sseReply(toolCallStream([{ name: 'list_files', arguments: '{"glob":"loop/**"}' }])),
        sseReply(
          toolCallStream([{ name: 'read_file', arguments: '{"path":"loop/data.txt"}' }], { content: 'Still looking.' }),
        ),
        sseReply(textStream('never asked for')),
      );
      await ask('Keep calling tools');
      const bodies = server
        .requestsTo('/chat/completions')
        .map((r) => r.json as { tool_choice?: string; messages: Record<string, unknown>[] });
      assert.equal(bodies.length, 2, 'two rounds, no third request');
      assert.equal(bodies[0].tool_choice, undefined);
      assert.equal(bodies[1].tool_choice, 'none', 'the last round may not call tools');
      const toolResult = bodies[1].messages.at(-1) as { role: string; content: string };
      assert.equal(toolResult.role, 'tool');
      assert.match(toolResult.content, /loop\/code\.ts\nloop\/data\.txt/);
    } finally {
      await setConfig({ 'chatTools.maxRounds': undefined });
    }
  });

  it('with tools turned off, no tools are offered', async () => {
    await setConfig({ 'chatTools.enabled': false });
    try {
      server.enqueue('/chat/completions', sseReply(textStream('Plain answer.')));
      await ask('No tools please');
      const body = server.requestsTo('/chat/completions')[0].json as Record<string, unknown>;
      assert.equal('tools' in body, false);
    } finally {
      await setConfig({ 'chatTools.enabled': undefined });
    }
  });

  it('another 400/422 (not about tools) is not retried: the error stands and the tools stay on', async () => {
    server.enqueue(
      '/chat/completions',
      {
        status: 422,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ detail: [{ loc: ['body', 'temperature'], msg: 'too hot', type: 'x' }] }),
      },
      sseReply(textStream('Fine now.')),
    );
    await ask('Too hot');
    assert.equal(server.requestsTo('/chat/completions').length, 1, 'no retry');
    await ask('Again');
    const bodies = server.requestsTo('/chat/completions').map((r) => r.json as Record<string, unknown>);
    assert.deepEqual(
      bodies.map((b) => 'tools' in b),
      [true, true],
    );
  });

  it('a server that refuses tools (400) is asked again without them, once per model', async () => {
    server.enqueue(
      '/chat/completions',
      {
        status: 400,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ detail: 'tools are not supported by this model' }),
      },
      sseReply(textStream('Answer without tools.')),
      sseReply(textStream('Second answer.')),
    );
    await ask('First question');
    await ask('Second question');
    const bodies = server.requestsTo('/chat/completions').map((r) => r.json as Record<string, unknown>);
    assert.deepEqual(
      bodies.map((b) => 'tools' in b),
      [true, false, false],
    );
  });
});
