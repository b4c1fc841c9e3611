/**
 * The terminal client's flags → the request's fields. Everything is checked before the prompt is read or anything
 * is sent, and each mistake is a one-line UsageError that names the flag and says what would be right.
 */
import * as fs from 'node:fs';
import type { ChatRequest, ToolChoice, ToolDefinition } from '../providers/api';
import { DEFAULT_MODEL, type Flags, UsageError, number } from './args';

/**
 * A request but for its messages (the prompt is read after the flags are checked). Omit<> would lose the known
 * fields to ChatRequest's index signature; a remapped type keeps them.
 */
export type RequestFields = { [K in keyof ChatRequest as K extends 'messages' ? never : K]: ChatRequest[K] };

/** The flag that sets each field, for --extra-body's conflicts. */
const FLAG_OF: Record<string, string> = {
  model: '--model',
  temperature: '--temperature',
  top_p: '--top-p',
  max_tokens: '--max-tokens',
  n: '--n',
  seed: '--seed',
  stop: '--stop',
  logprobs: '--logprobs',
  top_logprobs: '--top-logprobs',
  tools: '--tools',
  tool_choice: '--tool-choice',
  parallel_tool_calls: '--parallel-tool-calls',
};

/** Fields the client itself sets: --extra-body may not. */
const OWNED: Record<string, string> = {
  messages: 'they are the prompt and --system',
  stream: 'use --no-stream for a single JSON response',
  model: 'use --model',
};

/** Reads and checks the flags that make the request. */
export function requestFields(values: Flags, env: NodeJS.ProcessEnv): RequestFields {
  const extra = values['extra-body'] === undefined ? {} : parseExtraBody(values['extra-body']);
  const fromFlags: RequestFields = {
    model: values.model ?? (env.ARCEE_MODEL?.trim() || DEFAULT_MODEL),
    temperature: number('temperature', values.temperature),
    top_p: number('top-p', values['top-p']),
    max_tokens: number('max-tokens', values['max-tokens'], true),
    n: number('n', values.n, true),
    seed: number('seed', values.seed, true),
    stop: values.stop?.length ? values.stop : undefined,
    logprobs: values.logprobs ? true : undefined,
    top_logprobs: number('top-logprobs', values['top-logprobs'], true),
    tools: values.tools === undefined ? undefined : readTools(values.tools),
    tool_choice: toolChoice(values['tool-choice']),
    parallel_tool_calls: parallelToolCalls(values['parallel-tool-calls']),
  };
  for (const key of Object.keys(extra)) {
    if (key in OWNED) throw new UsageError(`--extra-body may not set "${key}": ${OWNED[key]}.`);
    if ((fromFlags as Record<string, unknown>)[key] !== undefined) {
      throw new UsageError(`--extra-body sets "${key}", which ${FLAG_OF[key] ?? 'a flag'} sets too: give it once.`);
    }
  }
  const fields = { ...extra, ...withoutUndefined(fromFlags) } as RequestFields;
  checkToolFlags(fields);
  return fields;
}

function withoutUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** --extra-body: one JSON object, merged into the request body. */
function parseExtraBody(text: string): Record<string, unknown> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new UsageError(
      `--extra-body is not valid JSON (${jsonProblem(e)}); give one object, e.g. '{"reasoning_effort":"low"}'.`,
    );
  }
  if (!isRecord(json))
    throw new UsageError(
      `--extra-body must be a JSON object of request fields, e.g. '{"reasoning_effort":"low"}'; got ${kindOf(json)}.`,
    );
  return json;
}

/** --tools FILE: a JSON array of function tools, as the API takes them. */
function readTools(file: string): ToolDefinition[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`--tools cannot read "${file}": ${fileProblem(e)}.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`--tools: "${file}" is not valid JSON (${jsonProblem(e, text)}).`);
  }
  return checkTools(json, `--tools: "${file}"`);
}

const EXAMPLE_TOOL =
  '{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{}}}}';

/** Checks the shape of a tool list; the items are passed on as they are (extra fields such as `strict` too). */
function checkTools(json: unknown, where: string): ToolDefinition[] {
  if (!Array.isArray(json)) {
    const hint =
      isRecord(json) && Array.isArray(json.tools)
        ? ' (an object with a "tools" list: the file must be the list itself)'
        : '';
    throw new UsageError(
      `${where} must hold a JSON array of tools like [${EXAMPLE_TOOL}]; it holds ${kindOf(json)}${hint}.`,
    );
  }
  if (json.length === 0)
    throw new UsageError(`${where} holds an empty list: give at least one tool, or leave --tools out.`);
  const seen = new Set<string>();
  json.forEach((item: unknown, i) => {
    const at = `${where}, tool ${i + 1}`;
    if (!isRecord(item)) throw new UsageError(`${at} is ${kindOf(item)}, not a tool like ${EXAMPLE_TOOL}.`);
    if (item.function === undefined && typeof item.name === 'string') {
      throw new UsageError(
        `${at} ("${item.name}") is a bare function: wrap it as {"type":"function","function":{"name":"${item.name}",…}}.`,
      );
    }
    if (item.type !== 'function') throw new UsageError(`${at}: "type" must be "function"; got ${kindOf(item.type)}.`);
    const fn = item.function;
    if (!isRecord(fn)) throw new UsageError(`${at}: "function" must be an object with a "name"; got ${kindOf(fn)}.`);
    if (typeof fn.name !== 'string' || fn.name.trim() === '')
      throw new UsageError(`${at}: "function.name" must be a non-empty string; got ${kindOf(fn.name)}.`);
    if (fn.description !== undefined && typeof fn.description !== 'string') {
      throw new UsageError(
        `${at} ("${fn.name}"): "function.description" must be a string; got ${kindOf(fn.description)}.`,
      );
    }
    if (fn.parameters !== undefined && !isRecord(fn.parameters)) {
      throw new UsageError(
        `${at} ("${fn.name}"): "function.parameters" must be a JSON Schema object; got ${kindOf(fn.parameters)}.`,
      );
    }
    if (seen.has(fn.name)) throw new UsageError(`${at}: a second tool named "${fn.name}"; tool names must differ.`);
    seen.add(fn.name);
  });
  return json as ToolDefinition[];
}

/** --tool-choice: one of the three words, or the name of a function the model must call. */
function toolChoice(v: string | undefined): ToolChoice | undefined {
  if (v === undefined) return undefined;
  if (v === 'auto' || v === 'none' || v === 'required') return v;
  if (v.trim() === '')
    throw new UsageError('--tool-choice needs auto, none, required or the name of one of the tools.');
  return { type: 'function', function: { name: v } };
}

function parallelToolCalls(v: string | undefined): boolean | undefined {
  if (v === undefined) return undefined;
  if (v === 'true' || v === 'false') return v === 'true';
  throw new UsageError(`--parallel-tool-calls needs true or false, got "${v}".`);
}

/** Tool flags need tools to refer to (from --tools, or a "tools" list in --extra-body), and a named choice one of them. */
function checkToolFlags(fields: RequestFields): void {
  const names = Array.isArray(fields.tools)
    ? fields.tools.map((t: unknown) => (isRecord(t) && isRecord(t.function) ? t.function.name : undefined))
    : undefined;
  for (const key of ['tool_choice', 'parallel_tool_calls'] as const) {
    if (fields[key] !== undefined && !names)
      throw new UsageError(`${FLAG_OF[key]} needs tools to choose from: add --tools FILE.`);
  }
  const choice = fields.tool_choice;
  if (typeof choice === 'object' && names && !names.includes(choice.function.name)) {
    const known = names.filter((n): n is string => typeof n === 'string');
    throw new UsageError(
      `--tool-choice "${choice.function.name}" is none of the tools (${known.map((n) => `"${n}"`).join(', ')}), nor auto, none or required.`,
    );
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (v === undefined) return 'nothing';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === 'number' || typeof v === 'boolean') return `the ${typeof v} ${v}`;
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

/** JSON.parse's complaint, on one line; with the text, a position in it also as line and column. */
function jsonProblem(e: unknown, text?: string): string {
  const message = (e instanceof Error ? e.message : String(e)).replace(/\s+/g, ' ').trim();
  const at = /at position (\d+)/.exec(message);
  if (!at || text === undefined || /line \d+/.test(message)) return message;
  const before = text.slice(0, Number(at[1])).split('\n');
  return `${message}: line ${before.length}, column ${before[before.length - 1].length + 1}`;
}

function fileProblem(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'it is a folder, not a file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return e instanceof Error ? e.message : String(e);
}
