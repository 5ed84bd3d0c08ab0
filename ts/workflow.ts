/**
 * Running Flux workflows. The step tree is compiled and interpreted by the
 * core (rust/engine/src/flux.rs); this file loads the YAML (keeping
 * positions for error messages), answers the core's questions (the values a
 * condition names, read from committed state), runs each process step as its
 * own transaction, and keeps the workflow's state history.
 */
import { LineCounter, parseDocument, isScalar, type Document } from 'yaml';
import { Workflow as CoreWorkflow } from '../wasm-pkg/theus_wasm.js';
import { valueAt } from './commit.ts';
import { callCore, ProcessNotFoundError, WorkflowError } from './errors.ts';
import { fileSystem, fileUrl, readText } from './runtime.ts';

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

/** Where a workflow comes from. */
export type WorkflowSource = string | URL | object;

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
  const loaded = await load(source);
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

interface Loaded {
  tree: unknown;
  /** Runs a core call, adding YAML line and column to its WorkflowError. */
  call<T>(fn: () => T): T;
}

async function load(source: WorkflowSource): Promise<Loaded> {
  if (source instanceof URL) return fromYaml(await readText(source), source.href);
  if (typeof source === 'string') {
    if (looksLikeYaml(source)) return fromYaml(source, 'the workflow text');
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(source)) return fromYaml(await readText(new URL(source)), source);
    const url = fileSystem() ? fileUrl(source) : undefined;
    if (!url) {
      throw new TypeError(`executeWorkflow('${source}'): file paths need a file system (Node or Deno); pass a URL, the YAML text or a parsed object`);
    }
    return fromYaml(await readText(url), source);
  }
  if (typeof source === 'object' && source !== null) return { tree: source, call: callCore };
  throw new TypeError(`executeWorkflow(source): expected a file path, a URL, YAML text or a parsed object, got ${source === null ? 'null' : typeof source}`);
}

const looksLikeYaml = (text: string) => text.includes('\n') || /^\s*(steps\s*:|[-[{])/.test(text);

function fromYaml(text: string, origin: string): Loaded {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true });
  const [problem] = doc.errors;
  if (problem) {
    const [start] = problem.linePos ?? [];
    throw new WorkflowError(`${origin} is not valid YAML: ${problem.message.split('\n')[0]}${start ? ` (line ${start.line}, column ${start.col})` : ''}`, {
      line: start?.line,
      column: start?.col,
      cause: problem,
    });
  }
  return {
    tree: doc.toJS(),
    call<T>(fn: () => T): T {
      try {
        return callCore(fn);
      } catch (error) {
        throw error instanceof WorkflowError && error.location ? locate(error, doc, lineCounter) : error;
      }
    },
  };
}

/** The same error, with the line and column of its node (and of the character, in a condition). */
function locate(error: WorkflowError, doc: Document, lineCounter: LineCounter): WorkflowError {
  const location = error.location!;
  const node = location.length ? doc.getIn(location, true) : doc.contents;
  const range = (node as { range?: [number, number, number] } | null)?.range;
  if (!range) return error;
  let start = range[0];
  if (error.offset !== undefined && isScalar(node)) {
    const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE';
    start += error.offset + (quoted ? 1 : 0);
  }
  const { line, col } = lineCounter.linePos(start);
  return new WorkflowError(`${error.message} (line ${line}, column ${col})`, { location, offset: error.offset, line, column: col, cause: error.cause });
}
