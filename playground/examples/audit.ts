// An audit recipe that blocks and stops: level B counts violations and
// refuses the commit that reaches threshold_max; level S stops the engine.
import type { Project } from '../project.ts';

/** A bank account whose recipe blocks big withdrawals at the third and stops on an overdraft. */
export const auditDemo: Project = {
  title: 'Audit recipe: block and stop',
  context: `{
  "global_ctx": { "currency": "EUR" },
  "domain_ctx": { "balance": 5000, "history": [] }
}
`,
  processes: `// Try, in order, and watch the audit
// timeline:
//  withdraw 600, twice: committed, each
//    counted (level B, see the recipe);
//  withdraw 600 a third time: refused with
//    AuditBlockError (threshold_max 3);
//  withdraw 9000: the balance would go
//    below 0, level S: AuditStopError, and
//    every later execute is refused.
//    Load again to restart.
import { process } from 'theus';

export const deposit = process(
  {
    name: 'deposit',
    inputs: ['domain.balance'],
    outputs: ['domain.balance', 'domain.history'],
  },
  (ctx, { amount }: { amount: number }) => {
    ctx.domain_ctx.balance += amount;
    ctx.domain_ctx.history.push('+' + amount);
    return ctx.domain_ctx.balance;
  },
);

export const withdraw = process(
  {
    name: 'withdraw',
    inputs: ['domain.balance'],
    outputs: ['domain.balance', 'domain.history'],
  },
  (ctx, { amount }: { amount: number }) => {
    ctx.domain_ctx.balance -= amount;
    ctx.domain_ctx.history.push('-' + amount);
    return ctx.domain_ctx.balance;
  },
);
`,
  workflow: '',
  recipe: `# Rules on each execution's args (inputs) and on the state it would commit (outputs).
default_level: B
default_threshold_max: 3
process_recipes:
  deposit:
    inputs:
      - { field: amount, min: 1, level: A }      # refused at once, engine goes on
  withdraw:
    inputs:
      - { field: amount, min: 1, level: A }
      - { field: amount, max: 500 }              # level B: counted, blocked at the 3rd
    outputs:
      - { field: domain_ctx.balance, min: 0, level: S }   # an overdraft stops the engine
    threshold_max: 3
`,
};
