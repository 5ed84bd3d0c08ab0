/**
 * The store: one copy of the committed state (a replica's, or the
 * authority's own), its version and its commit log. It installs commits
 * strictly in version order, whoever made them: one that arrives early waits
 * for the ones before it. Installing is all or nothing: the new state is
 * made and frozen first, then the user's context object, the state, the
 * version and the log change together, and only then are subscribers told.
 */
import type { Patches } from './patch.ts';
import { applyPatches } from './commit.ts';
import { TheusError } from './errors.ts';
import { deepFreeze, freezeChanged } from './freeze.ts';
import { History, type CommitRecord } from './history.ts';
import { layerRules, type LayerName } from './layers.ts';
import { notify, type ListenerErrorHandler } from './listeners.ts';

export type Root = Record<LayerName, object>;

/** Told after each commit. */
export interface CommitEvent {
  version: number;
  process: string | null;
  patches: Patches;
}

/** A state a commit's author already made: valid while the store is still at `base`. */
export interface Made {
  base: Root;
  root: Root;
  /** Already frozen where the commit changed it (a transaction of this replica's: Store.freezeMade). */
  frozen?: boolean;
}

interface Pending {
  record: CommitRecord;
  made?: Made;
  then?: () => void;
}

export interface StoreOptions {
  strict: boolean;
  historyLimit: number;
  onListenerError: ListenerErrorHandler;
  /** The user's context object: its layers are replaced at each commit. */
  context?: Record<string, unknown>;
}

export class Store {
  #root: Root;
  #version: number;
  readonly #history: History;
  readonly #options: StoreOptions;
  readonly #listeners = new Set<(event: CommitEvent) => void>();
  /** Commits that arrived before their predecessors, by version. */
  readonly #early = new Map<number, Pending>();
  readonly #waiters = new Map<number, { resolve: () => void; reject: (error: unknown) => void }[]>();
  #broken: unknown;
  /** What rejects the bodies being awaited, should the store break meanwhile. */
  readonly #awaiting = new Set<(error: unknown) => void>();
  #announcing = 0;

  constructor(root: Root, version: number, options: StoreOptions, history: readonly CommitRecord[] = []) {
    this.#options = options;
    this.#root = root;
    this.#version = version;
    this.#history = new History(options.historyLimit);
    for (const record of history) this.#history.push(record);
    if (options.strict) deepFreeze(root);
  }

  get root(): Root {
    return this.#root;
  }

  /**
   * Freezes (in strict mode) what a transaction of this replica made, before
   * it is sent: a value that cannot be frozen then refuses the transaction,
   * rather than failing its install after the core committed it.
   */
  freezeMade(root: Root, patches: Patches): void {
    if (this.#options.strict) freezeChanged(root, patches);
  }

  get version(): number {
    return this.#version;
  }

  /** Whether commit listeners are being told of a commit right now. */
  get announcing(): boolean {
    return this.#announcing > 0;
  }

  get history(): CommitRecord[] {
    return this.#history.entries();
  }

  subscribe(listener: (event: CommitEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Installs a commit when its turn comes (at once if it is the next
   * version), then runs `then`. `made`: the new state, if its author made
   * it from `made.base`; otherwise the patches are applied. A version
   * already installed is ignored.
   */
  offer(record: CommitRecord, made?: Made, then?: () => void): void {
    if (record.version <= this.#version) {
      then?.();
      return;
    }
    if (record.version > this.#version + 1) {
      this.#early.set(record.version, { record, made, then });
      return;
    }
    this.#install({ record, made, then });
    for (let next = this.#early.get(this.#version + 1); next; next = this.#early.get(this.#version + 1)) {
      this.#early.delete(next.record.version);
      this.#install(next);
    }
  }

  /**
   * Installs a commit past a gap: a new authority for the tabs resumed at a
   * version whose commits in between are not at hand, so `record` replaces
   * whole layers.
   */
  leap(record: CommitRecord): void {
    this.#early.clear();
    this.#install({ record });
  }

  /** Resolves once the store holds `version` (or a newer one). */
  whenAt(version: number): Promise<void> {
    if (this.#version >= version) return Promise.resolve();
    if (this.#broken !== undefined) return Promise.reject(this.#broken);
    return new Promise((resolve, reject) => {
      const list = this.#waiters.get(version) ?? [];
      list.push({ resolve, reject });
      this.#waiters.set(version, list);
    });
  }

  /**
   * `pending` as it settles, unless the store breaks first: then its end (a
   * process body still awaited is given up). Each wait is forgotten once it
   * settles, so that nothing builds up over a long-lived engine.
   */
  until<T>(pending: PromiseLike<T>): Promise<T> {
    return new Promise((resolve, reject) => {
      if (this.#broken !== undefined) return reject(this.#broken);
      this.#awaiting.add(reject);
      Promise.resolve(pending)
        .then(resolve, reject)
        .then(() => this.#awaiting.delete(reject));
    });
  }

  /** The authority is gone: every wait for a version fails with `error`, now and later. */
  break(error: unknown): void {
    this.#broken = error;
    this.#early.clear();
    for (const list of this.#waiters.values()) for (const waiter of list) waiter.reject(error);
    for (const reject of this.#awaiting) reject(error);
    this.#awaiting.clear();
    this.#waiters.clear();
  }

  /**
   * Whether a commit of `layers` can be installed on the user's context
   * object: a layer it replaces must be writable there. Checked before a
   * commit is sent, so that an unwritable context refuses the transaction
   * instead of half-installing it.
   */
  unwritableLayer(patches: Patches): string | undefined {
    const context = this.#options.context;
    if (!context) return undefined;
    for (const patch of patches) {
      const layer = String((patch.path as unknown[])[0]);
      if (!writable(context, layer)) return layer;
    }
    return undefined;
  }

  #install({ record, made, then }: Pending): void {
    const previous = this.#root;
    const own = made && made.base === previous;
    const root = own ? made.root : applyPatches(previous, record.patches);
    if (this.#options.strict && !(own && made.frozen)) freezeChanged(root, record.patches);
    const context = this.#options.context;
    if (context) {
      let refused: string | undefined;
      for (const name of layerRules().names) {
        if (root[name] === previous[name]) continue;
        if (writable(context, name)) context[name] = root[name];
        else refused = name;
      }
      if (refused !== undefined) {
        // Someone else's commit: it stands; this context shows it only through engine.state.
        this.#options.onListenerError(
          new TheusError(`commit ${record.version}: the context object's layer '${refused}' is read-only, so it does not show this commit; engine.state does`),
          'context',
        );
      }
    }
    this.#root = root;
    this.#version = record.version;
    const frozen = this.#history.push(record);
    const waiting = this.#waiters.size > 0 ? this.#waiters.get(record.version) : undefined;
    if (waiting) this.#waiters.delete(record.version);
    if (this.#listeners.size > 0) {
      this.#announcing += 1;
      try {
        notify(this.#listeners, Object.freeze({ version: frozen.version, process: frozen.process, patches: frozen.patches }), this.#options.onListenerError, 'subscribe');
      } finally {
        this.#announcing -= 1;
      }
    }
    then?.();
    for (const waiter of waiting ?? []) waiter.resolve();
  }
}

/** Whether assigning `key` on `object` would take. */
export function writable(object: object, key: string): boolean {
  const own = Reflect.getOwnPropertyDescriptor(object, key);
  if (own) return own.writable === true || own.set !== undefined;
  return Object.isExtensible(object);
}

