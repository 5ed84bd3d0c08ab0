// A conflict demo: a process that awaits between its read and its write,
// fired many times at once, so that most runs conflict and are retried.
import type { Project } from '../project.ts';

/** Concurrent executes of async processes: conflicts, retries and a count that is still exact. */
export const conflictDemo: Project = {
  title: 'Conflicts and retries',
  context: `{
  "global_ctx": {},
  "domain_ctx": { "counter": 0, "tickets": [], "stock": 100 }
}
`,
  processes: `// Run "increment" 10 times at once: each
// run reads the counter, awaits, then
// writes. Of the runs that read the same
// version, all but one conflict at commit;
// the engine runs them again on the new
// state, so the counter ends exactly 10
// higher (no update lost). The counts show
// the bodies run.
import { process } from 'theus';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const increment = process(
  {
    name: 'increment',
    inputs: ['domain.counter'],
    outputs: ['domain.counter'],
  },
  async (ctx) => {
    const seen = ctx.domain_ctx.counter;
    await pause(5); // a call to a server, a model, a disk
    ctx.domain_ctx.counter = seen + 1;
    return seen + 1;
  },
);

// Sells one ticket while there is stock:
// concurrent buyers never oversell.
export const buy_ticket = process(
  {
    name: 'buy_ticket',
    inputs: ['domain.stock', 'domain.tickets'],
    outputs: ['domain.stock', 'domain.tickets'],
    errors: ['Error'],
  },
  async (ctx, { buyer }: { buyer: string }) => {
    const d = ctx.domain_ctx;
    if (d.stock <= 0) throw new Error('sold out');
    await pause(3);
    d.stock -= 1;
    d.tickets.push({ buyer, seat: d.tickets.length + 1 });
    return 'seat ' + d.tickets.length;
  },
);

// Does not await: runs one after another,
// so it never conflicts.
export const reset_counter = process(
  { name: 'reset_counter', outputs: ['domain.counter'] },
  (ctx) => {
    ctx.domain_ctx.counter = 0;
  },
);
`,
  workflow: '',
  recipe: '',
  // Ten at once need up to nine retries for the last; a margin for more.
  options: { maxRetries: 30 },
};
