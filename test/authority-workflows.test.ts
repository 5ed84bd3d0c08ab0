// The authority's side of workflow runs, asked directly as a port or a tab
// would ask it: what it says for runs it never started or that have ended.
import { describe, expect, it } from 'vitest';
import { init } from 'theus';
import { Authority } from '../ts/authority.ts';
import { checkOptions } from '../ts/core.ts';
import { Store } from '../ts/store.ts';
import { WorkflowRuns } from '../ts/workflow-runs.ts';

await init();

function authority(): Authority {
  const root = { global_ctx: {}, domain_ctx: { n: 0 }, local_ctx: {} };
  const store = new Store(root as never, 0, { strict: true, historyLimit: 10, onListenerError: () => {}, context: { ...root } });
  return new Authority({ ...checkOptions('[]'), seed: 1, contextKeys: Object.keys(root) }, store);
}

describe('workflow calls an authority answers', () => {
  it('for a run on an authority that started none (one that took over from another): not running, and nothing else', () => {
    const a = authority();
    expect(a.workflowStep(1, 7).error?.message).toMatch(/workflow run 7 is not running/);
    expect(a.workflowStep(1, 7).result).toBeUndefined();
    expect(a.workflowWaiting(1, 7).error?.message).toMatch(/workflow run 7 is not running/);
    expect(a.workflowFail(1, 7)).toEqual({ events: [] });
    a.dispose();
  });

  it('for a run that has ended: not running, as the core says', () => {
    const a = authority();
    const welcome = a.join(() => {}, { audit: false });
    const started = a.workflowStart(welcome.replica, { steps: [] }, 10, false, WorkflowRuns);
    const run = started.result!.workflow;
    expect(a.workflowStep(welcome.replica, run).result).toEqual({ kind: 'done' });
    expect(a.workflowStep(welcome.replica, run).error?.message).toMatch(new RegExp(`workflow run ${run} is not running`));
    a.dispose();
  });
});
