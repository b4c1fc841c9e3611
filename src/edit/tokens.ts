/**
 * A rough token count, to refuse a selection that cannot fit the model's context before anything is sent.
 * It is an estimate (about 4 characters per token for English and code, which is how OpenAI-style BPE
 * tokenizers average out), not a tokenizer: good enough to catch a selection that is far too large.
 */
import type { ChatMessage } from '../providers/api';

export const CHARS_PER_TOKEN = 4;

export function estimateTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

/** Estimated prompt tokens of a message list (text parts only, plus a few per message for the template). */
export function estimateMessageTokens(messages: ChatMessage[]): number {
  let n = 0;
  for (const m of messages) {
    n += 4;
    const content = m.content;
    if (typeof content === 'string') n += estimateTokens(content);
    else if (Array.isArray(content)) for (const p of content) if (p.type === 'text') n += estimateTokens(p.text);
  }
  return n;
}

export interface ContextCheck {
  ok: boolean;
  /** Estimated prompt plus room for the answer. */
  needed: number;
  /** The sentence to show when it does not fit. */
  message?: string;
}

/**
 * Does a prompt of `promptTokens`, plus `answerTokens` of room for the answer, fit `contextLength`?
 * Unknown context lengths always pass: the server will say.
 */
export function checkContext(options: {
  promptTokens: number;
  answerTokens: number;
  contextLength: number | undefined;
  model: string;
  what: string;
}): ContextCheck {
  const needed = options.promptTokens + options.answerTokens;
  if (!options.contextLength || needed <= options.contextLength) return { ok: true, needed };
  const fmt = (n: number): string => n.toLocaleString('en-US');
  return {
    ok: false,
    needed,
    message:
      `The ${options.what} is too large for ${options.model}: it needs about ${fmt(needed)} tokens ` +
      `(estimated at ${CHARS_PER_TOKEN} characters per token, with room for the answer) and the model's context holds ` +
      `${fmt(options.contextLength)}. Select less code, or pick a model with a larger context (Arcee: Select Model).`,
  };
}
