/**
 * The terminal client's command line: its flags, the help text, and the small checks that turn a flag's text into
 * a value or a UsageError that names the flag.
 */
import { parseArgs } from 'node:util';
import { redactSecrets } from '../providers/errors';

export const DEFAULT_BASE_URL = 'https://api.arcee.ai/api/v1';
export const DEFAULT_MODEL = 'trinity-mini';

export const USAGE = `Usage: arcee-chat [flags] "prompt"   (or the prompt on standard input)

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
  --tools FILE          tools the model may call: a JSON array of
                        {"type":"function","function":{"name":…,"description":…,"parameters":{JSON Schema}}}
  --tool-choice C       auto, none, required, or the name of one of the tools to make the model call it
  --parallel-tool-calls true|false   whether one answer may call several tools
  --extra-body JSON     more request fields, merged into the body, e.g. '{"reasoning_effort":"low"}';
                        not model, messages or stream, nor a field one of the flags above sets
  --json                print exactly one JSON object (result or error)
  --models              list the models of the server
  -h, --help

Environment: ARCEE_API_KEY (the key), ARCEE_BASE_URL (default ${DEFAULT_BASE_URL}),
  HTTPS_PROXY, HTTP_PROXY, NO_PROXY (or lower case), NODE_EXTRA_CA_CERTS (a PEM file of CAs to trust).
Ctrl+C stops the answer and prints what arrived; with --json still exactly one object, even on a second Ctrl+C.
Exit codes: 0 done, 1 failed, 2 bad flags (1 with --json), 130 cancelled.`;

/** A flag the user got wrong: exit 2 with its message, and no request. */
export class UsageError extends Error {}

/** The flags as node's parseArgs reads them (strict: an unknown flag throws). */
export function parseFlags(argv: string[]) {
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
      tools: { type: 'string' },
      'tool-choice': { type: 'string' },
      'parallel-tool-calls': { type: 'string' },
      'extra-body': { type: 'string' },
      json: { type: 'boolean' },
      models: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

export type Flags = ReturnType<typeof parseFlags>['values'];

export function number(flag: string, v: string | undefined, integer = false): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || (integer && !Number.isInteger(n))) {
    throw new UsageError(`--${flag} needs ${integer ? 'an integer' : 'a number'}, got "${v}".`);
  }
  return n;
}

export function parseHeaders(values: string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const h of values) {
    const i = h.indexOf(':');
    if (i <= 0) throw new UsageError(`--header needs "Name: value", got "${redactSecrets(h)}".`);
    out[h.slice(0, i).trim()] = h.slice(i + 1).trim();
  }
  return out;
}
