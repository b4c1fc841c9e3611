/** A small element builder: properties are set through the DOM (never markup), children as nodes or text. */

type Props<K extends keyof HTMLElementTagNameMap> = Partial<Omit<HTMLElementTagNameMap[K], 'dataset' | 'style'>> & {
  dataset?: Record<string, string>;
  attrs?: Record<string, string>;
};

export type Child = Node | string | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props?: Props<K>,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props) {
    const { dataset, attrs, ...rest } = props;
    Object.assign(el, rest);
    if (dataset) for (const [k, v] of Object.entries(dataset)) el.dataset[k] = v;
    if (attrs) for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  }
  append(el, ...children);
  return el;
}

export function append(parent: Element, ...children: Child[]): void {
  for (const c of children) if (c !== null && c !== undefined && c !== false) parent.append(c);
}

/** A button that always has an accessible name. */
export function button(
  label: string,
  aria: string,
  onClick: (e: MouseEvent) => void,
  props?: Props<'button'>,
): HTMLButtonElement {
  const b = h('button', { type: 'button', ariaLabel: aria, title: aria, ...props }, label);
  b.addEventListener('click', onClick);
  return b;
}
