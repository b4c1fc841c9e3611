import * as assert from 'node:assert/strict';
import type { ChatEvent } from '../../src/providers/api';
import { collect, rejects, req, useClientServer } from '../support/clientTest';
import { jsonReply, sseReply } from '../support/fakeServer';
import { sseFixture } from '../support/paths';
import { aggregatedUsageShape } from '../support/replay';

describe('ArceeClient over HTTP: what servers send inside an answer (fake server on 127.0.0.1)', () => {
  const fixture = useClientServer();
  const client = fixture.client;

  it('a stream that ends with [DONE] but no finish reason is incomplete, over HTTP, partial kept', async () => {
    fixture.server.enqueue(
      '/chat/completions',
      sseReply(sseFixture('done-no-finish'), { randomSplit: { seed: 4, maxPiece: 9 } }),
    );
    const seen: ChatEvent[] = [];
    const e = await rejects(
      (async () => {
        for await (const ev of client().streamChat(req(), { signal: new AbortController().signal })) seen.push(ev);
      })(),
    );
    assert.equal(e.kind, 'truncated');
    assert.equal(e.partial?.choices[0].content, 'The server lost its model here');
    assert.equal(
      seen.some((ev) => ev.type === 'done'),
      false,
      'never reported as done',
    );
  });

  it("surfaces llama.cpp's `error:` line in a 200 stream with its message, keeping the partial text", async () => {
    fixture.server.enqueue(
      '/chat/completions',
      sseReply(sseFixture('error-field'), { randomSplit: { seed: 11, maxPiece: 13 } }),
    );
    const e = await rejects(collect(client().streamChat(req(), { signal: new AbortController().signal })));
    assert.equal(e.kind, 'server');
    assert.match(e.message, /Failed to parse input at pos 37/);
    assert.equal(e.partial?.choices[0].content, 'Partial answer');
    assert.equal(
      fixture.server.requestsTo('/chat/completions').length,
      1,
      'an error after the answer began is not retried',
    );
  });

  describe('context overflow, in each shape a server sends it', () => {
    const SIZES =
      /^The request is 3,031 tokens but the model's context holds 2,048\. Use a shorter selection, start a new chat, or pick a model with a longer context\./;
    const llama = {
      code: 400,
      message: 'request (3031 tokens) exceeds the available context size (2048 tokens), try increasing it',
      type: 'exceed_context_size_error',
      n_prompt_tokens: 3031,
      n_ctx: 2048,
    };

    it("llama.cpp's 400 body: context_overflow, never retried", async () => {
      fixture.server.enqueue('/chat/completions', jsonReply(400, { error: llama }));
      const e = await rejects(collect(client().streamChat(req(), { signal: new AbortController().signal })));
      assert.equal(e.kind, 'context_overflow');
      assert.equal(e.status, 400);
      assert.match(e.message, SIZES);
      assert.equal(fixture.server.requestsTo('/chat/completions').length, 1);
    });

    it("OpenAI's context_length_exceeded", async () => {
      const message =
        "This model's maximum context length is 2048 tokens. However, your messages resulted in 3031 tokens. Please reduce the length of the messages.";
      fixture.server.enqueue(
        '/chat/completions',
        jsonReply(400, {
          error: { message, type: 'invalid_request_error', param: 'messages', code: 'context_length_exceeded' },
        }),
      );
      const e = await rejects(client().completeChat(req(), { signal: new AbortController().signal }));
      assert.equal(e.kind, 'context_overflow');
      assert.match(e.message, SIZES);
    });

    it("inside a 200 stream (llama.cpp's error line before [DONE])", async () => {
      fixture.server.enqueue(
        '/chat/completions',
        sseReply(sseFixture('error-field-overflow'), { randomSplit: { seed: 3, maxPiece: 17 } }),
      );
      const e = await rejects(collect(client().streamChat(req(), { signal: new AbortController().signal })));
      assert.equal(e.kind, 'context_overflow');
      assert.equal(e.status, null);
      assert.match(e.message, SIZES);
    });
  });

  it('a length cut after complete tool calls reports those calls complete, the cut one not', async () => {
    fixture.server.enqueue(
      '/chat/completions',
      sseReply(sseFixture('tool-calls-length-after-complete'), { randomSplit: { seed: 8, maxPiece: 11 } }),
    );
    const done = (await collect(client().streamChat(req(), { signal: new AbortController().signal }))).at(-1);
    assert.equal(done?.type, 'done');
    if (done?.type !== 'done') return;
    assert.equal(done.result.choices[0].finish_reason, 'length');
    assert.deepEqual(
      done.result.choices[0].tool_calls.map((c) => [c.name, c.complete]),
      [
        ['read_file', true],
        ['list_files', true],
        ['search_text', false],
      ],
    );
  });

  it('n > 1 usage over HTTP: per-choice chunks add up, an aggregated chunk is taken as it is', async () => {
    const perChoice = sseFixture('n2-usage-per-choice');
    for (const bytes of [
      perChoice,
      aggregatedUsageShape(perChoice, { completion_tokens: 8, prompt_tokens: 10, total_tokens: 18 }),
    ]) {
      fixture.server.enqueue('/chat/completions', sseReply(bytes, { randomSplit: { seed: 21, maxPiece: 15 } }));
      const done = (await collect(client().streamChat(req({ n: 2 }), { signal: new AbortController().signal }))).at(-1);
      assert.deepEqual(done?.type === 'done' && done.result.usage, {
        completion_tokens: 8,
        prompt_tokens: 10,
        total_tokens: 18,
      });
    }
  });

  it('a JSON response without a finish reason is incomplete too', async () => {
    fixture.server.enqueue(
      '/chat/completions',
      jsonReply(200, {
        id: 'j',
        model: 'trinity-mini',
        choices: [{ index: 0, message: { role: 'assistant', content: 'half' }, finish_reason: null }],
      }),
    );
    const e = await rejects(client().completeChat(req(), { signal: new AbortController().signal }));
    assert.equal(e.kind, 'truncated');
    assert.equal(e.partial?.choices[0].content, 'half');
  });
});
