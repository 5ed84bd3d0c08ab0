import { describe, expect, it } from 'vitest';
import { ContractViolationError, init, process, TheusEngine } from 'theus';

await init();

function zonesOf(outputs: string[]): string[] {
  const engine = new TheusEngine({ domain_ctx: {}, global_ctx: {} });
  engine.register(process({ outputs }, function writer() {}));
  return engine.contractOf('writer')!.outputs.map((p) => p.zone);
}

describe('zones', () => {
  it('recognises SIGNAL, META and HEAVY by prefix', () => {
    expect(zonesOf(['domain.sig_restock_needed', 'domain.cmd_stop', 'global.meta_trace', 'domain.heavy_frames'])).toEqual([
      'SIGNAL',
      'SIGNAL',
      'META',
      'HEAVY',
    ]);
  });

  it('recognises them by a whole segment, and everything beneath it', () => {
    expect(zonesOf(['domain.signal.restock', 'domain.sig.x', 'domain.meta.last_run', 'domain.heavy.weights[0]'])).toEqual([
      'SIGNAL',
      'SIGNAL',
      'META',
      'HEAVY',
    ]);
  });

  it('classifies everything else as DATA, substrings included', () => {
    expect(zonesOf(['domain.items', 'domain.signature', 'domain.metadata', 'domain.design_signals'])).toEqual(['DATA', 'DATA', 'DATA', 'DATA']);
  });

  it('lets the first marking segment decide', () => {
    expect(zonesOf(['domain.heavy_frames.meta_info', 'domain.items[2].sig_changed'])).toEqual(['HEAVY', 'SIGNAL']);
  });
});

describe('zone rules for inputs', () => {
  const signalReader = () => process({ inputs: ['domain_ctx.sig_restock_needed'] }, function signal_reader() {});

  it('refuses SIGNAL and META inputs in strict mode, saying why and what to do', () => {
    const engine = new TheusEngine({ domain_ctx: {} });
    expect(() => engine.register(signalReader())).toThrow(ContractViolationError);
    expect(() => engine.register(signalReader())).toThrow(
      "contract of 'signal_reader': input 'domain_ctx.sig_restock_needed' is in the SIGNAL zone, which is not a business input in strict mode; read signals in a workflow condition, or use strictMode: false",
    );
    expect(() => engine.register(process({ inputs: ['global.meta.trace'] }, function meta_reader() {}))).toThrow(/is in the META zone/);
  });

  it('allows them with strictMode: false (or its alias strictGuards: false)', () => {
    for (const options of [{ strictMode: false }, { strictGuards: false }]) {
      const engine = new TheusEngine({ domain_ctx: {} }, options);
      engine.register(signalReader());
      expect(engine.contractOf('signal_reader')!.inputs[0].zone).toBe('SIGNAL');
    }
  });

  it('refuses them for a pure process in any mode', () => {
    const engine = new TheusEngine({ domain_ctx: {} }, { strictMode: false });
    const pure = process({ semantic: 'pure', inputs: ['domain.cmd_go'] }, function pure_signal() {});
    expect(() => engine.register(pure)).toThrow(/is in the SIGNAL zone, which is not a business input in a pure process/);
  });

  it('allows SIGNAL and META outputs and HEAVY inputs in strict mode', () => {
    const engine = new TheusEngine({ domain_ctx: {} });
    engine.register(process({ inputs: ['domain.heavy_frames'], outputs: ['domain.sig_done', 'domain.meta_last'] }, function mixed() {}));
    expect(engine.contractOf('mixed')!.outputs.map((p) => p.zone)).toEqual(['SIGNAL', 'META']);
  });
});
