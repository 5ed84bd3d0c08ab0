/**
 * Drafts: the copy-on-write views that processes, `edit` and patch replay
 * write through. A draft is a Proxy over a frozen committed node; the node
 * is copied (shallowly, once) on the first write beneath it, and only the
 * nodes on a written path are copied, so a transaction costs O(what it
 * touched). Each draft remembers the keys written on it and the drafts made
 * beneath it, so finishing (finish.ts) visits only those: never a whole
 * array or object to find what changed.
 *
 * Their data can never lead to a prototype: a key such as `__proto__` or
 * `constructor`, read through a draft, would hand out the shared prototype
 * objects themselves (`counts[key] ??= {}` with a key from user data is the
 * classic pollution), so such reads are refused, and so are writes of those
 * keys and changes to how the data is built (its prototype, a property
 * definition), reported as contract violations.
 */
import { ContractViolationError } from './errors.ts';
import { unwrapGuard } from './guard.ts';
import { collectionTraps } from './draft-collection.ts';

/** What a draft stands for; each kind copies and finishes its own way. */
export const OBJECT = 0;
export const ARRAY = 1;
export const MAP = 2;
export const SET = 3;
export type Kind = typeof OBJECT | typeof ARRAY | typeof MAP | typeof SET;

type Primitive = string | number | bigint | boolean | symbol | null | undefined;
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
type Atomic = Function | Promise<unknown> | Date | RegExp | ArrayBuffer | ArrayBufferView | WeakMap<object, unknown> | WeakSet<object>;

/** The type of a draft of `T`: its objects, arrays, Maps and Sets without `readonly`, deeply. */
export type Draft<T> = T extends Primitive | Atomic
  ? T
  : T extends ReadonlyMap<infer K, infer V>
    ? Map<K, Draft<V>>
    : T extends ReadonlySet<infer V>
      ? Set<V>
      : T extends object
        ? { -readonly [K in keyof T]: Draft<T[K]> }
        : T;

/** The bookkeeping of one draft. */
export interface DraftState {
  kind: Kind;
  /** The committed node (frozen in strict mode); never written. */
  base: any;
  /** The shallow copy, made on the first write beneath (or first draft read beneath). */
  copy: any;
  parent: DraftState | undefined;
  /** Its key in the parent when it was made. */
  key: unknown;
  /** Something was written on it or beneath it. */
  modified: boolean;
  /** Keys written (true) or deleted (false) on it, in order. */
  assigned: Map<unknown, boolean> | undefined;
  /** The drafts made beneath it, one per key read. */
  children: DraftState[] | undefined;
  /** An array draft that may have made a hole (a delete, a write past the end, a longer length). */
  holes?: boolean;
  /** The lowest length an array draft was cut to, if it was. */
  shrunk?: number;
  /** Its base is not committed: a plain object or array the transaction wrote, read back. */
  fresh: boolean;
  /** A Set's committed members -> their drafts, once its members were handed out. */
  members: Map<unknown, unknown> | undefined;
  proxy: any;
  session: Session;
  /** Its value once the session is finished. */
  final: unknown;
}

/** The drafts of one transaction (or one patch replay): revoked together when it ends. */
export interface Session {
  revokes: (() => void)[];
}

/** Thrown from inside a draft read; the transaction names who did it. */
export class PrototypeReached extends Error {}
/** Thrown for a change to how data is built (prototype, property definition, a reserved key). */
export class DraftRefused extends Error {}

export const DRAFT = Symbol('theus.draft');
const RESERVED = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * A constructor's `prototype`, or a constructor: what `__proto__` and
 * `constructor` lead to. `Array` is let through: the array methods
 * themselves read `constructor` (to make their results).
 */
export function isPrototypeMachinery(value: object): boolean {
  if (typeof value === 'function') {
    return value !== Array && Object.hasOwn(value, 'prototype') && (value as { prototype?: { constructor?: unknown } }).prototype?.constructor === value;
  }
  return Object.hasOwn(value, 'constructor') && typeof (value as { constructor: unknown }).constructor === 'function' && (value as { constructor: { prototype: unknown } }).constructor.prototype === value;
}

/**
 * What a draft is made for: plain objects, arrays, Maps, Sets and class
 * instances (copied with their prototype). Dates, binary data, functions and
 * objects whose data lives in internal slots (RegExp, Promise, weak
 * collections) are values, handed out as they are.
 */
export function kindOf(value: object): Kind | undefined {
  if (Array.isArray(value)) return ARRAY;
  const proto = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) return OBJECT;
  if (value instanceof Map) return MAP;
  if (value instanceof Set) return SET;
  if (value instanceof Date || ArrayBuffer.isView(value) || value instanceof ArrayBuffer || value instanceof RegExp || value instanceof Promise) return undefined;
  if (value instanceof WeakMap || value instanceof WeakSet || typeof value === 'function') return undefined;
  return OBJECT;
}

/** The draft's bookkeeping, or undefined for anything else. */
export function stateOf(value: unknown): DraftState | undefined {
  return typeof value === 'object' && value !== null ? (value as { [DRAFT]?: DraftState })[DRAFT] : undefined;
}

export const isDraft = (value: unknown): boolean => stateOf(value) !== undefined;

/** A shallow copy of a committed node, with its prototype. */
export function shallowCopy(base: any, kind: Kind): any {
  if (kind === ARRAY) {
    // Array.from keeps V8's fast path for frozen arrays (concat and slice
    // leave it, and a spread is half as fast); a hole would come back as
    // undefined, so holes take a loop. Looking for holes costs more than the
    // copy, so arrays known to have none (made by a draft that made none)
    // skip the look.
    if (Object.getPrototypeOf(base) === Array.prototype && isPacked(base)) return Array.from(base);
    // Only the items there are: a sparse array's length may be in the billions.
    const copy = new Array(base.length);
    for (const key of Object.keys(base)) copy[key as any] = base[key];
    Object.setPrototypeOf(copy, Object.getPrototypeOf(base));
    return copy;
  }
  const proto = Object.getPrototypeOf(base);
  if (kind === MAP || kind === SET) {
    const copy = kind === MAP ? new Map(base) : new Set(base);
    if (proto !== Map.prototype && proto !== Set.prototype) Object.setPrototypeOf(copy, proto);
    return copy;
  }
  if (proto === Object.prototype) return copyPlainObject(base);
  const copy = Object.create(proto);
  for (const key of Reflect.ownKeys(base)) {
    const own = Reflect.getOwnPropertyDescriptor(base, key)!;
    Object.defineProperty(copy, key, 'value' in own ? { value: own.value, writable: true, enumerable: own.enumerable, configurable: true } : { ...own, configurable: true });
  }
  return copy;
}

/**
 * A plain object's copy. A spread is fastest up to a few thousand keys;
 * beyond that V8 spreads a large (dictionary-mode) object far more slowly
 * than it fills an object already in dictionary mode, key by key.
 */
function copyPlainObject(base: Record<string, unknown>): Record<string, unknown> {
  const keys = Object.keys(base);
  if (keys.length < 3000) return { ...base };
  const copy: Record<string, unknown> = {};
  // Adding and deleting a key puts the object in dictionary mode at once.
  copy.x = 0;
  delete copy.x;
  for (const key of keys) {
    if (key === '__proto__') Object.defineProperty(copy, key, { value: base[key], writable: true, enumerable: true, configurable: true });
    else copy[key] = base[key];
  }
  return copy;
}

/** Replaces each member of `set` by `f(member)`, in place, keeping the order. */
export function remapSet(set: Set<unknown>, f: (member: unknown) => unknown): void {
  const members = [...set].map(f);
  set.clear();
  for (const member of members) set.add(member);
}

/** Arrays known to have no holes: the committed ones drafts made without making one. */
const packed = new WeakSet<object>();

/**
 * Whether an array has no holes (a hole reads as undefined, so an array
 * with no undefined has none). Past 2^24 items it is taken for sparse
 * unasked: looking would walk every index of an array as long as `list[4e9] = x` makes.
 */
export const isPacked = (array: unknown[]): boolean => packed.has(array) || (array.length < 2 ** 24 && !array.includes(undefined) && !!packed.add(array));

/** Called as a draft of an array settles: its copy has no holes unless the draft made one. */
export function settledArray(state: DraftState): void {
  if (!state.holes && packed.has(state.base)) packed.add(state.copy);
}

export const prepareCopy = (state: DraftState): any => (state.copy ??= shallowCopy(state.base, state.kind));

/** Marks the draft and every draft above it written (each gets its copy). */
export function markModified(state: DraftState | undefined): void {
  while (state !== undefined && !state.modified) {
    state.modified = true;
    prepareCopy(state);
    state = state.parent;
  }
}

/** Records a write of `key` (true) or its deletion (false). */
export function assign(state: DraftState, key: unknown, set: boolean): void {
  markModified(state);
  (state.assigned ??= new Map()).set(key, set);
}

/** Opens a draft of `base` in `session`. */
export function makeDraft(base: object, kind: Kind, parent: DraftState | undefined, key: unknown, session: Session): DraftState {
  const state: DraftState = { kind, base, copy: undefined, parent, key, modified: false, assigned: undefined, children: undefined, fresh: false, members: undefined, proxy: undefined, session, final: undefined };
  // The target is only a holder: the committed node is frozen, and a proxy
  // over a frozen target must hand out exactly its values, never drafts.
  const target = kind === ARRAY ? Object.assign([], { [DRAFT]: state }) : { [DRAFT]: state };
  const { proxy, revoke } = Proxy.revocable(target, kind === MAP || kind === SET ? collectionTraps : objectTraps);
  state.proxy = proxy;
  session.revokes.push(revoke);
  if (parent) (parent.children ??= []).push(state);
  return state;
}

/**
 * What a draft hands out for `value`, found at `key` of `state`: the value
 * itself, or a draft of it if it is the committed node there (made once and
 * kept in the copy). Refuses a prototype.
 */
export function draftChild(state: DraftState, key: unknown, value: unknown, committed: unknown): unknown {
  if (typeof value !== 'object' || value === null) {
    if (typeof value === 'function' && isPrototypeMachinery(value)) throw new PrototypeReached();
    return value;
  }
  if (isPrototypeMachinery(value)) throw new PrototypeReached();
  // Written during this transaction (or within what was): a draft (or a
  // value from a prototype) is handed out as it is; a new plain object or
  // array gets a draft of its own, so that its keys too never lead to a prototype
  // (`counts = {}`, then `counts[key] ??= {}` with a key from user data).
  const fresh = value !== committed || state.fresh;
  if (fresh && (committed === INHERITED || stateOf(value) || !isPlainContainer(value))) return value;
  const kind = kindOf(value);
  if (kind === undefined) return value;
  const made = makeDraft(value, kind, state, key, state.session);
  made.fresh = fresh;
  const child = made.proxy;
  const copy = prepareCopy(state);
  if (state.kind === MAP) copy.set(key, child);
  else copy[key as PropertyKey] = child;
  return child;
}

/** What draftChild is told a value found on a prototype was committed as: nothing of it is drafted. */
const INHERITED = Symbol('inherited');

/** The state a draft's proxy target holds. */
export const holder = (target: any): DraftState => target[DRAFT];

/** Refuses a write of a key that would reach a prototype or of a symbol key. */
function checkWrittenKey(key: string | symbol): asserts key is string {
  if (typeof key === 'symbol' || RESERVED.has(key)) throw new DraftRefused(`the key ${String(key)}`);
}

const objectTraps: ProxyHandler<any> = {
  get(target, key) {
    const state = holder(target);
    if (key === DRAFT) return state;
    // Refused by name too: runtimes without the accessor (Deno) give undefined.
    if (key === '__proto__') throw new PrototypeReached();
    const source = state.copy ?? state.base;
    const value = source[key];
    if (typeof key === 'symbol') return value;
    // Inherited: a method, or a prototype's data (never drafted into the copy).
    if (!Object.hasOwn(source, key)) return draftChild(state, key, value, INHERITED);
    return draftChild(state, key, value, state.base[key]);
  },
  set(target, key, value, receiver) {
    const state = holder(target);
    const source = state.copy ?? state.base;
    if (state.kind === ARRAY && key === 'length') {
      if (source.length === value) return true;
      if (value > source.length) state.holes = true;
      else state.shrunk = Math.min(state.shrunk ?? value, value);
      markModified(state);
      state.copy.length = value;
      return true;
    }
    checkWrittenKey(key);
    if (!Object.hasOwn(source, key)) {
      // A class's own setter runs with the draft as `this`.
      const setter = findSetter(Object.getPrototypeOf(state.base), key);
      if (setter) {
        setter.call(receiver, value);
        return true;
      }
    } else if (source[key] === value) {
      return true;
    }
    if (state.kind === ARRAY && Number(key) > source.length) state.holes = true;
    assign(state, key, true);
    state.copy[key] = unwrapGuard(value);
    return true;
  },
  deleteProperty(target, key) {
    const state = holder(target);
    checkWrittenKey(key);
    if (!Object.hasOwn(state.copy ?? state.base, key)) return true;
    if (state.kind === ARRAY) state.holes = true;
    assign(state, key, false);
    delete state.copy[key];
    return true;
  },
  has(target, key) {
    const state = holder(target);
    return key === DRAFT || key in (state.copy ?? state.base);
  },
  ownKeys(target) {
    const state = holder(target);
    return Reflect.ownKeys(state.copy ?? state.base);
  },
  getOwnPropertyDescriptor(target, key) {
    const state = holder(target);
    const source = state.copy ?? state.base;
    const own = Reflect.getOwnPropertyDescriptor(source, key);
    if (!own) return undefined;
    // The holder's own 'length' is not configurable: what is said of it must agree.
    if (state.kind === ARRAY && key === 'length') return { value: source.length, writable: true, enumerable: false, configurable: false };
    // The value as stored (a committed node is not drafted here: Object.keys
    // and spreads ask for every key's descriptor).
    return { value: own.value, writable: true, enumerable: own.enumerable, configurable: true };
  },
  getPrototypeOf(target) {
    return Object.getPrototypeOf(holder(target).base);
  },
  defineProperty() {
    throw new DraftRefused('defineProperty');
  },
  setPrototypeOf() {
    throw new DraftRefused('setPrototypeOf');
  },
  preventExtensions() {
    throw new DraftRefused('preventExtensions');
  },
};

function findSetter(proto: object | null, key: string): ((value: unknown) => void) | undefined {
  for (let p = proto; p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    const own = Reflect.getOwnPropertyDescriptor(p, key);
    if (own) return own.set;
  }
  return undefined;
}

/** A fresh draft session over `base`. */
export function openDraft<T extends object>(base: T): { draft: T; state: DraftState } {
  const kind = kindOf(base);
  if (kind === undefined) throw new TypeError('a draft needs an object, an array, a Map or a Set');
  const state = makeDraft(base, kind, undefined, undefined, { revokes: [] });
  return { draft: state.proxy, state };
}

/** Ends a session: every draft made in it stops working. */
export function revokeAll(session: Session): void {
  for (const revoke of session.revokes) revoke();
  session.revokes.length = 0;
}

/**
 * The value a draft holds now, as plain data that outlives the draft (the
 * written parts copied, the rest shared with the committed state).
 */
export function current(value: unknown, seen = new Map<DraftState, unknown>()): unknown {
  const state = stateOf(value);
  if (!state) return value;
  if (!state.modified) return state.base;
  if (seen.has(state)) return seen.get(state);
  const copy = shallowCopy(state.copy, state.kind);
  seen.set(state, copy);
  if (state.kind === MAP) for (const [k, v] of copy) copy.set(k, current(v, seen));
  else if (state.kind === SET) {
    remapSet(copy, (member) => current(member, seen));
  } else for (const key of Object.keys(copy)) copy[key] = current(copy[key], seen);
  return copy;
}

/** The contract violation an error from inside a draft stands for, if it is one. */
export function draftViolation(error: unknown, who: string, process?: string): ContractViolationError | undefined {
  if (error instanceof PrototypeReached) {
    return new ContractViolationError(`${who} reached a prototype through its data (a key such as '__proto__' or 'constructor'); keys that lead to a prototype are refused`, { process });
  }
  if (error instanceof DraftRefused) {
    return new ContractViolationError(`${who} tried to change how its data is built (${error.message}); only its values can change`, { process, cause: error });
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
export function detachDrafts(value: unknown, depth = 0, seen?: Set<object>): unknown {
  const unwrapped = unwrapGuard(value);
  if (typeof unwrapped !== 'object' || unwrapped === null) return unwrapped;
  if (isDraft(unwrapped)) return current(unwrapped);
  // The set is made only for a result that is an object: most are not.
  seen ??= new Set<object>();
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
