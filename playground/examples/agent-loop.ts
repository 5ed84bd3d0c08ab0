// The agent loop of examples/agent_loop, as one playground project: the
// while/if workflow shows conditions changing value step by step.
import type { Project } from '../project.ts';

/** Observe, think, then act when confident or ask for help, until the goal is reached. */
export const agentLoop: Project = {
  title: 'Agent loop (workflow)',
  context: `{
  "global_ctx": { "max_steps": 10 },
  "domain_ctx": {
    "position": 0,
    "target": 5,
    "observation": null,
    "confidence": 0,
    "step": 0,
    "hints": 0,
    "goal_reached": false,
    "log": []
  }
}
`,
  processes: `// The agent observes, thinks, then acts or
// asks for help. Step through the workflow
// to see each condition's value; run it to
// reach the goal.
import { process } from 'theus';

export const observe = process(
  {
    name: 'observe',
    inputs: ['domain.position', 'domain.target', 'domain.step'],
    outputs: ['domain.observation', 'domain.step', 'domain.log'],
  },
  (ctx) => {
    const d = ctx.domain_ctx;
    d.observation = d.target - d.position;
    d.step += 1;
    d.log.push('step ' + d.step + ': ' + d.observation + ' to go');
  },
);

export const think = process(
  {
    name: 'think',
    inputs: ['domain.observation', 'domain.hints'],
    outputs: ['domain.confidence'],
  },
  (ctx) => {
    const d = ctx.domain_ctx;
    // Far from the goal the agent is
    // unsure; each hint it got makes it
    // surer.
    const sure = 1 / (1 + 0.25 * Math.abs(d.observation));
    d.confidence = Math.min(1, sure + 0.25 * d.hints);
  },
);

export const act = process(
  {
    name: 'act',
    inputs: ['domain.observation', 'domain.position', 'domain.target'],
    outputs: ['domain.position', 'domain.goal_reached', 'domain.hints', 'domain.log'],
  },
  (ctx) => {
    const d = ctx.domain_ctx;
    const step = Math.min(2, Math.abs(d.observation));
    const move = Math.sign(d.observation) * step;
    d.position += move;
    d.goal_reached = d.position === d.target;
    d.hints = 0;
    d.log.push('moved ' + move + ' to ' + d.position);
  },
);

// Asking takes a while (a person, a model,
// an API): an async process.
export const ask_for_help = process(
  {
    name: 'ask_for_help',
    inputs: ['domain.hints'],
    outputs: ['domain.hints', 'domain.log'],
  },
  async (ctx) => {
    await new Promise((resolve) => setTimeout(resolve, 5));
    ctx.domain_ctx.hints += 1;
    ctx.domain_ctx.log.push('asked for help');
  },
);
`,
  workflow: `# The agent loop: observe, think, then act
# when confident or ask for help, until the
# goal is reached or the step budget is spent.
name: agent_loop
steps:
  - flux: while
    condition: "domain['goal_reached'] == False and domain['step'] < global['max_steps']"
    do:
      - observe
      - think
      - flux: if
        condition: "domain['confidence'] > 0.8"
        then: [act]
        else: [ask_for_help]
`,
  recipe: '',
};
