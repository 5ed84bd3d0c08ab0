// Act when confident, ask for help otherwise.
import { process } from 'theus';

export const act = process(
  {
    name: 'act',
    inputs: ['domain.observation', 'domain.position', 'domain.target'],
    outputs: ['domain.position', 'domain.goal_reached', 'domain.hints', 'domain.log'],
  },
  function act(ctx) {
    const d = ctx.domain_ctx;
    const move = Math.sign(d.observation) * Math.min(2, Math.abs(d.observation));
    d.position += move;
    d.goal_reached = d.position === d.target;
    d.hints = 0;
    d.log.push(`moved ${move} to ${d.position}`);
  },
);

export const askForHelp = process(
  { inputs: ['domain.hints'], outputs: ['domain.hints', 'domain.log'] },
  // Asking takes a while (a person, a model, an API): an async process.
  async function ask_for_help(ctx) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    ctx.domain_ctx.hints += 1;
    ctx.domain_ctx.log.push('asked for help');
  },
);
