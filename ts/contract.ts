/**
 * Processes and their contracts: `process(contract, fn)` attaches the
 * contract to the function itself. The contract is checked by the Rust core
 * when the process is registered, not here, so the rules live in one place.
 */

import type { Context } from './engine.ts';
import type { ContextPath } from './path-types.ts';

/** The role of a process, as in the origin: `'pure'` processes only read. */
export type Semantic = 'pure' | 'effect' | 'guide';

/**
 * What a process declares about itself. With a context type `C` (see
 * {@link processFor}), its paths are checked against `C` at compile time.
 */
export interface Contract<C extends object = Context> {
  /**
   * Context paths the process reads: `'domain_ctx.items'`,
   * `'domain.items[0].price'`, `"global['feature flags']"`. A path covers
   * everything beneath it.
   */
  inputs?: readonly ContextPath<C>[];
  /** Context paths the process writes (and so may also read). */
  outputs?: readonly ContextPath<C>[];
  /** Default `'effect'`. A `'pure'` process declares no outputs or side effects. */
  semantic?: Semantic;
  /** Names of the errors the process may throw, for documentation and audit. */
  errors?: readonly string[];
  /** Effects outside the context (e.g. `'http'`); none for a pure process. */
  sideEffects?: readonly string[];
  /** Whether the process may run in parallel with others. Default false. */
  parallel?: boolean;
  /** The registered name. Default: the function's own name. */
  name?: string;
}

/** A context path as the core compiled it. */
export interface CompiledPath {
  id: number;
  /** Canonical spelling, e.g. `domain_ctx.items[0].price`. */
  path: string;
  layer: 'global_ctx' | 'domain_ctx' | 'local_ctx';
  segments: (string | number)[];
  zone: 'DATA' | 'SIGNAL' | 'META' | 'HEAVY';
}

/** A contract as the core compiled it at register time. */
export interface CompiledContract {
  /** The id the registration gave it; commits name the process by it. */
  id: number;
  name: string;
  semantic: Semantic;
  inputs: CompiledPath[];
  outputs: CompiledPath[];
  errors: string[];
  sideEffects: string[];
  parallel: boolean;
  /** Where the audit recipe's input rules read the args (one key list per rule). */
  auditInputs: string[][];
  /** Where its output rules read the committed state (one key list per rule). */
  auditOutputs: string[][];
}

/** A function that `process()` has given a contract. */
export type Process<F extends ProcessFunction = ProcessFunction> = F & {
  /** The contract, frozen as it was given to `process()`. */
  readonly contract: Readonly<Contract>;
};

/**
 * The shape of a process body: the guarded context and one args object.
 * `any` is deliberate: the concrete types come from the function you pass.
 */
export type ProcessFunction = (ctx: any, args: any) => unknown;

/**
 * Declares a process: returns `fn` itself with `contract` attached (readable
 * as `fn.contract`). The registered name is `contract.name ?? fn.name`.
 * The paths are validated when the process is registered, where a bad one
 * throws `ContractViolationError` naming the process and the path.
 *
 * @example
 * ```ts
 * export const addProduct = process({
 *   inputs: ['domain_ctx.items'],
 *   outputs: ['domain_ctx.items', 'domain_ctx.total_value'],
 * }, function add_product(ctx, { product_name, price }: { product_name: string; price: number }) {
 *   ctx.domain_ctx.items.push({ name: product_name, price });
 *   ctx.domain_ctx.total_value += price;
 *   return 'Added';
 * });
 * ```
 */
export function process<F extends ProcessFunction>(contract: Contract, fn: F): Process<F> {
  if (typeof contract !== 'object' || contract === null || Array.isArray(contract)) {
    throw new TypeError(`process(contract, fn): contract must be an object such as { inputs, outputs }, got ${contract === null ? 'null' : typeof contract}`);
  }
  if (typeof fn !== 'function') {
    throw new TypeError(`process(contract, fn): fn must be a function, got ${typeof fn}`);
  }
  const { name: given } = contract as { name?: unknown };
  if (given !== undefined && (typeof given !== 'string' || given.trim() === '')) {
    throw new TypeError(`process(contract, fn): contract.name must be a non-empty string, got ${typeof given === 'string' ? 'an empty string' : typeof given}`);
  }
  if (Object.hasOwn(fn, 'contract')) {
    const name = contract.name ?? fn.name;
    throw new TypeError(`process(): function '${name}' already has a contract; wrap each function once`);
  }
  Object.defineProperty(fn, 'contract', { value: freezeCopy(contract), enumerable: true });
  return fn as Process<F>;
}

/**
 * The args a process takes, as `execute(fn, ...args)` accepts them: what
 * the function's second parameter declares (optional if it is optional,
 * `any` or absent).
 */
export type ArgsOf<F> = F extends (ctx: any, ...rest: infer Rest) => unknown
  ? Rest extends [infer A, ...unknown[]]
    ? 0 extends 1 & A
      ? [args?: any]
      : undefined extends A
        ? [args?: A]
        : [args: A]
    : Rest extends [(infer A)?, ...unknown[]]
      ? [args?: A]
      : [args?: object]
  : [args?: object];

/**
 * `process()` for a context type: contract paths are checked against `C`
 * at compile time (a misspelt path does not compile), the body's `ctx` is
 * typed as `C`, and `execute(fn, args)` checks `args` against the
 * function's second parameter. At run time it is `process` itself.
 *
 * @example
 * ```ts
 * type Shop = { domain_ctx: { items: { name: string; price: number }[]; total_value: number } };
 * const process = processFor<Shop>();
 * export const addProduct = process({
 *   inputs: ['domain_ctx.items'],
 *   outputs: ['domain_ctx.items', 'domain_ctx.total_value'],
 * }, function add_product(ctx, { name, price }: { name: string; price: number }) {
 *   ctx.domain_ctx.items.push({ name, price }); // ctx is a Shop
 *   ctx.domain_ctx.total_value += price;
 * });
 * ```
 */
export function processFor<C extends object>(): <F extends (ctx: C, args: any) => unknown>(contract: Contract<C>, fn: F) => Process<F> {
  return process as never;
}

/** True when `value` is a function made by {@link process}. */
export function isProcess(value: unknown): value is Process {
  return typeof value === 'function' && Object.hasOwn(value, 'contract');
}

/** The name a process registers under. */
export function processName(fn: Process): string {
  return fn.contract.name ?? fn.name;
}

// A copy, so that mutating the caller's arrays later cannot change what was
// registered; frozen, so that nobody can. Made by fromEntries, which defines
// each key: an own '__proto__' (a contract from JSON.parse) stays a key, for
// the core to refuse as unknown, and never becomes the copy's prototype.
function freezeCopy(contract: Contract): Readonly<Contract> {
  return Object.freeze(Object.fromEntries(Object.entries(contract).map(([key, value]) => [key, Array.isArray(value) ? Object.freeze([...value]) : value]))) as Readonly<Contract>;
}
