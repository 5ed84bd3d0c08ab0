// Runs the agent loop: discovers the processes, then runs the workflow.
//
// Run: npm run agent
import { TheusEngine } from 'theus';
import { agentContext } from './context.ts';
import { startedDirectly } from '../started-directly.ts';

export async function main(log: (line: string) => void = console.log) {
  const sysCtx = agentContext();
  const engine = await TheusEngine.create(sysCtx);
  const names = await engine.scanAndRegister(new URL('./processes/', import.meta.url));
  log(`registered: ${names.join(', ')}`);
  const result = await engine.executeWorkflow(new URL('./agent_loop.yaml', import.meta.url));
  for (const line of sysCtx.domain_ctx.log) log(line);
  log(`${result.state}: goal reached ${sysCtx.domain_ctx.goal_reached} after ${sysCtx.domain_ctx.step} steps, ${result.executed.length} process runs`);
  return { engine, result, sysCtx };
}

// Run when started directly, not when imported by the test.
if (startedDirectly(import.meta)) await main();
