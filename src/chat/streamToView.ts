/**
 * One request's events → the assistant message and batched `chat/delta` posts. vscode-free: the session
 * wires it to the webview, tests drive it directly.
 */
import type { ChatEvent, ChatResult, ModelInfo, Usage } from '../providers/api';
import { isArceeError, describeUnknownError, type ArceeError } from '../providers/errors';
import type {
  ChatMessageView,
  ErrorAction,
  ErrorView,
  HostMessage,
  TokenLogprobView,
  ToolCallView,
  UsageView,
} from '../webview/protocol';
import { LogprobCompactor, MAX_TOKENS_KEPT } from './logprobs';

/** Which buttons an error gets under the answer. */
export function errorView(err: unknown): ErrorView {
  if (!isArceeError(err)) return { kind: 'unknown', message: describeUnknownError(err), actions: ['retry', 'showLog'] };
  const actions: ErrorAction[] = (() => {
    switch (err.kind) {
      case 'auth':
        return ['setApiKey', 'showLog'];
      case 'permission':
        return ['selectModel', 'setApiKey'];
      case 'payment':
        return ['openBilling', 'retry'];
      case 'not_found':
        return ['openSettings', 'selectModel'];
      case 'bad_request':
      case 'validation':
        return ['openSettings', 'showLog'];
      // The sentence says what helps (less code, a new chat); a model with a longer context is one click away.
      case 'context_overflow':
        return ['selectModel', 'showLog'];
      default:
        return ['retry', 'showLog'];
    }
  })();
  return { kind: err.kind, message: err.message, actions };
}

export function usageView(usage: Usage | null, model: ModelInfo | undefined): UsageView | undefined {
  if (!usage) return undefined;
  const view: UsageView = {
    promptTokens: usage.prompt_tokens,
    completionTokens: usage.completion_tokens,
    reasoningTokens: usage.completion_tokens_details?.reasoning_tokens,
  };
  const p = model?.pricing;
  if (p && (p.prompt !== undefined || p.completion !== undefined)) {
    view.costUsd =
      (usage.prompt_tokens ?? 0) * (p.prompt ?? 0) +
      (usage.completion_tokens ?? 0) * (p.completion ?? 0) +
      (p.request ?? 0);
  }
  return view;
}

/**
 * Applies events to `message` (choice 0) and posts deltas at most every `batchMs`, so a fast stream costs one
 * message per frame, not one per token.
 */
export class StreamToView {
  private pending: {
    text: string;
    reasoning: string;
    toolCalls?: ToolCallView[];
    model?: string;
    logprobs?: TokenLogprobView[];
  } = { text: '', reasoning: '' };
  private compactor: LogprobCompactor | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  result: ChatResult | undefined;

  constructor(
    readonly requestId: string,
    readonly message: ChatMessageView,
    private readonly post: (m: HostMessage) => void,
    private readonly modelInfo: (id: string) => ModelInfo | undefined,
    private readonly batchMs = 16,
  ) {}

  apply(ev: ChatEvent): void {
    const m = this.message;
    switch (ev.type) {
      case 'text':
        if (ev.index !== 0) return;
        m.content += ev.text;
        this.pending.text += ev.text;
        break;
      case 'reasoning':
        if (ev.index !== 0) return;
        m.reasoning = (m.reasoning ?? '') + ev.text;
        this.pending.reasoning += ev.text;
        break;
      case 'textWasReasoning':
        if (ev.index !== 0) return;
        this.flush();
        m.content = m.content.slice(0, m.content.length - ev.text.length);
        m.reasoning = (m.reasoning ?? '') + ev.text;
        this.post({ type: 'chat/textWasReasoning', requestId: this.requestId, messageId: m.id, text: ev.text });
        return;
      case 'toolCall': {
        if (ev.index !== 0) return;
        const calls = m.toolCalls ?? (m.toolCalls = []);
        const existing = calls[ev.callIndex];
        if (existing) {
          existing.arguments += ev.argumentsDelta;
          existing.name = ev.name;
          existing.id = ev.id;
        } else {
          calls[ev.callIndex] = { id: ev.id, name: ev.name, arguments: ev.argumentsDelta, complete: false };
        }
        this.pending.toolCalls = calls.filter(Boolean).map((c) => ({ ...c }));
        break;
      }
      case 'model':
        m.model = ev.model;
        this.pending.model = ev.model;
        break;
      case 'usage':
        m.usage = usageView(ev.usage, this.modelInfo(m.model ?? ''));
        return;
      case 'finish':
        if (ev.index === 0) m.finishReason = ev.reason;
        return;
      case 'done': {
        this.result = ev.result;
        const c = ev.result.choices[0];
        if (c) {
          // The assembled answer is the final word: the client recovers tool calls written into the reasoning and
          // strips leaked tool XML (providers/toolMarkup.ts), which must stay neither in the view nor in the saved
          // conversation (nor prime the next turn). Apart from that, it is the text the deltas built.
          m.content = c.content;
          if (c.reasoning) m.reasoning = c.reasoning;
          else delete m.reasoning;
          m.toolCalls = c.tool_calls.length
            ? c.tool_calls.map((t) => ({ id: t.id, name: t.name, arguments: t.arguments, complete: t.complete }))
            : undefined;
          m.finishReason = c.finish_reason;
        }
        m.usage = usageView(ev.result.usage, this.modelInfo(m.model ?? ''));
        return;
      }
      case 'logprobs':
        // Kept only when the request asked for them (the message's `logprobs` starts as an empty list).
        if (ev.index !== 0 || !m.logprobs) return;
        this.addLogprobs((this.compactor ??= new LogprobCompactor()).push(ev.entries));
        break;
    }
    this.schedule();
  }

  /**
   * Ends this answer: the message's final state, posted whole. `more`: the request goes on with another answer
   * (after tool calls), so the webview stays busy.
   */
  finish(error?: unknown, more = false): ChatMessageView {
    if (this.compactor) this.addLogprobs(this.compactor.flush());
    this.flush();
    const m = this.message;
    if (error === undefined) m.state = 'done';
    else if (isArceeError(error) && error.kind === 'cancelled') m.state = 'stopped';
    else {
      m.state = 'error';
      m.error = errorView(error);
      const partial = (error as ArceeError).partial?.choices[0];
      if (partial && partial.content.length > m.content.length) m.content = partial.content;
    }
    this.post({ type: 'chat/done', requestId: this.requestId, message: m, ...(more ? { more } : {}) });
    return m;
  }

  private addLogprobs(views: TokenLogprobView[]): void {
    const all = this.message.logprobs;
    if (!all || !views.length) return;
    const kept = views.slice(0, Math.max(0, MAX_TOKENS_KEPT - all.length));
    if (!kept.length) return;
    all.push(...kept);
    (this.pending.logprobs ??= []).push(...kept);
  }

  private schedule(): void {
    if (this.timer === undefined) this.timer = setTimeout(() => this.flush(), this.batchMs);
  }

  flush(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const p = this.pending;
    if (!p.text && !p.reasoning && !p.toolCalls && !p.model && !p.logprobs) return;
    this.pending = { text: '', reasoning: '' };
    this.post({
      type: 'chat/delta',
      requestId: this.requestId,
      messageId: this.message.id,
      ...(p.text ? { text: p.text } : {}),
      ...(p.reasoning ? { reasoning: p.reasoning } : {}),
      ...(p.toolCalls ? { toolCalls: p.toolCalls } : {}),
      ...(p.model ? { model: p.model } : {}),
      ...(p.logprobs ? { logprobs: p.logprobs } : {}),
    });
  }
}
