import { describe, expect, it } from 'vitest';
import { ConflictError, ContractViolationError, init, process, StateUpdate, TheusEngine } from 'theus';
import { outside } from './support/outside.ts';

await init();

async function setup() {
  const sysCtx = { domain_ctx: { items: ['a'], total: 1, sig_done: false } };
  const engine = await TheusEngine.create(sysCtx, { maxRetries: 1, priorityAfter: 100, backoff: { baseMs: 0, maxMs: 0 } });
  await engine.execute(process({ outputs: ['domain_ctx.total'], name: 'warm_up' }, (ctx) => void (ctx.domain_ctx.total = 2)));
  const before = { state: engine.state, version: engine.version, history: engine.history.length, domain: sysCtx.domain_ctx };
  const signals = engine.signals.subscribe();
  const expectUnchanged = () => {
    expect(engine.state).toBe(before.state);
    expect(engine.version).toBe(before.version);
    expect(engine.history).toHaveLength(before.history);
    expect(sysCtx.domain_ctx).toBe(before.domain);
    expect(signals.pending).toBe(0);
  };
  return { engine, expectUnchanged };
}

const outputs = ['domain_ctx.items', 'domain_ctx.total', 'domain_ctx.sig_done'];

describe('rollback', () => {
  it('a throw before any write: the same error object, nothing changed', async () => {
    const { engine, expectUnchanged } = await setup();
    const boom = new Error('before');
    const failing = process({ outputs, name: 'fails_early' }, () => {
      throw boom;
    });
    await expect(engine.execute(failing)).rejects.toBe(boom);
    expectUnchanged();
  });

  it('a throw after writes (signals included): nothing committed, nothing published', async () => {
    const { engine, expectUnchanged } = await setup();
    const boom = new RangeError('after');
    const failing = process({ outputs, name: 'fails_late' }, (ctx) => {
      ctx.domain_ctx.items.push('b');
      ctx.domain_ctx.total = 99;
      ctx.domain_ctx.sig_done = true;
      throw boom;
    });
    await expect(engine.execute(failing)).rejects.toBe(boom);
    expectUnchanged();
  });

  it('an async rejection after an await: rolled back', async () => {
    const { engine, expectUnchanged } = await setup();
    const failing = process({ outputs, name: 'rejects' }, async (ctx) => {
      ctx.domain_ctx.total = 50;
      await new Promise((resolve) => setTimeout(resolve, 1));
      throw new Error('later');
    });
    await expect(engine.execute(failing)).rejects.toThrow('later');
    expectUnchanged();
  });

  it('a non-Error thrown value is passed through as it is', async () => {
    const { engine, expectUnchanged } = await setup();
    const thrown = { code: 42 };
    await expect(engine.execute(process({ outputs, name: 'throws_object' }, () => Promise.reject(thrown)))).rejects.toBe(thrown);
    expectUnchanged();
  });

  it('a contract violation found at commit (a StateUpdate outside the outputs): nothing committed', async () => {
    const { engine, expectUnchanged } = await setup();
    const sneaky = process({ outputs: ['domain_ctx.total'], name: 'sneaky' }, (ctx) => {
      ctx.domain_ctx.total = 7;
      return new StateUpdate({ data: { 'domain_ctx.items': [] } });
    });
    const error = await engine.execute(sneaky).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContractViolationError);
    expect((error as Error).message).toBe("process 'sneaky' wrote 'domain_ctx.items', which is not within its outputs [domain_ctx.total]");
    expectUnchanged();
  });

  it('conflict exhaustion: ConflictError, nothing of the process committed', async () => {
    const { engine, expectUnchanged } = await setup();
    let interfere = true;
    const loser = process({ outputs: ['domain_ctx.total'], name: 'loser' }, async (ctx) => {
      ctx.domain_ctx.total = -1;
      if (interfere) await outside(() => engine.compareAndSwap(engine.version, { data: { 'domain_ctx.total': engine.version } }));
    });
    const seen = engine.version;
    await expect(engine.execute(loser)).rejects.toBeInstanceOf(ConflictError);
    interfere = false;
    expect(engine.version).toBe(seen + 2); // only the two interfering commits
    expect(engine.state.domain_ctx.total).toBe(seen + 1);
    void expectUnchanged;
  });

  it('every failure leaves an audit record with the process and its message', async () => {
    const { engine } = await setup();
    await engine.execute(process({ outputs, name: 'audited_failure' }, () => {
      throw new Error('audited');
    })).catch(() => undefined);
    expect(engine.audit.getLogs().at(-1)).toMatchObject({ process: 'audited_failure', outcome: 'failure', message: 'audited', version: 1, attempts: 1 });
  });
});
