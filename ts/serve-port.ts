/**
 * An authority served on a port: the calls a replica in another thread makes
 * (comlink), and the port broadcasts go to. Used by a worker (`serve()`) and
 * by `engine.connect()`.
 */
import { expose, transfer } from 'comlink';
import type { Authority, Broadcast, CommitMessage, Welcome } from './authority.ts';
import { unclonablePatches } from './cloneable.ts';
import type { SignalMessage } from './signals.ts';
import { WorkflowRuns } from './workflow-runs.ts';

/**
 * How a host lets replicas join, where it is not at once: the tabs' host
 * (tab-host.ts) joins a replica only at a version its storage holds, and
 * sends it each commit only once saved.
 */
export interface JoinPolicy {
  /** Resolves when a replica may join. */
  ready(): Promise<void>;
  /** What carries the broadcasts to a replica, given what posts them. */
  carry(send: (broadcast: Broadcast) => void): (broadcast: Broadcast) => void;
}

/**
 * The calls a replica in another thread makes, as comlink exposes them on a
 * port: the authority's own methods, with `join` taking the port that will
 * carry broadcasts to the new replica.
 */
export function endpointOf(authorityOf: () => Authority, policy?: JoinPolicy) {
  return {
    async join(port: MessagePort, options: { audit: boolean; state: boolean }): Promise<Welcome> {
      await policy?.ready();
      port.start?.();
      const send = (broadcast: Broadcast) => port.postMessage(broadcast);
      const welcome = authorityOf().join(policy ? policy.carry(send) : send, { audit: options.audit, unsendable: unclonablePatches });
      return options.state ? welcome : { ...welcome, root: {} as Welcome['root'], history: [] };
    },
    leave: (replica: number) => authorityOf().leave(replica),
    register: (replica: number, names: string[], specs: object[]) => authorityOf().register(replica, names, specs),
    begin: (replica: number, kind: number, process: number, inputValues: unknown[]) => authorityOf().begin(replica, kind, process, inputValues),
    commit: (replica: number, message: CommitMessage) => authorityOf().commit(replica, message),
    abort: (replica: number, tx: number, kind: number, process: number, requester: string | null, elapsedMs: number, message: string, threw: boolean) =>
      authorityOf().abort(replica, tx, kind, process, requester, elapsedMs, message, threw),
    auditReset: (replica: number) => authorityOf().auditReset(replica),
    listenAudit: (replica: number, on: boolean) => authorityOf().listenAudit(replica, on),
    publish: (replica: number, message: SignalMessage) => authorityOf().publish(replica, message),
    workflowStart: (replica: number, tree: unknown, maxOps: number, reportsConditions: boolean) => authorityOf().workflowStart(replica, tree, maxOps, reportsConditions, WorkflowRuns),
    workflowStep: (replica: number, workflow: number) => authorityOf().workflowStep(replica, workflow),
    workflowWaiting: (replica: number, workflow: number) => authorityOf().workflowWaiting(replica, workflow),
    workflowFail: (replica: number, workflow: number) => authorityOf().workflowFail(replica, workflow),
    connect: () => {
      const port = servePort(authorityOf);
      return transfer(port, [port]);
    },
  };
}

export type AuthorityEndpoint = ReturnType<typeof endpointOf>;

/** A new port on which `authority` answers (the other end of a fresh channel). */
export function servePort(authorityOf: () => Authority): MessagePort {
  const { port1, port2 } = new MessageChannel();
  expose(endpointOf(authorityOf), port1);
  return port2;
}
