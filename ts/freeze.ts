/**
 * Freezing committed data (strict mode). The initial state is frozen once;
 * after that a commit freezes only what it created: the copied containers
 * along each patch path and the values the patches put there, stopping at
 * anything already frozen. So a commit costs O(changed paths), never
 * O(state size). HEAVY data (ArrayBuffer and its views) is never frozen.
 */
import type { Patches } from './patch.ts';

const isHeavy = (value: object): boolean => ArrayBuffer.isView(value) || value instanceof ArrayBuffer;

/** What a frozen Map, Set or Date throws when a mutator is called on it. */
export class FrozenCollectionError extends TypeError {}

// A method, not a function declaration: it has no `prototype`, so drafts
// do not take it for a constructor (see draft.ts).
const { refuse } = {
  refuse(this: object): never {
    throw new FrozenCollectionError(`Cannot modify a frozen ${this instanceof Map ? 'Map' : this instanceof Set ? 'Set' : 'Date'}: committed state is read-only`);
  },
};

const refusing = (names: string[]): PropertyDescriptorMap => Object.fromEntries(names.map((name) => [name, { value: refuse }]));

// Object.freeze cannot reach a Map's, Set's or Date's inner data: their own
// mutators are replaced instead. (JavaScript offers no way to stop a
// deliberate Map.prototype.set.call(map, ...) on one; see README "Known limits".)
const MAP_MUTATORS = refusing(['set', 'delete', 'clear']);
const SET_MUTATORS = refusing(['add', 'delete', 'clear']);
const DATE_MUTATORS = refusing(Object.getOwnPropertyNames(Date.prototype).filter((name) => name.startsWith('set')));

/** Freezes one container; Map, Set and Date also lose their mutators. */
function freezeOne(value: object): void {
  if (value instanceof Map) Object.defineProperties(value, MAP_MUTATORS);
  else if (value instanceof Set) Object.defineProperties(value, SET_MUTATORS);
  else if (value instanceof Date) Object.defineProperties(value, DATE_MUTATORS);
  Object.freeze(value);
}

export function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null) return;
  // A list, not recursion: state may nest deeper than the call stack goes.
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const node = pending.pop();
    if (typeof node !== 'object' || node === null || Object.isFrozen(node) || isHeavy(node)) continue;
    freezeOne(node);
    if (node instanceof Map) for (const [k, v] of node) pending.push(k, v);
    else if (node instanceof Set) for (const v of node) pending.push(v);
    else {
      for (const key of Reflect.ownKeys(node)) {
        const descriptor = Reflect.getOwnPropertyDescriptor(node, key);
        if (descriptor && 'value' in descriptor) pending.push(descriptor.value);
      }
    }
  }
}

/** Freezes what a commit created in `root`, following its patches. */
export function freezeChanged(root: object, patches: Patches): void {
  // Containers met on an earlier patch's path are not asked again: asking
  // whether a frozen object is frozen walks all its keys (74 µs for 10,000).
  const met = patches.length > 1 ? new Set<object>() : undefined;
  for (const patch of patches) {
    let node: unknown = root;
    for (const key of patch.path as unknown[]) {
      if (typeof node !== 'object' || node === null || isHeavy(node)) break;
      if (node instanceof Set) {
        deepFreeze(node);
        break;
      }
      if (!met?.has(node)) {
        met?.add(node);
        if (!Object.isFrozen(node)) freezeOne(node);
      }
      node = node instanceof Map ? node.get(key) : (node as Record<PropertyKey, unknown>)[key as PropertyKey];
    }
    deepFreeze(node);
  }
}
