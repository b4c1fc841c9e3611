import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli, useCliServer } from '../support/cliRun';

const KEY = 'rcai-cli-test-key-0123456789';

const TOOLS = [
  {
    type: 'function',
    function: {
      name: 'get_weather',
      description: 'The weather in a city',
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    },
    strict: true,
  },
  {
    type: 'function',
    function: { name: 'read_file', parameters: { type: 'object', properties: { path: { type: 'string' } } } },
  },
];

describe('terminal client: tools and extra body (node dist/cli.js)', () => {
  const fx = useCliServer(KEY);
  let dir: string;
  const file = (name: string, text: string): string => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, text);
    return p;
  };
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'arcee-cli-tools-'));
  });
  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('--tools, --tool-choice NAME, --parallel-tool-calls and --extra-body reach the request body', async () => {
    const tools = file('tools.json', JSON.stringify(TOOLS, null, 2));
    const r = await runCli(
      [
        '--tools',
        tools,
        '--tool-choice',
        'get_weather',
        '--parallel-tool-calls',
        'false',
        '--extra-body',
        '{"reasoning_effort":"low","top_k":20}',
        'q',
      ],
      fx.env,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(fx.server.requestsTo('/chat/completions')[0].json, {
      model: 'trinity-mini',
      messages: [{ role: 'user', content: 'q' }],
      tools: TOOLS,
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      parallel_tool_calls: false,
      reasoning_effort: 'low',
      top_k: 20,
      stream: true,
      stream_options: { include_usage: true },
    });

    const words = await runCli(
      ['--tools', tools, '--tool-choice', 'required', '--parallel-tool-calls', 'true', 'q'],
      fx.env,
    );
    assert.equal(words.code, 0, words.stderr);
    const body = fx.server.requestsTo('/chat/completions')[1].json as Record<string, unknown>;
    assert.deepEqual([body.tool_choice, body.parallel_tool_calls], ['required', true]);
  });

  /** Runs a bad command line: exit 2, one line on stderr that matches, nothing on stdout, nothing sent. */
  async function refused(args: string[], message: RegExp): Promise<void> {
    const r = await runCli([...args, 'q'], fx.env);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stdout, '');
    const lines = r.stderr.split('\n');
    assert.deepEqual(lines.slice(1), [''], `one line: ${r.stderr}`);
    assert.match(lines[0], /^error \(bad_request\): /);
    assert.match(lines[0], message);
    assert.doesNotMatch(r.stderr, /\[object Object\]|\n\s+at |undefined/);
    assert.ok(!r.stderr.includes(KEY));
    assert.equal(fx.server.requestsTo('/chat/completions').length, 0);
  }

  it('a bad --tools file or --tool-choice: one clear line, exit 2, no request', async () => {
    const missing = path.join(dir, 'missing.json');
    await refused(['--tools', missing], new RegExp(`--tools cannot read "${missing}": no such file`));
    await refused(
      ['--tools', file('broken.json', '[\n  {"type": "function", "function": {"name": "a",}}\n]')],
      /--tools: ".*broken\.json" is not valid JSON \(.*line 2, column \d+\)/,
    );
    await refused(
      ['--tools', file('object.json', JSON.stringify({ tools: TOOLS }))],
      /must hold a JSON array of tools like \[\{"type":"function".*it holds an object \(an object with a "tools" list: the file must be the list itself\)/,
    );
    await refused(
      ['--tools', file('bare.json', JSON.stringify([TOOLS[0].function]))],
      /tool 1 \("get_weather"\) is a bare function: wrap it as \{"type":"function","function":\{"name":"get_weather",…\}\}/,
    );
    await refused(
      ['--tools', file('noname.json', JSON.stringify([TOOLS[1], { type: 'function', function: { parameters: {} } }]))],
      /tool 2: "function.name" must be a non-empty string; got nothing/,
    );
    await refused(
      [
        '--tools',
        file('params.json', JSON.stringify([{ type: 'function', function: { name: 'f', parameters: 'none' } }])),
      ],
      /tool 1 \("f"\): "function.parameters" must be a JSON Schema object; got the string "none"/,
    );
    const tools = file('tools.json', JSON.stringify(TOOLS));
    await refused(
      ['--tools', tools, '--tool-choice', 'write_file'],
      /--tool-choice "write_file" is none of the tools \("get_weather", "read_file"\), nor auto, none or required/,
    );
    await refused(['--tool-choice', 'required'], /--tool-choice needs tools to choose from: add --tools FILE/);
    await refused(
      ['--tools', tools, '--parallel-tool-calls', 'yes'],
      /--parallel-tool-calls needs true or false, got "yes"/,
    );
  });

  it('a bad --extra-body: one clear line, exit 2, no request', async () => {
    await refused(
      ['--extra-body', '{reasoning_effort: low}'],
      /--extra-body is not valid JSON \(.+\); give one object, e\.g\. '\{"reasoning_effort":"low"\}'/,
    );
    await refused(
      ['--extra-body', '["top_k", 20]'],
      /--extra-body must be a JSON object of request fields.*; got an array/,
    );
    await refused(
      ['--extra-body', '{"messages":[]}'],
      /--extra-body may not set "messages": they are the prompt and --system/,
    );
    await refused(['--extra-body', '{"stream":false}'], /--extra-body may not set "stream": use --no-stream/);
    await refused(['--extra-body', '{"model":"x"}'], /--extra-body may not set "model": use --model/);
    await refused(
      ['--temperature', '0.2', '--extra-body', '{"temperature":0.9}'],
      /--extra-body sets "temperature", which --temperature sets too: give it once/,
    );
  });
});
