import * as assert from 'node:assert/strict';
import { StreamAssembler, argumentsAreValid } from '../../src/providers/assemble';
import { ThinkSplitter } from '../../src/providers/think';
import { seededRandom } from '../support/fakeServer';

function think(pieces: string[], opts: { allowLoneClose?: boolean } = {}): { text: string; reasoning: string } {
  const s = new ThinkSplitter();
  if (opts.allowLoneClose === false) s.allowLoneClose = false;
  let text = '';
  let reasoning = '';
  for (const p of [...pieces.flatMap((x) => s.push(x)), ...s.flush()]) {
    if (p.kind === 'text') text += p.text;
    else if (p.kind === 'reasoning') reasoning += p.text;
    else {
      reasoning += text.slice(text.length - p.length);
      text = text.slice(0, text.length - p.length);
    }
  }
  return { text, reasoning };
}

function randomPieces(s: string, seed: number): string[] {
  const rnd = seededRandom(seed);
  const out: string[] = [];
  let i = 0;
  while (i < s.length) {
    const n = 1 + Math.floor(rnd() * 6);
    out.push(s.slice(i, i + n));
    i += n;
  }
  return out;
}

describe('ThinkSplitter', () => {
  const cases: [string, { text: string; reasoning: string }][] = [
    ['plain answer', { text: 'plain answer', reasoning: '' }],
    ['<think>plan</think>answer', { text: 'answer', reasoning: 'plan' }],
    ['  <think>plan</think>\n\nanswer', { text: 'answer', reasoning: 'plan' }],
    ['reasoning first</think>\nanswer', { text: 'answer', reasoning: 'reasoning first' }],
    ['<think>a</think>b</think>c', { text: 'b</think>c', reasoning: 'a' }],
    ['use <think> tags like <think>x</think>', { text: 'use <think> tags like <think>x</think>', reasoning: '' }],
    ['<thin', { text: '<thin', reasoning: '' }],
    ['<think>never closed', { text: '', reasoning: 'never closed' }],
    ['a < b and c </thi', { text: 'a < b and c </thi', reasoning: '' }],
    ['', { text: '', reasoning: '' }],
  ];
  for (const [input, expected] of cases) {
    it(`${JSON.stringify(input)} in any split`, () => {
      assert.deepEqual(think([input]), expected);
      for (let seed = 1; seed <= 100; seed++)
        assert.deepEqual(think(randomPieces(input, seed)), expected, `seed ${seed}`);
    });
  }

  it('a lone </think> is left alone once structured reasoning arrived', () => {
    assert.deepEqual(think(['answer about </think> tags'], { allowLoneClose: false }), {
      text: 'answer about </think> tags',
      reasoning: '',
    });
  });
});

describe('StreamAssembler', () => {
  it('takes a complete (non-streamed) response through message', () => {
    const a = new StreamAssembler();
    a.push({
      id: 'x',
      model: 'trinity-mini',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: '<think>hmm</think>Hi',
            tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }],
          },
          finish_reason: 'tool_calls',
        },
      ],
      usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 },
    });
    a.end();
    const r = a.result();
    assert.equal(r.id, 'x');
    assert.equal(r.choices[0].content, 'Hi');
    assert.equal(r.choices[0].reasoning, 'hmm');
    assert.deepEqual(r.choices[0].tool_calls, [
      { index: 0, id: 'c1', name: 'f', arguments: '{"a":1}', complete: true },
    ]);
    assert.equal(r.usage?.total_tokens, 3);
  });

  it('counts reasoning once when both fields carry it', () => {
    const a = new StreamAssembler();
    a.push({ choices: [{ index: 0, delta: { reasoning: 'r', reasoning_content: 'r' } }] });
    a.push({ choices: [{ index: 0, delta: { reasoning_content: 's' } }] });
    assert.equal(a.result().choices[0].reasoning, 'rs');
  });

  it('maps legacy function_call deltas to a tool call', () => {
    const a = new StreamAssembler();
    a.push({ choices: [{ index: 0, delta: { function_call: { name: 'get_weather', arguments: '' } } }] });
    a.push({ choices: [{ index: 0, delta: { function_call: { arguments: '{"city":' } } }] });
    a.push({
      choices: [{ index: 0, delta: { function_call: { arguments: '"Paris"}' } }, finish_reason: 'function_call' }],
    });
    assert.deepEqual(a.result().choices[0].tool_calls, [
      { index: 0, id: null, name: 'get_weather', arguments: '{"city":"Paris"}', complete: true },
    ]);
  });

  it('does not double a name repeated whole on every piece', () => {
    const a = new StreamAssembler();
    a.push({
      choices: [
        { index: 0, delta: { tool_calls: [{ index: 0, id: '1', function: { name: 'read_file', arguments: '{' } }] } },
      ],
    });
    a.push({
      choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { name: 'read_file', arguments: '}' } }] } }],
    });
    assert.equal(a.result().choices[0].tool_calls[0].name, 'read_file');
  });

  it('a call without a finish reason is never complete', () => {
    const a = new StreamAssembler();
    a.push({
      choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: '1', function: { name: 'f', arguments: '{}' } }] } }],
    });
    assert.equal(a.result().choices[0].tool_calls[0].complete, false);
    assert.equal(a.allFinished(), false);
  });

  it("a length cut right after a call's name leaves that call incomplete; an earlier call without arguments stays complete", () => {
    const a = new StreamAssembler();
    a.push({
      choices: [
        {
          index: 0,
          delta: { tool_calls: [{ index: 0, id: '1', function: { name: 'get_diagnostics', arguments: '' } }] },
        },
      ],
    });
    a.push({
      choices: [
        { index: 0, delta: { tool_calls: [{ index: 1, id: '2', function: { name: 'read_file', arguments: '' } }] } },
      ],
    });
    a.push({ choices: [{ index: 0, delta: {}, finish_reason: 'length' }] });
    assert.deepEqual(
      a.result().choices[0].tool_calls.map((c) => [c.name, c.complete]),
      [
        ['get_diagnostics', true],
        ['read_file', false],
      ],
    );
  });

  it("a length cut just after a call's closing brace keeps that call: its arguments parse", () => {
    const a = new StreamAssembler();
    a.push({
      choices: [
        {
          index: 0,
          delta: { tool_calls: [{ index: 0, id: '1', function: { name: 'read_file', arguments: '{"path":"a.ts"}' } }] },
          finish_reason: 'length',
        },
      ],
    });
    assert.equal(a.result().choices[0].tool_calls[0].complete, true);
  });

  it('accepts arguments sent as an object', () => {
    const a = new StreamAssembler();
    a.push({
      choices: [
        {
          index: 0,
          delta: { tool_calls: [{ index: 0, id: '1', function: { name: 'f', arguments: { x: 1 } } }] },
          finish_reason: 'tool_calls',
        },
      ],
    });
    assert.equal(a.result().choices[0].tool_calls[0].arguments, '{"x":1}');
  });

  it('usage on any chunk, the last one wins', () => {
    const a = new StreamAssembler();
    a.push({ choices: [{ index: 0, delta: { content: 'a' } }], usage: { total_tokens: 1 } });
    a.push({ choices: [], usage: { total_tokens: 5 } });
    assert.equal(a.result().usage?.total_tokens, 5);
  });

  it("usage on choice chunks is that choice's running count (vLLM's continuous usage): added over choices, until the final chunk", () => {
    const a = new StreamAssembler();
    const u = (completion: number): Record<string, number> => ({
      prompt_tokens: 10,
      completion_tokens: completion,
      total_tokens: 10 + completion,
    });
    a.push({ choices: [{ index: 0, delta: { content: 'a' } }], usage: u(1) });
    a.push({ choices: [{ index: 1, delta: { content: 'b' } }], usage: u(1) });
    a.push({ choices: [{ index: 0, delta: { content: 'c' }, finish_reason: 'stop' }], usage: u(2) });
    a.push({ choices: [{ index: 1, delta: { content: 'd' }, finish_reason: 'stop' }], usage: u(3) });
    assert.deepEqual(a.result().usage, u(5));
    a.push({ choices: [], usage: u(5) });
    assert.deepEqual(a.result().usage, u(5), 'the final chunk for the whole answer replaces the running counts');
    a.push({ choices: [], usage: u(5) });
    assert.deepEqual(a.result().usage, u(5), 'repeated with no finish in between: not added');
  });

  it('per-choice usage chunks add reasoning tokens too, and count a finish sent with the wrong index (old llama.cpp)', () => {
    const a = new StreamAssembler();
    const u = (c: number, r: number): Record<string, unknown> => ({
      prompt_tokens: 7,
      completion_tokens: c,
      total_tokens: 7 + c,
      completion_tokens_details: { reasoning_tokens: r },
    });
    a.push({
      choices: [
        { index: 0, delta: { content: 'a' } },
        { index: 1, delta: { content: 'b' } },
      ],
    });
    a.push({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] });
    a.push({ choices: [], usage: u(4, 1) });
    a.push({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] });
    a.push({ choices: [], usage: u(6, 2) });
    assert.deepEqual(a.result().usage, {
      prompt_tokens: 7,
      completion_tokens: 10,
      total_tokens: 17,
      completion_tokens_details: { reasoning_tokens: 3 },
    });
  });

  it('ignores junk shapes without throwing', () => {
    const a = new StreamAssembler();
    for (const junk of [null, 1, 'x', [], { choices: 'no' }, { choices: [null, 1, { delta: 'x' }] }]) a.push(junk);
    assert.equal(a.result().choices.length, 1);
  });

  it('argumentsAreValid', () => {
    assert.equal(argumentsAreValid(''), true);
    assert.equal(argumentsAreValid('{"a":1}'), true);
    assert.equal(argumentsAreValid('{"a":'), false);
  });
});
