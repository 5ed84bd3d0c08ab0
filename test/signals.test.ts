import { describe, expect, it } from 'vitest';
import { init, process, StateUpdate, TheusEngine } from 'theus';

await init();

const restock = process(
  { inputs: ['domain_ctx.items'], outputs: ['domain_ctx.items', 'domain_ctx.sig_restock_needed'] },
  function restock_check(ctx, { fail }: { fail?: boolean }) {
    ctx.domain_ctx.items.pop();
    ctx.domain_ctx.sig_restock_needed = ctx.domain_ctx.items.length < 2;
    if (fail) throw new Error('rolled back');
  },
);

describe('signals', () => {
  it('commits a SIGNAL write with the transaction and publishes it after the commit', async () => {
    const sysCtx = { domain_ctx: { items: [1, 2], sig_restock_needed: false } };
    const engine = await TheusEngine.create(sysCtx);
    const receiver = engine.signals.subscribe();
    let committedWhenPublished = -1;
    engine.subscribe(() => undefined);
    const pending = receiver.next().then((r) => {
      committedWhenPublished = engine.version;
      return r.value;
    });
    await engine.execute(restock, {});
    expect(sysCtx.domain_ctx.sig_restock_needed).toBe(true);
    await expect(pending).resolves.toEqual({ topic: 'domain_ctx.sig_restock_needed', value: true, version: 1 });
    expect(committedWhenPublished).toBe(1);
  });

  it('publishes nothing for a rolled-back transaction', async () => {
    const engine = await TheusEngine.create({ domain_ctx: { items: [1, 2], sig_restock_needed: false } });
    const receiver = engine.signals.subscribe();
    await expect(engine.execute(restock, { fail: true })).rejects.toThrow('rolled back');
    expect(receiver.pending).toBe(0);
    expect(engine.state.domain_ctx.sig_restock_needed).toBe(false);
  });

  it('publishes StateUpdate signals, any structured-cloneable value, topic = canonical path', async () => {
    const engine = await TheusEngine.create({ domain_ctx: { signal: {} } });
    const receiver = engine.signals.subscribe();
    const emit = process({ outputs: ['domain.signal.order'] }, function emit() {
      return new StateUpdate({ signal: { "domain['signal'].order": { id: 7, at: new Date(0) } } });
    });
    await engine.execute(emit);
    const { value } = await receiver.next();
    expect(value).toEqual({ topic: 'domain_ctx.signal', value: { order: { id: 7, at: new Date(0) } }, version: 1 });
  });

  it('lets anyone publish, and closes receivers', async () => {
    const engine = await TheusEngine.create({ domain_ctx: {} });
    const a = engine.signals.subscribe();
    const b = engine.signals.subscribe();
    expect(engine.signals.size).toBe(2);
    engine.signals.publish({ topic: 'domain_ctx.cmd_stop', value: 'True', version: 0 });
    b.close();
    expect(engine.signals.size).toBe(1);
    await expect(a.next()).resolves.toEqual({ value: { topic: 'domain_ctx.cmd_stop', value: 'True', version: 0 }, done: false });
    await expect(b.next()).resolves.toEqual({ value: undefined, done: true });
    expect(() => engine.signals.publish({ topic: '', value: 1, version: 0 })).toThrow(TypeError);
  });

  it('works with for await, ending when the loop ends', async () => {
    const engine = await TheusEngine.create({ domain_ctx: {} });
    const seen: unknown[] = [];
    const loop = (async () => {
      for await (const message of engine.signals.subscribe()) {
        seen.push(message.value);
        if (seen.length === 2) break;
      }
    })();
    engine.signals.publish({ topic: 't', value: 1, version: 0 });
    engine.signals.publish({ topic: 't', value: 2, version: 0 });
    await loop;
    expect(seen).toEqual([1, 2]);
    expect(engine.signals.size).toBe(0);
  });
});
