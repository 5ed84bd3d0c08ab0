// The workflow as nested boxes: process steps, and if/while blocks with their
// condition and the value it had when last evaluated; branches side by side.
// The step that runs next (or is running) is highlighted.
import type { FlowNode, WorkflowView } from '../sandbox/protocol.ts';
import { h } from './dom.ts';

/** The engine's workflow states, in a newcomer's words. */
const STATES: Record<WorkflowView['state'], string> = {
  Pending: 'not started; Step or Run begins it',
  Running: 'running a step',
  WaitingIO: 'paused before the highlighted step; Step runs it',
  Complete: 'every step has run',
  Failed: 'a step failed; Reset to start again',
};

export function renderWorkflow(container: HTMLElement, view: WorkflowView | undefined): void {
  if (!view) {
    container.replaceChildren(h('p', { class: 'empty' }, 'No workflow: write one in the Workflow tab to run processes as steps.'));
    return;
  }
  const values = new Map(view.conditions.map((condition) => [condition.id, condition.value]));
  const done = doneSteps(view);
  const node = (flow: FlowNode): HTMLElement => {
    const classes = ['flow-node', flow.kind];
    if (flow.id === view.current) classes.push('current');
    // The sandbox counts a step as run when it starts: the current one is not done yet.
    else if (done.has(flow.id)) classes.push('done');
    const value = values.get(flow.id);
    const head = h(
      'div',
      { class: 'flow-head' },
      h('span', { class: 'flow-kind' }, flow.kind === 'process' ? 'step' : flow.kind),
      h('span', { class: 'flow-label' }, flow.condition ?? flow.label),
      flow.condition === undefined ? null : h('span', { class: `flow-value ${value === undefined ? 'unknown' : String(value)}`, title: 'the value the condition had when last evaluated' }, value === undefined ? 'not evaluated' : `→ ${value}`),
    );
    const branches = (flow.children ?? []).map((branch) =>
      h('div', { class: `flow-branch ${branch.branch}` }, branch.branch === 'steps' ? null : h('span', { class: 'branch-name' }, branch.branch), ...branch.nodes.map(node)),
    );
    return h('div', { class: classes.join(' '), 'data-node': flow.id }, head, branches.length ? h('div', { class: 'flow-branches' }, ...branches) : null);
  };
  container.replaceChildren(h('p', { class: `flow-state ${view.state.toLowerCase()}`, 'data-state': view.state }, `Workflow ${view.state}: ${STATES[view.state]}`), h('div', { class: 'flow' }, ...view.nodes.map(node)));
}

/**
 * The ids of the steps that have run. The sandbox reports the names of the
 * processes run, not the steps: a name is a step when one step alone runs
 * that process; a process named by several steps ticks none of them.
 */
function doneSteps(view: WorkflowView): Set<string> {
  const steps = new Map<string, string[]>();
  const walk = (nodes: readonly FlowNode[]): void => {
    for (const flow of nodes) {
      if (flow.kind === 'process') steps.set(flow.label, [...(steps.get(flow.label) ?? []), flow.id]);
      for (const branch of flow.children ?? []) walk(branch.nodes);
    }
  };
  walk(view.nodes);
  const done = new Set<string>();
  for (const ran of view.executed) {
    const ids = steps.get(ran);
    if (ids?.length === 1) done.add(ids[0]);
    else if (!ids) done.add(ran); // already a step id
  }
  return done;
}
