import { describe, expect, it } from 'vitest';
import { ContractViolationError, init, process, TheusEngine } from 'theus';
import { thrown } from './support/thrown.ts';

await init();

// Paths are parsed by the Rust core; these tests reach it the way users do,
// through a contract at register time.
const engine = new TheusEngine({ global_ctx: {}, domain_ctx: {}, local_ctx: {} });
let count = 0;

function compile(path: string) {
  const name = `reader_${count++}`;
  engine.register(process({ inputs: [path], name }, () => {}));
  return engine.contractOf(name)!.inputs[0];
}

function refusal(path: string): ContractViolationError {
  const error = thrown(() => compile(path));
  expect(error).toBeInstanceOf(ContractViolationError);
  expect((error as ContractViolationError).path).toBe(path);
  return error as ContractViolationError;
}

describe('path syntax', () => {
  it('reads dots, indices and quoted keys', () => {
    expect(compile('domain_ctx.items[0].price').segments).toEqual(['items', 0, 'price']);
    expect(compile(`domain['a b']["c.d"]`).segments).toEqual(['a b', 'c.d']);
    expect(compile('global.größe').segments).toEqual(['größe']);
  });

  it('spells every path canonically, with the canonical layer name', () => {
    expect(compile('domain.items.3.price').path).toBe('domain_ctx.items[3].price');
    expect(compile(`local['it\\'s']`).path).toBe(`local_ctx['it\\'s']`);
    expect(compile('global').path).toBe('global_ctx');
  });

  it('treats a key that spells an array index as that index, as JavaScript does', () => {
    const a = compile('domain.items[3]');
    const b = compile("domain.items['3']");
    expect(a.id).toBe(b.id);
    expect(compile("domain.m['07']").segments).toEqual(['m', '07']);
  });

  it('refuses empty segments', () => {
    expect(refusal('').message).toBe("contract of 'reader_" + (count - 1) + "': inputs[0]: path '' (at character 1): a path cannot be empty");
    expect(refusal('domain..x').message).toMatch(/path 'domain\.\.x' \(at character 7\): empty segment after '\.' \(found '\.'\)/);
    expect(refusal('domain.').message).toMatch(/found the end of the path/);
    expect(refusal("domain['']").message).toMatch(/empty key \[''\]/);
    expect(refusal('domain[]').message).toMatch(/empty brackets \[\]/);
  });

  it('refuses unknown layers, listing the valid ones', () => {
    expect(refusal('domian.items').message).toMatch(
      /path 'domian\.items' \(at character 1\): unknown layer 'domian'; a path starts with global_ctx, domain_ctx, local_ctx \(or the aliases global, domain, local\)$/,
    );
    expect(refusal('items').message).toMatch(/unknown layer 'items'/);
  });

  it('refuses malformed syntax, saying where', () => {
    expect(refusal('domain.items[0').message).toMatch(/\(at character 15\): expected '\]'$/);
    expect(refusal("domain.items['a").message).toMatch(/unterminated string: missing '/);
    expect(refusal('domain.a-b').message).toMatch(/\(at character 9\): unexpected '-'; segments are \.name, \[index\] or \['key'\]$/);
    expect(refusal('domain[x]').message).toMatch(/expected an index or a quoted key after '\['/);
    expect(refusal('domain.items[07]').message).toMatch(/'07' is not an array index/);
  });
});

describe('prototype pollution', () => {
  for (const path of [
    'domain.__proto__',
    'domain.__proto__.polluted',
    'domain.a.constructor.prototype',
    "domain['__proto__']",
    'domain["constructor"]',
    'global.x.prototype',
  ]) {
    it(`refuses ${path}`, () => {
      expect(refusal(path).message).toMatch(/segment '(__proto__|constructor|prototype)' is forbidden: it would reach the object's prototype, not its data$/);
    });
  }

  it('refuses them in non-strict mode too', () => {
    const lax = new TheusEngine({ domain_ctx: {} }, { strictMode: false });
    expect(() => lax.register(process({ outputs: ['domain.__proto__.x'] }, function lax_polluter() {}))).toThrow(ContractViolationError);
  });

  it('accepts keys that merely contain those words', () => {
    expect(compile('domain.my_constructor').path).toBe('domain_ctx.my_constructor');
    expect(compile('domain.__proto').path).toBe('domain_ctx.__proto');
  });

  it('leaves Object.prototype untouched', () => {
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
