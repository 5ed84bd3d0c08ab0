// Observe and think: the agent measures how far it is from the goal and
// decides how sure it is of its next move. The names are given in the
// contracts: a bundler may rename a function that shares its variable's name.
import { process } from 'theus';

export const observe = process(
  { name: 'observe', inputs: ['domain.position', 'domain.target', 'domain.step'], outputs: ['domain.observation', 'domain.step', 'domain.log'] },
  function observe(ctx) {
    const d = ctx.domain_ctx;
    d.observation = d.target - d.position;
    d.step += 1;
    d.log.push(`step ${d.step}: ${d.observation} to go`);
  },
);

export const think = process(
  { name: 'think', inputs: ['domain.observation', 'domain.hints'], outputs: ['domain.confidence'] },
  function think(ctx) {
    const d = ctx.domain_ctx;
    // Far from the goal the agent is unsure; each hint it got makes it surer.
    d.confidence = Math.min(1, 1 / (1 + 0.25 * Math.abs(d.observation)) + 0.25 * d.hints);
  },
);
