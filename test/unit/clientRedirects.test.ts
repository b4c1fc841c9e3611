// A key goes only to the origin it was entered for: not to another server on a redirect, and not when a caller
// binds it elsewhere. Two real fake servers on 127.0.0.1 (different ports are different origins).
import * as assert from 'node:assert/strict';
import { ArceeClient } from '../../src/providers/client';
import { FakeServer, jsonReply, sseReply, textStream } from '../support/fakeServer';
import { collect, KEY, rejects, req } from '../support/clientTest';

describe('ArceeClient: the key stays with its origin', () => {
  let home: FakeServer;
  let elsewhere: FakeServer;
  before(async () => {
    home = await FakeServer.start();
    elsewhere = await FakeServer.start();
  });
  after(async () => {
    await home.close();
    await elsewhere.close();
  });
  beforeEach(() => {
    home.reset();
    elsewhere.reset();
  });
  const client = (extra = {}): ArceeClient =>
    new ArceeClient({ baseUrl: home.baseUrl, apiKey: KEY, retry: { maxAttempts: 3, baseDelayMs: 5 }, ...extra });
  const signal = (): AbortSignal => new AbortController().signal;
  const redirect = (status: number, location: string) => ({ status, headers: { location }, body: '' });

  for (const status of [301, 302, 303, 307, 308]) {
    it(`a ${status} to another server is refused: that server gets nothing, not even the body`, async () => {
      home.enqueue('/chat/completions', redirect(status, `${elsewhere.baseUrl}/chat/completions`));
      elsewhere.setDefault('/chat/completions', sseReply(textStream('stolen')));
      const e = await rejects(collect(client().streamChat(req(), { signal: signal() })));
      assert.match(e.message, new RegExp(`redirected the request to ${elsewhere.baseUrl.replace(/\/v1$/, '')}`));
      assert.match(e.message, /set it as the server URL/);
      assert.doesNotMatch(e.message, new RegExp(KEY));
      assert.equal(elsewhere.requests.length, 0);
      assert.equal(home.requestsTo('/chat/completions').length, 1, 'not retried');
    });
  }

  it('a redirect to localhost from 127.0.0.1 (another origin) is refused too', async () => {
    const port = new URL(home.baseUrl).port;
    home.enqueue('/models', redirect(302, `http://localhost:${port}/v1/models`));
    const e = await rejects(client().listModels({ signal: signal() }));
    assert.match(e.message, /another server/);
    assert.equal(home.requestsTo('/models').length, 1);
  });

  it('a redirect within the same origin is followed, with the key and the body', async () => {
    home.enqueue('/chat/completions', redirect(307, '/v2/chat/completions'), sseReply(textStream('ok')));
    const events = await collect(client().streamChat(req(), { signal: signal() }));
    assert.equal(events.at(-1)?.type, 'done');
    const [first, second] = home.requestsTo('/chat/completions');
    assert.equal(second.path, '/v2/chat/completions');
    assert.equal(second.method, 'POST');
    assert.equal(second.headers.authorization, `Bearer ${KEY}`);
    assert.deepEqual(second.json, first.json);
  });

  it('a redirect loop stops with a sentence', async () => {
    home.setDefault('/models', redirect(302, '/v1/models'));
    const e = await rejects(client().listModels({ signal: signal() }));
    assert.match(e.message, /redirected more than 5 times/);
    assert.equal(home.requestsTo('/models').length, 5);
  });

  it('a key bound to another origin is not sent (only the key entered for this server is)', async () => {
    home.enqueue('/models', jsonReply(200, { data: [] }));
    await client({ keyOrigin: 'https://api.arcee.ai' }).listModels({ signal: signal() });
    assert.equal(home.requestsTo('/models')[0].headers.authorization, undefined);
    home.enqueue('/models', jsonReply(200, { data: [] }));
    await client({ keyOrigin: new URL(home.baseUrl).origin }).listModels({ signal: signal() });
    assert.equal(home.requestsTo('/models')[1].headers.authorization, `Bearer ${KEY}`);
  });
});
