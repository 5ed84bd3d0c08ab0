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
  /** Calls run one at a time, in order: a reload after a timeout must not race the next call. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: { timeoutMs?: number } = {}) {
    this.#timeoutMs = options.timeoutMs ?? 3000;
    this.#spawn();
  }

  #spawn(): void {
    this.#worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'theus-sandbox' });
    this.#api = wrap<SandboxApi>(this.#worker);
  }

  /** Runs `call` against the worker within the time limit, after the calls before it. */
  #call<T>(what: string, call: (api: Remote<SandboxApi>) => Promise<T>, timedOut: (message: string, snapshot: Snapshot) => T): Promise<T> {
    const run = async (): Promise<T> => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const limit = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Timeout()), this.#timeoutMs);
      });
      try {
        return await Promise.race([call(this.#api), limit]);
      } catch (error) {
        if (!(error instanceof Timeout)) throw error;
        this.#worker.terminate();
        this.#spawn();
        let snapshot = EMPTY;
        if (this.#project) {
          const reloaded = await Promise.race([this.#api.load(this.#project), new Promise<undefined>((resolve) => setTimeout(resolve, this.#timeoutMs, undefined))]);
          if (reloaded?.ok) snapshot = reloaded.snapshot;
        }
        return timedOut(`${what} ran longer than ${this.#timeoutMs} ms and was stopped; the sandbox restarted and the project was loaded again (the state is back at its start)`, snapshot);
      } finally {
        clearTimeout(timer);
      }
    };
    const result = this.#queue.then(run, run);
    this.#queue = result.catch(() => undefined);
    return result;
  }

  #outcome(what: string, call: (api: Remote<SandboxApi>) => Promise<Outcome>): Promise<Outcome> {
    return this.#call(what, call, (message, snapshot) => ({ ok: false, error: { name: 'TimeoutError', message }, snapshot }));
  }

  /** A fresh engine from the project (its context, processes, workflow and recipe). */
  load(project: Project): Promise<LoadOutcome> {
    this.#project = project;
    return this.#call<LoadOutcome>('loading the project', (api) => api.load(project), (message) => ({
      ok: false,
      diagnostics: [{ editor: 'processes', name: 'TimeoutError', message: `${message.split(';')[0]}: does the module run a loop when it loads?` }],
    }));
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

  dispose(): void {
    this.#worker.terminate();
  }
}
