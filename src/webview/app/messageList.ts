/** The conversation as a live log: loads it, applies the streaming events, keeps itself scrolled. */
import type { ChatMessageView, ConversationView, HostMessage } from '../protocol';
import { h } from './dom';
import { AssistantMessageView, UserMessageView, type MessageCallbacks } from './messageView';

type View = UserMessageView | AssistantMessageView;
type Msg<T extends HostMessage['type']> = Extract<HostMessage, { type: T }>;

/** How close to the bottom (px) still counts as "following" the answer. */
const STICK_PX = 48;

export class MessageList {
  readonly el: HTMLDivElement;
  private views = new Map<string, View>();
  private empty: HTMLDivElement;
  private stick = true;
  private busy = false;
  private loading = false;

  constructor(private readonly cb: Omit<MessageCallbacks, 'rendered'>) {
    this.empty = h(
      'div',
      { className: 'empty', dataset: { testid: 'chat-empty' } },
      h('div', { className: 'empty-title' }, 'Ask Arcee'),
      h(
        'div',
        { className: 'empty-hint' },
        'Ask about your code, or select code in the editor and add it as context. Enter sends, Shift+Enter adds a line.',
      ),
    );
    this.el = h('div', {
      className: 'messages',
      role: 'log',
      ariaLive: 'polite',
      ariaLabel: 'Conversation',
      dataset: { testid: 'chat-messages' },
    });
    this.el.addEventListener('scroll', () => {
      this.stick = this.el.scrollHeight - this.el.scrollTop - this.el.clientHeight < STICK_PX;
    });
    this.el.append(this.empty);
  }

  private get callbacks(): MessageCallbacks {
    return { ...this.cb, rendered: () => this.keepScrolled() };
  }

  load(conversation: ConversationView): void {
    this.views.clear();
    this.el.replaceChildren(this.empty);
    this.loading = true;
    for (const m of conversation.messages) this.add(m);
    this.loading = false;
    this.stick = true;
    this.refresh();
    this.keepScrolled();
  }

  started(m: Msg<'chat/started'>): void {
    if (m.userMessage) {
      const existing = this.views.get(m.userMessage.id);
      if (existing instanceof UserMessageView) {
        // An edited message comes back: it replaces the old one and everything after it.
        this.dropAfter(existing.id);
        existing.update(m.userMessage);
      } else this.add(m.userMessage);
    }
    const old = this.views.get(m.assistantMessage.id);
    if (old instanceof AssistantMessageView) old.replace(m.assistantMessage);
    else this.add(m.assistantMessage);
    this.stick = true;
    this.refresh();
    this.keepScrolled();
  }

  delta(m: Msg<'chat/delta'>): void {
    const v = this.views.get(m.messageId);
    if (v instanceof AssistantMessageView) v.delta(m);
  }

  tools(m: Msg<'chat/tools'>): void {
    const v = this.views.get(m.messageId);
    if (v instanceof AssistantMessageView) v.tools(m.toolCalls);
  }

  textWasReasoning(m: Msg<'chat/textWasReasoning'>): void {
    const v = this.views.get(m.messageId);
    if (v instanceof AssistantMessageView) v.textWasReasoning(m.text);
  }

  done(m: Msg<'chat/done'>): void {
    const v = this.views.get(m.message.id);
    if (v instanceof AssistantMessageView) v.replace(m.message);
    else if (v) v.update(m.message);
    else this.add(m.message);
    this.refresh();
  }

  /** Removes `messageId` and everything after it (regenerate drops the answer it replaces). */
  dropFrom(messageId: string): void {
    const v = this.views.get(messageId);
    if (!v) return;
    this.dropAfter(messageId);
    v.el.remove();
    this.views.delete(messageId);
    this.refresh();
  }

  /** A request is streaming: no regenerate or edit meanwhile. */
  setBusy(busy: boolean): void {
    this.busy = busy;
    this.refresh();
  }

  /** The model picked in the header changed: answers name their model when it differs. */
  modelChanged(): void {
    for (const v of this.views.values()) if (v instanceof AssistantMessageView) v.replace(v.message);
  }

  private dropAfter(messageId: string): void {
    const el = this.views.get(messageId)?.el;
    let next = el?.nextElementSibling ?? null;
    while (next) {
      const after = next.nextElementSibling;
      const id = (next as HTMLElement).dataset.messageId;
      if (id) this.views.delete(id);
      next.remove();
      next = after;
    }
  }

  private add(m: ChatMessageView): void {
    const v = m.role === 'user' ? new UserMessageView(m, this.callbacks) : new AssistantMessageView(m, this.callbacks);
    this.views.set(m.id, v);
    this.el.append(v.el);
  }

  private refresh(): void {
    this.empty.hidden = this.views.size > 0;
    let lastAssistant: AssistantMessageView | null = null;
    for (const v of this.views.values()) {
      if (v instanceof AssistantMessageView) lastAssistant = v;
      else v.setBusy(this.busy);
    }
    for (const v of this.views.values())
      if (v instanceof AssistantMessageView) v.setLast(v === lastAssistant, this.busy);
  }

  private keepScrolled(): void {
    if (this.stick && !this.loading) this.el.scrollTop = this.el.scrollHeight;
  }
}
