// The four editors (context, processes, workflow, audit recipe) in tabs, with
// the core's errors shown inline at their line and column (@codemirror/lint).
import { javascript } from '@codemirror/lang-javascript';
import { json } from '@codemirror/lang-json';
import { yaml } from '@codemirror/lang-yaml';
import { type Diagnostic as LintDiagnostic, lintGutter, setDiagnostics } from '@codemirror/lint';
import { type Extension, Prec } from '@codemirror/state';
import { keymap } from '@codemirror/view';
import { basicSetup, EditorView } from 'codemirror';
import type { Diagnostic, EditorName } from '../sandbox/protocol.ts';
import { theusCompletion } from './completion.ts';
import { h } from './dom.ts';

interface EditorSpec { name: EditorName; tab: string; caption: string; language: () => Extension }

const SPECS: EditorSpec[] = [
  { name: 'processes', tab: 'Processes', caption: 'An ES module (JS or TS). Each exported process(contract, fn) is registered: its contract names the paths it reads (inputs) and writes (outputs).', language: () => [javascript({ typescript: true }), theusCompletion] },
  { name: 'context', tab: 'Context', caption: 'The initial state, as JSON: layers global_ctx, domain_ctx and local_ctx. Paths under sig_ or cmd_ are signals.', language: () => json() },
  { name: 'workflow', tab: 'Workflow', caption: 'Optional. A Flux YAML workflow: steps naming processes, with flux: if / while / run and conditions over the state.', language: () => yaml() },
  { name: 'recipe', tab: 'Audit recipe', caption: 'Optional. Audit rules (YAML) checked at each commit: a level S rule stops the engine, A aborts the commit, B blocks after threshold_max violations, C only logs.', language: () => yaml() },
];

export interface EditorsOptions {
  /** Called after each edit by the user (not after setTexts). */
  onEdit: () => void;
  /** Ctrl/Cmd-Enter in any editor. */
  onSubmit: () => void;
}

export class Editors {
  private readonly views = new Map<EditorName, EditorView>();
  private readonly tabs = new Map<EditorName, HTMLButtonElement>();
  private readonly panels = new Map<EditorName, HTMLElement>();
  private settingTexts = false;

  constructor(container: HTMLElement, options: EditorsOptions) {
    const tabList = h('div', { class: 'tabs', role: 'tablist' });
    container.append(tabList);
    for (const spec of SPECS) {
      const tab = h('button', { type: 'button', role: 'tab', class: 'tab', 'data-testid': `tab-${spec.name}`, onclick: () => this.show(spec.name) }, spec.tab);
      tabList.append(tab);
      this.tabs.set(spec.name, tab);
      const panel = h('div', { class: 'editor-panel', role: 'tabpanel', 'data-testid': `editor-${spec.name}` }, h('p', { class: 'caption' }, spec.caption));
      container.append(panel);
      this.panels.set(spec.name, panel);
      const view = new EditorView({
        parent: panel,
        extensions: [
          // Before basicSetup's keymap, whose Mod-Enter inserts a blank line.
          Prec.highest(keymap.of([{ key: 'Mod-Enter', run: () => (options.onSubmit(), true) }])),
          basicSetup,
          spec.language(),
          lintGutter(),
          EditorView.lineWrapping,
          EditorView.updateListener.of((update) => {
            if (update.docChanged && !this.settingTexts) options.onEdit();
          }),
        ],
      });
      this.views.set(spec.name, view);
    }
    this.show('processes');
  }

  /** Brings an editor's tab to the front. */
  show(name: EditorName): void {
    for (const [other, panel] of this.panels) {
      const selected = other === name;
      panel.hidden = !selected;
      this.tabs.get(other)!.setAttribute('aria-selected', String(selected));
    }
  }

  text(name: EditorName): string {
    return this.view(name).state.doc.toString();
  }

  /** Replaces the texts (an example or a shared project), clearing old errors. */
  setTexts(texts: Record<EditorName, string>): void {
    this.settingTexts = true;
    try {
      for (const spec of SPECS) {
        const view = this.view(spec.name);
        view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: texts[spec.name] } });
      }
    } finally {
      this.settingTexts = false;
    }
    this.setDiagnostics([]);
  }

  /** Shows diagnostics inline (each editor's own) and marks the tabs that have some. */
  setDiagnostics(diagnostics: Diagnostic[]): void {
    for (const spec of SPECS) {
      const view = this.view(spec.name);
      const own = diagnostics.filter((diagnostic) => diagnostic.editor === spec.name);
      view.dispatch(setDiagnostics(view.state, own.map((diagnostic) => toLint(view, diagnostic))));
      const tab = this.tabs.get(spec.name)!;
      tab.classList.toggle('has-errors', own.length > 0);
      tab.dataset.errors = String(own.length);
    }
    const first = diagnostics[0];
    if (first) this.reveal(first);
  }

  /** Shows the editor a diagnostic belongs to with the cursor at its place. */
  reveal(diagnostic: Diagnostic): void {
    this.show(diagnostic.editor);
    const view = this.view(diagnostic.editor);
    const { from } = range(view, diagnostic);
    view.dispatch({ selection: { anchor: from }, effects: EditorView.scrollIntoView(from, { y: 'center' }) });
  }

  private view(name: EditorName): EditorView {
    return this.views.get(name)!;
  }
}

/** The document range of a 1-based line/column: from there to the end of the word (or line). */
function range(view: EditorView, diagnostic: Diagnostic): { from: number; to: number } {
  const doc = view.state.doc;
  // Without a line the error is about the whole text: it is shown on the first line.
  let line = doc.line(Math.min(Math.max(diagnostic.line ?? 1, 1), doc.lines));
  let column = diagnostic.column;
  // An error at the very end (an unclosed bracket, a truncated text) is shown at
  // the end of the last line that has text, not on the empty line after it.
  if (line.length === 0 && doc.sliceString(line.from).trim() === '') {
    while (line.number > 1 && line.length === 0) line = doc.line(line.number - 1);
    column = line.length;
  }
  const start = Math.min(line.from + Math.max((column ?? 1) - 1, 0), line.to);
  const word = /^[\w$.'"-]+/.exec(doc.sliceString(start, line.to));
  const end = column === undefined ? line.to : Math.min(start + (word ? word[0].length : 1), line.to);
  // At the end of a line the mark covers the character before, so that it shows as an underline.
  return end > start || start === line.from ? { from: start, to: end } : { from: start - 1, to: start };
}

function toLint(view: EditorView, diagnostic: Diagnostic): LintDiagnostic {
  const { from, to } = range(view, diagnostic);
  return { from, to, severity: 'error', source: diagnostic.name, message: diagnostic.message };
}
