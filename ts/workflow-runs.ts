/**
 * The authority's side of workflow runs: starting them in the core,
 * knowing what each run's process steps are named and what its conditions
 * read, and advancing a run to its next process step with the conditions
 * on the way evaluated against the authoritative state. Loaded with the
 * extras by the first workflow call an authority gets: an app without
 * workflows never ships it.
 */
import type { Answer, ReplicaEvent } from './authority.ts';
import { valueAt } from './commit.ts';
import { conditionValue } from './condition-values.ts';
import { pathRules, type ActionView, type CoreEngine, type CoreEvent, type NeedView, type Reply, type WorkflowStarted } from './core.ts';
import type { Root } from './store.ts';
import type { StepAction } from './upstream.ts';
import { flatText, valueText } from './value-text.ts';

/** How the core packs a process step's process index above its next condition's (see rust/wasm/src/lib.rs). */
const STEP_STRIDE = 2 ** 26;

/** What runs need of their authority. */
export interface RunsHost {
  readonly core: CoreEngine;
  /** Installs every decided commit: conditions read the state after it. */
  settle(): void;
  root(): Root;
  lastSignal(topic: string): unknown;
  /** The core's events as `replica` receives them (see the authority's `#events`). */
  events(events: CoreEvent[], replica: number): ReplicaEvent[];
  /** The runs `replica` started, which fail if it leaves. */
  owned(replica: number): Set<number> | undefined;
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

  start(replica: number, tree: unknown, maxOps: number, reportsConditions: boolean): Answer<WorkflowStarted> {
    const text = valueText(tree, pathRules().maxValueDepth);
    const reply: Reply<WorkflowStarted> = JSON.parse(this.#host.core.call((core) => core.workflowStart(text, maxOps, reportsConditions)));
    if (reply.result) {
      const { workflow, processes, needs } = reply.result;
      this.#host.owned(replica)?.add(workflow);
      this.#runs.set(workflow, { processes, needs });
    }
    return { result: reply.result ?? undefined, error: reply.error ?? undefined, events: this.#host.events(reply.events, replica) };
  }

  /**
   * Advances `workflow` to its next process step (or its end), evaluating
   * the conditions on the way against the authoritative state. A run that
   * ends (done or failed) is forgotten.
   */
  step(replica: number, workflow: number): Answer<StepAction> {
    this.#host.settle();
    const events: ReplicaEvent[] = [];
    const run = this.#runs.get(workflow);
    // The condition the last process step said comes next is answered now,
    // with this call, as it would be when asked: one call into the core per step.
    let asked = run?.ahead;
    if (run) run.ahead = undefined;
    for (;;) {
      const values = run && asked !== undefined ? this.#conditionValues(run.needs[asked]!) : undefined;
      const reply = this.#resume(workflow, asked, values);
      if (reply.events.length > 0) events.push(...this.#host.events(reply.events, replica));
      const action = reply.result;
      if (!action || action.kind === 'done') {
        this.#ended(replica, workflow);
        return action ? { result: action, events } : { error: reply.error ?? undefined, events };
      }
      if (action.kind === 'evaluate') {
        asked = action.condition;
        continue;
      }
      // A run is always known here: the core answers only for runs it started.
      const known = run!;
      if (action.next !== null) known.ahead = action.next;
      return { result: { kind: 'process', name: known.processes[action.process]! }, events };
    }
  }

  waiting(replica: number, workflow: number): Answer<null> {
    const reply: Reply<null> = JSON.parse(this.#host.core.call((core) => core.workflowWaiting(workflow)));
    return { error: reply.error ?? undefined, events: this.#host.events(reply.events, replica) };
  }

  /** Fails a run: asked by `replica`, or by none (0) when the replica that started it left. */
  fail(replica: number, workflow: number): Answer<null> {
    this.#ended(replica, workflow);
    const reply: Reply<null> = JSON.parse(this.#host.core.call((core) => core.workflowFail(workflow)));
    return { events: this.#host.events(reply.events, replica) };
  }

  #ended(replica: number, workflow: number): void {
    this.#host.owned(replica)?.delete(workflow);
    this.#runs.delete(workflow);
  }

  /** A number is the common answer: a process step with no events. */
  #resume(workflow: number, condition: number | undefined, values: unknown[] | undefined): Reply<ActionView> {
    const text = values && flatText(values);
    const reply = this.#host.core.call((core) => core.workflowResume(workflow, condition, text));
    if (typeof reply !== 'number') return JSON.parse(reply);
    const next = reply % STEP_STRIDE;
    return { result: { kind: 'process', process: (reply - next) / STEP_STRIDE, next: next === 0 ? null : next - 1 }, error: null, events: [] };
  }

  /** The values of a condition's needs, read from the authoritative state. */
  #conditionValues(needs: NeedView[]): unknown[] {
    const root = this.#host.root();
    return needs.map((need) => (need.kind === 'signal' ? conditionValue(this.#host.lastSignal(need.topic), 'value') : conditionValue(valueAt(root, need.path), need.kind)));
  }
}
