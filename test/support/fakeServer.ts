/**
 * A fake OpenAI-compatible server on 127.0.0.1:0 for tests. Each route answers from a queue of scripted
 * replies (falling back to a default), and every request is recorded. A reply can be split into pieces at
 * chosen or random byte boundaries, delayed, stalled, cut, and can answer any status, headers and body.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The parsed JSON body, when it was JSON. */
  json: unknown;
  /** Resolves when the client's connection for this request closed. */
  closed: Promise<void>;
  /** True once the connection closed before the reply was fully sent. */
  closedEarly: boolean;
  /** performance.now() when the request (with its body) had been read. */
  receivedAt: number;
  /** performance.now() of each write: the status line, each body piece, the end. */
  writtenAt: number[];
  /** performance.now() when the reply was fully sent, if it was. */
  finishedAt?: number;
  /** performance.now() when the connection for this request closed. */
  closedAt?: number;
}

export interface ScriptedReply {
  status?: number;
  headers?: Record<string, string>;
  /** The whole body, or its pieces in order (each written separately). */
  body?: string | Buffer | (string | Buffer)[];
  /** Re-split the body into pieces at random byte boundaries (deterministic for a seed). */
  randomSplit?: { seed: number; maxPiece?: number };
  /** Delay before the status line is sent. */
  headerDelayMs?: number;
  /** Delay before each body piece. */
  pieceDelayMs?: number;
  /** After this many pieces, stop sending and keep the connection open (a stalled server). */
  stallAfterPieces?: number;
  /** After this many pieces, destroy the socket (a cut connection). */
  cutAfterPieces?: number;
  /** Destroy the socket without any answer. */
  dropConnection?: boolean;
}

export type Responder = ScriptedReply | ((req: RecordedRequest) => ScriptedReply);

/** A tiny seeded PRNG (mulberry32), so random splits are reproducible from a seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Splits bytes into pieces of 1..maxPiece bytes (also inside multi-byte UTF-8 characters). */
export function splitRandomly(bytes: Buffer, seed: number, maxPiece = 64): Buffer[] {
  const rnd = seededRandom(seed);
  const out: Buffer[] = [];
  let i = 0;
  while (i < bytes.length) {
    const n = 1 + Math.floor(rnd() * maxPiece);
    out.push(bytes.subarray(i, i + n));
    i += n;
  }
  return out;
}

export function sseReply(body: ScriptedReply['body'], extra: Omit<ScriptedReply, 'body'> = {}): ScriptedReply {
  return { status: 200, headers: { 'content-type': 'text/event-stream', ...extra.headers }, body, ...extra };
}

export function jsonReply(status: number, json: unknown, extra: Omit<ScriptedReply, 'body'> = {}): ScriptedReply {
  return {
    status,
    headers: { 'content-type': 'application/json', ...extra.headers },
    body: JSON.stringify(json),
    ...extra,
  };
}

/** A stream of `data:` chunks that answers `text` word by word, ending with a usage chunk and [DONE]. */
export function textStream(
  text: string,
  model = 'trinity-mini',
  usage = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
): string {
  const words = text.split(/(?<= )/);
  const chunks = words.map((w, i) => ({
    id: 'chatcmpl-fake',
    object: 'chat.completion.chunk',
    model,
    choices: [
      {
        index: 0,
        delta: i === 0 ? { role: 'assistant', content: w } : { content: w },
        finish_reason: i === words.length - 1 ? 'stop' : null,
      },
    ],
  }));
  chunks.push({
    id: 'chatcmpl-fake',
    object: 'chat.completion.chunk',
    model,
    choices: [],
    usage,
  } as unknown as (typeof chunks)[number]);
  return chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`).join('') + 'data: [DONE]\n\n';
}

/**
 * A stream whose answer is reasoning (optional) and then tool calls, each call's arguments split in two
 * deltas the way servers send them; ends with `finish_reason: "tool_calls"` and [DONE]. Ids are omitted for
 * calls given without one (some servers do), so the client must supply its own.
 */
export function toolCallStream(
  calls: { name: string; arguments: string; id?: string }[],
  options: { reasoning?: string; content?: string; model?: string } = {},
): string {
  const model = options.model ?? 'trinity-mini';
  const chunk = (delta: Record<string, unknown>, finish: string | null = null): string =>
    `data: ${JSON.stringify({ id: 'chatcmpl-tools', object: 'chat.completion.chunk', model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  let out = chunk({ role: 'assistant', content: options.content ?? '' });
  if (options.reasoning) out += chunk({ reasoning: options.reasoning });
  calls.forEach((c, index) => {
    const half = Math.floor(c.arguments.length / 2);
    out += chunk({
      tool_calls: [
        {
          index,
          ...(c.id ? { id: c.id } : {}),
          type: 'function',
          function: { name: c.name, arguments: c.arguments.slice(0, half) },
        },
      ],
    });
    out += chunk({ tool_calls: [{ index, function: { arguments: c.arguments.slice(half) } }] });
  });
  return `${out}${chunk({}, 'tool_calls')}data: [DONE]\n\n`;
}

/** A token for `logprobStream`: its text, probability and alternatives as [token, probability] pairs. */
export interface StreamToken {
  token: string;
  p: number;
  top?: [string, number][];
}

function logprobEntry(t: StreamToken): Record<string, unknown> {
  const entry = (token: string, p: number): Record<string, unknown> => ({
    token,
    logprob: p > 0 ? Math.log(p) : -9999,
    bytes: Array.from(Buffer.from(token, 'utf8')),
  });
  return { ...entry(t.token, t.p), top_logprobs: (t.top ?? [[t.token, t.p]]).map(([token, p]) => entry(token, p)) };
}

/**
 * A stream that answers with `tokens` and their `logprobs.content` entries, as a server does with `logprobs`
 * on; the entries deliberately do not line up with the content deltas (`contentPerChunk` tokens of text, but
 * `entriesPerChunk` entries, per chunk). Ends with a usage chunk and [DONE].
 */
export function logprobStream(
  tokens: StreamToken[],
  options: { model?: string; contentPerChunk?: number; entriesPerChunk?: number } = {},
): string {
  const { model = 'trinity-mini', contentPerChunk = 2, entriesPerChunk = 3 } = options;
  const count = Math.max(Math.ceil(tokens.length / contentPerChunk), Math.ceil(tokens.length / entriesPerChunk));
  const chunks: unknown[] = [];
  for (let i = 0; i < count; i++) {
    const text = tokens
      .slice(i * contentPerChunk, (i + 1) * contentPerChunk)
      .map((t) => t.token)
      .join('');
    const entries = tokens.slice(i * entriesPerChunk, (i + 1) * entriesPerChunk).map(logprobEntry);
    chunks.push({
      id: 'chatcmpl-fake',
      object: 'chat.completion.chunk',
      model,
      choices: [
        {
          index: 0,
          delta: { ...(i === 0 ? { role: 'assistant' } : {}), ...(text ? { content: text } : {}) },
          logprobs: entries.length ? { content: entries } : null,
          finish_reason: i === count - 1 ? 'stop' : null,
        },
      ],
    });
  }
  chunks.push({
    id: 'chatcmpl-fake',
    object: 'chat.completion.chunk',
    model,
    choices: [],
    usage: { prompt_tokens: 10, completion_tokens: tokens.length, total_tokens: 10 + tokens.length },
  });
  return chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`).join('') + 'data: [DONE]\n\n';
}

export const DEFAULT_MODELS = {
  data: [
    {
      id: 'trinity-mini',
      name: 'Trinity Mini',
      context_length: 131072,
      max_output_length: 8192,
      pricing: { prompt: '0.000000045', completion: '0.00000015' },
      input_modalities: ['text'],
      output_modalities: ['text'],
    },
    {
      id: 'trinity-large-thinking',
      name: 'Trinity Large Thinking',
      context_length: 262144,
      pricing: { prompt: '0.00000025', completion: '0.000001' },
      input_modalities: ['text'],
      output_modalities: ['text'],
      supported_features: ['reasoning'],
    },
    {
      id: 'spotlight',
      name: 'Spotlight',
      context_length: 32768,
      input_modalities: ['text', 'image'],
      output_modalities: ['text'],
    },
  ],
};

/**
 * The shape of llama.cpp's llama-server answer to GET /v1/models: an Ollama-style `models` list beside OpenAI's
 * `data`, the model's facts under `meta` (this build has `n_ctx_train` only).
 */
export const LLAMA_CPP_MODELS = {
  models: [
    {
      name: 'qwen3-8b-q4_k_m.gguf',
      model: 'qwen3-8b-q4_k_m.gguf',
      modified_at: '',
      size: '',
      digest: '',
      type: 'model',
      description: '',
      tags: [''],
      capabilities: ['completion'],
      parameters: '',
    },
  ],
  object: 'list',
  data: [
    {
      id: 'qwen3-8b-q4_k_m.gguf',
      object: 'model',
      created: 1760000000,
      owned_by: 'llamacpp',
      meta: {
        vocab_type: 2,
        n_vocab: 151936,
        n_ctx_train: 40960,
        n_embd: 4096,
        n_params: 8190735360,
        size: 5027783488,
      },
    },
  ],
};

export class FakeServer {
  readonly requests: RecordedRequest[] = [];
  private readonly queues = new Map<string, Responder[]>();
  private readonly defaults = new Map<string, Responder>();
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: http.Server | https.Server,
    readonly port: number,
    private readonly protocol: 'http' | 'https',
  ) {}

  /** Starts on 127.0.0.1 with a free port; with `tls` (a PEM certificate and key) it speaks HTTPS. */
  static async start(options: { tls?: { cert: string; key: string } } = {}): Promise<FakeServer> {
    const server = options.tls
      ? https.createServer({ cert: options.tls.cert, key: options.tls.key })
      : http.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const fake = new FakeServer(server, (server.address() as AddressInfo).port, options.tls ? 'https' : 'http');
    server.on(
      'request',
      (req: http.IncomingMessage, res: http.ServerResponse) =>
        void fake.handle(req, res).catch((e: unknown) => {
          // A client that went away before its request was read (it aborted at once) leaves nothing to answer.
          if (!req.socket.destroyed) throw e;
        }),
    );
    server.on('connection', (s: Socket) => {
      fake.sockets.add(s);
      s.on('close', () => fake.sockets.delete(s));
    });
    fake.defaults.set('/chat/completions', sseReply(textStream('Hello from the fake server.')));
    fake.defaults.set('/models', jsonReply(200, DEFAULT_MODELS));
    fake.defaults.set('/usage/credits', jsonReply(200, { credit_balance: 12.5 }));
    return fake;
  }

  /** Base URL with /v1, as a user would configure it. */
  get baseUrl(): string {
    return `${this.protocol}://127.0.0.1:${this.port}/v1`;
  }

  /** Queues one reply for a route (`/chat/completions`, `/models`, `/usage/credits`). */
  enqueue(route: string, ...replies: Responder[]): this {
    const q = this.queues.get(route) ?? [];
    q.push(...replies);
    this.queues.set(route, q);
    return this;
  }

  /** The reply used when a route's queue is empty. */
  setDefault(route: string, reply: Responder): this {
    this.defaults.set(route, reply);
    return this;
  }

  /** Clears queues, recorded requests and defaults back to the start state. */
  reset(): void {
    this.queues.clear();
    this.requests.length = 0;
    this.defaults.set('/chat/completions', sseReply(textStream('Hello from the fake server.')));
    this.defaults.set('/models', jsonReply(200, DEFAULT_MODELS));
    this.defaults.set('/usage/credits', jsonReply(200, { credit_balance: 12.5 }));
  }

  requestsTo(route: string): RecordedRequest[] {
    return this.requests.filter((r) => r.path.split('?')[0].endsWith(route));
  }

  /** Waits (bounded) until `count` requests reached `route`. */
  async waitForRequests(route: string, count = 1, timeoutMs = 10_000): Promise<RecordedRequest[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.requestsTo(route).length < count) {
      if (Date.now() > deadline)
        throw new Error(`fake server: ${count} request(s) to ${route} did not arrive within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
    return this.requestsTo(route);
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private routeOf(path: string): string {
    const p = path.split('?')[0].replace(/\/+$/, '');
    for (const route of ['/chat/completions', '/models', '/usage/credits']) if (p.endsWith(route)) return route;
    return p;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    let json: unknown;
    try {
      json = body ? JSON.parse(body) : undefined;
    } catch {
      json = undefined;
    }
    let resolveClosed: () => void = () => undefined;
    const closed = new Promise<void>((r) => (resolveClosed = r));
    const rec: RecordedRequest = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers: req.headers,
      body,
      json,
      closed,
      closedEarly: false,
      receivedAt: performance.now(),
      writtenAt: [],
    };
    let finished = false;
    res.on('finish', () => {
      finished = true;
      rec.finishedAt = performance.now();
    });
    res.on('close', () => {
      rec.closedAt = performance.now();
      if (!finished) rec.closedEarly = true;
      resolveClosed();
    });
    this.requests.push(rec);
    const route = this.routeOf(rec.path);
    const responder =
      this.queues.get(route)?.shift() ?? this.defaults.get(route) ?? jsonReply(404, { detail: 'Not Found' });
    const reply = typeof responder === 'function' ? responder(rec) : responder;
    await this.send(reply, req, res, rec.writtenAt);
  }

  private async send(
    reply: ScriptedReply,
    req: http.IncomingMessage,
    res: http.ServerResponse,
    writtenAt: number[],
  ): Promise<void> {
    const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
    const gone = (): boolean => res.destroyed || req.socket.destroyed;
    if (reply.dropConnection) {
      req.socket.destroy();
      return;
    }
    if (reply.headerDelayMs) await sleep(reply.headerDelayMs);
    if (gone()) return;
    res.writeHead(reply.status ?? 200, reply.headers ?? {});
    res.flushHeaders();
    writtenAt.push(performance.now());
    let pieces: Buffer[] = (Array.isArray(reply.body) ? reply.body : reply.body === undefined ? [] : [reply.body]).map(
      (p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p),
    );
    if (reply.randomSplit)
      pieces = splitRandomly(Buffer.concat(pieces), reply.randomSplit.seed, reply.randomSplit.maxPiece);
    for (let i = 0; i < pieces.length; i++) {
      if (reply.pieceDelayMs) await sleep(reply.pieceDelayMs);
      if (reply.stallAfterPieces !== undefined && i >= reply.stallAfterPieces) {
        // Keep the connection open until the client gives up; close() destroys it at the end.
        return;
      }
      if (reply.cutAfterPieces !== undefined && i >= reply.cutAfterPieces) {
        req.socket.destroy();
        return;
      }
      if (gone()) return;
      res.write(pieces[i]);
      writtenAt.push(performance.now());
    }
    if (reply.cutAfterPieces !== undefined && reply.cutAfterPieces >= pieces.length) {
      req.socket.destroy();
      return;
    }
    if (reply.stallAfterPieces !== undefined && reply.stallAfterPieces >= pieces.length) return;
    res.end();
    writtenAt.push(performance.now());
  }
}

/** What `useFakeServer` gives a suite. */
export interface FakeServerFixture {
  /** The suite's server; throws if read before the suite's `before` hooks ran (at the top of a describe). */
  readonly server: FakeServer;
}

/**
 * A fake server for the enclosing mocha describe: started in `before`, closed in `after`, `reset()` before each
 * test, so a test starts from the default replies and an empty request log. Hooks run in the order they are
 * registered, so a suite's own `before` written after this call can use the server, and its own `beforeEach`
 * runs after the reset (to set other defaults).
 */
export function useFakeServer(): FakeServerFixture {
  let server: FakeServer | undefined;
  before(async () => {
    server = await FakeServer.start();
  });
  after(async () => {
    await server?.close();
  });
  beforeEach(() => server?.reset());
  return {
    get server(): FakeServer {
      if (!server) throw new Error('the fake server starts in the suite’s before hook');
      return server;
    },
  };
}
