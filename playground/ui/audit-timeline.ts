// The audit log as a plot: one mark per execution of a process, in order
// along x, its duration on y, coloured by outcome, with its audit level (S, A,
// B, C) written above it when a rule fired. Drawn at the container's width so
// text keeps its size on a phone.
import type { AuditInfo } from '../sandbox/protocol.ts';
import { h, s } from './dom.ts';

const HEIGHT = 170;
const PAD = { left: 58, right: 14, top: 22, bottom: 30 };

export class AuditTimeline {
  private last: readonly AuditInfo[] = [];
  private width = 0;

  constructor(private readonly container: HTMLElement) {
    // Re-drawn at a new width (a rotated phone, a resized window); not when
    // only the height changes, as it does when a mark's details are shown.
    new ResizeObserver(() => {
      if (this.container.clientWidth !== this.width) this.render(this.last);
    }).observe(container);
  }

  render(records: readonly AuditInfo[]): void {
    this.last = records;
    this.width = this.container.clientWidth;
    const width = Math.max(this.width, 240);
    const svg = s('svg', { width, height: HEIGHT, viewBox: `0 0 ${width} ${HEIGHT}`, role: 'img', 'aria-label': `${records.length} executions` });
    const plotW = width - PAD.left - PAD.right;
    const plotH = HEIGHT - PAD.top - PAD.bottom;
    const maxMs = niceMax(Math.max(0, ...records.map((record) => record.durationMs)));
    // Marks stay clear of the y axis and of the right edge.
    const inner = { from: PAD.left + 12, width: plotW - 20 };
    const x = (index: number) => inner.from + (records.length <= 1 ? inner.width / 2 : (index / (records.length - 1)) * inner.width);
    const y = (ms: number) => PAD.top + plotH - (ms / maxMs) * plotH;
    svg.append(
      s('line', { class: 'axis', x1: PAD.left, y1: PAD.top + plotH, x2: PAD.left + plotW, y2: PAD.top + plotH }),
      s('line', { class: 'axis', x1: PAD.left, y1: PAD.top, x2: PAD.left, y2: PAD.top + plotH }),
      s('text', { class: 'tick', x: PAD.left - 6, y: PAD.top + 4, 'text-anchor': 'end' }, `${formatMs(maxMs)}`),
      s('text', { class: 'tick', x: PAD.left - 6, y: PAD.top + plotH, 'text-anchor': 'end' }, '0'),
      s('text', { class: 'tick', x: PAD.left + plotW / 2, y: HEIGHT - 6, 'text-anchor': 'middle' }, records.length ? `executions 1 to ${records.length}, in order →` : 'no executions yet'),
      s('text', { class: 'tick', x: 4, y: 12 }, 'duration'),
    );
    const radius = Math.max(2.5, Math.min(6, plotW / Math.max(records.length, 1) / 2.5));
    records.forEach((record, index) => {
      const cx = x(index);
      const cy = y(record.durationMs);
      const title = `#${index + 1} ${record.process}: ${record.outcome}${record.level ? `, level ${record.level}` : ''}, ${formatMs(record.durationMs)}${record.version === undefined ? '' : `, v${record.version}`}${record.message ? `\n${record.message}` : ''}`;
      svg.append(
        s(
          'g',
          { class: `mark ${outcomeClass(record.outcome)}`, role: 'button', 'data-outcome': record.outcome, 'data-level': record.level ?? '', 'data-process': record.process },
          s('title', {}, title),
          s('circle', { cx, cy, r: radius }),
          record.level ? s('text', { class: 'level', x: cx, y: cy - radius - 3, 'text-anchor': 'middle' }, record.level) : null,
        ),
      );
    });
    // A tap (phones have no hover) or a click shows a mark's details under the plot.
    const details = h('p', { class: 'mark-details', 'data-testid': 'audit-details', 'aria-live': 'polite' });
    svg.addEventListener('click', (event) => {
      const mark = (event.target as Element).closest('.mark');
      details.textContent = mark?.querySelector('title')?.textContent ?? '';
    });
    this.container.replaceChildren(svg, details, legend(records));
  }
}

function legend(records: readonly AuditInfo[]): HTMLElement {
  const outcomes = [...new Set(records.map((record) => record.outcome))];
  const counts = outcomes.map((outcome) => h('span', { class: `key-item ${outcomeClass(outcome)}` }, h('i', {}), `${outcome} ${records.filter((record) => record.outcome === outcome).length}`));
  return h('p', { class: 'legend' }, ...counts, records.some((record) => record.level) ? h('span', { class: 'key-item' }, 'S A B C: the audit level of the rule that fired') : null);
}

/** success, failure; anything else the core may report gets a neutral colour. */
function outcomeClass(outcome: string): string {
  return outcome === 'success' || outcome === 'failure' ? outcome : 'other';
}

/** A round upper bound for the y axis (1, 2 or 5 times a power of ten). */
function niceMax(ms: number): number {
  if (ms <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(ms));
  return [1, 2, 5, 10].map((step) => step * power).find((bound) => bound >= ms)!;
}

function formatMs(ms: number): string {
  return ms >= 100 ? `${Math.round(ms)} ms` : `${Number(ms.toPrecision(2))} ms`;
}
