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

  it('keeps the commit when a listener throws', async () => {
    const engine = await TheusEngine.create({ domain_ctx: { n: 0 } });
    engine.subscribe(() => {
      throw new Error('listener');
    });
    // The listener's error is rethrown from a microtask; catch it here so
    // that the test runner does not report it as unhandled.
    const listenerError = new Promise<unknown>((resolve) => {
      const g = globalThis as { process?: { once(e: string, f: (x: unknown) => void): void }; addEventListener?: (e: string, f: (x: ErrorEvent) => void, o: object) => void };
      if (g.process?.once) g.process.once('uncaughtException', resolve);
      else g.addEventListener?.('error', (event) => (event.preventDefault(), resolve(event.error)), { once: true });
    });
    await engine.execute(bumpProc);
    expect(engine.version).toBe(1);
    expect((await listenerError) as Error).toMatchObject({ message: 'listener' });
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
