/**
 * theus/react: an engine's committed state in React components.
 *
 * Committed state is immutable and structurally shared, so a selection is
 * recomputed only when the state object changes, and a component renders
 * again only when what it selected is not `isEqual` to what it rendered
 * with: a commit elsewhere in the state costs one selector call, not a
 * render. Built on React's own `useSyncExternalStore` (no tearing under
 * concurrent rendering; the same selection on the server).
 *
 * @packageDocumentation
 */
import { useEffect, useMemo, useRef, useSyncExternalStore } from 'react';
import type { Context, State, TheusEngine } from './engine.ts';
import { checkEngineShape } from './engine-shape.ts';

/**
 * The part of `engine`'s committed state that `selector` picks, kept up to
 * date: the component renders again after a commit only if the new
 * selection is not `isEqual` (default `Object.is`) to the previous one.
 * On the server (`renderToString`, streaming), it selects from the engine's
 * current state.
 *
 * @throws TypeError when `engine` is not a TheusEngine, or `selector` or `isEqual` is not a function.
 * @example
 * ```tsx
 * import { useTheus, shallowEqual } from 'theus/react';
 *
 * function Cart({ engine }: { engine: TheusEngine<Shop> }) {
 *   const total = useTheus(engine, (s) => s.domain_ctx.total_value);
 *   const { count, last } = useTheus(engine, (s) => ({ count: s.domain_ctx.items.length, last: s.domain_ctx.items.at(-1) }), shallowEqual);
 *   return <p>{count} items, {total} in all (last: {last?.name})</p>;
 * }
 * ```
 */
export function useTheus<C extends Context, T>(engine: TheusEngine<C>, selector: (state: State<C>) => T, isEqual: (a: T, b: T) => boolean = Object.is): T {
  checkArguments(engine, selector, isEqual);
  // What this component last rendered with: a new selection equal to it is
  // replaced by it, so that the component does not render again.
  const rendered = useRef<{ value: T } | null>(null);
  const subscribe = useMemo(() => (onCommit: () => void) => engine.subscribe(onCommit), [engine]);
  const select = useMemo(() => {
    let memo: { state: State<C>; value: T } | undefined;
    return (): T => {
      const state = engine.state;
      if (memo?.state === state) return memo.value;
      const next = selector(state);
      const previous = memo ?? rendered.current;
      const value = previous && isEqual(previous.value, next) ? previous.value : next;
      memo = { state, value };
      return value;
    };
  }, [engine, selector, isEqual]);
  const value = useSyncExternalStore(subscribe, select, select);
  useEffect(() => {
    rendered.current = { value };
  }, [value]);
  return value;
}

/**
 * Whether two values are equal key by key (objects, arrays, Maps, Sets),
 * each key's values compared with `Object.is`: the `isEqual` for a selector
 * that returns a new object or array each time.
 *
 * @example
 * ```ts
 * const { count, total } = useTheus(engine, (s) => ({ count: s.domain_ctx.items.length, total: s.domain_ctx.total_value }), shallowEqual);
 * ```
 */
export function shallowEqual<T>(a: T, b: T): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (a instanceof Map) {
    const other = b as unknown as Map<unknown, unknown>;
    return a.size === other.size && [...a].every(([key, value]) => other.has(key) && Object.is(value, other.get(key)));
  }
  if (a instanceof Set) {
    const other = b as unknown as Set<unknown>;
    return a.size === other.size && [...a].every((member) => other.has(member));
  }
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && Object.is((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}

function checkArguments(engine: unknown, selector: unknown, isEqual: unknown): void {
  checkEngineShape(engine, 'useTheus(engine, selector)', ['subscribe']);
  if (typeof selector !== 'function') throw new TypeError(`useTheus(engine, selector): selector must be a function of the state, got ${typeof selector}`);
  if (typeof isEqual !== 'function') throw new TypeError(`useTheus(engine, selector, isEqual): isEqual must be a function, got ${typeof isEqual}`);
}
