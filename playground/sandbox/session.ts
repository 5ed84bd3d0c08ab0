/**
 * The sandbox worker's side: one engine built from the user's project, and
 * every call answered with what the page shows (a Snapshot). Errors are
 * answered, never thrown across: the page always gets an Outcome.
 */
import { applyPatches, process, type Process, TheusEngine, type SignalReceiver, WorkflowError } from 'theus';
import type { Project } from '../project.ts';
import { flowTree, walk } from './flow-tree.ts';
import { findQuoted, jsonErrorPlace } from './locate.ts';
import { loadModule, warmUpLoader } from './module-loader.ts';
import type { CommitInfo, Diagnostic, EditorName, FlowNode, LoadOutcome, ManyOutcome, Outcome, ProcessInfo, SandboxApi, Snapshot, WorkflowView } from './protocol.ts';
import { Stepper } from './stepper.ts';
import { recipeErrorPlace, yamlDiagnostics, yamlValuePlace } from './yaml-errors.ts';
import { checkedArgs, cloneable, FORBIDDEN_KEYS, parseJson } from './untrusted.ts';

type Fn = ((ctx: unknown, args: unknown) => unknown) & { contract?: Record<string, unknown> };

/** The names of the keys destructured from a function's second parameter: the args the run form asks for. */
function argNames(fn: Fn): string[] {
  const match = /^[^(]*\(\s*[\w$]+\s*,\s*\{([^}]*)\}/.exec(Function.prototype.toString.call(fn));
  if (!match) return [];
  return match[1]
    .split(',')
    .map((part) => part.split(/[:=]/)[0].trim())
    .filter((name) => /^[\w$]+$/.test(name) && !FORBIDDEN_KEYS.has(name));
}

const errorOf = (error: unknown) => (error instanceof Error ? { name: error.name, message: error.message } : { name: 'Error', message: String(error) });

/** The engine built from one project at a time, and the calls the page makes on it (through comlink). */
export class Session implements SandboxApi {
  #engine: TheusEngine | undefined;
  #project: Project | undefined;
  #receiver: SignalReceiver | undefined;
  #signals: Snapshot['signals'] = [];
  #attempts = 0;
  #stepper = new Stepper();
  #run: Promise<unknown> | undefined;
  #flow: FlowNode[] = [];
  #view: WorkflowView | undefined;
  #processes: ProcessInfo[] = [];
  /** The user's module's blob URL: the frames of its code in a stack trace. */
  #moduleUrl = '';
  /** Errors raised outside any call, reported with the next answer. */
  #strays: unknown[] = [];

  /** Keeps an error raised outside any call (see worker.ts) for the next answer; the last 20 at most. */
  stray(error: unknown): void {
    this.#strays = [...this.#strays.slice(-19), error];
  }

  /** Diagnostics for the stray errors since the last answer, placed at their line where the stack shows it. */
  #takeStrays(): Diagnostic[] {
    const strays = this.#strays;
    this.#strays = [];
    return strays.map((error) => {
      const { name, message } = errorOf(error);
      const stray = `${message} (raised outside any call: a timer or a promise nobody awaited)`;
      const place = this.#runtimePlace(error);
      return { editor: 'processes' as const, name, message: stray, ...(place ? { line: place.line, column: place.column } : {}) };
    });
  }

  /** The outcome with the stray errors since the last answer added to its diagnostics. */
  #withStrays(outcome: Outcome): Outcome {
    const strays = this.#takeStrays();
    return strays.length === 0 ? outcome : { ...outcome, diagnostics: [...(outcome.diagnostics ?? []), ...strays] };
  }

  async warmUp(): Promise<void> {
    await warmUpLoader();
    // An engine made and dropped: the wasm core is compiled and ready before the first timed call.
    (await TheusEngine.create({ global_ctx: {}, domain_ctx: {} })).dispose();
  }

  async load(project: Project): Promise<LoadOutcome> {
    this.#dispose();
    this.#project = project;
    const diagnostics: Diagnostic[] = [...yamlDiagnostics(project.workflow, 'workflow'), ...yamlDiagnostics(project.recipe, 'recipe')];
    let context: unknown;
    try {
      context = parseJson(project.context);
      if (typeof context !== 'object' || context === null || Array.isArray(context)) throw new SyntaxError('the context must be a JSON object of layers: { "global_ctx": {...}, "domain_ctx": {...} }');
    } catch (error) {
      const message = (error as Error).message;
      diagnostics.push({ editor: 'context', name: (error as Error).name, message, ...(jsonErrorPlace(project.context, message) ?? findQuoted(project.context, message.replaceAll('"', "'"))) });
    }
    const loaded = await loadModule(project.processes);
    if (!loaded.ok) diagnostics.push(loaded.diagnostic);
    if (diagnostics.length > 0) return { ok: false, diagnostics };
    let engine: TheusEngine;
    try {
      engine = await TheusEngine.create(context as object, {
        ...(project.recipe.trim() ? { auditRecipe: project.recipe } : {}),
        ...(project.options?.strictMode !== undefined ? { strictMode: project.options.strictMode } : {}),
        ...(project.options?.maxRetries !== undefined ? { maxRetries: project.options.maxRetries } : {}),
      });
    } catch (error) {
      const editor: EditorName = /recipe|audit/i.test((error as Error).message) ? 'recipe' : 'context';
      return { ok: false, diagnostics: [this.#diagnostic(error, editor)] };
    }
    try {
      const module = loaded as { module: Record<string, unknown>; url: string };
      this.#moduleUrl = module.url;
      const found = this.#instrument(module.module);
      engine.register(...found.map(([, fn]) => fn as unknown as Process));
      this.#processes = found.map(([info]) => info);
    } catch (error) {
      engine.dispose();
      return { ok: false, diagnostics: [this.#diagnostic(error, 'processes')] };
    }
    this.#engine = engine;
    this.#receiver = engine.signals.subscribe();
    this.#flow = project.workflow.trim() ? flowTree(project.workflow) : [];
    this.#view = this.#flow.length > 0 ? { nodes: this.#flow, state: 'Pending', conditions: [], executed: [] } : undefined;
    return { ok: true, processes: this.#processes, snapshot: await this.#snapshot() };
  }

  /**
   * The module's processes, each wrapped to count its body's runs (a retry
   * after a conflict runs it again) and to wait at the stepper's gate.
   */
  #instrument(module: Record<string, unknown>): [ProcessInfo, Fn][] {
    const found: [ProcessInfo, Fn][] = [];
    for (const [exported, value] of Object.entries(module)) {
      const fn = value as Fn;
      if (typeof fn !== 'function' || typeof fn.contract !== 'object' || fn.contract === null) continue;
      const contract = fn.contract;
      const name = typeof contract.name === 'string' ? contract.name : fn.name || exported;
      const wrapped = (ctx: unknown, args: unknown) => {
        this.#attempts++;
        const gate = this.#stepper.gate();
        return gate ? gate.then(() => fn(ctx, args)) : fn(ctx, args);
      };
      const strings = (list: unknown) => (Array.isArray(list) ? list.map(String) : []);
      found.push([{ name, inputs: strings(contract.inputs), outputs: strings(contract.outputs), args: argNames(fn) }, process({ ...contract, name } as never, wrapped) as Fn]);
    }
    if (found.length === 0) throw new TypeError("the module exports no process: export const p = process({ name: 'p', outputs: [...] }, (ctx, args) => { ... })");
    return found;
  }

  /** A diagnostic for an engine error, placed at its line: the core's own, or where the source names its path. */
  #diagnostic(error: unknown, editor: EditorName): Diagnostic {
    const { name, message } = errorOf(error);
    const at = error as { line?: number; column?: number };
    if (typeof at.line === 'number') return { editor, name, message, line: at.line, ...(typeof at.column === 'number' ? { column: at.column } : {}) };
    const text = this.#project?.[editor] ?? '';
    const named = /^the workflow runs '([^']+)'/.exec(message);
    const place = editor === 'recipe' ? recipeErrorPlace(text, message) : editor === 'workflow' && named ? yamlValuePlace(text, named[1]) : undefined;
    return { editor, name, message, ...(place ?? findQuoted(text, message)) };
  }


  #need(): TheusEngine {
    if (!this.#engine) throw new Error('load a project first');
    return this.#engine;
  }

  async execute(name: string, args: Record<string, unknown>): Promise<Outcome> {
    return this.#answer(() => this.#need().execute(name, checkedArgs(args)));
  }

  async executeMany(name: string, args: Record<string, unknown>, n: number): Promise<ManyOutcome> {
    const checked = checkedArgs(args);
    const count = Math.max(1, Math.min(1000, Math.floor(n)));
    const before = this.#attempts;
    const settled = await Promise.allSettled(Array.from({ length: count }, () => this.#need().execute(name, checked)));
    const snapshot = await this.#snapshot();
    const attempts = this.#attempts - before;
    return {
      outcomes: settled.map((s) => (s.status === 'fulfilled' ? { ok: true, result: cloneable(s.value), snapshot } : { ok: false, error: errorOf(s.reason), snapshot })),
      attempts,
      // A run refused before its body (an audit input rule) runs no body: not a conflict.
      conflicts: Math.max(0, attempts - count),
      snapshot,
    };
  }

  async step(): Promise<Outcome> {
    if (!this.#view) return this.#refuse('there is no workflow to step through');
    if (!this.#run) {
      this.#stepper.active = true;
      this.#start();
      await this.#stepper.untilNext(this.#run!);
    }
    if (this.#stepper.waiting) {
      this.#stepper.release();
      await this.#stepper.untilNext(this.#run!);
    }
    return this.#workflowOutcome();
  }

  async runWorkflow(): Promise<Outcome> {
    if (!this.#view) return this.#refuse('there is no workflow to run');
    if (!this.#run) this.#start();
    else this.#stepper.runFree();
    await this.#run!.catch(() => undefined);
    return this.#workflowOutcome();
  }

  async resetWorkflow(): Promise<Outcome> {
    this.#stepper.abort(new Error('the workflow was reset'));
    await this.#run?.catch(() => undefined);
    this.#run = undefined;
    if (this.#view) this.#view = { nodes: this.#flow, state: 'Pending', conditions: [], executed: [] };
    return this.#answer(async () => undefined);
  }

  #start(): void {
    const view: WorkflowView = { nodes: this.#flow, state: 'Pending', conditions: [], executed: [] };
    this.#view = view;
    const nodes = [...walk(this.#flow)];
    const run = this.#need().executeWorkflow(this.#project!.workflow, {
      debug: (line) => {
        const step = /^step (.*)$/.exec(line);
        if (step) {
          view.current = nodes.find((n) => n.kind === 'process' && n.label === step[1])?.id;
          view.executed.push(step[1]);
          return;
        }
        const condition = /^condition (.*) -> (True|False)$/.exec(line);
        const node = condition && nodes.find((n) => n.condition === condition[1]);
        if (condition && node) {
          view.conditions = [...view.conditions.filter((c) => c.id !== node.id), { id: node.id, condition: condition[1], value: condition[2] === 'True' }];
        }
      },
      onStateChange: (state) => {
        view.state = state;
      },
    });
    this.#run = run.then(
      () => {
        view.state = 'Complete';
        view.current = undefined;
      },
      (error: unknown) => {
        view.state = 'Failed';
        throw error;
      },
    );
    // The failure is answered by the call that waits for it.
    this.#run.catch(() => undefined);
  }

  async #workflowOutcome(): Promise<Outcome> {
    const run = this.#run;
    if (run && this.#view && (this.#view.state === 'Complete' || this.#view.state === 'Failed')) {
      this.#run = undefined;
      try {
        await run;
      } catch (error) {
        // A process the workflow names but the module does not export is placed where the YAML names it.
        const inWorkflow = error instanceof WorkflowError || /^the workflow runs '/.test((error as Error).message);
        const diagnostics = inWorkflow ? [this.#diagnostic(error, 'workflow')] : undefined;
        return this.#withStrays({ ok: false, error: errorOf(error), ...(diagnostics ? { diagnostics } : {}), snapshot: await this.#snapshot() });
      }
    }
    return this.#withStrays({ ok: true, snapshot: await this.#snapshot() });
  }

  async undo(): Promise<Outcome> {
    return this.#answer(() => this.#need().undo());
  }

  async redo(): Promise<Outcome> {
    return this.#answer(() => this.#need().redo());
  }

  async stateAt(version: number): Promise<unknown> {
    const engine = this.#need();
    const history = engine.history;
    if (version === engine.version) return engine.state;
    const oldest = history.length > 0 ? history[0].version - 1 : engine.version;
    if (!Number.isInteger(version) || version < oldest || version > engine.version) {
      throw new RangeError(`version ${version} is not in the kept history (${oldest}..${engine.version})`);
    }
    let state: object = engine.state;
    for (let i = history.length - 1; i >= 0 && history[i].version > version; i--) state = applyPatches(state, history[i].inversePatches);
    return state;
  }

  async #answer(call: () => Promise<unknown>): Promise<Outcome> {
    try {
      const result = await call();
      return this.#withStrays({ ok: true, result: cloneable(result), snapshot: await this.#snapshot() });
    } catch (error) {
      const place = this.#runtimePlace(error);
      return this.#withStrays({ ok: false, error: errorOf(error), ...(place ? { diagnostics: [place] } : {}), snapshot: await this.#snapshot() });
    }
  }

  /**
   * An error raised in (or through) the user's code, at the line of its
   * innermost frame in the module: sucrase keeps lines, so the line is the
   * user's (columns can shift where types were removed).
   */
  #runtimePlace(error: unknown): Diagnostic | undefined {
    const stack = error instanceof Error ? error.stack : undefined;
    if (!stack || !this.#moduleUrl) return undefined;
    const frame = stack.indexOf(`${this.#moduleUrl}:`);
    const at = frame < 0 ? null : /^(\d+):(\d+)/.exec(stack.slice(frame + this.#moduleUrl.length + 1));
    if (!at) return undefined;
    const { name, message } = errorOf(error);
    return { editor: 'processes', name, message, line: Number(at[1]), column: Number(at[2]) };
  }

  async #refuse(message: string): Promise<Outcome> {
    return { ok: false, error: { name: 'Error', message }, snapshot: await this.#snapshot() };
  }

  async #snapshot(): Promise<Snapshot> {
    const engine = this.#engine;
    if (!engine) return { version: 0, state: {}, commits: [], audit: [], signals: [], canUndo: false, canRedo: false };
    while (this.#receiver && this.#receiver.pending > 0) {
      const { value } = await this.#receiver.next();
      if (value) this.#signals.push({ topic: value.topic, value: value.value, version: value.version });
    }
    const commits: CommitInfo[] = engine.history.map((record) => ({
      version: record.version,
      process: record.process ?? 'edit',
      patches: record.patches,
      inversePatches: record.inversePatches,
      at: record.at,
      changedPaths: [...new Set(record.patches.map((patch) => patch.path.map(String).join('.')))],
    }));
    return {
      version: engine.version,
      state: engine.state,
      commits,
      audit: engine.audit.getLogs().map((r) => ({ process: r.process, outcome: r.outcome, ...(r.level ? { level: r.level } : {}), message: r.message, version: r.version, durationMs: r.durationMs })),
      signals: this.#signals.slice(-200),
      ...(this.#view ? { workflow: { ...this.#view, conditions: [...this.#view.conditions], executed: [...this.#view.executed] } } : {}),
      canUndo: engine.canUndo,
      canRedo: engine.canRedo,
    };
  }

  #dispose(): void {
    this.#stepper.abort(new Error('the project was reloaded'));
    this.#stepper = new Stepper();
    this.#run = undefined;
    this.#receiver?.return?.();
    this.#receiver = undefined;
    this.#signals = [];
    this.#strays = [];
    this.#engine?.dispose();
    this.#engine = undefined;
  }
}
