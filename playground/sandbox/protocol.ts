/**
 * What the page and the sandbox worker say to each other, and what the page
 * shows: every call answers with a Snapshot of the engine.
 */
import type { Project } from '../project.ts';

/** The four texts of a project, each in its own editor. */
export type EditorName = 'context' | 'processes' | 'workflow' | 'recipe';

/** An error shown inline: the editor it belongs to and a 1-based line/column where known. */
export interface Diagnostic {
  editor: EditorName;
  name: string;
  message: string;
  line?: number;
  column?: number;
}

/** A registered process as the run form shows it: its contract's paths and the args it reads. */
export interface ProcessInfo {
  name: string;
  inputs: string[];
  outputs: string[];
  /** The names of the args object's keys, read from the function's source (best effort). */
  args: string[];
}

/** One change of a commit, as the engine's history records it (a path of keys and indexes). */
export interface Patch {
  op: 'add' | 'replace' | 'remove';
  path: (string | number)[];
  value?: unknown;
}

/** One commit of the engine's history: which process made it, what it changed and how to undo it. */
export interface CommitInfo {
  version: number;
  process: string;
  patches: Patch[];
  inversePatches: Patch[];
  at: number;
  /** Dotted paths the commit wrote, e.g. 'domain_ctx.items'. */
  changedPaths: string[];
}

/** One audit record: an execution's outcome, the recipe level that fired (if any) and its duration. */
export interface AuditInfo {
  process: string;
  outcome: string;
  level?: string;
  message?: string;
  version?: number;
  durationMs: number;
}

/** A signal a commit published: its topic (the path down to its SIGNAL segment, e.g. `domain_ctx.sig_x`), value and version. */
export interface SignalInfo {
  topic: string;
  value: unknown;
  version: number;
}

/** The workflow as a tree for the diagram: ids are stable paths like 's0', 's2.then.0'. */
export interface FlowNode {
  id: string;
  kind: 'process' | 'if' | 'while' | 'run';
  label: string;
  condition?: string;
  children?: { branch: 'then' | 'else' | 'do' | 'steps'; nodes: FlowNode[] }[];
}

/** The workflow's run as the diagram shows it: the step that runs next and each condition's last value. */
export interface WorkflowView {
  nodes: FlowNode[];
  state: 'Pending' | 'Running' | 'WaitingIO' | 'Complete' | 'Failed';
  current?: string;
  conditions: { id: string; condition: string; value: boolean }[];
  executed: string[];
}

/** What the page shows; sent after every call. `state` is the committed context (structured clone). */
export interface Snapshot {
  version: number;
  state: unknown;
  commits: CommitInfo[];
  audit: AuditInfo[];
  signals: SignalInfo[];
  workflow?: WorkflowView;
  canUndo: boolean;
  canRedo: boolean;
}

/** The answer to one call: its result or error, diagnostics to show inline, and the engine after it. */
export interface Outcome {
  ok: boolean;
  result?: unknown;
  error?: { name: string; message: string };
  diagnostics?: Diagnostic[];
  snapshot: Snapshot;
}

/** The answer to concurrent executes: each one's outcome and how many bodies ran in all. */
export interface ManyOutcome {
  outcomes: Outcome[];
  /** Process bodies run in all (a conflict runs a body again). */
  attempts: number;
  conflicts: number;
  snapshot: Snapshot;
}

/** A loaded project's processes and first snapshot, or why it could not be loaded. */
export type LoadOutcome = { ok: true; processes: ProcessInfo[]; snapshot: Snapshot } | { ok: false; diagnostics: Diagnostic[] };

/** The worker's side, called through comlink. */
export interface SandboxApi {
  /** Resolves once the worker can run a project (its modules and the wasm core loaded). */
  warmUp(): Promise<void>;
  load(project: Project): Promise<LoadOutcome>;
  execute(name: string, args: Record<string, unknown>): Promise<Outcome>;
  executeMany(name: string, args: Record<string, unknown>, n: number): Promise<ManyOutcome>;
  step(): Promise<Outcome>;
  runWorkflow(): Promise<Outcome>;
  resetWorkflow(): Promise<Outcome>;
  undo(): Promise<Outcome>;
  redo(): Promise<Outcome>;
  stateAt(version: number): Promise<unknown>;
}
