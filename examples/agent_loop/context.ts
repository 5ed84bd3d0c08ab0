// The agent's context: where it is, where it wants to be, and what it thinks.
export function agentContext(target = 5) {
  return {
    global_ctx: { max_steps: 10 },
    domain_ctx: {
      position: 0,
      target,
      observation: null as number | null,
      confidence: 0,
      step: 0,
      hints: 0,
      goal_reached: false,
      log: [] as string[],
    },
  };
}
