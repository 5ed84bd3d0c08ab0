// A module compiled by another realm's WebAssembly, as Next.js's edge
// sandbox hands one to the 'edge-light' entry: `instanceof
// WebAssembly.Module` is false for it here, and it must load all the same.
import { expect, it } from 'vitest';
import { checkInitFrom } from './support/init-source.ts';
import { itUnless, workerd } from './support/runtime.ts';
import { emptyWasmModule, packagedWasmBytes } from './support/wasm.ts';

type Compile = (bytes: Uint8Array<ArrayBuffer>) => Promise<WebAssembly.Module>;

/** Another realm's WebAssembly.compile: a vm context (Node, Deno, Bun) or an iframe (browsers); none in workerd (its node:vm only throws). */
function otherRealmCompile(): Compile | undefined {
  if (workerd) return undefined;
  const host = (globalThis as { process?: { getBuiltinModule?(id: string): unknown } }).process;
  const vm = host?.getBuiltinModule?.('node:vm') as { runInNewContext(code: string, context: object): unknown } | undefined;
  if (vm) return (bytes) => vm.runInNewContext('WebAssembly.compile(bytes)', { bytes }) as Promise<WebAssembly.Module>;
  if (typeof document === 'undefined') return undefined;
  const frame = document.createElement('iframe');
  document.body.append(frame);
  return (bytes) => (frame.contentWindow as unknown as { WebAssembly: typeof WebAssembly }).WebAssembly.compile(bytes);
}

const compile = otherRealmCompile();
const unavailable = compile ? undefined : 'this runtime has no second realm to compile in';

itUnless(it, unavailable !== undefined, unavailable ?? '')('the other realm gives a module this realm does not take for its own', async () => {
  const module = await compile!(emptyWasmModule());
  expect(module instanceof WebAssembly.Module).toBe(false);
  expect(Object.prototype.toString.call(module)).toBe('[object WebAssembly.Module]');
});

checkInitFrom('a WebAssembly.Module from another realm', () => compile!(emptyWasmModule()), async () => compile!(await packagedWasmBytes()), false, unavailable);
