import * as assert from 'node:assert/strict';
import {
  CompletionEngine,
  describeCounters,
  maxTokensFor,
  type ChatStreamer,
  type CompletionRequest,
  type CompletionSettings,
  type Pause,
} from '../../src/completions/engine';
import type { ChatEvent, ChatRequest } from '../../src/providers/api';
import { ArceeError } from '../../src/providers/errors';

const SETTINGS: CompletionSettings = { model: 'trinity-mini', debounceMs: 300, maxLines: 12, maxPerMinute: 30 };

const REQ: CompletionRequest = {
  document: 'file:///a.ts',
  path: 'src/a.ts',
  languageId: 'typescript',
  prefix: 'function f(items: number[]) {\n  const total = ',
  suffix: '\n  return total;\n}\n',
  indent: { useTabs: false, size: 2 },
};

interface Call {
  request: ChatRequest;
  signal: AbortSignal;
  /** How many pieces the consumer took before it stopped. */
  taken: number;
}

/** A model that streams `answer` in pieces, waiting for `gate` (if any) before each piece after the first. */
function fakeModel(answer: string | (() => never), options: { pieces?: number; gate?: () => Promise<void> } = {}) {
  const calls: Call[] = [];
  const streamer: ChatStreamer = async function* (request, signal) {
    const call: Call = { request, signal, taken: 0 };
    calls.push(call);
    if (typeof answer === 'function') answer();
    const n = options.pieces ?? 1;
    const size = Math.ceil((answer as string).length / n);
    for (let i = 0; i < (answer as string).length; i += size) {
      if (i > 0 && options.gate) await options.gate();
      if (signal.aborted) throw new ArceeError('cancelled', 'Cancelled.');
      call.taken++;
      yield { type: 'text', index: 0, text: (answer as string).slice(i, i + size) } satisfies ChatEvent;
    }
  };
  return { calls, streamer };
}

function engineWith(
  streamer: ChatStreamer | undefined,
  extra: {
    settings?: Partial<CompletionSettings>;
    now?: () => number;
    sleep?: (ms: number, s: AbortSignal) => Promise<void>;
  } = {},
) {
  const pauses: (Pause | undefined)[] = [];
  const logs: string[] = [];
  const sleeps: number[] = [];
  const engine = new CompletionEngine({
    stream: () => Promise.resolve(streamer),
    settings: () => ({ ...SETTINGS, ...extra.settings }),
    now: extra.now,
    sleep:
      extra.sleep ??
      ((ms) => {
        sleeps.push(ms);
        return Promise.resolve();
      }),
    log: (l) => logs.push(l),
    onPause: (p) => pauses.push(p),
  });
  return { engine, pauses, logs, sleeps };
}

const signal = (): AbortSignal => new AbortController().signal;

describe('completions: engine', () => {
  it('asks the completions model once, after the debounce, with a bounded near-greedy streamed request', async () => {
    const model = fakeModel('items.reduce((a, b) => a + b, 0);');
    const { engine, sleeps } = engineWith(model.streamer);
    const got = await engine.complete(REQ, signal());
    assert.deepEqual(got, { text: 'items.reduce((a, b) => a + b, 0);', source: 'model' });
    assert.deepEqual(sleeps, [300]);
    assert.equal(model.calls.length, 1);
    const r = model.calls[0].request;
    assert.equal(r.model, 'trinity-mini');
    assert.equal(r.stream, true);
    assert.equal(r.max_tokens, maxTokensFor('line', 12));
    assert.equal(r.temperature, 0.15);
    assert.ok(JSON.stringify(r.messages).includes('const total = '), 'the code before the cursor is in the prompt');
    assert.equal(engine.counters.requests, 1);
    assert.equal(engine.counters.shown, 1);
  });

  it('closes the request as soon as the first line is there (line mode)', async () => {
    const model = fakeModel('items.length;\nconsole.log(total);\nmore();\nand();\nmore();\n', { pieces: 5 });
    const { engine } = engineWith(model.streamer);
    assert.equal((await engine.complete(REQ, signal()))?.text, 'items.length;');
    assert.ok(model.calls[0].taken < 5, `took ${model.calls[0].taken} of 5 pieces`);
    assert.equal(model.calls[0].signal.aborted, true, 'the request was not closed');
    assert.equal(engine.counters.decidedEarly, 1);
  });

  it('on an empty line asks for a block, and stops at its end', async () => {
    const model = fakeModel('let t = 0;\nfor (const x of items) t += x;\n}\n\nfunction g() {}\n', { pieces: 5 });
    const { engine } = engineWith(model.streamer);
    const got = await engine.complete(
      { ...REQ, prefix: 'function f(items: number[]) {\n  ', suffix: '\n}\n' },
      signal(),
    );
    assert.equal(got?.text, 'let t = 0;\n  for (const x of items) t += x;');
    assert.equal(model.calls[0].request.max_tokens, maxTokensFor('block', 12));
    assert.equal(model.calls[0].signal.aborted, true);
  });

  it('serves typing through a suggestion, and backspacing into it, from the cache: no second request', async () => {
    const model = fakeModel('items.length;');
    const { engine } = engineWith(model.streamer);
    await engine.complete(REQ, signal());
    assert.deepEqual(await engine.complete({ ...REQ, prefix: REQ.prefix + 'item' }, signal()), {
      text: 's.length;',
      source: 'cache',
    });
    assert.deepEqual(await engine.complete({ ...REQ, prefix: REQ.prefix.slice(0, -1) }, signal()), {
      text: ' items.length;',
      source: 'cache',
    });
    assert.equal(model.calls.length, 1);
    assert.equal(engine.counters.cacheHits, 2);
    engine.clearCache();
    await engine.complete({ ...REQ, prefix: REQ.prefix + 'item' }, signal());
    assert.equal(model.calls.length, 2, 'a cleared cache asks again');
  });

  it('sends nothing when the call is cancelled during the debounce', async () => {
    const model = fakeModel('x;');
    const ctl = new AbortController();
    const { engine } = engineWith(model.streamer, {
      sleep: () => {
        ctl.abort();
        return Promise.resolve();
      },
    });
    assert.equal(await engine.complete(REQ, ctl.signal), undefined);
    assert.equal(model.calls.length, 0);
    assert.equal(engine.counters.debounced, 1);
  });

  it('aborts the request in flight when the user types on, and counts it', async () => {
    const ctl = new AbortController();
    let release!: () => void;
    const model = fakeModel('items', { pieces: 2, gate: () => new Promise<void>((r) => (release = r)) });
    const { engine } = engineWith(model.streamer);
    const pending = engine.complete(REQ, ctl.signal);
    while (model.calls.length === 0 || model.calls[0].taken === 0) await new Promise((r) => setImmediate(r));
    ctl.abort();
    assert.equal(model.calls[0].signal.aborted, true, 'the request signal follows the call');
    release();
    assert.equal(await pending, undefined);
    assert.equal(engine.counters.aborted, 1);
    assert.equal(engine.counters.errors, 0, 'an abort is not an error');
  });

  it('stops at the per-minute cap and logs that once', async () => {
    const model = fakeModel('x;');
    const { engine, logs } = engineWith(model.streamer, { settings: { maxPerMinute: 2 } });
    for (let i = 0; i < 4; i++) await engine.complete({ ...REQ, prefix: REQ.prefix + 'a'.repeat(i * 3 + 5) }, signal());
    assert.equal(model.calls.length, 2);
    assert.equal(engine.counters.capped, 2);
    assert.equal(logs.filter((l) => l.includes('arcee.completions.maxRequestsPerMinute')).length, 1);
  });

  for (const [kind, status] of [
    ['auth', 401],
    ['payment', 402],
    ['not_found', 404],
  ] as const) {
    it(`pauses on a ${status} until resumed, with one pause event and no further requests`, async () => {
      const model = fakeModel(() => {
        throw new ArceeError(kind, `The server said ${status}.`, { status });
      });
      const { engine, pauses } = engineWith(model.streamer);
      assert.equal(await engine.complete(REQ, signal()), undefined);
      for (let i = 0; i < 3; i++)
        assert.equal(await engine.complete({ ...REQ, prefix: REQ.prefix + 'x'.repeat(i + 1) }, signal()), undefined);
      assert.equal(model.calls.length, 1);
      assert.equal(pauses.length, 1);
      assert.equal(pauses[0]?.kind, kind);
      assert.equal(pauses[0]?.message, `The server said ${status}.`);
      engine.resume();
      assert.deepEqual(pauses.at(-1), undefined);
      await engine.complete({ ...REQ, prefix: REQ.prefix + 'y' }, signal());
      assert.equal(model.calls.length, 2, 'resumed: asks again');
    });
  }

  it('pauses on a 429 for its Retry-After, then asks again by itself', async () => {
    let t = 1_000_000;
    let fail = true;
    const streamer: ChatStreamer = async function* () {
      await Promise.resolve();
      if (fail) throw new ArceeError('rate_limit', 'Rate limited.', { status: 429, retryAfterMs: 20_000 });
      yield { type: 'text', index: 0, text: 'ok;' } satisfies ChatEvent;
    };
    const { engine, pauses } = engineWith(streamer, { now: () => t });
    await engine.complete(REQ, signal());
    assert.equal(pauses[0]?.until, 1_020_000);
    fail = false;
    t += 10_000;
    assert.equal(await engine.complete(REQ, signal()), undefined, 'still paused');
    t += 10_000;
    assert.equal((await engine.complete(REQ, signal()))?.text, 'ok;');
    assert.equal(pauses.at(-1), undefined, 'the resume was announced');
  });

  it('logs other failures (with the message only) and keeps going', async () => {
    let n = 0;
    const streamer: ChatStreamer = async function* () {
      await Promise.resolve();
      if (n++ === 0) throw new ArceeError('server', 'The server failed (500).', { status: 500 });
      yield { type: 'text', index: 0, text: 'ok;' } satisfies ChatEvent;
    };
    const { engine, logs, pauses } = engineWith(streamer);
    assert.equal(await engine.complete(REQ, signal()), undefined);
    assert.deepEqual(logs, ['Completion request failed: The server failed (500).']);
    assert.equal(pauses.length, 0);
    assert.equal((await engine.complete(REQ, signal()))?.text, 'ok;');
    assert.equal(engine.counters.errors, 1);
  });

  it('shows nothing for an answer that only repeats what follows, and does not cache it', async () => {
    const model = fakeModel('\n  return total;\n}');
    const { engine } = engineWith(model.streamer);
    assert.equal(
      await engine.complete(
        { ...REQ, prefix: 'function f(items: number[]) {\n  const total = 0;\n  ', suffix: '\n  return total;\n}\n' },
        signal(),
      ),
      undefined,
    );
    assert.equal(engine.counters.empty, 1);
  });

  it('ignores reasoning, in its own field or inline in <think>', async () => {
    const streamer: ChatStreamer = async function* () {
      await Promise.resolve();
      yield { type: 'reasoning', index: 0, text: 'The user wants a sum.\n' } satisfies ChatEvent;
      yield { type: 'text', index: 0, text: '<think>Sum it' } satisfies ChatEvent;
      yield { type: 'text', index: 0, text: 'up.\nStart at zero.\n</think>' } satisfies ChatEvent;
      yield { type: 'text', index: 0, text: '0;' } satisfies ChatEvent;
      yield { type: 'textWasReasoning', index: 1, text: 'other choice' } satisfies ChatEvent;
    };
    const { engine } = engineWith(streamer);
    assert.equal((await engine.complete(REQ, signal()))?.text, '0;');
  });

  it('asks nothing without a client (no key) and counts accepts', async () => {
    const { engine } = engineWith(undefined);
    assert.equal(await engine.complete(REQ, signal()), undefined);
    assert.equal(engine.counters.requests, 0);
    engine.accepted();
    assert.equal(engine.counters.accepts, 1);
  });

  it('pauses, asking nothing, when no client can be made for want of a key', async () => {
    const pauses: (Pause | undefined)[] = [];
    let asked = 0;
    const engine = new CompletionEngine({
      stream: () => {
        asked++;
        return Promise.reject(new ArceeError('auth', 'No Arcee API key is set.'));
      },
      settings: () => SETTINGS,
      sleep: () => Promise.resolve(),
      onPause: (p) => pauses.push(p),
    });
    assert.equal(await engine.complete(REQ, signal()), undefined);
    assert.equal(await engine.complete({ ...REQ, prefix: REQ.prefix + 'x' }, signal()), undefined);
    assert.equal(asked, 1);
    assert.deepEqual(pauses, [{ kind: 'auth', message: 'No Arcee API key is set.', until: undefined }]);
    assert.equal(engine.counters.requests, 0);
  });

  it('describes its counters in one log line: requests, aborts, cache hits, accepts', async () => {
    const model = fakeModel('items.length;');
    const { engine } = engineWith(model.streamer);
    await engine.complete(REQ, signal());
    await engine.complete({ ...REQ, prefix: REQ.prefix + 'it' }, signal());
    engine.accepted();
    assert.equal(
      describeCounters(engine.counters),
      'Completions: 1 requests (0 aborted as you typed on, 0 stopped once the answer was decided, 0 failed), 1 served from the cache, 2 shown, 1 accepted, 0 empty, 0 skipped while typing, 0 over the per-minute cap',
    );
  });
});
