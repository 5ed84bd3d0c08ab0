// The workflow as nested boxes: process steps, and if/while blocks with their
// condition and the value it had when last evaluated; branches side by side.
// The step that runs next (or is running) is highlighted.
import type { FlowNode, WorkflowView } from '../sandbox/protocol.ts';
import { h } from './dom.ts';

export function renderWorkflow(container: HTMLElement, view: WorkflowView | undefined): void {
  if (!view) {
    container.replaceChildren(h('p', { class: 'empty' }, 'No workflow: write one in the Workflow tab to run processes as steps.'));
    return;
  }
  const values = new Map(view.conditions.map((condition) => [condition.id, condition.value]));
  const executed = new Set(view.executed);
  const node = (flow: FlowNode): HTMLElement => {
    const classes = ['flow-node', flow.kind];
    if (flow.id === view.current) classes.push('current');
    if (executed.has(flow.id)) classes.push('done');
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
  container.replaceChildren(h('p', { class: `flow-state ${view.state.toLowerCase()}`, 'data-state': view.state }, `Workflow ${view.state}`), h('div', { class: 'flow' }, ...view.nodes.map(node)));
}
