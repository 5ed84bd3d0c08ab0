/**
 * The guard: the `ctx` a process sees in strict mode.
 *
 * Only the layers and the prefixes of declared paths are guard objects, and
 * they check each key against the contract. Beneath a path declared only as an
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
interface GuardScope {
  process: string;
  draft: object;
  /** The plain guard objects made, whose end checks run when the process returns. */
  plain: NodeState[];
}

type Obj = Record<PropertyKey, unknown>;

/** A path as users write it: `domain_ctx.items[0]['odd key']`. */
export const showPath = (path: readonly string[]): string =>
  path.map((k, i) => (i === 0 ? k : /^\d+$/.test(k) ? `[${k}]` : /^[\p{L}\p{N}_$]+$/u.test(k) ? `.${k}` : `['${k}']`)).join('');

const isObject = (value: unknown): value is Obj => typeof value === 'object' && value !== null;

/** Returns the object it is given, so that a subclass can stamp a private field on it. */
class Returns {
  constructor(object: object) {
    return object;
  }
}

/**
 * Gives a guard object (plain or proxy) its NodeState as a private field:
 * read as fast as a property by the accessors, and out of reach of anything
 * the process holds (a symbol key would be listed by Reflect.ownKeys), so
 * nothing reachable from `ctx` leads to the snapshot or the draft behind it.
 */
class Stamp extends Returns {
  readonly #state: NodeState;
  constructor(object: object, state: NodeState) {
    super(object);
    this.#state = state;
  }
  static stateOf(guard: unknown): NodeState {
    return (guard as Stamp).#state;
  }
  /** The NodeState of a guard object; undefined for anything else. */
  static stateIn(value: object): NodeState | undefined {
    return #state in value ? (value as Stamp).#state : undefined;
  }
}

const stateOf = Stamp.stateOf;

/** Unwraps guard objects a process assigns, so that state never holds one. */
export function unwrapGuard(value: unknown): unknown {
  const state = isObject(value) ? Stamp.stateIn(value) : undefined;
  return state ? state.current() : value;
}

/** The guarded `ctx` for one attempt of a process, and what to run when it returns. */
export interface Guard {
  ctx: object;
  /** Applies what plain guard objects cannot see as it happens (deleted output keys). */
  finish(): void;
}

export function guardContext(process: string, snapshot: object, draft: object, tree: AccessNode): Guard {
  const scope: GuardScope = { process, draft, plain: [] };
  const ctx = guardNode(new NodeState(scope, tree, undefined, '', snapshot as Obj, false));
  return { ctx, finish: () => scope.plain.forEach(finishPlain) };
}

const NONE: readonly unknown[] = Object.freeze([]);

/** One guarded node: its place in the contract, the snapshot and the draft. */
class NodeState {
  #draft: Obj | undefined;
  /** Values of the declared keys that are not outputs, for plain guards. */
  values: readonly unknown[] = NONE;
  /** Guards made for the declared prefixes beneath, once read (made on first use). */
  #children: Map<string, unknown> | undefined;
  /** The plain guard object made for this node, and its shape (for its end check). */
  guard: Obj | undefined;
  shape: Shape | undefined;

  constructor(
    readonly scope: GuardScope,
    readonly node: AccessNode,
    /** The node above (undefined for `ctx`), and the key this one is at there. */
    readonly parent: NodeState | undefined,
    readonly key: string,
    readonly base: Obj,
    readonly withinInput: boolean,
  ) {}

  /** Its path from `ctx`, made only for messages. */
  get path(): string[] {
    return this.parent ? [...this.parent.path, this.key] : [];
  }

  draft(): Obj {
    return (this.#draft ??= (this.parent ? this.parent.draft()[this.key] : this.scope.draft) as Obj);
  }

  /** The draft if the node was written through, else the snapshot. */
  current(): unknown {
    return this.#draft ?? this.base;
  }

  violation(key: string | undefined, what: string): ContractViolationError {
    const shown = showPath(key === undefined ? this.path : [...this.path, key]);
    return new ContractViolationError(`process '${this.scope.process}' ${what} '${shown}'`, { process: this.scope.process, path: shown });
  }

  checkKey(key: string, verb: string): void {
    if (layerRules().forbiddenKeys.includes(key)) throw this.violation(key, `${verb} the forbidden key at`);
  }

  isOutput(key: string): boolean {
    return this.node.children.get(key)?.output === true;
  }

  /**
   * What reading `key` gives: the draft beneath an output, a guard for a
   * prefix of declared paths (made once), the frozen snapshot beneath an
   * input, or a violation.
   */
  read(key: string): unknown {
    const child = this.node.children.get(key);
    if (child?.output) return this.draft()[key];
    if (child && (child.outputBelow || !(this.withinInput || child.input))) {
      if (this.#children?.has(key)) return this.#children.get(key);
      const value = this.base[key];
      const guarded = isObject(value)
        ? guardNode(new NodeState(this.scope, child, this, key, value, this.withinInput || child.input))
        : value;
      (this.#children ??= new Map()).set(key, guarded);
      return guarded;
    }
    // An array's length is its shape, not its data: readable at any prefix.
    if (child || this.withinInput || (key === 'length' && Array.isArray(this.base))) return this.base[key];
    const alias = this.parent ? undefined : layerRules().aliases[key];
    throw this.violation(key, alias ? `read '${key}': the context names it ${alias}, at` : 'read the undeclared path');
  }

  write(key: string, value: unknown): void {
    this.checkKey(key, 'wrote');
    if (!this.isOutput(key)) throw this.violation(key, 'wrote');
    this.draft()[key] = unwrapGuard(value);
    this.#children?.delete(key);
  }

  remove(key: string): void {
    this.checkKey(key, 'deleted');
    if (!this.isOutput(key)) throw this.violation(key, 'deleted');
    delete this.draft()[key];
  }
}

// Keys that runtimes and libraries probe on any object (await, JSON,
// species, inspection): absent on a guard rather than a violation.
const PROBED = new Set(['then', 'toJSON', 'constructor', 'asymmetricMatch', '$$typeof', 'nodeType']);

function guardNode(state: NodeState): object {
  const { base } = state;
  if (base instanceof Map || base instanceof Set || ArrayBuffer.isView(base) || base instanceof Date) {
    throw state.violation(undefined, `declares paths beneath the ${base.constructor.name} at`);
  }
  return Array.isArray(base) || state.withinInput ? proxyGuard(state) : plainGuard(state);
}

/**
 * The fast guard, for an object node that is only a prefix of declared
 * paths (the common case: a layer): a plain object with an accessor per
 * declared key, which engines inline like ordinary property reads. Any other
 * key falls through to a prototype that refuses it. The accessors and the
 * prototype are made once per contract node ({@link shapeOf}); a
 * transaction only creates the object and fills in its values.
 */
function plainGuard(state: NodeState): object {
  const shape = shapeOf(state.node, Reflect.getPrototypeOf(state.base));
  if (shape.valueKeys.length > 0) state.values = shape.valueKeys.map((key) => state.read(key));
  // One defineProperty per key: Object.create(proto, descriptors) does the
  // same some four times more slowly in V8, and this runs per transaction.
  const object = Object.create(shape.proto) as Obj;
  for (const [key, descriptor] of shape.entries) Object.defineProperty(object, key, descriptor);
  const guard = new Stamp(object, state) as unknown as Obj;
  state.guard = guard;
  state.shape = shape;
  state.scope.plain.push(state);
  return guard;
}

/**
 * What a plain object cannot refuse as it happens, checked when the process
 * returns: a changed prototype, a key redefined or added (the transaction is
 * then refused), and a deleted output key (deleted from the draft too).
 */
function finishPlain(state: NodeState): void {
  const guard = state.guard!;
  const shape = state.shape!;
  if (Reflect.getPrototypeOf(guard) !== shape.proto) throw state.violation(undefined, 'changed the prototype of');
  // Only output accessors are configurable: the others cannot be redefined.
  for (const [key, descriptor] of shape.outputEntries) {
    const own = Reflect.getOwnPropertyDescriptor(guard, key);
    if (!own) state.remove(key);
    else if (own.get !== descriptor.get) throw state.violation(key, 'redefined');
  }
  const keys = Reflect.ownKeys(guard);
  if (keys.length > shape.keyCount) {
    const extra = keys.find((key) => typeof key === 'symbol' || !state.node.children.has(key));
    throw state.violation(typeof extra === 'string' ? extra : undefined, 'defined');
  }
}

interface Shape {
  proto: object;
  /** The accessor of each declared key. */
  entries: [string, PropertyDescriptor][];
  /** Those of output keys (configurable, so that a process may delete them). */
  outputEntries: [string, PropertyDescriptor][];
  valueKeys: string[];
  keyCount: number;
}

// Keyed by contract node, then by the prototype of the guarded value, so that
// `instanceof` sees the class of a layer that is a class instance.
const shapes = new WeakMap<AccessNode, Map<object | null, Shape>>();

function shapeOf(node: AccessNode, baseProto: object | null): Shape {
  let byProto = shapes.get(node);
  if (!byProto) shapes.set(node, (byProto = new Map()));
  let shape = byProto.get(baseProto);
  if (shape) return shape;
  const proto = new Proxy(Object.create(null) as object, {
    get(_, key, receiver) {
      if (typeof key === 'symbol' || PROBED.has(key)) return undefined;
      const state = stateOf(receiver);
      state.checkKey(key, 'read');
      if (state.isOutput(key)) return undefined; // deleted during this transaction
      return state.read(key);
    },
    set(_, key, value, receiver) {
      const state = stateOf(receiver);
      if (typeof key === 'symbol') throw state.violation(undefined, 'set a symbol key on');
      state.write(key, value);
      // Assigned again after a delete: the accessor comes back.
      Object.defineProperty(receiver, key, descriptors[key]);
      return true;
    },
    getPrototypeOf() {
      return baseProto;
    },
    has(_, key) {
      // `in` walks the prototype chain with no receiver: the key is absent.
      if (typeof key === 'symbol' || PROBED.has(key) || node.children.get(key)?.output) return false;
      throw new ContractViolationError(`a process tested the undeclared key '${key}' with 'in'; declare the path in its contract`);
    },
  });
  const descriptors: PropertyDescriptorMap = {};
  const valueKeys: string[] = [];
  for (const [key, child] of node.children) {
    if (child.output) {
      descriptors[key] = {
        get(this: Obj) {
          return stateOf(this).read(key);
        },
        set(this: Obj, value: unknown) {
          stateOf(this).write(key, value);
        },
        enumerable: true,
        configurable: true,
      };
    } else {
      const index = valueKeys.push(key) - 1;
      descriptors[key] = {
        get(this: Obj) {
          return stateOf(this).values[index];
        },
        set(this: Obj) {
          throw stateOf(this).violation(key, 'wrote');
        },
        // Not configurable: neither deleted nor redefined.
        enumerable: true,
      };
    }
  }
  const entries = Object.entries(descriptors);
  shape = { proto, entries, outputEntries: entries.filter(([key]) => node.children.get(key)!.output), valueKeys, keyCount: node.children.size };
  byProto.set(baseProto, shape);
  return shape;
}

/**
 * The general guard, for arrays and for nodes within an input that also
 * hold outputs: a Proxy that checks every key.
 */
function proxyGuard(state: NodeState): object {
  const { base } = state;
  const guard = new Proxy(Array.isArray(base) ? [] : {}, {
    get(_, key) {
      if (typeof key === 'symbol') return Reflect.get(base, key);
      if (key === 'constructor') return undefined;
      state.checkKey(key, 'read');
      return state.read(key);
    },
    has(_, key) {
      if (typeof key === 'symbol') return Reflect.has(base, key);
      state.checkKey(key, 'read');
      state.read(key);
      return key in (state.isOutput(key) ? state.draft() : base);
    },
    set(_, key, value) {
      if (typeof key === 'symbol') throw state.violation(undefined, 'set a symbol key on');
      state.write(key, value);
      return true;
    },
    deleteProperty(_, key) {
      if (typeof key === 'symbol') throw state.violation(undefined, 'deleted a symbol key of');
      state.remove(key);
      return true;
    },
    defineProperty(_, key) {
      throw state.violation(typeof key === 'string' ? key : undefined, 'used defineProperty on');
    },
    ownKeys() {
      // Only what the process may read: everything within an input, else
      // the declared keys that exist.
      const keys = state.withinInput ? Reflect.ownKeys(base) : [...state.node.children.keys()].filter((k) => k in base);
      return Array.isArray(base) && !keys.includes('length') ? [...keys, 'length'] : keys;
    },
    getOwnPropertyDescriptor(_, key) {
      if (key === 'length' && Array.isArray(base)) {
        return { value: base.length, writable: true, enumerable: false, configurable: false };
      }
      if (typeof key === 'symbol') return Reflect.getOwnPropertyDescriptor(base, key);
      const source = state.isOutput(key) ? state.draft() : base;
      const own = Reflect.getOwnPropertyDescriptor(source, key);
      return own && { value: state.read(key), writable: true, enumerable: own.enumerable, configurable: true };
    },
    getPrototypeOf() {
      return Reflect.getPrototypeOf(base);
    },
    setPrototypeOf() {
      throw state.violation(undefined, 'changed the prototype of');
    },
    preventExtensions() {
      throw state.violation(undefined, 'tried to freeze');
    },
  });
  return new Stamp(guard, state);
}
