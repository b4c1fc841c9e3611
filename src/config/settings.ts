/**
 * `arcee.*` settings → validated values (no vscode import: read through a getter, tested as plain data).
 * A bad value is dropped with a sentence that names the setting and says what would be right; nothing here
 * ever holds the API key.
 */
import type { ChatMessage, ChatRequest } from '../providers/api';
import { DEFAULT_FIRST_BYTE_TIMEOUT_MS, DEFAULT_IDLE_TIMEOUT_MS } from '../providers/timeouts';
import { redactSecrets } from '../providers/errors';
import { resolveEndpoints } from '../providers/url';

export const DEFAULT_BASE_URL = 'https://api.arcee.ai/api/v1';
export const DEFAULT_MODEL = 'trinity-mini';

/** Request fields that settings may fill in; messages, model and stream come from the surface. */
export type RequestDefaults = Omit<Partial<ChatRequest>, 'model' | 'messages' | 'stream'>;

export interface Settings {
  baseUrl: string;
  model: string;
  firstByteTimeoutMs: number;
  idleTimeoutMs: number;
  maxRetries: number;
  extraHeaders: Record<string, string>;
  requestDefaults: RequestDefaults;
  /** `arcee.topLogprobs`, also used by the chat's Logprobs toggle when `arcee.logprobs` is off. */
  topLogprobs?: number;
  /** `arcee.completions.*`: ghost text as you type. */
  completions: CompletionsSettings;
}

export interface CompletionsSettings {
  enabled: boolean;
  model: string;
  debounceMs: number;
  /** Most lines a block suggestion may have. */
  maxLines: number;
  maxPerMinute: number;
  /** Language ids that never get ghost text. */
  disabledLanguages: string[];
}

export const COMPLETIONS_DEFAULTS: CompletionsSettings = {
  enabled: false,
  model: DEFAULT_MODEL,
  debounceMs: 300,
  maxLines: 12,
  maxPerMinute: 30,
  disabledLanguages: [],
};

export interface SettingsResult {
  settings: Settings;
  /** One sentence per bad value, for a warning and the log. */
  problems: string[];
}

type Getter = (key: string) => unknown;

const RESERVED_BODY_KEYS = new Set(['model', 'messages', 'stream']);
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Reads and validates every `arcee.*` setting. `get('temperature')` returns the value of `arcee.temperature`. */
export function readSettings(get: Getter): SettingsResult {
  const problems: string[] = [];
  const problem = (key: string, what: string): void => {
    problems.push(`Setting arcee.${key} ${what}`);
  };

  const num = (key: string, opts: { min?: number; max?: number; integer?: boolean }): number | undefined => {
    const v = get(key);
    if (v === null || v === undefined || v === '') return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v) || (opts.integer && !Number.isInteger(v))) {
      problem(key, `must be ${opts.integer ? 'a whole number' : 'a number'} or empty; it was ignored.`);
      return undefined;
    }
    if ((opts.min !== undefined && v < opts.min) || (opts.max !== undefined && v > opts.max)) {
      const range =
        opts.max === undefined
          ? `at least ${opts.min}`
          : opts.min === undefined
            ? `at most ${opts.max}`
            : `between ${opts.min} and ${opts.max}`;
      problem(key, `must be ${range} (it is ${v}); it was ignored.`);
      return undefined;
    }
    return v;
  };

  let baseUrl = DEFAULT_BASE_URL;
  const rawBase = get('baseUrl');
  if (typeof rawBase === 'string' && rawBase.trim()) {
    try {
      resolveEndpoints(rawBase);
      baseUrl = rawBase.trim();
    } catch (e) {
      problem('baseUrl', `is not usable: ${e instanceof Error ? e.message : String(e)} Using ${DEFAULT_BASE_URL}.`);
    }
  }

  let model = DEFAULT_MODEL;
  const rawModel = get('model');
  if (typeof rawModel === 'string' && rawModel.trim()) model = rawModel.trim();
  else if (rawModel !== undefined && rawModel !== null && rawModel !== '')
    problem('model', `must be a model id; using ${DEFAULT_MODEL}.`);

  const d: RequestDefaults = {};
  d.temperature = num('temperature', { min: 0, max: 2 });
  d.top_p = num('topP', { min: 0, max: 1 });
  d.max_tokens = num('maxTokens', { min: 1, integer: true });
  d.presence_penalty = num('presencePenalty', { min: -2, max: 2 });
  d.frequency_penalty = num('frequencyPenalty', { min: -2, max: 2 });
  d.seed = num('seed', { integer: true });
  d.n = num('n', { min: 1, max: 8, integer: true });
  d.timeout = num('serverTimeout', { min: 1 });

  const stop = get('stop');
  if (Array.isArray(stop) && stop.length) {
    const ok = stop.filter((s): s is string => typeof s === 'string' && s.length > 0);
    if (ok.length !== stop.length) problem('stop', 'must be a list of non-empty strings; the others were ignored.');
    if (ok.length > 4) problem('stop', 'may hold at most 4 sequences; only the first 4 are sent.');
    if (ok.length) d.stop = ok.slice(0, 4);
  } else if (stop !== undefined && stop !== null && !Array.isArray(stop)) {
    problem('stop', 'must be a list of strings; it was ignored.');
  }

  const bias = get('logitBias');
  if (isRecord(bias) && Object.keys(bias).length) {
    const ok: Record<string, number> = {};
    for (const [token, v] of Object.entries(bias)) {
      if (/^\d+$/.test(token) && typeof v === 'number' && v >= -100 && v <= 100) ok[token] = v;
      else problem('logitBias', `entry "${token}" must map a token id to a number from -100 to 100; it was ignored.`);
    }
    if (Object.keys(ok).length) d.logit_bias = ok;
  }

  const user = get('user');
  if (typeof user === 'string' && user.trim()) d.user = user.trim();

  const topLogprobs = num('topLogprobs', { min: 0, max: 20, integer: true });
  if (get('logprobs') === true) {
    d.logprobs = true;
    d.top_logprobs = topLogprobs;
  }

  const toolChoice = get('toolChoice');
  if (toolChoice === 'none' || toolChoice === 'required') d.tool_choice = toolChoice;

  const extra = get('extraBody');
  if (isRecord(extra)) {
    for (const [k, v] of Object.entries(extra)) {
      if (RESERVED_BODY_KEYS.has(k)) problem('extraBody', `may not set "${k}"; it was ignored.`);
      else (d as Record<string, unknown>)[k] = v;
    }
  }
  for (const k of Object.keys(d) as (keyof RequestDefaults)[]) if (d[k] === undefined) delete d[k];

  const extraHeaders: Record<string, string> = {};
  const headers = get('extraHeaders');
  if (isRecord(headers)) {
    for (const [name, v] of Object.entries(headers)) {
      if (!HEADER_NAME.test(name)) problem('extraHeaders', `has an invalid header name "${name}"; it was ignored.`);
      else if (
        /^(authorization|proxy-authorization|api-key|x-api-key)$/i.test(name) ||
        (typeof v === 'string' && /rcai-|Bearer\s/i.test(v))
      ) {
        problem(
          'extraHeaders',
          `may not carry the API key ("${name}"): settings are plain text. Use "Arcee: Set API Key", which keeps it in VS Code's secret storage.`,
        );
      } else if (typeof v !== 'string' || /[\r\n]/.test(v))
        problem('extraHeaders', `"${name}" must be a one-line string; it was ignored.`);
      else extraHeaders[name] = v;
    }
  }

  const firstByteTimeoutMs = num('firstByteTimeoutMs', { min: 1000, integer: true }) ?? DEFAULT_FIRST_BYTE_TIMEOUT_MS;
  const idleTimeoutMs = num('idleTimeoutMs', { min: 1000, integer: true }) ?? DEFAULT_IDLE_TIMEOUT_MS;
  const maxRetries = num('maxRetries', { min: 0, max: 2, integer: true }) ?? 2;

  const c = COMPLETIONS_DEFAULTS;
  const completionsModel = get('completions.model');
  const langs = get('completions.disabledLanguages');
  if (langs !== undefined && langs !== null && !(Array.isArray(langs) && langs.every((l) => typeof l === 'string'))) {
    problem('completions.disabledLanguages', 'must be a list of language ids such as "markdown"; it was ignored.');
  }
  const completions: CompletionsSettings = {
    enabled: get('completions.enabled') === true,
    model: typeof completionsModel === 'string' && completionsModel.trim() ? completionsModel.trim() : c.model,
    debounceMs: num('completions.debounceMs', { min: 0, max: 5000, integer: true }) ?? c.debounceMs,
    maxLines: num('completions.maxLines', { min: 1, max: 100, integer: true }) ?? c.maxLines,
    maxPerMinute: num('completions.maxRequestsPerMinute', { min: 1, max: 1000, integer: true }) ?? c.maxPerMinute,
    disabledLanguages: Array.isArray(langs)
      ? langs.filter((l): l is string => typeof l === 'string')
      : c.disabledLanguages,
  };

  return {
    settings: {
      baseUrl,
      model,
      firstByteTimeoutMs,
      idleTimeoutMs,
      maxRetries,
      extraHeaders,
      requestDefaults: d,
      completions,
      ...(topLogprobs !== undefined ? { topLogprobs } : {}),
    },
    problems: problems.map((p) => redactSecrets(p)),
  };
}

/** A request from the settings' defaults, the surface's messages and any per-request overrides. */
export function buildRequest(
  settings: Settings,
  messages: ChatMessage[],
  overrides: Partial<ChatRequest> = {},
): ChatRequest {
  return { ...settings.requestDefaults, model: settings.model, messages, ...overrides };
}

/** True for Arcee's own hosts, where a key is always needed (other servers may need none). */
export function needsKey(baseUrl: string): boolean {
  try {
    return /(^|\.)arcee\.ai$/i.test(new URL(baseUrl.trim()).hostname);
  } catch {
    return true;
  }
}
