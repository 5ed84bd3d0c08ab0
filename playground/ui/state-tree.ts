// The state as a collapsible tree (<details> per object), with the paths a
// commit changed highlighted: `changed` on the changed node and all beneath
// it, `has-change` on its ancestors, so a change deep in a folded branch
// still shows on the fold.
import { h, preview } from './dom.ts';

export class StateTree {
  /** Paths the user folded, kept across renders (a new commit re-renders the tree). */
  private readonly folded = new Set<string>();

  constructor(private readonly container: HTMLElement) {}

  render(state: unknown, changedPaths: readonly string[]): void {
    // An array shrinking changes `items.length`: that is a change of `items`.
    const changed = changedPaths.map((path) => path.replace(/\.length$/, ''));
    const root = h('div', { class: 'tree' });
    if (state && typeof state === 'object') for (const [key, value] of entries(state)) root.append(this.node(key, key, value, changed));
    else root.append(h('span', { class: 'empty' }, preview(state)));
    this.container.replaceChildren(root);
  }

  private node(key: string, path: string, value: unknown, changed: readonly string[]): HTMLElement {
    const mark = changeMark(path, changed);
    if (value && typeof value === 'object' && !(value instanceof Date)) {
      const children = entries(value);
      const details = h(
        'details',
        { class: `branch ${mark}`, 'data-path': path, open: !this.folded.has(path) },
        h('summary', {}, h('span', { class: 'key' }, key), ' ', h('span', { class: 'shape' }, shape(value, children.length))),
      );
      details.addEventListener('toggle', () => (details.open ? this.folded.delete(path) : this.folded.add(path)));
      for (const [childKey, child] of children) details.append(this.node(childKey, `${path}.${childKey}`, child, changed));
      return details;
    }
    return h('div', { class: `leaf ${mark}`, 'data-path': path }, h('span', { class: 'key' }, key), ': ', h('span', { class: `value ${typeof value}` }, preview(value, 120)));
  }
}

function entries(value: object): [string, unknown][] {
  if (value instanceof Map) return [...value].map(([key, item]) => [String(key), item]);
  if (value instanceof Set) return [...value].map((item, index) => [String(index), item]);
  return Object.entries(value);
}

function shape(value: object, size: number): string {
  if (Array.isArray(value)) return `[${size}]`;
  if (value instanceof Map) return `Map(${size})`;
  if (value instanceof Set) return `Set(${size})`;
  return `{${size}}`;
}

function changeMark(path: string, changed: readonly string[]): string {
  if (changed.some((c) => path === c || path.startsWith(`${c}.`))) return 'changed';
  if (changed.some((c) => c.startsWith(`${path}.`))) return 'has-change';
  return '';
}
