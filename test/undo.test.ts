import { describe, expect, it } from 'vitest';
import { ConflictError, init, process, TheusEngine, TheusError } from 'theus';
import { itUnless, workerd } from './support/runtime.ts';
import { rejection } from './support/thrown.ts';

await init();

// A second replica of one authority is how a commit that is not the engine's own is made.
const itReplicas = itUnless(it, workerd, 'workerd has no threads (and its MessagePorts transfer nothing)');

const bump = process({ outputs: ['domain_ctx.n'] }, function bump(ctx) {
  ctx.domain_ctx.n += 1;
});
const addItem = process({ outputs: ['domain_ctx.items'] }, function add_item(ctx, { name }: { name: string }) {
  ctx.domain_ctx.items.push({ name });
});
const setM = process({ outputs: ['domain_ctx.m'] }, function set_m(ctx, { to }: { to: number }) {
  ctx.domain_ctx.m = to;
});
const fails = process({ outputs: ['domain_ctx.n'] }, function fails(ctx) {
  ctx.domain_ctx.n = 99;
  throw new Error('no');
});

/** Resolves once `engine` shows `version` (a replica installs other replicas' commits when they reach it). */
const reached = (engine: TheusEngine, version: number) =>
  new Promise<void>((resolve) => {
    if (engine.version >= version) return resolve();
    const off = engine.subscribe((event) => {
      if (event.version < version) return;
      off();
      resolve();
    });
  });

const fresh = () => TheusEngine.create({ domain_ctx: { n: 0, m: 0, items: [] as { name: string }[] } });

describe('undo() and redo()', () => {
  it('reverses the last own commit with a new commit, and redo reverses the undo', async () => {
    const engine = await fresh();
    expect([engine.canUndo, engine.canRedo]).toEqual([false, false]);
    await engine.execute(addItem, { name: 'a' });
    await engine.execute(addItem, { name: 'b' });
    expect(engine.canUndo).toBe(true);
    expect(await engine.undo()).toBe(3);
    expect(engine.state.domain_ctx.items).toEqual([{ name: 'a' }]);
    expect(Object.isFrozen(engine.state.domain_ctx.items)).toBe(true);
    expect([engine.canUndo, engine.canRedo]).toEqual([true, true]);
    expect(await engine.redo()).toBe(4);
    expect(engine.state.domain_ctx.items).toEqual([{ name: 'a' }, { name: 'b' }]);
    expect(engine.canRedo).toBe(false);
    expect(engine.history.map((r) => r.process)).toEqual(['add_item', 'add_item', 'undo()', 'redo()']);
    // The redo is itself an own commit: undoing it takes 'b' away again.
    await engine.undo();
    await engine.undo();
    expect(engine.state.domain_ctx.items).toEqual([]);
    expect(engine.canUndo).toBe(false);
    expect(engine.version).toBe(6);
  });

  it('undoes edits and compareAndSwaps too, and tells subscribers of its commit', async () => {
    const engine = await TheusEngine.create({ domain_ctx: { tags: new Map([['a', 1]]), n: 0 } });
    await engine.edit((ctx) => {
      ctx.domain_ctx.tags.set('b', 2);
      ctx.domain_ctx.tags.delete('a');
    });
    await engine.compareAndSwap(engine.version, { data: { 'domain_ctx.n': 7 } });
    const seen: (string | null)[] = [];
    engine.subscribe((event) => seen.push(event.process));
    await engine.undo();
    expect(engine.state.domain_ctx.n).toBe(0);
    await engine.undo();
    expect([...engine.state.domain_ctx.tags]).toEqual([['a', 1]]);
    expect(seen).toEqual(['undo()', 'undo()']);
  });

  it('runs calls made without awaiting one after another', async () => {
    const engine = await fresh();
    for (let i = 0; i < 3; i++) await engine.execute(bump);
    const versions = await Promise.all([engine.undo(), engine.undo(), engine.redo()]);
    expect(versions).toEqual([4, 5, 6]);
    expect(engine.state.domain_ctx.n).toBe(2);
  });

  it('forgets what could be redone once another own commit is made', async () => {
    const engine = await fresh();
    await engine.execute(bump);
    await engine.undo();
    expect(engine.canRedo).toBe(true);
    await engine.execute(setM, { to: 5 });
    expect(engine.canRedo).toBe(false);
    const error = await rejection(engine.redo());
    expect(error).toBeInstanceOf(TheusError);
    expect(error.message).toMatch(/^redo\(\): there is nothing to redo/);
  });

  it('refuses with nothing to undo, and ignores rolled-back transactions', async () => {
    const engine = await fresh();
    expect((await rejection(engine.undo())).message).toMatch(/^undo\(\): there is nothing to undo/);
    expect((await rejection(engine.execute(fails))).message).toBe('no');
    expect(engine.canUndo).toBe(false);
    expect(engine.version).toBe(0);
  });

  it('keeps at most historyLimit steps, dropping the oldest', async () => {
    const engine = await TheusEngine.create({ domain_ctx: { n: 0 } }, { historyLimit: 2 });
    for (let i = 0; i < 3; i++) await engine.execute(bump);
    await engine.undo();
    await engine.undo();
    expect(engine.state.domain_ctx.n).toBe(1);
    expect(engine.canUndo).toBe(false);
    const none = await TheusEngine.create({ domain_ctx: { n: 0 } }, { historyLimit: 0 });
    await none.execute(bump);
    expect(none.canUndo).toBe(false);
  });

  it('is refused inside a running process, and after dispose', async () => {
    const engine = await fresh();
    await engine.execute(bump);
    let inside: unknown;
    const nested = process({ outputs: ['domain_ctx.m'] }, function nested(ctx) {
      ctx.domain_ctx.m = 1;
      inside = engine.undo().catch((error: unknown) => error);
    });
    await engine.execute(nested);
    expect(((await inside) as Error).message).toMatch(/^undo\(\) was called from inside a running process/);
    engine.dispose();
    const error = await rejection(engine.undo());
    expect(error).toBeInstanceOf(TheusError);
    expect(error.message).toMatch(/disposed/);
  });

  itReplicas('is a ConflictError when a path the commit wrote has changed since, and commits nothing', async () => {
    const engine = await fresh();
    const other = await TheusEngine.join(await engine.connect());
    try {
      await engine.execute(bump);
      await other.execute(bump);
      await engine.execute(setM, { to: 1 });
      await engine.undo();
      const version = engine.version;
      const error = await rejection(engine.undo());
      expect(error).toBeInstanceOf(ConflictError);
      expect(error.message).toMatch(/^undo\(\): 'domain_ctx\.n' has changed since version 1/);
      expect((error as ConflictError).path).toBe('domain_ctx.n');
      expect([engine.version, engine.state.domain_ctx.n]).toEqual([version, 2]);
      // Still there to undo, once the path holds what that commit left.
      expect(engine.canUndo).toBe(true);
      await reached(engine, await other.compareAndSwap(other.version, { data: { 'domain_ctx.n': 1 } }));
      await engine.undo();
      expect(engine.state.domain_ctx.n).toBe(0);
    } finally {
      other.dispose();
    }
  });

  itReplicas('reverses only its own commit, keeping what others committed elsewhere', async () => {
    const engine = await fresh();
    const other = await TheusEngine.join(await engine.connect());
    try {
      await engine.execute(addItem, { name: 'mine' });
      await other.execute(setM, { to: 9 });
      await reached(engine, other.version);
      await engine.undo();
      expect(engine.state.domain_ctx).toEqual({ n: 0, m: 9, items: [] });
      // The other replica has nothing of its own undone.
      expect(other.canUndo).toBe(true);
      await reached(engine, await other.undo());
      expect(engine.state.domain_ctx.m).toBe(0);
    } finally {
      other.dispose();
    }
  });

  itReplicas('a redo is a ConflictError when what the undo put back has changed since', async () => {
    const engine = await fresh();
    const other = await TheusEngine.join(await engine.connect());
    try {
      await engine.execute(addItem, { name: 'a' });
      await engine.undo();
      await other.execute(addItem, { name: 'b' });
      await reached(engine, other.version);
      const error = await rejection(engine.redo());
      expect(error).toBeInstanceOf(ConflictError);
      expect(engine.state.domain_ctx.items).toEqual([{ name: 'b' }]);
      expect(engine.canRedo).toBe(true);
    } finally {
      other.dispose();
    }
  });
});
