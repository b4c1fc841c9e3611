/**
 * The terminal client: `node dist/cli.js [flags] "prompt"`. Checks a key or an endpoint from a shell, and is
 * how scripts reach the same client the extension uses. The key comes only from ARCEE_API_KEY and is never printed.
 */
import { parseArgs } from 'node:util';
import type { ChatMessage, ChatRequest, ChatResult } from './providers/api';
import { ArceeClient } from './providers/client';
import { ArceeError, describeUnknownError, leadSentence, redactSecrets } from './providers/errors';
import { describeModel } from './providers/models';

const DEFAULT_BASE_URL = 'https://api.arcee.ai/api/v1';
const DEFAULT_MODEL = 'trinity-mini';

const USAGE = `Usage: arcee-chat [flags] "prompt"   (or the prompt on standard input)

  --model ID            model id (default ${DEFAULT_MODEL}, or ARCEE_MODEL)
  --system TEXT         a system message
  --no-stream           ask for one JSON response instead of a stream
  --temperature N       --top-p N   --max-tokens N   --n N   --seed N
  --stop TEXT           a stop sequence (repeatable)
  --logprobs            ask for token log-probabilities   --top-logprobs N
  --retries N           retries after 429/502/503/504 or a failed connection (0-2, default 2)
  --timeout-ms N        time to the first byte (default 60000); with --no-stream, to the whole answer (default 600000)
  --idle-timeout-ms N   longest silence between chunks (default 30000)
  --header "K: V"       an extra request header (repeatable)
  --json                print exactly one JSON object (result or error)
  --models              list the models of the server
  -h, --help

Environment: ARCEE_API_KEY (the key), ARCEE_BASE_URL (default ${DEFAULT_BASE_URL}).`;

class UsageError extends Error {}

interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  readStdin: () => Promise<string>;
  env: NodeJS.ProcessEnv;
}

function number(flag: string, v: string | undefined, integer = false): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || (integer && !Number.isInteger(n))) {
    throw new UsageError(`--${flag} needs ${integer ? 'an integer' : 'a number'}, got "${v}".`);
  }
  return n;
}

function parseHeaders(values: string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const h of values) {
    const i = h.indexOf(':');
    if (i <= 0) throw new UsageError(`--header needs "Name: value", got "${redactSecrets(h)}".`);
    out[h.slice(0, i).trim()] = h.slice(i + 1).trim();
  }
  return out;
}

function choiceJson(c: ChatResult['choices'][number]): Record<string, unknown> {
  return {
    index: c.index,
    content: c.content,
    reasoning: c.reasoning,
    tool_calls: c.tool_calls.map((t) => ({ index: t.index, id: t.id, name: t.name, arguments: t.arguments, complete: t.complete })),
    finish_reason: c.finish_reason,
    logprobs: c.logprobs,
  };
}

/** Runs the CLI; returns the exit code. Everything it prints goes through `io`. */
export async function main(argv: string[], io: Io): Promise<number> {
  let json = false;
  const secrets = io.env.ARCEE_API_KEY ? [io.env.ARCEE_API_KEY] : [];
  const fail = (e: unknown, partial?: ChatResult): number => {
    const err =
      e instanceof ArceeError
        ? e
        : e instanceof UsageError
          ? new ArceeError('bad_request', e.message)
          : new ArceeError('network', describeUnknownError(e));
    const message = redactSecrets(err.message, secrets);
    if (json) {
      const p = partial ?? err.partial;
      io.stdout(
        `${JSON.stringify({
          error: { kind: err.kind, status: err.status, message, retryAfterMs: err.retryAfterMs },
          partial: { choices: (p?.choices ?? []).map(choiceJson) },
        })}\n`,
      );
    } else {
      io.stderr(`error (${err.kind}${err.status ? ` ${err.status}` : ''}): ${message}\n`);
      if (e instanceof UsageError) io.stderr('Run with --help for the flags.\n');
    }
    return e instanceof UsageError && !json ? 2 : 1;
  };

  let values: ReturnType<typeof parse>['values'];
  let positionals: string[];
  try {
    ({ values, positionals } = parse(argv));
    json = values.json === true;
  } catch (e) {
    json = argv.includes('--json');
    return fail(e instanceof Error ? new UsageError(e.message) : e);
  }
  if (values.help) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }

  const controller = new AbortController();
  const onSigint = (): void => controller.abort();
  process.once('SIGINT', onSigint);
  try {
    const retries = number('retries', values.retries, true);
    if (retries !== undefined && (retries < 0 || retries > 2)) throw new UsageError('--retries must be 0, 1 or 2.');
    // Without streaming the first byte is the whole answer: --timeout-ms limits that (the idle limit does not apply).
    const timeoutMs = number('timeout-ms', values['timeout-ms'], true);
    const client = new ArceeClient({
      baseUrl: io.env.ARCEE_BASE_URL?.trim() || DEFAULT_BASE_URL,
      apiKey: io.env.ARCEE_API_KEY ?? '',
      headers: parseHeaders(values.header),
      firstByteTimeoutMs: timeoutMs,
      requestTimeoutMs: timeoutMs,
      idleTimeoutMs: number('idle-timeout-ms', values['idle-timeout-ms'], true),
      timeoutNames: { firstByte: '--timeout-ms', idle: '--idle-timeout-ms', request: '--timeout-ms' },
      retry: { maxAttempts: retries === undefined ? 3 : retries + 1 },
      userAgent: 'arcee-cli',
    });
    const signal = controller.signal;

    if (values.models) {
      const models = await client.listModels({ signal });
      if (json) io.stdout(`${JSON.stringify({ models })}\n`);
      else for (const m of models) io.stdout(`${m.id}${m.name !== m.id ? `  (${m.name})` : ''}  ${describeModel(m)}\n`);
      return 0;
    }

    let prompt = positionals.join(' ');
    if (!prompt.trim()) prompt = (await io.readStdin()).trim();
    if (!prompt.trim()) throw new UsageError('No prompt: pass it as an argument or on standard input.');

    const messages: ChatMessage[] = [];
    if (values.system) messages.push({ role: 'system', content: values.system });
    messages.push({ role: 'user', content: prompt });
    const request: ChatRequest = {
      model: values.model ?? (io.env.ARCEE_MODEL?.trim() || DEFAULT_MODEL),
      messages,
      temperature: number('temperature', values.temperature),
      top_p: number('top-p', values['top-p']),
      max_tokens: number('max-tokens', values['max-tokens'], true),
      n: number('n', values.n, true),
      seed: number('seed', values.seed, true),
      stop: values.stop?.length ? values.stop : undefined,
      logprobs: values.logprobs ? true : undefined,
      top_logprobs: number('top-logprobs', values['top-logprobs'], true),
    };

    let result: ChatResult | undefined;
    if (values['no-stream']) {
      result = await client.completeChat(request, { signal });
      if (!json) for (const c of result.choices) io.stdout(`${c.content}\n`);
    } else {
      const multi = (request.n ?? 1) > 1;
      for await (const ev of client.streamChat(request, { signal, onRetry: (r) => !json && io.stderr(`retrying (${r.attempt}/${r.maxAttempts}) in ${r.delayMs} ms: ${r.error.message}\n`) })) {
        if (json) {
          if (ev.type === 'done') result = ev.result;
          continue;
        }
        // Plain output streams the first choice; reasoning goes to stderr so stdout stays the answer.
        if (ev.type === 'text' && (!multi || ev.index === 0)) io.stdout(ev.text);
        else if (ev.type === 'reasoning' && ev.index === 0) io.stderr(ev.text);
        else if (ev.type === 'done') {
          result = ev.result;
          io.stdout('\n');
          if (multi) for (const c of ev.result.choices.slice(1)) io.stdout(`--- choice ${c.index} ---\n${c.content}\n`);
        }
      }
    }
    // Success needs an assembled answer; the client throws `truncated` for one that lacks a finish reason.
    if (!result) throw new ArceeError('truncated', `${leadSentence('truncated')} (no complete answer arrived).`);
    if (json) {
      io.stdout(`${JSON.stringify({ model: result.model, choices: result.choices.map(choiceJson), usage: result.usage })}\n`);
    }
    return 0;
  } catch (e) {
    return fail(e);
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      model: { type: 'string' },
      system: { type: 'string' },
      'no-stream': { type: 'boolean' },
      temperature: { type: 'string' },
      'top-p': { type: 'string' },
      'max-tokens': { type: 'string' },
      n: { type: 'string' },
      seed: { type: 'string' },
      stop: { type: 'string', multiple: true },
      logprobs: { type: 'boolean' },
      'top-logprobs': { type: 'string' },
      retries: { type: 'string' },
      'timeout-ms': { type: 'string' },
      'idle-timeout-ms': { type: 'string' },
      header: { type: 'string', multiple: true },
      json: { type: 'boolean' },
      models: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return '';
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

if (require.main === module) {
  void main(process.argv.slice(2), {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    readStdin,
    env: process.env,
  }).then((code) => {
    process.exitCode = code;
  });
}
