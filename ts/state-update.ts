/**
 * StateUpdate: the explicit way for a process to write, as in the origin.
 * Keys are dotted context paths, parsed and checked by the core like
 * contract paths; writes are permitted only within the process's outputs.
 */

/** The three kinds of write a `StateUpdate` carries, each keyed by dotted path. */
export interface StateUpdateInit {
  /** Business data (DATA or META zone paths). */
  data?: Record<string, unknown>;
  /** Signals (SIGNAL zone paths), published after the commit. */
  signal?: Record<string, unknown>;
  /** Binary data (HEAVY zone paths): stored by reference, never copied or frozen. */
  heavy?: Record<string, unknown>;
}

/**
 * Returned from a process, writes its entries in the same transaction as
 * any mutations of `ctx`; `execute` then resolves to the StateUpdate.
 *
 * @example
 * ```ts
 * const bump = process({ outputs: ['domain_ctx.counter', 'domain_ctx.sig_bumped'] },
 *   function bump(ctx) {
 *     return new StateUpdate({ data: { 'domain_ctx.counter': 1 }, signal: { 'domain_ctx.sig_bumped': true } });
 *   });
 * ```
 */
export class StateUpdate {
  readonly data: Readonly<Record<string, unknown>>;
  readonly signal: Readonly<Record<string, unknown>>;
  readonly heavy: Readonly<Record<string, unknown>>;

  constructor(init: StateUpdateInit = {}) {
    if (typeof init !== 'object' || init === null) throw new TypeError('StateUpdate: expected { data, signal, heavy }');
    const unknown = Object.keys(init).find((k) => k !== 'data' && k !== 'signal' && k !== 'heavy');
    if (unknown !== undefined) throw new TypeError(`StateUpdate: unknown key '${unknown}'; a StateUpdate has data, signal and heavy`);
    const part = (key: keyof StateUpdateInit): Readonly<Record<string, unknown>> => {
      const value = init[key] ?? {};
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw new TypeError(`StateUpdate: '${key}' must be an object of path: value`);
      }
      return Object.freeze({ ...value });
    };
    this.data = part('data');
    this.signal = part('signal');
    this.heavy = part('heavy');
  }
}
