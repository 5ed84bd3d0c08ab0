// worker: { shared }: the option's checks in every runtime, and one tab's
// engine on the leader-tab path where the runtime has Web Locks. Several
// tabs at once, and the SharedWorker, are checked by scripts/check-tabs.mjs.
import { describe, expect, it } from 'vitest';
import { init, process, TheusEngine, TheusError } from 'theus';
import { indexedDbStorage } from '../ts/storage/indexeddb.ts';
import { Store } from '../ts/store.ts';
import { MemoryStorage } from './support/memory-storage.ts';
import { itUnless } from './support/runtime.ts';

await init();

const scope = globalThis as { SharedWorker?: unknown; BroadcastChannel?: unknown; navigator?: { locks?: unknown } };
// Deno has both, within one process: the option refuses it as having no tabs.
const webLocks = typeof scope.BroadcastChannel === 'function' && typeof scope.navigator?.locks === 'object' && !('Deno' in globalThis);
const sharedWorkers = typeof scope.SharedWorker === 'function';
const tabs = webLocks || sharedWorkers;

const inc = process({ name: 'inc', outputs: ['domain_ctx.n'] }, function inc(ctx) {
  ctx.domain_ctx.n += 1;
});

describe('worker: { shared }', () => {
  it('refuses a bad shape with a TypeError naming the option', async () => {
    const storage = new MemoryStorage();
    await expect(TheusEngine.create({ domain_ctx: { n: 0 } }, { storage, worker: { shared: '' } })).rejects.toThrow(/'worker.shared' must be a non-empty string/);
    await expect(TheusEngine.create({ domain_ctx: { n: 0 } }, { storage, worker: { shared: 'a', via: 'smoke' as 'web-locks' } })).rejects.toThrow(/'worker.via' must be 'shared-worker' or 'web-locks'/);
    await expect(TheusEngine.create({ domain_ctx: { n: 0 } }, { storage, worker: { shared: 'a', name: 'b' } as { shared: string } })).rejects.toThrow(/unknown option 'worker.name'/);
  });

  itUnless(it, tabs, 'this runtime has tabs')('says what to use instead where there are no tabs to share with', async () => {
    const attempt = TheusEngine.create({ domain_ctx: { n: 0 } }, { storage: new MemoryStorage(), worker: { shared: 'shop' } });
    await expect(attempt).rejects.toThrow(TypeError);
    await expect(attempt).rejects.toThrow(/neither SharedWorker nor Web Locks; here use the storage alone \(one engine is the authority\), worker: true/);
  });

  itUnless(it, !tabs, 'no SharedWorker or Web Locks here')('needs a storage', async () => {
    const attempt = TheusEngine.create({ domain_ctx: { n: 0 } }, { worker: { shared: 'shop' } });
    await expect(attempt).rejects.toThrow(TypeError);
    await expect(attempt).rejects.toThrow(/'worker: \{ shared \}' needs 'storage'/);
  });

  itUnless(it, !sharedWorkers, 'no SharedWorker here')('refuses, for the SharedWorker, a storage that cannot be made again there', async () => {
    const attempt = TheusEngine.create({ domain_ctx: { n: 0 } }, { storage: new MemoryStorage(), worker: { shared: 'shop', via: 'shared-worker' } });
    await expect(attempt).rejects.toThrow(TypeError);
    await expect(attempt).rejects.toThrow(/this storage has none: use indexedDbStorage\(name\).*via: 'web-locks'/);
  });

  itUnless(it, !webLocks, 'no Web Locks here')('a lone tab leads: it resumes from the storage, commits, and hands the lock on when disposed', async () => {
    const storage = new MemoryStorage();
    const name = `lone-${Math.random()}`;
    const sysCtx = { domain_ctx: { n: 0 } };
    const engine = await TheusEngine.create(sysCtx, { storage, worker: { shared: name, via: 'web-locks' } });
    expect(engine.remote).toBe(true);
    await engine.execute(inc);
    await engine.execute(inc);
    expect([engine.version, sysCtx.domain_ctx.n, storage.saved?.version]).toEqual([2, 2, 2]);
    await expect(TheusEngine.create({ domain_ctx: { n: 0 } }, { storage, worker: { shared: name, via: 'web-locks' } })).rejects.toThrow(/already has an engine on the shared state/);
    await expect(engine.connect()).rejects.toThrow(TheusError);
    engine.dispose();

    const again = await TheusEngine.create({ domain_ctx: { n: 0 } }, { storage, worker: { shared: name, via: 'web-locks' } });
    expect([again.version, (again.state.domain_ctx as { n: number }).n]).toEqual([2, 2]);
    await again.execute(inc);
    expect(storage.saved?.version).toBe(3);
    again.dispose();
  });

  itUnless(it, !sharedWorkers, 'no SharedWorker here')('a lone tab on the SharedWorker: the storage made again there from its recipe, resumed by the next engine', async () => {
    const name = `lone-${Math.random()}`;
    const sysCtx = { domain_ctx: { n: 0 } };
    const engine = await TheusEngine.create(sysCtx, { storage: indexedDbStorage(name), worker: { shared: name } });
    await engine.execute(inc);
    expect([engine.version, sysCtx.domain_ctx.n]).toEqual([1, 1]);
    engine.dispose();

    const again = await TheusEngine.create({ domain_ctx: { n: 0 } }, { storage: indexedDbStorage(name), worker: { shared: name } });
    await again.execute(inc);
    expect([again.version, (again.state.domain_ctx as { n: number }).n]).toEqual([2, 2]);
    again.dispose();
  });

  it('a replica leaps to a new host state that its history does not reach: whole layers, one event, the context too', () => {
    const context: Record<string, unknown> = { domain_ctx: { n: 1 }, global_ctx: { g: 1 } };
    const store = new Store({ global_ctx: { g: 1 }, domain_ctx: { n: 1 }, local_ctx: {} } as never, 1, { strict: true, historyLimit: 10, onListenerError: () => {}, context });
    const seen: number[] = [];
    store.subscribe((event) => seen.push(event.version));
    store.offer({ version: 9, process: 'late', patches: [], inversePatches: [], at: 0 });
    store.leap({ version: 7, process: null, patches: [{ op: 'replace', path: ['domain_ctx'], value: { n: 7 } }], inversePatches: [], at: 0 });
    expect([store.version, store.root.domain_ctx, store.root.global_ctx, context.domain_ctx, seen]).toEqual([7, { n: 7 }, { g: 1 }, { n: 7 }, [7]]);
    expect(Object.isFrozen(store.root.domain_ctx)).toBe(true);
    // A commit that arrived early for the old numbering is dropped, not installed on the new state.
    store.offer({ version: 8, process: 'p', patches: [{ op: 'replace', path: ['domain_ctx', 'n'], value: 8 }], inversePatches: [], at: 0 });
    expect([store.version, seen]).toEqual([8, [7, 8]]);
  });
});
