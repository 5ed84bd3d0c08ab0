/**
 * A Cloudflare Durable Object's own storage as the `storage` of the one
 * engine the object hosts: the object is the single authority for its
 * state, and every commit is in its storage before `execute` resolves.
 *
 * Layout (under `prefix`): `head` (the version, the version of the last
 * snapshot, the oldest commit kept), `snapshot` (the state at that version)
 * and `commit:<version>` (each commit's record). A save writes the commit
 * and the head, now and then a snapshot, and drops commits that neither the
 * history nor a replay needs, in one batch: the storage writes a batch made
 * without an await in between atomically.
 *
 * @example
 * ```ts
 * import { DurableObject } from 'cloudflare:workers';
 * import { TheusEngine } from 'theus';
 * import { durableObjectStorage } from 'theus/storage/durable-object';
 *
 * export class Counter extends DurableObject {
 *   engine = TheusEngine.create({ domain_ctx: { count: 0 } }, { storage: durableObjectStorage(this.ctx.storage) });
 * }
 * ```
 */
import { applyPatches } from '../commit.ts';
import { TheusError } from '../errors.ts';
import { adapterOptions, snapshotEveryOption } from './adapter-options.ts';
import type { CommitRecord } from '../history.ts';
import { isCommitRecord, type Saved, type Storage } from '../storage.ts';
import type { Root } from '../store.ts';

/** The part of `DurableObjectStorage` this adapter uses. */
export interface DurableObjectStorageLike {
  get<T>(key: string): Promise<T | undefined>;
  list<T>(options: { prefix: string }): Promise<Map<string, T>>;
  put<T>(entries: Record<string, T>): Promise<void>;
  delete(keys: string[]): Promise<number>;
}

/** Options of {@link durableObjectStorage}. */
export interface DurableObjectStorageOptions {
  /** Prefix of every key this adapter writes (default `'theus:'`), to share the storage with other data. */
  prefix?: string;
  /** Commits between two snapshots of the whole state (default 100): fewer means faster loads (less to replay), more means faster saves (the whole state is written less often). */
  snapshotEvery?: number;
}

interface Head {
  version: number;
  snapshot: number;
  /** The oldest commit record still stored. */
  oldest: number;
}

// The storage takes at most 128 keys in one put or delete.
const BATCH = 128;

/**
 * Keeps an engine's state in a Durable Object's storage
 * (`this.ctx.storage`). Values are stored by structured clone, so a state
 * may hold what that carries (Map, Set, Date, typed arrays); the storage
 * limits one value's size (the whole state is one snapshot value).
 */
export function durableObjectStorage(storage: DurableObjectStorageLike, options: DurableObjectStorageOptions = {}): Storage {
  const missing = (['get', 'list', 'put', 'delete'] as const).filter((m) => typeof (storage as unknown as Record<string, unknown>)?.[m] !== 'function');
  if (missing.length > 0) throw new TypeError(`durableObjectStorage(storage): expected a Durable Object's storage (this.ctx.storage); this one lacks ${missing.join(', ')}`);
  const { prefix = 'theus:', snapshotEvery: every = 100 } = adapterOptions('durableObjectStorage', options, ['prefix', 'snapshotEvery']);
  if (typeof prefix !== 'string' || prefix === '') throw new TypeError('durableObjectStorage: option prefix must be a non-empty string');
  const snapshotEvery = snapshotEveryOption('durableObjectStorage', every, 10_000);
  const headKey = `${prefix}head`;
  const snapshotKey = `${prefix}snapshot`;
  const commitPrefix = `${prefix}commit:`;
  // Zero-padded, so that the storage lists commits in version order.
  const commitKey = (version: number) => `${commitPrefix}${String(version).padStart(16, '0')}`;
  let head: Head | undefined;
  let historyLimit = 0;

  return {
    async load(limits) {
      historyLimit = limits.historyLimit;
      head = await storage.get<Head>(headKey);
      if (head === undefined) return undefined;
      if (!isHead(head)) throw new TheusError(`the Durable Object's storage has a ${headKey} that Theus did not write: it is damaged`);
      const [snapshot, stored] = await Promise.all([storage.get<Root>(snapshotKey), storage.list<CommitRecord>({ prefix: commitPrefix })]);
      if (snapshot === undefined) throw new TheusError(`the Durable Object's storage has ${headKey} but no ${snapshotKey}: it is damaged`);
      const records = [...stored.values()];
      let state = snapshot;
      let version = head.snapshot;
      for (const record of records) {
        if (record.version <= head.snapshot) continue;
        if (record.version !== version + 1) throw new TheusError(`the Durable Object's storage lacks commit ${version + 1}: it is damaged`);
        if (!isCommitRecord(record, version, head.version)) throw new TheusError(`the Durable Object's storage holds a commit ${version + 1} that Theus did not write: it is damaged`);
        state = applyPatches(state, record.patches);
        version = record.version;
      }
      if (version !== head.version) throw new TheusError(`the Durable Object's storage holds commits up to ${version}, its head says ${head.version}: it is damaged`);
      return { state, version, history: records.slice(-historyLimit) } satisfies Saved;
    },

    async start(state) {
      head = { version: 0, snapshot: 0, oldest: 1 };
      await storage.put<unknown>({ [headKey]: head, [snapshotKey]: state });
    },

    async save(record, state) {
      const before = head ?? { version: 0, snapshot: 0, oldest: 1 };
      const next: Head = { version: record.version, snapshot: before.snapshot, oldest: before.oldest };
      const entries: Record<string, unknown> = { [commitKey(record.version)]: record };
      if (record.version - before.snapshot >= snapshotEvery) {
        entries[snapshotKey] = state;
        next.snapshot = record.version;
      }
      // Kept: the history, and whatever a replay from the snapshot needs.
      const keepFrom = Math.min(next.snapshot + 1, record.version - historyLimit + 1);
      const drop: string[] = [];
      while (next.oldest < keepFrom && drop.length < BATCH) drop.push(commitKey(next.oldest++));
      entries[headKey] = next;
      // No await between the writes: the storage commits them as one.
      const writes = [storage.put(entries), drop.length > 0 ? storage.delete(drop) : undefined];
      await Promise.all(writes);
      head = next;
    },
  };
}

function isHead(value: unknown): value is Head {
  if (typeof value !== 'object' || value === null) return false;
  const { version, snapshot, oldest } = value as Partial<Head>;
  return Number.isSafeInteger(version) && Number.isSafeInteger(snapshot) && Number.isSafeInteger(oldest) && snapshot! >= 0 && snapshot! <= version! && oldest! >= 1;
}
