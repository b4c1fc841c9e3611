/**
 * What the language-model provider tells VS Code besides the answer, decided without `vscode`: the usage it
 * reports for the chat's context indicator, token estimates calibrated by what the server counted, and how a
 * failure is handed over (one sentence, no stack).
 */
import type { Usage } from '../providers/api';
import { isArceeError, describeUnknownError, type ErrorKind } from '../providers/errors';

/**
 * The `mimeType` of the `LanguageModelDataPart` that VS Code's chat (its built-in Copilot code, 1.12x+) reads as a
 * request's usage: JSON with numeric `prompt_tokens`, `completion_tokens` and `total_tokens` (all three, or it is
 * ignored), and optionally `prompt_tokens_details.cached_tokens`.
 */
export const USAGE_MIME = 'usage';

export interface UsagePayload {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens: number };
}

const count = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.round(v) : undefined;

/** The server's usage in the shape VS Code's chat reads; undefined when the server reported no prompt count. */
export function usagePayload(usage: Usage | null | undefined): UsagePayload | undefined {
  const prompt = count(usage?.prompt_tokens);
  if (!usage || prompt === undefined) return undefined;
  const completion = count(usage.completion_tokens) ?? 0;
  const payload: UsagePayload = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: count(usage.total_tokens) ?? prompt + completion,
  };
  const cached = count(usage.prompt_tokens_details?.cached_tokens);
  if (cached !== undefined) payload.prompt_tokens_details = { cached_tokens: cached };
  return payload;
}

/** Bounds of the learned factor: a server's count this far from the estimate is more likely a mistake than a tokenizer. */
const MIN_FACTOR = 0.5;
const MAX_FACTOR = 3;
/** Weight of the newest observation: a few requests settle the factor, one odd request does not swing it. */
const WEIGHT = 0.5;
/** Requests smaller than this say more about the chat template than about the tokenizer. */
const MIN_ESTIMATE = 200;

/**
 * Token estimates that learn, per model, from the `prompt_tokens` the server reported for earlier requests:
 * the character-based estimate is scaled by the running ratio reported ÷ estimated.
 */
export class TokenCalibration {
  private readonly factors = new Map<string, number>();

  /** Records one request: what was estimated for its messages, and what the server counted. */
  observe(model: string, estimated: number, reported: number | undefined): void {
    if (reported === undefined || !(reported > 0) || estimated < MIN_ESTIMATE) return;
    const ratio = Math.min(MAX_FACTOR, Math.max(MIN_FACTOR, reported / estimated));
    const before = this.factors.get(model);
    this.factors.set(model, before === undefined ? ratio : before + WEIGHT * (ratio - before));
  }

  /** The learned factor for `model` (1 before any observation). */
  factor(model: string): number {
    return this.factors.get(model) ?? 1;
  }

  /** An estimate scaled by what the model's server has counted so far. */
  scale(model: string, estimate: number): number {
    return Math.max(estimate > 0 ? 1 : 0, Math.round(estimate * this.factor(model)));
  }
}

/** `vscode.LanguageModelError` codes. */
export type LanguageModelErrorCode = 'NoPermissions' | 'NotFound' | 'Blocked';

export interface LmFailure {
  /** One sentence for the user; never a stack, raw HTML or the key. */
  message: string;
  kind: ErrorKind | 'unknown';
  /** Set when the failure fits a `LanguageModelError` kind. */
  code?: LanguageModelErrorCode;
}

/**
 * Only kinds that mean what a `LanguageModelError` code means to a caller. A context overflow has none (Blocked
 * would say "stop using this model"): the caller gets its sentence, which names the sizes and what helps.
 */
const CODES: Partial<Record<ErrorKind, LanguageModelErrorCode>> = {
  auth: 'NoPermissions',
  permission: 'NoPermissions',
  payment: 'Blocked',
  not_found: 'NotFound',
};

/** A failure of a provider request, as the caller should get it. */
export function lmFailure(err: unknown): LmFailure {
  if (isArceeError(err))
    return { message: err.message, kind: err.kind, ...(CODES[err.kind] ? { code: CODES[err.kind] } : {}) };
  return { message: describeUnknownError(err), kind: 'unknown' };
}

/**
 * True when the request came from VS Code's own Chat or agent (`requestInitiator` is "core" or a built-in chat
 * extension) rather than from another extension calling `vscode.lm`. VS Code's chat prints a failure's stack
 * after its message whenever there is one, and it rebuilds a `LanguageModelError` on its side of the process
 * boundary, with a new stack; so its requests get a plain error without a stack, and other extensions get the
 * `LanguageModelError` kind they can branch on.
 */
export function isChatInitiator(initiator: unknown): boolean {
  if (typeof initiator !== 'string' || initiator === '' || initiator === 'core') return true;
  return /^(github\.copilot(-chat)?|vscode\.[\w-]+)$/i.test(initiator);
}
