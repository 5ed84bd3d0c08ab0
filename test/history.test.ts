import { describe, expect, it } from 'vitest';
import { init, process, TheusEngine } from 'theus';

await init();

const bumpProc = process({ outputs: ['domain_ctx.n'] }, function bump(ctx) {
  ctx.domain_ctx.n += 1;
});

describe('history', () => {
  it('keeps the last historyLimit commits, oldest first', async () => {
    const engine = await TheusEngine.create({ domain_ctx: { n: 0 } }, { historyLimit: 3 });
    for (let i = 0; i < 5; i++) await engine.execute(bumpProc);
    expect(engine.history.map((h) => h.version)).toEqual([3, 4, 5]);
    expect(engine.history[2]).toMatchObject({ process: 'bump', patches: [{ op: 'replace', path: ['domain_ctx', 'n'], value: 5 }] });
  });

  it('is per engine, and a copy', async () => {
    const a = await TheusEngine.create({ domain_ctx: { n: 0 } });
    const b = await TheusEngine.create({ domain_ctx: { n: 0 } });
    await a.execute(bumpProc);
    expect(b.history).toEqual([]);
    a.history.pop();
    expect(a.history).toHaveLength(1);
  });

  it('with historyLimit 0 keeps nothing', async () => {
    const engine = await TheusEngine.create({ domain_ctx: { n: 0 } }, { historyLimit: 0 });
    await engine.execute(bumpProc);
    expect(engine.history).toEqual([]);
  });
});

describe('subscribe()', () => {
  it('tells listeners after each commit, until unsubscribed', async () => {
    const engine = await TheusEngine.create({ domain_ctx: { n: 0 } });
    const events: unknown[] = [];
    const unsubscribe = engine.subscribe((event) => events.push({ ...event, seen: engine.state.domain_ctx.n }));
    await engine.execute(bumpProc);
    unsubscribe();
    await engine.execute(bumpProc);
    expect(events).toEqual([{ version: 1, process: 'bump', patches: [{ op: 'replace', path: ['domain_ctx', 'n'], value: 1 }], seen: 1 }]);
    expect(() => engine.subscribe('x' as never)).toThrow(TypeError);
  });

  it('keeps the commit when a listener throws, and hands the error to onListenerError', async () => {
    const reported: [unknown, string][] = [];
    const engine = await TheusEngine.create({ domain_ctx: { n: 0 } }, { onListenerError: (error, source) => reported.push([error, source]) });
    const seen: number[] = [];
    engine.subscribe(() => {
      throw new Error('listener');
    });
    engine.subscribe((event) => seen.push(event.version));
    await engine.execute(bumpProc);
    expect(engine.version).toBe(1);
    expect(seen).toEqual([1]);
    expect(reported).toHaveLength(1);
    expect(reported[0][0]).toMatchObject({ message: 'listener' });
    expect(reported[0][1]).toBe('subscribe');
  });

  it('logs a listener error by default, without taking the application down', async () => {
    const engine = await TheusEngine.create({ domain_ctx: { n: 0 } });
    const logged: unknown[][] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void logged.push(args);
    try {
      engine.subscribe(() => {
        throw new Error('careless');
      });
      engine.audit.subscribe(() => {
        throw new Error('careless audit');
      });
      await engine.execute(bumpProc);
    } finally {
      console.error = original;
    }
    expect(engine.version).toBe(1);
    expect(logged.map((args) => (args[1] as Error).message)).toEqual(['careless', 'careless audit']);
    expect(String(logged[0][0])).toContain('a subscribe listener threw');
  });
});

describe('audit.getLogs()', () => {
  it('keeps one record per execution in a bounded ring, per engine', async () => {
    const engine = await TheusEngine.create({ domain_ctx: { n: 0 } }, { auditLogLimit: 2 });
    for (let i = 0; i < 3; i++) await engine.execute(bumpProc);
    const logs = engine.audit.getLogs();
    expect(logs.map((r) => r.version)).toEqual([2, 3]);
    expect(logs[0]).toMatchObject({ process: 'bump', outcome: 'success', level: null, message: '', attempts: 1 });
    expect(logs[0].durationMs).toBeGreaterThanOrEqual(0);
    const other = await TheusEngine.create({ domain_ctx: { n: 0 } });
    expect(other.audit.getLogs()).toEqual([]);
  });
});
