/** One chat message as DOM: a user's (plain text, chips, images, Edit) or an assistant's (streamed markdown). */
import type { ChatMessageView, ErrorAction, ErrorView, TokenLogprobView, ToolCallView } from '../protocol';
import { button, h } from './dom';
import { chipLabel, formatUsage } from './format';
import { logprobFoot, shadeTokens } from './logprobView';
import { MarkdownStream } from './markdownStream';
import { renderNow, schedule } from './scheduler';

export interface MessageCallbacks {
  regenerate(messageId: string): void;
  editResend(messageId: string, text: string): void;
  errorAction(action: ErrorAction, messageId: string): void;
  /** The user's answer to a tool call waiting for approval. */
  decideTool(messageId: string, callId: string, allow: boolean, always: boolean): void;
  /** The model picked in the header (an answer by another model names it). */
  currentModel(): string;
  /** A view rendered: the list may keep itself scrolled to the bottom. */
  rendered(): void;
}

const ACTION_LABELS: Record<ErrorAction, string> = {
  setApiKey: 'Set API Key',
  retry: 'Retry',
  openSettings: 'Open Settings',
  openBilling: 'Billing',
  showLog: 'Show Log',
  selectModel: 'Choose Model',
};

function article(m: ChatMessageView): HTMLElement {
  return h('article', {
    className: `msg msg-${m.role}`,
    dataset: { testid: 'chat-message', role: m.role, state: m.state, messageId: m.id },
  });
}

export class UserMessageView {
  readonly el: HTMLElement;
  private textEl: HTMLDivElement;
  private editButton: HTMLButtonElement;
  private editing = false;

  constructor(
    private msg: ChatMessageView,
    private readonly cb: MessageCallbacks,
  ) {
    this.el = article(msg);
    this.textEl = h('div', { className: 'msg-text', textContent: msg.content });
    this.editButton = button('Edit', 'Edit and resend this message', () => this.startEdit(), {
      className: 'msg-action',
      dataset: { testid: 'message-edit' },
    });
    const head = h('div', { className: 'msg-head' }, h('span', { className: 'msg-author' }, 'You'), this.editButton);
    const chips = (msg.context ?? []).map((c) =>
      h(
        'span',
        { className: 'chip', title: `${c.path}:${c.startLine}-${c.endLine}`, dataset: { testid: 'message-chip' } },
        chipLabel(c),
      ),
    );
    const images = (msg.images ?? []).map((img) =>
      h('img', { className: 'thumb', src: img.dataUrl, alt: img.name, title: img.name }),
    );
    this.el.append(
      head,
      chips.length ? h('div', { className: 'msg-chips' }, ...chips) : '',
      images.length ? h('div', { className: 'msg-images' }, ...images) : '',
      this.textEl,
    );
  }

  get id(): string {
    return this.msg.id;
  }

  update(msg: ChatMessageView): void {
    this.msg = msg;
    this.el.dataset.state = msg.state;
    if (!this.editing) this.textEl.textContent = msg.content;
  }

  setBusy(busy: boolean): void {
    this.editButton.disabled = busy;
  }

  private startEdit(): void {
    if (this.editing) return;
    this.editing = true;
    const area = h('textarea', {
      className: 'edit-input',
      value: this.msg.content,
      rows: 3,
      ariaLabel: 'Edit message',
      dataset: { testid: 'message-edit-input' },
    });
    const finish = (): void => {
      this.editing = false;
      form.replaceWith(this.textEl);
    };
    const submit = (): void => {
      const text = area.value.trim();
      if (!text) return;
      finish();
      this.textEl.textContent = text;
      this.cb.editResend(this.msg.id, text);
    };
    area.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        submit();
      } else if (e.key === 'Escape') finish();
    });
    const form = h(
      'div',
      { className: 'edit-box' },
      area,
      h(
        'div',
        { className: 'edit-bar' },
        button('Cancel', 'Cancel editing', finish, { className: 'secondary' }),
        button('Send', 'Send the edited message', submit, { dataset: { testid: 'message-edit-send' } }),
      ),
    );
    this.textEl.replaceWith(form);
    area.focus();
  }
}

export class AssistantMessageView {
  readonly el: HTMLElement;
  private body: MarkdownStream;
  private reasoning: MarkdownStream;
  private details: HTMLDetailsElement;
  private summary: HTMLElement;
  private modelEl: HTMLSpanElement;
  private toolsEl: HTMLDivElement;
  private errorEl: HTMLDivElement;
  private footEl: HTMLDivElement;
  private regenButton: HTMLButtonElement;
  private toolsDirty = true;
  private chromeDirty = true;
  private bodyEl: HTMLDivElement;
  /** A finished answer with token probabilities is (re)shaded on the next render. */
  private shadeDirty = false;

  constructor(
    private msg: ChatMessageView,
    private readonly cb: MessageCallbacks,
  ) {
    this.el = article(msg);
    this.modelEl = h('span', { className: 'msg-model' });
    const head = h('div', { className: 'msg-head' }, h('span', { className: 'msg-author' }, 'Arcee'), this.modelEl);
    this.summary = h('summary', {}, 'Reasoning');
    const reasoningBody = h('div', { className: 'reasoning-body markdown' });
    this.details = h(
      'details',
      { className: 'reasoning', dataset: { testid: 'chat-reasoning' } },
      this.summary,
      reasoningBody,
    );
    this.details.addEventListener('toggle', () => {
      if (this.details.open) renderNow(this);
    });
    const bodyEl = (this.bodyEl = h('div', { className: 'msg-body markdown' }));
    this.toolsEl = h('div', { className: 'tool-calls' });
    this.errorEl = h('div', { className: 'msg-error-slot' });
    this.regenButton = button('Regenerate', 'Regenerate this answer', () => this.cb.regenerate(this.msg.id), {
      className: 'msg-action',
      dataset: { testid: 'message-regenerate' },
    });
    this.footEl = h('div', { className: 'msg-foot' });
    this.el.append(head, this.details, bodyEl, this.toolsEl, this.errorEl, this.footEl);
    this.body = new MarkdownStream(bodyEl);
    this.reasoning = new MarkdownStream(reasoningBody);
    this.replace(msg);
  }

  get id(): string {
    return this.msg.id;
  }

  get message(): ChatMessageView {
    return this.msg;
  }

  /** The message in a new (usually final) state: kept blocks stay when the text only grew. */
  replace(msg: ChatMessageView): void {
    this.msg = { ...msg };
    this.body.setText(msg.content);
    this.reasoning.setText(msg.reasoning ?? '');
    if (msg.state !== 'streaming') {
      this.body.finish();
      this.reasoning.finish();
    }
    this.toolsDirty = this.chromeDirty = true;
    this.shadeDirty = msg.state !== 'streaming' && !!msg.logprobs?.length;
    renderNow(this);
  }

  delta(d: {
    text?: string;
    reasoning?: string;
    toolCalls?: ToolCallView[];
    model?: string;
    logprobs?: TokenLogprobView[];
  }): void {
    if (d.text) {
      this.body.append(d.text);
      this.msg.content += d.text;
    }
    if (d.reasoning) {
      this.reasoning.append(d.reasoning);
      this.msg.reasoning = (this.msg.reasoning ?? '') + d.reasoning;
      this.chromeDirty = true;
    }
    if (d.toolCalls) {
      this.msg.toolCalls = d.toolCalls;
      this.toolsDirty = true;
    }
    if (d.logprobs) (this.msg.logprobs ??= []).push(...d.logprobs);
    if (d.model && d.model !== this.msg.model) {
      this.msg.model = d.model;
      this.chromeDirty = true;
    }
    schedule(this);
  }

  /** Tool calls changed status (waiting, running, answered). */
  tools(toolCalls: ToolCallView[]): void {
    this.msg.toolCalls = toolCalls;
    this.toolsDirty = true;
    renderNow(this);
  }

  /** The last `moved.length` characters of the answer were reasoning after all. */
  textWasReasoning(moved: string): void {
    const content = this.msg.content;
    const keep = Math.max(0, content.length - moved.length);
    this.msg.content = content.slice(0, keep);
    this.msg.reasoning = (this.msg.reasoning ?? '') + moved;
    this.body.setText(this.msg.content);
    this.reasoning.setText(this.msg.reasoning);
    this.chromeDirty = true;
    schedule(this);
  }

  setLast(last: boolean, busy: boolean): void {
    // Hidden while busy too: between the rounds of a tool loop, the last answer is done but not the request.
    this.regenButton.hidden = !last || busy || this.msg.state === 'streaming';
    this.regenButton.disabled = busy;
  }

  render(): void {
    this.body.render();
    // A long text renders over several frames; shading waits for all of it.
    if (this.shadeDirty && !this.body.pending) {
      this.shadeDirty = false;
      shadeTokens(this.bodyEl, this.msg.content, this.msg.logprobs ?? []);
    }
    if (this.details.open) this.reasoning.render();
    if (this.body.pending || (this.details.open && this.reasoning.pending)) schedule(this);
    if (this.toolsDirty) this.renderTools();
    if (this.chromeDirty) this.renderChrome();
    this.cb.rendered();
  }

  private renderChrome(): void {
    this.chromeDirty = false;
    const m = this.msg;
    const streaming = m.state === 'streaming';
    this.el.dataset.state = m.state;
    if (streaming) this.regenButton.hidden = true;
    this.el.setAttribute('aria-busy', String(streaming));
    const hasReasoning = !!m.reasoning;
    this.details.hidden = !hasReasoning;
    this.summary.textContent = streaming && !m.content ? 'Reasoning…' : 'Reasoning';
    const other = m.model && m.model !== this.cb.currentModel() ? m.model : '';
    this.modelEl.textContent = other;
    this.modelEl.title = other ? `Answered by ${other}` : '';
    this.errorEl.replaceChildren(m.error ? this.renderError(m.error) : '');
    const usage = formatUsage(m.usage);
    this.footEl.replaceChildren(
      m.state === 'stopped'
        ? h('span', { className: 'stopped', dataset: { testid: 'chat-stopped' } }, '■ Stopped')
        : '',
      usage ? h('span', { className: 'usage', dataset: { testid: 'chat-usage' } }, usage) : '',
      logprobFoot(m),
      h('span', { className: 'spacer' }),
      this.regenButton,
    );
  }

  private renderError(e: ErrorView): HTMLElement {
    const buttons = e.actions.map((a) =>
      button(ACTION_LABELS[a], ACTION_LABELS[a], () => this.cb.errorAction(a, this.msg.id), {
        dataset: { testid: 'error-action', action: a },
      }),
    );
    return h(
      'div',
      { className: 'msg-error', role: 'alert', dataset: { testid: 'chat-error', kind: e.kind } },
      h('div', { className: 'msg-error-text', textContent: e.message }),
      buttons.length ? h('div', { className: 'msg-error-actions' }, ...buttons) : '',
    );
  }

  private renderTools(): void {
    this.toolsDirty = false;
    const calls = (this.msg.toolCalls ?? []).filter(Boolean);
    this.toolsEl.replaceChildren(...calls.map((c) => this.renderTool(c)));
  }

  private renderTool(c: ToolCallView): HTMLElement {
    const status = c.status ?? (c.complete ? 'streamed' : 'incomplete');
    const label = STATUS_LABELS[status];
    const head = h(
      'div',
      { className: 'tool-call-head' },
      h('span', { className: 'tool-icon', ariaHidden: 'true' }, '⚙'),
      h('span', { className: 'tool-name', textContent: c.summary ?? (c.name || '(unnamed tool)'), title: c.name }),
      label
        ? h('span', { className: `tool-status tool-status-${status}`, dataset: { testid: 'tool-status' } }, label)
        : '',
    );
    const args = h(
      'details',
      { className: 'tool-detail' },
      h('summary', {}, `Arguments (${c.name || 'no name'})`),
      h('pre', { className: 'tool-args' }, h('code', { textContent: prettyArgs(c.arguments) })),
    );
    // Waiting for the user: the arguments are shown open, since that is what is being approved.
    if (status === 'pending' || !c.status) args.open = true;
    const parts: HTMLElement[] = [head];
    // Where a symbolic link really leads, and why a call is asked for although tools may run without asking:
    // text only (these come from the model's arguments and the workspace).
    if (c.link)
      parts.push(
        h('div', {
          className: 'tool-note tool-link',
          title: `${c.link.path} is a symbolic link (or lies under one): the file read is ${c.link.realPath}`,
          textContent: `${c.link.path} → ${c.link.realPath}`,
          dataset: { testid: 'tool-link' },
        }),
      );
    if (c.askReason && (status === 'pending' || c.status === undefined))
      parts.push(
        h('div', {
          className: 'tool-note tool-ask-reason',
          textContent: c.askReason,
          dataset: { testid: 'tool-ask-reason' },
        }),
      );
    parts.push(args);
    if (status === 'pending' && c.id) {
      const id = c.id;
      const decide = (allow: boolean, always: boolean) => (): void => {
        for (const b of bar.querySelectorAll('button')) b.disabled = true;
        this.cb.decideTool(this.msg.id, id, allow, always);
      };
      const bar = h(
        'div',
        { className: 'tool-approve', role: 'group', ariaLabel: 'Allow this tool call?' },
        button('Allow', `Allow: ${c.summary ?? c.name}`, decide(true, false), {
          className: 'primary',
          dataset: { testid: 'tool-allow' },
        }),
        button('Deny', `Deny: ${c.summary ?? c.name}`, decide(false, false), {
          className: 'secondary',
          dataset: { testid: 'tool-deny' },
        }),
        // Files that may hold secrets are asked for in every call: "always" would promise what it cannot keep.
        c.askReason
          ? ''
          : button(
              'Always allow read-only tools',
              'Allow this call, and run read-only workspace tools without asking from now on (arcee.chatTools.autoApprove)',
              decide(true, true),
              {
                className: 'link-button',
                dataset: { testid: 'tool-always' },
              },
            ),
      );
      parts.push(bar);
    }
    if (c.result !== undefined && status !== 'denied') {
      const result = h(
        'details',
        { className: 'tool-detail tool-result', dataset: { testid: 'tool-result' } },
        h('summary', {}, status === 'error' ? 'Error' : status === 'refused' ? 'Why' : 'Result'),
        h('pre', { className: 'tool-args' }, h('code', { textContent: c.result })),
      );
      // A refusal is a sentence the user never approved: it shows open, so the card says why at once.
      if (status === 'refused') result.open = true;
      parts.push(result);
    }
    return h(
      'div',
      {
        className: `tool-call tool-${status}`,
        dataset: { testid: 'chat-tool-call', complete: String(c.complete), status },
      },
      ...parts,
    );
  }
}

const STATUS_LABELS: Record<string, string> = {
  streamed: '',
  incomplete: 'incomplete',
  pending: 'waiting for you',
  running: 'running…',
  done: 'done',
  denied: 'denied',
  error: 'failed',
  invalid: 'not run: cut off or invalid arguments',
  skipped: 'not run: round limit reached',
  cut: 'not run: the answer was cut off',
  refused: 'refused',
};

function prettyArgs(args: string): string {
  try {
    return JSON.stringify(JSON.parse(args), null, 2);
  } catch {
    return args;
  }
}
