// The errors of the last action, listed under the editors: the core's
// diagnostics (click one to go to its line) and errors thrown while running.
import type { Diagnostic } from '../sandbox/protocol.ts';
import { h } from './dom.ts';

export interface RunError { name: string; message: string }

export function renderErrors(container: HTMLElement, diagnostics: readonly Diagnostic[], runError: RunError | undefined, reveal: (diagnostic: Diagnostic) => void): void {
  const items = diagnostics.map((diagnostic) => {
    const where = diagnostic.line === undefined ? diagnostic.editor : `${diagnostic.editor}:${diagnostic.line}${diagnostic.column === undefined ? '' : `:${diagnostic.column}`}`;
    return h(
      'li',
      { 'data-editor': diagnostic.editor, 'data-line': diagnostic.line },
      h('button', { type: 'button', class: 'where', title: 'Go to this place', onclick: () => reveal(diagnostic) }, where),
      ' ',
      h('b', {}, diagnostic.name),
      ': ',
      diagnostic.message,
    );
  });
  // A run error already listed as a diagnostic is not said twice.
  if (runError && !diagnostics.some((diagnostic) => diagnostic.message === runError.message)) {
    items.push(h('li', { 'data-error': runError.name }, h('b', {}, runError.name), ': ', runError.message));
  }
  container.replaceChildren(...items);
  container.hidden = items.length === 0;
}
