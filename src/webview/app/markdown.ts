/**
 * Model output → safe DOM. markdown-it with raw HTML off, then DOMPurify (HTML profile only, no forms,
 * frames, objects or styles; links only http/https/mailto), then highlight.js on code blocks. Images from
 * the web are never loaded (a URL in an image is a way to send data out); they become links.
 */
import MarkdownIt from 'markdown-it';
import DOMPurify from 'dompurify';
import hljs from 'highlight.js/lib/common';
import { h } from './dom';

const md = new MarkdownIt({ html: false, linkify: true, typographer: false, breaks: false, langPrefix: 'language-' });

const SAFE_HREF = /^(?:https?:|mailto:)/i;
const SAFE_IMG = /^data:image\/(?:png|jpeg|gif|webp);base64,[a-z0-9+/=\s]+$/i;
/** Auto-detecting a language runs every grammar: only for short blocks. */
const AUTO_DETECT_MAX = 2000;
/** Above this, code is shown plain (highlighting it would cost more than it helps). */
const HIGHLIGHT_MAX = 100_000;

const PURIFY = {
  USE_PROFILES: { html: true },
  FORBID_TAGS: [
    'style',
    'form',
    'input',
    'button',
    'textarea',
    'select',
    'option',
    'iframe',
    'frame',
    'object',
    'embed',
    'link',
    'meta',
    'base',
    'svg',
    'math',
    'audio',
    'video',
    'source',
  ],
  FORBID_ATTR: ['style', 'srcset', 'action', 'formaction'],
  ALLOW_DATA_ATTR: false,
  RETURN_DOM_FRAGMENT: true as const,
};

DOMPurify.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName === 'A') {
    const href = node.getAttribute('href');
    if (href === null || !SAFE_HREF.test(href.trim())) node.removeAttribute('href');
    else node.setAttribute('title', href);
    node.removeAttribute('target');
  }
});

/** What a code block's buttons act on, kept beside the element rather than in attributes. */
export interface CodeInfo {
  code: string;
  language: string;
}

const codeInfo = new WeakMap<Element, CodeInfo>();

/** The code and language of the block that `el` is inside, if any. */
export function codeInfoFor(el: Element): CodeInfo | undefined {
  const block = el.closest('.code-block');
  return block ? codeInfo.get(block) : undefined;
}

/**
 * Renders `text` as markdown into a sanitized fragment. `closed` says the text is a finished block: its
 * code blocks get their buttons and may be auto-detected. An open tail gets neither.
 */
export function renderMarkdown(text: string, closed: boolean): DocumentFragment {
  const fragment = DOMPurify.sanitize(md.render(text), PURIFY);
  for (const img of Array.from(fragment.querySelectorAll('img'))) replaceImage(img);
  for (const pre of Array.from(fragment.querySelectorAll('pre'))) decorateCode(pre, closed);
  return fragment;
}

function replaceImage(img: HTMLImageElement): void {
  const src = img.getAttribute('src') ?? '';
  if (SAFE_IMG.test(src)) {
    img.loading = 'lazy';
    return;
  }
  const alt = img.getAttribute('alt') || 'image';
  if (/^https:/i.test(src)) {
    const link = h('a', { href: src, title: src, className: 'image-link' }, `Image: ${alt}`);
    img.replaceWith(link);
  } else {
    img.replaceWith(document.createTextNode(`[${alt}]`));
  }
}

function decorateCode(pre: HTMLPreElement, closed: boolean): void {
  const codeEl = pre.querySelector('code');
  if (!codeEl) return;
  const raw = codeEl.textContent ?? '';
  const code = raw.endsWith('\n') ? raw.slice(0, -1) : raw;
  const declared = /(?:^|\s)language-([\w+#.-]+)/.exec(codeEl.className)?.[1] ?? '';
  let language = declared;
  if (raw.length <= HIGHLIGHT_MAX) {
    if (declared && hljs.getLanguage(declared)) {
      codeEl.innerHTML = hljs.highlight(raw, { language: declared, ignoreIllegals: true }).value;
    } else if (!declared && closed && raw.length <= AUTO_DETECT_MAX && raw.trim()) {
      const auto = hljs.highlightAuto(raw);
      if (auto.language && auto.relevance >= 5) {
        codeEl.innerHTML = auto.value;
        language = auto.language;
      }
    }
  }
  codeEl.classList.add('hljs');
  const label = h('span', { className: 'code-lang' }, language || 'text');
  const bar = h('div', { className: 'code-bar' }, label);
  const block = h('div', { className: 'code-block' }, bar);
  if (closed) {
    bar.append(
      codeButton('copy', 'Copy', 'Copy code'),
      codeButton('insert', 'Insert', 'Insert at cursor'),
      codeButton('apply', 'Apply', 'Apply to selection'),
      codeButton('newFile', 'New File', 'Open in a new file'),
    );
    codeInfo.set(block, { code, language });
  } else {
    block.classList.add('open');
  }
  pre.replaceWith(block);
  block.append(pre);
}

function codeButton(action: string, label: string, aria: string): HTMLButtonElement {
  const testId = action === 'newFile' ? 'code-new-file' : `code-${action}`;
  return h(
    'button',
    {
      type: 'button',
      className: 'code-button',
      ariaLabel: aria,
      title: aria,
      dataset: { codeAction: action, testid: testId },
    },
    label,
  );
}
