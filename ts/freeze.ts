/**
 * Freezing committed data (strict mode). The initial state is frozen once;
 * after that a commit freezes only what it created: the copied containers
 * along each patch path and the values the patches put there, stopping at
 * anything already frozen. So a commit costs O(changed paths), never
 * O(state size). HEAVY data (ArrayBuffer and its views) is never frozen.
 */
import type { Patches } from 'mutative';

const isHeavy = (value: object): boolean => ArrayBuffer.isView(value) || value instanceof ArrayBuffer;

/** What a frozen Map or Set throws when a mutator is called on it. */
export class FrozenCollectionError extends TypeError {}

// A method, not a function declaration: it has no `prototype`, so drafts
// do not take it for a constructor (see draft.ts).
const { refuse } = {
  refuse(this: Map<unknown, unknown> | Set<unknown>): never {
    throw new FrozenCollectionError(`Cannot modify a frozen ${this instanceof Map ? 'Map' : 'Set'}: committed state is read-only`);
  },
};

/** Freezes one container; Map and Set also lose their mutators. */
function freezeOne(value: object): void {
  if (value instanceof Map) {
    Object.defineProperties(value, { set: { value: refuse }, delete: { value: refuse }, clear: { value: refuse } });
  } else if (value instanceof Set) {
    Object.defineProperties(value, { add: { value: refuse }, delete: { value: refuse }, clear: { value: refuse } });
  }
  Object.freeze(value);
}

export function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value) || isHeavy(value)) return;
  freezeOne(value);
  if (value instanceof Map) {
    for (const [k, v] of value) {
      deepFreeze(k);
      deepFreeze(v);
    }
  } else if (value instanceof Set) {
    for (const v of value) deepFreeze(v);
  } else {
    for (const key of Reflect.ownKeys(value)) {
      const descriptor = Reflect.getOwnPropertyDescriptor(value, key);
      if (descriptor && 'value' in descriptor) deepFreeze(descriptor.value);
    }
  }
}

/** Freezes what a commit created in `root`, following its patches. */
export function freezeChanged(root: object, patches: Patches): void {
  for (const patch of patches) {
    let node: unknown = root;
    for (const key of patch.path as unknown[]) {
      if (typeof node !== 'object' || node === null || isHeavy(node)) break;
      if (node instanceof Set) {
        deepFreeze(node);
        break;
      }
      if (!Object.isFrozen(node)) freezeOne(node);
      node = node instanceof Map ? node.get(key) : (node as Record<PropertyKey, unknown>)[key as PropertyKey];
    }
    deepFreeze(node);
  }
}
