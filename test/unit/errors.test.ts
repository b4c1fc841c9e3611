import * as assert from 'node:assert/strict';
import {
  ArceeError,
  describeUnknownError,
  errorFromHttp,
  errorFromNetwork,
  errorFromStreamPayload,
  formatDuration,
  redactSecrets,
  timeoutError,
  DEFAULT_TIMEOUT_NAMES,
  type ErrorKind,
} from '../../src/providers/errors';
import { kindForStatus, parseRetryAfter } from '../../src/providers/errorClassify';

const headers = (h: Record<string, string> = {}): { get(n: string): string | null } => ({
  get: (n: string) => h[n.toLowerCase()] ?? null,
});

function http(
  status: number,
  body: string,
  contentType = 'application/json',
  h: Record<string, string> = {},
): ArceeError {
  return errorFromHttp({
    status,
    host: 'api.arcee.ai',
    contentType,
    body,
    headers: headers(h),
    now: Date.parse('2026-11-26T12:00:00Z'),
  });
}

describe('errors', () => {
  describe('kind per status', () => {
    const table: [number, ErrorKind][] = [
      [400, 'bad_request'],
      [401, 'auth'],
      [402, 'payment'],
      [403, 'permission'],
      [404, 'not_found'],
      [409, 'bad_request'],
      [422, 'validation'],
      [429, 'rate_limit'],
      [500, 'server'],
      [501, 'server'],
      [502, 'gateway'],
      [503, 'unavailable'],
      [504, 'gateway'],
    ];
    for (const [status, kind] of table) {
      it(`${status} → ${kind}`, () => {
        const e = http(status, JSON.stringify({ detail: 'something happened' }));
        assert.equal(e.kind, kind);
        assert.equal(e.status, status);
        assert.match(e.message, /something happened/);
        assert.equal(kindForStatus(status), kind);
      });
    }
  });

  it('reads detail as a string', () => {
    const e = http(401, '{"detail":"Invalid API key"}');
    assert.match(e.message, /Arcee: Set API Key/);
    assert.match(e.message, /Invalid API key/);
    assert.match(e.message, /401 Unauthorized/);
  });

  it('lists the msgs of a 422 detail list with their locations', () => {
    const e = http(
      422,
      JSON.stringify({
        detail: [
          {
            loc: ['body', 'temperature'],
            msg: 'Input should be less than or equal to 2',
            type: 'less_than_equal',
            input: 5,
          },
          { loc: ['body', 'n'], msg: 'Input should be a valid integer', type: 'int_type' },
        ],
      }),
    );
    assert.equal(e.kind, 'validation');
    assert.match(
      e.message,
      /body\.temperature: Input should be less than or equal to 2; body\.n: Input should be a valid integer/,
    );
    assert.doesNotMatch(e.message, /object Object/);
  });

  it("reads OpenAI's error.message, and treats insufficient_quota 429 as payment", () => {
    const e = http(
      429,
      JSON.stringify({
        error: { message: 'You exceeded your current quota', type: 'insufficient_quota', code: 'insufficient_quota' },
      }),
    );
    assert.equal(e.kind, 'payment');
    assert.match(e.message, /exceeded your current quota/);
    const r = http(
      429,
      JSON.stringify({ error: { message: 'Slow down', type: 'rate_limit', code: 'rate_limit_exceeded' } }),
    );
    assert.equal(r.kind, 'rate_limit');
  });

  it('reads error as a string, then message', () => {
    assert.match(http(500, '{"error":"boom"}').message, /boom/);
    assert.match(http(500, '{"message":"kaput"}').message, /kaput/);
  });

  it('falls back to a plain-text body cut short', () => {
    const long = 'Internal failure '.repeat(100);
    const e = http(500, long, 'text/plain');
    assert.ok(e.message.length < 500, `too long: ${e.message.length}`);
    assert.match(e.message, /Internal failure Internal failure/);
    assert.match(e.message, /…/);
  });

  it('never shows an HTML body: names host and status instead', () => {
    for (const [ct, body] of [
      ['text/html', '<html><body><h1>502 Bad Gateway</h1><script>alert(1)</script></body></html>'],
      ['text/plain', '<!DOCTYPE html><html><head><title>Oops</title></head></html>'],
    ]) {
      const e = http(502, body, ct);
      assert.equal(e.kind, 'gateway');
      assert.doesNotMatch(e.message, /<|script|Oops/);
      assert.match(e.message, /api\.arcee\.ai answered 502 Bad Gateway with an HTML page/);
    }
  });

  it('says "check the base URL" for FastAPI\'s bare 404', () => {
    const e = http(404, '{"detail":"Not Found"}');
    assert.equal(e.kind, 'not_found');
    assert.match(e.message, /Check the base URL/);
    assert.doesNotMatch(e.message, /model/i);
    const m = http(404, '{"detail":"Model trinity-x does not exist"}');
    assert.match(m.message, /model id/);
    assert.match(m.message, /trinity-x/);
  });

  it('handles an empty body', () => {
    const e = http(503, '', 'application/json');
    assert.equal(e.kind, 'unavailable');
    assert.match(e.message, /api\.arcee\.ai answered 503 Service Unavailable/);
  });

  describe('context overflow: its own kind, with the sizes and what helps', () => {
    const ADVICE = 'Use a shorter selection, start a new chat, or pick a model with a longer context.';
    const LLAMA = 'request (3031 tokens) exceeds the available context size (2048 tokens), try increasing it';

    it("llama.cpp's 400 (exceed_context_size_error, n_prompt_tokens, n_ctx)", () => {
      const e = http(
        400,
        JSON.stringify({
          error: { code: 400, message: LLAMA, type: 'exceed_context_size_error', n_prompt_tokens: 3031, n_ctx: 2048 },
        }),
      );
      assert.equal(e.kind, 'context_overflow');
      assert.equal(e.status, 400);
      assert.equal(
        e.message,
        `The request is 3,031 tokens but the model's context holds 2,048. ${ADVICE} (400 Bad Request: ${LLAMA})`,
      );
    });

    it("OpenAI's context_length_exceeded, with and without sizes in the message", () => {
      const msg =
        "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens. Please reduce the length of the messages.";
      const e = http(
        400,
        JSON.stringify({
          error: { message: msg, type: 'invalid_request_error', param: 'messages', code: 'context_length_exceeded' },
        }),
      );
      assert.equal(e.kind, 'context_overflow');
      assert.match(
        e.message,
        new RegExp(`^The request is 9,000 tokens but the model's context holds 8,192\\. ${ADVICE}`),
      );
      const bare = http(400, JSON.stringify({ error: { message: 'Too long.', code: 'context_length_exceeded' } }));
      assert.equal(bare.kind, 'context_overflow');
      assert.equal(
        bare.message,
        `The request does not fit the model's context. ${ADVICE} (400 Bad Request: Too long.)`,
      );
      // Other errors that merely mention the context stay what they were.
      assert.equal(http(400, JSON.stringify({ detail: 'Invalid context parameter' })).kind, 'bad_request');
      assert.equal(
        http(
          429,
          JSON.stringify({
            error: { message: "This model's maximum context length is 8192 tokens", code: 'rate_limit_exceeded' },
          }),
        ).kind,
        'rate_limit',
      );
    });

    it("vLLM's wordings: the prompt and the room for the answer apart", () => {
      const old = http(
        400,
        JSON.stringify({
          object: 'error',
          message:
            "This model's maximum context length is 4096 tokens. However, you requested 5000 tokens (4000 in the messages, 1000 in the completion). Please reduce the length of the messages or completion.",
          type: 'BadRequestError',
          code: 400,
        }),
      );
      assert.equal(old.kind, 'context_overflow');
      assert.match(
        old.message,
        /^The request is 4,000 tokens and asks for up to 1,000 more for the answer, but the model's context holds 4,096\. Ask for a shorter answer \(a lower max tokens\), use a shorter selection, start a new chat, or pick a model with a longer context\./,
      );
      const maxTokens = http(
        400,
        JSON.stringify({
          error: {
            message:
              "'max_tokens' or 'max_completion_tokens' is too large: 8000. This model's maximum context length is 4096 tokens and your request has 2778 input tokens (8000 > 4096 - 2778). None",
            type: 'BadRequestError',
            code: 400,
          },
        }),
      );
      assert.match(
        maxTokens.message,
        /^The request is 2,778 tokens and asks for up to 8,000 more for the answer, but the model's context holds 4,096\./,
      );
    });

    it("Arcee's shape (FastAPI detail passing on LiteLLM's words; unverified) and a proxy's 500", () => {
      const detail =
        "litellm.ContextWindowExceededError: litellm.BadRequestError: Hosted_vllmException - This model's maximum context length is 131072 tokens. However, your request has 140000 input tokens. Please reduce the length of the input messages.";
      const e = http(400, JSON.stringify({ detail }));
      assert.equal(e.kind, 'context_overflow');
      assert.match(e.message, /^The request is 140,000 tokens but the model's context holds 131,072\./);
      assert.equal(http(500, JSON.stringify({ detail })).kind, 'context_overflow');
    });

    it('inside a 200 stream (llama.cpp error line, OpenAI-shaped data event)', () => {
      const e = errorFromStreamPayload({
        code: 400,
        message: LLAMA,
        type: 'exceed_context_size_error',
        n_prompt_tokens: 3031,
        n_ctx: 2048,
      });
      assert.equal(e.kind, 'context_overflow');
      assert.equal(e.message, `The request is 3,031 tokens but the model's context holds 2,048. ${ADVICE} (${LLAMA})`);
      assert.equal(
        errorFromStreamPayload({ error: { message: 'too long', code: 'context_length_exceeded' } }).kind,
        'context_overflow',
      );
    });
  });

  describe('retry-after', () => {
    const now = Date.parse('2026-11-26T12:00:00Z');
    it('prefers retry-after-ms', () =>
      assert.equal(parseRetryAfter(headers({ 'retry-after-ms': '1500', 'retry-after': '9' }), now), 1500));
    it('reads seconds', () => assert.equal(parseRetryAfter(headers({ 'retry-after': '2' }), now), 2000));
    it('reads fractional seconds', () => assert.equal(parseRetryAfter(headers({ 'retry-after': '0.25' }), now), 250));
    it('reads an HTTP date', () =>
      assert.equal(parseRetryAfter(headers({ 'retry-after': 'Thu, 26 Nov 2026 12:00:05 GMT' }), now), 5000));
    it('a past date is zero', () =>
      assert.equal(parseRetryAfter(headers({ 'retry-after': 'Thu, 26 Nov 2026 11:00:00 GMT' }), now), 0));
    it('garbage is null', () => assert.equal(parseRetryAfter(headers({ 'retry-after': 'soon' }), now), null));
    it('absent is null', () => assert.equal(parseRetryAfter(headers({}), now), null));
    it('reaches the error', () =>
      assert.equal(http(429, '{"detail":"slow"}', 'application/json', { 'retry-after': '3' }).retryAfterMs, 3000));
  });

  describe('in-band stream errors', () => {
    it('object', () => {
      const e = errorFromStreamPayload({ error: { message: 'Upstream overloaded', code: 'overloaded' } });
      assert.equal(e.kind, 'stream_error');
      assert.match(e.message, /Upstream overloaded/);
    });
    it('string', () => assert.match(errorFromStreamPayload({ error: 'bad things' }).message, /bad things/));
    it('bare payload of event: error', () =>
      assert.match(errorFromStreamPayload({ message: 'crash' }).message, /crash/));
    it('a status in the error code is classified like the HTTP status (vLLM, llama.cpp)', () => {
      const vllm = errorFromStreamPayload({
        error: { object: 'error', message: 'bad thing', type: 'BadRequestError', param: null, code: 400 },
      });
      assert.equal(vllm.kind, 'bad_request');
      assert.match(vllm.message, /bad thing/);
      assert.equal(
        errorFromStreamPayload({ code: 429, message: 'slow down', type: 'rate_limit_error' }).kind,
        'rate_limit',
      );
      assert.equal(
        errorFromStreamPayload({ code: 503, message: 'loading model', type: 'unavailable_error' }).kind,
        'unavailable',
      );
      assert.equal(
        errorFromStreamPayload({ error: { message: 'no credits', code: 'insufficient_quota' } }).kind,
        'payment',
      );
    });
    it('unknown shape still reads well', () => {
      const e = errorFromStreamPayload({ error: { foo: 1 } });
      assert.doesNotMatch(e.message, /object Object/);
    });
  });

  it('timeouts: ms below a second, one decimal below a minute, whole minutes; a sentence for each limit', () => {
    const table: [number, string][] = [
      [300, '300 ms'],
      [999, '999 ms'],
      [1000, '1 s'],
      [1500, '1.5 s'],
      [12_345, '12.3 s'],
      [30_000, '30 s'],
      [90_000, '90 s'],
      [60_000, '1 min'],
      [600_000, '10 min'],
    ];
    for (const [ms, words] of table) assert.equal(formatDuration(ms), words, String(ms));
    assert.equal(
      timeoutError('first byte', 300, 'h', DEFAULT_TIMEOUT_NAMES).message,
      'h has not started to answer within 300 ms. Try again, or raise the first-byte timeout.',
    );
    assert.equal(
      timeoutError('idle', 1500, 'h', DEFAULT_TIMEOUT_NAMES).message,
      'h has not sent the next part of the answer within 1.5 s. Try again, or raise the idle timeout.',
    );
    assert.equal(
      timeoutError('request', 600_000, 'h', DEFAULT_TIMEOUT_NAMES).message,
      'h did not finish its answer within 10 min. Try again, or raise the request timeout.',
    );
  });

  it('describes network failures by code', () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    const e = errorFromNetwork(new TypeError('fetch failed', { cause }), '127.0.0.1:1');
    assert.equal(e.kind, 'network');
    assert.match(e.message, /Could not reach 127\.0\.0\.1:1: connection refused/);
  });

  describe('secrets never reach messages', () => {
    it('redacts key-like strings and given secrets', () => {
      const key = 'rcai-fake-abcdefgh-ijklmnop-0123';
      assert.equal(redactSecrets(`bad key ${key}`), 'bad key [redacted]');
      assert.equal(redactSecrets('Authorization: Bearer abc.def-123456'), 'Authorization: Bearer [redacted]');
      assert.equal(redactSecrets('my-own-secret-token here', ['my-own-secret-token']), '[redacted] here');
    });
    it('in server details', () => {
      const e = http(401, JSON.stringify({ detail: 'Invalid key rcai-fake-0123-4567-89ab' }));
      assert.doesNotMatch(e.message, /rcai-fake/);
      assert.doesNotMatch(JSON.stringify(e.toJSON()), /rcai-fake/);
    });
  });

  it('describeUnknownError never says [object Object]', () => {
    assert.equal(describeUnknownError({ detail: 'x' }), 'x');
    assert.equal(describeUnknownError(new Error('y')), 'y');
    assert.equal(describeUnknownError('z'), 'z');
    assert.equal(describeUnknownError({ a: 1 }), '{"a":1}');
  });
});
