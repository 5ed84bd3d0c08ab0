// The run form, built from the registered processes: pick one, fill its
// arguments (each parsed as JSON when it parses, else taken as a string), run
// it once or N times at once (to see conflicts and retries).
import type { ProcessInfo } from '../sandbox/protocol.ts';
import { h } from './dom.ts';

export interface RunFormOptions {
  onExecute: (name: string, args: Record<string, unknown>) => void;
  onExecuteMany: (name: string, args: Record<string, unknown>, count: number) => void;
}

export class RunForm {
  private processes: ProcessInfo[] = [];
  /** What the user typed, per process and argument, kept across reloads of the project. */
  private readonly typed = new Map<string, string>();
  /** Arguments the user added by name (when the process's own could not be read). */
  private readonly extra = new Map<string, string[]>();
  private readonly select = h('select', { 'data-testid': 'process-select', id: 'process-select' });
  private readonly contract = h('p', { class: 'contract' });
  private readonly args = h('div', { class: 'args' });
  private readonly count = h('input', { type: 'number', min: 1, max: 500, value: 10, 'data-testid': 'concurrent-count', id: 'concurrent-count', inputmode: 'numeric' });
  private readonly buttons: HTMLButtonElement[];
  readonly manyResult = h('p', { class: 'many-result', 'data-testid': 'concurrent-result', 'aria-live': 'polite' });

  constructor(container: HTMLElement, private readonly options: RunFormOptions) {
    this.select.addEventListener('change', () => this.renderArgs());
    const execute = h('button', { type: 'submit', class: 'primary', 'data-testid': 'execute' }, 'Execute');
    const many = h('button', { type: 'button', 'data-testid': 'execute-concurrent', onclick: () => this.submitMany() }, 'Execute concurrently');
    this.buttons = [execute, many];
    const form = h(
      'form',
      { class: 'run-form' },
      h('label', { class: 'field' }, h('span', {}, 'Process'), this.select),
      this.contract,
      this.args,
      h('div', { class: 'row' }, execute),
      h('div', { class: 'row concurrent' }, h('label', { for: 'concurrent-count' }, 'Run'), this.count, h('span', {}, 'at once:'), many),
      h('p', { class: 'caption' }, 'Concurrent runs of a process that awaits read the same snapshot; all but one conflict at commit and are retried on the new state. The counts say how many bodies ran.'),
      this.manyResult,
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const name = this.select.value;
      if (name) this.options.onExecute(name, this.values());
    });
    container.replaceChildren(form);
    this.setProcesses([]);
  }

  setProcesses(processes: ProcessInfo[]): void {
    const previous = this.select.value;
    this.processes = processes;
    this.select.replaceChildren(...processes.map((info) => h('option', { value: info.name }, info.name)));
    if (processes.some((info) => info.name === previous)) this.select.value = previous;
    this.select.disabled = processes.length === 0;
    this.renderArgs();
  }

  setBusy(busy: boolean): void {
    for (const button of this.buttons) button.disabled = busy || this.processes.length === 0;
  }

  private current(): ProcessInfo | undefined {
    return this.processes.find((info) => info.name === this.select.value);
  }

  private renderArgs(): void {
    const info = this.current();
    if (!info) {
      this.contract.textContent = 'No processes registered: load a project whose module exports process(...) functions.';
      this.args.replaceChildren();
      return;
    }
    this.contract.replaceChildren(h('span', { class: 'reads' }, 'reads ', info.inputs.join(', ') || 'nothing'), ' · ', h('span', { class: 'writes' }, 'writes ', info.outputs.join(', ') || 'nothing'));
    const names = [...info.args, ...(this.extra.get(info.name) ?? [])];
    const fields = names.map((arg) => {
      const key = `${info.name}\0${arg}`;
      const input = h('input', { type: 'text', 'data-testid': `arg-${arg}`, id: `arg-${arg}`, value: this.typed.get(key) ?? '', placeholder: 'JSON (1500, "Mouse", [1]) or text', spellcheck: 'false', autocomplete: 'off' });
      input.addEventListener('input', () => this.typed.set(key, input.value));
      input.dataset.arg = arg;
      return h('label', { class: 'field' }, h('span', {}, arg), input);
    });
    const added = h('input', { type: 'text', placeholder: 'argument name', 'aria-label': 'name of an argument to add', 'data-testid': 'add-arg-name', class: 'add-arg-name' });
    const add = h('button', {
      type: 'button',
      'data-testid': 'add-arg',
      onclick: () => {
        const name = added.value.trim();
        if (!name || names.includes(name)) return;
        this.extra.set(info.name, [...(this.extra.get(info.name) ?? []), name]);
        this.renderArgs();
      },
    }, 'Add argument');
    const none = names.length === 0 ? h('p', { class: 'caption' }, 'This process takes no arguments that could be read from its code.') : null;
    this.args.replaceChildren(...fields, none ?? '', h('div', { class: 'row add-arg' }, added, add));
  }

  private values(): Record<string, unknown> {
    const args: Record<string, unknown> = {};
    for (const input of this.args.querySelectorAll<HTMLInputElement>('input[data-arg]')) {
      if (input.value.trim() !== '') args[input.dataset.arg!] = parseArg(input.value);
    }
    return args;
  }

  private submitMany(): void {
    const name = this.select.value;
    const count = Math.trunc(Number(this.count.value));
    if (!name) return;
    if (!(count >= 1 && count <= 500)) {
      this.manyResult.textContent = 'Give a count from 1 to 500.';
      return;
    }
    this.options.onExecuteMany(name, this.values(), count);
  }
}

/** An argument's value: JSON when the text parses as JSON, else the text itself. */
export function parseArg(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // Not JSON: the text is meant as a string (Mouse rather than "Mouse").
    return text;
  }
}
