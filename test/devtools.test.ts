import { describe, expect, it } from 'vitest';
import { ConflictError, init, process, TheusEngine } from 'theus';
import { connectDevtools, type DevtoolsAction, type DevtoolsConnectOptions, type DevtoolsConnection, type DevtoolsMessage } from '../ts/devtools.ts';
import { thrown } from './support/thrown.ts';

await init();

interface Lifted {
  computedStates: { state: unknown }[];
  stagedActionIds: number[];
  nextActionId: number;
}

/**
 * One connection of the extension, as its page script and monitor behave:
 * the monitor keeps the JSON of each state under the action ids it assigns
 * (the initial state 0, each send the next, at most maxAge, the oldest
 * folded into 0), drops sends while paused, and sends a DISPATCH's state as
 * JSON.
 */
class FakeConnection implements DevtoolsConnection {
  readonly inits: unknown[] = [];
  readonly sends: [DevtoolsAction | null, unknown][] = [];
  readonly errors: string[] = [];
  readonly listeners = new Set<(message: DevtoolsMessage) => void>();
  unsubscribed = 0;
  paused = false;
  staged: { id: number; json: string }[] = [];
  nextId = 0;

  constructor(readonly options: DevtoolsConnectOptions) {}

  init(state: unknown): void {
    this.inits.push(state);
    this.staged = [{ id: 0, json: JSON.stringify(state) }];
    this.nextId = 1;
  }

  send(action: DevtoolsAction | null, state: unknown): void {
    if (this.paused) return;
    this.sends.push([action, state]);
    if (action === null) {
      const lifted = state as Lifted;
      this.staged = lifted.stagedActionIds.map((id, i) => ({ id, json: JSON.stringify(lifted.computedStates[i].state) }));
      this.nextId = lifted.nextActionId;
      return;
    }
    this.staged.push({ id: this.nextId++, json: JSON.stringify(state) });
    const excess = this.staged.length - this.options.maxAge;
    if (excess > 0) this.staged = [{ id: 0, json: this.staged[excess].json }, ...this.staged.slice(excess + 1)];
  }

  subscribe(listener: (message: DevtoolsMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  unsubscribe(): void {
    this.unsubscribed += 1;
    this.listeners.clear();
  }

  error(message: string): void {
    this.errors.push(message);
  }

  deliver(message: DevtoolsMessage): void {
    const payload = message.payload as { type: string; status?: boolean };
    if (message.type === 'DISPATCH' && payload.type === 'PAUSE_RECORDING') this.paused = payload.status!;
    for (const listener of [...this.listeners]) listener(message);
  }

  dispatch(payload: object, state?: string): void {
    this.deliver({ type: 'DISPATCH', payload, ...(state === undefined ? {} : { state }) });
  }

  jumpToAction(actionId: number): void {
    this.dispatch({ type: 'JUMP_TO_ACTION', actionId }, this.staged.find((entry) => entry.id === actionId)!.json);
  }

  jumpToState(index: number): void {
    this.dispatch({ type: 'JUMP_TO_STATE', index, actionId: this.staged[index].id }, this.staged[index].json);
  }

  rollback(): void {
    this.dispatch({ type: 'ROLLBACK', timestamp: Date.now() }, this.staged[0].json);
  }
}

class FakeExtension {
  readonly connections: FakeConnection[] = [];

  connect(options: DevtoolsConnectOptions): FakeConnection {
    const connection = new FakeConnection(options);
    this.connections.push(connection);
    return connection;
  }
}

/** Resolves once `done` holds; devtools' requests are carried out asynchronously. */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 2));
  if (!done()) throw new Error('timed out waiting');
}

/** A moment for anything that should not happen (a second commit, an echo) to show. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

const bump = process({ name: 'bump', outputs: ['domain_ctx.n'] }, (ctx) => {
  ctx.domain_ctx.n += 1;
});

async function connected(sysCtx: { domain_ctx: object; global_ctx?: object } = { domain_ctx: { n: 0 } }, options: { maxAge?: number } = {}) {
  const engine = await TheusEngine.create(sysCtx as { domain_ctx: { n: number } });
  const extension = new FakeExtension();
  const errors: unknown[] = [];
  const disconnect = connectDevtools(engine, { name: 'test', extension, onError: (error) => errors.push(error), ...options });
  return { engine, devtools: extension.connections[0], errors, disconnect };
}

describe('connectDevtools: commits as actions', () => {
  it('connects with the name, inits with the state and sends one action per commit, named after its process', async () => {
    const { engine, devtools } = await connected();
    expect(devtools.options).toMatchObject({ name: 'test', maxAge: 50, features: { jump: true, skip: false, import: 'custom' } });
    expect(devtools.inits).toEqual([engine.state]);
    await engine.execute(bump);
    expect(devtools.sends).toHaveLength(1);
    const [action, state] = devtools.sends[0];
    expect(action).toEqual({ type: 'bump', version: 1, patches: [{ op: 'replace', path: ['domain_ctx', 'n'], value: 1 }] });
    expect(state).toBe(engine.state);
  });

  it("names an edit and a compareAndSwap without requester 'edit', and one with a requester after it", async () => {
    const { engine, devtools } = await connected();
    await engine.edit((ctx) => {
      ctx.domain_ctx.n = 5;
    });
    await engine.compareAndSwap(engine.version, { data: { 'domain_ctx.n': 6 } });
    await engine.compareAndSwap(engine.version, { data: { 'domain_ctx.n': 7 } }, { requester: 'ui' });
    expect(devtools.sends.map(([action]) => [action!.type, action!.version])).toEqual([
      ['edit', 1],
      ['edit', 2],
      ['ui', 3],
    ]);
  });
});

describe('connectDevtools: time travel commits to the engine', () => {
  it('JUMP_TO_ACTION makes one commit restoring that state, not sent back as an action', async () => {
    const { engine, devtools, errors } = await connected();
    const before = engine.state;
    await engine.execute(bump);
    await engine.execute(bump);
    devtools.jumpToAction(0);
    await until(() => engine.version === 3);
    await settle();
    expect(engine.version).toBe(3);
    expect(engine.state).toEqual(before);
    expect(engine.history.at(-1)!.process).toBe('devtools');
    expect(devtools.sends).toHaveLength(2);
    expect(errors).toEqual([]);
    // The next commit is sent from the restored state.
    await engine.execute(bump);
    expect(devtools.sends.at(-1)![0]).toMatchObject({ type: 'bump', version: 4, patches: [{ value: 1 }] });
  });

  it('JUMP_TO_STATE goes to the state at that index, and jumping back forward restores the later state', async () => {
    const { engine, devtools, errors } = await connected();
    await engine.execute(bump);
    const one = engine.state;
    await engine.execute(bump);
    const two = engine.state;
    devtools.jumpToState(1);
    await until(() => engine.version === 3);
    expect(engine.state).toEqual(one);
    devtools.jumpToAction(2);
    await until(() => engine.version === 4);
    await settle();
    expect(engine.state).toEqual(two);
    expect(devtools.sends).toHaveLength(2);
    expect(errors).toEqual([]);
  });

  it('restores Map, Set and Date, which JSON would lose, from the state the engine committed', async () => {
    const { engine, devtools } = await connected({ domain_ctx: { tags: new Set(['a']), byId: new Map([[1, 'x']]), at: new Date(0) } });
    await engine.edit((ctx) => {
      const domain = ctx.domain_ctx as unknown as { tags: Set<string>; byId: Map<number, string>; at: Date };
      domain.tags.add('b');
      domain.byId.set(2, 'y');
      domain.at = new Date(1);
    });
    devtools.jumpToAction(0);
    await until(() => engine.version === 2);
    const domain = engine.state.domain_ctx as unknown as { tags: Set<string>; byId: Map<number, string>; at: Date };
    expect(domain.tags).toBeInstanceOf(Set);
    expect([...domain.tags]).toEqual(['a']);
    expect(domain.byId).toBeInstanceOf(Map);
    expect([...domain.byId]).toEqual([[1, 'x']]);
    expect(domain.at).toBeInstanceOf(Date);
    expect(domain.at.getTime()).toBe(0);
  });

  it('a jump after a commit devtools has not seen is a ConflictError, reported, with nothing overwritten and devtools re-synced', async () => {
    const { engine, devtools, errors } = await connected();
    await engine.execute(bump);
    devtools.dispatch({ type: 'PAUSE_RECORDING', status: true });
    await engine.execute(bump);
    expect(devtools.sends).toHaveLength(1);
    devtools.jumpToAction(0);
    await until(() => errors.length > 0);
    expect(errors[0]).toBeInstanceOf(ConflictError);
    expect(engine.version).toBe(2);
    expect(engine.state.domain_ctx.n).toBe(2);
    expect(devtools.errors).toEqual([(errors[0] as Error).message]);
    expect(devtools.inits.at(-1)).toBe(engine.state);
  });

  it('keeps action ids in step with the extension across pauses and maxAge', async () => {
    const { engine, devtools, errors } = await connected(undefined, { maxAge: 3 });
    for (let i = 0; i < 2; i++) await engine.execute(bump);
    devtools.dispatch({ type: 'PAUSE_RECORDING', status: true });
    await engine.execute(bump);
    devtools.dispatch({ type: 'PAUSE_RECORDING', status: false });
    for (let i = 0; i < 3; i++) await engine.execute(bump);
    // The extension now holds ids [0, 4, 5]: 0 folded forward to n = 4.
    expect(devtools.staged.map((entry) => entry.id)).toEqual([0, 4, 5]);
    for (const [index, n] of [[0, 4], [1, 5], [2, 6]]) {
      const version = engine.version;
      devtools.jumpToState(index);
      await until(() => engine.version === version + 1);
      expect(engine.state.domain_ctx.n).toBe(n);
      expect(JSON.stringify(engine.state)).toBe(devtools.staged[index].json);
    }
    expect(errors).toEqual([]);
  });

  it('COMMIT inits devtools with the current state, and ROLLBACK returns to it', async () => {
    const { engine, devtools, errors } = await connected();
    await engine.execute(bump);
    const committed = engine.state;
    devtools.dispatch({ type: 'COMMIT', timestamp: Date.now() });
    await until(() => devtools.inits.length === 2);
    expect(devtools.inits[1]).toBe(committed);
    await engine.execute(bump);
    await engine.execute(bump);
    devtools.rollback();
    await until(() => devtools.inits.length === 3);
    expect(engine.version).toBe(4);
    expect(engine.state).toEqual(committed);
    expect(devtools.inits[2]).toBe(engine.state);
    expect(devtools.sends).toHaveLength(3);
    expect(errors).toEqual([]);
  });

  it('RESET returns to the state devtools was connected with, even after a COMMIT', async () => {
    const { engine, devtools, errors } = await connected();
    const initial = engine.state;
    await engine.execute(bump);
    devtools.dispatch({ type: 'COMMIT' });
    await engine.execute(bump);
    devtools.dispatch({ type: 'RESET' });
    await until(() => devtools.inits.length === 3);
    expect(engine.version).toBe(3);
    expect(engine.state).toEqual(initial);
    expect(devtools.inits[2]).toBe(engine.state);
    expect(errors).toEqual([]);
  });

  it('IMPORT_STATE commits the last imported state and shows the imported history', async () => {
    const { engine, devtools, errors } = await connected();
    const state = (n: number) => ({ global_ctx: {}, domain_ctx: { n }, local_ctx: {} });
    const nextLiftedState = { computedStates: [{ state: state(10) }, { state: state(11) }], stagedActionIds: [0, 1], nextActionId: 2 };
    devtools.dispatch({ type: 'IMPORT_STATE', nextLiftedState });
    await until(() => devtools.sends.length === 1);
    expect(engine.version).toBe(1);
    expect(engine.state).toEqual(state(11));
    expect(devtools.sends[0]).toEqual([null, nextLiftedState]);
    // An imported action is known only by devtools' JSON of it.
    devtools.jumpToAction(0);
    await until(() => engine.version === 2);
    expect(engine.state).toEqual(state(10));
    await engine.execute(bump);
    expect(devtools.staged.map((entry) => entry.id)).toEqual([0, 1, 2]);
    expect(errors).toEqual([]);
  });

  it('IMPORT_STATE without action ids re-inits devtools with the imported state', async () => {
    const { engine, devtools, errors } = await connected();
    devtools.dispatch({ type: 'IMPORT_STATE', nextLiftedState: { computedStates: [{ state: { global_ctx: {}, domain_ctx: { n: 3 }, local_ctx: {} } }] } });
    await until(() => devtools.inits.length === 2);
    expect(engine.state.domain_ctx.n).toBe(3);
    expect(devtools.inits[1]).toBe(engine.state);
    expect(errors).toEqual([]);
  });
});

describe('connectDevtools: hostile or broken state from devtools', () => {
  const refused = async (send: (devtools: FakeConnection) => void, message: RegExp) => {
    const { engine, devtools, errors } = await connected();
    const before = engine.state;
    send(devtools);
    await until(() => errors.length > 0);
    expect(errors[0]).toBeInstanceOf(TypeError);
    expect((errors[0] as Error).message).toMatch(message);
    expect(engine.version).toBe(0);
    expect(engine.state).toBe(before);
    expect(devtools.inits).toHaveLength(2);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  };
  const unknownAction = (state: string) => (devtools: FakeConnection) => devtools.dispatch({ type: 'JUMP_TO_ACTION', actionId: 7 }, state);

  it('refuses __proto__, constructor and prototype keys at any depth', async () => {
    await refused(unknownAction('{"__proto__": {"polluted": true}}'), /the key '__proto__' \(at '__proto__'\), which would reach a prototype/);
    await refused(unknownAction('{"global_ctx": {}, "domain_ctx": {"a": {"constructor": {"prototype": {"polluted": true}}}}, "local_ctx": {}}'), /'constructor' \(at 'domain_ctx.a.constructor'\)/);
    const lifted = JSON.parse('{"computedStates": [{"state": {"domain_ctx": {"__proto__": {"polluted": true}}}}]}');
    await refused((devtools) => devtools.dispatch({ type: 'IMPORT_STATE', nextLiftedState: lifted }), /the key '__proto__'/);
  });

  it('refuses deep nesting, text that is not JSON, and a state that is not the layers', async () => {
    await refused(unknownAction(`{"domain_ctx": ${'{"a": '.repeat(5000)}1${'}'.repeat(5000)}}`), /nested more than 100 levels deep/);
    await refused(unknownAction('foobar'), /the state from devtools is not JSON/);
    await refused(unknownAction('{"domain_ctx": {}, "other": {}}'), /'other', which is not a layer/);
    await refused(unknownAction('{"domain_ctx": []}'), /no object for the layer 'global_ctx'|no object for the layer 'domain_ctx'/);
    await refused((devtools) => devtools.dispatch({ type: 'JUMP_TO_ACTION', actionId: 7 }), /devtools sent no state/);
    await refused((devtools) => devtools.dispatch({ type: 'IMPORT_STATE', nextLiftedState: {} }), /IMPORT_STATE without computedStates/);
  });
});

describe('connectDevtools: connecting and disconnecting', () => {
  it('disconnect stops the actions, unsubscribes from devtools, and is idempotent', async () => {
    const { engine, devtools, disconnect } = await connected();
    disconnect();
    disconnect();
    expect(devtools.unsubscribed).toBe(1);
    expect(devtools.listeners.size).toBe(0);
    await engine.execute(bump);
    expect(devtools.sends).toEqual([]);
  });

  it('ignores messages once disconnected, and messages that are not DISPATCH', async () => {
    const engine = await TheusEngine.create({ domain_ctx: { n: 0 } });
    const extension = new FakeExtension();
    const disconnect = connectDevtools(engine, { extension });
    const devtools = extension.connections[0];
    const listener = [...devtools.listeners][0];
    devtools.deliver({ type: 'START' });
    devtools.deliver({ type: 'ACTION', payload: '{"type": "x"}' });
    disconnect();
    listener({ type: 'DISPATCH', payload: { type: 'COMMIT' } });
    await settle();
    expect(devtools.inits).toHaveLength(1);
    expect(engine.version).toBe(0);
  });

  it('finds the extension on globalThis, and without one does nothing', async () => {
    const engine = await TheusEngine.create({ domain_ctx: { n: 0 } });
    const global = globalThis as { __REDUX_DEVTOOLS_EXTENSION__?: FakeExtension };
    expect(global.__REDUX_DEVTOOLS_EXTENSION__).toBeUndefined();
    const none = connectDevtools(engine);
    none();
    await engine.execute(bump);
    global.__REDUX_DEVTOOLS_EXTENSION__ = new FakeExtension();
    try {
      const disconnect = connectDevtools(engine, { name: 'global' });
      expect(global.__REDUX_DEVTOOLS_EXTENSION__.connections[0].inits).toEqual([engine.state]);
      disconnect();
    } finally {
      delete global.__REDUX_DEVTOOLS_EXTENSION__;
    }
  });

  it('refuses what is not an engine, and bad options, with a TypeError', async () => {
    const engine = await TheusEngine.create({ domain_ctx: { n: 0 } });
    const extension = new FakeExtension();
    expect(thrown(() => connectDevtools({} as never))).toEqual(new TypeError('connectDevtools(engine): engine must be a TheusEngine, got object'));
    expect(thrown(() => connectDevtools(null as never))).toEqual(new TypeError('connectDevtools(engine): engine must be a TheusEngine, got null'));
    expect(thrown(() => connectDevtools(engine, 'x' as never))).toEqual(new TypeError('connectDevtools: options must be an object'));
    expect(thrown(() => connectDevtools(engine, { extension, name: 1 as never }))).toEqual(new TypeError('connectDevtools: name must be a string'));
    expect(thrown(() => connectDevtools(engine, { extension, maxAge: 1 }))).toEqual(new TypeError('connectDevtools: maxAge must be an integer of at least 2, got 1'));
    expect(thrown(() => connectDevtools(engine, { extension, maxage: 5 } as never))).toEqual(new TypeError("connectDevtools: unknown option 'maxage'; the options are name, maxAge, extension and onError"));
    expect(thrown(() => connectDevtools(engine, { extension, onError: 'log' as never }))).toEqual(new TypeError('connectDevtools: onError must be a function'));
    expect(thrown(() => connectDevtools(engine, { extension: {} as never }))).toEqual(new TypeError('connectDevtools: extension must be an object with connect()'));
    expect(extension.connections).toEqual([]);
  });
});
