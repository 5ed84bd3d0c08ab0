/**
 * The page's handle on the sandbox worker. Every call has a time limit: a
 * process that never ends (a loop with no exit) cannot be interrupted inside
 * a thread, so the worker is terminated, a new one loads the last project
 * again, and the call answers with a TimeoutError saying the state was reset.
 */
import { wrap, type Remote } from 'comlink';
import type { Project } from '../project.ts';
import type { LoadOutcome, ManyOutcome, Outcome, SandboxApi, Snapshot } from './protocol.ts';

const EMPTY: Snapshot = { version: 0, state: {}, commits: [], audit: [], signals: [], canUndo: false, canRedo: false };

class Timeout extends Error {
  override name = 'TimeoutError';
}

/**
 * @example
 * ```ts
 * const sandbox = new Sandbox({ timeoutMs: 3000 });
 * const loaded = await sandbox.load(examples[0].project);
 * if (loaded.ok) console.log((await sandbox.execute('add_product', { product_name: 'Pen', price: 2 })).snapshot.version);
 * ```
 */
export class Sandbox {
  readonly #timeoutMs: number;
  #worker!: Worker;
  #api!: Remote<SandboxApi>;
  #project: Project | undefined;
  #disposed = false;
  readonly #startupMs: number;
  #ready!: Promise<void>;
  /** Calls run one at a time, in order: a reload after a timeout must not race the next call. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: { timeoutMs?: number } = {}) {
    this.#timeoutMs = options.timeoutMs ?? 3000;
    this.#startupMs = Math.max(this.#timeoutMs, 20_000);
    this.#spawn();
  }

  #spawn(): void {
    this.#worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'theus-sandbox' });
    this.#api = wrap<SandboxApi>(this.#worker);
    // Starting a worker (its modules, the wasm) is not the user's code: it gets its own, longer limit.
    const api = this.#api;
    this.#ready = (async () => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const limit = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`the sandbox worker did not start within ${this.#startupMs} ms`)), this.#startupMs);
      });
      try {
        await Promise.race([api.warmUp(), limit]);
      } finally {
        clearTimeout(timer);
      }
    })();
    // Observed by the next call, which reports it.
    this.#ready.catch(() => undefined);
  }

  /** Waits until the worker has started; if it could not, the next call gets a new one. */
  async #started(): Promise<void> {
    try {
      await this.#ready;
    } catch (error) {
      this.#restart();
      throw error;
    }
  }

  /** A fresh worker: the stuck one cannot be interrupted, only terminated. */
  #restart(): void {
    this.#worker.terminate();
    this.#spawn();
  }

  /**
   * Runs `call` against the worker within the time limit, after the calls
   * before it. On a timeout the last project is loaded again in a new worker
   * (if that too outlasts the limit, the sandbox is left empty, not stuck).
   */
  #call<T>(what: string, call: (api: Remote<SandboxApi>) => Promise<T>, timedOut: (message: string, snapshot: Snapshot) => T, fresh = false): Promise<T> {
    const run = async (): Promise<T> => {
      if (this.#disposed) throw new Error(`the sandbox was disposed: ${what} was not run`);
      // A fresh worker for each project: timers and globals the last module left behind end with it.
      if (fresh) this.#restart();
      await this.#started();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const limit = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Timeout()), this.#timeoutMs);
      });
      try {
        return await Promise.race([call(this.#api), limit]);
      } catch (error) {
        if (!(error instanceof Timeout)) throw error;
        if (this.#disposed) throw new Error(`the sandbox was disposed while ${what} ran`);
        this.#restart();
        const stopped = `${what} ran longer than ${this.#timeoutMs} ms and was stopped`;
        if (!this.#project) return timedOut(`${stopped}; the sandbox restarted empty: load a project`, EMPTY);
        const reloaded = await this.#reload(this.#project);
        if (reloaded.ok) return timedOut(`${stopped}; the sandbox restarted and the project was loaded again (the state is back at its start)`, reloaded.snapshot);
        this.#project = undefined;
        return timedOut(`${stopped}; the sandbox restarted but the project could not be loaded again (${reloaded.why}): load a project`, EMPTY);
      } finally {
        clearTimeout(timer);
      }
    };
    const result = this.#queue.then(run, run);
    // The queue only orders calls; each call's own promise carries its error to its caller.
    this.#queue = result.catch(() => undefined);
    return result;
  }

  /** Loads `project` in the fresh worker, within the time limit. */
  async #reload(project: Project): Promise<{ ok: true; snapshot: Snapshot } | { ok: false; why: string }> {
    try {
      await this.#started();
    } catch (error) {
      return { ok: false, why: (error as Error).message };
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const limit = new Promise<undefined>((resolve) => (timer = setTimeout(resolve, this.#timeoutMs, undefined)));
    try {
      const loaded = await Promise.race([this.#api.load(project), limit]);
      if (loaded === undefined) {
        this.#restart();
        return { ok: false, why: `loading it took longer than ${this.#timeoutMs} ms` };
      }
      return loaded.ok ? { ok: true, snapshot: loaded.snapshot } : { ok: false, why: loaded.diagnostics.map((d) => d.message).join('; ') };
    } catch (error) {
      return { ok: false, why: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
    } finally {
      clearTimeout(timer);
    }
  }

  #outcome(what: string, call: (api: Remote<SandboxApi>) => Promise<Outcome>): Promise<Outcome> {
    return this.#call(what, call, (message, snapshot) => ({ ok: false, error: { name: 'TimeoutError', message }, snapshot }));
  }

  /** A fresh engine from the project (its context, processes, workflow and recipe). */
  load(project: Project): Promise<LoadOutcome> {
    // Kept only once it loads: a project whose module never finishes loading is not loaded again after a timeout.
    this.#project = undefined;
    return this.#call<LoadOutcome>(
      'loading the project',
      async (api) => {
        const loaded = await api.load(project);
        if (loaded.ok) this.#project = project;
        return loaded;
      },
      (message) => ({
        ok: false,
        diagnostics: [{ editor: 'processes', name: 'TimeoutError', message: `${message.split(';')[0]}: does the module run a loop when it loads?` }],
      }),
      true,
    );
  }

  execute(name: string, args: Record<string, unknown>): Promise<Outcome> {
    return this.#outcome(`process '${name}'`, (api) => api.execute(name, args));
  }

  /** `n` executes at once: conflicts make the engine run bodies again; the count of runs says how many. */
  executeMany(name: string, args: Record<string, unknown>, n: number): Promise<ManyOutcome> {
    return this.#call(`${n} executes of '${name}'`, (api) => api.executeMany(name, args, n), (message, snapshot) => ({
      outcomes: [{ ok: false, error: { name: 'TimeoutError', message }, snapshot }],
      attempts: 0,
      conflicts: 0,
      snapshot,
    }));
  }

  /** Runs the workflow up to and including its next process step. */
  step(): Promise<Outcome> {
    return this.#outcome('the workflow step', (api) => api.step());
  }

  runWorkflow(): Promise<Outcome> {
    return this.#outcome('the workflow', (api) => api.runWorkflow());
  }

  resetWorkflow(): Promise<Outcome> {
    return this.#outcome('resetting the workflow', (api) => api.resetWorkflow());
  }

  undo(): Promise<Outcome> {
    return this.#outcome('undo', (api) => api.undo());
  }

  redo(): Promise<Outcome> {
    return this.#outcome('redo', (api) => api.redo());
  }

  /** The state as of `version` (within the kept history). */
  stateAt(version: number): Promise<unknown> {
    return this.#call('reading an older state', (api) => api.stateAt(version), (message) => {
      throw new Error(message);
    });
  }

  /** Ends the worker; later calls (and calls still queued) reject saying so. */
  dispose(): void {
    this.#disposed = true;
    this.#worker.terminate();
  }
}
