import { describe, expect, it } from 'vitest';
import { init, process, TheusEngine, TheusError } from 'theus';
import { fileStorage } from '../ts/storage/file.ts';
import { encode } from '../ts/storage/encoding.ts';
import { frame } from '../ts/storage/frames.ts';
import { goesOn, step } from './support/storage-fixtures.ts';
import { itUnless, workerd } from './support/runtime.ts';

await init();

interface Fs {
  mkdtemp(prefix: string): Promise<string>;
  readdir(path: string): Promise<string[]>;
  mkdir(path: string): Promise<unknown>;
  readFile(path: string): Promise<Uint8Array>;
  writeFile(path: string, data: Uint8Array | string): Promise<void>;
  appendFile(path: string, data: Uint8Array): Promise<void>;
  rm(path: string, options: { recursive: true; force: true }): Promise<void>;
}
const host = (globalThis as { process?: { getBuiltinModule?(id: string): unknown; pid?: number; ppid?: number } }).process;
const fs = typeof host?.getBuiltinModule === 'function' && !workerd ? (host.getBuiltinModule('node:fs/promises') as Fs) : undefined;
const fileIt = itUnless(it, !fs, 'no file system here: fileStorage is for Node, Deno and Bun');

async function tempDir(): Promise<string> {
  const tmp = (host!.getBuiltinModule!('node:os') as { tmpdir(): string }).tmpdir();
  return fs!.mkdtemp(`${tmp}/theus-file-storage-`);
}

/** Every file of a directory with its bytes: what "nothing was changed" compares. */
async function contents(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of (await fs!.readdir(dir)).sort()) out[name] = Array.from(await fs!.readFile(`${dir}/${name}`)).join(',');
  return out;
}

const logOf = async (dir: string) => `${dir}/${(await fs!.readdir(dir)).find((name) => name.startsWith('log-'))!}`;

class Point {
  constructor(
    public x: number,
    public y: number,
  ) {}
  norm(): number {
    return Math.hypot(this.x, this.y);
  }
}

const rich = () => ({
  domain_ctx: {
    n: 0,
    seen: new Map<number, Date>(),
    tags: new Set(['a', 'b']),
    bytes: new Uint8Array([1, 2, 255]),
    floats: new Float64Array([0.5, -0]),
    buffer: new Uint8Array([7, 8]).buffer,
    missing: undefined,
    big: 2n ** 70n,
    when: new Date(1_700_000_000_000),
    nested: { list: [1, undefined, { deep: null }] },
  },
});

async function committed(dir: string, commits: number, options: { snapshotEvery?: number; historyLimit?: number } = {}) {
  const storage = fileStorage(dir, { snapshotEvery: options.snapshotEvery ?? 1000 });
  const engine = await TheusEngine.create(rich(), { storage, historyLimit: options.historyLimit ?? 100 });
  engine.register(step);
  for (let i = 0; i < commits; i++) await engine.execute(step);
  engine.dispose();
  await storage.close();
}

describe('fileStorage', () => {
  fileIt('resumes state, version, history and values beyond JSON, across snapshots', async () => {
    const dir = await tempDir();
    try {
      const storage = fileStorage(dir, { snapshotEvery: 4 });
      const first = await TheusEngine.create(rich(), { storage, historyLimit: 5 });
      first.register(step);
      await Promise.all(Array.from({ length: 11 }, () => first.execute(step)));
      const before = first.state;
      const history = first.history.slice(-5);
      first.dispose();
      await storage.close();

      const sysCtx: Record<string, unknown> = { domain_ctx: { n: 999 }, global_ctx: { stale: true } };
      const again = fileStorage(dir, { snapshotEvery: 4 });
      const second = await TheusEngine.create(sysCtx, { storage: again, historyLimit: 5 });
      expect(second.version).toBe(11);
      expect(second.history.map((r) => r.version)).toEqual([7, 8, 9, 10, 11]);
      expect(second.state).toEqual(before);
      expect(sysCtx).toEqual(before);
      const domain = second.state.domain_ctx as ReturnType<typeof rich>['domain_ctx'];
      expect(domain.seen.get(11)).toEqual(new Date(11));
      expect(domain.tags).toEqual(new Set(['a', 'b']));
      expect(domain.bytes).toEqual(new Uint8Array([1, 2, 255]));
      expect(Object.is(domain.floats[1], -0)).toBe(true);
      expect(new Uint8Array(domain.buffer)).toEqual(new Uint8Array([7, 8]));
      expect(Object.hasOwn(domain, 'missing')).toBe(true);
      expect(domain.big).toBe(2n ** 70n);
      expect(second.history).toEqual(history);
      await goesOn(second, again, 5);
      // Old logs go once a snapshot holds their commits.
      const names = await fs!.readdir(dir);
      expect(names.filter((name) => name.startsWith('log-'))).toHaveLength(1);
      expect(names.filter((name) => !name.startsWith('log-'))).toEqual(['snapshot']);
    } finally {
      await fs!.rm(dir, { recursive: true, force: true });
    }
  });

  fileIt('saves a class instance as its own properties: it loads as a plain object', async () => {
    const dir = await tempDir();
    try {
      const storage = fileStorage(dir, { snapshotEvery: 2 });
      const engine = await TheusEngine.create({ domain_ctx: { at: new Point(3, 4) } }, { storage });
      const move = process({ outputs: ['domain_ctx.at'], name: 'move' }, (ctx) => {
        ctx.domain_ctx.at = new Point(ctx.domain_ctx.at.x * 2, ctx.domain_ctx.at.y * 2);
      });
      // Through a snapshot (version 2) and a log record (version 3).
      for (let i = 0; i < 3; i++) await engine.execute(move);
      // In memory the engine keeps the prototype.
      expect((engine.state.domain_ctx.at as Point).norm()).toBe(40);
      engine.dispose();
      await storage.close();
      const reopened = fileStorage(dir);
      const again = await TheusEngine.create({ domain_ctx: {} }, { storage: reopened, historyLimit: 0 });
      expect(again.history).toEqual([]);
      const at = (again.state.domain_ctx as { at: object }).at;
      expect(at).toStrictEqual({ x: 24, y: 32 });
      expect(Object.getPrototypeOf(at)).toBe(Object.prototype);
      again.dispose();
      await reopened.close();
    } finally {
      await fs!.rm(dir, { recursive: true, force: true });
    }
  });

  fileIt('drops a torn last record (cut off, or followed by zeros) and goes on after the last whole one', async () => {
    for (const tear of [(whole: Uint8Array) => whole.subarray(0, whole.length - 3), (whole: Uint8Array) => new Uint8Array(whole.length)]) {
      const dir = await tempDir();
      try {
        await committed(dir, 5);
        const log = await logOf(dir);
        await fs!.appendFile(log, tear(frame(encode({ version: 6, process: 'step', patches: [], inversePatches: [], at: 1 }))));
        const storage = fileStorage(dir);
        const engine = await TheusEngine.create(rich(), { storage });
        expect(engine.version).toBe(5);
        engine.register(step);
        await engine.execute(step);
        engine.dispose();
        await storage.close();
        const reopened = fileStorage(dir);
        const again = await TheusEngine.create(rich(), { storage: reopened });
        expect([again.version, (again.state.domain_ctx as { n: number }).n]).toEqual([6, 6]);
        again.dispose();
        await reopened.close();
      } finally {
        await fs!.rm(dir, { recursive: true, force: true });
      }
    }
  });

  fileIt('keeps saving on the log when a snapshot cannot be written, and tries it again later', async () => {
    const dir = await tempDir();
    try {
      const storage = fileStorage(dir, { snapshotEvery: 2 });
      const engine = await TheusEngine.create(rich(), { storage });
      // A directory where the snapshot's temporary file would go (not empty: Deno's unlink removes an empty one): writing it fails.
      await fs!.mkdir(`${dir}/snapshot.tmp`);
      await fs!.writeFile(`${dir}/snapshot.tmp/in-the-way`, 'x');
      engine.register(step);
      for (let i = 0; i < 5; i++) await engine.execute(step);
      engine.dispose();
      await storage.close();
      expect((await fs!.readdir(dir)).sort()).toEqual(['log-0000000000000000', 'snapshot', 'snapshot.tmp']);
      await fs!.rm(`${dir}/snapshot.tmp`, { recursive: true, force: true });
      const reopened = fileStorage(dir, { snapshotEvery: 2 });
      const again = await TheusEngine.create(rich(), { storage: reopened });
      expect([again.version, (again.state.domain_ctx as { n: number }).n]).toEqual([5, 5]);
      await goesOn(again, reopened, 1000);
      expect((await fs!.readdir(dir)).sort()).toEqual(['log-0000000000000006', 'snapshot']);
    } finally {
      await fs!.rm(dir, { recursive: true, force: true });
    }
  });

  fileIt('refuses a damaged record with records after it, a damaged snapshot and a newer format, changing nothing', async () => {
    const cases: [string, (dir: string) => Promise<void>, RegExp][] = [
      [
        'a damaged middle record',
        async (dir) => {
          const log = await logOf(dir);
          const bytes = await fs!.readFile(log);
          bytes[40] = bytes[40]! ^ 0xff;
          await fs!.writeFile(log, bytes);
        },
        /the storage could not load its state: the file storage in .* is damaged: log-0000000000000000 has a damaged record at byte \d+ with records after it; nothing was changed: restore the directory from a backup/,
      ],
      [
        'a damaged snapshot',
        async (dir) => {
          const bytes = await fs!.readFile(`${dir}/snapshot`);
          bytes[bytes.length - 2] = bytes[bytes.length - 2]! ^ 0xff;
          await fs!.writeFile(`${dir}/snapshot`, bytes);
        },
        /is damaged: snapshot is not one whole record/,
      ],
      [
        'a newer format',
        async (dir) => {
          const bytes = await fs!.readFile(`${dir}/snapshot`);
          bytes.set(new TextEncoder().encode('theus-storage snapshot 2'));
          await fs!.writeFile(`${dir}/snapshot`, bytes);
        },
        /the file storage in .* was written by a newer Theus \(format 2; this one reads format 1\): open it with that version or a later one; nothing was changed/,
      ],
      [
        'a log ahead of its snapshot',
        async (dir) => fs!.writeFile(`${dir}/log-0000000000000009`, 'theus-storage log 1\n'),
        /log-0000000000000009 is newer than its snapshot \(version 0\)/,
      ],
      ['a file of another kind', async (dir) => fs!.writeFile(`${dir}/snapshot`, '{"version": 1}\n'), /snapshot was not written by Theus as a snapshot/],
    ];
    for (const [, damage, message] of cases) {
      const dir = await tempDir();
      try {
        await committed(dir, 4);
        await damage(dir);
        const before = await contents(dir);
        const error: unknown = await TheusEngine.create(rich(), { storage: fileStorage(dir) }).then(() => 'opened', (e: unknown) => e);
        expect(error).toBeInstanceOf(TheusError);
        expect((error as Error).message).toMatch(message);
        expect(await contents(dir)).toEqual(before);
      } finally {
        await fs!.rm(dir, { recursive: true, force: true });
      }
    }
  });

  fileIt('never lets a loaded record or value set a prototype', async () => {
    const hostile = [
      frame(encode({ version: 5, process: 'step', patches: [{ op: 'add', path: ['__proto__', 'polluted'], value: true }], inversePatches: [], at: 1 })),
      frame(encode({ version: 5, process: 'step', patches: [{ op: 'add', path: ['domain_ctx', 'constructor', 'prototype', 'polluted'], value: true }], inversePatches: [], at: 1 })),
      // A patch value with a __proto__ key: refused by the decoder.
      frame(
        new TextEncoder().encode(
          new TextDecoder().decode(encode({ version: 5, process: 'step', patches: [{ op: 'add', path: ['domain_ctx', 'x'], value: { __evil__: { polluted: true } } }], inversePatches: [], at: 1 })).replace('"__evil__"', '"__proto__"'),
        ),
      ),
    ];
    for (const record of hostile) {
      const dir = await tempDir();
      try {
        await committed(dir, 4);
        await fs!.appendFile(await logOf(dir), record);
        // A whole record at the end: not torn, so damage.
        await fs!.appendFile(await logOf(dir), frame(encode({ version: 6, process: 'step', patches: [], inversePatches: [], at: 1 })));
        await expect(TheusEngine.create(rich(), { storage: fileStorage(dir) })).rejects.toThrow(/is damaged: (log-0000000000000000 holds a record after version 4 that is not commit 5|a record of log-0000000000000000 cannot be decoded)/);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      } finally {
        await fs!.rm(dir, { recursive: true, force: true });
      }
    }
  });

  fileIt('gives a directory to one engine at a time', async () => {
    const dir = await tempDir();
    try {
      const storage = fileStorage(dir);
      const engine = await TheusEngine.create(rich(), { storage });
      await expect(TheusEngine.create(rich(), { storage: fileStorage(dir) })).rejects.toThrow(/is open in another fileStorage of this process: one engine at a time may own a directory; close\(\) that one first/);
      engine.dispose();
      await storage.close();

      // A live process (this one's parent) holds it.
      await fs!.writeFile(`${dir}/theus.lock`, `${host!.ppid}\n`);
      await expect(TheusEngine.create(rich(), { storage: fileStorage(dir) })).rejects.toThrow(
        new RegExp(`is owned by process ${host!.ppid} \\(.*theus\\.lock\\): one engine at a time may own a directory; stop that one, or delete the lock file if no such process runs Theus`),
      );
    } finally {
      await fs!.rm(dir, { recursive: true, force: true });
    }
  });

  const deno = (globalThis as { Deno?: { permissions: { querySync(p: { name: string }): { state: string } } } }).Deno;
  itUnless(it, !fs || !deno || deno.permissions.querySync({ name: 'run' }).state === 'granted', 'only Deno without --allow-run')('in Deno without --allow-run, says that whether the owner runs is unknown, and how to let it be checked', async () => {
    const dir = await tempDir();
    try {
      await fs!.writeFile(`${dir}/theus.lock`, '2147483646\n');
      await expect(TheusEngine.create(rich(), { storage: fileStorage(dir) })).rejects.toThrow(
        /is owned by process 2147483646 \(whether it still runs is unknown: .*; in Deno, --allow-run lets Theus check, and take over the lock of a process that is gone\)/,
      );
    } finally {
      await fs!.rm(dir, { recursive: true, force: true });
    }
  });

  // Deno asks for --allow-run to signal a process, even with signal 0: there a lock is never taken as stale.
  itUnless(it, !fs || 'Deno' in globalThis, 'Deno without --allow-run cannot tell whether the lock holder is alive')('takes over the lock of a process that is gone', async () => {
    const dir = await tempDir();
    try {
      await committed(dir, 2);
      // Pids stop far below this one.
      await fs!.writeFile(`${dir}/theus.lock`, '2147483646\n');
      const after = fileStorage(dir);
      const resumed = await TheusEngine.create(rich(), { storage: after });
      expect(resumed.version).toBe(2);
      expect(new TextDecoder().decode(await fs!.readFile(`${dir}/theus.lock`))).toBe(`${host!.pid}\n`);
      resumed.dispose();
      await after.close();
      expect(await fs!.readdir(dir)).not.toContain('theus.lock');
    } finally {
      await fs!.rm(dir, { recursive: true, force: true });
    }
  });

  fileIt('says when a directory cannot be opened, and refuses wrong arguments', async () => {
    const dir = await tempDir();
    try {
      await fs!.writeFile(`${dir}/plain-file`, 'x');
      await expect(TheusEngine.create(rich(), { storage: fileStorage(`${dir}/plain-file`) })).rejects.toThrow(
        /the storage could not load its state: the file storage in .*plain-file cannot be opened \(.*\): check that it is a directory this process may read and write/,
      );
    } finally {
      await fs!.rm(dir, { recursive: true, force: true });
    }
    expect(() => fileStorage('')).toThrow(new TypeError('fileStorage(dir): expected a directory path, a non-empty string'));
    expect(() => fileStorage('x', { snapshotEvery: 0 })).toThrow(/snapshotEvery must be an integer from 1 to 1000000, got 0/);
    expect(() => fileStorage('x', { snapshotevery: 5 } as never)).toThrow(new TypeError("fileStorage: unknown option 'snapshotevery'; its options are snapshotEvery, groupCommit"));
    expect(() => fileStorage('x', null as never)).toThrow(new TypeError('fileStorage: options must be an object such as { snapshotEvery }, got null'));
    expect(() => fileStorage('x', { groupCommit: 'no' } as never)).toThrow(new TypeError('fileStorage: option groupCommit must be true or false, got no'));
  });

  itUnless(it, !!fs, 'a file system is here')('is refused where there is no file system', () => {
    expect(() => fileStorage('data')).toThrow(new TypeError('fileStorage needs a file system (Node, Deno or Bun); in a browser use indexedDbStorage from theus/storage/indexeddb'));
  });
});
