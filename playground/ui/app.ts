// The page's controller: turns the user's actions into calls on the sandbox
// (which runs the engine and the user's code in a worker) and shows each
// answer in every view. It holds no engine state of its own: each answer
// carries a Snapshot, and the views are drawn from the last one.
import type { Project } from '../project.ts';
import type { Sandbox } from '../sandbox/client.ts';
import type { CommitInfo, Diagnostic, ManyOutcome, Outcome, Snapshot } from '../sandbox/protocol.ts';
import { AuditTimeline } from './audit-timeline.ts';
import { CommitLog } from './commit-log.ts';
import { byId, h, preview } from './dom.ts';
import { Editors } from './editors.ts';
import { renderErrors, type RunError } from './errors-list.ts';
import { RunForm } from './run-form.ts';
import { renderSignals } from './signals.ts';
import { StateTree } from './state-tree.ts';
import { renderWorkflow } from './workflow-diagram.ts';

/** How a project gets into and out of the page's address (playground/share.ts). */
export interface ShareCodec {
  encode(project: Project): Promise<string>;
  decode(hash: string): Promise<Project>;
}

export class App {
  private readonly editors: Editors;
  private readonly runForm: RunForm;
  private readonly stateTree = new StateTree(byId('state-tree'));
  private readonly commitLog = new CommitLog(byId('commit-log'), (commit) => void this.travel(commit));
  private readonly timeline = new AuditTimeline(byId('audit-timeline'));
  private readonly status = byId<HTMLParagraphElement>('status');
  private readonly exampleSelect = byId<HTMLSelectElement>('example-select');
  private readonly strict = byId<HTMLInputElement>('option-strict');
  private readonly retries = byId<HTMLInputElement>('option-retries');
  private readonly controls = ['load', 'share', 'workflow-step', 'workflow-run', 'workflow-reset', 'undo', 'redo'].map((id) => byId<HTMLButtonElement>(id));
  private snapshot: Snapshot | undefined;
  private loaded = false;
  private title = '';
  /** A commit and the state as of it, shown instead of the latest (time travel). */
  private past: { commit: CommitInfo; state: unknown } | undefined;
  private diagnostics: Diagnostic[] = [];
  private runError: RunError | undefined;
  private busy = false;

  constructor(
    private readonly sandbox: Sandbox,
    private readonly examples: readonly Project[],
    private readonly share: ShareCodec,
  ) {
    this.editors = new Editors(byId('editors'), { onEdit: () => this.edited(), onSubmit: () => void this.load() });
    this.runForm = new RunForm(byId('run-form'), {
      onExecute: (name, args) => void this.act(`${name}(${preview(args)})`, () => this.sandbox.execute(name, args)),
      onExecuteMany: (name, args, count) => void this.executeMany(name, args, count),
    });
    this.exampleSelect.replaceChildren(...examples.map((example, index) => h('option', { value: index }, example.title)));
    this.exampleSelect.addEventListener('change', () => {
      const example = this.examples[Number(this.exampleSelect.value)];
      if (example) void this.open(example);
    });
    byId('load').addEventListener('click', () => void this.load());
    byId('share').addEventListener('click', () => void this.shareProject());
    byId('workflow-step').addEventListener('click', () => void this.act('Workflow step', () => this.sandbox.step()));
    byId('workflow-run').addEventListener('click', () => void this.act('Workflow run', () => this.sandbox.runWorkflow()));
    byId('workflow-reset').addEventListener('click', () => void this.act('Workflow reset', () => this.sandbox.resetWorkflow()));
    byId('undo').addEventListener('click', () => void this.act('Undo', () => this.sandbox.undo()));
    byId('redo').addEventListener('click', () => void this.act('Redo', () => this.sandbox.redo()));
    for (const option of [this.strict, this.retries]) option.addEventListener('input', () => this.edited());
    // A shared link pasted into this tab's address bar.
    window.addEventListener('hashchange', () => {
      if (location.hash.length > 1) {
        this.openShared().catch((error: unknown) => {
          this.fail('The shared link could not be read', error);
          this.render();
        });
      }
    });
  }

  /** The first project: the one in the address (a shared link), else the first example. */
  async start(): Promise<void> {
    let linkError: unknown;
    if (location.hash.length > 1) {
      try {
        return await this.openShared();
      } catch (error) {
        linkError = error;
      }
    }
    const first = this.examples[0];
    if (first) await this.open(first);
    else this.say('No examples are bundled: write a project and Load it.', 'error');
    // Said after the example's own status, so that it is what the user reads.
    if (linkError !== undefined) {
      this.fail('The shared link could not be read, so the first example is open instead', linkError);
      this.render();
    }
  }

  /** Opens the project in the address's hash; throws what the link's decoder threw. */
  private async openShared(): Promise<void> {
    const project = await this.share.decode(location.hash.slice(1));
    const shared = h('option', { value: 'shared' }, `Shared: ${project.title}`);
    this.exampleSelect.querySelector('option[value="shared"]')?.remove();
    this.exampleSelect.prepend(shared);
    this.exampleSelect.value = 'shared';
    await this.open(project);
  }

  private async open(project: Project): Promise<void> {
    this.title = project.title;
    this.editors.setTexts({ context: project.context, processes: project.processes, workflow: project.workflow, recipe: project.recipe });
    this.strict.checked = project.options?.strictMode ?? true;
    this.retries.value = project.options?.maxRetries === undefined ? '' : String(project.options.maxRetries);
    await this.load();
  }

  /** The project as the editors hold it now. */
  private project(): Project {
    const options: NonNullable<Project['options']> = { strictMode: this.strict.checked };
    if (this.retries.value.trim() !== '') options.maxRetries = Number(this.retries.value);
    return {
      title: this.title || 'Untitled',
      context: this.editors.text('context'),
      processes: this.editors.text('processes'),
      workflow: this.editors.text('workflow'),
      recipe: this.editors.text('recipe'),
      options,
    };
  }

  private async load(): Promise<void> {
    if (this.busy) return;
    const project = this.project();
    await this.guard(`Loading "${project.title}"`, async () => {
      const outcome = await this.sandbox.load(project);
      byId('load').classList.remove('attention');
      this.past = undefined;
      this.runError = undefined;
      if (outcome.ok) {
        this.loaded = true;
        this.diagnostics = [];
        this.runForm.setProcesses(outcome.processes);
        this.snapshot = outcome.snapshot;
        this.say(`Loaded "${project.title}": ${outcome.processes.length} process${outcome.processes.length === 1 ? '' : 'es'} registered (${outcome.processes.map((info) => info.name).join(', ')}), state at version ${outcome.snapshot.version}.`, 'ok');
      } else {
        this.loaded = false;
        this.diagnostics = outcome.diagnostics;
        this.runForm.setProcesses([]);
        this.snapshot = undefined;
        const count = outcome.diagnostics.length;
        this.say(`"${project.title}" did not load: ${count} error${count === 1 ? '' : 's'}, marked in the editors. ${outcome.diagnostics[0] ? `${outcome.diagnostics[0].name}: ${outcome.diagnostics[0].message}` : ''}`, 'error');
      }
      this.editors.setDiagnostics(this.diagnostics);
    });
  }

  /** Runs one sandbox call that answers with an Outcome, and shows the answer. */
  private async act(label: string, call: () => Promise<Outcome>): Promise<void> {
    if (this.busy) return;
    await this.guard(label, async () => {
      const outcome = await call();
      this.past = undefined;
      this.snapshot = outcome.snapshot;
      this.diagnostics = outcome.diagnostics ?? [];
      this.runError = outcome.error;
      this.editors.setDiagnostics(this.diagnostics);
      const version = `state at version ${outcome.snapshot.version}`;
      if (outcome.ok) this.say(`${label} → ${outcome.result === undefined ? 'done' : preview(outcome.result)}; ${version}.`, 'ok');
      else this.say(`${label} failed: ${outcome.error ? `${outcome.error.name}: ${outcome.error.message}` : 'no reason given'} (${version}).`, 'error');
    });
  }

  private async executeMany(name: string, args: Record<string, unknown>, count: number): Promise<void> {
    if (this.busy) return;
    await this.guard(`${count} concurrent executes of ${name}`, async () => {
      const many: ManyOutcome = await this.sandbox.executeMany(name, args, count);
      this.past = undefined;
      this.snapshot = many.snapshot;
      const failed = many.outcomes.filter((outcome) => !outcome.ok);
      this.diagnostics = [];
      this.runError = failed[0]?.error;
      this.editors.setDiagnostics([]);
      const summary = `${count} × ${name}: ${count - failed.length} committed, ${failed.length} failed; ${many.attempts} bodies ran, ${many.conflicts} conflicts retried; state at version ${many.snapshot.version}.`;
      this.runForm.manyResult.textContent = summary;
      this.runForm.manyResult.dataset.attempts = String(many.attempts);
      this.runForm.manyResult.dataset.conflicts = String(many.conflicts);
      this.say(summary, failed.length ? 'error' : 'ok');
    });
  }

  /** Time travel: shows the state as of a commit (clicking it again returns to the latest). */
  private async travel(commit: CommitInfo): Promise<void> {
    if (this.past?.commit.version === commit.version) {
      this.past = undefined;
      this.render();
      return;
    }
    await this.guard(`Reading the state as of version ${commit.version}`, async () => {
      this.past = { commit, state: await this.sandbox.stateAt(commit.version) };
      this.say(`Showing the state as of version ${commit.version}.`, 'ok');
    });
    // On a phone the state pane is above the commit log, out of sight.
    if (this.past) byId('time-travel').scrollIntoView({ block: 'nearest' });
  }

  private async shareProject(): Promise<void> {
    await this.guard('Making a link', async () => {
      const hash = await this.share.encode(this.project());
      history.replaceState(null, '', `#${hash}`);
      try {
        await navigator.clipboard.writeText(location.href);
        this.say(`The address now holds this project (${location.href.length} characters) and is copied to the clipboard.`, 'ok');
      } catch (error) {
        this.say(`The address now holds this project (${location.href.length} characters); copy it from the address bar (the clipboard refused: ${(error as Error).message}).`, 'ok');
      }
    });
  }

  private edited(): void {
    byId('load').classList.add('attention');
    this.say('Edited: Load project (Ctrl/Cmd-Enter) to run the new version on a fresh engine.', 'info');
  }

  /** Runs an action with the controls disabled; an error it throws is shown, never dropped. */
  private async guard(label: string, action: () => Promise<void>): Promise<void> {
    this.setBusy(true);
    this.say(`${label}…`, 'info');
    try {
      await action();
    } catch (error) {
      this.fail(`${label} failed`, error);
    } finally {
      this.setBusy(false);
      this.render();
    }
  }

  private fail(what: string, error: unknown): void {
    const { name, message } = error instanceof Error ? error : { name: 'Error', message: String(error) };
    this.runError = { name, message };
    this.say(`${what}: ${name}: ${message}`, 'error');
  }

  private setBusy(busy: boolean): void {
    this.busy = busy;
    document.body.classList.toggle('busy', busy);
    this.runForm.setBusy(busy || !this.loaded);
    for (const button of this.controls) button.disabled = busy;
    if (!busy) this.enableSteps();
  }

  private enableSteps(): void {
    const snapshot = this.loaded ? this.snapshot : undefined;
    byId<HTMLButtonElement>('undo').disabled = !snapshot?.canUndo;
    byId<HTMLButtonElement>('redo').disabled = !snapshot?.canRedo;
    const flow = snapshot?.workflow;
    for (const id of ['workflow-step', 'workflow-run']) byId<HTMLButtonElement>(id).disabled = !flow || flow.state === 'Complete' || flow.state === 'Failed';
    byId<HTMLButtonElement>('workflow-reset').disabled = !flow;
  }

  private say(text: string, kind: 'ok' | 'error' | 'info'): void {
    this.status.textContent = text;
    this.status.dataset.kind = kind;
  }

  /** Draws every view from the last snapshot (and the time-travel state, if one is shown). */
  private render(): void {
    const snapshot = this.snapshot;
    renderErrors(byId('errors'), this.diagnostics, this.runError, (diagnostic) => this.editors.reveal(diagnostic));
    if (!snapshot) {
      byId('state-tree').replaceChildren(h('p', { class: 'empty' }, 'No state: the project has not loaded.'));
      this.commitLog.render([], undefined);
      this.timeline.render([]);
      renderSignals(byId('signals'), []);
      renderWorkflow(byId('workflow-diagram'), undefined);
      byId('version').textContent = '';
      this.enableSteps();
      return;
    }
    const past = this.past;
    const last = snapshot.commits[snapshot.commits.length - 1];
    const travel = byId('time-travel');
    if (past) {
      const { commit, state } = past;
      this.stateTree.render(state, commit.changedPaths);
      travel.hidden = false;
      travel.replaceChildren(`Showing the state as of version ${commit.version} (after ${commit.process || 'an edit'}); the latest is version ${snapshot.version}. `, h('button', { type: 'button', 'data-testid': 'back-to-latest', onclick: () => ((this.past = undefined), this.render()) }, 'Back to the latest'));
    } else {
      this.stateTree.render(snapshot.state, last?.changedPaths ?? []);
      travel.hidden = true;
    }
    byId('version').textContent = `version ${snapshot.version}`;
    this.commitLog.render(snapshot.commits, past?.commit.version);
    this.timeline.render(snapshot.audit);
    renderSignals(byId('signals'), snapshot.signals);
    renderWorkflow(byId('workflow-diagram'), snapshot.workflow);
    this.enableSteps();
  }
}
