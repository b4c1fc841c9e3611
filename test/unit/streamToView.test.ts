import * as assert from 'node:assert/strict';
import { ArceeError } from '../../src/providers/errors';
import { MAX_TOKENS_KEPT } from '../../src/chat/logprobs';
import { errorView, StreamToView, usageView } from '../../src/chat/streamToView';
import type { ChatResult, LogprobEntry } from '../../src/providers/api';
import { reviseToolMarkup } from '../../src/providers/toolMarkup';
import { TOOL_DEFINITIONS } from '../../src/tools/definitions';
import type { ChatMessageView, HostMessage, TokenLogprobView } from '../../src/webview/protocol';
import { sseFixture } from '../support/paths';
import { logprobStream, type StreamToken } from '../support/fakeServer';
import { replay, replaySplit } from '../support/replay';
import { fixture, turn } from '../support/toolMarkup';

function setup(batchMs = 0): { view: StreamToView; posted: HostMessage[]; message: ChatMessageView } {
  const posted: HostMessage[] = [];
  const message: ChatMessageView = { id: 'a1', role: 'assistant', content: '', state: 'streaming', createdAt: 0 };
  const view = new StreamToView(
    'r1',
    message,
    (m) => posted.push(m),
    (id) =>
      id === 'trinity-mini'
        ? {
            id,
            name: id,
            inputModalities: [],
            outputModalities: [],
            supportedParameters: [],
            supportedFeatures: [],
            pricing: { prompt: 0.000001, completion: 0.000002 },
          }
        : undefined,
    batchMs,
  );
  return { view, posted, message };
}

describe('StreamToView', () => {
  it('batches deltas: many events, few posts, same text', async () => {
    const { view, posted, message } = setup(20);
    const events = replay([sseFixture('basic')]).events;
    for (const e of events) view.apply(e);
    await new Promise((r) => setTimeout(r, 40));
    view.finish();
    const deltas = posted.filter((p) => p.type === 'chat/delta');
    assert.equal(deltas.length, 1, JSON.stringify(posted));
    assert.equal(deltas.map((d) => (d.type === 'chat/delta' ? d.text : '')).join(''), 'Hello, wörld — 👋 ok!');
    assert.equal(message.content, 'Hello, wörld — 👋 ok!');
    assert.equal(message.state, 'done');
    assert.deepEqual(message.usage, {
      promptTokens: 12,
      completionTokens: 7,
      reasoningTokens: undefined,
      costUsd: 12 * 0.000001 + 7 * 0.000002,
    });
    const done = posted.at(-1);
    assert.equal(done?.type, 'chat/done');
  });

  it('keeps reasoning apart and moves text on a lone </think>', () => {
    const { view, posted, message } = setup();
    for (const e of replay([sseFixture('lone-close-think')]).events) view.apply(e);
    view.finish();
    assert.equal(message.content, 'Use a map.');
    assert.equal(message.reasoning, 'First I consider the options.');
    assert.ok(posted.some((p) => p.type === 'chat/textWasReasoning'));
  });

  it('assembles tool calls and marks the incomplete one', () => {
    const { view, message } = setup();
    for (const e of replay([sseFixture('tool-call-length')]).events) view.apply(e);
    view.finish();
    assert.deepEqual(message.toolCalls, [
      { id: 'call_1', name: 'read_file', arguments: '{"path": "READ', complete: false },
    ]);
    assert.equal(message.finishReason, 'length');
  });

  it('on done, the reasoning is the revised one: recovered tool XML leaves the view and the saved message', () => {
    for (const [tools, calls] of [
      [TOOL_DEFINITIONS, ['read_file']],
      [undefined, []],
    ] as const) {
      const { view, posted, message } = setup();
      const reasoning = fixture('eaten-opener.txt');
      for (let i = 0; i < reasoning.length; i += 23)
        view.apply({ type: 'reasoning', index: 0, text: reasoning.slice(i, i + 23) });
      view.apply({ type: 'finish', index: 0, reason: 'stop' });
      assert.equal(message.reasoning, reasoning, 'streamed as it came');
      const raw: ChatResult = { id: 'r', model: 'trinity-mini', usage: null, choices: [turn(reasoning)] };
      view.apply({ type: 'done', result: reviseToolMarkup(raw, tools ? [...tools] : undefined) });
      view.finish();
      const prose = reasoning.slice(0, reasoning.indexOf('\n\n<function='));
      assert.equal(message.reasoning, prose);
      assert.deepEqual(message.toolCalls?.map((c) => c.name) ?? [], calls);
      assert.equal(message.finishReason, calls.length ? 'tool_calls' : 'stop');
      const done = posted.at(-1);
      assert.ok(done?.type === 'chat/done' && done.message.reasoning === prose);
    }
  });

  it('on done, a reasoning that was nothing but tool XML is gone, and so is leaked XML in the answer', () => {
    const { view, message } = setup();
    const xml = '<function=read_file>\n<parameter=path>\na.ts\n</parameter>\n</function>\n</tool_call>';
    view.apply({ type: 'reasoning', index: 0, text: xml });
    view.apply({ type: 'text', index: 0, text: 'It is short.\n</tool_call>' });
    view.apply({
      type: 'done',
      result: reviseToolMarkup(
        { id: null, model: null, usage: null, choices: [turn(xml, { content: 'It is short.\n</tool_call>' })] },
        undefined,
      ),
    });
    view.finish();
    assert.equal(message.reasoning, undefined);
    assert.ok(!('reasoning' in message));
    assert.equal(message.content, 'It is short.');
  });

  it('a cancel leaves the partial answer, stopped', () => {
    const { view, message } = setup();
    view.apply({ type: 'text', index: 0, text: 'half an ans' });
    view.finish(new ArceeError('cancelled', 'Cancelled.'));
    assert.equal(message.state, 'stopped');
    assert.equal(message.content, 'half an ans');
    assert.equal(message.error, undefined);
  });

  it('an error keeps the longer partial text and gets its actions', () => {
    const { view, message } = setup();
    const r = replay([sseFixture('cut-off')]);
    view.finish(r.error);
    assert.equal(message.state, 'error');
    assert.equal(message.content, 'This answer stops in the mid');
    assert.equal(message.error?.kind, 'truncated');
    assert.deepEqual(message.error?.actions, ['retry', 'showLog']);
  });

  it("a context overflow reaches the chat as its own kind, with the client's sentence", () => {
    const { view, message } = setup();
    const r = replay([sseFixture('error-field-overflow')]);
    view.finish(r.error);
    assert.equal(message.state, 'error');
    assert.equal(message.error?.kind, 'context_overflow');
    assert.match(
      message.error?.message ?? '',
      /^The request is 3,031 tokens but the model's context holds 2,048\. Use a shorter selection/,
    );
    assert.deepEqual(message.error?.actions, ['selectModel', 'showLog']);
  });

  it("with n > 1 the chat counts every choice's tokens in the usage and its cost (llama.cpp sends one usage chunk per choice)", () => {
    const { view, message } = setup();
    for (const e of replay([sseFixture('n2-usage-per-choice')]).events) view.apply(e);
    view.finish();
    assert.deepEqual(message.usage, {
      promptTokens: 10,
      completionTokens: 8,
      reasoningTokens: undefined,
      costUsd: 10 * 0.000001 + 8 * 0.000002,
    });
  });

  it('actions per kind', () => {
    assert.deepEqual(errorView(new ArceeError('auth', 'x')).actions, ['setApiKey', 'showLog']);
    assert.deepEqual(errorView(new ArceeError('payment', 'x')).actions, ['openBilling', 'retry']);
    assert.deepEqual(errorView(new ArceeError('not_found', 'x')).actions, ['openSettings', 'selectModel']);
    assert.deepEqual(errorView(new ArceeError('rate_limit', 'x')).actions, ['retry', 'showLog']);
    assert.deepEqual(errorView(new ArceeError('context_overflow', 'x')).actions, ['selectModel', 'showLog']);
    assert.deepEqual(errorView({ weird: true }), {
      kind: 'unknown',
      message: '{"weird":true}',
      actions: ['retry', 'showLog'],
    });
  });

  it('usage without pricing has no cost', () => {
    assert.deepEqual(usageView({ prompt_tokens: 1, completion_tokens: 2 }, undefined), {
      promptTokens: 1,
      completionTokens: 2,
      reasoningTokens: undefined,
    });
    assert.equal(usageView(null, undefined), undefined);
  });

  it('finish(undefined, true) says the request goes on (a tool round follows); a plain finish does not', () => {
    const a = setup();
    a.view.finish(undefined, true);
    const last = a.posted.at(-1);
    assert.equal(last?.type === 'chat/done' && last.more, true);
    const b = setup();
    b.view.finish();
    const end = b.posted.at(-1);
    assert.ok(end?.type === 'chat/done' && !('more' in end), JSON.stringify(end));
  });

  describe('logprobs', () => {
    const entry = (token: string, logprob: number): LogprobEntry => ({
      token,
      logprob,
      bytes: Array.from(Buffer.from(token)),
      top_logprobs: [
        { token, logprob },
        { token: 'x', logprob: -3 },
      ],
    });

    it('stores choice 0 logprobs on the message and sends them batched in chat/delta', async () => {
      const { view, posted, message } = setup(20);
      message.logprobs = [] as TokenLogprobView[];
      view.apply({ type: 'text', index: 0, text: 'Hi there' });
      view.apply({ type: 'logprobs', index: 0, entries: [entry('Hi', -0.1)] });
      view.apply({ type: 'logprobs', index: 1, entries: [entry('Other', -0.2)] });
      view.apply({ type: 'logprobs', index: 0, entries: [entry(' there', -2)] });
      await new Promise((r) => setTimeout(r, 40));
      view.finish();
      assert.deepEqual(
        message.logprobs.map((t) => [t.token, t.logprob]),
        [
          ['Hi', -0.1],
          [' there', -2],
        ],
      );
      assert.deepEqual(message.logprobs[1].top, [
        { token: ' there', logprob: -2 },
        { token: 'x', logprob: -3 },
      ]);
      const deltas = posted.filter((p) => p.type === 'chat/delta');
      assert.equal(deltas.length, 1, 'one batch');
      assert.deepEqual(deltas[0].type === 'chat/delta' && deltas[0].logprobs, message.logprobs);
      const done = posted.at(-1);
      assert.ok(done?.type === 'chat/done' && done.message.logprobs?.length === 2);
    });

    it('logprobs alone make a delta; a character split over chunks arrives at the end', () => {
      const { view, posted, message } = setup();
      message.logprobs = [] as TokenLogprobView[];
      const wave = Array.from(Buffer.from('👋'));
      view.apply({ type: 'logprobs', index: 0, entries: [{ token: 'a', logprob: -1, bytes: wave.slice(0, 3) }] });
      view.flush();
      assert.equal(posted.length, 0, 'nothing complete yet');
      view.finish();
      assert.deepEqual(
        message.logprobs.map((t) => t.logprob),
        [-1],
      );
      assert.equal(posted[0].type, 'chat/delta');
    });

    it('a real stream (entries not lined up with the text, split anywhere) gives one view per token, in order', async () => {
      const tokens: StreamToken[] = ['Use', ' a', ' **', 'Map', '**', ' —', ' fast', ' 🚀', '.'].map((token, i) => ({
        token,
        p: 1 / (i + 1.5),
        top: [
          [token, 1 / (i + 1.5)],
          ['x', 0.01],
        ],
      }));
      for (const seed of [1, 2, 3]) {
        const { view, posted, message } = setup(0);
        message.logprobs = [] as TokenLogprobView[];
        for (const e of replaySplit(Buffer.from(logprobStream(tokens)), seed, 7).events) view.apply(e);
        await new Promise((r) => setTimeout(r, 5));
        view.finish();
        assert.equal(message.content, tokens.map((t) => t.token).join(''));
        assert.deepEqual(
          message.logprobs.map((t) => t.token),
          tokens.map((t) => t.token),
        );
        assert.ok(Math.abs(message.logprobs[3].logprob - Math.log(1 / 4.5)) < 1e-4);
        const streamed = posted.flatMap((p) => (p.type === 'chat/delta' ? (p.logprobs ?? []) : []));
        assert.deepEqual(streamed, message.logprobs, 'deltas carry each view once');
      }
    });

    it('keeps at most MAX_TOKENS_KEPT per message (the rest of a very long answer stays unshaded)', () => {
      const { view, message } = setup();
      message.logprobs = [] as TokenLogprobView[];
      const entries = Array.from({ length: 1000 }, (_, i) => ({ token: `t${i}`, logprob: -0.5 }));
      for (let i = 0; i * 1000 < MAX_TOKENS_KEPT + 1500; i++) view.apply({ type: 'logprobs', index: 0, entries });
      view.finish();
      assert.equal(message.logprobs.length, MAX_TOKENS_KEPT);
    });

    it('are ignored when the request did not ask (no list on the message)', async () => {
      const { view, posted, message } = setup();
      view.apply({ type: 'logprobs', index: 0, entries: [entry('Hi', -0.1)] });
      await new Promise((r) => setTimeout(r, 5));
      view.finish();
      assert.equal(message.logprobs, undefined);
      assert.ok(posted.every((p) => p.type !== 'chat/delta'));
    });

    it('a model that sends none leaves an empty list (the webview says so)', () => {
      const { view, message } = setup();
      message.logprobs = [] as TokenLogprobView[];
      view.apply({ type: 'text', index: 0, text: 'Hi' });
      view.finish();
      assert.deepEqual(message.logprobs, []);
    });
  });
});
