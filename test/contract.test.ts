import { describe, expect, it } from 'vitest';
import { ContractViolationError, init, process, TheusEngine } from 'theus';
import { thrown } from './support/thrown.ts';

await init();

describe('process(contract, fn)', () => {
  it('returns the function itself with the contract attached', () => {
    function add_product(_ctx: unknown, { price }: { price: number }) {
      return price * 2;
    }
    const proc = process({ inputs: ['domain_ctx.items'], outputs: ['domain_ctx.items'] }, add_product);
    expect(proc).toBe(add_product);
    expect(proc.contract).toEqual({ inputs: ['domain_ctx.items'], outputs: ['domain_ctx.items'] });
    expect(proc({}, { price: 21 })).toBe(42);
  });

  it('freezes a copy of the contract, so later edits to the caller\'s arrays change nothing', () => {
    const inputs = ['domain_ctx.a'];
    const proc = process({ inputs }, function reader() {});
    inputs.push('domain_ctx.b');
    expect(proc.contract.inputs).toEqual(['domain_ctx.a']);
    expect(Object.isFrozen(proc.contract)).toBe(true);
    expect(Object.isFrozen(proc.contract.inputs)).toBe(true);
  });

  it('works for async functions and arrow functions', async () => {
    const asyncProc = process({}, async function later() {
      return 'done';
    });
    await expect(asyncProc()).resolves.toBe('done');
    const arrow = process({ name: 'arrow' }, () => 1);
    expect(arrow.contract.name).toBe('arrow');
  });

  it('refuses a contract that is not an object, or fn that is not a function', () => {
    expect(() => process(null as never, () => {})).toThrow(new TypeError('process(contract, fn): contract must be an object such as { inputs, outputs }, got null'));
    expect(() => process(['domain.x'] as never, () => {})).toThrow(/contract must be an object/);
    expect(() => process({}, 'fn' as never)).toThrow(new TypeError('process(contract, fn): fn must be a function, got string'));
  });

  it('refuses to give one function a second contract', () => {
    const fn = process({}, function once() {});
    expect(() => process({ outputs: ['domain.x'] }, fn)).toThrow(new TypeError("process(): function 'once' already has a contract; wrap each function once"));
  });
});

describe('contract validation at register', () => {
  const engine = new TheusEngine({ global_ctx: {}, domain_ctx: {} });

  function registerError(contract: object, name = 'p'): ContractViolationError {
    const error = thrown(() => engine.register(process({ ...contract, name }, () => {})));
    expect(error).toBeInstanceOf(ContractViolationError);
    return error as ContractViolationError;
  }

  it('compiles inputs and outputs to canonical paths, resolving aliases and collapsing spellings', () => {
    engine.register(
      process(
        { inputs: ['domain.items', "domain_ctx['items']", 'global.cfg.max_capacity'], outputs: ['domain.items[0].price'] },
        function compiled_paths() {},
      ),
    );
    const compiled = engine.contractOf('compiled_paths')!;
    expect(compiled.inputs.map((p) => p.path)).toEqual(['domain_ctx.items', 'global_ctx.cfg.max_capacity']);
    expect(compiled.outputs[0]).toMatchObject({ path: 'domain_ctx.items[0].price', layer: 'domain_ctx', segments: ['items', 0, 'price'], zone: 'DATA' });
    expect(compiled.semantic).toBe('effect');
  });

  it('gives one path one id, whichever list and spelling names it', () => {
    engine.register(process({ inputs: ['domain.total'], outputs: ["domain_ctx['total']", 'domain.count'] }, function same_ids() {}));
    const compiled = engine.contractOf('same_ids')!;
    expect(compiled.outputs[0].id).toBe(compiled.inputs[0].id);
    expect(compiled.outputs[1].id).not.toBe(compiled.inputs[0].id);
  });

  it('refuses unknown keys, suggesting the one meant', () => {
    const error = registerError({ ouputs: ['domain.x'] });
    expect(error.message).toBe(
      "contract of 'p': unknown key 'ouputs' (did you mean 'outputs'?); a contract has inputs, outputs, semantic, errors, sideEffects, parallel, name",
    );
    expect(error.process).toBe('p');
  });

  it('refuses an own __proto__ key (a contract from JSON.parse) as unknown, never taking it for a prototype', () => {
    const contract = JSON.parse('{"name":"from_json","__proto__":{"outputs":["domain_ctx.x"]}}') as object;
    const fn = process(contract, function from_json() {});
    expect(Object.getPrototypeOf(fn.contract)).toBe(Object.prototype);
    expect(fn.contract.outputs).toBeUndefined();
    expect(() => engine.register(fn)).toThrow("contract of 'from_json': unknown key '__proto__'; a contract has inputs, outputs, semantic, errors, sideEffects, parallel, name");
  });

  it('refuses values of the wrong type, naming the key', () => {
    expect(registerError({ inputs: 'domain.x' }).message).toBe("contract of 'p': inputs must be an array of strings, got a string");
    expect(registerError({ outputs: ['domain.x', 7] }).message).toBe("contract of 'p': outputs[1] must be a string, got a number");
    expect(registerError({ semantic: 'pur' }).message).toBe("contract of 'p': semantic must be 'pure', 'effect' or 'guide', got 'pur'");
    expect(registerError({ parallel: 'yes' }).message).toBe("contract of 'p': parallel must be a boolean, got a string");
    expect(registerError({ errors: [''] }).message).toBe("contract of 'p': errors[0] is empty");
  });

  it('treats undefined keys as absent', () => {
    engine.register(process({ inputs: undefined, outputs: ['domain.y'] }, function undefined_keys() {}));
    expect(engine.contractOf('undefined_keys')!.inputs).toEqual([]);
  });

  it('lets a pure process read but not write', () => {
    engine.register(process({ semantic: 'pure', inputs: ['domain.items'] }, function pure_reader() {}));
    expect(engine.contractOf('pure_reader')!.semantic).toBe('pure');
    const error = registerError({ semantic: 'pure', outputs: ['domain.total'] });
    expect(error.message).toBe("contract of 'p': a pure process cannot write, but it declares output 'domain.total'; use semantic 'effect'");
    expect(error.path).toBe('domain.total');
    expect(registerError({ semantic: 'pure', sideEffects: ['http'] }).message).toMatch(/declares sideEffects 'http'/);
  });

  it('keeps errors, sideEffects and parallel', () => {
    engine.register(process({ errors: ['ValueError'], sideEffects: ['http'], parallel: true }, function described() {}));
    expect(engine.contractOf('described')).toMatchObject({ errors: ['ValueError'], sideEffects: ['http'], parallel: true });
  });
});
