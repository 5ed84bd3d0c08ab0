/**
 * The authority the tabs of a browser share (`worker: { shared }`), hosted
 * by their SharedWorker or by the leader tab: resumed from the storage, and
 * telling replicas of a commit only once the storage holds it. So no tab
 * ever shows a state that the next host, resuming from the storage, would
 * not have: a host that dies takes nothing a replica has seen with it.
 */
import { expose } from 'comlink';
import { Authority, type AuthorityConfig, type Broadcast } from './authority.ts';
import { classed } from './errors.ts';
import { layerRules } from './layers.ts';
import { logListenerError } from './listeners.ts';
import type { HostEndpoint } from './remote.ts';
import { endpointOf } from './serve-port.ts';
import { resume, savingTo, type Storage } from './storage.ts';
import { Store, type Root } from './store.ts';

export class TabHost {
  readonly #authority: Authority;
  /** The version the storage holds. */
  #durable: number;
  readonly #onDurable = new Set<() => void>();

  private constructor(authority: Authority, durable: number) {
    this.#authority = authority;
    this.#durable = durable;
  }

  /** Resumes what `storage` holds, or starts it with `root` at version 0. */
  static async open(storage: Storage, config: AuthorityConfig, root: Root): Promise<TabHost> {
    const context: Record<string, unknown> = { ...root };
    const { version, history } = await resume(storage, context, root, config.historyLimit);
    const state = Object.fromEntries(layerRules().names.map((name) => [name, context[name] ?? {}])) as Root;
    const store = new Store(state, version, { strict: config.strict, historyLimit: config.historyLimit, onListenerError: logListenerError }, history);
    let saved = (_version: number) => {};
    const watched: Storage = {
      load: (options) => storage.load(options),
      start: (state) => storage.start(state),
      save: async (record, state) => {
        await storage.save(record, state);
        saved(record.version);
      },
    };
    // Group commit, where the storage has it.
    if (storage.saveMany) {
      const saveMany = storage.saveMany.bind(storage);
      watched.saveMany = async (commits) => {
        await saveMany(commits);
        saved(commits[commits.length - 1]!.record.version);
      };
    }
    let host: TabHost;
    try {
      host = new TabHost(new Authority({ ...config, startVersion: version }, store, savingTo(watched)), version);
      saved = (version) => host.#saved(version);
    } catch (thrown) {
      // The core's refusal of the configuration comes as its error object.
      throw classed(thrown);
    }
    return host;
  }

  /** The calls replicas make on a port: the authority's, with broadcasts held until durable. */
  endpoint(): HostEndpoint {
    const policy = {
      // A joining replica starts from a state the storage holds.
      ready: async () => {
        while (this.#durable < this.#authority.store.version) await new Promise<void>((resolve) => this.#onDurable.add(resolve));
      },
      carry: (send: (broadcast: Broadcast) => void) => this.#held(send),
    };
    return {
      ...endpointOf(() => this.#authority, policy),
      // The authority is already running: a tab's start only joins it.
      start: async () => ({}),
      close: () => {},
    } as unknown as HostEndpoint;
  }

  /** Serves replicas on `port` (a SharedWorker's connection, a tab's port, or one in this tab). */
  serve(port: Parameters<typeof expose>[1]): void {
    expose(this.endpoint(), port);
  }

  dispose(): void {
    this.#authority.dispose();
  }

  #saved(version: number): void {
    this.#durable = version;
    const waiting = [...this.#onDurable];
    this.#onDurable.clear();
    for (const resolve of waiting) resolve();
  }

  /** `send`, with each commit (and whatever follows it) held until the storage holds it. */
  #held(send: (broadcast: Broadcast) => void): (broadcast: Broadcast) => void {
    const queue: Broadcast[] = [];
    const flush = () => {
      while (queue.length > 0 && (queue[0]!.kind !== 'commit' || queue[0]!.record.version <= this.#durable)) send(queue.shift()!);
      if (queue.length > 0) this.#onDurable.add(flush);
    };
    return (broadcast) => {
      // A halted authority says so at once: the commit it holds back will never be saved.
      if (broadcast.kind === 'lost') {
        queue.length = 0;
        send(broadcast);
        return;
      }
      queue.push(broadcast);
      if (queue.length === 1) flush();
    };
  }
}
