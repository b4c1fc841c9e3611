/**
 * Chunks → choices. Takes parsed stream chunks (or one complete response, whose `message` is treated as a
 * delta) and yields typed events while building the result: content, reasoning, tool calls, logprobs,
 * finish reason per choice (interleaved by `index` when n > 1), usage (usage.ts), and the model that answered.
 */
import type { ChatEvent, ChatResult, ChoiceResult, LogprobEntry, ToolCallResult } from './api';
import { ThinkSplitter, type ThinkPiece } from './think';
import { UsageTally } from './usage';

interface ToolCallState {
  index: number;
  id: string | null;
  name: string;
  arguments: string;
}

class ChoiceState {
  content = '';
  reasoning = '';
  finishReason: string | null = null;
  logprobs: LogprobEntry[] | null = null;
  readonly calls: ToolCallState[] = [];
  /** The call the last tool-call delta went to: the one being written when the answer stopped. */
  lastCall: ToolCallState | undefined;
  readonly think = new ThinkSplitter();

  constructor(readonly index: number) {}

  callFor(key: { index?: number; id?: string }): ToolCallState {
    let call: ToolCallState | undefined;
    if (key.index !== undefined) call = this.calls.find((c) => c.index === key.index);
    else if (key.id !== undefined) call = this.calls.find((c) => c.id === key.id);
    else call = this.calls[this.calls.length - 1];
    if (!call) {
      call = { index: key.index ?? this.calls.length, id: null, name: '', arguments: '' };
      this.calls.push(call);
    }
    return call;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * Whether a call may be run. Without a finish reason no call is complete. An answer cut by `length` loses only the
 * call it was writing when the limit hit: that one counts only if its arguments parse (empty ones do not: the
 * model may have been cut right after the name); the calls it had moved on from are complete when theirs are valid.
 */
function callComplete(c: ChoiceState, call: ToolCallState): boolean {
  if (c.finishReason === null || call.name === '') return false;
  if (c.finishReason === 'length' && call === c.lastCall)
    return call.arguments.trim() !== '' && argumentsAreValid(call.arguments);
  return argumentsAreValid(call.arguments);
}

/** True when `args` is what a function may be called with: empty (no arguments) or valid JSON. */
export function argumentsAreValid(args: string): boolean {
  if (args.trim() === '') return true;
  try {
    JSON.parse(args);
    return true;
  } catch {
    return false;
  }
}

export class StreamAssembler {
  private readonly choices = new Map<number, ChoiceState>();
  private id: string | null = null;
  private model: string | null = null;
  private readonly usage = new UsageTally();

  /** Takes one parsed chunk (or a complete response) and returns the events it produced. */
  push(chunk: unknown): ChatEvent[] {
    const events: ChatEvent[] = [];
    this.pushInto(chunk, events);
    return events;
  }

  /** Like push, appending the events to `events` (saves an array per chunk on the hot path). */
  pushInto(chunk: unknown, events: ChatEvent[]): void {
    if (!isRecord(chunk)) return;
    if (this.id === null && typeof chunk.id === 'string') this.id = chunk.id;
    const model = str(chunk.model);
    if (model && model !== this.model) {
      this.model = model;
      events.push({ type: 'model', model });
    }
    const choices = chunk.choices;
    if (Array.isArray(choices)) {
      for (const raw of choices) {
        if (isRecord(raw)) this.pushChoice(raw, events);
      }
    }
    if (isRecord(chunk.usage)) {
      const first: unknown = Array.isArray(choices) ? choices[0] : undefined;
      this.usage.report(chunk.usage, isRecord(first) ? (typeof first.index === 'number' ? first.index : 0) : undefined);
      const usage = this.usage.total();
      if (usage) events.push({ type: 'usage', usage });
    }
  }

  private choice(index: number): ChoiceState {
    let c = this.choices.get(index);
    if (!c) {
      c = new ChoiceState(index);
      this.choices.set(index, c);
    }
    return c;
  }

  private pushChoice(raw: Record<string, unknown>, events: ChatEvent[]): void {
    const index = typeof raw.index === 'number' ? raw.index : 0;
    const c = this.choice(index);
    const delta = isRecord(raw.delta) ? raw.delta : isRecord(raw.message) ? raw.message : undefined;
    if (delta) {
      // Some builds send both fields with the same text: count it once, preferring the current name.
      const reasoning = str(delta.reasoning) || str(delta.reasoning_content);
      if (reasoning) {
        c.think.allowLoneClose = false;
        c.reasoning += reasoning;
        events.push({ type: 'reasoning', index, text: reasoning });
      }
      const content = str(delta.content);
      if (content) this.pushContent(c, content, events);
      if (Array.isArray(delta.tool_calls)) {
        for (const tc of delta.tool_calls) if (isRecord(tc)) this.pushToolCall(c, tc, events);
      }
      if (isRecord(delta.function_call)) this.pushToolCall(c, { function: delta.function_call }, events);
    }
    const lp = raw.logprobs;
    if (isRecord(lp) && Array.isArray(lp.content) && lp.content.length > 0) {
      const entries = lp.content.filter(isRecord) as unknown as LogprobEntry[];
      (c.logprobs ??= []).push(...entries);
      events.push({ type: 'logprobs', index, entries });
    }
    const finish = str(raw.finish_reason);
    if (finish) {
      this.flushContent(c, events);
      c.finishReason = finish;
      this.usage.finished();
      events.push({ type: 'finish', index, reason: finish });
    }
  }

  private pushContent(c: ChoiceState, content: string, events: ChatEvent[]): void {
    if (c.think.passesThrough(content)) {
      c.content += content;
      events.push({ type: 'text', index: c.index, text: content });
      return;
    }
    for (const piece of c.think.push(content)) this.applyPiece(c, piece, events);
  }

  private flushContent(c: ChoiceState, events: ChatEvent[]): void {
    for (const piece of c.think.flush()) this.applyPiece(c, piece, events);
  }

  private applyPiece(c: ChoiceState, piece: ThinkPiece, events: ChatEvent[]): void {
    const index = c.index;
    if (piece.kind === 'text') {
      c.content += piece.text;
      events.push({ type: 'text', index, text: piece.text });
    } else if (piece.kind === 'reasoning') {
      c.reasoning += piece.text;
      events.push({ type: 'reasoning', index, text: piece.text });
    } else {
      const text = c.content.slice(c.content.length - piece.length);
      c.content = c.content.slice(0, c.content.length - piece.length);
      c.reasoning += text;
      events.push({ type: 'textWasReasoning', index, text });
    }
  }

  private pushToolCall(c: ChoiceState, tc: Record<string, unknown>, events: ChatEvent[]): void {
    const fn = isRecord(tc.function) ? tc.function : {};
    const id = str(tc.id) || undefined;
    const call = c.callFor({ index: typeof tc.index === 'number' ? tc.index : undefined, id });
    c.lastCall = call;
    if (id && call.id === null) call.id = id;
    const name = str(fn.name);
    // Servers differ: most send the name once, some repeat it whole on every piece.
    if (name && name !== call.name) call.name += name;
    const args =
      typeof fn.arguments === 'string' ? fn.arguments : isRecord(fn.arguments) ? JSON.stringify(fn.arguments) : '';
    call.arguments += args;
    events.push({
      type: 'toolCall',
      index: c.index,
      callIndex: call.index,
      id: call.id,
      name: call.name,
      argumentsDelta: args,
    });
  }

  /** True once every choice seen has a finish reason: only then is the answer complete (`[DONE]` or not). */
  allFinished(): boolean {
    if (this.choices.size === 0) return false;
    for (const c of this.choices.values()) if (c.finishReason === null) return false;
    return true;
  }

  /** Anything at all arrived (used to keep partial answers). */
  hasContent(): boolean {
    return this.choices.size > 0 || this.usage.total() !== null;
  }

  /** Releases text held back while deciding on a think tag (end of stream). */
  end(): ChatEvent[] {
    const events: ChatEvent[] = [];
    this.endInto(events);
    return events;
  }

  endInto(events: ChatEvent[]): void {
    for (const c of this.choices.values()) this.flushContent(c, events);
  }

  result(): ChatResult {
    const choices: ChoiceResult[] = [...this.choices.values()]
      .sort((a, b) => a.index - b.index)
      .map((c) => ({
        index: c.index,
        content: c.content,
        reasoning: c.reasoning,
        tool_calls: c.calls.map((call): ToolCallResult => ({
          index: call.index,
          id: call.id,
          name: call.name,
          arguments: call.arguments,
          complete: callComplete(c, call),
        })),
        finish_reason: c.finishReason,
        logprobs: c.logprobs,
      }));
    return { id: this.id, model: this.model, choices, usage: this.usage.total() };
  }
}
