/**
 * The terminal client: `node dist/cli.js [flags] "prompt"`. Checks a key or an endpoint from a shell, and is
 * how scripts reach the same client the extension uses. The key comes only from ARCEE_API_KEY and is never printed.
 */
import type { ChatMessage, ChatRequest, ChatResult } from './providers/api';
import { ArceeClient } from './providers/client';
import { ArceeError, describeUnknownError, redactSecrets } from './providers/errors';
import { describeModel } from './providers/models';
import { DEFAULT_BASE_URL, DEFAULT_MODEL, type Flags, USAGE, UsageError, number, parseFlags, parseHeaders } from './cli/args';
import { choiceJson } from './cli/output';

interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  readStdin: () => Promise<string>;
  env: NodeJS.ProcessEnv;
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

  let values: Flags;
  let positionals: string[];
  try {
    ({ values, positionals } = parseFlags(argv));
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
    const client = new ArceeClient({
      baseUrl: io.env.ARCEE_BASE_URL?.trim() || DEFAULT_BASE_URL,
      apiKey: io.env.ARCEE_API_KEY ?? '',
      headers: parseHeaders(values.header),
      firstByteTimeoutMs: number('timeout-ms', values['timeout-ms'], true),
      idleTimeoutMs: number('idle-timeout-ms', values['idle-timeout-ms'], true),
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
    if (json && result) {
      io.stdout(`${JSON.stringify({ model: result.model, choices: result.choices.map(choiceJson), usage: result.usage })}\n`);
    }
    return 0;
  } catch (e) {
    return fail(e);
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
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
