import { describe, expect, it } from 'vitest';
import { itUnless, workerd } from './support/runtime.ts';
import { TheusEngine } from 'theus';
import { agentContext } from '../examples/agent_loop/context.ts';
import * as decide from '../examples/agent_loop/processes/decide.ts';
import * as perceive from '../examples/agent_loop/processes/perceive.ts';

const itHere = itUnless(it, workerd, 'the workflow is read from a file, and workerd has no file system');

describe('examples/agent_loop', () => {
  itHere('observes, thinks, acts when confident, asks for help otherwise, until the goal', async () => {
    const sysCtx = agentContext();
    const engine = await TheusEngine.create(sysCtx);
    engine.registerModules({ 'processes/perceive.ts': perceive, 'processes/decide.ts': decide });
    const result = await engine.executeWorkflow(new URL('../examples/agent_loop/agent_loop.yaml', import.meta.url));
    const round = (decision: string) => ['observe', 'think', decision];
    expect(result.executed).toEqual(
      ['ask_for_help', 'ask_for_help', 'act', 'ask_for_help', 'act', 'ask_for_help', 'act'].flatMap(round),
    );
    expect(sysCtx.domain_ctx).toMatchObject({ position: 5, goal_reached: true, step: 7 });
    expect(result.stateHistory.filter((s) => s === 'WaitingIO')).toHaveLength(4);
  });

  itHere('stops at max_steps when the goal is out of reach', async () => {
    const sysCtx = agentContext(100);
    const engine = await TheusEngine.create(sysCtx);
    engine.registerModules({ perceive, decide });
    const result = await engine.executeWorkflow(new URL('../examples/agent_loop/agent_loop.yaml', import.meta.url));
    expect(result.state).toBe('Complete');
    expect(sysCtx.domain_ctx).toMatchObject({ step: 10, goal_reached: false });
  });
});
