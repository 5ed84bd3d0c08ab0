/**
 * What the page and the sandbox worker say to each other, and what the page
 * shows: every call answers with a Snapshot of the engine.
 */
import type { Project } from '../project.ts';

export type EditorName = 'context' | 'processes' | 'workflow' | 'recipe';

/** An error shown inline: the editor it belongs to and a 1-based line/column where known. */
export interface Diagnostic {
  editor: EditorName;
  name: string;
  message: string;
  line?: number;
  column?: number;
}

export interface ProcessInfo {
  name: string;
  inputs: string[];
  outputs: string[];
  /** The names of the args object's keys, read from the function's source (best effort). */
  args: string[];
}

export interface Patch {
  op: 'add' | 'replace' | 'remove';
  path: (string | number)[];
  value?: unknown;
}

export interface CommitInfo {
  version: number;
  process: string;
  patches: Patch[];
  inversePatches: Patch[];
  at: number;
  /** Dotted paths the commit wrote, e.g. 'domain_ctx.items'. */
  changedPaths: string[];
}

export interface AuditInfo {
  process: string;
  outcome: string;
  level?: string;
  message?: string;
  version?: number;
  durationMs: number;
}

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

export interface Outcome {
  ok: boolean;
  result?: unknown;
  error?: { name: string; message: string };
  diagnostics?: Diagnostic[];
  snapshot: Snapshot;
}

export interface ManyOutcome {
  outcomes: Outcome[];
  /** Process bodies run in all (a conflict runs a body again). */
  attempts: number;
  conflicts: number;
  snapshot: Snapshot;
}

export type LoadOutcome = { ok: true; processes: ProcessInfo[]; snapshot: Snapshot } | { ok: false; diagnostics: Diagnostic[] };

/** The worker's side, called through comlink. */
export interface SandboxApi {
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
