/**
 * The authority's side of workflow runs: what each run's process steps are
 * named and what its conditions read, and advancing a run to its next
 * process step with the conditions on the way evaluated against the
 * authoritative state. Loaded with the extras by the first run an authority
 * starts: an app without workflows never ships it.
 */
import { valueAt } from './commit.ts';
import { conditionValue } from './condition-values.ts';
import type { CoreEngine, CoreEvent, EngineError, NeedView, WorkflowStarted } from './core.ts';
import type { Root } from './store.ts';
import type { StepAction } from './upstream.ts';

/** What runs read of their authority. */
export interface RunsHost {
  readonly core: CoreEngine;
  /** The authoritative state, every decided commit installed. */
  root(): Root;
  lastSignal(topic: string): unknown;
}

interface Run {
  processes: string[];
  needs: NeedView[][];
  /** The condition the last process step said comes next, if any. */
  ahead?: number;
}

export class WorkflowRuns {
  readonly #host: RunsHost;
  readonly #runs = new Map<number, Run>();

  constructor(host: RunsHost) {
    this.#host = host;
  }

  started({ workflow, processes, needs }: WorkflowStarted): void {
    this.#runs.set(workflow, { processes, needs });
  }

  ended(workflow: number): void {
    this.#runs.delete(workflow);
  }

  /**
   * Advances `workflow` to its next process step (or its end); `deliver`
   * gets the core's events of each call. A run that ends (done or failed) is
   * forgotten.
   */
  step(workflow: number, deliver: (events: CoreEvent[]) => void): { action?: StepAction; error?: EngineError } {
    const run = this.#runs.get(workflow);
    // The condition the last process step said comes next is answered now,
    // with this call, as it would be when asked: one call into the core per step.
    let asked = run?.ahead;
    if (run) run.ahead = undefined;
    for (;;) {
      const values = run && asked !== undefined ? this.#conditionValues(run.needs[asked]!) : undefined;
      const reply = this.#host.core.workflowResume(workflow, asked, values);
      if (reply.events.length > 0) deliver(reply.events);
      const action = reply.result;
      if (!action || action.kind === 'done') {
        this.#runs.delete(workflow);
        return action ? { action } : { error: reply.error ?? undefined };
      }
      if (action.kind === 'evaluate') {
        asked = action.condition;
        continue;
      }
      // A run is always known here: the core answers only for runs it started.
      const known = run!;
      if (action.next !== null) known.ahead = action.next;
      return { action: { kind: 'process', name: known.processes[action.process]! } };
    }
  }

  /** The values of a condition's needs, read from the authoritative state. */
  #conditionValues(needs: NeedView[]): unknown[] {
    const root = this.#host.root();
    return needs.map((need) => (need.kind === 'signal' ? conditionValue(this.#host.lastSignal(need.topic), 'value') : conditionValue(valueAt(root, need.path), need.kind)));
  }
}
