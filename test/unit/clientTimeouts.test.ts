import * as assert from 'node:assert/strict';
import { collect, rejects, req, useClientServer } from '../support/clientTest';
import { jsonReply, sseReply, textStream } from '../support/fakeServer';

describe('ArceeClient timeouts over HTTP (fake server on 127.0.0.1)', () => {
  const fixture = useClientServer();
  const client = fixture.client;

  it('times out waiting for the first byte', async () => {
    fixture.server.enqueue('/chat/completions', sseReply(textStream('late'), { headerDelayMs: 2000 }));
    const e = await rejects(
      collect(client({ firstByteTimeoutMs: 150 }).streamChat(req(), { signal: new AbortController().signal })),
    );
    assert.equal(e.kind, 'timeout');
    assert.match(e.message, /first-byte timeout/);
  });

  it('times out when a stream goes idle, keeping the partial answer', async () => {
    fixture.server.enqueue(
      '/chat/completions',
      sseReply(textStream('alpha beta gamma delta'), { stallAfterPieces: 1, randomSplit: { seed: 1, maxPiece: 200 } }),
    );
    const e = await rejects(
      collect(client({ idleTimeoutMs: 150 }).streamChat(req(), { signal: new AbortController().signal })),
    );
    assert.equal(e.kind, 'timeout');
    assert.match(e.message, /idle timeout/);
  });

  it('timeout messages: milliseconds below a second, and each limit named the way the caller names it', async () => {
    const host = `127.0.0.1:${fixture.server.port}`;
    fixture.server.enqueue('/chat/completions', sseReply(textStream('late'), { headerDelayMs: 2000 }));
    const first = await rejects(
      collect(
        client({
          firstByteTimeoutMs: 300,
          timeoutNames: { firstByte: 'the arcee.firstByteTimeoutMs setting' },
        }).streamChat(req(), { signal: new AbortController().signal }),
      ),
    );
    assert.equal(
      first.message,
      `${host} has not started to answer within 300 ms. Try again, or raise the arcee.firstByteTimeoutMs setting.`,
    );
    fixture.server.enqueue(
      '/chat/completions',
      sseReply(textStream('alpha beta gamma'), { stallAfterPieces: 1, randomSplit: { seed: 1, maxPiece: 200 } }),
    );
    const idle = await rejects(
      collect(
        client({ idleTimeoutMs: 250, timeoutNames: { idle: '--idle-timeout-ms' } }).streamChat(req(), {
          signal: new AbortController().signal,
        }),
      ),
    );
    assert.equal(
      idle.message,
      `${host} has not sent the next part of the answer within 250 ms. Try again, or raise --idle-timeout-ms.`,
    );
  });

  it('without streaming, a whole-request limit applies: neither the first-byte nor the idle limit cuts a slow answer, and the message fits', async () => {
    const whole = {
      id: 'j',
      model: 'trinity-mini',
      choices: [{ index: 0, message: { role: 'assistant', content: 'whole' }, finish_reason: 'stop' }],
    };
    const signal = new AbortController().signal;
    // The server sends nothing until it has finished generating: here 700 ms, past the first-byte limit.
    fixture.server.enqueue('/chat/completions', jsonReply(200, whole, { headerDelayMs: 700 }));
    assert.equal(
      (await client({ firstByteTimeoutMs: 300, idleTimeoutMs: 200 }).completeChat(req(), { signal })).choices[0]
        .content,
      'whole',
    );
    // A body in pieces further apart than the idle limit.
    const body = JSON.stringify(whole);
    fixture.server.enqueue('/chat/completions', {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: [body.slice(0, 20), body.slice(20)],
      pieceDelayMs: 400,
    });
    assert.equal((await client({ idleTimeoutMs: 200 }).completeChat(req(), { signal })).choices[0].content, 'whole');
    fixture.server.enqueue('/chat/completions', jsonReply(200, whole, { headerDelayMs: 2000 }));
    const e = await rejects(
      client({ requestTimeoutMs: 400, timeoutNames: { request: '--timeout-ms' } }).completeChat(req(), { signal }),
    );
    assert.equal(e.kind, 'timeout');
    assert.equal(
      e.message,
      `127.0.0.1:${fixture.server.port} did not finish its answer within 400 ms. Try again, or raise --timeout-ms.`,
    );
  });
});
