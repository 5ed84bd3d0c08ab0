/**
 * Drafts of Maps and Sets. Their data lives in internal slots that a Proxy
 * cannot intercept, so the draft hands out its own methods, which read the
 * committed collection and write to a copy. A Map's values are drafted like
 * an object's. A Set's object members are drafted when its members are
 * first handed out (all at once, in place, so the order stays); a Set
 * changes as a whole (see finish.ts).
 */
import { assign, DRAFT, draftChild, DraftRefused, type DraftState, holder, isPrototypeMachinery, kindOf, makeDraft, MAP, prepareCopy, PrototypeReached, remapSet } from './draft.ts';

type Collection = Map<unknown, unknown> & Set<unknown>;

const source = (state: DraftState): Collection => state.copy ?? state.base;

/** A Map's value at `key`, drafted if it is the committed one. */
function mapGet(state: DraftState, key: unknown): unknown {
  const value = source(state).get(key);
  return draftChild(state, key, value, state.base.get(key));
}

/** A Set's members with each committed object member replaced by its draft (made once). */
function setMembers(state: DraftState): Collection {
  if (!state.members) {
    const members = new Map<unknown, unknown>();
    remapSet(prepareCopy(state) as Collection, (member) => {
      if (typeof member !== 'object' || member === null || !state.base.has(member)) return member;
      if (isPrototypeMachinery(member)) throw new PrototypeReached();
      const kind = kindOf(member);
      if (kind === undefined) return member;
      const proxy = makeDraft(member, kind, state, member, state.session).proxy;
      members.set(member, proxy);
      return proxy;
    });
    state.members = members;
  }
  return state.copy;
}

/** How the collection holds `key` now: a committed Set member may be held as its draft. */
const held = (state: DraftState, key: unknown): unknown => state.members?.get(key) ?? key;

function remove(state: DraftState, key: unknown): boolean {
  const member = held(state, key);
  if (!source(state).has(member)) return false;
  assign(state, member, false);
  return (prepareCopy(state) as Collection).delete(member);
}

/** The methods a draft of a Map or Set hands out, bound to its state. */
function method(state: DraftState, name: string | symbol): unknown {
  const isMap = state.kind === MAP;
  switch (name) {
    case 'size':
      return source(state).size;
    case 'has':
      return (key: unknown) => source(state).has(held(state, key));
    case 'get':
      return isMap ? (key: unknown) => mapGet(state, key) : undefined;
    case 'set':
      return isMap
        ? (key: unknown, value: unknown) => {
            const from = source(state);
            if (!from.has(key) || from.get(key) !== value) {
              assign(state, key, true);
              (state.copy as Collection).set(key, value);
            }
            return state.proxy;
          }
        : undefined;
    case 'add':
      return isMap
        ? undefined
        : (member: unknown) => {
            if (!source(state).has(held(state, member))) {
              assign(state, member, true);
              (state.copy as Collection).add(member);
            }
            return state.proxy;
          };
    case 'delete':
      return (key: unknown) => remove(state, key);
    case 'clear':
      return () => {
        for (const key of [...source(state).keys()]) remove(state, key);
      };
    case 'forEach':
      return (callback: (value: unknown, key: unknown, collection: unknown) => void, thisArg?: unknown) => {
        for (const [key, value] of entries(state)) callback.call(thisArg, value, key, state.proxy);
      };
    case 'keys':
      return () => (isMap ? source(state).keys() : setMembers(state).values());
    case 'values':
      return () => (isMap ? values(state) : setMembers(state).values());
    case 'entries':
    case Symbol.iterator:
      return () => (isMap || name === 'entries' ? entries(state) : setMembers(state).values());
  }
  if (name === DRAFT) return state;
  const inherited: unknown = Reflect.get(Object.getPrototypeOf(state.base), name);
  if (typeof inherited !== 'function') return inherited;
  if (isPrototypeMachinery(inherited)) throw new PrototypeReached();
  // What is left only reads the collection (a Set's union, a subclass's own methods).
  return (...args: unknown[]) => inherited.apply(source(state), args);
}

function* values(state: DraftState): IterableIterator<unknown> {
  for (const key of [...source(state).keys()]) yield mapGet(state, key);
}

function* entries(state: DraftState): IterableIterator<[unknown, unknown]> {
  if (state.kind !== MAP) for (const member of [...setMembers(state)]) yield [member, member];
  else for (const key of [...source(state).keys()]) yield [key, mapGet(state, key)];
}

const refuse = (what: string) => () => {
  throw new DraftRefused(what);
};

export const collectionTraps: ProxyHandler<any> = {
  get: (target, name) => method(holder(target), name),
  has: (target, name) => name === DRAFT || name in holder(target).base,
  ownKeys: () => [],
  getPrototypeOf: (target) => Object.getPrototypeOf(holder(target).base),
  set: refuse('a property of a Map or Set'),
  deleteProperty: refuse('a property of a Map or Set'),
  defineProperty: refuse('defineProperty'),
  setPrototypeOf: refuse('setPrototypeOf'),
  preventExtensions: refuse('preventExtensions'),
};
