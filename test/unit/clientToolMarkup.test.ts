import * as assert from 'node:assert/strict';
import type { ChatEvent, ChatRequest, ChatResult } from '../../src/providers/api';
import { ArceeClient } from '../../src/providers/client';
import { TOOL_DEFINITIONS } from '../../src/tools/definitions';
import { jsonReply, sseReply, useFakeServer } from '../support/fakeServer';
import { fixture } from '../support/toolMarkup';

const KEY = 'rcai-test-0123456789abcdef';
const req = (extra: Partial<ChatRequest> = {}): ChatRequest => ({
  model: 'trinity-mini',
  messages: [{ role: 'user', content: 'What does main do?' }],
  ...extra,
});

/**
 * A turn as Trinity streams it when its tool call lands in the reasoning: an empty content delta, the
 * reasoning in small pieces (the XML split anywhere), `finish_reason: "stop"` with no tool_calls, usage, [DONE].
 */
function reasoningStream(reasoning: string, model = 'trinity-mini'): string {
  const chunk = (delta: Record<string, unknown>, finish: string | null = null): string =>
    `data: ${JSON.stringify({ id: 'chatcmpl-trinity', object: 'chat.completion.chunk', model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  let out = chunk({ role: 'assistant', content: '' });
  for (let i = 0; i < reasoning.length; i += 17) out += chunk({ reasoning: reasoning.slice(i, i + 17) });
  out += chunk({ content: '\n\n' }, 'stop');
  out += `data: ${JSON.stringify({ id: 'chatcmpl-trinity', object: 'chat.completion.chunk', model, choices: [], usage: { prompt_tokens: 900, completion_tokens: 80, total_tokens: 980 } })}\n\n`;
  return `${out}data: [DONE]\n\n`;
}

async function lastResult(it: AsyncIterable<ChatEvent>): Promise<{ events: ChatEvent[]; result: ChatResult }> {
  const events: ChatEvent[] = [];
  for await (const e of it) events.push(e);
  const done = events.at(-1);
  if (done?.type !== 'done') assert.fail(`the last event is ${done?.type ?? 'missing'}, not done`);
  return { events, result: done.result };
}

describe('ArceeClient: tool calls written into the reasoning (fake server on 127.0.0.1)', () => {
  const fake = useFakeServer();
  const logs: string[] = [];
  const client = (): ArceeClient =>
    new ArceeClient({
      baseUrl: fake.server.baseUrl,
      apiKey: KEY,
      retry: { baseDelayMs: 5, maxDelayMs: 20 },
      logger: {
        info: (m) => logs.push(`info ${m}`),
        debug: (m) => logs.push(`debug ${m}`),
        warn: (m) => logs.push(`warn ${m}`),
      },
    });
  const signal = (): AbortSignal => new AbortController().signal;

  beforeEach(() => {
    logs.length = 0;
  });

  it('recovers the calls when the request offered the tools, whatever the byte splits', async () => {
    const reasoning = fixture('two-calls.txt');
    for (const seed of [1, 2, 3]) {
      fake.server.enqueue(
        '/chat/completions',
        sseReply(reasoningStream(reasoning), { randomSplit: { seed, maxPiece: 9 } }),
      );
      const { events, result } = await lastResult(
        client().streamChat(req({ tools: TOOL_DEFINITIONS }), { signal: signal() }),
      );
      const c = result.choices[0];
      assert.deepEqual(
        c.tool_calls.map((t) => [t.index, t.name, t.arguments, t.complete]),
        [
          [0, 'read_file', '{"path":"src/providers/client.ts","startLine":1,"endLine":120}', true],
          [1, 'search_text', '{"query":"new ArceeClient(","isRegex":false}', true],
        ],
      );
      assert.ok(c.tool_calls.every((t) => /^call_[0-9a-f]{24}$/.test(t.id ?? '')));
      assert.notEqual(c.tool_calls[0].id, c.tool_calls[1].id);
      assert.equal(c.finish_reason, 'tool_calls');
      assert.equal(c.recoveredToolCalls, true);
      assert.equal(c.reasoning, reasoning.slice(0, reasoning.indexOf('\n<function=')));
      // The streamed events stay as they arrived; only `done` carries the recovery.
      assert.ok(events.some((e) => e.type === 'finish' && e.reason === 'stop'));
      assert.ok(!events.some((e) => e.type === 'toolCall'));
    }
    const recovered = logs.filter((l) => l.startsWith('info recovered'));
    assert.deepEqual(
      recovered,
      Array(3).fill('info recovered 2 tool call(s) from the reasoning of choice 0: read_file, search_text'),
    );
    for (const line of logs) assert.ok(!line.includes(KEY) && !line.includes('ArceeClient('), line);
  });

  it('recovers from a complete (non-streamed) answer too', async () => {
    fake.server.enqueue(
      '/chat/completions',
      jsonReply(200, {
        id: 'j',
        model: 'trinity-mini',
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: null, reasoning_content: fixture('eaten-opener.txt') },
            finish_reason: 'stop',
          },
        ],
      }),
    );
    const result = await client().completeChat(req({ tools: TOOL_DEFINITIONS }), { signal: signal() });
    assert.deepEqual(
      result.choices[0].tool_calls.map((t) => [t.name, t.arguments]),
      [['read_file', '{"path":"src/main.ts"}']],
    );
  });

  it('without the tools offered: no calls, the leaked XML stripped from the reasoning', async () => {
    const reasoning = fixture('eaten-opener.txt');
    fake.server.enqueue('/chat/completions', sseReply(reasoningStream(reasoning)));
    const { result } = await lastResult(client().streamChat(req(), { signal: signal() }));
    const c = result.choices[0];
    assert.deepEqual(c.tool_calls, []);
    assert.equal(c.finish_reason, 'stop');
    assert.equal(c.recoveredToolCalls, undefined);
    assert.equal(c.reasoning, reasoning.slice(0, reasoning.indexOf('\n\n<function=')));
    assert.ok(!logs.some((l) => l.includes('recovered')));
  });

  it('tool_choice "none" asked for no calls: nothing is recovered, the XML is stripped', async () => {
    fake.server.enqueue('/chat/completions', sseReply(reasoningStream(fixture('eaten-opener.txt'))));
    const { result } = await lastResult(
      client().streamChat(req({ tools: TOOL_DEFINITIONS, tool_choice: 'none' }), { signal: signal() }),
    );
    assert.deepEqual(result.choices[0].tool_calls, []);
    assert.doesNotMatch(result.choices[0].reasoning, /<function=|<\/tool_call>/);
  });
});
