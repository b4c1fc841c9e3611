import * as assert from 'node:assert/strict';
import * as FakeTimers from '@sinonjs/fake-timers';
import { ArceeClient, buildBody, type ClientConfig } from '../../src/providers/client';
import { FakeServer, jsonReply, sseReply, textStream } from '../support/fakeServer';
import { sseFixture } from '../support/paths';
import { collect, KEY, rejects, req, useClientServer } from '../support/clientTest';

describe('ArceeClient over HTTP (fake server on 127.0.0.1)', () => {
  const fixture = useClientServer();
  const logs: string[] = [];
  const client = (extra: Partial<ClientConfig> = {}): ArceeClient =>
    fixture.client({
      logger: { info: (m) => logs.push(m), debug: (m) => logs.push(m), warn: (m) => logs.push(m) },
      ...extra,
    });

  beforeEach(() => {
    logs.length = 0;
  });

  it('streams a recorded answer split at random byte boundaries', async () => {
    for (let seed = 1; seed <= 20; seed++) {
      fixture.server.enqueue(
        '/chat/completions',
        sseReply(sseFixture('basic'), { randomSplit: { seed, maxPiece: 7 } }),
      );
      const events = await collect(client().streamChat(req(), { signal: new AbortController().signal }));
      const text = events.map((e) => (e.type === 'text' ? e.text : '')).join('');
      assert.equal(text, 'Hello, wörld — 👋 ok!');
      const done = events.at(-1);
      assert.equal(done?.type, 'done');
      if (done?.type === 'done') assert.equal(done.result.usage?.total_tokens, 19);
    }
  });

  it('sends the key as a bearer token, the fields given, stream_options, and drops nulls', async () => {
    await collect(
      client({ headers: { 'X-Gateway': 'g1' } }).streamChat(
        req({
          temperature: 0.15,
          top_p: 0.75,
          seed: 7,
          stop: ['\n\n'],
          max_tokens: 100,
          logit_bias: { '50256': -100 },
          user: 'u1',
          n: null,
          timeout: 30,
        }),
        { signal: new AbortController().signal },
      ),
    );
    const [r] = fixture.server.requestsTo('/chat/completions');
    assert.equal(r.method, 'POST');
    assert.equal(r.path, '/v1/chat/completions');
    assert.equal(r.headers.authorization, `Bearer ${KEY}`);
    assert.equal(r.headers['x-gateway'], 'g1');
    assert.deepEqual(r.json, {
      model: 'trinity-mini',
      messages: [{ role: 'user', content: 'hi' }],
      temperature: 0.15,
      top_p: 0.75,
      seed: 7,
      stop: ['\n\n'],
      max_tokens: 100,
      logit_bias: { '50256': -100 },
      user: 'u1',
      timeout: 30,
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it('sends no Authorization header without a key (local servers)', async () => {
    await collect(client({ apiKey: '' }).streamChat(req(), { signal: new AbortController().signal }));
    assert.equal(fixture.server.requestsTo('/chat/completions')[0].headers.authorization, undefined);
  });

  it('takes a JSON answer to a streaming request as the complete response', async () => {
    fixture.server.enqueue(
      '/chat/completions',
      jsonReply(200, {
        id: 'j',
        model: 'trinity-mini',
        choices: [{ index: 0, message: { role: 'assistant', content: 'whole' }, finish_reason: 'stop' }],
        usage: { total_tokens: 4 },
      }),
    );
    const events = await collect(client().streamChat(req(), { signal: new AbortController().signal }));
    assert.deepEqual(
      events.filter((e) => e.type === 'text'),
      [{ type: 'text', index: 0, text: 'whole' }],
    );
    assert.equal(events.at(-1)?.type, 'done');
  });

  it('completeChat sends stream:false and returns the result', async () => {
    fixture.server.enqueue(
      '/chat/completions',
      jsonReply(200, {
        id: 'j',
        model: 'trinity-mini',
        choices: [{ index: 0, message: { role: 'assistant', content: 'whole' }, finish_reason: 'stop' }],
      }),
    );
    const result = await client().completeChat(req(), { signal: new AbortController().signal });
    assert.equal(result.choices[0].content, 'whole');
    const body = fixture.server.requestsTo('/chat/completions')[0].json as Record<string, unknown>;
    assert.equal(body.stream, false);
    assert.equal(body.stream_options, undefined);
  });

  it('completeChat also copes with a server that streams anyway', async () => {
    fixture.server.enqueue('/chat/completions', sseReply(textStream('streamed anyway')));
    const result = await client().completeChat(req(), { signal: new AbortController().signal });
    assert.equal(result.choices[0].content, 'streamed anyway');
  });

  for (const status of [400, 401, 402, 403, 404, 422]) {
    it(`never retries ${status}`, async () => {
      fixture.server.enqueue('/chat/completions', jsonReply(status, { detail: `status ${status}` }));
      const e = await rejects(collect(client().streamChat(req(), { signal: new AbortController().signal })));
      assert.equal(e.status, status);
      assert.equal(fixture.server.requestsTo('/chat/completions').length, 1);
    });
  }

  for (const status of [429, 502, 503, 504]) {
    it(`retries ${status} and then succeeds`, async () => {
      fixture.server.enqueue(
        '/chat/completions',
        jsonReply(status, { detail: 'busy' }),
        jsonReply(status, { detail: 'busy' }),
      );
      const retries: number[] = [];
      const events = await collect(
        client().streamChat(req(), { signal: new AbortController().signal, onRetry: (i) => retries.push(i.attempt) }),
      );
      assert.equal(events.at(-1)?.type, 'done');
      assert.deepEqual(retries, [2, 3]);
      assert.equal(fixture.server.requestsTo('/chat/completions').length, 3);
    });
  }

  it('gives up after 3 attempts with the last error', async () => {
    fixture.server.enqueue('/chat/completions', ...[1, 2, 3, 4].map(() => jsonReply(503, { detail: 'overloaded' })));
    const e = await rejects(collect(client().streamChat(req(), { signal: new AbortController().signal })));
    assert.equal(e.kind, 'unavailable');
    assert.match(e.message, /overloaded/);
    assert.equal(fixture.server.requestsTo('/chat/completions').length, 3);
  });

  it('does not retry a 429 that means the credits are gone', async () => {
    fixture.server.enqueue(
      '/chat/completions',
      jsonReply(429, { error: { message: 'quota', code: 'insufficient_quota' } }),
    );
    const e = await rejects(collect(client().streamChat(req(), { signal: new AbortController().signal })));
    assert.equal(e.kind, 'payment');
    assert.equal(fixture.server.requestsTo('/chat/completions').length, 1);
  });

  it('retries a dropped connection before any byte', async () => {
    fixture.server.enqueue('/chat/completions', { dropConnection: true });
    const events = await collect(client().streamChat(req(), { signal: new AbortController().signal }));
    assert.equal(events.at(-1)?.type, 'done');
    assert.equal(fixture.server.requestsTo('/chat/completions').length, 2);
  });

  it('never retries after stream bytes arrived: a cut stream is truncated, partial kept', async () => {
    const events = textStream('one two three four').split(/(?<=\n\n)/);
    fixture.server.enqueue('/chat/completions', sseReply(events, { cutAfterPieces: 2, pieceDelayMs: 20 }));
    const e = await rejects(collect(client().streamChat(req(), { signal: new AbortController().signal })));
    assert.equal(e.kind, 'truncated');
    assert.equal(e.partial?.choices[0].content, 'one two ');
    assert.equal(fixture.server.requestsTo('/chat/completions').length, 1);
  });

  it('says "connection refused" for a port nobody listens on', async () => {
    const closed = await FakeServer.start();
    const url = closed.baseUrl;
    await closed.close();
    const e = await rejects(
      collect(
        new ArceeClient({ baseUrl: url, retry: { maxAttempts: 1 } }).streamChat(req(), {
          signal: new AbortController().signal,
        }),
      ),
    );
    assert.equal(e.kind, 'network');
    assert.match(e.message, /connection refused/);
  });

  it('abort closes the socket at the server and is reported as cancelled with the partial text', async () => {
    fixture.server.enqueue(
      '/chat/completions',
      sseReply(textStream('a b c d e f g h i j k l m n o p'), {
        pieceDelayMs: 30,
        randomSplit: { seed: 2, maxPiece: 120 },
      }),
    );
    const ac = new AbortController();
    const seen: string[] = [];
    const e = await rejects(
      (async () => {
        for await (const ev of client().streamChat(req(), { signal: ac.signal })) {
          if (ev.type === 'text') {
            seen.push(ev.text);
            ac.abort();
          }
        }
      })(),
    );
    assert.equal(e.kind, 'cancelled');
    assert.equal(e.partial?.choices[0].content, seen.join(''));
    const [r] = fixture.server.requestsTo('/chat/completions');
    await Promise.race([
      r.closed,
      new Promise((_, rej) => setTimeout(() => rej(new Error('server never saw the close')), 2000)),
    ]);
    assert.equal(r.closedEarly, true);
  });

  it('breaking out of the loop also closes the socket', async () => {
    fixture.server.enqueue(
      '/chat/completions',
      sseReply(textStream('a b c d e f g h'), { pieceDelayMs: 30, randomSplit: { seed: 5, maxPiece: 100 } }),
    );
    for await (const ev of client().streamChat(req(), { signal: new AbortController().signal })) {
      if (ev.type === 'text') break;
    }
    const [r] = fixture.server.requestsTo('/chat/completions');
    await Promise.race([
      r.closed,
      new Promise((_, rej) => setTimeout(() => rej(new Error('server never saw the close')), 2000)),
    ]);
    assert.equal(r.closedEarly, true);
  });

  it('an already aborted signal sends nothing', async () => {
    const ac = new AbortController();
    ac.abort();
    const e = await rejects(collect(client().streamChat(req(), { signal: ac.signal })));
    assert.equal(e.kind, 'cancelled');
    assert.equal(fixture.server.requestsTo('/chat/completions').length, 0);
  });

  it('HTML from a proxy is never shown', async () => {
    fixture.server.enqueue('/chat/completions', {
      status: 502,
      headers: { 'content-type': 'text/html' },
      body: '<html><body>nginx <b>bad gateway</b></body></html>',
    });
    const e = await rejects(
      collect(client({ retry: { maxAttempts: 1 } }).streamChat(req(), { signal: new AbortController().signal })),
    );
    assert.doesNotMatch(e.message, /<|nginx/);
    assert.match(e.message, /127\.0\.0\.1:\d+ answered 502 Bad Gateway/);
  });

  it('lists models in both shapes and reads credits', async () => {
    const models = await client().listModels({ signal: new AbortController().signal });
    assert.deepEqual(
      models.map((m) => m.id),
      ['trinity-mini', 'trinity-large-thinking', 'spotlight'],
    );
    assert.equal(models[0].contextLength, 131072);
    assert.equal(models[0].pricing?.prompt, 0.000000045);
    fixture.server.enqueue(
      '/models',
      jsonReply(200, { object: 'list', data: [{ id: 'llama-3', object: 'model', owned_by: 'me' }] }),
    );
    assert.deepEqual(
      (await client().listModels({ signal: new AbortController().signal })).map((m) => m.name),
      ['llama-3'],
    );
    assert.equal(await client().getCredits({ signal: new AbortController().signal }), 12.5);
    assert.equal(fixture.server.requestsTo('/models')[0].headers.authorization, `Bearer ${KEY}`);
  });

  it('never logs the key', async () => {
    fixture.server.enqueue('/chat/completions', jsonReply(401, { detail: `bad key ${KEY}` }));
    const e = await rejects(collect(client().streamChat(req(), { signal: new AbortController().signal })));
    assert.ok(logs.length > 0);
    for (const line of [...logs, e.message, JSON.stringify(e.toJSON())]) assert.ok(!line.includes(KEY), line);
  });
});

describe('ArceeClient retry timing (fake timers)', () => {
  let clock: ReturnType<typeof FakeTimers.install>;
  beforeEach(() => {
    clock = FakeTimers.install({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  });
  afterEach(() => clock.uninstall());

  function fakeFetch(statuses: { status: number; headers?: Record<string, string> }[], calls: number[]): typeof fetch {
    return () => {
      calls.push(Date.now());
      const next = statuses.shift() ?? { status: 200 };
      if (next.status === 200) {
        return Promise.resolve(
          new Response(textStream('ok'), { status: 200, headers: { 'content-type': 'text/event-stream' } }),
        );
      }
      return Promise.resolve(
        new Response(JSON.stringify({ detail: 'later' }), {
          status: next.status,
          headers: { 'content-type': 'application/json', ...next.headers },
        }),
      );
    };
  }

  it('waits the backoff between attempts, honouring Retry-After', async () => {
    const calls: number[] = [];
    const c = new ArceeClient({
      baseUrl: 'http://127.0.0.1:9/v1',
      fetch: fakeFetch([{ status: 503 }, { status: 429, headers: { 'retry-after': '4' } }], calls),
      random: () => 0.5,
      retry: { baseDelayMs: 1000 },
    });
    const done = collect(c.streamChat(req(), { signal: new AbortController().signal }));
    await clock.runAllAsync();
    const events = await done;
    assert.equal(events.at(-1)?.type, 'done');
    assert.equal(calls.length, 3);
    assert.equal(calls[1] - calls[0], 750); // 1000 * (0.5 + 0.5 * 0.5)
    assert.equal(calls[2] - calls[1], 4000); // Retry-After beats the 1500 ms backoff
  });

  it('a cancel during the backoff stops at once', async () => {
    const calls: number[] = [];
    const ac = new AbortController();
    const c = new ArceeClient({
      baseUrl: 'http://127.0.0.1:9/v1',
      fetch: fakeFetch([{ status: 503 }, { status: 503 }], calls),
      retry: { baseDelayMs: 10_000 },
    });
    const done = rejects(collect(c.streamChat(req(), { signal: ac.signal })));
    await clock.tickAsync(100);
    ac.abort();
    const e = await done;
    assert.equal(e.kind, 'cancelled');
    assert.equal(calls.length, 1);
  });

  it('a Retry-After past the total bound is not waited for', async () => {
    const calls: number[] = [];
    const c = new ArceeClient({
      baseUrl: 'http://127.0.0.1:9/v1',
      fetch: fakeFetch([{ status: 429, headers: { 'retry-after': '3600' } }], calls),
    });
    const e = await rejects(collect(c.streamChat(req(), { signal: new AbortController().signal })));
    assert.equal(e.kind, 'rate_limit');
    assert.equal(e.retryAfterMs, 3_600_000);
    assert.equal(calls.length, 1);
  });
});

describe('buildBody', () => {
  it('keeps explicit stream_options fields and drops them for non-streaming', () => {
    assert.deepEqual(buildBody(req({ stream_options: { include_usage: false } }), true).stream_options, {
      include_usage: false,
    });
    assert.equal(buildBody(req({ stream_options: { include_usage: true } }), false).stream_options, undefined);
  });

  it('leaves reasoning_effort out for trinity-large-thinking (it refuses every value), and only there', () => {
    assert.equal(
      'reasoning_effort' in buildBody(req({ model: 'trinity-large-thinking', reasoning_effort: 'high' }), true),
      false,
    );
    assert.equal(
      'reasoning_effort' in buildBody(req({ model: 'arcee-ai/Trinity-Large-Thinking', reasoning_effort: 'low' }), true),
      false,
    );
    assert.equal(buildBody(req({ model: 'trinity-mini', reasoning_effort: 'low' }), true).reasoning_effort, 'low');
    assert.equal(
      buildBody(req({ model: 'trinity-large-thinking-v2', reasoning_effort: 'low' }), true).reasoning_effort,
      'low',
    );
  });
});
