/**
 * The `/models` catalogue: OpenRouter's shape from Arcee, OpenAI's `{data: [{id}]}` from other servers (vLLM's
 * `max_model_len`, llama.cpp's `meta`).
 * Fetched at run time, cached, and replaced by a small built-in list when it cannot be had.
 */
import type { ModelInfo } from './api';
import { ArceeError, describeUnknownError } from './errors';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function num(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

function positive(v: unknown): number | undefined {
  const n = num(v);
  return n !== undefined && n > 0 ? n : undefined;
}

/**
 * llama.cpp's llama-server puts its model facts in `meta`: `n_ctx_train` (what the model was trained for) and,
 * in newer builds, `n_ctx` (what the server was started with, `--ctx-size`; 0 for a model a router has not
 * loaded). The one the server runs with is the one a prompt must fit.
 */
function llamaCppContext(meta: Record<string, unknown> | undefined): number | undefined {
  return positive(meta?.n_ctx) ?? positive(meta?.n_ctx_train);
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : [];
}

/** Normalises one catalogue entry; returns undefined for entries without an id. */
export function parseModel(raw: unknown): ModelInfo | undefined {
  if (!isRecord(raw) || typeof raw.id !== 'string' || raw.id.trim() === '') return undefined;
  const pricing = isRecord(raw.pricing) ? raw.pricing : undefined;
  const arch = isRecord(raw.architecture) ? raw.architecture : undefined;
  const top = isRecord(raw.top_provider) ? raw.top_provider : undefined;
  const meta = isRecord(raw.meta) ? raw.meta : undefined;
  const model: ModelInfo = {
    id: raw.id,
    name: typeof raw.name === 'string' && raw.name.trim() ? raw.name : raw.id,
    description: typeof raw.description === 'string' ? raw.description : undefined,
    contextLength:
      num(raw.context_length) ?? num(top?.context_length) ?? num(raw.max_model_len) ?? llamaCppContext(meta),
    maxOutputTokens: num(raw.max_output_length) ?? num(top?.max_completion_tokens),
    inputModalities: strings(raw.input_modalities ?? arch?.input_modalities),
    outputModalities: strings(raw.output_modalities ?? arch?.output_modalities),
    supportedParameters: strings(raw.supported_sampling_parameters ?? raw.supported_parameters),
    supportedFeatures: strings(raw.supported_features),
  };
  if (pricing) {
    model.pricing = {
      prompt: num(pricing.prompt),
      completion: num(pricing.completion),
      image: num(pricing.image),
      request: num(pricing.request),
    };
  }
  return model;
}

/** Parses a `/models` answer in either shape; throws when it is neither. */
export function parseModelList(json: unknown): ModelInfo[] {
  const list = Array.isArray(json)
    ? json
    : isRecord(json) && Array.isArray(json.data)
      ? json.data
      : isRecord(json) && Array.isArray(json.models)
        ? json.models
        : undefined;
  if (!list)
    throw new ArceeError('bad_request', 'The server answered /models with something that is not a model list.');
  const seen = new Set<string>();
  const out: ModelInfo[] = [];
  for (const raw of list) {
    const m = parseModel(raw);
    if (m && !seen.has(m.id)) {
      seen.add(m.id);
      out.push(m);
    }
  }
  return out;
}

/** Used when `/models` cannot be fetched. A snapshot of the platform notes; the live list always wins. */
export const FALLBACK_MODELS: readonly ModelInfo[] = [
  {
    id: 'trinity-mini',
    name: 'Trinity Mini',
    contextLength: 128_000,
    inputModalities: ['text'],
    outputModalities: ['text'],
    supportedParameters: [],
    supportedFeatures: ['tools'],
  },
  {
    id: 'trinity-large-preview',
    name: 'Trinity Large Preview',
    contextLength: 128_000,
    maxOutputTokens: 16_000,
    inputModalities: ['text'],
    outputModalities: ['text'],
    supportedParameters: [],
    supportedFeatures: ['tools'],
  },
  {
    id: 'trinity-large-thinking',
    name: 'Trinity Large Thinking',
    contextLength: 256_000,
    inputModalities: ['text'],
    outputModalities: ['text'],
    supportedParameters: [],
    supportedFeatures: ['reasoning', 'tools'],
  },
];

export interface CatalogResult {
  models: ModelInfo[];
  source: 'live' | 'cache' | 'fallback';
  /** Why the live list could not be had (with `fallback`, or a stale `cache`). */
  error?: string;
  fetchedAt?: number;
}

/**
 * Caches one server's catalogue for `ttlMs`. A failed refresh keeps a stale cache rather than the fallback;
 * concurrent callers share one request.
 */
export class ModelCatalog {
  private cached: { models: ModelInfo[]; at: number } | undefined;
  private inflight: Promise<CatalogResult> | undefined;

  constructor(
    private readonly load: (signal: AbortSignal) => Promise<ModelInfo[]>,
    private readonly ttlMs = 10 * 60_000,
    private readonly now: () => number = Date.now,
    private readonly requestTimeoutMs = 15_000,
  ) {}

  /** Seeds the cache (e.g. from persisted state) without a request. */
  seed(models: ModelInfo[], at: number): void {
    if (models.length) this.cached = { models, at };
  }

  async get(options: { signal: AbortSignal; refresh?: boolean }): Promise<CatalogResult> {
    if (this.cached && !options.refresh && this.now() - this.cached.at < this.ttlMs) {
      return { models: this.cached.models, source: 'cache', fetchedAt: this.cached.at };
    }
    // The shared request has its own time limit: one caller giving up must not cancel it for the others,
    // and a server that never answers must not keep them all waiting.
    this.inflight ??= this.fetch(AbortSignal.timeout(this.requestTimeoutMs)).finally(() => {
      this.inflight = undefined;
    });
    return raceAbort(this.inflight, options.signal);
  }

  private async fetch(signal: AbortSignal): Promise<CatalogResult> {
    try {
      const models = await this.load(signal);
      if (models.length === 0) throw new ArceeError('bad_request', 'The server listed no models.');
      const at = this.now();
      this.cached = { models, at };
      return { models, source: 'live', fetchedAt: at };
    } catch (e) {
      if (e instanceof ArceeError && e.kind === 'cancelled') throw e;
      const error = describeUnknownError(e);
      if (this.cached) return { models: this.cached.models, source: 'cache', error, fetchedAt: this.cached.at };
      return { models: [...FALLBACK_MODELS], source: 'fallback', error };
    }
  }
}

/** `promise`, or a `cancelled` error as soon as `signal` aborts (the work itself goes on for others). */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new ArceeError('cancelled', 'Cancelled.'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new ArceeError('cancelled', 'Cancelled.'));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** "128k ctx · $0.05/$0.20 per 1M tokens": the catalogue facts a picker shows. */
export function describeModel(m: ModelInfo): string {
  const parts: string[] = [];
  if (m.contextLength) parts.push(`${formatTokens(m.contextLength)} context`);
  if (m.maxOutputTokens) parts.push(`${formatTokens(m.maxOutputTokens)} output`);
  const p = m.pricing;
  if (p && (p.prompt !== undefined || p.completion !== undefined)) {
    parts.push(`$${perMillion(p.prompt)} in / $${perMillion(p.completion)} out per 1M tokens`);
  }
  if (m.inputModalities.includes('image')) parts.push('images');
  return parts.join(' · ');
}

function formatTokens(n: number): string {
  return n >= 1000 ? `${Math.round(n / 1000)}k` : String(n);
}

function perMillion(perToken: number | undefined): string {
  if (perToken === undefined) return '?';
  const v = perToken * 1_000_000;
  // Two significant digits below $1 ($0.045), cents above ($1.25).
  return v === 0 ? '0' : v < 1 ? String(Number(v.toPrecision(2))) : v.toFixed(2);
}
