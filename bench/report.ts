// Runs tinybench tasks and prints medians and ratios against a peer measured
// in the same run (the machines are shared and noisy: medians, not means).
import { Bench } from 'tinybench';

export interface Case {
  name: string;
  fn: () => unknown;
}

/** A case's latency in microseconds: the median call, and the mean (which carries the collection pauses). */
export interface Timing {
  median: number;
  mean: number;
}

async function timings(cases: Case[], time: number, iterations: number): Promise<Timing[]> {
  const bench = new Bench({ time, iterations, warmup: true });
  for (const c of cases) bench.add(c.name, c.fn);
  await bench.run();
  return bench.tasks.map((task) => {
    const result = task.result as { latency?: { p50: number; mean: number }; error?: unknown };
    if (!result.latency) throw new Error(`benchmark '${task.name}' failed: ${String(result.error)}`);
    return { median: result.latency.p50 * 1000, mean: result.latency.mean * 1000 };
  });
}

/** Median latency in microseconds of each case, in order. */
export async function medians(cases: Case[], time = 400, iterations = 64): Promise<number[]> {
  return (await timings(cases, time, iterations)).map((t) => t.median);
}

/**
 * Over `rounds`, the median of each case's median latency and of its mean
 * latency (µs), in order. Rounds alternate the order of the cases, so that
 * no case always runs after another (whose garbage it would collect).
 */
export async function alternatingTimings(cases: Case[], rounds: number, time = 400, iterations = 64): Promise<{ median: number[]; mean: number[] }> {
  const perRound: Timing[][] = [];
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? cases.map((_, k) => k) : cases.map((_, k) => cases.length - 1 - k);
    const times = await timings(order.map((k) => cases[k]), time, iterations);
    perRound.push(order.map((_, k) => times[order.indexOf(k)]));
  }
  const middle = (pick: (t: Timing) => number) => cases.map((_, k) => perRound.map((t) => pick(t[k])).sort((a, b) => a - b)[Math.floor(rounds / 2)]);
  return { median: middle((t) => t.median), mean: middle((t) => t.mean) };
}

/** The median over `rounds` of each case's median latency (µs), in order (see alternatingTimings). */
export async function alternatingMedians(cases: Case[], rounds: number, time?: number, iterations?: number): Promise<number[]> {
  return (await alternatingTimings(cases, rounds, time, iterations)).median;
}

export function row(cells: (string | number)[]): string {
  return cells.map((c) => (typeof c === 'number' ? (c >= 100 ? c.toFixed(0) : c.toFixed(2)) : c).toString().padStart(14)).join('');
}
