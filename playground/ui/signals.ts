// The signals: each message a commit published on a sig_/cmd_ path, newest
// first. They are events, not state: a workflow condition reads the last one
// with signal.get('name').
import type { SignalInfo } from '../sandbox/protocol.ts';
import { h, preview } from './dom.ts';

export function renderSignals(container: HTMLElement, signals: readonly SignalInfo[]): void {
  if (signals.length === 0) {
    container.replaceChildren(h('p', { class: 'empty' }, 'No signals yet: a commit that writes a sig_ or cmd_ path publishes one.'));
    return;
  }
  container.replaceChildren(
    h(
      'ol',
      { class: 'signal-list', reversed: true },
      ...[...signals].reverse().map((signal) => h('li', { 'data-topic': signal.topic }, h('span', { class: 'version' }, `v${signal.version}`), h('span', { class: 'topic' }, signal.topic), h('span', { class: 'value' }, preview(signal.value)))),
    ),
  );
}
