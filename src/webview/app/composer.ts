/** The input area: the prompt, context chips, image attachments, notices, and Send / Stop. */
import type { ContextChip, ImageAttachment, ModelOption } from '../protocol';
import { button, h } from './dom';
import { baseName, chipLabel } from './format';

export interface ComposerCallbacks {
  send(text: string, context: ContextChip[], images: ImageAttachment[]): void;
  stop(): void;
  removeChip(id: string): void;
  /** The picked model, when the list knows it. */
  model(): ModelOption | undefined;
  models(): ModelOption[];
  draftChanged(draft: string): void;
}

/** Larger images are refused: they would be sent with every later request of the conversation. */
const MAX_IMAGE_BYTES = 8 * 1024 * 1024;
const DATA_URL = /^data:image\/[\w.+-]+;base64,/;
const MAX_NOTICES = 3;

let imageCounter = 0;

export class Composer {
  readonly el: HTMLDivElement;
  readonly input: HTMLTextAreaElement;
  private chipsEl: HTMLDivElement;
  private imagesEl: HTMLDivElement;
  private noticesEl: HTMLDivElement;
  private sendButton: HTMLButtonElement;
  private stopButton: HTMLButtonElement;
  private fileInput: HTMLInputElement;
  private spacer: HTMLSpanElement;
  private chips: ContextChip[] = [];
  private images: ImageAttachment[] = [];
  private streaming = false;
  /** Position in `prompts` while recalling with ArrowUp/ArrowDown; -1 when not recalling. */
  private recall = -1;

  constructor(
    private readonly cb: ComposerCallbacks,
    private prompts: string[],
  ) {
    this.noticesEl = h('div', { className: 'notices', ariaLive: 'polite', dataset: { testid: 'chat-notices' } });
    this.chipsEl = h('div', { className: 'chips', dataset: { testid: 'chat-chips' } });
    this.imagesEl = h('div', { className: 'attachments', dataset: { testid: 'chat-images' } });
    this.input = h('textarea', {
      className: 'input',
      rows: 1,
      placeholder: 'Ask Arcee… (Enter to send, Shift+Enter for a new line)',
      ariaLabel: 'Message',
      dataset: { testid: 'chat-input' },
    });
    this.fileInput = h('input', {
      type: 'file',
      accept: 'image/*',
      multiple: true,
      hidden: true,
      dataset: { testid: 'chat-image-file' },
    });
    const attach = button('+ Image', 'Attach an image', () => this.fileInput.click(), {
      className: 'secondary',
      dataset: { testid: 'chat-attach' },
    });
    this.sendButton = button('Send', 'Send message', () => this.submit(), {
      className: 'primary',
      dataset: { testid: 'chat-send' },
    });
    this.stopButton = button('■ Stop', 'Stop generating', () => this.cb.stop(), {
      className: 'stop',
      hidden: true,
      dataset: { testid: 'chat-stop' },
    });
    this.spacer = h('span', { className: 'spacer' });
    const bar = h(
      'div',
      { className: 'composer-bar' },
      attach,
      this.fileInput,
      this.spacer,
      this.sendButton,
      this.stopButton,
    );
    const box = h('div', { className: 'composer-box' }, this.chipsEl, this.imagesEl, this.input, bar);
    this.el = h('div', { className: 'composer' }, this.noticesEl, box);
    this.wire(box);
  }

  private wire(box: HTMLElement): void {
    this.input.addEventListener('keydown', (e) => this.onKey(e));
    this.input.addEventListener('input', () => {
      this.recall = -1;
      this.autosize();
      this.cb.draftChanged(this.input.value);
    });
    this.input.addEventListener('paste', (e) => {
      const files = Array.from(e.clipboardData?.files ?? []).filter((f) => f.type.startsWith('image/'));
      if (files.length) {
        e.preventDefault();
        this.attachFiles(files);
      }
    });
    this.fileInput.addEventListener('change', () => {
      this.attachFiles(Array.from(this.fileInput.files ?? []));
      this.fileInput.value = '';
    });
    box.addEventListener('dragover', (e) => {
      if (e.dataTransfer?.types.includes('Files')) {
        e.preventDefault();
        box.classList.add('drop');
      }
    });
    box.addEventListener('dragleave', () => box.classList.remove('drop'));
    box.addEventListener('drop', (e) => {
      box.classList.remove('drop');
      const files = Array.from(e.dataTransfer?.files ?? []);
      if (files.length) {
        e.preventDefault();
        this.attachFiles(files);
      }
    });
  }

  private onKey(e: KeyboardEvent): void {
    if (e.isComposing) return;
    if (e.key === 'Enter' && !e.shiftKey && !e.altKey && !e.ctrlKey && !e.metaKey) {
      e.preventDefault();
      this.submit();
    } else if (e.key === 'ArrowUp' && (this.input.value === '' || this.recall >= 0) && this.prompts.length) {
      e.preventDefault();
      this.recall = this.recall < 0 ? this.prompts.length - 1 : Math.max(0, this.recall - 1);
      this.setText(this.prompts[this.recall]);
    } else if (e.key === 'ArrowDown' && this.recall >= 0) {
      e.preventDefault();
      this.recall += 1;
      if (this.recall >= this.prompts.length) {
        this.recall = -1;
        this.setText('');
      } else this.setText(this.prompts[this.recall]);
    }
  }

  private setText(text: string): void {
    this.input.value = text;
    this.input.setSelectionRange(text.length, text.length);
    this.autosize();
    this.cb.draftChanged(text);
  }

  private submit(): void {
    const text = this.input.value.trim();
    if (this.streaming) {
      this.notice('info', 'An answer is still coming: wait for it, or press Stop.');
      return;
    }
    if (!text && !this.images.length) return;
    this.cb.send(text, [...this.chips], [...this.images]);
    if (text && this.prompts[this.prompts.length - 1] !== text) this.prompts.push(text);
    this.recall = -1;
    this.chips = [];
    this.images = [];
    this.renderChips();
    this.renderImages();
    this.noticesEl.replaceChildren();
    this.setText('');
  }

  get sentPrompts(): string[] {
    return this.prompts;
  }

  /** Adds a control (such as a toggle) to the bar, after the ones already there on the left. */
  addControl(el: HTMLElement): void {
    this.spacer.before(el);
  }

  setDraft(draft: string): void {
    this.input.value = draft;
    this.autosize();
  }

  setStreaming(streaming: boolean): void {
    this.streaming = streaming;
    this.sendButton.hidden = streaming;
    this.stopButton.hidden = !streaming;
  }

  setChips(chips: ContextChip[]): void {
    this.chips = [...chips];
    this.renderChips();
  }

  addChip(chip: ContextChip): void {
    this.chips = this.chips.filter((c) => c.id !== chip.id).concat(chip);
    this.renderChips();
  }

  focus(): void {
    this.input.focus();
  }

  notice(level: 'info' | 'warning' | 'error', message: string): void {
    const n = h('div', {
      className: `notice notice-${level}`,
      role: level === 'error' ? 'alert' : 'status',
      dataset: { testid: 'chat-notice', level },
    });
    n.append(
      h('span', { className: 'notice-text', textContent: message }),
      button('×', 'Dismiss', () => n.remove(), { className: 'icon' }),
    );
    this.noticesEl.append(n);
    while (this.noticesEl.childElementCount > MAX_NOTICES) this.noticesEl.firstElementChild?.remove();
  }

  private renderChips(): void {
    this.chipsEl.replaceChildren(
      ...this.chips.map((c) =>
        h(
          'span',
          {
            className: 'chip',
            title: `${c.path}:${c.startLine}-${c.endLine}`,
            dataset: { testid: 'context-chip', id: c.id },
          },
          h('span', { className: 'chip-name' }, chipLabel(c)),
          c.language ? h('span', { className: 'chip-lang' }, c.language) : '',
          button(
            '×',
            `Remove ${baseName(c.path)} from the context`,
            () => {
              this.chips = this.chips.filter((x) => x.id !== c.id);
              this.renderChips();
              this.cb.removeChip(c.id);
            },
            { className: 'icon', dataset: { testid: 'context-chip-remove' } },
          ),
        ),
      ),
    );
  }

  private renderImages(): void {
    this.imagesEl.replaceChildren(
      ...this.images.map((img) =>
        h(
          'span',
          { className: 'attachment', dataset: { testid: 'image-attachment', id: img.id } },
          h('img', { className: 'thumb', src: img.dataUrl, alt: img.name, title: img.name }),
          button(
            '×',
            `Remove image ${img.name}`,
            () => {
              this.images = this.images.filter((x) => x.id !== img.id);
              this.renderImages();
            },
            { className: 'icon', dataset: { testid: 'image-remove' } },
          ),
        ),
      ),
    );
  }

  /** Reads image files as data URLs, unless the picked model cannot see images. */
  attachFiles(files: File[]): void {
    const images = files.filter((f) => f.type.startsWith('image/'));
    if (!images.length) {
      if (files.length) this.notice('warning', 'Only images can be attached.');
      return;
    }
    const model = this.cb.model();
    if (model && !model.supportsImages) {
      const able = this.cb
        .models()
        .filter((m) => m.supportsImages)
        .map((m) => m.name || m.id);
      const hint = able.length
        ? `choose a model that does, e.g. ${able.slice(0, 2).join(' or ')}`
        : 'none of the available models does';
      this.notice('warning', `${model.name || model.id} does not accept images; ${hint}.`);
      return;
    }
    for (const file of images) {
      if (file.size > MAX_IMAGE_BYTES) {
        this.notice(
          'warning',
          `${file.name} is larger than ${MAX_IMAGE_BYTES / 1024 / 1024} MB; attach a smaller image.`,
        );
        continue;
      }
      const reader = new FileReader();
      reader.addEventListener('load', () => {
        const dataUrl = typeof reader.result === 'string' ? reader.result : '';
        if (!DATA_URL.test(dataUrl)) {
          this.notice('warning', `${file.name} could not be read as an image.`);
          return;
        }
        imageCounter += 1;
        this.images.push({
          id: `img-${Date.now().toString(36)}-${imageCounter}`,
          name: file.name || 'pasted image',
          mime: file.type,
          dataUrl,
        });
        this.renderImages();
      });
      reader.readAsDataURL(file);
    }
  }

  private autosize(): void {
    // CSSOM writes are allowed under the CSP (only style attributes in markup are not).
    this.input.style.height = 'auto';
    this.input.style.height = `${Math.min(this.input.scrollHeight, 240)}px`;
  }
}
