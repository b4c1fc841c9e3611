import * as assert from 'node:assert/strict';
import type { ChatResult, ChoiceResult, ToolDefinition } from '../../src/providers/api';
import {
  newToolCallId,
  recoverToolCalls,
  reviseToolMarkup,
  stripAnswerMarkup,
  stripToolMarkup,
} from '../../src/providers/toolMarkup';
import { block, fixture, ids, TOOLS, turn } from '../support/toolMarkup';

const recover = (reasoning: string, extra: Partial<ChoiceResult> = {}, tools: ToolDefinition[] | undefined = TOOLS) =>
  recoverToolCalls(turn(reasoning, extra), tools, ids());

/** The arguments the call with `params` recovers to, or undefined. */
const argsOf = (params: Record<string, string>, name = 'configure'): unknown => {
  const r = recover(`Setting it up.\n${block(name, params, false)}`);
  return r && (JSON.parse(r.calls[0].arguments) as unknown);
};

describe('toolMarkup: recovering calls from the reasoning', () => {
  it('recovers a call whose <tool_call> opener was eaten, keeping the prose before it', () => {
    const reasoning = fixture('eaten-opener.txt');
    const r = recover(reasoning);
    assert.deepEqual(r?.calls, [
      { index: 0, id: 'id1', name: 'read_file', arguments: '{"path":"src/main.ts"}', complete: true },
    ]);
    assert.equal(r?.reasoning, reasoning.slice(0, reasoning.indexOf('\n\n<function=')));
    assert.match(r.reasoning, /one call\.$/);
  });

  it('recovers two calls, the second with its opener, each value read as its schema type', () => {
    const r = recover(fixture('two-calls.txt'));
    assert.deepEqual(
      r?.calls.map((c) => [c.index, c.id, c.name, JSON.parse(c.arguments) as unknown]),
      [
        [0, 'id1', 'read_file', { path: 'src/providers/client.ts', startLine: 1, endLine: 120 }],
        [1, 'id2', 'search_text', { query: 'new ArceeClient(', isRegex: false }],
      ],
    );
    assert.match(r?.reasoning ?? '', /saves a round\.$/);
  });

  it('copes with missing </parameter>, </function> and </tool_call> closers', () => {
    const r = recover(fixture('missing-closers.txt'));
    assert.deepEqual(
      r?.calls.map((c) => [c.name, c.arguments]),
      [
        ['list_files', '{"glob":"src/**/*.ts","maxResults":50}'],
        ['get_diagnostics', '{}'],
      ],
    );
    assert.equal(
      r?.reasoning,
      'First I should see which TypeScript files exist, then check what VS Code reports for the workspace.',
    );
  });

  it('reads a block written on one line, and a reasoning that is nothing but the block', () => {
    const r = recover('<tool_call><function=read_file><parameter=path>a.ts</parameter></function></tool_call>');
    assert.deepEqual(r?.calls[0].arguments, '{"path":"a.ts"}');
    assert.equal(r?.reasoning, '');
  });

  it('keeps a string value as written, trimming only the line breaks the format adds', () => {
    const r = recover(`Search.\n${block('search_text', { query: '  two spaces\n\nand a blank line  ' })}`);
    assert.deepEqual(JSON.parse(r!.calls[0].arguments), { query: '  two spaces\n\nand a blank line  ' });
    assert.deepEqual(argsOf({ mode: 'fast', note: '"quoted"' }), { mode: 'fast', note: '"quoted"' });
  });

  it('reads numbers, booleans, objects, arrays, enums, unions and untyped values', () => {
    assert.deepEqual(
      argsOf({ mode: 'safe', ratio: '0.25', verbose: 'True', options: '{"depth": 2}', tags: '["a", "b"]' }),
      {
        mode: 'safe',
        ratio: 0.25,
        verbose: true,
        options: { depth: 2 },
        tags: ['a', 'b'],
      },
    );
    // A union tries the strict types first: "null" is null for ["string", "null"], "3" an integer for string|integer.
    assert.deepEqual(argsOf({ mode: 'fast', note: 'null', level: '3' }), { mode: 'fast', note: null, level: 3 });
    assert.deepEqual(argsOf({ mode: 'fast', note: 'a note', level: 'high' }), {
      mode: 'fast',
      note: 'a note',
      level: 'high',
    });
    // No declared type: JSON when it parses as JSON, else the text.
    assert.deepEqual(argsOf({ mode: 'fast', anything: '[1, 2]' }), { mode: 'fast', anything: [1, 2] });
    assert.deepEqual(argsOf({ mode: 'fast', anything: 'src/a.ts' }), { mode: 'fast', anything: 'src/a.ts' });
  });

  it('a tool without a parameter schema takes any parameter, untyped', () => {
    const free: ToolDefinition = { type: 'function', function: { name: 'free' } };
    const r = recover(`x\n${block('free', { a: '1', b: 'text' })}`, {}, [free]);
    assert.equal(r?.calls[0].arguments, '{"a":1,"b":"text"}');
  });

  for (const [what, params] of [
    ['an integer that is not a number', { path: 'a.ts', startLine: 'abc' }],
    ['a number too large to be finite', { mode: 'fast', ratio: '1e999' }],
    ['an integer with a fraction', { path: 'a.ts', startLine: '1.5' }],
    ['a boolean written as "yes"', { mode: 'fast', verbose: 'yes' }],
    ['a value outside the enum', { mode: 'quick' }],
    ['an object that is not JSON', { mode: 'fast', options: '{depth: 2}' }],
    ['an array given an object', { mode: 'fast', tags: '{"a": 1}' }],
    ['a parameter the schema does not declare', { mode: 'fast', colour: 'red' }],
    ['a required parameter missing', { verbose: 'true' }],
  ] as const) {
    it(`recovers nothing for ${what}, and strips the block`, () => {
      const name = 'path' in params ? 'read_file' : 'configure';
      const reasoning = `Let me do it.\n${block(name, params, false)}`;
      assert.equal(recover(reasoning), undefined);
      const revised = reviseToolMarkup(
        { id: null, model: null, usage: null, choices: [turn(reasoning)] },
        TOOLS,
        ids(),
      );
      assert.deepEqual(revised.choices[0], turn('Let me do it.'));
    });
  }

  it('one call that does not fit cancels the whole recovery', () => {
    const reasoning = `Two calls.\n${block('read_file', { path: 'a.ts' }, false)}\n${block('read_file', { path: 'b.ts', endLine: 'end' })}`;
    assert.equal(recover(reasoning), undefined);
  });

  it('the same parameter twice is ambiguous: nothing is recovered', () => {
    assert.equal(
      recover(
        `x\n<function=read_file>\n<parameter=path>\na.ts\n</parameter>\n<parameter=path>\nb.ts\n</parameter>\n</function>`,
      ),
      undefined,
    );
  });

  it('recovers nothing for a tool the request did not offer, and strips it', () => {
    const reasoning = `I will write the file.\n${block('write_file', { path: 'a.ts', text: 'x' }, false)}`;
    assert.equal(recover(reasoning), undefined);
    assert.equal(stripToolMarkup(reasoning), 'I will write the file.');
  });

  it('orphan closers only: nothing to recover, the closers are stripped', () => {
    const reasoning = fixture('orphan-closers.txt');
    assert.equal(recover(reasoning), undefined);
    assert.equal(stripToolMarkup(reasoning), "The test fails on line 42, so I'll read the test file around there.");
  });

  it('prose that only mentions tools and tags is neither recovered nor touched', () => {
    const reasoning = fixture('mentions.txt');
    assert.equal(recover(reasoning), undefined);
    assert.equal(stripToolMarkup(reasoning), reasoning);
    const result: ChatResult = {
      id: null,
      model: null,
      usage: null,
      choices: [turn(reasoning, { content: reasoning })],
    };
    assert.equal(reviseToolMarkup(result, TOOLS), result);
  });

  it('blocks followed by prose are not trailing: nothing is recovered, the prose after them stays', () => {
    const reasoning = fixture('prose-after.txt');
    assert.equal(recover(reasoning), undefined);
    assert.equal(
      stripToolMarkup(reasoning),
      'Let me look at the README first.\nActually, the question is only about the license, and the user already pasted it. No need to read anything; I can answer directly.\n',
    );
  });

  it('only the trailing run is recovered; an earlier, abandoned block is stripped by reviseToolMarkup', () => {
    const reasoning = `${fixture('prose-after.txt')}Hmm, I do need it after all.\n${block('read_file', { path: 'LICENSE' })}`;
    const r = recover(reasoning);
    assert.deepEqual(
      r?.calls.map((c) => c.arguments),
      ['{"path":"LICENSE"}'],
    );
    const revised = reviseToolMarkup({ id: null, model: null, usage: null, choices: [turn(reasoning)] }, TOOLS, ids());
    assert.doesNotMatch(revised.choices[0].reasoning, /<|README\.md/);
    assert.match(
      revised.choices[0].reasoning,
      /^Let me look at the README first\.\nActually.*\nHmm, I do need it after all\.$/s,
    );
  });

  it('needs a turn that asked for nothing else: empty content, no tool_calls, finished with stop or tool_calls', () => {
    const reasoning = fixture('eaten-opener.txt');
    assert.equal(recover(reasoning, { content: 'main() starts the server.' }), undefined);
    assert.ok(recover(reasoning, { content: ' \n' }), 'whitespace is no answer');
    assert.equal(recover(reasoning, { finish_reason: 'length' }), undefined);
    assert.equal(recover(reasoning, { finish_reason: null }), undefined);
    assert.ok(recover(reasoning, { finish_reason: 'tool_calls' }));
    assert.equal(
      recover(reasoning, { tool_calls: [{ index: 0, id: 'c', name: 'list_files', arguments: '{}', complete: true }] }),
      undefined,
    );
  });

  it('without tools offered nothing is recovered; reviseToolMarkup only strips', () => {
    const reasoning = fixture('eaten-opener.txt');
    assert.equal(recoverToolCalls(turn(reasoning), undefined, ids()), undefined);
    assert.equal(recoverToolCalls(turn(reasoning), [], ids()), undefined);
    const revised = reviseToolMarkup(
      { id: 'r', model: 'trinity-mini', usage: null, choices: [turn(reasoning)] },
      undefined,
    );
    assert.deepEqual(revised.choices[0], turn(reasoning.slice(0, reasoning.indexOf('\n\n<function='))));
  });

  it('gives each call a fresh, unique id', () => {
    const seen = new Set(Array.from({ length: 200 }, newToolCallId));
    assert.equal(seen.size, 200);
    for (const id of seen) assert.match(id, /^call_[0-9a-f]{24}$/);
    const a = reviseToolMarkup(
      { id: null, model: null, usage: null, choices: [turn(fixture('two-calls.txt'))] },
      TOOLS,
    );
    const b = reviseToolMarkup(
      { id: null, model: null, usage: null, choices: [turn(fixture('two-calls.txt'))] },
      TOOLS,
    );
    const all = [...a.choices[0].tool_calls, ...b.choices[0].tool_calls].map((c) => c.id);
    assert.equal(new Set(all).size, 4);
  });
});

describe('toolMarkup: reviseToolMarkup', () => {
  it('a recovered choice finishes with tool_calls, is marked, and loses the blocks from its reasoning; the input is untouched', () => {
    const original = turn(fixture('two-calls.txt'));
    const result: ChatResult = {
      id: 'r',
      model: 'trinity-mini',
      usage: { total_tokens: 9 },
      choices: [original, turn('Plain thoughts.', { index: 1, content: 'Hi.' })],
    };
    const snapshot = JSON.stringify(result);
    const revised = reviseToolMarkup(result, TOOLS, ids());
    assert.notEqual(revised, result);
    assert.equal(JSON.stringify(result), snapshot);
    const [c0, c1] = revised.choices;
    assert.equal(c0.finish_reason, 'tool_calls');
    assert.equal(c0.recoveredToolCalls, true);
    assert.deepEqual(
      c0.tool_calls.map((c) => c.id),
      ['id1', 'id2'],
    );
    assert.doesNotMatch(c0.reasoning, /<|parameter|tool_call/);
    assert.equal(c1, result.choices[1], 'an untouched choice is the same object');
    assert.equal(revised.usage, result.usage);
  });

  it('returns the same object when there is nothing to do', () => {
    const result: ChatResult = {
      id: 'r',
      model: 'm',
      usage: null,
      choices: [turn('Thinking about a < b.', { content: 'a < b, so `<tool_call>` is not needed.' })],
    };
    assert.equal(reviseToolMarkup(result, TOOLS), result);
  });

  it('strips content only when a closing tag shows the markup leaked', () => {
    const leaked = 'The answer is 4.\n</function>\n</tool_call>';
    const example = 'Write it like this:\n<tool_call>\n{"name": "read_file"}';
    const result: ChatResult = {
      id: null,
      model: null,
      usage: null,
      choices: [turn('', { content: leaked }), turn('', { index: 1, content: example })],
    };
    const revised = reviseToolMarkup(result, TOOLS);
    assert.equal(revised.choices[0].content, 'The answer is 4.');
    assert.equal(revised.choices[1].content, example);
    assert.equal(stripAnswerMarkup(example), example);
    assert.equal(stripToolMarkup(example), 'Write it like this:', 'reasoning gets no such benefit of the doubt');
  });
});
