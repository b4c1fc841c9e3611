/**
 * What the terminal client prints: the --json objects, and plain output that keeps the model's thinking, its
 * answer, its tool calls and the client's own messages apart. The key never reaches here unredacted.
 */
import type { ChatEvent, ChatResult, ChoiceResult } from '../providers/api';
import type { ArceeError } from '../providers/errors';

export function choiceJson(c: ChatResult['choices'][number]): Record<string, unknown> {
  return {
    index: c.index,
    content: c.content,
    reasoning: c.reasoning,
    tool_calls: c.tool_calls.map((t) => ({
      index: t.index,
      id: t.id,
      name: t.name,
      arguments: t.arguments,
      complete: t.complete,
    })),
    finish_reason: c.finish_reason,
    logprobs: c.logprobs,
  };
}

/** --json's answer. */
export function resultJson(result: ChatResult): Record<string, unknown> {
  return { model: result.model, choices: result.choices.map(choiceJson), usage: result.usage };
}

/** --json's failure, with what had arrived; `message` is the error's, with the key redacted. */
export function errorJson(err: ArceeError, message: string, partial: ChatResult | undefined): Record<string, unknown> {
  return {
    error: { kind: err.kind, status: err.status, message, retryAfterMs: err.retryAfterMs },
    partial: { choices: (partial?.choices ?? []).map(choiceJson) },
  };
}

/** --json's promise: exactly one object on stdout, whoever gets to write it (the run, or a late Ctrl+C). */
export class OneObject {
  private written = false;

  constructor(private readonly write: (s: string) => void) {}

  /** Takes the one place; false when an object was already written. */
  claim(): boolean {
    if (this.written) return false;
    this.written = true;
    return true;
  }

  emit(value: unknown): void {
    if (this.claim()) this.write(`${JSON.stringify(value)}\n`);
  }
}

/**
 * Whether to dim the thinking: on a terminal only, never with NO_COLOR (no-color.org) or TERM=dumb; FORCE_COLOR
 * turns it on for a pipe, as it does for node itself.
 */
export function wantsColor(isTTY: boolean, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  return isTTY && env.TERM !== 'dumb';
}

const DIM = '\x1b[2m';
/** Normal intensity: ends DIM and nothing else, so each dimmed write is closed on its own and Ctrl+C cannot leave the terminal dim. */
const UNDIM = '\x1b[22m';

const THINKING_MARK = '--- thinking ---';
const ANSWER_MARK = '--- answer ---';

type Stream = 'stdout' | 'stderr';

/**
 * Plain output. The answer goes to stdout as it arrives; the thinking goes to stderr under THINKING_MARK (dimmed
 * on a terminal) and ANSWER_MARK shows where the answer starts, so a terminal shows the two apart while
 * `> answer.txt` keeps only the answer. Tool calls follow the text on stdout. Whatever the client itself says
 * (a retry, an error) starts on a line of its own, after the text that had arrived.
 */
export class PlainPrinter {
  /** The stream whose last line has no newline yet; stdout and stderr usually share one terminal. */
  private open: Stream | undefined;
  private section: 'none' | 'thinking' | 'answer' = 'none';
  /** How much of the first choice's answer and thinking is on screen, to print the rest of a partial one. */
  private shown = { answer: 0, thinking: 0 };

  constructor(
    private readonly io: Record<Stream, (s: string) => void>,
    private readonly color: boolean,
  ) {}

  /** One event of a stream. Only the first choice streams live when `multi`; the others are printed at the end. */
  event(ev: ChatEvent, multi: boolean): void {
    if (ev.type === 'text' && (!multi || ev.index === 0)) this.answer(ev.text);
    else if (ev.type === 'reasoning' && ev.index === 0) this.thinking(ev.text);
    else if (ev.type === 'textWasReasoning' && ev.index === 0) {
      // A lone </think>: what went to stdout so far was thinking. It cannot be taken back, so say so.
      this.mark('--- the text above was thinking ---');
      this.section = 'thinking';
      this.shown.answer -= ev.text.length;
      this.shown.thinking += ev.text.length;
    } else if (ev.type === 'done') this.done(ev.result, multi);
  }

  /** A whole answer (--no-stream), printed as its stream would have been. */
  complete(result: ChatResult): void {
    const first = result.choices[0];
    if (first) this.choiceText(first);
    this.done(result, result.choices.length > 1);
  }

  /**
   * What a failed answer had that is not on screen yet (an error can arrive in the same read as the text before
   * it, or the answer was not streamed), so the partial answer is kept before the error is told.
   */
  partial(result: ChatResult | undefined): void {
    const first = result?.choices[0];
    if (!first) return;
    this.thinking(first.reasoning.slice(this.shown.thinking));
    this.answer(first.content.slice(this.shown.answer));
  }

  /** A line from the client itself (stderr), on a line of its own. */
  notice(line: string): void {
    this.endLine();
    this.write('stderr', `${line}\n`);
  }

  /** Ends a line left open by the text so far (before an error, or on a second Ctrl+C). */
  endLine(): void {
    if (this.open) this.write(this.open, '\n');
  }

  /** The tool calls of a choice, each as a marker line and its arguments, on stdout. */
  private toolCalls(c: ChoiceResult): void {
    for (const t of c.tool_calls) {
      this.endLine();
      const about = [t.id, t.complete ? '' : 'incomplete'].filter(Boolean).join(', ');
      this.write('stdout', `--- tool call ${t.name || '(no name)'}${about ? ` (${about})` : ''} ---\n`);
      this.write('stdout', t.arguments ? `${t.arguments}\n` : '');
    }
  }

  private done(result: ChatResult, multi: boolean): void {
    const [first, ...rest] = result.choices;
    this.endLine();
    if (first) this.toolCalls(first);
    if (!multi) return;
    for (const c of rest) {
      this.write('stdout', `--- choice ${c.index} ---\n`);
      this.section = 'none';
      this.choiceText(c);
      this.endLine();
      this.toolCalls(c);
    }
  }

  private choiceText(c: ChoiceResult): void {
    this.thinking(c.reasoning);
    this.answer(c.content);
  }

  private thinking(text: string): void {
    if (!text) return;
    if (this.section !== 'thinking') this.mark(THINKING_MARK);
    this.section = 'thinking';
    this.shown.thinking += text.length;
    this.write('stderr', text, true);
  }

  private answer(text: string): void {
    if (!text) return;
    if (this.section === 'thinking') this.mark(ANSWER_MARK);
    this.section = 'answer';
    this.shown.answer += text.length;
    this.write('stdout', text);
  }

  private mark(line: string): void {
    this.endLine();
    this.write('stderr', `${line}\n`, true);
  }

  private write(stream: Stream, text: string, dim = false): void {
    if (!text) return;
    this.io[stream](dim && this.color ? `${DIM}${text}${UNDIM}` : text);
    this.open = text.endsWith('\n') ? undefined : stream;
  }
}
