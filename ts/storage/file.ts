/**
 * A directory as the `storage` of one engine (Node, Deno, Bun): an
 * append-only commit log, flushed to disk before each save resolves, and
 * now and then a snapshot of the whole state that starts a new log.
 *
 * Layout: `snapshot` (the state at a version, with the history up to then),
 * `log-<version>` (the commits after that snapshot's version), `theus.lock`
 * (the pid of the process that owns the directory). Each file starts with a
 * line `theus-storage <kind> <format>`; each record in it is framed by its
 * length and a CRC-32 (frames.ts) and encoded by encoding.ts.
 *
 * @example
 * ```ts
 * import { TheusEngine } from 'theus';
 * import { fileStorage } from 'theus/storage/file';
 *
 * const storage = fileStorage('./data/shop');
 * const engine = await TheusEngine.create({ domain_ctx: { orders: [] } }, { storage });
 * // ... on shutdown:
 * engine.dispose();
 * await storage.close();
 * ```
 */
import { applyPatches } from '../commit.ts';
import { TheusError } from '../errors.ts';
import { adapterOptions, snapshotEveryOption } from './adapter-options.ts';
import type { CommitRecord } from '../history.ts';
import { builtin } from '../runtime.ts';
import { isCommitRecord, type Saved, type SavedCommit, type Storage } from '../storage.ts';
import type { Root } from '../store.ts';
import { decode, encode } from './encoding.ts';
import { frame, readFrames } from './frames.ts';

/** Options of {@link fileStorage}. */
export interface FileStorageOptions {
  /** Commits between two snapshots (default 1000): fewer means faster opening (less log to replay), more means fewer writes of the whole state. */
  snapshotEvery?: number;
  /** Whether the commits decided during one flush are written and flushed together (default true); false flushes each commit alone. */
  groupCommit?: boolean;
}

/** A {@link fileStorage}: a `Storage` that also lets its directory go. */
export interface FileStorage extends Storage {
  /** The directory, resolved. */
  readonly dir: string;
  /** Waits for the saves under way, then closes the log and removes the lock: another engine may open the directory. */
  close(): Promise<void>;
}

/** The format this version writes and reads; a file of a later one is refused, never rewritten. */
export const FILE_FORMAT = 1;

interface Handle {
  write(buffer: Uint8Array, offset: number, length: number, position: number): Promise<unknown>;
  datasync(): Promise<void>;
  sync(): Promise<void>;
  truncate(length: number): Promise<void>;
  close(): Promise<void>;
}

interface Fs {
  open(path: string, flags: string): Promise<Handle>;
  readFile(path: string): Promise<Uint8Array>;
  readFile(path: string, encoding: 'utf8'): Promise<string>;
  readdir(path: string): Promise<string[]>;
  mkdir(path: string, options: { recursive: true }): Promise<unknown>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
}

interface Host {
  pid: number;
  kill(pid: number, signal: 0): void;
}

interface Snapshot {
  version: number;
  state: Root;
  history: CommitRecord[];
}

interface Open {
  log: Handle;
  logBase: number;
  size: number;
  version: number;
  snapshot: number;
  history: CommitRecord[];
}

// Directories owned by a storage of this process: the lock file says which
// process owns one, this says which storage in it.
const owners = new Map<string, object>();

const LOG = /^log-(\d{16})$/;
const logName = (base: number) => `log-${String(base).padStart(16, '0')}`;
const headerOf = (kind: string) => new TextEncoder().encode(`theus-storage ${kind} ${FILE_FORMAT}\n`);

/**
 * Keeps an engine's state in the directory `dir` (made if missing). Each
 * save is on disk (datasync) before it resolves; a crash loses no resolved
 * commit, and a record torn by a crash mid-write is dropped on the next
 * open. One engine at a time owns the directory (a lock file holding its
 * process id); `close()` lets it go.
 *
 * Values are encoded with devalue: JSON data plus Map, Set, Date, typed
 * arrays, ArrayBuffer, BigInt and undefined. A class instance is saved as
 * its own enumerable properties and loads as a plain object. A function, a
 * symbol or a `__proto__` key cannot be saved: that save fails and stops the
 * engine.
 *
 * @example
 * ```ts
 * const storage = fileStorage('./data', { snapshotEvery: 500 });
 * const engine = await TheusEngine.create(sysCtx, { storage });
 * ```
 */
export function fileStorage(dir: string, options: FileStorageOptions = {}): FileStorage {
  if (typeof dir !== 'string' || dir === '') throw new TypeError('fileStorage(dir): expected a directory path, a non-empty string');
  const { snapshotEvery: every = 1000, groupCommit = true } = adapterOptions('fileStorage', options, ['snapshotEvery', 'groupCommit']);
  const snapshotEvery = snapshotEveryOption('fileStorage', every, 1_000_000);
  if (typeof groupCommit !== 'boolean') throw new TypeError(`fileStorage: option groupCommit must be true or false, got ${String(groupCommit)}`);
  const fs = builtin<Fs>('node:fs/promises');
  const path = builtin<{ resolve(...parts: string[]): string; join(...parts: string[]): string }>('node:path');
  const host = (globalThis as { process?: Host }).process;
  const workerd = (globalThis as { navigator?: { userAgent?: string } }).navigator?.userAgent === 'Cloudflare-Workers';
  if (!fs || !path || !host || workerd) throw new TypeError('fileStorage needs a file system (Node, Deno or Bun); in a browser use indexedDbStorage from theus/storage/indexeddb');

  const root = path.resolve(dir);
  const file = (name: string) => path.join(root, name);
  const lockPath = file('theus.lock');
  const named = `the file storage in ${root}`;
  const damaged = (what: string) => new TheusError(`${named} is damaged: ${what}; nothing was changed: restore the directory from a backup, or move it away to start afresh`);
  const self = {};
  let historyLimit = 0;
  let opened: Open | undefined;
  let tail: Promise<unknown> = Promise.resolve();

  async function lock(): Promise<void> {
    const owner = owners.get(root);
    if (owner === self) return;
    if (owner) throw new TheusError(`${named} is open in another fileStorage of this process: one engine at a time may own a directory; close() that one first`);
    try {
      await fs!.mkdir(root, { recursive: true });
    } catch (cause) {
      throw new TheusError(`${named} cannot be opened (${message(cause)}): check that it is a directory this process may read and write`, { cause });
    }
    for (let attempt = 0; ; attempt++) {
      try {
        const handle = await fs!.open(lockPath, 'wx');
        const pid = new TextEncoder().encode(`${host!.pid}\n`);
        await handle.write(pid, 0, pid.length, 0);
        await handle.close();
        owners.set(root, self);
        return;
      } catch (cause) {
        if (code(cause) !== 'EEXIST' || attempt > 0) throw new TheusError(`${named} cannot be opened (${message(cause)}): check that it is a directory this process may read and write`, { cause });
      }
      const pid = Number.parseInt(await fs!.readFile(lockPath, 'utf8').catch(() => ''), 10);
      const owned = Number.isSafeInteger(pid) && pid !== host!.pid ? alive(pid) : false;
      if (owned !== false) {
        // Deno without --allow-run may not even ask whether the owner runs.
        const unknown = owned === true ? '' : ` (whether it still runs is unknown: ${owned}; in Deno, --allow-run lets Theus check, and take over the lock of a process that is gone)`;
        throw new TheusError(`${named} is owned by process ${pid}${unknown} (${lockPath}): one engine at a time may own a directory; stop that one, or delete the lock file if no such process runs Theus`);
      }
      // The owner is gone (a crash leaves its lock behind): take the directory over.
      await fs!.unlink(lockPath).catch(() => {});
    }
  }

  /** Whether process `pid` runs: true, false, or why that cannot be told. */
  function alive(pid: number): boolean | string {
    try {
      host!.kill(pid, 0);
      return true;
    } catch (error) {
      const why = code(error);
      return why === 'ESRCH' ? false : why === 'EPERM' ? true : message(error);
    }
  }

  async function unlock(): Promise<void> {
    if (owners.get(root) !== self) return;
    owners.delete(root);
    await fs!.unlink(lockPath).catch(() => {});
  }

  // Where the platform lets a directory be opened and synced (not Windows),
  // a rename and a new file are on disk once this resolves.
  async function syncDir(): Promise<void> {
    const handle = await fs!.open(root, 'r').catch(() => undefined);
    if (!handle) return;
    await handle.sync().catch(() => {});
    await handle.close();
  }

  async function writeNew(name: string, bytes: Uint8Array): Promise<Handle> {
    const handle = await fs!.open(file(name), 'w+');
    try {
      await handle.write(bytes, 0, bytes.length, 0);
      await handle.sync();
    } catch (error) {
      await handle.close();
      throw error;
    }
    return handle;
  }

  /** The bytes after a file's header line; throws for a file of another kind or a newer format. */
  function afterHeader(bytes: Uint8Array, name: string, kind: string): number {
    const end = bytes.subarray(0, 64).indexOf(10);
    const line = end === -1 ? '' : new TextDecoder().decode(bytes.subarray(0, end));
    const match = /^theus-storage (\w+) (\d+)$/.exec(line);
    if (!match || match[1] !== kind) throw damaged(`${name} was not written by Theus as a ${kind}`);
    if (Number(match[2]) > FILE_FORMAT) {
      throw new TheusError(`${named} was written by a newer Theus (format ${match[2]}; this one reads format ${FILE_FORMAT}): open it with that version or a later one; nothing was changed`);
    }
    return end + 1;
  }

  function decoded(bytes: Uint8Array, what: string): unknown {
    try {
      return decode(bytes);
    } catch (cause) {
      throw damaged(`${what} cannot be decoded (${message(cause)})`);
    }
  }

  async function readSnapshot(): Promise<Snapshot> {
    const bytes = await fs!.readFile(file('snapshot'));
    const framed = readFrames(bytes, afterHeader(bytes, 'snapshot', 'snapshot'));
    // Written whole and renamed into place: anything short of one whole record is damage.
    if (framed.records.length !== 1 || framed.end !== bytes.length) throw damaged('snapshot is not one whole record');
    const snapshot = decoded(framed.records[0]!, 'snapshot') as Partial<Snapshot> | null;
    const { version, state, history } = snapshot ?? {};
    if (!Number.isSafeInteger(version) || version! < 0 || typeof state !== 'object' || state === null || !Array.isArray(history)) throw damaged('snapshot holds no version, state and history');
    return snapshot as Snapshot;
  }

  /** Writes the snapshot of `version` to snapshot.tmp, fsynced: not yet the snapshot. */
  async function writeSnapshot(version: number, state: Root, history: CommitRecord[]): Promise<void> {
    const bytes = concat(headerOf('snapshot'), frame(encode({ version, state, history } satisfies Snapshot)));
    await (await writeNew('snapshot.tmp', bytes)).close();
  }

  /** Makes snapshot.tmp the snapshot, with a new log after it. */
  async function installSnapshot(version: number): Promise<{ log: Handle; size: number }> {
    await fs!.rename(file('snapshot.tmp'), file('snapshot'));
    const header = headerOf('log');
    const log = await writeNew(logName(version), header);
    // The snapshot in place and its log made before an older log goes.
    await syncDir();
    return { log, size: header.length };
  }

  async function load(): Promise<Saved | undefined> {
    let names: string[];
    try {
      names = await fs!.readdir(root);
    } catch (cause) {
      throw new TheusError(`${named} cannot be opened (${message(cause)}): check that it is a directory this process may read and write`, { cause });
    }
    const bases = names.flatMap((name) => (LOG.test(name) ? [Number(LOG.exec(name)![1])] : []));
    if (!names.includes('snapshot')) {
      if (bases.length > 0) throw damaged(`it has ${logName(bases[0]!)} but no snapshot`);
      return undefined;
    }
    const snapshot = await readSnapshot();
    let { state, version } = snapshot;
    // slice(-0) would keep them all.
    const history = historyLimit === 0 ? [] : snapshot.history.slice(-historyLimit);
    const ahead = bases.find((base) => base > snapshot.version);
    if (ahead !== undefined) throw damaged(`${logName(ahead)} is newer than its snapshot (version ${snapshot.version})`);
    const name = logName(snapshot.version);
    let bytes: Uint8Array = new Uint8Array(0);
    let start = 0;
    if (bases.includes(snapshot.version)) {
      bytes = await fs!.readFile(file(name));
      const header = headerOf('log');
      // A log whose header was being written when the process died holds nothing yet.
      start = bytes.length < header.length && header.subarray(0, bytes.length).every((b, i) => b === bytes[i]) ? bytes.length : afterHeader(bytes, name, 'log');
    }
    const framed = readFrames(bytes, start);
    if (framed.damagedAt !== undefined) throw damaged(`${name} has a damaged record at byte ${framed.damagedAt} with records after it`);
    for (const payload of framed.records) {
      const record = decoded(payload, `a record of ${name}`) as CommitRecord;
      if (!isCommitRecord(record, version, Number.MAX_SAFE_INTEGER) || record.version !== version + 1) throw damaged(`${name} holds a record after version ${version} that is not commit ${version + 1}`);
      state = applyPatches(state, record.patches);
      version = record.version;
      history.push(record);
      if (history.length > historyLimit) history.shift();
    }

    // Checked whole: now the directory is put right (nothing above wrote to it).
    let log: Handle;
    let size = framed.end;
    if (start < headerOf('log').length) {
      // No log, or one whose header was cut short: a new one, empty.
      log = await writeNew(name, headerOf('log'));
      size = headerOf('log').length;
      await syncDir();
    } else {
      log = await fs!.open(file(name), 'r+');
      // A torn last record is dropped, so that the next one follows a whole one.
      if (framed.end < bytes.length) {
        await log.truncate(framed.end);
        await log.sync();
      }
    }
    for (const base of bases) if (base < snapshot.version) await fs!.unlink(file(logName(base)));
    // A leftover that cannot go (not a file) does no harm: the next snapshot is tried and skipped.
    if (names.includes('snapshot.tmp')) await fs!.unlink(file('snapshot.tmp')).catch(() => {});
    opened = { log, logBase: snapshot.version, size, version, snapshot: snapshot.version, history };
    return { state, version, history: [...history] };
  }

  // Calls run one after another: a load, a start, saves, a close.
  const serial = <T>(run: () => Promise<T>): Promise<T> => {
    const result = tail.then(run);
    tail = result.catch(() => {});
    return result;
  };

  async function append(commits: readonly SavedCommit[]): Promise<void> {
    const open = opened;
    if (!open) throw new TheusError(`${named} is closed`);
    const bytes = concat(...commits.map(({ record }) => frame(encode(record))));
    await open.log.write(bytes, 0, bytes.length, open.size);
    await open.log.datasync();
    open.size += bytes.length;
    const { record, state } = commits[commits.length - 1]!;
    open.version = record.version;
    if (historyLimit > 0) {
      open.history.push(...commits.map((commit) => commit.record));
      if (open.history.length > historyLimit) open.history.splice(0, open.history.length - historyLimit);
    }
    if (record.version - open.snapshot < snapshotEvery) return;
    try {
      await writeSnapshot(record.version, state, open.history);
    } catch {
      // The log holds every commit, so this save stands; the snapshot is tried again at the next.
      await fs!.unlink(file('snapshot.tmp')).catch(() => {});
      return;
    }
    const old = open.log;
    const oldBase = open.logBase;
    ({ log: open.log, size: open.size } = await installSnapshot(record.version));
    open.snapshot = open.logBase = record.version;
    await old.close();
    await fs!.unlink(file(logName(oldBase)));
  }

  const storage: FileStorage = {
    dir: root,

    load: (limits) =>
      serial(async () => {
        historyLimit = limits.historyLimit;
        await lock();
        await opened?.log.close();
        opened = undefined;
        try {
          return await load();
        } catch (error) {
          await unlock();
          throw error;
        }
      }),

    start: (state) =>
      serial(async () => {
        if (owners.get(root) !== self) throw new TheusError(`${named} was not loaded: the engine loads a storage before it starts one`);
        await writeSnapshot(0, state, []);
        const { log, size } = await installSnapshot(0);
        opened = { log, logBase: 0, size, version: 0, snapshot: 0, history: [] };
      }),

    save: (record, state) => serial(() => append([{ record, state }])),

    close: () =>
      serial(async () => {
        await opened?.log.close();
        opened = undefined;
        await unlock();
      }),
  };
  // Group commit: the commits decided while a flush ran share the next one.
  if (groupCommit) storage.saveMany = (commits) => serial(() => append(commits));
  return storage;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

const code = (error: unknown) => (error as { code?: unknown } | null)?.code;
const message = (error: unknown) => (error instanceof Error ? error.message : String(error));
