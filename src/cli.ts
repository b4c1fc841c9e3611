/**
 * The terminal client: `node dist/cli.js [flags] "prompt"`. Checks a key or an endpoint from a shell, and is
 * how scripts reach the same client the extension uses. The key comes only from ARCEE_API_KEY and is never printed.
 */
import { addAbortSignal } from 'node:stream';
import type { ChatMessage, ChatRequest, ChatResult } from './providers/api';
import { ArceeClient } from './providers/client';
import { ArceeError, describeUnknownError, leadSentence, redactSecrets } from './providers/errors';
import { describeModel } from './providers/models';
import { DEFAULT_BASE_URL, type Flags, USAGE, UsageError, number, parseFlags, parseHeaders } from './cli/args';
import { handleInterrupts } from './cli/interrupt';
import { type CliNetwork, cliNetwork, cliTrustAdvice, proxySecrets } from './cli/network';
import { OneObject, PlainPrinter, errorJson, resultJson, wantsColor } from './cli/output';
import { requestFields } from './cli/request';

interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  /** The whole of standard input; rejects when `signal` aborts. */
  readStdin: (signal: AbortSignal) => Promise<string>;
  env: NodeJS.ProcessEnv;
  /** Whether stderr, where the thinking goes, is a terminal (then it is dimmed). */
  stderrIsTTY: boolean;
}

/** Runs the CLI; returns the exit code. Everything it prints goes through `io`. */
export async function main(argv: string[], io: Io): Promise<number> {
  let json = false;
  const secrets = [...(io.env.ARCEE_API_KEY ? [io.env.ARCEE_API_KEY] : []), ...proxySecrets(io.env)];
  const printer = new PlainPrinter({ stdout: io.stdout, stderr: io.stderr }, wantsColor(io.stderrIsTTY, io.env));
  const object = new OneObject(io.stdout);
  const fail = (e: unknown, partial?: ChatResult): number => {
    const err =
      e instanceof ArceeError
        ? e
        : e instanceof UsageError
          ? new ArceeError('bad_request', e.message)
          : new ArceeError('network', describeUnknownError(e));
    const message = redactSecrets(err.message, secrets);
    const p = partial ?? err.partial;
    if (json) {
      object.emit(errorJson(err, message, p));
    } else {
      printer.partial(p);
      printer.notice(
        `error (${err.kind}${err.status ? ` ${err.status}` : ''}): ${message}${e instanceof UsageError ? ' (see --help)' : ''}`,
      );
    }
    if (err.kind === 'cancelled') return 130;
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
  const cancelled = new ArceeError('cancelled', leadSentence('cancelled'));
  const interrupts = handleInterrupts({
    controller,
    json: json ? { object, cancelled: () => errorJson(cancelled, cancelled.message, undefined) } : undefined,
    endLine: () => printer.endLine(),
  });
  let network: CliNetwork | undefined;
  try {
    const retries = number('retries', values.retries, true);
    if (retries !== undefined && (retries < 0 || retries > 2)) throw new UsageError('--retries must be 0, 1 or 2.');
    // Without streaming the first byte is the whole answer: --timeout-ms limits that (the idle limit does not apply).
    const timeoutMs = number('timeout-ms', values['timeout-ms'], true);
    network = cliNetwork(io.env);
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
      // Every request (chat, --models) goes through the proxies the environment names.
      fetch: network.fetch,
      trustAdvice: cliTrustAdvice(io.env),
    });
    const signal = controller.signal;

    if (values.models) {
      const models = await client.listModels({ signal });
      if (json) object.emit({ models });
      else for (const m of models) io.stdout(`${m.id}${m.name !== m.id ? `  (${m.name})` : ''}  ${describeModel(m)}\n`);
      return 0;
    }

    const fields = requestFields(values, io.env);
    let prompt = positionals.join(' ');
    if (!prompt.trim()) {
      prompt = (
        await io.readStdin(signal).catch((e: unknown) => {
          throw signal.aborted ? cancelled : e;
        })
      ).trim();
    }
    if (!prompt.trim()) throw new UsageError('No prompt: pass it as an argument or on standard input.');

    const messages: ChatMessage[] = [];
    if (values.system) messages.push({ role: 'system', content: values.system });
    messages.push({ role: 'user', content: prompt });
    const request: ChatRequest = { ...fields, messages };

    let result: ChatResult | undefined;
    if (values['no-stream']) {
      result = await client.completeChat(request, { signal });
      if (!json) printer.complete(result);
    } else {
      const multi = (request.n ?? 1) > 1;
      for await (const ev of client.streamChat(request, {
        signal,
        onRetry: (r) =>
          !json && printer.notice(`retrying (${r.attempt}/${r.maxAttempts}) in ${r.delayMs} ms: ${r.error.message}`),
      })) {
        if (ev.type === 'done') result = ev.result;
        if (!json) printer.event(ev, multi);
      }
    }
    // Success needs an assembled answer; the client throws `truncated` for one that lacks a finish reason.
    if (!result) throw new ArceeError('truncated', `${leadSentence('truncated')} (no complete answer arrived).`);
    if (json) object.emit(resultJson(result));
    return 0;
  } catch (e) {
    return fail(e);
  } finally {
    interrupts.ended();
    await network?.close();
  }
}

async function readStdin(signal: AbortSignal): Promise<string> {
  if (process.stdin.isTTY) return '';
  const chunks: Buffer[] = [];
  // Ctrl+C while a prompt is awaited on a pipe destroys the stream, which ends the loop with an AbortError.
  for await (const c of addAbortSignal(signal, process.stdin)) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

if (require.main === module) {
  void main(process.argv.slice(2), {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    readStdin,
    env: process.env,
    stderrIsTTY: process.stderr.isTTY === true,
  }).then((code) => {
    process.exitCode = code;
  });
}
