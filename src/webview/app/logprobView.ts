/**
 * Token-probability shading of a rendered answer: wraps runs of its text nodes in spans (built as DOM nodes,
 * after markdown rendering and sanitising, so code blocks, links and highlighting stay as they are), one
 * tooltip that shows a token's probability and the alternatives on hover or with the arrow keys, and the
 * line under the answer (a legend, or a note that the model sent no probabilities).
 */
import type { ChatMessageView, TokenLogprobView } from '../protocol';
import { h } from './dom';
import { probability, runsOf, SHADE_BUCKETS, shadeBucket, tokenDetails, tokenIndexPerChar } from './logprobMath';

const TOKEN_SELECTOR = '[data-testid="logprob-token"]';
/** Text under these is not part of the answer (code block bars and their buttons). */
const SKIP_SELECTOR = '.code-bar, button';

interface Shaded {
  tokens: TokenLogprobView[];
  active: HTMLElement | null;
  /** Bumped by every pass: a pass still wrapping nodes stops when a newer one starts. */
  pass: number;
}

const shaded = new WeakMap<HTMLElement, Shaded>();

/** A pass wraps nodes for at most this long before giving the event loop back (a long task is 50 ms). */
const SLICE_MS = 8;

interface DebugWindow {
  /** Per finished pass: its total milliseconds of work and its longest slice, for the benchmark (bounded). */
  __arceeShadeTimes?: { totalMs: number; longestSliceMs: number; spans: number }[];
}

/**
 * Shades the answer rendered in `body` by the probabilities of `tokens` (undoing an earlier pass first).
 * Aligns at once, then wraps text nodes in slices of a few milliseconds, so a long answer never makes a long
 * task; `data-logprobs="shaded"` on `body` says it has finished. Text that does not line up stays as it was.
 */
export function shadeTokens(body: HTMLElement, content: string, tokens: TokenLogprobView[]): void {
  const started = performance.now();
  let state = shaded.get(body);
  if (!state) {
    state = { tokens, active: null, pass: 0 };
    shaded.set(body, state);
    wire(body);
  }
  const pass = ++state.pass;
  state.tokens = tokens;
  body.dataset.logprobs = 'shading';
  unshade(body);
  const nodes = textNodes(body);
  const rendered = nodes.map((n) => n.data).join('');
  const map = tokenIndexPerChar(
    tokens.map((t) => t.token),
    content,
    rendered,
  );
  const offsets: number[] = [];
  nodes.reduce((at, n) => (offsets.push(at), at + n.data.length), 0);
  let next = 0;
  let spans = 0;
  let totalMs = 0;
  let longestSliceMs = 0;
  const slice = (sliceStart: number): void => {
    if (shaded.get(body)?.pass !== pass) return;
    const deadline = sliceStart + SLICE_MS;
    while (next < nodes.length && performance.now() < deadline) {
      spans += wrap(nodes[next], offsets[next], map, tokens);
      next += 1;
    }
    const took = performance.now() - sliceStart;
    totalMs += took;
    longestSliceMs = Math.max(longestSliceMs, took);
    if (next < nodes.length) {
      setTimeout(() => slice(performance.now()), 0);
      return;
    }
    body.tabIndex = spans ? 0 : -1;
    body.classList.toggle('lp-shaded', spans > 0);
    body.dataset.logprobs = 'shaded';
    const times = ((window as unknown as DebugWindow).__arceeShadeTimes ??= []);
    times.push({ totalMs, longestSliceMs, spans });
    if (times.length > 1000) times.shift();
  };
  slice(started);
}

/** Wraps the runs of one text node that belong to a token in spans; returns how many. */
function wrap(node: Text, offset: number, map: Int32Array, tokens: TokenLogprobView[]): number {
  const text = node.data;
  // Rendering may have replaced the node since the pass started.
  if (!node.parentNode) return 0;
  const runs = runsOf(map, text, offset, offset + text.length);
  if (runs.every((r) => r.token < 0)) return 0;
  const fragment = document.createDocumentFragment();
  let spans = 0;
  for (const r of runs) {
    const piece = text.slice(r.start, r.end);
    if (r.token < 0 || !/\S/.test(piece)) {
      fragment.append(piece);
      continue;
    }
    const p = probability(tokens[r.token].logprob);
    const span = document.createElement('span');
    span.className = 'lp';
    span.dataset.testid = 'logprob-token';
    span.dataset.i = String(r.token);
    span.dataset.p = p.toFixed(4);
    span.dataset.b = String(shadeBucket(p));
    span.textContent = piece;
    fragment.append(span);
    spans += 1;
  }
  node.replaceWith(fragment);
  return spans;
}

function unshade(body: HTMLElement): void {
  const spans = body.querySelectorAll(TOKEN_SELECTOR);
  if (!spans.length) return;
  for (const s of Array.from(spans)) s.replaceWith(...Array.from(s.childNodes));
  body.normalize();
  hideTooltip();
}

function textNodes(root: HTMLElement): Text[] {
  const out: Text[] = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT, {
    acceptNode: (n) =>
      n.nodeType === Node.TEXT_NODE
        ? NodeFilter.FILTER_ACCEPT
        : (n as Element).matches(SKIP_SELECTOR)
          ? NodeFilter.FILTER_REJECT
          : NodeFilter.FILTER_SKIP,
  });
  for (let n = walker.nextNode(); n; n = walker.nextNode()) out.push(n as Text);
  return out;
}

function wire(body: HTMLElement): void {
  body.addEventListener('mouseover', (e) => {
    const span = tokenSpan(e.target);
    if (span) show(body, span, false);
  });
  // The tooltip takes no pointer events (chat.css), so leaving a token always hides it.
  body.addEventListener('mouseout', (e) => {
    if (tokenSpan(e.target)) hide(body);
  });
  body.addEventListener('keydown', (e) => {
    if (e.target !== body) return;
    const state = shaded.get(body);
    if (!state) return;
    if (e.key === 'Escape') {
      hide(body);
      return;
    }
    const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (!step) return;
    e.preventDefault();
    const spans = Array.from(body.querySelectorAll<HTMLElement>(TOKEN_SELECTOR));
    const at = state.active ? spans.indexOf(state.active) : -1;
    const next = spans[at < 0 ? (step > 0 ? 0 : spans.length - 1) : Math.min(spans.length - 1, Math.max(0, at + step))];
    if (next) show(body, next, true);
  });
  body.addEventListener('blur', () => hide(body));
}

function tokenSpan(target: EventTarget | null): HTMLElement | null {
  return target instanceof Element ? target.closest<HTMLElement>(TOKEN_SELECTOR) : null;
}

let tooltip: HTMLDivElement | null = null;

function tooltipEl(): HTMLDivElement {
  if (!tooltip || !tooltip.isConnected) {
    tooltip = h('div', {
      className: 'lp-tooltip',
      id: 'logprob-tooltip',
      role: 'tooltip',
      hidden: true,
      dataset: { testid: 'logprob-tooltip' },
    });
    document.body.append(tooltip);
    // Scrolling moves the token away from the tooltip.
    document.addEventListener('scroll', hideTooltip, true);
  }
  return tooltip;
}

function show(body: HTMLElement, span: HTMLElement, keyboard: boolean): void {
  const state = shaded.get(body);
  const token = state?.tokens[Number(span.dataset.i)];
  if (!state || !token) return;
  state.active?.classList.remove('lp-active');
  state.active?.removeAttribute('aria-describedby');
  state.active = span;
  span.classList.add('lp-active');
  span.setAttribute('aria-describedby', 'logprob-tooltip');
  const d = tokenDetails(token);
  const tip = tooltipEl();
  tip.replaceChildren(
    h(
      'div',
      { className: 'lp-tip-head' },
      h('code', { className: 'lp-tip-token' }, d.token),
      h('span', { className: 'lp-tip-p' }, d.percent),
    ),
    d.alternatives.length
      ? h(
          'ol',
          { className: 'lp-tip-alts', ariaLabel: 'Top alternatives' },
          ...d.alternatives.map((a) => {
            const bar = h('span', { className: 'lp-tip-bar' });
            bar.style.width = `${Math.max(2, Math.round(a.p * 100))}%`;
            return h(
              'li',
              { className: a.chosen ? 'chosen' : '', dataset: { testid: 'logprob-alternative' } },
              h('code', { className: 'lp-tip-alt' }, a.token),
              h('span', { className: 'lp-tip-track' }, bar),
              h('span', { className: 'lp-tip-p' }, a.percent),
            );
          }),
        )
      : h('div', { className: 'lp-tip-none' }, 'No alternatives were returned.'),
  );
  tip.hidden = false;
  place(tip, span);
  if (keyboard) span.scrollIntoView({ block: 'nearest' });
}

/** Below the token (above it when there is no room), kept inside the window. */
function place(tip: HTMLElement, span: HTMLElement): void {
  const r = span.getBoundingClientRect();
  const t = tip.getBoundingClientRect();
  const margin = 4;
  const left = Math.max(margin, Math.min(r.left, window.innerWidth - t.width - margin));
  const below = r.bottom + margin;
  const top =
    below + t.height > window.innerHeight && r.top - t.height - margin > 0 ? r.top - t.height - margin : below;
  tip.style.left = `${left}px`;
  tip.style.top = `${top}px`;
}

function hide(body: HTMLElement): void {
  const state = shaded.get(body);
  state?.active?.classList.remove('lp-active');
  state?.active?.removeAttribute('aria-describedby');
  if (state) state.active = null;
  hideTooltip();
}

function hideTooltip(): void {
  if (tooltip) tooltip.hidden = true;
}

/** The line under an answer: a legend when it is shaded, a note when the model sent no probabilities. */
export function logprobFoot(m: ChatMessageView): HTMLElement | '' {
  if (!m.logprobs || m.state === 'streaming') return '';
  if (!m.logprobs.length) {
    return m.state === 'done' && m.content
      ? h(
          'span',
          { className: 'lp-note', dataset: { testid: 'logprob-none' } },
          'This model returned no token probabilities.',
        )
      : '';
  }
  const swatches = Array.from({ length: SHADE_BUCKETS - 1 }, (_, i) =>
    h('span', { className: 'lp lp-swatch', dataset: { b: String(i + 1) } }),
  );
  return h(
    'span',
    {
      className: 'lp-legend',
      title:
        'Each token is shaded by how likely the model found it: the darker, the less likely. Hover a token, or focus the answer and use ← →, to see the alternatives.',
      dataset: { testid: 'logprob-legend' },
    },
    'likely ',
    ...swatches,
    ' unlikely',
  );
}
