/**
 * Finishing a draft session: the next state and the patches that lead to
 * it. Only written drafts are visited, and in each only the keys written
 * and the drafts made beneath it, so the cost follows what the transaction
 * touched, not the size of the state.
 *
 * Two passes: values first (every draft replaced by its final value, each
 * once, wherever it was put), then patches. A draft still at the key it was
 * read from gives patches beneath that key; anywhere else (moved, copied, a
 * key written again) its key is replaced whole.
 */
import { ARRAY, type DraftState, isPacked, MAP, OBJECT, remapSet, revokeAll, SET, settledArray, stateOf } from './draft.ts';
import type { Patch, Patches } from './patch.ts';

/** The final value of a draft (memoised: a draft may be put in several places). */
function settle(state: DraftState): unknown {
  // A fresh draft's base is new data, which may hold drafts (see settleValue).
  if (!state.modified) return state.fresh ? settleValue(state.base) : state.base;
  if (state.final !== undefined) return state.final;
  const copy = state.copy;
  state.final = copy;
  if (state.kind === SET) {
    // Drafted members, and drafts added, settle in place (the order stays).
    remapSet(copy, settleValue);
    return copy;
  }
  if (state.children) {
    for (const child of state.children) {
      const value = settle(child);
      // Still where it was read: the copy takes its final value there.
      if (state.kind === MAP ? copy.get(child.key) === child.proxy : copy[child.key as PropertyKey] === child.proxy) {
        if (state.kind === MAP) copy.set(child.key, value);
        else copy[child.key as PropertyKey] = value;
      }
    }
  }
  if (state.assigned) {
    for (const [key, set] of state.assigned) {
      if (!set) continue;
      if (state.kind === MAP) {
        const value = copy.get(key);
        const settled = settleValue(value);
        if (settled !== value) copy.set(key, settled);
      } else if (state.kind === OBJECT || Number(key) < copy.length) {
        const value = copy[key as PropertyKey];
        const settled = settleValue(value);
        if (settled !== value) copy[key as PropertyKey] = settled;
      }
    }
  }
  if (state.kind === ARRAY) settledArray(state);
  return state.fresh ? settleValue(copy) : copy;
}

/**
 * A written value with every draft in it replaced by its final value. New
 * plain containers are searched (iteratively, each once: a cyclic or very
 * deep value is refused later, by the core's depth rule, never here).
 */
function settleValue(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const state = stateOf(value);
  if (state) return settle(state);
  if (Object.isFrozen(value)) return value;
  const seen = new Set<object>([value]);
  const stack: object[] = [value];
  while (stack.length > 0) {
    const node = stack.pop() as any;
    const visit = (child: unknown, put: (settled: unknown) => void) => {
      if (typeof child !== 'object' || child === null) return;
      const childState = stateOf(child);
      if (childState) put(settle(childState));
      else if (!seen.has(child) && !Object.isFrozen(child)) {
        seen.add(child);
        stack.push(child);
      }
    };
    if (node instanceof Map) for (const [k, v] of node) visit(v, (s) => node.set(k, s));
    else if (node instanceof Set) {
      for (const member of [...node]) visit(member, (s) => (node.delete(member), node.add(s)));
    } else if (Array.isArray(node) || isDataObject(node)) for (const key of Object.keys(node)) visit(node[key], (s) => (node[key] = s));
  }
  return value;
}

const isDataObject = (value: object): boolean => {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null || !(value instanceof Date || ArrayBuffer.isView(value) || value instanceof ArrayBuffer);
};

type Path = (string | number)[];

/**
 * The path of `key` beneath `path`. Made by concat, which sizes the array
 * exactly: paths are kept by the history and undo for as long as their
 * commits, and a spread leaves room for growth that would be kept too.
 */
const pathTo = (path: Path, key: unknown): Path => path.concat([key as string | number]);

/** The patches of a settled draft at `path`, and their inverse (in the order that undoes them). */
function diff(state: DraftState, path: Path, patches: Patch[], inverse: Patch[]): void {
  if (!state.modified) return;
  const { base, copy, kind } = state;
  if (kind === SET) {
    patches.push({ op: 'replace', path, value: copy });
    inverse.push({ op: 'replace', path, value: base });
    return;
  }
  const assigned = state.assigned;
  if (state.children) {
    for (const child of state.children) {
      if (assigned?.has(child.key) || !child.modified) continue;
      const home = kind === MAP ? copy.get(child.key) : copy[child.key as PropertyKey];
      if (home === child.final) diff(child, pathTo(path, kind === ARRAY ? Number(child.key) : child.key), patches, inverse);
    }
  }
  if (kind === ARRAY) return diffArray(state, path, patches, inverse);
  if (!assigned) return;
  for (const [key, set] of assigned) {
    const had = kind === MAP ? base.has(key) : Object.hasOwn(base, key as PropertyKey);
    const before = kind === MAP ? base.get(key) : base[key as PropertyKey];
    const has = set && (kind === MAP ? copy.has(key) : Object.hasOwn(copy, key as PropertyKey));
    const after = !has ? undefined : kind === MAP ? copy.get(key) : copy[key as PropertyKey];
    // Unchanged: deleted where there was nothing, or back to what it was.
    if (had ? has && after === before : !has) continue;
    // A patch and its inverse share their path (frozen, as every patch's is once recorded).
    const at = pathTo(path, key);
    patches.push(has ? { op: had ? 'replace' : 'add', path: at, value: after } : { op: 'remove', path: at });
    inverse.push(had ? { op: has ? 'replace' : 'add', path: at, value: before } : { op: 'remove', path: at });
  }
}

/**
 * An array: below `low`, the written indices are replaced; from `low` the
 * array is cut (`length`, one patch however many items go) and grown
 * again item by item, and each direction's inverse is the other. `low` is
 * the shorter length, or lower where the transaction cut the array (its
 * length set lower, then written past) or made or filled a hole: no
 * replace can say either. Growth across a gap sets `length` instead of
 * adding its holes one by one (`list[4e9] = x` is two patches).
 */
function diffArray(state: DraftState, path: Path, patches: Patch[], inverse: Patch[]): void {
  const { base, copy, assigned } = state;
  let low = Math.min(state.shrunk ?? base.length, base.length, copy.length);
  const indices = assigned ? [...assigned.keys()].map(Number).filter((i) => i < low).sort((a, b) => a - b) : [];
  for (const i of indices) if (i in copy !== i in base) low = Math.min(low, i);
  for (const i of indices) {
    if (i >= low || copy[i] === base[i]) continue;
    const at = pathTo(path, i);
    patches.push({ op: 'replace', path: at, value: copy[i] });
    inverse.push({ op: 'replace', path: at, value: base[i] });
  }
  if (base.length > low) {
    patches.push(lengthPatch(path, low));
    // The inverse is reversed as a whole: these, reversed, apply ascending.
    const restore = growth(base, low, path, !isPacked(base));
    for (let i = restore.length - 1; i >= 0; i--) inverse.push(restore[i]);
  }
  if (copy.length > low) {
    // What is grown again within the old length may hold its holes (looking costs O(n): a push does not).
    for (const patch of growth(copy, low, path, state.holes || (base.length > low && !isPacked(base)))) patches.push(patch);
    inverse.push(lengthPatch(path, low));
  }
}

const lengthPatch = (path: Path, value: number): Patch => ({ op: 'replace', path: pathTo(path, 'length'), value });

/**
 * The patches that grow an array from length `from` to `array`, ascending:
 * an `add` per item, and across a hole (`sparse` arrays may have some) a
 * `length` that makes it, so that `list[4e9] = x` is two patches, not four
 * billion, and holes stay holes.
 */
function growth(array: unknown[], from: number, path: Path, sparse: boolean): Patch[] {
  const patches: Patch[] = [];
  const present = sparse ? Object.keys(array).map(Number).filter((i) => i >= from) : undefined;
  let end = from;
  for (let next = 0, i = from; present ? next < present.length : i < array.length; i++) {
    if (present) i = present[next++];
    if (i > end) patches.push(lengthPatch(path, i));
    patches.push({ op: 'add', path: pathTo(path, i), value: array[i] });
    end = i + 1;
  }
  if (array.length > end) patches.push(lengthPatch(path, array.length));
  return patches;
}

/**
 * Ends a draft session: the next state (the base itself if nothing was
 * written), and with `patches`, the patches and their inverse. Every draft
 * of the session is revoked.
 */
export function finish<T>(root: DraftState, patches: true): [T, Patches, Patches];
export function finish<T>(root: DraftState, patches: false): T;
export function finish<T>(root: DraftState, withPatches: boolean): T | [T, Patches, Patches] {
  try {
    const next = settle(root) as T;
    if (!withPatches) return next;
    const patches: Patch[] = [];
    const inverse: Patch[] = [];
    diff(root, [], patches, inverse);
    // The inverse undoes the last change first. Both lists are kept as long
    // as their commit: copied to their exact size (a list grown by push has
    // room for more).
    return [next, patches.slice(), inverse.reverse().slice()];
  } finally {
    revokeAll(root.session);
  }
}

