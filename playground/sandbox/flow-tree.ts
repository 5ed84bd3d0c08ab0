/**
 * The workflow as the diagram draws it: the Flux step tree read from the
 * YAML (the core compiles and runs it; this only names its nodes), with
 * ids that are paths ('s1', 's1.do.0') and the place of each condition.
 */
import { parse } from 'yaml';
import type { FlowNode } from './protocol.ts';

type Step = string | Record<string, unknown>;

const BRANCHES = { if: ['then', 'else'], while: ['do'], run: ['steps'] } as const;

function node(step: Step, id: string): FlowNode {
  if (typeof step === 'string') return { id, kind: 'process', label: step };
  if (typeof step !== 'object' || step === null) return { id, kind: 'process', label: String(step) };
  if (typeof step.process === 'string') return { id, kind: 'process', label: step.process };
  const kind = step.flux;
  if (kind !== 'if' && kind !== 'while' && kind !== 'run') return { id, kind: 'process', label: JSON.stringify(step) };
  const children = BRANCHES[kind].map((branch) => ({ branch, nodes: list(step[branch], `${id}.${branch}`) }));
  return { id, kind, label: kind, ...(typeof step.condition === 'string' ? { condition: step.condition } : {}), children };
}

function list(steps: unknown, prefix: string): FlowNode[] {
  return Array.isArray(steps) ? steps.map((step, i) => node(step as Step, `${prefix}.${i}`)) : [];
}

/** The diagram's nodes; an empty list when the text is not a workflow (the core says why when it runs). */
export function flowTree(yamlText: string): FlowNode[] {
  let document: unknown;
  try {
    document = parse(yamlText, { uniqueKeys: true, maxAliasCount: 100 });
  } catch {
    return [];
  }
  const steps = (document as { steps?: unknown } | null)?.steps;
  return Array.isArray(steps) ? steps.map((step, i) => node(step as Step, `s${i}`)) : [];
}

/** Every node, depth first. */
export function* walk(nodes: FlowNode[]): Generator<FlowNode> {
  for (const n of nodes) {
    yield n;
    for (const child of n.children ?? []) yield* walk(child.nodes);
  }
}
