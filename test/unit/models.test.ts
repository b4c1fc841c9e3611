import * as assert from 'node:assert/strict';
import type { ModelInfo } from '../../src/providers/api';
import { ArceeError } from '../../src/providers/errors';
import { describeModel, FALLBACK_MODELS, ModelCatalog, parseModel, parseModelList } from '../../src/providers/models';
import { LLAMA_CPP_MODELS } from '../support/fakeServer';

const signal = new AbortController().signal;
const model = (id: string): ModelInfo => ({
  id,
  name: id,
  inputModalities: [],
  outputModalities: [],
  supportedParameters: [],
  supportedFeatures: [],
});

describe('models', () => {
  it("parses Arcee's OpenRouter-shaped entry", () => {
    const m = parseModel({
      id: 'trinity-large-preview',
      name: 'Trinity Large Preview',
      created: 1760000000,
      context_length: 131072,
      max_output_length: 16384,
      pricing: { prompt: '0.00000025', completion: '0.000001', image: '0', request: '0', input_cache_read: '0' },
      input_modalities: ['text', 'image'],
      output_modalities: ['text'],
      supported_sampling_parameters: ['temperature', 'top_p'],
      supported_features: ['tools', 'reasoning'],
      description: 'A large model',
    });
    assert.deepEqual(m, {
      id: 'trinity-large-preview',
      name: 'Trinity Large Preview',
      description: 'A large model',
      contextLength: 131072,
      maxOutputTokens: 16384,
      inputModalities: ['text', 'image'],
      outputModalities: ['text'],
      supportedParameters: ['temperature', 'top_p'],
      supportedFeatures: ['tools', 'reasoning'],
      pricing: { prompt: 0.00000025, completion: 0.000001, image: 0, request: 0 },
    });
    assert.equal(describeModel(m), '131k context · 16k output · $0.25 in / $1.00 out per 1M tokens · images');
  });

  it("parses OpenAI's and Ollama's list shapes, dropping junk and duplicates", () => {
    assert.deepEqual(
      parseModelList({
        object: 'list',
        data: [{ id: 'a' }, { id: '' }, null, { id: 'a' }, { id: 'b', owned_by: 'x' }],
      }).map((m) => m.id),
      ['a', 'b'],
    );
    assert.deepEqual(
      parseModelList([{ id: 'c' }]).map((m) => m.id),
      ['c'],
    );
    assert.deepEqual(parseModelList({ models: [{ id: 'd', max_model_len: 4096 }] })[0].contextLength, 4096);
    assert.throws(
      () => parseModelList({ nope: 1 }),
      (e: unknown) => e instanceof ArceeError && /not a model list/.test(e.message),
    );
  });

  it("reads llama.cpp's context from meta: the server's n_ctx when it has one, else n_ctx_train", () => {
    const list = parseModelList(LLAMA_CPP_MODELS);
    assert.deepEqual(
      list.map((m) => [m.id, m.contextLength]),
      [['qwen3-8b-q4_k_m.gguf', 40960]],
    );
    assert.equal(describeModel(list[0]), '41k context');
    const router = parseModelList({
      data: [
        { id: 'started-with-ctx-size', meta: { n_ctx: 8192, n_ctx_train: 131072 } },
        { id: 'not-loaded', meta: { n_ctx: 0, n_ctx_train: 32768 } },
        { id: 'no-meta', meta: null },
        { id: 'both-named', context_length: 65536, meta: { n_ctx_train: 131072 } },
      ],
    });
    assert.deepEqual(
      router.map((m) => m.contextLength),
      [8192, 32768, undefined, 65536],
    );
  });

  describe('ModelCatalog', () => {
    it('caches for the TTL, then refreshes', async () => {
      let now = 1000;
      let calls = 0;
      const c = new ModelCatalog(
        () => Promise.resolve([model(`m${++calls}`)]),
        500,
        () => now,
      );
      assert.deepEqual((await c.get({ signal })).source, 'live');
      const cached = await c.get({ signal });
      assert.equal(cached.source, 'cache');
      assert.equal(cached.models[0].id, 'm1');
      now += 501;
      assert.equal((await c.get({ signal })).models[0].id, 'm2');
      assert.equal((await c.get({ signal, refresh: true })).models[0].id, 'm3');
    });

    it('shares one request between concurrent callers', async () => {
      let calls = 0;
      const c = new ModelCatalog(async () => {
        calls++;
        await new Promise((r) => setTimeout(r, 10));
        return [model('x')];
      });
      await Promise.all([c.get({ signal }), c.get({ signal }), c.get({ signal })]);
      assert.equal(calls, 1);
    });

    it('falls back to the built-in list with the reason', async () => {
      const c = new ModelCatalog(() =>
        Promise.reject(new ArceeError('network', 'Could not reach api.arcee.ai: host name not found.')),
      );
      const r = await c.get({ signal });
      assert.equal(r.source, 'fallback');
      assert.deepEqual(
        r.models.map((m) => m.id),
        FALLBACK_MODELS.map((m) => m.id),
      );
      assert.match(r.error!, /host name not found/);
    });

    it('an empty list is a failure too', async () => {
      const r = await new ModelCatalog(() => Promise.resolve([])).get({ signal });
      assert.equal(r.source, 'fallback');
      assert.match(r.error!, /no models/);
    });

    it('keeps a stale cache rather than the fallback when a refresh fails', async () => {
      let fail = false;
      const c = new ModelCatalog(() => (fail ? Promise.reject(new Error('down')) : Promise.resolve([model('live')])));
      await c.get({ signal });
      fail = true;
      const r = await c.get({ signal, refresh: true });
      assert.equal(r.source, 'cache');
      assert.equal(r.models[0].id, 'live');
      assert.equal(r.error, 'down');
    });

    it('seeded from persisted state, it answers without a request', async () => {
      const c = new ModelCatalog(
        () => Promise.reject(new Error('should not be called')),
        1000,
        () => 5000,
      );
      c.seed([model('persisted')], 4500);
      assert.equal((await c.get({ signal })).models[0].id, 'persisted');
    });

    it('a cancel propagates instead of falling back', async () => {
      const c = new ModelCatalog(() => Promise.reject(new ArceeError('cancelled', 'Cancelled.')));
      await assert.rejects(c.get({ signal }), (e: unknown) => e instanceof ArceeError && e.kind === 'cancelled');
    });
  });
});

describe('ModelCatalog shared request', () => {
  it('one caller giving up does not cancel the request for the others', async () => {
    let seen: AbortSignal | undefined;
    const c = new ModelCatalog(async (signal) => {
      seen = signal;
      await new Promise((r) => setTimeout(r, 30));
      return [model('late')];
    });
    const quitter = new AbortController();
    const first = c.get({ signal: quitter.signal });
    const second = c.get({ signal: new AbortController().signal });
    quitter.abort();
    await assert.rejects(first, (e: unknown) => e instanceof ArceeError && e.kind === 'cancelled');
    assert.equal((await second).models[0].id, 'late');
    assert.equal(seen?.aborted, false);
  });

  it('a server that never answers falls back after the request time limit', async () => {
    const c = new ModelCatalog(
      (signal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('timed out')))),
      1000,
      Date.now,
      50,
    );
    const r = await c.get({ signal: new AbortController().signal });
    assert.equal(r.source, 'fallback');
  });
});
