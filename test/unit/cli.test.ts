import * as assert from 'node:assert/strict';
import { runCli as run, useCliServer } from '../support/cliRun';
import { LLAMA_CPP_MODELS, jsonReply, sseReply, textStream } from '../support/fakeServer';
import { sseFixture } from '../support/paths';

const KEY = 'rcai-cli-test-key-0123456789';

describe('terminal client (node dist/cli.js)', () => {
  const fx = useCliServer(KEY);

  it('streams text to stdout', async () => {
    fx.server.enqueue('/chat/completions', sseReply(sseFixture('basic'), { randomSplit: { seed: 9, maxPiece: 5 } }));
    const r = await run(['Say hello'], fx.env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'Hello, wörld — 👋 ok!\n');
    const body = fx.server.requestsTo('/chat/completions')[0].json as Record<string, unknown>;
    assert.deepEqual(body.messages, [{ role: 'user', content: 'Say hello' }]);
    assert.equal(body.model, 'trinity-mini');
    assert.equal(fx.server.requestsTo('/chat/completions')[0].headers.authorization, `Bearer ${KEY}`);
  });

  it('sends every flag as its request field', async () => {
    const r = await run(
      [
        '--model',
        'trinity-large-thinking',
        '--system',
        'Be brief',
        '--temperature',
        '0.15',
        '--top-p',
        '0.75',
        '--max-tokens',
        '64',
        '--n',
        '1',
        '--seed',
        '42',
        '--stop',
        'END',
        '--stop',
        '##',
        '--logprobs',
        '--top-logprobs',
        '3',
        '--header',
        'X-Trace: abc',
        'q',
      ],
      fx.env,
    );
    assert.equal(r.code, 0, r.stderr);
    const req = fx.server.requestsTo('/chat/completions')[0];
    assert.deepEqual(req.json, {
      model: 'trinity-large-thinking',
      messages: [
        { role: 'system', content: 'Be brief' },
        { role: 'user', content: 'q' },
      ],
      temperature: 0.15,
      top_p: 0.75,
      max_tokens: 64,
      n: 1,
      seed: 42,
      stop: ['END', '##'],
      logprobs: true,
      top_logprobs: 3,
      stream: true,
      stream_options: { include_usage: true },
    });
    assert.equal(req.headers['x-trace'], 'abc');
  });

  it('--json prints exactly one object with choices, tool calls and usage', async () => {
    fx.server.enqueue('/chat/completions', sseReply(sseFixture('tool-calls')));
    const r = await run(['--json', 'q'], fx.env);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 1);
    const out = JSON.parse(lines[0]) as {
      model: string;
      choices: { tool_calls: unknown[]; finish_reason: string }[];
      usage: unknown;
    };
    assert.equal(out.model, 'trinity-mini');
    assert.equal(out.choices[0].finish_reason, 'tool_calls');
    assert.deepEqual(out.choices[0].tool_calls[0], {
      index: 0,
      id: 'call_abc',
      name: 'read_file',
      arguments: '{"path": "src/a.ts"}',
      complete: true,
    });
    assert.equal(out.usage, null);
  });

  it('--json --no-stream with n=2 keeps both choices', async () => {
    fx.server.enqueue(
      '/chat/completions',
      jsonReply(200, {
        model: 'trinity-mini',
        choices: [
          { index: 0, message: { role: 'assistant', content: 'A' }, finish_reason: 'stop' },
          { index: 1, message: { role: 'assistant', content: 'B' }, finish_reason: 'stop' },
        ],
        usage: { total_tokens: 3 },
      }),
    );
    const r = await run(['--json', '--no-stream', '--n', '2', 'q'], fx.env);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as {
      choices: { content: string; reasoning: string; logprobs: unknown }[];
      usage: { total_tokens: number };
    };
    assert.deepEqual(
      out.choices.map((c) => c.content),
      ['A', 'B'],
    );
    assert.equal(out.usage.total_tokens, 3);
    assert.equal((fx.server.requestsTo('/chat/completions')[0].json as { stream: boolean }).stream, false);
  });

  it('--json failure: exit 1, error object, partial choices, no key anywhere', async () => {
    fx.server.enqueue('/chat/completions', sseReply(sseFixture('cut-off')));
    const r = await run(['--json', 'q'], fx.env);
    assert.equal(r.code, 1);
    const out = JSON.parse(r.stdout) as {
      error: { kind: string; status: null; message: string; retryAfterMs: null };
      partial: { choices: { content: string }[] };
    };
    assert.equal(out.error.kind, 'truncated');
    assert.equal(out.error.status, null);
    assert.equal(out.partial.choices[0].content, 'This answer stops in the mid');
    assert.ok(!r.stdout.includes(KEY) && !r.stderr.includes(KEY));
  });

  it('[DONE] without a finish reason is reported as incomplete, not as success (plain and --json)', async () => {
    fx.server.enqueue('/chat/completions', sseReply(sseFixture('done-no-finish')));
    const r = await run(['q'], fx.env);
    assert.equal(r.code, 1);
    assert.equal(
      r.stdout,
      'The server lost its model here\n',
      'the partial text stays, ended so the error starts its own line',
    );
    assert.match(r.stderr, /^error \(truncated\): .*\[DONE\] without a finish reason/m);
    fx.server.enqueue('/chat/completions', sseReply(sseFixture('done-no-finish')));
    const j = await run(['--json', 'q'], fx.env);
    assert.equal(j.code, 1);
    const out = JSON.parse(j.stdout) as {
      error: { kind: string };
      partial: { choices: { content: string; finish_reason: null }[] };
    };
    assert.equal(out.error.kind, 'truncated');
    assert.deepEqual(
      out.partial.choices.map((c) => [c.content, c.finish_reason]),
      [['The server lost its model here', null]],
    );
  });

  it('--json HTTP error with retry-after, and --retries 0 sends once', async () => {
    fx.server.enqueue(
      '/chat/completions',
      jsonReply(429, { detail: `slow down ${KEY}` }, { headers: { 'retry-after': '7' } }),
    );
    const r = await run(['--json', '--retries', '0', 'q'], fx.env);
    assert.equal(r.code, 1);
    const out = JSON.parse(r.stdout) as {
      error: { kind: string; status: number; retryAfterMs: number; message: string };
    };
    assert.deepEqual([out.error.kind, out.error.status, out.error.retryAfterMs], ['rate_limit', 429, 7000]);
    assert.ok(!r.stdout.includes(KEY), 'key echoed by the server is redacted');
    assert.equal(fx.server.requestsTo('/chat/completions').length, 1);
  });

  it('timeouts name its flags (not settings), in ms below a second; --no-stream says the answer did not finish', async () => {
    fx.server.enqueue('/chat/completions', sseReply(textStream('late'), { headerDelayMs: 3000 }));
    const r = await run(['--timeout-ms', '300', 'q'], fx.env);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /^error \(timeout\): 127\.0\.0\.1:\d+ has not started to answer within 300 ms\. Try again, or raise --timeout-ms\.$/m,
    );
    assert.doesNotMatch(r.stderr, /setting/);
    const whole = {
      model: 'trinity-mini',
      choices: [{ index: 0, message: { role: 'assistant', content: 'A' }, finish_reason: 'stop' }],
    };
    fx.server.enqueue('/chat/completions', jsonReply(200, whole, { headerDelayMs: 3000 }));
    const n = await run(['--no-stream', '--timeout-ms', '300', 'q'], fx.env);
    assert.equal(n.code, 1);
    assert.match(
      n.stderr,
      /^error \(timeout\): 127\.0\.0\.1:\d+ did not finish its answer within 300 ms\. Try again, or raise --timeout-ms\.$/m,
    );
  });

  it('plain failure goes to stderr with exit 1', async () => {
    fx.server.enqueue('/chat/completions', jsonReply(401, { detail: 'Invalid API key' }));
    const r = await run(['q'], fx.env);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /auth 401.*Invalid API key/);
  });

  it('--models lists the catalogue', async () => {
    const r = await run(['--models'], fx.env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^trinity-mini {2}\(Trinity Mini\) {2}131k context/m);
    const j = await run(['--models', '--json'], fx.env);
    assert.deepEqual(
      (JSON.parse(j.stdout) as { models: { id: string }[] }).models.map((m) => m.id),
      ['trinity-mini', 'trinity-large-thinking', 'spotlight'],
    );
  });

  it("--models shows llama.cpp's context length (meta.n_ctx_train)", async () => {
    fx.server.enqueue('/models', jsonReply(200, LLAMA_CPP_MODELS), jsonReply(200, LLAMA_CPP_MODELS));
    const r = await run(['--models'], fx.env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'qwen3-8b-q4_k_m.gguf  41k context\n');
    const j = await run(['--models', '--json'], fx.env);
    assert.deepEqual(
      (JSON.parse(j.stdout) as { models: { id: string; contextLength: number }[] }).models.map((m) => [
        m.id,
        m.contextLength,
      ]),
      [['qwen3-8b-q4_k_m.gguf', 40960]],
    );
  });

  it('reads the prompt from stdin', async () => {
    const r = await run([], fx.env, 'from stdin\n');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual((fx.server.requestsTo('/chat/completions')[0].json as { messages: unknown }).messages, [
      { role: 'user', content: 'from stdin' },
    ]);
  });

  it('bad flags: a clear message and no request', async () => {
    const r = await run(['--temperature', 'hot', 'q'], fx.env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--temperature needs a number, got "hot"/);
    const j = await run(['--json', '--bogus', 'q'], fx.env);
    assert.equal(j.code, 1);
    assert.equal((JSON.parse(j.stdout) as { error: { kind: string } }).error.kind, 'bad_request');
    assert.equal(fx.server.requestsTo('/chat/completions').length, 0);
  });
});
