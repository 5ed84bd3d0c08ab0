/**
 * An IndexedDB database as the `storage` of one engine (browsers and
 * workers). Each save writes the commit, the head and now and then a
 * snapshot in one readwrite transaction (durability 'strict' where the
 * browser has it), and resolves once that transaction has completed.
 *
 * Layout: object store `meta` holds `head` (format, version, the version of
 * the snapshot, the oldest commit kept) and `snapshot` (the state at that
 * version); object store `commits` holds each commit record under its
 * version. Values are stored by structured clone.
 *
 * @example
 * ```ts
 * import { TheusEngine } from 'theus';
 * import { indexedDbStorage } from 'theus/storage/indexeddb';
 *
 * const engine = await TheusEngine.create({ domain_ctx: { cart: [] } }, { storage: indexedDbStorage('shop') });
 * ```
 */
import { applyPatches } from '../commit.ts';
import { TheusError } from '../errors.ts';
import { adapterOptions, snapshotEveryOption } from './adapter-options.ts';
import type { CommitRecord } from '../history.ts';
import { isCommitRecord, type Saved, type SavedCommit, type Storage } from '../storage.ts';
import type { Root } from '../store.ts';

/** Options of {@link indexedDbStorage} (plain data: a SharedWorker can make the same storage from them). */
export interface IndexedDbStorageOptions {
  /** Commits between two snapshots of the whole state (default 100): fewer means faster loads, more means faster saves. */
  snapshotEvery?: number;
}

/** An {@link indexedDbStorage}: a `Storage` that can be made again from its recipe, and closed. */
export interface IndexedDbStorage extends Storage {
  /** The database's name. */
  readonly name: string;
  /** `indexedDbStorage(...args)` again, in another thread. */
  readonly recipe: { adapter: 'indexeddb'; args: unknown[] };
  /** Closes the database connection once the saves under way are done. */
  close(): Promise<void>;
}

/** The format of what this version stores (in `head`); a later one is refused, never rewritten. */
export const INDEXEDDB_FORMAT = 1;

// The database's schema version: its object stores.
const SCHEMA = 1;

interface Head {
  format: number;
  version: number;
  snapshot: number;
  oldest: number;
}

/**
 * Keeps an engine's state in the IndexedDB database `name` of this origin
 * (made if missing). A commit is in the database before `execute`
 * resolves. Values are stored by structured clone: Map, Set, Date, typed
 * arrays, BigInt and undefined survive; a class instance is stored as its
 * own properties and loads as a plain object; a function cannot be stored
 * (that save fails and stops the engine). Each save checks that the
 * database is still at the version this storage last saved, so a second
 * engine on the same database is refused instead of interleaving.
 *
 * @example
 * ```ts
 * const storage = indexedDbStorage('shop', { snapshotEvery: 50 });
 * const engine = await TheusEngine.create(sysCtx, { storage });
 * ```
 */
export function indexedDbStorage(name: string, options: IndexedDbStorageOptions = {}): IndexedDbStorage {
  if (typeof name !== 'string' || name === '') throw new TypeError('indexedDbStorage(name): expected a database name, a non-empty string');
  const snapshotEvery = snapshotEveryOption('indexedDbStorage', adapterOptions('indexedDbStorage', options, ['snapshotEvery']).snapshotEvery ?? 100, 10_000);
  const named = `the IndexedDB storage '${name}'`;
  const damaged = (what: string) => new TheusError(`${named} is damaged: ${what}; nothing was changed: delete the database (or use another name) to start afresh`);
  let db: IDBDatabase | undefined;
  let head: Head | undefined;
  let historyLimit = 0;
  let tail: Promise<unknown> = Promise.resolve();

  const serial = <T>(run: () => Promise<T>): Promise<T> => {
    const result = tail.then(run);
    tail = result.catch(() => {});
    return result;
  };

  function open(): Promise<IDBDatabase> {
    const idb = (globalThis as { indexedDB?: IDBFactory }).indexedDB;
    if (!idb) return Promise.reject(new TheusError(`${named} cannot be opened: there is no IndexedDB here (browsers and their workers have one); on a server use fileStorage from theus/storage/file`));
    return new Promise((resolve, reject) => {
      let request: IDBOpenDBRequest;
      try {
        request = idb.open(name, SCHEMA);
      } catch (cause) {
        reject(new TheusError(`${named} cannot be opened (${message(cause)})`, { cause }));
        return;
      }
      request.onupgradeneeded = () => {
        const made = request.result;
        if (!made.objectStoreNames.contains('meta')) made.createObjectStore('meta');
        if (!made.objectStoreNames.contains('commits')) made.createObjectStore('commits');
      };
      request.onsuccess = () => {
        const opened = request.result;
        // A newer schema elsewhere (another tab after an update) asks this connection to go.
        opened.onversionchange = () => opened.close();
        resolve(opened);
      };
      request.onerror = () => {
        const cause = request.error;
        reject(
          cause?.name === 'VersionError'
            ? new TheusError(`${named} was written by a newer Theus (a schema after ${SCHEMA}): open it with that version or a later one; nothing was changed`, { cause })
            : new TheusError(`${named} cannot be opened (${message(cause)}): the browser may refuse storage here (private mode, a quota, a sandboxed frame)`, { cause }),
        );
      };
      request.onblocked = () => reject(new TheusError(`${named} cannot be opened: another tab holds it at an older schema; close or reload that tab`));
    });
  }

  function transaction(mode: IDBTransactionMode): IDBTransaction {
    // 'strict': the browser reports completion once the data is flushed to disk.
    return db!.transaction(['meta', 'commits'], mode, { durability: 'strict' });
  }

  async function load(): Promise<Saved | undefined> {
    const tx = transaction('readonly');
    const meta = tx.objectStore('meta');
    const [stored, snapshot, records] = await Promise.all([
      result<unknown>(meta.get('head')),
      result<{ version: number; state: Root } | undefined>(meta.get('snapshot')),
      result<CommitRecord[]>(tx.objectStore('commits').getAll()),
    ]);
    if (stored === undefined) {
      if (records.length > 0) throw damaged('it holds commits but no head');
      return undefined;
    }
    if (!isHead(stored)) throw damaged('its head was not written by Theus');
    if (stored.format > INDEXEDDB_FORMAT) {
      throw new TheusError(`${named} was written by a newer Theus (format ${stored.format}; this one reads format ${INDEXEDDB_FORMAT}): open it with that version or a later one; nothing was changed`);
    }
    if (typeof snapshot !== 'object' || snapshot === null || snapshot.version !== stored.snapshot || typeof snapshot.state !== 'object' || snapshot.state === null) {
      throw damaged(`it has no snapshot at version ${stored.snapshot}`);
    }
    let state = snapshot.state;
    let version = stored.snapshot;
    for (const record of records) {
      if (typeof record?.version !== 'number' || record.version <= stored.snapshot) continue;
      if (record.version !== version + 1) throw damaged(`it lacks commit ${version + 1}`);
      if (!isCommitRecord(record, version, stored.version)) throw damaged(`its commit ${version + 1} was not written by Theus`);
      state = applyPatches(state, record.patches);
      version = record.version;
    }
    if (version !== stored.version) throw damaged(`it holds commits up to ${version}, its head says ${stored.version}`);
    head = stored;
    const history = historyLimit === 0 ? [] : records.filter((record) => record.version > stored.version - historyLimit);
    if (history.some((record, i) => !isCommitRecord(record, i === 0 ? 0 : history[i - 1]!.version, stored.version))) throw damaged('its history holds a record Theus did not write');
    return { state, version, history };
  }

  function write(build: (meta: IDBObjectStore, commits: IDBObjectStore) => void, expected: number | undefined): Promise<void> {
    const tx = transaction('readwrite');
    const meta = tx.objectStore('meta');
    const commits = tx.objectStore('commits');
    let failure: unknown;
    const attempt = () => {
      try {
        build(meta, commits);
      } catch (error) {
        // A value structured clone refuses (a function): the error itself, not the abort it causes.
        failure = error;
        tx.abort();
      }
    };
    const done = completion(tx);
    if (expected === undefined) attempt();
    else {
      // Checked in the same transaction as the writes: nothing can save in between.
      const current = meta.get('head');
      current.onsuccess = () => {
        if ((current.result as Head | undefined)?.version === expected) return attempt();
        failure = new TheusError(`${named} was saved to by another engine meanwhile (it is no longer at version ${expected}): one engine at a time may own a database; for tabs, use the worker option's shared mode`);
        tx.abort();
      };
    }
    return done.catch((cause: unknown) => {
      throw failure ?? cause;
    });
  }

  async function put(commits: readonly SavedCommit[]): Promise<void> {
    const before = head;
    if (!db || !before) throw new TheusError(`${named} is closed`);
    const { record, state } = commits[commits.length - 1]!;
    const next: Head = { ...before, version: record.version };
    if (record.version - before.snapshot >= snapshotEvery) next.snapshot = record.version;
    // Kept: the history, and whatever a replay from the snapshot needs.
    next.oldest = Math.max(before.oldest, Math.min(next.snapshot + 1, record.version - historyLimit + 1));
    await write((meta, store) => {
      for (const commit of commits) store.put(commit.record, commit.record.version);
      if (next.snapshot !== before.snapshot) meta.put({ version: next.snapshot, state }, 'snapshot');
      if (next.oldest > before.oldest) store.delete(IDBKeyRange.upperBound(next.oldest, true));
      meta.put(next, 'head');
    }, before.version);
    head = next;
  }

  const storage: IndexedDbStorage = {
    name,
    recipe: { adapter: 'indexeddb', args: [name, { ...options }] },

    load: (limits) =>
      serial(async () => {
        historyLimit = limits.historyLimit;
        db ??= await open();
        return load();
      }),

    start: (state) =>
      serial(async () => {
        const fresh: Head = { format: INDEXEDDB_FORMAT, version: 0, snapshot: 0, oldest: 1 };
        await write((meta, store) => {
          store.clear();
          meta.put({ version: 0, state }, 'snapshot');
          meta.put(fresh, 'head');
        }, undefined);
        head = fresh;
      }),

    save: (record, state) => serial(() => put([{ record, state }])),

    // Group commit: the commits decided during one transaction share the next.
    saveMany: (commits) => serial(() => put(commits)),

    close: () =>
      serial(async () => {
        db?.close();
        db = undefined;
        head = undefined;
      }),
  };
  return storage;
}

function result<T>(request: IDBRequest): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result as T);
    request.onerror = () => reject(request.error);
  });
}

function completion(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error);
    tx.onerror = () => reject(tx.error);
  });
}

function isHead(value: unknown): value is Head {
  if (typeof value !== 'object' || value === null) return false;
  const { format, version, snapshot, oldest } = value as Partial<Head>;
  return [format, version, snapshot, oldest].every((n) => Number.isSafeInteger(n)) && format! >= 1 && snapshot! >= 0 && snapshot! <= version! && oldest! >= 1;
}

const message = (error: unknown) => (error instanceof Error || error instanceof DOMException ? error.message : String(error));
