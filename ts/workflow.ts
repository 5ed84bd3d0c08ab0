/**
 * Running Flux workflows from a replica. The authority's core compiles the
 * step tree, keeps the run's state (Pending, Running, WaitingIO, Complete,
 * Failed) and evaluates each condition against the authoritative state;
 * this file loads the YAML (keeping positions for error messages), runs each
 * process step as its own transaction, and reports the run's states and
 * conditions as the core's events arrive.
 */
import type { ReplicaEvent } from './authority.ts';
import { fromCore, ProcessNotFoundError } from './errors.ts';
import { checkDepth } from './layers.ts';
import { report, type ListenerErrorHandler } from './listeners.ts';
import type { Upstream } from './upstream.ts';
import { WorkflowRuns } from './workflow-runs.ts';
import { readYaml } from './yaml.ts';
import type { Loaded, YamlSource } from './yaml-source.ts';
import { WorkflowError } from './errors.ts';
import type { HostAbortSignal } from './host-types.ts';

/** The states a workflow passes through. */
export type WorkflowState = 'Pending' | 'Running' | 'WaitingIO' | 'Complete' | 'Failed';

/** Options of `executeWorkflow`. */
export interface WorkflowOptions {
  /** Operations allowed (one per step and per loop iteration) before FluxSafetyTripError. Default 10000. */
  maxOps?: number;
  /** Log each step and each condition's value: `true` for console.debug, or a function of a line. */
  debug?: boolean | ((line: string) => void);
  /** Cancels the workflow between steps; it then rejects with the signal's reason. */
  signal?: HostAbortSignal;
  /** Observes every state change, as it happens. */
  onStateChange?: (state: WorkflowState) => void;
}

/** What `executeWorkflow` resolves to. */
export interface WorkflowResult {
  state: 'Complete';
  /** Every state the workflow was in, in order, from 'Pending'. */
  stateHistory: WorkflowState[];
  /** The process steps run, in order. */
  executed: string[];
}

/** Where a workflow comes from: a file path (Node/Deno), a URL, YAML text, or a parsed object. */
export type WorkflowSource = YamlSource;

type WorkflowEvent = Extract<ReplicaEvent, { kind: 'workflow' | 'condition' }>;

/** What the engine lends a running workflow. */
export interface WorkflowHost {
  upstream(): Upstream;
  /** Runs a registered process as its own transaction; `onAwait` if it is asynchronous. */
  run(name: string, onAwait: () => void): Promise<unknown>;
  isRegistered(name: string): boolean;
  /** What is registered, as a lookup's error tells it. */
  registered(): string;
  deliver(events: ReplicaEvent[]): void;
  /** Hands the events of run `workflow` to `observer`; returns the function that stops it. */
  observe(workflow: number, observer: (event: WorkflowEvent) => void): () => void;
  onListenerError: ListenerErrorHandler;
}

const OPTION_KEYS = ['maxOps', 'debug', 'signal', 'onStateChange'];

export async function runWorkflow(host: WorkflowHost, source: WorkflowSource, options: WorkflowOptions = {}): Promise<WorkflowResult> {
  const { maxOps, log, signal, onStateChange } = checkOptions(options);
  // The YAML parser loads with the first workflow, not with the other extras.
  const loaded = await readYaml(source, 'the workflow', (message, details) => new WorkflowError(message, details));
  checkDepth(loaded.tree, (message) => new WorkflowError(`workflow: ${message}`));
  const started = await host.upstream().workflowStart(loaded.tree, maxOps, log !== undefined, WorkflowRuns);
  if (!started.result) throw located(fromCore(started.error!), loaded);
  const workflow = started.result.workflow;
  const stateHistory: WorkflowState[] = [];
  const executed: string[] = [];
  const stop = host.observe(workflow, (event) => {
    if (event.kind === 'condition') {
      log?.(`condition ${event.text} -> ${event.value ? 'True' : 'False'}`);
      return;
    }
    stateHistory.push(event.state);
    // Pending is where a run starts, not a change.
    if (onStateChange && event.state !== 'Pending') {
      try {
        onStateChange(event.state);
      } catch (error) {
        report(host.onListenerError, error, 'onStateChange');
      }
    }
  });
  try {
    host.deliver(started.events);
    const missing = started.result.processes.filter((name) => !host.isRegistered(name));
    if (missing.length > 0) {
      throw new ProcessNotFoundError(
        `the workflow runs ${missing.map((n) => `'${n}'`).join(', ')}, which ${missing.length === 1 ? 'is' : 'are'} not registered; ${host.registered()}`,
        { process: missing[0] },
      );
    }
    for (;;) {
      signal?.throwIfAborted();
      // A local authority answers at once: no microtask spent waiting for it.
      const stepping = host.upstream().workflowStep(workflow);
      const step = stepping instanceof Promise ? await stepping : stepping;
      host.deliver(step.events);
      if (!step.result) throw located(fromCore(step.error!), loaded);
      if (step.result.kind === 'done') return { state: 'Complete', stateHistory, executed };
      const { name } = step.result;
      log?.(`step ${name}`);
      executed.push(name);
      let waiting: Promise<void> | undefined;
      await host.run(name, () => {
        const answer = host.upstream().workflowWaiting(workflow);
        if (answer instanceof Promise) waiting = answer.then((a) => host.deliver(a.events));
        else host.deliver(answer.events);
      });
      if (waiting) await waiting;
    }
  } catch (error) {
    // The core ends a run itself when it fails there; anything else ends it here.
    try {
      const answer = await host.upstream().workflowFail(workflow);
      host.deliver(answer.events);
    } catch {
      // The authority is gone: the run went with it.
    }
    throw error;
  } finally {
    stop();
  }
}

function checkOptions(options: WorkflowOptions) {
  if (typeof options !== 'object' || options === null) throw new TypeError('executeWorkflow: options must be an object');
  const unknown = Object.keys(options).find((key) => !OPTION_KEYS.includes(key));
  if (unknown !== undefined) throw new TypeError(`executeWorkflow: unknown option '${unknown}'; the options are ${OPTION_KEYS.join(', ')}`);
  const { maxOps = 10_000, debug, signal, onStateChange } = options;
  if (!Number.isInteger(maxOps) || maxOps < 1) throw new TypeError(`executeWorkflow: maxOps must be a positive integer, got ${typeof maxOps === 'string' ? JSON.stringify(maxOps) : String(maxOps)}`);
  if (debug !== undefined && typeof debug !== 'boolean' && typeof debug !== 'function') {
    throw new TypeError('executeWorkflow: debug must be a boolean or a function of a line');
  }
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw new TypeError('executeWorkflow: signal must be an AbortSignal');
  if (onStateChange !== undefined && typeof onStateChange !== 'function') throw new TypeError('executeWorkflow: onStateChange must be a function');
  const log = debug === true ? (line: string) => console.debug(`[theus workflow] ${line}`) : debug || undefined;
  return { maxOps, log, signal, onStateChange };
}

/** An error the core reports at a node of the workflow, with that node's line and column where the source was YAML. */
function located(error: Error, loaded: Loaded): Error {
  if (!(error instanceof WorkflowError) || !error.location) return error;
  const { location, offset } = error;
  const at = loaded.place(location, offset);
  if (!at) return error;
  return new WorkflowError(`${error.message} (line ${at.line}, column ${at.column})`, { location, offset, ...at, cause: error.cause });
}
