import { describe, expect, it } from 'vitest';
import { init, TheusEngine, TheusError } from 'theus';
import { indexedDbStorage } from '../ts/storage/indexeddb.ts';
import { goesOn, step } from './support/storage-fixtures.ts';
import { itUnless } from './support/runtime.ts';

await init();

const idb = (globalThis as { indexedDB?: IDBFactory }).indexedDB;
const idbIt = itUnless(it, !idb, 'no IndexedDB here: indexedDbStorage is for browsers and their workers');

class Point {
  constructor(
    public x: number,
    public y: number,
  ) {}
}

const rich = () => ({
  domain_ctx: {
    n: 0,
    seen: new Map<number, Date>(),
    tags: new Set(['a']),
    bytes: new Uint8Array([1, 255]),
    missing: undefined,
    big: 2n ** 70n,
    at: new Point(3, 4),
  },
});

let made = 0;
const freshName = () => `theus-test-${Date.now()}-${made++}`;

function remove(name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = idb!.deleteDatabase(name);
    request.onsuccess = () => resolve();
    request.onerror = () => reject(request.error);
  });
}

/** Runs `change` on the database's object stores, in one transaction. */
async function tamper(name: string, change: (meta: IDBObjectStore, commits: IDBObjectStore) => void, version = 1): Promise<void> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = idb!.open(name, version);
    request.onupgradeneeded = () => {
      for (const store of ['meta', 'commits']) if (!request.result.objectStoreNames.contains(store)) request.result.createObjectStore(store);
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const tx = db.transaction(['meta', 'commits'], 'readwrite');
  change(tx.objectStore('meta'), tx.objectStore('commits'));
  await new Promise((resolve, reject) => {
    tx.oncomplete = resolve;
    tx.onerror = () => reject(tx.error);
  });
  db.close();
}

async function committed(name: string, commits: number, snapshotEvery = 100): Promise<void> {
  const storage = indexedDbStorage(name, { snapshotEvery });
  const engine = await TheusEngine.create(rich(), { storage });
  engine.register(step);
  for (let i = 0; i < commits; i++) await engine.execute(step);
  engine.dispose();
  await storage.close();
}

describe('indexedDbStorage', () => {
  idbIt('resumes state, version, history and values beyond JSON, across snapshots', async () => {
    const name = freshName();
    try {
      const storage = indexedDbStorage(name, { snapshotEvery: 4 });
      const first = await TheusEngine.create(rich(), { storage, historyLimit: 5 });
      first.register(step);
      await Promise.all(Array.from({ length: 11 }, () => first.execute(step)));
      const history = first.history.slice(-5);
      first.dispose();
      await storage.close();

      const sysCtx: Record<string, unknown> = { domain_ctx: { n: 999 }, global_ctx: { stale: true } };
      const again = indexedDbStorage(name, { snapshotEvery: 4 });
      const second = await TheusEngine.create(sysCtx, { storage: again, historyLimit: 5 });
      expect(second.version).toBe(11);
      expect(second.history).toEqual(history);
      const domain = sysCtx.domain_ctx as ReturnType<typeof rich>['domain_ctx'];
      expect(sysCtx).not.toHaveProperty('global_ctx.stale');
      expect(domain.n).toBe(11);
      expect(domain.seen.get(11)).toEqual(new Date(11));
      expect(domain.tags).toEqual(new Set(['a']));
      expect(domain.bytes).toEqual(new Uint8Array([1, 255]));
      expect(Object.hasOwn(domain, 'missing')).toBe(true);
      expect(domain.big).toBe(2n ** 70n);
      // A class instance is stored as its own properties: it loads as a plain object.
      expect(domain.at).toStrictEqual({ x: 3, y: 4 });
      await goesOn(second, again, 5);
    } finally {
      await remove(name);
    }
  });

  idbIt('refuses a second engine that saves to the same database meanwhile', async () => {
    const name = freshName();
    try {
      const a = indexedDbStorage(name);
      const b = indexedDbStorage(name);
      const first = await TheusEngine.create(rich(), { storage: a });
      const second = await TheusEngine.create(rich(), { storage: b });
      first.register(step);
      second.register(step);
      await first.execute(step);
      const error: unknown = await second.execute(step).then(() => 'saved', (e: unknown) => e);
      expect(error).toBeInstanceOf(TheusError);
      expect((error as Error).message).toMatch(/could not be saved \(the IndexedDB storage '.*' was saved to by another engine meanwhile \(it is no longer at version 0\): one engine at a time may own a database/);
      first.dispose();
      second.dispose();
      await a.close();
      await b.close();
    } finally {
      await remove(name);
    }
  });

  idbIt('says what is wrong with a damaged database or a newer one, changing nothing', async () => {
    const cases: [string, (meta: IDBObjectStore, commits: IDBObjectStore) => void, RegExp][] = [
      ['a missing commit', (_meta, commits) => commits.delete(2), /is damaged: it lacks commit 2; nothing was changed: delete the database/],
      ['a foreign head', (meta) => meta.put({ version: 'one' }, 'head'), /is damaged: its head was not written by Theus/],
      ['a newer format', (meta) => meta.put({ format: 2, version: 3, snapshot: 0, oldest: 1 }, 'head'), /was written by a newer Theus \(format 2; this one reads format 1\): open it with that version or a later one; nothing was changed/],
      ['no snapshot', (meta) => meta.delete('snapshot'), /is damaged: it has no snapshot at version 0/],
      [
        'a prototype-key path',
        (_meta, commits) => commits.put({ version: 1, process: 'step', patches: [{ op: 'add', path: ['__proto__', 'polluted'], value: true }], inversePatches: [], at: 1 }, 1),
        /is damaged: its commit 1 was not written by Theus/,
      ],
    ];
    for (const [, damage, message] of cases) {
      const name = freshName();
      try {
        await committed(name, 3);
        await tamper(name, damage);
        const error: unknown = await TheusEngine.create(rich(), { storage: indexedDbStorage(name) }).then(() => 'opened', (e: unknown) => e);
        expect(error).toBeInstanceOf(TheusError);
        expect((error as Error).message).toMatch(message);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      } finally {
        await remove(name);
      }
    }

    // A database of a later schema version.
    const name = freshName();
    try {
      await tamper(name, () => {}, 7);
      await expect(TheusEngine.create(rich(), { storage: indexedDbStorage(name) })).rejects.toThrow(/the IndexedDB storage '.*' was written by a newer Theus \(a schema after 1\)/);
    } finally {
      await remove(name);
    }
  });

  it('is made from its name and options alone (plain data), and refuses wrong arguments', () => {
    expect(indexedDbStorage('shop', { snapshotEvery: 5 }).recipe).toEqual({ adapter: 'indexeddb', args: ['shop', { snapshotEvery: 5 }] });
    expect(() => indexedDbStorage('')).toThrow(new TypeError('indexedDbStorage(name): expected a database name, a non-empty string'));
    expect(() => indexedDbStorage('x', { snapshotEvery: 0 })).toThrow(/snapshotEvery must be an integer from 1 to 10000, got 0/);
    expect(() => indexedDbStorage('x', { snapshotevery: 5 } as never)).toThrow(new TypeError("indexedDbStorage: unknown option 'snapshotevery'; its options are snapshotEvery"));
    expect(() => indexedDbStorage('x', [] as never)).toThrow(new TypeError('indexedDbStorage: options must be an object such as { snapshotEvery }, got an array'));
  });

  itUnless(it, !!idb, 'IndexedDB is here')('says there is no IndexedDB where there is none', async () => {
    await expect(TheusEngine.create(rich(), { storage: indexedDbStorage('shop') })).rejects.toThrow(
      /the IndexedDB storage 'shop' cannot be opened: there is no IndexedDB here \(browsers and their workers have one\); on a server use fileStorage from theus\/storage\/file/,
    );
  });
});
