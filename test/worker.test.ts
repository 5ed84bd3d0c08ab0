import { releaseProxy, wrap, type Endpoint } from 'comlink';
import * as nodeAdapter from 'comlink/dist/esm/node-adapter.mjs';
import { describe, expect, it } from 'vitest';
import { ContractViolationError, init, process, StateUpdate, TheusEngine, TheusError, type CommitEvent } from 'theus';
import { serve } from '../ts/worker.ts';
import { workerMode } from './support/mode.ts';
import { itUnless, workerd } from './support/runtime.ts';
import { rejection } from './support/thrown.ts';
import { countTerminations, crashed, servingWorker, webWorkers } from './support/workers.ts';

// workerd has no threads: there, one engine in a Durable Object is the authority.
const itThreads = itUnless(it, workerd, 'workerd has no threads (and its MessagePorts transfer nothing)');

await init();

// comlink's adapter for Node's worker threads, taken as link.ts takes it.
const nodeEndpoint = (nodeAdapter as unknown as { default: (worker: unknown) => Endpoint }).default;

const inc = process({ inputs: ['domain_ctx.n'], outputs: ['domain_ctx.n'], name: 'inc' }, async function inc(ctx) {
  const seen = ctx.domain_ctx.n;
  await Promise.resolve();
  ctx.domain_ctx.n = seen + 1;
});

const slowInc = process({ inputs: ['domain_ctx.n'], outputs: ['domain_ctx.n'], name: 'slow_inc' }, async function slow_inc(ctx) {
  const seen = ctx.domain_ctx.n;
  await new Promise((resolve) => setTimeout(resolve, 20));
  ctx.domain_ctx.n = seen + 1;
});

const until = async (check: () => boolean, what: string) => {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  if (!check()) throw new Error(`timed out waiting until ${what}`);
};

describe('worker mode', () => {
  it('is what TheusEngine.create gives in this run of the suite', async () => {
    const engine = await TheusEngine.create({ domain_ctx: { n: 0 } });
    expect(engine.remote).toBe(workerMode);
    engine.dispose();
  });

  itThreads('runs the authority in the package\'s own worker, with the local interface and semantics', async () => {
    const sysCtx = { domain_ctx: { n: 0, sig_done: false } };
    const engine = await TheusEngine.create(sysCtx, { worker: true });
    expect(engine.remote).toBe(true);
    const finish = process({ outputs: ['domain_ctx.n', 'domain_ctx.sig_done'], name: 'finish' }, function finish(ctx) {
      ctx.domain_ctx.n = 10;
      ctx.domain_ctx.sig_done = true;
      return 'finished';
    });
    const signals = engine.signals.subscribe();
    const audits: unknown[] = [];
    engine.audit.subscribe((record) => audits.push(record.process));
    expect(await engine.execute(finish)).toBe('finished');
    // Resolved once the authority committed and this replica shows it.
    expect(sysCtx.domain_ctx).toEqual({ n: 10, sig_done: true });
    expect(engine.version).toBe(1);
    expect(engine.history.map((c) => [c.version, c.process])).toEqual([[1, 'finish']]);
    expect(engine.audit.getLogs().map((r) => [r.process, r.outcome, r.version])).toEqual([['finish', 'success', 1]]);
    expect(audits).toEqual(['finish']);
    expect(signals.pending).toBe(1);
    expect((await signals.next()).value).toEqual({ topic: 'domain_ctx.sig_done', value: true, version: 1 });
    engine.dispose();
  });

  itThreads('takes a MessagePort to an authority served on its other end', async () => {
    const { port1, port2 } = new MessageChannel();
    serve(port1);
    const engine = await TheusEngine.create({ domain_ctx: { n: 0 } }, { worker: port2 });
    expect(engine.remote).toBe(true);
    engine.register(inc);
    await engine.execute(inc);
    expect(engine.state.domain_ctx).toEqual({ n: 1 });
    engine.dispose();
    expect((await rejection(engine.execute(inc))).message).toContain('execute(): this engine has been disposed');
  });

  itThreads('checks contracts at register, at once, as in local mode', async () => {
    const engine = await TheusEngine.create({ domain_ctx: { n: 0 } }, { worker: true });
    const bad = process({ inputs: ['nowhere.x'], name: 'bad' }, () => {});
    expect(() => engine.register(bad)).toThrow(ContractViolationError);
    expect(() => engine.register(bad)).toThrow(/contract of 'bad': inputs\[0\]: path 'nowhere.x'/);
    expect(engine.contractOf('bad')).toBeUndefined();
    engine.dispose();
  });

  itUnless(it, !workerd, 'only workerd lacks threads')('refuses worker: true and joins where there are no threads, saying what to do instead', async () => {
    const error: unknown = await TheusEngine.create({ domain_ctx: { n: 0 } }, { worker: true }).then(() => 'created', (e: unknown) => e);
    expect(error).toBeInstanceOf(TheusError);
    expect((error as Error).message).toMatch(/^worker: true cannot start a worker in this runtime \(.+\)\. Run the engine without the worker option \(on Cloudflare, one engine in a Durable Object is the authority\)/);
    const engine = await TheusEngine.create({ domain_ctx: { n: 0 } });
    expect((await rejection(TheusEngine.join(await engine.connect()))).message).toMatch(/^could not join the Theus authority: /);
    await engine.edit((ctx) => void (ctx.domain_ctx.n = 1));
    expect(engine.version).toBe(1);
    engine.dispose();
  });

  it('refuses at create a state that cannot cross to another thread, naming where', async () => {
    expect((await rejection(TheusEngine.create({ domain_ctx: { handler: () => 1 } }, { worker: true }))).message).toContain(
      'TheusEngine: in worker mode the state crosses to another thread, and a function at domain_ctx.handler cannot cross to another thread',
    );
  });

  itThreads('refuses a commit that carries a function, and commits nothing', async () => {
    const engine = await TheusEngine.create({ domain_ctx: { n: 0, f: null as unknown } }, { worker: true });
    const writeFn = process({ outputs: ['domain_ctx.f'], name: 'write_fn' }, function write_fn(ctx) {
      ctx.domain_ctx.f = () => 'nope';
    });
    expect((await rejection(engine.execute(writeFn))).message).toMatch(/execute\(\): a function at domain_ctx\.f cannot cross to another thread/);
    expect(engine.version).toBe(0);
    expect(engine.audit.getLogs().map((r) => r.outcome)).toEqual(['failure']);
    engine.dispose();
  });

  itThreads('keeps class instances with their prototype in the replica that made them', async () => {
    class Cart {
      lines: number[] = [];
      get total() {
        return this.lines.reduce((a, b) => a + b, 0);
      }
    }
    const engine = await TheusEngine.create({ domain_ctx: { cart: new Cart() } }, { worker: true });
    const add = process({ outputs: ['domain_ctx.cart'], name: 'add_line' }, function add_line(ctx) {
      ctx.domain_ctx.cart.lines.push(5);
    });
    await engine.execute(add);
    expect(engine.state.domain_ctx.cart).toBeInstanceOf(Cart);
    expect(engine.state.domain_ctx.cart.total).toBe(5);
    // A replica joining elsewhere gets the data by structured clone: a plain object.
    const other = await TheusEngine.join(await engine.connect());
    const copy = other.state.domain_ctx as { cart: object };
    expect(copy.cart).toEqual({ lines: [5] });
    expect(copy.cart).not.toBeInstanceOf(Cart);
    other.dispose();
    engine.dispose();
  });

  itThreads('keeps HEAVY buffers by reference in the committing replica and copies them to others', async () => {
    const engine = await TheusEngine.create({ domain_ctx: { heavy_samples: new Float64Array(0) } }, { worker: true });
    const other = await TheusEngine.join(await engine.connect());
    const samples = new Float64Array([1, 2, 3]);
    const write = process({ outputs: ['domain_ctx.heavy_samples'], name: 'write_samples' }, function write_samples() {
      return new StateUpdate({ heavy: { 'domain_ctx.heavy_samples': samples } });
    });
    await engine.execute(write);
    expect(engine.state.domain_ctx.heavy_samples).toBe(samples);
    await until(() => other.version === 1, 'the other replica has the commit');
    const received = (other.state.domain_ctx as { heavy_samples: Float64Array }).heavy_samples;
    expect(received).not.toBe(samples);
    expect([...received]).toEqual([1, 2, 3]);
    other.dispose();
    engine.dispose();
  });

  itThreads('shares a SharedArrayBuffer between replicas instead of copying it', async (context) => {
    // Browsers offer SharedArrayBuffer only to cross-origin isolated pages.
    if (typeof SharedArrayBuffer !== 'function' || !(globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated && webWorkers && !('Deno' in globalThis)) {
      context?.skip?.();
      return;
    }
    const shared = new Int32Array(new SharedArrayBuffer(8));
    const engine = await TheusEngine.create({ domain_ctx: { heavy_counts: shared } }, { worker: true });
    const other = await TheusEngine.join(await engine.connect());
    const view = (other.state.domain_ctx as { heavy_counts: Int32Array }).heavy_counts;
    Atomics.store(shared, 0, 42);
    expect(Atomics.load(view, 0)).toBe(42);
    other.dispose();
    engine.dispose();
  });
});

describe('several replicas, one truth', () => {
  for (const authority of ['worker', 'local'] as const) {
    itThreads(`two replicas see each other's commits in version order (authority: ${authority})`, async () => {
      const engine = await TheusEngine.create({ domain_ctx: { n: 0 } }, { worker: authority === 'worker' ? true : undefined });
      const other = await TheusEngine.join(await engine.connect());
      expect(other.version).toBe(engine.version);
      const seen: Record<string, number[]> = { engine: [], other: [] };
      engine.subscribe((e: CommitEvent) => seen.engine.push(e.version));
      other.subscribe((e: CommitEvent) => seen.other.push(e.version));
      engine.register(inc);
      other.register(inc);
      for (let i = 0; i < 5; i++) {
        await engine.execute(inc);
        await other.execute(inc);
      }
      await until(() => engine.version === 10 && other.version === 10, 'both replicas reach version 10');
      const versions = Array.from({ length: 10 }, (_, i) => i + 1);
      expect(seen.engine).toEqual(versions);
      expect(seen.other).toEqual(versions);
      expect(engine.state).toEqual(other.state);
      expect(engine.history.map((c) => c.version)).toEqual(versions);
      expect(other.history).toEqual(engine.history);
      other.dispose();
      engine.dispose();
    });
  }

  itThreads('a local authority refuses a commit that a replica on another thread could not receive, and only while it has one', async () => {
    const engine = await TheusEngine.create({ domain_ctx: { f: null as unknown } });
    const writeFn = process({ outputs: ['domain_ctx.f'], name: 'write_fn' }, function write_fn(ctx) {
      ctx.domain_ctx.f = () => 'nope';
    });
    const other = await TheusEngine.join(await engine.connect());
    const refused = await rejection(engine.execute(writeFn));
    expect(refused).toBeInstanceOf(TheusError);
    expect(refused.message).toMatch(/a function at domain_ctx\.f cannot cross to another thread/);
    expect(engine.version).toBe(0);
    expect(other.version).toBe(0);
    other.dispose();
    if (workerMode) {
      // This engine's authority is itself on another thread.
      expect((await rejection(engine.execute(writeFn))).message).toMatch(/cannot cross to another thread/);
    } else {
      // The replica's leaving reaches the authority as a message: commits succeed once it has.
      let committed = false;
      for (let i = 0; i < 100 && !committed; i++) {
        committed = await engine.execute(writeFn).then(() => true, () => false);
        if (!committed) await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(committed).toBe(true);
      expect(engine.version).toBe(1);
    }
    engine.dispose();
  });

  itThreads('1,000 concurrent conflicting increments split across two replicas end at exactly 1,000', async () => {
    const engine = await TheusEngine.create({ domain_ctx: { n: 0 } }, { worker: true, maxRetries: 1000, backoff: { baseMs: 0.2, maxMs: 5 } });
    const other = await TheusEngine.join(await engine.connect());
    engine.register(inc);
    other.register(inc);
    await Promise.all(Array.from({ length: 1000 }, (_, i) => (i % 2 ? engine : other).execute(inc)));
    await until(() => engine.version === 1000 && other.version === 1000, 'both replicas reach version 1000');
    expect((engine.state.domain_ctx as { n: number }).n).toBe(1000);
    expect((other.state.domain_ctx as { n: number }).n).toBe(1000);
    expect(engine.audit.getLogs().filter((r) => r.outcome === 'success')).toHaveLength(1000);
    other.dispose();
    engine.dispose();
  }, 60_000);

  itThreads('a replica that leaves mid-transaction does not block the others', async () => {
    const engine = await TheusEngine.create({ domain_ctx: { n: 0 } }, { worker: true, priorityAfter: 1, backoff: { baseMs: 500, maxMs: 500 } });
    const other = await TheusEngine.join(await engine.connect());
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    let reading!: () => void;
    const read = new Promise<void>((resolve) => (reading = resolve));
    const gatedInc = process({ inputs: ['domain_ctx.n'], outputs: ['domain_ctx.n'], name: 'gated_inc' }, async function gated_inc(ctx) {
      const seen = ctx.domain_ctx.n;
      reading();
      await gate;
      ctx.domain_ctx.n = seen + 1;
    });
    other.register(gatedInc);
    engine.register(inc);
    // The gated one read version 0 and commits after inc: it conflicts (taking a
    // priority ticket), then its replica leaves while it backs off.
    const leaving = other.execute(gatedInc);
    // Its body reads version 0 before inc commits (it starts only once the authority has registered it).
    await read;
    await engine.execute(inc);
    open();
    await new Promise((resolve) => setTimeout(resolve, 100));
    other.dispose();
    expect(await rejection(leaving)).toBeInstanceOf(TheusError);
    await engine.execute(inc);
    expect(engine.version).toBe(2);
    engine.dispose();
  });

  itThreads('runs workflow conditions against the authoritative state', async () => {
    const engine = await TheusEngine.create({ domain_ctx: { n: 0 } }, { worker: true });
    const other = await TheusEngine.join(await engine.connect());
    other.register(inc);
    engine.register(inc);
    const bumpElsewhere = process({ outputs: [], name: 'bump_elsewhere' }, async function bump_elsewhere() {
      await other.execute(inc);
    });
    engine.register(bumpElsewhere);
    const result = await engine.executeWorkflow({
      steps: [{ flux: 'while', condition: "domain['n'] < 3", do: ['bump_elsewhere'] }],
    });
    expect(result.executed).toEqual(['bump_elsewhere', 'bump_elsewhere', 'bump_elsewhere']);
    expect(result.stateHistory).toEqual(['Pending', 'Running', 'WaitingIO', 'Running', 'WaitingIO', 'Running', 'WaitingIO', 'Running', 'Complete']);
    other.dispose();
    engine.dispose();
  });
});

describe('worker faults', () => {
  itThreads('a terminated worker: pending calls reject with a TheusError, nothing half-applied, and a new engine works', async () => {
    const worker = servingWorker();
    const engine = await TheusEngine.create({ domain_ctx: { n: 0 } }, { worker: worker as Worker });
    engine.register(slowInc);
    await engine.execute(slowInc);
    // Settled from the start: a call can fail while terminate() is still awaited.
    const pending = Promise.allSettled(Array.from({ length: 5 }, () => engine.execute(slowInc)));
    await worker.terminate();
    for (const result of await pending) {
      expect(result.status).toBe('rejected');
      expect((result as PromiseRejectedResult).reason).toBeInstanceOf(TheusError);
      expect(((result as PromiseRejectedResult).reason as Error).message).toMatch(/the Theus authority is gone: the worker was terminated/);
    }
    // Whatever committed is whole: the state is the one of the version shown.
    expect(engine.state.domain_ctx).toEqual({ n: engine.version });
    expect((await rejection(engine.execute(slowInc))).message).toMatch(/execute\(\): the Theus authority is gone/);
    expect(await rejection(engine.edit(() => {}))).toBeInstanceOf(TheusError);
    const fresh = await TheusEngine.create({ domain_ctx: { n: 0 } }, { worker: true });
    await fresh.execute(inc);
    expect(fresh.version).toBe(1);
    fresh.dispose();
    engine.dispose();
  });

  itThreads('a crashed worker: pending calls reject with a TheusError', async () => {
    const worker = servingWorker();
    const engine = await TheusEngine.create({ domain_ctx: { n: 0 } }, { worker: worker as Worker });
    // The process commits only after the crash: a timer alone races it on a loaded machine.
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const gated = process({ inputs: ['domain_ctx.n'], outputs: ['domain_ctx.n'], name: 'gated_inc' }, async function gated_inc(ctx) {
      const seen = ctx.domain_ctx.n;
      await gate;
      ctx.domain_ctx.n = seen + 1;
    });
    engine.register(gated);
    const pending = engine.execute(gated);
    const crash = crashed(worker);
    worker.postMessage({ crash: true });
    await crash;
    release();
    expect(await rejection(pending)).toBeInstanceOf(TheusError);
    expect((await rejection(pending)).message).toMatch(/the Theus authority is gone: the worker/);
    expect(engine.version).toBe(0);
    engine.dispose();
  });

  itThreads('dispose() terminates the worker it started, and only that one', async () => {
    const terminations = countTerminations();
    try {
      const engine = await TheusEngine.create({ domain_ctx: { n: 0 } }, { worker: true });
      engine.dispose();
      expect(terminations.count).toBe(1);
      const worker = servingWorker();
      const mine = await TheusEngine.create({ domain_ctx: { n: 0 } }, { worker: worker as Worker });
      mine.dispose();
      expect(terminations.count).toBe(1);
      // The worker is still there, and serves the next engine.
      const next = await TheusEngine.create({ domain_ctx: { n: 5 } }, { worker: worker as Worker });
      await next.execute(inc);
      expect(next.state.domain_ctx).toEqual({ n: 6 });
      next.dispose();
      await worker.terminate();
    } finally {
      terminations.restore();
    }
  });

  itThreads('a worker goes on serving after a proxy to it is released (as when a disposed engine is garbage-collected)', async () => {
    const worker = servingWorker();
    const first = await TheusEngine.create({ domain_ctx: { n: 0 } }, { worker: worker as Worker });
    first.dispose();
    // What comlink sends for a proxy once it is garbage-collected; messages keep
    // their order, so the worker reads the release before the next start.
    wrap(webWorkers ? (worker as Worker) : nodeEndpoint(worker))[releaseProxy]();
    const next = await TheusEngine.create({ domain_ctx: { n: 5 } }, { worker: worker as Worker });
    await next.execute(inc);
    expect(next.state.domain_ctx).toEqual({ n: 6 });
    next.dispose();
    await worker.terminate();
  });

  itThreads('refuses a second authority in one worker, and a worker option to new TheusEngine', async () => {
    const worker = servingWorker();
    const first = await TheusEngine.create({ domain_ctx: { n: 0 } }, { worker: worker as Worker });
    expect((await rejection(TheusEngine.create({ domain_ctx: { n: 0 } }, { worker: worker as Worker }))).message).toMatch(/already serves an authority/);
    expect(() => new TheusEngine({ domain_ctx: {} }, { worker: true })).toThrow(/needs `await TheusEngine.create/);
    // The constructor refuses any worker option; create() checks its value.
    expect(() => new TheusEngine({ domain_ctx: {} }, { worker: 'yes' as never })).toThrow(/needs `await TheusEngine.create/);
    expect((await rejection(TheusEngine.create({ domain_ctx: {} }, { worker: 'yes' as never }))).message).toMatch(/option 'worker' must be true, a Worker/);
    expect(await rejection(TheusEngine.join('port' as never))).toBeInstanceOf(TypeError);
    first.dispose();
    await worker.terminate();
  });
});
