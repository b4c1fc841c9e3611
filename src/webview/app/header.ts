/** The header (model picker, credits, History, New Chat) and the history panel it opens. */
import type { ConversationSummary, ModelOption } from '../protocol';
import { button, h } from './dom';
import { formatCredits, relativeTime } from './format';

export interface HeaderCallbacks {
  selectModel(id: string): void;
  newChat(): void;
  open(id: string): void;
  rename(id: string, title: string): void;
  remove(id: string): void;
  exportChat(): void;
}

export class Header {
  readonly el: HTMLElement;
  readonly panel: HTMLElement;
  private select: HTMLSelectElement;
  private credits: HTMLSpanElement;
  private toggle: HTMLButtonElement;
  private list: HTMLUListElement;
  private history: ConversationSummary[] = [];
  private currentId = '';

  constructor(private readonly cb: HeaderCallbacks) {
    this.select = h('select', { className: 'model-select', ariaLabel: 'Model', dataset: { testid: 'chat-model' } });
    this.select.addEventListener('change', () => this.cb.selectModel(this.select.value));
    this.credits = h('span', { className: 'credits', dataset: { testid: 'chat-credits' } });
    this.toggle = button('History', 'Show chat history', () => this.showHistory(this.panel.hidden), {
      className: 'secondary',
      dataset: { testid: 'chat-history-toggle' },
      attrs: { 'aria-expanded': 'false', 'aria-controls': 'arcee-history' },
    });
    const newChat = button('+ New', 'New chat', () => this.cb.newChat(), {
      className: 'secondary',
      dataset: { testid: 'chat-new' },
    });
    this.el = h(
      'header',
      { className: 'header' },
      this.select,
      this.credits,
      h('span', { className: 'spacer' }),
      this.toggle,
      newChat,
    );
    this.list = h('ul', { className: 'history-list' });
    const exportButton = button('Export as Markdown', 'Export this chat as Markdown', () => this.cb.exportChat(), {
      className: 'secondary',
      dataset: { testid: 'chat-export' },
    });
    this.panel = h(
      'section',
      {
        className: 'history',
        id: 'arcee-history',
        hidden: true,
        ariaLabel: 'Chat history',
        dataset: { testid: 'chat-history' },
      },
      h('div', { className: 'history-head' }, h('span', { className: 'history-title' }, 'History'), exportButton),
      this.list,
    );
  }

  setModels(models: ModelOption[], current: string): void {
    const options = models.map((m) => h('option', { value: m.id, textContent: m.name || m.id, title: m.detail }));
    // The picked model stays selectable even when the catalogue does not list it (a custom server's id).
    if (current && !models.some((m) => m.id === current))
      options.unshift(h('option', { value: current, textContent: current }));
    this.select.replaceChildren(...options);
    this.select.value = current;
    this.select.title = models.find((m) => m.id === current)?.detail ?? current;
  }

  setCredits(credits: number | null): void {
    const text = formatCredits(credits);
    this.credits.textContent = text;
    this.credits.hidden = !text;
  }

  setHistory(history: ConversationSummary[], currentId: string): void {
    this.history = history;
    this.currentId = currentId;
    if (!this.panel.hidden) this.renderHistory();
  }

  showHistory(show: boolean): void {
    this.panel.hidden = !show;
    this.toggle.setAttribute('aria-expanded', String(show));
    this.toggle.classList.toggle('active', show);
    if (show) this.renderHistory();
  }

  private renderHistory(): void {
    const now = Date.now();
    if (!this.history.length) {
      this.list.replaceChildren(h('li', { className: 'history-empty' }, 'No saved chats yet.'));
      return;
    }
    this.list.replaceChildren(...this.history.map((c) => this.row(c, now)));
  }

  private row(c: ConversationSummary, now: number): HTMLLIElement {
    const li = h('li', { className: 'history-item', dataset: { testid: 'history-item', id: c.id } });
    if (c.id === this.currentId) li.setAttribute('aria-current', 'true');
    const title = c.title || 'Untitled chat';
    const open = button(
      '',
      `Open chat ${title}`,
      () => {
        this.showHistory(false);
        this.cb.open(c.id);
      },
      { className: 'history-open', dataset: { testid: 'history-open' } },
    );
    open.append(
      h('span', { className: 'history-name', textContent: title }),
      h('span', { className: 'history-meta' }, `${relativeTime(c.updatedAt, now)} · ${c.messageCount} messages`),
    );
    const rename = button('Rename', `Rename ${title}`, () => this.startRename(li, c), {
      className: 'icon-text',
      dataset: { testid: 'history-rename' },
    });
    const del = button('Delete', `Delete ${title}`, () => this.confirmDelete(li, c), {
      className: 'icon-text',
      dataset: { testid: 'history-delete' },
    });
    li.append(open, h('span', { className: 'history-actions' }, rename, del));
    return li;
  }

  private startRename(li: HTMLLIElement, c: ConversationSummary): void {
    const input = h('input', {
      type: 'text',
      className: 'rename-input',
      value: c.title,
      ariaLabel: 'New title',
      dataset: { testid: 'history-rename-input' },
    });
    let done = false;
    const finish = (save: boolean): void => {
      if (done) return;
      done = true;
      const title = input.value.trim();
      if (save && title && title !== c.title) {
        c.title = title;
        this.cb.rename(c.id, title);
      }
      this.renderHistory();
    };
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        e.preventDefault();
        finish(true);
      } else if (e.key === 'Escape') finish(false);
    });
    input.addEventListener('blur', () => finish(true));
    li.replaceChildren(input);
    input.focus();
    input.select();
  }

  private confirmDelete(li: HTMLLIElement, c: ConversationSummary): void {
    li.replaceChildren(
      h('span', { className: 'history-confirm', textContent: `Delete “${c.title || 'Untitled chat'}”?` }),
      h(
        'span',
        { className: 'history-actions' },
        button(
          'Delete',
          'Confirm delete',
          () => {
            this.history = this.history.filter((x) => x.id !== c.id);
            this.cb.remove(c.id);
            this.renderHistory();
          },
          { className: 'danger', dataset: { testid: 'history-delete-confirm' } },
        ),
        button('Cancel', 'Keep this chat', () => this.renderHistory(), {
          className: 'secondary',
          dataset: { testid: 'history-delete-cancel' },
        }),
      ),
    );
  }
}
