import { describe, expect, it } from 'vitest';
import { ContractViolationError, init, process, TheusEngine, TheusError } from 'theus';
import { workerd } from './support/runtime.ts';

await init();

interface Fs {
  mkdtemp(prefix: string): Promise<string>;
  mkdir(path: string, options: { recursive: true }): Promise<unknown>;
  writeFile(path: string, text: string): Promise<void>;
  rm(path: string, options: { recursive: true; force: true }): Promise<void>;
}
const host = (globalThis as { process?: { getBuiltinModule?(id: string): unknown } }).process;
const fs = typeof host?.getBuiltinModule === 'function' ? (host.getBuiltinModule('node:fs/promises') as Fs) : undefined;
const tmpdir = fs ? (host!.getBuiltinModule!('node:os') as { tmpdir(): string }).tmpdir() : '';

// A module exporting processes made the way process() makes them, named in
// the contract: a transform (vitest's, for one) may rename the function.
const processModule = (...names: string[]) =>
  names
    .map((name) => `export const ${name} = Object.defineProperty(function ${name}() {}, 'contract', { value: Object.freeze({ name: '${name}' }), enumerable: true });`)
    .join('\n');

async function tree(files: Record<string, string>): Promise<{ dir: string; cleanup(): Promise<void> }> {
  const dir = await fs!.mkdtemp(`${tmpdir}/theus-scan-`);
  for (const [name, text] of Object.entries({ 'package.json': '{ "type": "module" }', ...files })) {
    const path = `${dir}/${name}`;
    await fs!.mkdir(path.slice(0, path.lastIndexOf('/')), { recursive: true });
    await fs!.writeFile(path, text);
  }
  return { dir, cleanup: () => fs!.rm(dir, { recursive: true, force: true }) };
}

describe('scanAndRegister', () => {
  if (!fs || workerd) {
    it('is for Node, Deno and Bun; browsers and edge runtimes are told to use registerModules', async () => {
      const engine = await TheusEngine.create({ domain_ctx: {} });
      await expect(engine.scanAndRegister('processes')).rejects.toThrow(/needs a file system \(Node, Deno or Bun\); in a browser or an edge runtime, use registerModules/);
    });
    return;
  }

  it('imports a directory tree and registers every exported process', async () => {
    const { dir, cleanup } = await tree({
      'a.mjs': processModule('first'),
      'nested/b.js': `${processModule('second')}\nexport const helper = () => 1;\nexport const config = { x: 1 };`,
      'nested/deeper/c.mjs': processModule('third'),
      'nested/typed.ts': processModule('typed'),
      'node_modules/dep/index.mjs': processModule('from_dependency'),
      '.hidden/h.mjs': processModule('hidden'),
      'types.d.ts': 'export declare const x: number;',
      'notes.txt': 'not a module',
    });
    try {
      // TypeScript is registered where this runtime can import it (Deno, Bun,
      // vitest, tsx, Node with type stripping), and skipped where it cannot.
      const importsTypeScript = await import(/* @vite-ignore */ `file://${dir}/nested/typed.ts`).then(() => true, (error) => {
        if (error?.code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw error;
        return false;
      });
      const engine = await TheusEngine.create({ domain_ctx: {} });
      const names = await engine.scanAndRegister(dir);
      expect(names).toEqual(importsTypeScript ? ['first', 'second', 'third', 'typed'] : ['first', 'second', 'third']);
      expect(engine.contractOf('second')).toBeDefined();
      expect(engine.contractOf('from_dependency')).toBeUndefined();
      expect(engine.contractOf('hidden')).toBeUndefined();
    } finally {
      await cleanup();
    }
  });

  it('reports every module that fails to import, with its path, and registers nothing', async () => {
    const { dir, cleanup } = await tree({
      'good.mjs': processModule('good'),
      'bad.mjs': 'export const = ;',
      'sub/throws.mjs': "throw new Error('boom at import');",
    });
    try {
      const engine = await TheusEngine.create({ domain_ctx: {} });
      const error = await engine.scanAndRegister(dir).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TheusError);
      const message = (error as Error).message;
      expect(message).toMatch(/^scanAndRegister: 2 modules failed to import; nothing was registered:/);
      expect(message).toContain(`${dir}/bad.mjs: `);
      expect(message).toContain(`${dir}/sub/throws.mjs: boom at import`);
      expect(engine.contractOf('good')).toBeUndefined();
    } finally {
      await cleanup();
    }
  });

  it('names both modules when two different processes share a name', async () => {
    const { dir, cleanup } = await tree({ 'one.mjs': processModule('same'), 'two/two.mjs': processModule('same') });
    try {
      const engine = await TheusEngine.create({ domain_ctx: {} });
      const error = await engine.scanAndRegister(dir).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ContractViolationError);
      expect((error as Error).message).toBe(`two different processes are named 'same': one in ${dir}/one.mjs, one in ${dir}/two/two.mjs; rename one (contract.name)`);
    } finally {
      await cleanup();
    }
  });
});

describe('registerModules', () => {
  it('registers the processes of a module map (as import.meta.glob gives it)', async () => {
    const engine = await TheusEngine.create({ domain_ctx: {} });
    const shared = process({}, function shared_step() {});
    const names = engine.registerModules({
      './processes/a.ts': { shared, other: 1 },
      './processes/b.ts': { reexported: shared, default: process({ name: 'b_default' }, () => {}) },
      './processes/c.ts': { notAProcess: () => {} },
    });
    expect(names).toEqual(['shared_step', 'b_default']);
    expect(() => engine.registerModules({ './x.ts': { p: process({ name: 'shared_step' }, () => {}) } })).toThrow(ContractViolationError);
    expect(() => engine.registerModules(null as never)).toThrow(TypeError);
  });
});
