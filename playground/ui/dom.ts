// Building DOM nodes from data. Everything the user wrote (state values,
// process names, error messages) reaches the page as text nodes or attribute
// values, never as HTML, so no value can inject markup.
type Attrs = Record<string, string | number | boolean | undefined | ((event: Event) => void)>;
type Child = Node | string | null | undefined | false;

/** An element with attributes (`on<event>` ones become listeners) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  setAttrs(element, attrs);
  append(element, children);
  return element;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** The same for SVG elements (the timeline plot). */
export function s(tag: string, attrs: Attrs = {}, ...children: Child[]): SVGElement {
  const element = document.createElementNS(SVG_NS, tag) as SVGElement;
  setAttrs(element, attrs);
  append(element, children);
  return element;
}

function setAttrs(element: Element, attrs: Attrs): void {
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') element.addEventListener(key.slice(2), value);
    else element.setAttribute(key, value === true ? '' : String(value));
  }
}

function append(element: Element, children: Child[]): void {
  for (const child of children) if (child !== null && child !== undefined && child !== false) element.append(child);
}

/** The element with this id, which index.html must hold. */
export function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`playground: index.html has no #${id}`);
  return element as T;
}

/** A value as short readable text: JSON where it is JSON, else its String(). */
export function preview(value: unknown, max = 80): string {
  let text: string;
  if (value === undefined) text = 'undefined';
  else if (value instanceof Map) text = `Map(${value.size})`;
  else if (value instanceof Set) text = `Set(${value.size})`;
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      // Cycles and BigInts have no JSON; their String() still says what they are.
      text = String(value);
    }
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
