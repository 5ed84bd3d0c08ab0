/**
 * One authority for the tabs of an origin (`worker: { shared: name }`, with
 * `storage`). Every tab's engine is a replica; the authority lives in:
 *
 * - the package's SharedWorker, where the browser has one: it rebuilds the
 *   storage from its recipe and lives while any tab of the origin uses it;
 * - else (or with `via: 'web-locks'`) the leader tab: the one holding the
 *   Web Lock `theus:<name>`. The others queue for the lock and talk to the
 *   leader over the BroadcastChannel `theus:<name>` (comlink over
 *   tab-port.ts). When the leader closes, the browser gives the lock to
 *   the next tab, which resumes the authority from its own storage object
 *   and says so on the channel; every tab then follows it (tab-upstream.ts).
 *
 * A commit resolves once the storage holds it, and replicas see it only
 * then (tab-host.ts): a new leader, resuming from the storage, loses
 * nothing any tab has seen.
 */
import type { AuthorityConfig } from './authority.ts';
import { TheusError } from './errors.ts';
import type { Link } from './link.ts';
import { RemoteUpstream, type StartMessage } from './remote.ts';
import type { Storage } from './storage.ts';
import type { Root } from './store.ts';
import { TabHost } from './tab-host.ts';
import { FarEnd, TabChannel } from './tab-port.ts';
import { TabUpstream } from './tab-upstream.ts';
import type { SharedOption } from './worker-option.ts';
import { inViteDeps, packageUrl } from './vite-deps.ts';

interface LockManager {
  request(name: string, options: { ifAvailable?: boolean; signal?: AbortSignal }, callback: (lock: object | null) => Promise<unknown> | unknown): Promise<unknown>;
}

/** The replica's way to the tabs' authority, started or joined. */
export async function tabsUpstream(option: SharedOption, storage: Storage, config: AuthorityConfig, root: Root): Promise<TabUpstream> {
  const useShared = option.via === 'shared-worker' || (option.via === undefined && typeof SharedWorker === 'function');
  return useShared ? viaSharedWorker(option.shared, storage, config, root) : viaLeaderTab(option.shared, storage, config, root);
}

async function viaSharedWorker(name: string, storage: Storage, config: AuthorityConfig, root: Root): Promise<TabUpstream> {
  const { recipe } = storage;
  if (!recipe) {
    throw new TypeError(
      "TheusEngine: worker: { shared } hosts the authority in a SharedWorker, which makes the storage again from its recipe, and this storage has none: use indexedDbStorage(name) from theus/storage/indexeddb, or worker: { shared, via: 'web-locks' } (a leader tab, using each tab's own storage object)",
    );
  }
  // This exact form, options written in place, lets bundlers find the
  // worker and ship it (the build rewrites the extension in dist/); not
  // Vite's dev server (vite-deps.ts). One per name and script: every tab of
  // the origin that names it gets the same worker.
  const worker = inViteDeps
    ? new SharedWorker(packageUrl('dist/shared-worker-main.js'), { type: 'module', name: `theus:${name}` })
    : new SharedWorker(new URL('./shared-worker-main.ts', import.meta.url), { type: 'module', name: `theus:${name}` });
  const link: Link = {
    endpoint: worker.port,
    watch(onDeath) {
      worker.addEventListener('error', () => onDeath('the SharedWorker failed (or its script could not load)'));
    },
    stop: () => worker.port.close(),
  };
  const start: StartMessage = { config, root, recipe };
  const upstream = await RemoteUpstream.open(link, { start, state: true, owned: false });
  return new TabUpstream(upstream, () => Promise.reject(new TheusError('the SharedWorker of the tabs is gone')), () => {});
}

async function viaLeaderTab(name: string, storage: Storage, config: AuthorityConfig, root: Root): Promise<TabUpstream> {
  const locks = (navigator as unknown as { locks: LockManager }).locks;
  const channel = new TabChannel(`theus:${name}`);
  const lockName = `theus:${name}`;
  const ended = new AbortController();
  /** This tab's authority, once it leads. */
  let host: Promise<TabHost> | undefined;
  /** The connection being made to the leader, to give up when the leader changes. */
  let connecting: { die(why: string): void } | undefined;
  let upstream: TabUpstream | undefined;

  channel.onControl = (message) => {
    if ('open' in message) {
      if (!host) return;
      // Made now, so that it holds the replica's calls until this tab's authority is ready.
      const port = channel.port(message.open);
      void host.then((h) => h.serve(port), () => {});
    } else if (!host) {
      connecting?.die('a new leader tab took over');
      upstream?.moved();
    }
  };

  /** Asks for the lock, held until this engine ends; `onLead` runs when it is granted. Resolves whether it was (false at once for an unavailable `ifAvailable`). */
  const lead = (ifAvailable: boolean, onLead: () => void) =>
    new Promise<boolean>((granted) => {
      locks
        // A signal may not go with ifAvailable (NotSupportedError); it only withdraws a queued request.
        .request(lockName, ifAvailable ? { ifAvailable } : { signal: ended.signal }, (lock) => {
          // Granted after this engine ended: let it go at once.
          const leads = lock !== null && !ended.signal.aborted;
          granted(leads);
          if (!leads) return undefined;
          onLead();
          return new Promise<void>((release) => ended.signal.addEventListener('abort', () => release()));
        })
        // Aborted while queued: this engine ended.
        .catch(() => granted(false));
    });

  const becomeLeader = (takeover: boolean) => {
    connecting?.die('this tab leads now');
    host = TabHost.open(storage, config, root);
    host.then(
      () => {
        channel.post({ leader: true });
        // This tab's engine follows its own authority from now on.
        if (takeover) upstream?.moved();
      },
      // The storage could not be opened here: this tab lets another lead.
      () => ended.abort(),
    );
  };

  /** One link to the authority: this tab's own when it leads, else the leader's over the channel. */
  const connectOnce = async (): Promise<RemoteUpstream> => {
    if (host) {
      const { port1, port2 } = new MessageChannel();
      (await host).serve(port1);
      return RemoteUpstream.open(portLink(port2), { state: true, owned: false });
    }
    const [mine, theirs] = channel.pair();
    let onDeath: (why: string) => void = () => {};
    const calls = channel.port(mine);
    const link: Link = {
      endpoint: calls,
      watch: (fn) => void (onDeath = fn),
      stop: () => calls.close(),
      channel: () => {
        const [events, far] = channel.pair();
        return { port1: channel.port(events) as unknown as MessagePort, port2: new FarEnd(far) as unknown as MessagePort };
      },
    };
    const attempt = { die: (why: string) => onDeath(why) };
    connecting = attempt;
    // A leader that has only just taken the lock may not have seen this open.
    const timer = setTimeout(() => onDeath('no leader tab answered'), ANSWER_MS);
    channel.post({ open: theirs });
    try {
      return await RemoteUpstream.open(link, { state: true, owned: false });
    } finally {
      clearTimeout(timer);
      // Once made, the connection ends by upstream.moved(), which fails only what is in flight.
      if (connecting === attempt) connecting = undefined;
    }
  };

  const connect = async (): Promise<RemoteUpstream> => {
    for (;;) {
      try {
        return await connectOnce();
      } catch (error) {
        if (ended.signal.aborted) throw error;
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      }
    }
  };

  const leading = await lead(true, () => becomeLeader(false));
  if (!leading) void lead(false, () => becomeLeader(true));
  try {
    upstream = new TabUpstream(await connect(), connect, () => {
      ended.abort();
      void host?.then((h) => h.dispose(), () => {});
      channel.close();
    });
  } catch (error) {
    ended.abort();
    channel.close();
    throw error;
  }
  return upstream;
}

/**
 * How long a replica waits for the leader to answer before asking again: a
 * leader that took the lock an instant before may have missed the ask.
 */
const ANSWER_MS = 5000;
const RETRY_MS = 20;

function portLink(port: MessagePort): Link {
  return { endpoint: port, watch: () => {}, stop: () => port.close() };
}
