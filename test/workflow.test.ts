import { describe, expect, it } from 'vitest';
import { FluxSafetyTripError, init, process, ProcessNotFoundError, TheusEngine, WorkflowError } from 'theus';

await init();

async function counterEngine() {
  const engine = await TheusEngine.create({ domain_ctx: { n: 0, is_valid: true, items: [1, 2], remaining: 3, log: [] as string[] } });
  const note = (name: string) =>
    process({ outputs: ['domain_ctx.log'], name }, (ctx) => {
      ctx.domain_ctx.log.push(name);
    });
  engine.register(
    process({ inputs: ['domain_ctx.n'], outputs: ['domain_ctx.n'], name: 'increment' }, (ctx) => {
      ctx.domain_ctx.n += 1;
    }),
    process({ outputs: ['domain_ctx.remaining'], name: 'process_one_item' }, async (ctx) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      ctx.domain_ctx.remaining -= 1;
    }),
    note('initialize'),
    note('handle_valid'),
    note('handle_invalid'),
    note('step_a'),
    note('step_b'),
    note('low'),
    note('high'),
  );
  return engine;
}

describe('executeWorkflow', () => {
  it('runs process steps, the string shorthand and flux: run, in order', async () => {
    const engine = await counterEngine();
    const result = await engine.executeWorkflow(`
steps:
  - process: initialize
  - "step_a"
  - flux: run
    steps: [step_b, step_a]
`);
    expect(result).toEqual({ state: 'Complete', stateHistory: ['Pending', 'Running', 'Complete'], executed: ['initialize', 'step_a', 'step_b', 'step_a'] });
    expect(engine.state.domain_ctx.log).toEqual(['initialize', 'step_a', 'step_b', 'step_a']);
    expect(engine.version).toBe(4); // each step its own transaction
  });

  it('counts to 5 with while (exact executed list)', async () => {
    const engine = await counterEngine();
    const { executed } = await engine.executeWorkflow({
      steps: [{ flux: 'while', condition: "domain['n'] < 5", do: ['increment'] }],
    });
    expect(executed).toEqual(Array(5).fill('increment'));
    expect(engine.state.domain_ctx.n).toBe(5);
  });

  it('takes then or else, and nests if inside while', async () => {
    const engine = await counterEngine();
    const { executed } = await engine.executeWorkflow(`
steps:
  - flux: if
    condition: "domain['is_valid'] == True and len(domain['items']) > 0"
    then: [handle_valid]
    else: [handle_invalid]
  - flux: while
    condition: "domain.n < 4"
    do:
      - flux: if
        condition: "domain['n'] < 2"
        then: [low]
        else: [high]
      - increment
`);
    expect(executed).toEqual(['handle_valid', 'low', 'increment', 'low', 'increment', 'high', 'increment', 'high', 'increment']);
  });

  it('goes WaitingIO while an async process is awaited', async () => {
    const engine = await counterEngine();
    const seen: string[] = [];
    const result = await engine.executeWorkflow(
      { steps: [{ flux: 'while', condition: "domain['remaining'] > 0 and signal.get('cmd_stop') != 'True'", do: ['process_one_item'] }] },
      { onStateChange: (state) => seen.push(state) },
    );
    expect(result.executed).toEqual(['process_one_item', 'process_one_item', 'process_one_item']);
    expect(result.stateHistory).toEqual(['Pending', 'Running', 'WaitingIO', 'Running', 'WaitingIO', 'Running', 'WaitingIO', 'Running', 'Complete']);
    expect(seen).toEqual(result.stateHistory.slice(1));
  });

  it('reads signals in conditions, by topic or by last segment', async () => {
    const engine = await counterEngine();
    engine.signals.publish({ topic: 'domain_ctx.cmd_stop', value: 'True', version: 0 });
    const { executed } = await engine.executeWorkflow({ steps: [{ flux: 'while', condition: "signal.get('cmd_stop') != 'True'", do: ['increment'] }] });
    expect(executed).toEqual([]);
    const again = await engine.executeWorkflow({ steps: [{ flux: 'if', condition: "signal.get('domain_ctx.cmd_stop') == 'True'", then: ['step_a'] }] });
    expect(again.executed).toEqual(['step_a']);
  });

  it('trips FluxSafetyTripError on an infinite loop, keeping what ran', async () => {
    const engine = await counterEngine();
    const error = await engine.executeWorkflow({ steps: [{ flux: 'while', condition: 'True', do: ['increment'] }] }, { maxOps: 20 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FluxSafetyTripError);
    expect((error as Error).message).toMatch(/^the workflow exceeded maxOps \(20\)/);
    expect(engine.state.domain_ctx.n).toBe(10); // one op per iteration and one per step
  });

  it('stops at a failing step in state Failed, rejecting with its error; earlier steps stay committed', async () => {
    const engine = await counterEngine();
    const boom = new Error('step failed');
    engine.register(process({ name: 'explode' }, () => {
      throw boom;
    }));
    const states: string[] = [];
    await expect(engine.executeWorkflow({ steps: ['step_a', 'explode', 'step_b'] }, { onStateChange: (s) => states.push(s) })).rejects.toBe(boom);
    expect(states.at(-1)).toBe('Failed');
    expect(engine.state.domain_ctx.log).toEqual(['step_a']);
  });

  it('refuses an unknown process before running any step', async () => {
    const engine = await counterEngine();
    const error = await engine.executeWorkflow({ steps: ['step_a', 'no_such_step'] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProcessNotFoundError);
    expect((error as Error).message).toMatch(/^the workflow runs 'no_such_step', which is not registered; registered: increment/);
    expect(engine.version).toBe(0);
  });

  it('takes a Windows path for a path, not for YAML text', async () => {
    const engine = await TheusEngine.create({ domain_ctx: {} });
    const error = await engine.executeWorkflow('C:\\nowhere\\flow.yaml').catch((e: unknown) => e);
    // Read as a file (there is none), or refused where there is no file system.
    expect((error as Error).message).toMatch(/^the workflow 'C:\\nowhere\\flow\.yaml'(: file paths need a file system| cannot be read: )/);
    expect(error).toBeInstanceOf(/file paths need a file system/.test((error as Error).message) ? TypeError : WorkflowError);
  });

  it('reports bad YAML with its line and column', async () => {
    const engine = await counterEngine();
    const error = await engine.executeWorkflow('steps:\n  - step_a\nsteps:\n  - step_b\n').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowError);
    expect(error).toMatchObject({ line: 3, column: 1 });
    expect((error as Error).message).toBe('the workflow text is not valid YAML: Map keys must be unique (line 3, column 1)');
  });

  it('reports a bad step with the line of its node', async () => {
    const engine = await counterEngine();
    const error = await engine.executeWorkflow('steps:\n  - step_a\n  - flux: loop\n    do: [step_b]\n').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowError);
    expect((error as Error).message).toBe("steps[1].flux: unknown flux 'loop'; flux is if, while or run (line 3, column 11)");
    expect(error).toMatchObject({ line: 3, column: 11, location: ['steps', 1, 'flux'] });
  });

  for (const hostile of ["constructor.constructor('return this')()", "__import__('os')", 'domain.__proto__', "domain['items'].pop()", "eval('1')"]) {
    it(`rejects the hostile condition ${hostile}: no code runs`, async () => {
      const engine = await counterEngine();
      const error = await engine
        .executeWorkflow(`steps:\n  - flux: if\n    condition: "${hostile}"\n    then: [step_a]\n`)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WorkflowError);
      expect((error as Error).message).toContain(`condition '${hostile}' at steps[0].condition`);
      expect((error as WorkflowError).line).toBe(3);
      expect(engine.version).toBe(0);
      expect((globalThis as Record<string, unknown>).polluted).toBeUndefined();
    });
  }

  it('reports a condition that cannot be evaluated, with the condition', async () => {
    const engine = await counterEngine();
    await expect(engine.executeWorkflow({ steps: [{ flux: 'if', condition: "domain['n'] < 'x'", then: ['step_a'] }] })).rejects.toThrow(
      "condition 'domain['n'] < 'x'' at steps[0]: cannot order 0 and 'x'",
    );
  });

  it('cancels between steps with an AbortSignal', async () => {
    const engine = await counterEngine();
    const controller = new AbortController();
    engine.register(process({ name: 'stop_here' }, () => controller.abort(new Error('cancelled'))));
    await expect(engine.executeWorkflow({ steps: ['step_a', 'stop_here', 'step_b'] }, { signal: controller.signal })).rejects.toThrow('cancelled');
    expect(engine.state.domain_ctx.log).toEqual(['step_a']);
  });

  it('logs each step and condition value in debug mode', async () => {
    const engine = await counterEngine();
    const lines: string[] = [];
    await engine.executeWorkflow({ steps: [{ flux: 'while', condition: "domain['n'] < 2", do: ['increment'] }] }, { debug: (l) => lines.push(l) });
    expect(lines).toEqual([
      "condition domain['n'] < 2 -> True",
      'step increment',
      "condition domain['n'] < 2 -> True",
      'step increment',
      "condition domain['n'] < 2 -> False",
    ]);
  });

  it('refuses bad options and sources', async () => {
    const engine = await counterEngine();
    await expect(engine.executeWorkflow({ steps: [] }, { maxOp: 3 } as never)).rejects.toThrow("unknown option 'maxOp'");
    await expect(engine.executeWorkflow({ steps: [] }, { maxOps: 0 })).rejects.toThrow('maxOps must be a positive integer, got 0');
    await expect(engine.executeWorkflow({ steps: [] }, { maxOps: '5' as never })).rejects.toThrow('maxOps must be a positive integer, got "5"');
    await expect(engine.executeWorkflow(42 as never)).rejects.toThrow(TypeError);
    await expect(engine.executeWorkflow({ step: [] })).rejects.toThrow("unknown key 'step' (did you mean 'steps'?)");
  });
});
