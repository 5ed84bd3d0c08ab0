/**
 * theus/devtools: an engine's commits in the Redux DevTools extension, and
 * the extension's time travel as commits of the engine.
 *
 * Each commit is sent as an action named after its process, with its
 * patches and the committed state. Going back (a jump, RESET, ROLLBACK, an
 * import) is not an overwrite behind the engine's back: it is a
 * compareAndSwap of every layer at the version devtools last saw, so that a
 * commit devtools has not shown yet makes it a ConflictError (reported, and
 * devtools re-synced) instead of being lost.
 *
 * The connection mirrors the extension's action ids (the initial state is
 * action 0, each send the next, at most `maxAge` kept, the oldest folded
 * into action 0 as the extension does), so that a jump restores the very
 * state object the engine committed, Map, Set, Date and binary data
 * included, rather than devtools' JSON of it.
 *
 * @packageDocumentation
 */
import type { CommitEvent, Context, TheusEngine } from './engine.ts';
import type { Patches } from './patch.ts';
import { layersFromDevtools, type Layers } from './devtools-state.ts';
import { checkEngineShape } from './engine-shape.ts';

/** The action sent for a commit. */
export interface DevtoolsAction {
  /** The process, the requester of a compareAndSwap, or 'edit' (an edit, or a compareAndSwap without requester). */
  type: string;
  version: number;
  patches: Patches;
}

/** A message from the extension to a connection. */
export interface DevtoolsMessage {
  type: string;
  payload?: unknown;
  /** JSON of the state a DISPATCH asks for. */
  state?: unknown;
}

/** What the extension's `connect()` returns, as far as Theus uses it. */
export interface DevtoolsConnection {
  init(state: unknown): void;
  /** With a `null` action, `state` is a lifted state (a whole history). */
  send(action: DevtoolsAction | null, state: unknown): void;
  subscribe(listener: (message: DevtoolsMessage) => void): (() => void) | void;
  unsubscribe?(): void;
  error?(message: string): void;
}

/** The options Theus passes to `connect()`. */
export interface DevtoolsConnectOptions {
  name?: string;
  maxAge: number;
  features: Record<string, boolean | string>;
}

/** `globalThis.__REDUX_DEVTOOLS_EXTENSION__`, as far as Theus uses it. */
export interface DevtoolsExtension {
  connect(options: DevtoolsConnectOptions): DevtoolsConnection;
}

/** Options of {@link connectDevtools}. */
export interface DevtoolsOptions {
  /** The instance's name in the extension. */
  name?: string;
  /** How many actions devtools keeps, and this connection the states of (at least 2). Default 50, the extension's. */
  maxAge?: number;
  /** The extension. Default `globalThis.__REDUX_DEVTOOLS_EXTENSION__`; none: connectDevtools does nothing. */
  extension?: DevtoolsExtension;
  /** Told when something devtools asks for is not done (a ConflictError, a bad state). Default: `console.error`. */
  onError?: (error: unknown) => void;
}

/** What a DISPATCH message carries, as far as Theus reads it. */
interface DispatchPayload {
  type?: unknown;
  actionId?: unknown;
  index?: unknown;
  status?: unknown;
  nextLiftedState?: LiftedState;
}

/** A whole history, as IMPORT_STATE brings it. */
interface LiftedState {
  computedStates?: unknown;
  stagedActionIds?: unknown;
  nextActionId?: unknown;
}

/** The requester of a jump's commit, as engine.history shows it. */
const REQUESTER = 'devtools';

const DEFAULT_MAX_AGE = 50;

// The buttons devtools shows: skipping or reordering actions would need
// Theus to recompute states from actions, which commits are not; dispatching
// would need actions that run processes.
const FEATURES = { pause: true, lock: false, persist: false, export: true, import: 'custom', jump: true, skip: false, reorder: false, dispatch: false, test: false };

/** One action devtools holds: the state the engine committed at it, unless it was imported. */
interface Staged {
  id: number;
  state: Layers | undefined;
}

/**
 * Shows `engine`'s commits in the Redux DevTools extension and lets its time
 * travel (jump, commit, reset, rollback, import) commit to the engine.
 * Without the extension it does nothing. Returns the function that
 * disconnects (idempotent).
 *
 * @throws TypeError when `engine` is not a TheusEngine or an option is bad.
 * @example
 * ```ts
 * import { TheusEngine } from 'theus';
 * import { connectDevtools } from 'theus/devtools';
 *
 * const engine = await TheusEngine.create({ domain_ctx: { count: 0 } });
 * const disconnect = connectDevtools(engine, { name: 'counter' });
 * await engine.edit((ctx) => { ctx.domain_ctx.count += 1; }); // an 'edit' action in devtools
 * disconnect();
 * ```
 */
export function connectDevtools<C extends Context>(engine: TheusEngine<C>, options: DevtoolsOptions = {}): () => void {
  checkEngineShape(engine, 'connectDevtools(engine)', ['subscribe', 'compareAndSwap']);
  const { name, maxAge, extension, onError } = checkOptions(options);
  if (extension === undefined) return () => {};
  const connection = extension.connect({ ...(name === undefined ? {} : { name }), maxAge, features: FEATURES });
  const layers = Object.keys(engine.state);
  const current = () => engine.state as unknown as Layers;
  const initial = current();

  let staged: Staged[] = [];
  let nextId = 0;
  /** The version of the state devtools shows last: what a jump expects. */
  let seen = 0;
  let paused = false;
  let jumping = false;
  let open = true;

  const keep = (state: Layers | undefined) => {
    staged.push({ id: nextId++, state });
    const excess = staged.length - maxAge;
    if (excess > 0) staged = [{ id: 0, state: staged[excess].state }, ...staged.slice(excess + 1)];
  };
  const restart = () => {
    staged = [];
    nextId = 0;
    keep(current());
    seen = engine.version;
    connection.init(current());
  };

  const jump = async (target: Layers) => {
    const now = current();
    if (seen === engine.version && layers.every((layer) => target[layer] === now[layer])) return;
    jumping = true;
    try {
      await (engine as unknown as TheusEngine).compareAndSwap(seen, { data: target }, { requester: REQUESTER });
    } finally {
      jumping = false;
    }
  };

  const importLifted = async (lifted: LiftedState | undefined) => {
    const states = lifted?.computedStates;
    if (!Array.isArray(states) || states.length === 0) throw new TypeError('theus devtools: IMPORT_STATE without computedStates');
    await jump(layersFromDevtools((states[states.length - 1] as { state?: unknown } | undefined)?.state, layers));
    const ids = lifted!.stagedActionIds;
    const known = Array.isArray(ids) && ids.length === states.length && ids.every(Number.isInteger) && Number.isInteger(lifted!.nextActionId);
    if (!known) return restart();
    connection.send(null, lifted);
    staged = (ids as number[]).map((id, i) => ({ id, state: i === ids.length - 1 ? current() : undefined }));
    nextId = lifted!.nextActionId as number;
  };

  const handle = async ({ payload, state }: DevtoolsMessage) => {
    const { type, actionId, index, nextLiftedState } = payload as DispatchPayload;
    switch (type) {
      case 'JUMP_TO_ACTION':
      case 'JUMP_TO_STATE': {
        const at = type === 'JUMP_TO_ACTION' ? staged.find((entry) => entry.id === actionId) : staged[index as number];
        return jump(at?.state ?? layersFromDevtools(state, layers));
      }
      case 'COMMIT':
        return restart();
      case 'RESET':
        await jump(initial);
        return restart();
      case 'ROLLBACK':
        await jump(staged[0].state ?? layersFromDevtools(state, layers));
        return restart();
      case 'IMPORT_STATE':
        return importLifted(nextLiftedState);
    }
  };

  const failed = (error: unknown) => {
    try {
      // Devtools shows what it asked for: back to what the engine holds.
      if (open) {
        connection.error?.(error instanceof Error ? error.message : String(error));
        restart();
      }
    } finally {
      onError(error);
    }
  };

  const offEngine = engine.subscribe((event: CommitEvent) => {
    if (jumping && event.process === REQUESTER && event.version === seen + 1) {
      seen = event.version;
      return;
    }
    // The extension drops what is sent while paused: no action id is taken.
    if (paused) return;
    seen = event.version;
    connection.send({ type: event.process ?? 'edit', version: event.version, patches: event.patches }, current());
    keep(current());
  });

  // Messages are handled one after another: a jump must have committed
  // before the next one knows which version it expects.
  let queue = Promise.resolve();
  const offConnection = connection.subscribe((message) => {
    if (!open || message?.type !== 'DISPATCH' || typeof message.payload !== 'object' || message.payload === null) return;
    const { type, status } = message.payload as DispatchPayload;
    // At once: the extension pauses as it receives this, before any commit still to come.
    if (type === 'PAUSE_RECORDING') paused = typeof status === 'boolean' ? status : !paused;
    else queue = queue.then(() => handle(message)).catch(failed).catch((error: unknown) => console.error('theus devtools: reporting an error failed', error));
  });

  restart();
  return () => {
    if (!open) return;
    open = false;
    offEngine();
    if (typeof offConnection === 'function') offConnection();
    // Not extension.disconnect(): it disconnects every instance on the page.
    connection.unsubscribe?.();
  };
}

function checkOptions(options: DevtoolsOptions): Required<Omit<DevtoolsOptions, 'name' | 'extension'>> & Pick<DevtoolsOptions, 'name' | 'extension'> {
  if (typeof options !== 'object' || options === null) throw new TypeError('connectDevtools: options must be an object');
  const unknown = Object.keys(options).find((key) => !['name', 'maxAge', 'extension', 'onError'].includes(key));
  if (unknown !== undefined) throw new TypeError(`connectDevtools: unknown option '${unknown}'; the options are name, maxAge, extension and onError`);
  const { name, maxAge = DEFAULT_MAX_AGE, onError = (error: unknown) => console.error('theus devtools:', error) } = options;
  if (name !== undefined && typeof name !== 'string') throw new TypeError('connectDevtools: name must be a string');
  if (!Number.isInteger(maxAge) || maxAge < 2) throw new TypeError(`connectDevtools: maxAge must be an integer of at least 2, got ${String(maxAge)}`);
  if (typeof onError !== 'function') throw new TypeError('connectDevtools: onError must be a function');
  const extension = options.extension ?? (globalThis as { __REDUX_DEVTOOLS_EXTENSION__?: DevtoolsExtension }).__REDUX_DEVTOOLS_EXTENSION__;
  if (extension !== undefined && (typeof extension !== 'object' || extension === null || typeof extension.connect !== 'function')) {
    throw new TypeError('connectDevtools: extension must be an object with connect()');
  }
  return { name, maxAge, extension, onError };
}
