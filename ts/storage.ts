/**
 * Storage: where an authority keeps its state between runs. The engine
 * resumes what a storage holds, and saves each commit, one at a time and in
 * version order, before `execute` resolves. Adapters decide how (a commit
 * log with snapshots, a file, a database); this file holds what they agree
 * on with the engine.
 */
import { TheusError } from './errors.ts';
import type { CommitRecord } from './history.ts';
import { layerRules } from './layers.ts';
import type { Root } from './store.ts';

/** What a storage holds: the state at `version`, and the last commits (oldest first). */
export interface Saved {
  state: Record<string, object>;
  version: number;
  /** Up to `historyLimit` of the last commits, oldest first, the last one at `version`. */
  history: CommitRecord[];
}

/** A commit for {@link Storage.saveMany}, with the state it made. */
export interface SavedCommit {
  record: CommitRecord;
  state: Root;
}

/**
 * A place for an authority's state (the `storage` option). Every method may
 * reject; a rejected `save` stops the engine (see README "Storage").
 *
 * @example
 * ```ts
 * import { durableObjectStorage } from 'theus/storage/durable-object';
 * const engine = await TheusEngine.create(sysCtx, { storage: durableObjectStorage(ctx.storage) });
 * ```
 */
export interface Storage {
  /** What was saved last, or undefined when nothing was; `historyLimit`: how many commits the engine keeps. */
  load(options: { historyLimit: number }): Promise<Saved | undefined>;
  /** Saves the state of a new engine, at version 0. */
  start(state: Root): Promise<void>;
  /** Saves a commit and the state it made; resolves once both would survive a crash. */
  save(record: CommitRecord, state: Root): Promise<void>;
  /**
   * Group commit, where a storage has it: saves several commits at once (in
   * version order, each with the state it made), with one flush for all.
   * The engine hands it the commits decided while the previous save ran.
   */
  saveMany?(commits: readonly SavedCommit[]): Promise<void>;
  /**
   * How to make this storage again in another thread, as plain data: the
   * tabs' SharedWorker (`worker: { shared }`) rebuilds it there. A storage
   * without one cannot be shared that way.
   */
  readonly recipe?: StorageRecipe;
}

/**
 * A storage described by data: one of this package's adapters, by name, and
 * the arguments to call it with (structured-cloneable).
 *
 * @example
 * ```ts
 * // what indexedDbStorage('shop') carries, rebuilt in the SharedWorker as indexedDbStorage('shop')
 * const recipe: StorageRecipe = { adapter: 'indexeddb', args: ['shop'] };
 * ```
 */
export interface StorageRecipe {
  adapter: 'indexeddb';
  args: unknown[];
}

/**
 * Saves commits in the order they were decided, one save at a time; the
 * commits decided while a save runs go together in the next one where the
 * storage has `saveMany` (group commit). After a failed save nothing more is
 * saved, and every later save fails with the same error: what the storage
 * holds stays a state the engine really had.
 */
export class Saver {
  readonly #storage: Storage;
  readonly #onFailure: (error: TheusError) => void;
  #queue: (SavedCommit & { settle(error?: TheusError): void })[] = [];
  #running = false;
  #failed: TheusError | undefined;

  constructor(storage: Storage, onFailure: (error: TheusError) => void) {
    this.#storage = storage;
    this.#onFailure = onFailure;
  }

  save(record: CommitRecord, state: Root): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ record, state, settle: (error) => (error ? reject(error) : resolve()) });
      if (!this.#running) void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#running = true;
    while (this.#queue.length > 0) {
      const storage = this.#storage;
      const batch = storage.saveMany ? this.#queue.splice(0) : this.#queue.splice(0, 1);
      try {
        if (this.#failed) throw this.#failed;
        await (storage.saveMany ? storage.saveMany(batch) : storage.save(batch[0]!.record, batch[0]!.state));
      } catch (cause) {
        this.#fail(batch[0]!.record, cause);
        for (const entry of batch) entry.settle(this.#failed);
        continue;
      }
      for (const entry of batch) entry.settle();
    }
    this.#running = false;
  }

  #fail(record: CommitRecord, cause: unknown): void {
    if (this.#failed) return;
    const reason = cause instanceof Error ? cause.message : String(cause);
    this.#failed = new TheusError(
      `commit ${record.version} was made but could not be saved (${reason}); the engine has stopped, and its storage keeps the state of version ${record.version - 1}`,
      { cause },
    );
    this.#onFailure(this.#failed);
  }
}

/**
 * How an authority starts saving to `storage`: it makes the Saver, giving
 * it what to do when a save fails. Passed as a function so that the storage
 * code loads only where a storage is used.
 */
export type Saving = (onFailure: (error: TheusError) => void) => Saver;

export const savingTo =
  (storage: Storage): Saving =>
  (onFailure) =>
    new Saver(storage, onFailure);

/**
 * Opens a storage for a new engine: puts a saved state on `sysCtx` (its
 * layers replaced, as a commit replaces them) and answers where it resumes;
 * or saves `state` as version 0.
 */
export async function resume(storage: Storage, sysCtx: Record<string, unknown>, state: Root, historyLimit: number): Promise<{ version: number; history: CommitRecord[] }> {
  let saved: Saved | undefined;
  try {
    saved = await storage.load({ historyLimit });
  } catch (cause) {
    throw new TheusError(`the storage could not load its state: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
  if (saved === undefined) {
    await storage.start(state);
    return { version: 0, history: [] };
  }
  const { version, history } = saved;
  if (!Number.isSafeInteger(version) || version < 0 || !Array.isArray(history) || typeof saved.state !== 'object' || saved.state === null) {
    throw new TheusError('the storage holds no valid state (a version, a state object and a history list): it was not written by Theus, or is damaged');
  }
  const layers = layerRules().names as readonly string[];
  const stray = Object.keys(saved.state).find((key) => !layers.includes(key));
  if (stray !== undefined) throw new TheusError(`the storage holds a state with '${stray}', which is not a layer: it was not written by Theus, or is damaged`);
  // Checked before anything is put on the user's context: a refusal changes nothing there.
  const notData = Object.entries(saved.state).find(([, layer]) => typeof layer !== 'object' || layer === null || Array.isArray(layer));
  if (notData) throw new TheusError(`the storage holds a state whose layer '${notData[0]}' is not an object: it was not written by Theus, or is damaged`);
  const bad = history.findIndex((record, i) => !isCommitRecord(record, i === 0 ? 0 : (history[i - 1] as CommitRecord).version, version));
  if (bad !== -1) throw new TheusError(`the storage holds a history whose record ${bad} is not a commit record in version order: it was not written by Theus, or is damaged`);
  for (const key of Object.keys(sysCtx)) if (!Object.hasOwn(saved.state, key)) delete sysCtx[key];
  for (const key of Object.keys(saved.state)) sysCtx[key] = (saved.state as Record<string, unknown>)[key];
  return { version, history: history.slice(-historyLimit) };
}

const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype'];

const isPatchList = (patches: unknown): boolean =>
  Array.isArray(patches) &&
  patches.every(
    (patch) =>
      typeof patch === 'object' &&
      patch !== null &&
      ['add', 'replace', 'remove'].includes((patch as { op?: unknown }).op as string) &&
      Array.isArray((patch as { path?: unknown }).path) &&
      (patch as { path: unknown[] }).path.every((key) => typeof key === 'number' || (typeof key === 'string' && !PROTOTYPE_KEYS.includes(key))),
  );

/** A saved commit record, after `after` and at most `last` (its patch paths free of prototype keys). */
export function isCommitRecord(record: unknown, after: number, last: number): boolean {
  if (typeof record !== 'object' || record === null) return false;
  const { version, process, patches, inversePatches, at } = record as Partial<CommitRecord>;
  return (
    Number.isSafeInteger(version) &&
    version! > after &&
    version! <= last &&
    (process === null || typeof process === 'string') &&
    isPatchList(patches) &&
    isPatchList(inversePatches) &&
    Number.isFinite(at)
  );
}
