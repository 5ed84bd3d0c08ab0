/**
 * StateUpdate: the explicit way for a process to write, as in the origin.
 * Keys are dotted context paths, parsed and checked by the core like
 * contract paths; writes are permitted only within the process's outputs.
 */

import type { Context } from './engine.ts';
import type { PathWrites } from './path-types.ts';
import { updateParts, writeUpdate } from './update-write.ts';
import { stateUpdates } from './state-updates.ts';

/**
 * The three kinds of write a `StateUpdate` carries, each keyed by dotted
 * path. With a context type `C`, keys are checked against its paths and
 * values against the types found there.
 */
// The conditional makes TypeScript compare StateUpdateInits member by
// member, not by a variance it measures on `C`: an engine of a known context
// type is then still a `TheusEngine` (whose compareAndSwap takes any paths).
export type StateUpdateInit<C extends object = Context> = C extends unknown
  ? {
      /** Business data (DATA or META zone paths). */
      data?: PathWrites<C>;
      /** Signals (SIGNAL zone paths), published after the commit. */
      signal?: PathWrites<C>;
      /** Binary data (HEAVY zone paths): stored by reference, never copied or frozen. */
      heavy?: PathWrites<C>;
    }
  : never;

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
export class StateUpdate<C extends object = Context> {
  readonly data: Readonly<Record<string, unknown>>;
  readonly signal: Readonly<Record<string, unknown>>;
  readonly heavy: Readonly<Record<string, unknown>>;

  constructor(init: StateUpdateInit<C> = {} as StateUpdateInit<C>) {
    const { data, signal, heavy } = updateParts(init);
    this.data = data;
    this.signal = signal;
    this.heavy = heavy;
    stateUpdates.set(this, writeUpdate);
  }
}
