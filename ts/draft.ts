/**
 * Drafts: the copy-on-write views (mutative) that processes and `edit`
 * write through. Their data can never lead to a prototype: a key such as
 * `__proto__` or `constructor`, read through a draft, would hand out the
 * shared prototype objects themselves (`counts[key] ??= {}` with a key
 * from user data is the classic pollution), so such reads are refused, and
 * so are the draft library's own refusals (setting a prototype, defining
 * a property), reported as contract violations.
 */
import { current, isDraft } from './mutative.ts';
import { ContractViolationError } from './errors.ts';
import { unwrapGuard } from './guard.ts';

/** Thrown from inside a draft read; the transaction names who did it. */
class PrototypeReached extends Error {}

/**
 * A constructor's `prototype`, or a constructor: what `__proto__` and
 * `constructor` lead to. `Array` is let through: the array methods
 * themselves read `constructor` (to make their results).
 */
function isPrototypeMachinery(value: object): boolean {
  if (typeof value === 'function') {
    return value !== Array && Object.hasOwn(value, 'prototype') && (value as { prototype?: { constructor?: unknown } }).prototype?.constructor === value;
  }
  return Object.hasOwn(value, 'constructor') && typeof (value as { constructor: unknown }).constructor === 'function' && (value as { constructor: { prototype: unknown } }).constructor.prototype === value;
}

/**
 * mutative's `mark`, which it calls on every value read through a draft:
 * class instances are drafted as objects (so they keep their prototype),
 * and prototypes and constructors are refused.
 */
export function markDraftable(target: unknown, types: { immutable: 'immutable' }): 'immutable' | undefined {
  if ((typeof target !== 'object' && typeof target !== 'function') || target === null) return undefined;
  if (isPrototypeMachinery(target)) throw new PrototypeReached();
  if (typeof target === 'function' || Array.isArray(target)) return undefined;
  const proto = Object.getPrototypeOf(target);
  return proto !== null && proto !== Object.prototype && !(target instanceof Map || target instanceof Set || target instanceof Date || ArrayBuffer.isView(target) || target instanceof ArrayBuffer) ? types.immutable : undefined;
}

// mutative's refusals to set a prototype (#3), define a property (#4) or
// patch a reserved key (#13): its development and production wording.
const REFUSED_BY_DRAFT = /^(Minified Mutative error #(3|4|13);|Cannot call '(setPrototypeOf|defineProperty)\(\)' on drafts|Patching reserved attributes)/;

/** The contract violation an error from inside a draft stands for, if it is one. */
export function draftViolation(error: unknown, who: string, process?: string): ContractViolationError | undefined {
  if (error instanceof PrototypeReached) {
    return new ContractViolationError(`${who} reached a prototype through its data (a key such as '__proto__' or 'constructor'); keys that lead to a prototype are refused`, { process });
  }
  if (error instanceof Error && REFUSED_BY_DRAFT.test(error.message)) {
    return new ContractViolationError(`${who} tried to change how its data is built (its prototype, or a property definition); only its values can change`, { process, cause: error });
  }
  return undefined;
}

const isPlainContainer = (value: object): boolean => {
  const proto = Object.getPrototypeOf(value);
  return Array.isArray(value) || proto === Object.prototype || proto === null;
};

/**
 * What a transaction's body returned, with every draft (and guard) in it
 * replaced by its value as of now: drafts are revoked when the transaction
 * ends, and a result that still held one would fail on first use. Plain
 * objects and arrays are searched (to a bounded depth) and copied only
 * where something in them was replaced.
 */
export function detachDrafts(value: unknown, depth = 0, seen = new Set<object>()): unknown {
  const unwrapped = unwrapGuard(value);
  if (typeof unwrapped !== 'object' || unwrapped === null) return unwrapped;
  if (isDraft(unwrapped)) return current(unwrapped);
  if (depth >= 100 || seen.has(unwrapped) || !isPlainContainer(unwrapped)) return unwrapped;
  seen.add(unwrapped);
  let copy: Record<PropertyKey, unknown> | unknown[] | undefined;
  for (const key of Object.keys(unwrapped)) {
    const child = (unwrapped as Record<string, unknown>)[key];
    const detached = detachDrafts(child, depth + 1, seen);
    if (detached !== child) {
      copy ??= Array.isArray(unwrapped) ? [...unwrapped] : { ...unwrapped };
      (copy as Record<string, unknown>)[key] = detached;
    }
  }
  return copy ?? unwrapped;
}
