/**
 * The guard: the `ctx` a process sees in strict mode.
 *
 * Only the layers and the prefixes of declared paths are proxies, and they
 * check each key against the contract. Beneath a path declared only as an
 * input, a read returns the frozen snapshot itself (native-speed reads; a
 * write throws the runtime's own TypeError). Beneath an output, it returns
 * the copy-on-write draft, which records patches. Anything else throws
 * ContractViolationError, at any depth.
 */
import type { CompiledContract } from './contract.ts';
import { ContractViolationError } from './errors.ts';
import { layerRules } from './layers.ts';

/** The contract as a tree of keys, built once at register time. */
export interface AccessNode {
  /** A declared input ends here. */
  input: boolean;
  /** A declared output ends here. */
  output: boolean;
  /** Some output lies strictly beneath. */
  outputBelow: boolean;
  children: Map<string, AccessNode>;
}

const newNode = (): AccessNode => ({ input: false, output: false, outputBelow: false, children: new Map() });

export function accessTree(contract: CompiledContract): AccessNode {
  const root = newNode();
  const add = (segments: readonly (string | number)[], mark: 'input' | 'output') => {
    let node = root;
    for (const segment of segments) {
      if (mark === 'output') node.outputBelow = true;
      const key = String(segment);
      let child = node.children.get(key);
      if (!child) node.children.set(key, (child = newNode()));
      node = child;
    }
    node[mark] = true;
  };
  for (const p of contract.inputs) add([p.layer, ...p.segments], 'input');
  for (const p of contract.outputs) add([p.layer, ...p.segments], 'output');
  return root;
}

/** What a guard needs to know about the running transaction. */
export interface GuardScope {
  process: string;
  snapshot: object;
  draft: object;
}

type Obj = Record<PropertyKey, unknown>;
type Path = string[];

const show = (path: Path): string =>
  path.map((k, i) => (i === 0 ? k : /^\d+$/.test(k) ? `[${k}]` : /^[\p{L}\p{N}_$]+$/u.test(k) ? `.${k}` : `['${k}']`)).join('');

function violation(scope: GuardScope, path: Path, what: string): ContractViolationError {
  const shown = show(path);
  return new ContractViolationError(`process '${scope.process}' ${what} '${shown}'`, { process: scope.process, path: shown });
}

const isObject = (value: unknown): value is Obj => typeof value === 'object' && value !== null;

/** Unwraps guard proxies a process assigns, so that state never holds one. */
const guardTargets = new WeakMap<object, () => unknown>();

export function unwrapGuard(value: unknown): unknown {
  const current = isObject(value) ? guardTargets.get(value) : undefined;
  return current ? current() : value;
}

/** The root `ctx` for one attempt of a process. */
export function guardContext(scope: GuardScope, tree: AccessNode): object {
  return guardNode(scope, tree, [], scope.snapshot as Obj, () => scope.draft as Obj, false);
}

function guardNode(scope: GuardScope, node: AccessNode, path: Path, base: Obj, draftOf: () => Obj, withinInput: boolean): object {
  if (base instanceof Map || base instanceof Set || ArrayBuffer.isView(base) || base instanceof Date) {
    throw violation(scope, path, `declares paths beneath the ${base.constructor.name} at`);
  }
  const { forbiddenKeys, aliases } = layerRules();
  let draft: Obj | undefined;
  const draftHere = () => (draft ??= draftOf());
  const children = new Map<string, unknown>();

  // What reading `key` gives, or a violation. Guard proxies are cached so
  // that reading the same prefix twice gives the same object.
  const read = (key: string): unknown => {
    const childPath = [...path, key];
    const child = node.children.get(key);
    if (child?.output) return draftHere()[key];
    if (child && (child.outputBelow || !(withinInput || child.input))) {
      if (children.has(key)) return children.get(key);
      const value = base[key];
      const proxy = isObject(value)
        ? guardNode(scope, child, childPath, value, () => draftHere()[key] as Obj, withinInput || child.input)
        : value;
      children.set(key, proxy);
      return proxy;
    }
    // An array's length is its shape, not its data: readable at any prefix.
    if (child || withinInput || (key === 'length' && Array.isArray(base))) return base[key];
    const alias = path.length === 0 ? aliases[key] : undefined;
    throw violation(scope, childPath, alias ? `read '${key}': the context names it ${alias}, at` : 'read the undeclared path');
  };

  const writable = (key: string): boolean => node.children.get(key)?.output === true;

  // Proxy traps only ever see strings and symbols as keys.
  const checkKey = (key: string | symbol, verb: string): key is string => {
    if (typeof key === 'symbol') return false;
    if (forbiddenKeys.includes(key)) throw violation(scope, [...path, key], `${verb} the forbidden key at`);
    return true;
  };

  const proxy = new Proxy(Array.isArray(base) ? [] : {}, {
    get(_, key) {
      if (key === 'constructor') return undefined;
      if (!checkKey(key, 'read')) return Reflect.get(base, key);
      return read(key);
    },
    has(_, key) {
      if (!checkKey(key, 'read')) return Reflect.has(base, key);
      read(key);
      return key in (writable(key) ? draftHere() : base);
    },
    set(_, key, value) {
      if (!checkKey(key, 'write')) throw violation(scope, path, 'set a symbol key on');
      if (!writable(key)) throw violation(scope, [...path, key], 'wrote');
      draftHere()[key] = unwrapGuard(value);
      children.delete(key);
      return true;
    },
    deleteProperty(_, key) {
      if (!checkKey(key, 'delete')) throw violation(scope, path, 'deleted a symbol key of');
      if (!writable(key)) throw violation(scope, [...path, key], 'deleted');
      delete draftHere()[key];
      return true;
    },
    defineProperty(_, key) {
      throw violation(scope, typeof key === 'string' ? [...path, key] : path, 'used defineProperty on');
    },
    ownKeys() {
      // Only what the process may read: everything when the node is within an
      // input, else the declared keys that exist.
      const keys = withinInput ? Reflect.ownKeys(base) : [...node.children.keys()].filter((k) => k in base);
      return Array.isArray(base) && !keys.includes('length') ? [...keys, 'length'] : keys;
    },
    getOwnPropertyDescriptor(_, key) {
      if (key === 'length' && Array.isArray(base)) {
        return { value: base.length, writable: true, enumerable: false, configurable: false };
      }
      if (!checkKey(key, 'read')) return Reflect.getOwnPropertyDescriptor(base, key);
      const source = writable(key) ? draftHere() : base;
      const own = Reflect.getOwnPropertyDescriptor(source, key);
      return own && { value: read(key), writable: true, enumerable: own.enumerable, configurable: true };
    },
    getPrototypeOf() {
      return Reflect.getPrototypeOf(base);
    },
    setPrototypeOf() {
      throw violation(scope, path, 'changed the prototype of');
    },
    preventExtensions() {
      throw violation(scope, path, 'tried to freeze');
    },
  });
  guardTargets.set(proxy, () => (draft ?? base));
  return proxy;
}

/**
 * The runtime's TypeError for writing frozen data (what a write beneath an
 * input meets) in V8, SpiderMonkey and JavaScriptCore wording.
 */
export function isFrozenWriteError(error: unknown): error is TypeError {
  return (
    error instanceof TypeError &&
    /read[- ]?only|not extensible|object is frozen|Cannot (assign|add property|delete|define property)|frozen (Map|Set)/i.test(error.message)
  );
}
