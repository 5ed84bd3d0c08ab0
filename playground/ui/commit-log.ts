// The commit log: one item per commit, newest first, with the process that
// made it, its patches and its inverse patches (what undo applies). Clicking
// an item selects it: the page then shows the state as of that version.
import type { CommitInfo, Patch } from '../sandbox/protocol.ts';
import { h, preview } from './dom.ts';

export class CommitLog {
  constructor(
    private readonly container: HTMLElement,
    private readonly onSelect: (commit: CommitInfo) => void,
  ) {}

  render(commits: readonly CommitInfo[], selected: number | undefined): void {
    if (commits.length === 0) {
      this.container.replaceChildren(h('p', { class: 'empty' }, 'No commits yet: run a process.'));
      return;
    }
    const list = h('ol', { class: 'commits', reversed: true });
    for (const commit of [...commits].reverse()) list.append(this.item(commit, commit.version === selected));
    this.container.replaceChildren(list);
  }

  private item(commit: CommitInfo, selected: boolean): HTMLElement {
    const time = new Date(commit.at).toLocaleTimeString();
    return h(
      'li',
      { class: selected ? 'commit selected' : 'commit', 'data-version': commit.version },
      h(
        'button',
        { type: 'button', class: 'commit-head', title: 'Show the state as of this commit', 'aria-pressed': String(selected), onclick: () => this.onSelect(commit) },
        h('span', { class: 'version' }, `v${commit.version}`),
        h('span', { class: 'process' }, commit.process || '(edit)'),
        h('span', { class: 'paths' }, commit.changedPaths.join(', ')),
        h('time', { datetime: new Date(commit.at).toISOString() }, time),
      ),
      h('details', { class: 'patches' }, h('summary', {}, `${commit.patches.length} patch${commit.patches.length === 1 ? '' : 'es'}`), patchList('patches', commit.patches), h('div', { class: 'inverse-title' }, 'inverse (undo applies these)'), patchList('inverse', commit.inversePatches)),
    );
  }
}

function patchList(kind: string, patches: readonly Patch[]): HTMLElement {
  return h('ul', { class: `patch-list ${kind}` }, ...patches.map((patch) => h('li', {}, h('span', { class: `op ${patch.op}` }, patch.op), ' ', patch.path.join('.'), patch.op === 'remove' ? '' : ` = ${preview(patch.value, 60)}`)));
}
