/**
 * Running Flux workflows. The step tree is compiled and interpreted by the
 * core (rust/engine/src/flux.rs); this file loads the YAML (keeping
 * positions for error messages), answers the core's questions (the values a
 * condition names, read from committed state), runs each process step as its
 * own transaction, and keeps the workflow's state history.
 */
import { Workflow as CoreWorkflow } from '../wasm-pkg/theus_wasm.js';
import { valueAt } from './commit.ts';
import { ProcessNotFoundError, WorkflowError } from './errors.ts';
import { loadYaml, type YamlSource } from './yaml-source.ts';

/** The states a workflow passes through. */
export type WorkflowState = 'Pending' | 'Running' | 'WaitingIO' | 'Complete' | 'Failed';

/** Options of `executeWorkflow`. */
export interface WorkflowOptions {
  /** Operations allowed (one per step and per loop iteration) before FluxSafetyTripError. Default 10000. */
  maxOps?: number;
  /** Log each step and each condition's value: `true` for console.debug, or a function of a line. */
  debug?: boolean | ((line: string) => void);
  /** Cancels the workflow between steps; it then rejects with the signal's reason. */
  signal?: AbortSignal;
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

/** What the engine lends a running workflow. */
export interface WorkflowHost {
  /** Runs a registered process as its own transaction; `onAwait` if it is asynchronous. */
  run(name: string, onAwait: () => void): Promise<unknown>;
  isRegistered(name: string): boolean;
  registered(): string[];
  /** Committed state, as of now. */
  state(): object;
  /** The last value of a signal (by topic or by its last segment). */
  signal(topic: string): unknown;
}

type Need = { kind: 'value' | 'length'; path: (string | number)[] } | { kind: 'signal'; topic: string };
type Action = { kind: 'process'; name: string; condition?: [string, boolean] } | { kind: 'evaluate'; needs: Need[]; condition?: [string, boolean] } | { kind: 'done'; condition?: [string, boolean] };

const OPTION_KEYS = ['maxOps', 'debug', 'signal', 'onStateChange'];

export async function runWorkflow(host: WorkflowHost, source: WorkflowSource, options: WorkflowOptions = {}): Promise<WorkflowResult> {
  const { maxOps, log, signal, onStateChange } = checkOptions(options);
  const loaded = await loadYaml(source, 'the workflow', (message, details) => new WorkflowError(message, details));
  const workflow = loaded.call(() => new CoreWorkflow(loaded.tree, maxOps));
  try {
    const missing = workflow.processNames().filter((name) => !host.isRegistered(name));
    if (missing.length > 0) {
      const known = host.registered();
      throw new ProcessNotFoundError(
        `the workflow runs ${missing.map((n) => `'${n}'`).join(', ')}, which ${missing.length === 1 ? 'is' : 'are'} not registered; ${known.length ? `registered: ${known.join(', ')}` : 'none is registered yet'}`,
        { process: missing[0] },
      );
    }
    const stateHistory: WorkflowState[] = ['Pending'];
    const enter = (state: WorkflowState) => {
      stateHistory.push(state);
      onStateChange?.(state);
    };
    const executed: string[] = [];
    enter('Running');
    try {
      let values: unknown[] | undefined;
      for (;;) {
        signal?.throwIfAborted();
        const action = loaded.call(() => workflow.resume(values)) as Action;
        if (action.condition) log?.(`condition ${action.condition[0]} -> ${action.condition[1] ? 'True' : 'False'}`);
        if (action.kind === 'done') {
          enter('Complete');
          return { state: 'Complete', stateHistory, executed };
        }
        if (action.kind === 'evaluate') {
          const state = host.state();
          values = action.needs.map((need) => (need.kind === 'signal' ? datum(host.signal(need.topic)) : read(state, need)));
          continue;
        }
        values = undefined;
        log?.(`step ${action.name}`);
        executed.push(action.name);
        let waiting = false;
        await host.run(action.name, () => {
          waiting = true;
          enter('WaitingIO');
        });
        if (waiting) enter('Running');
      }
    } catch (error) {
      enter('Failed');
      throw error;
    }
  } finally {
    workflow.free();
  }
}

function checkOptions(options: WorkflowOptions) {
  if (typeof options !== 'object' || options === null) throw new TypeError('executeWorkflow: options must be an object');
  const unknown = Object.keys(options).find((key) => !OPTION_KEYS.includes(key));
  if (unknown !== undefined) throw new TypeError(`executeWorkflow: unknown option '${unknown}'; the options are ${OPTION_KEYS.join(', ')}`);
  const { maxOps = 10_000, debug, signal, onStateChange } = options;
  if (!Number.isInteger(maxOps) || maxOps < 1) throw new TypeError(`executeWorkflow: maxOps must be a positive integer, got ${String(maxOps)}`);
  if (debug !== undefined && typeof debug !== 'boolean' && typeof debug !== 'function') {
    throw new TypeError('executeWorkflow: debug must be a boolean or a function of a line');
  }
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw new TypeError('executeWorkflow: signal must be an AbortSignal');
  if (onStateChange !== undefined && typeof onStateChange !== 'function') throw new TypeError('executeWorkflow: onStateChange must be a function');
  const log = debug === true ? (line: string) => console.debug(`[theus workflow] ${line}`) : debug || undefined;
  return { maxOps, log, signal, onStateChange };
}

/** A condition's view of a value: scalars as they are, containers by kind and size. */
function datum(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (typeof value === 'boolean' || typeof value === 'number' || typeof value === 'string') return value;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return value.toISOString();
  return { kind: kindOf(value), size: sizeOf(value) ?? 0 };
}

function kindOf(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  return typeof value === 'object' && value !== null ? (value.constructor?.name ?? 'object') : typeof value;
}

function sizeOf(value: unknown): number | undefined {
  if (typeof value === 'string' || Array.isArray(value) || ArrayBuffer.isView(value)) return (value as { length: number }).length;
  if (value instanceof Map || value instanceof Set) return value.size;
  if (typeof value === 'object' && value !== null) return Object.keys(value).length;
  return undefined;
}

function read(state: object, need: { kind: 'value' | 'length'; path: (string | number)[] }): unknown {
  const value = valueAt(state, need.path);
  // len() of something without a length is None, which the condition then reports.
  return need.kind === 'length' ? (sizeOf(value) ?? null) : datum(value);
}

