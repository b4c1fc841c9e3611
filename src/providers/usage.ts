/**
 * An answer's usage from the usage reports in its stream. Servers report it in different shapes, and with n > 1
 * the shapes differ in what one report covers:
 * - OpenAI, vLLM, LiteLLM (Arcee): one usage chunk without choices (`choices: []`) at the end, for the whole
 *   answer, every choice included;
 * - vLLM with continuous usage stats: usage on each choice's chunks, a running count for that choice, then the
 *   same final chunk for the whole answer;
 * - llama.cpp with n > 1: one usage chunk without choices per choice, right after that choice's finish.
 *
 * The rule. A usage chunk without choices is for the whole answer and replaces the one before it, except when a
 * choice finished since the one before and that one also came after a finish: then each is one choice's (the
 * llama.cpp shape) and they add up. Usage on a choice's chunk is that choice's running count: the last one per
 * choice counts, added over the choices, and only when no usage chunk without choices came. Adding up counts the
 * prompt once, as OpenAI and vLLM do for n > 1 (every choice answers the same prompt), and sums the rest.
 */
import type { Usage } from './api';

export class UsageTally {
  /** Reports without choices: one for the whole answer, or one per choice in finishing order. */
  private standalone: Usage[] = [];
  /** How many finishes had been seen when the last report without choices came (-1: none came yet). */
  private finishesAtLast = -1;
  private finishes = 0;
  private readonly perChoice = new Map<number, Usage>();

  /** A choice finished (counted per finish, not per index: a server may send every finish with index 0). */
  finished(): void {
    this.finishes++;
  }

  /** One report; `choice` is the index of the choice on the same chunk, undefined on a chunk without choices. */
  report(usage: Usage, choice: number | undefined): void {
    if (choice !== undefined) {
      this.perChoice.set(choice, usage);
      return;
    }
    const oneChoiceEach = this.finishesAtLast > 0 && this.finishes > this.finishesAtLast;
    if (oneChoiceEach) this.standalone.push(usage);
    else this.standalone = [usage];
    this.finishesAtLast = this.finishes;
  }

  /** The answer's usage so far, or null when no report came. */
  total(): Usage | null {
    const parts = this.standalone.length ? this.standalone : [...this.perChoice.values()];
    if (parts.length === 0) return null;
    return parts.length === 1 ? parts[0] : addUp(parts);
  }
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

function sum(values: (number | undefined)[]): number | undefined {
  const known = values.filter((v): v is number => v !== undefined);
  return known.length ? known.reduce((a, b) => a + b, 0) : undefined;
}

/** Several choices' usage as one: the prompt once (the largest count), completion and reasoning tokens summed. */
function addUp(parts: Usage[]): Usage {
  const out: Usage = { ...parts[parts.length - 1] };
  const prompts = parts.map((p) => num(p.prompt_tokens)).filter((v): v is number => v !== undefined);
  const prompt = prompts.length ? Math.max(...prompts) : undefined;
  const completion = sum(parts.map((p) => num(p.completion_tokens)));
  if (prompt !== undefined) out.prompt_tokens = prompt;
  if (completion !== undefined) out.completion_tokens = completion;
  if (prompt !== undefined && completion !== undefined) out.total_tokens = prompt + completion;
  const reasoning = sum(parts.map((p) => num(p.completion_tokens_details?.reasoning_tokens)));
  if (reasoning !== undefined)
    out.completion_tokens_details = { ...out.completion_tokens_details, reasoning_tokens: reasoning };
  return out;
}
