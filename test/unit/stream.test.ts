import * as assert from 'node:assert/strict';
import type { ChatResult } from '../../src/providers/api';
import { sseFixture, SSE_FIXTURES } from '../support/paths';
import { aggregatedUsageShape, replay, replaySplit } from '../support/replay';

/** What each recorded stream must assemble to, however its bytes are split. */
const EXPECTED: Record<
  string,
  { result?: Partial<ChatResult> & { choices?: unknown[] }; error?: { kind: string; content: string | undefined } }
> = {
  basic: {
    result: {
      model: 'trinity-mini',
      usage: { prompt_tokens: 12, completion_tokens: 7, total_tokens: 19 },
      choices: [
        {
          index: 0,
          content: 'Hello, wörld — 👋 ok!',
          reasoning: '',
          tool_calls: [],
          finish_reason: 'stop',
          logprobs: null,
        },
      ],
    },
  },
  'crlf-comments-multiline': {
    result: {
      model: 'trinity-large-preview',
      choices: [
        {
          index: 0,
          content: 'line one\nline two',
          reasoning: '',
          tool_calls: [],
          finish_reason: 'stop',
          logprobs: null,
        },
      ],
    },
  },
  reasoning: {
    result: {
      model: 'trinity-large-thinking',
      choices: [
        {
          index: 0,
          content: 'The answer is 42.',
          reasoning: 'Let me think about it. Done.',
          tool_calls: [],
          finish_reason: 'stop',
          logprobs: null,
        },
      ],
    },
  },
  'think-tags': {
    result: {
      choices: [
        {
          index: 0,
          content: 'Visible answer about </think> tags.',
          reasoning: 'Hidden plan',
          tool_calls: [],
          finish_reason: 'stop',
          logprobs: null,
        },
      ],
    },
  },
  'lone-close-think': {
    result: {
      choices: [
        {
          index: 0,
          content: 'Use a map.',
          reasoning: 'First I consider the options.',
          tool_calls: [],
          finish_reason: 'stop',
          logprobs: null,
        },
      ],
    },
  },
  'tool-calls': {
    result: {
      choices: [
        {
          index: 0,
          content: '',
          reasoning: '',
          tool_calls: [
            { index: 0, id: 'call_abc', name: 'read_file', arguments: '{"path": "src/a.ts"}', complete: true },
            { index: 1, id: 'x7', name: 'list_files', arguments: '{}', complete: true },
          ],
          finish_reason: 'tool_calls',
          logprobs: null,
        },
      ],
    },
  },
  'tool-calls-no-index': {
    result: {
      choices: [
        {
          index: 0,
          content: '',
          reasoning: '',
          tool_calls: [
            { index: 0, id: 'a1', name: 'search_text', arguments: '{"q":"foo"}', complete: true },
            { index: 1, id: 'b2', name: 'get_diagnostics', arguments: '{}', complete: true },
          ],
          finish_reason: 'tool_calls',
          logprobs: null,
        },
      ],
    },
  },
  'tool-call-length': {
    result: {
      choices: [
        {
          index: 0,
          content: '',
          reasoning: '',
          tool_calls: [{ index: 0, id: 'call_1', name: 'read_file', arguments: '{"path": "READ', complete: false }],
          finish_reason: 'length',
          logprobs: null,
        },
      ],
    },
  },
  // Cut by the length limit while writing its third call: the two it had finished are complete.
  'tool-calls-length-after-complete': {
    result: {
      choices: [
        {
          index: 0,
          content: '',
          reasoning: '',
          tool_calls: [
            { index: 0, id: 'call_r', name: 'read_file', arguments: '{"path": "src/a.ts"}', complete: true },
            { index: 1, id: 'call_l', name: 'list_files', arguments: '{}', complete: true },
            { index: 2, id: 'call_s', name: 'search_text', arguments: '{"query": "fo', complete: false },
          ],
          finish_reason: 'length',
          logprobs: null,
        },
      ],
    },
  },
  'n2-interleaved': {
    result: {
      usage: { prompt_tokens: 3, completion_tokens: 6, total_tokens: 9 },
      choices: [
        { index: 0, content: 'A1 A2 A3', reasoning: '', tool_calls: [], finish_reason: 'length', logprobs: null },
        { index: 1, content: 'B1 B2', reasoning: '', tool_calls: [], finish_reason: 'stop', logprobs: null },
      ],
    },
  },
  // llama.cpp with n > 1: a usage chunk per choice, each after that choice's finish. They add up (prompt once).
  'n2-usage-per-choice': {
    result: {
      usage: { completion_tokens: 8, prompt_tokens: 10, total_tokens: 18 },
      choices: [
        { index: 0, content: 'A1', reasoning: '', tool_calls: [], finish_reason: 'stop', logprobs: null },
        { index: 1, content: 'B1 B2', reasoning: '', tool_calls: [], finish_reason: 'length', logprobs: null },
      ],
    },
  },
  logprobs: {
    result: {
      choices: [
        {
          index: 0,
          content: 'Hi there',
          reasoning: '',
          tool_calls: [],
          finish_reason: 'stop',
          logprobs: [
            {
              token: 'Hi',
              logprob: -0.01,
              bytes: [72, 105],
              top_logprobs: [
                { token: 'Hi', logprob: -0.01 },
                { token: 'Hello', logprob: -4.6 },
              ],
            },
            { token: ' the', logprob: -0.5, top_logprobs: [] },
            { token: 're', logprob: -0.2, top_logprobs: [] },
          ],
        },
      ],
    },
  },
  'inband-error': { error: { kind: 'stream_error', content: 'Partial ' } },
  'event-error': { error: { kind: 'stream_error', content: 'Some text' } },
  'no-done-finished': {
    result: {
      choices: [
        { index: 0, content: 'Complete answer.', reasoning: '', tool_calls: [], finish_reason: 'stop', logprobs: null },
      ],
    },
  },
  'cut-off': { error: { kind: 'truncated', content: 'This answer stops in the mid' } },
  'done-no-finish': { error: { kind: 'truncated', content: 'The server lost its model here' } },
  // llama.cpp before September 2025: an `error:` line (not `data:`), then [DONE].
  'error-field': { error: { kind: 'server', content: 'Partial answer' } },
  // The same, for a prompt too large for the context: recognised as such, nothing arrived before it.
  'error-field-overflow': { error: { kind: 'context_overflow', content: undefined } },
};

describe('stream parsing and assembly over recorded streams', () => {
  it('has an expectation for every fixture', () => {
    assert.deepEqual(
      SSE_FIXTURES.filter((f) => !(f in EXPECTED)),
      [],
    );
  });

  for (const name of SSE_FIXTURES) {
    const expected = EXPECTED[name];
    it(`${name}: the same answer whole and in 200 random splits`, () => {
      const bytes = sseFixture(name);
      const runs = [
        replay([bytes]),
        ...Array.from({ length: 200 }, (_, seed) => replaySplit(bytes, seed + 1, 1 + (seed % 23))),
      ];
      runs.push(replay([...bytes].map((b) => Buffer.from([b])))); // one byte at a time
      for (const r of runs) {
        if (expected.error) {
          assert.ok(r.error, `${name} should fail`);
          assert.equal(r.error.kind, expected.error.kind);
          assert.equal(r.error.partial?.choices[0]?.content, expected.error.content);
          assert.doesNotMatch(r.error.message, /object Object/);
        } else {
          assert.equal(r.error, undefined, r.error?.message);
          const got = r.result!;
          for (const [k, v] of Object.entries(expected.result!))
            assert.deepEqual(got[k as keyof ChatResult], v, `${name}.${k}`);
          // What streamed as deltas adds up to the assembled result.
          for (const c of got.choices) {
            assert.equal(r.streamedText.get(c.index) ?? '', c.content, `${name}: streamed text of choice ${c.index}`);
            assert.equal(
              r.streamedReasoning.get(c.index) ?? '',
              c.reasoning,
              `${name}: streamed reasoning of choice ${c.index}`,
            );
          }
        }
      }
    });
  }

  it('reports the router-chosen model as a model event', () => {
    const r = replay([sseFixture('crlf-comments-multiline')]);
    assert.deepEqual(
      r.events.filter((e) => e.type === 'model').map((e) => (e.type === 'model' ? e.model : '')),
      ['auto', 'trinity-large-preview'],
    );
  });

  it('emits finish events per choice, interleaved', () => {
    const r = replay([sseFixture('n2-interleaved')]);
    assert.deepEqual(
      r.events.filter((e) => e.type === 'finish').map((e) => (e.type === 'finish' ? [e.index, e.reason] : [])),
      [
        [1, 'stop'],
        [0, 'length'],
      ],
    );
  });

  it('n > 1 usage in both shapes: per-choice chunks (llama.cpp) add up, one aggregated chunk (OpenAI, vLLM) is not counted twice', () => {
    const perChoice = sseFixture('n2-usage-per-choice');
    const aggregated = aggregatedUsageShape(perChoice, { completion_tokens: 8, prompt_tokens: 10, total_tokens: 18 });
    for (const bytes of [perChoice, aggregated]) {
      for (const r of [replay([bytes]), replaySplit(bytes, 5, 9), replaySplit(bytes, 6, 3)]) {
        assert.equal(r.error, undefined, r.error?.message);
        assert.deepEqual(r.result!.usage, { completion_tokens: 8, prompt_tokens: 10, total_tokens: 18 });
        // The usage events say the total so far: the last one is the answer's.
        const last = r.events.filter((e) => e.type === 'usage').at(-1);
        assert.deepEqual(last?.type === 'usage' && last.usage, {
          completion_tokens: 8,
          prompt_tokens: 10,
          total_tokens: 18,
        });
      }
    }
  });

  it('ignores everything after [DONE]', () => {
    const bytes = Buffer.concat([
      sseFixture('basic'),
      Buffer.from('data: {"choices":[{"index":0,"delta":{"content":"late"}}]}\n\n'),
    ]);
    assert.equal(replay([bytes]).result!.choices[0].content, 'Hello, wörld — 👋 ok!');
  });

  it('rejects a malformed chunk instead of swallowing it, keeping the partial text', () => {
    const r = replay([Buffer.from('data: {"choices":[{"index":0,"delta":{"content":"ok"}}]}\n\ndata: {not json\n\n')]);
    assert.equal(r.error?.kind, 'stream_error');
    assert.match(r.error.message, /not valid JSON/);
    assert.equal(r.error.partial?.choices[0].content, 'ok');
  });

  it('[DONE] without a finish reason is an incomplete answer, and the message says so', () => {
    const r = replay([sseFixture('done-no-finish')]);
    assert.equal(r.result, undefined, 'no done event');
    assert.equal(r.error?.kind, 'truncated');
    assert.match(r.error.message, /\[DONE\] without a finish reason/);
    assert.equal(r.error.partial?.usage?.completion_tokens, 4);
  });

  it('with n > 1, [DONE] before every choice finished is incomplete', () => {
    const chunk = (index: number, content: string, finish: string | null): string =>
      `data: ${JSON.stringify({ choices: [{ index, delta: { content }, finish_reason: finish }] })}\n\n`;
    const r = replay([
      Buffer.from(chunk(0, 'A', null) + chunk(1, 'B', 'stop') + chunk(0, 'A2', null) + 'data: [DONE]\n\n'),
    ]);
    assert.equal(r.error?.kind, 'truncated');
    assert.deepEqual(
      r.error.partial?.choices.map((c) => [c.content, c.finish_reason]),
      [
        ['AA2', null],
        ['B', 'stop'],
      ],
    );
  });

  it("llama.cpp's `error:` line in a 200 stream is the server's error, with its message, before [DONE] can end it", () => {
    const r = replay([sseFixture('error-field')]);
    assert.equal(r.error?.kind, 'server');
    assert.match(r.error.message, /^The server failed while answering\. \(Failed to parse input at pos 37\)$/);
    assert.equal(r.error.status, null);
  });

  it('text that arrives in the same read as an in-band error is streamed before the error is thrown', () => {
    for (const name of ['error-field', 'inband-error']) {
      const whole = replay([sseFixture(name)]);
      assert.ok(whole.error, `${name}: no error`);
      const partial = whole.error.partial?.choices[0]?.content ?? '';
      assert.ok(partial.length > 0, `${name}: the fixture has text before its error`);
      assert.equal(
        whole.streamedText.get(0) ?? '',
        partial,
        `${name}: streamed text is the partial answer, read at once`,
      );
    }
  });

  it('an empty stream is truncated', () => {
    const r = replay([Buffer.from(': keep-alive\n\n')]);
    assert.equal(r.error?.kind, 'truncated');
  });

  it('a keep-alive comment is not the end', () => {
    const bytes = Buffer.concat([Buffer.from(': keep-alive\n\n'), sseFixture('basic')]);
    assert.equal(replay([bytes]).result!.choices[0].content, 'Hello, wörld — 👋 ok!');
  });

  it('a final event without a trailing blank line still counts', () => {
    const r = replay([
      Buffer.from('data: {"choices":[{"index":0,"delta":{"content":"x"},"finish_reason":"stop"}]}\n\ndata: [DONE]'),
    ]);
    assert.equal(r.error, undefined);
    assert.equal(r.result!.choices[0].content, 'x');
  });
});
