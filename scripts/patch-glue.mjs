// After wasm-pack: lets the wasm-bindgen glue start a fresh instance after a
// trap. A trap (a panic, an out-of-bounds access, stack exhaustion) leaves
// the instance's memory in an unknown state, and the glue keeps that one
// instance for the life of the page or process. ts/core.ts calls
// __theus_restart() when a call traps: the module is instantiated again,
// and objects of the old instance are never freed into the new one (the
// finalizer checks which generation a pointer belongs to).
// Each pattern must be found, or the build fails: a newer glue needs a look.
import { readFileSync, writeFileSync } from 'node:fs';

// The folder wasm-pack wrote to (build-wasm.sh builds aside, then moves it into wasm-pkg/).
const out = new URL(`../${process.argv[2] ?? 'wasm-pkg'}/`, import.meta.url);
const glue = new URL('theus_wasm.js', out);
const types = new URL('theus_wasm.d.ts', out);
let source = readFileSync(glue, 'utf8');

let declarations = readFileSync(types, 'utf8');

const replaceIn = (text, file, from, to) => {
  if (!text.includes(from)) {
    console.error(`patch-glue: '${from}' not found in the glue's ${file}`);
    process.exit(1);
  }
  return text.replaceAll(from, to);
};
const replace = (from, to) => (source = replaceIn(source, 'theus_wasm.js', from, to));
// The glue's loader types name DOM classes (RequestInfo, Response,
// BufferSource, WebAssembly.*), which a project on Node's or Workers' types
// lacks; theus only ever passes a compiled module.
const declare = (from, to) => (declarations = replaceIn(declarations, 'theus_wasm.d.ts', from, to));
declare('export type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;', 'export type InitInput = object;');
declare('export type SyncInitInput = BufferSource | WebAssembly.Module;', 'export type SyncInitInput = object;');
declare('readonly memory: WebAssembly.Memory;', 'readonly memory: object;');
declare('readonly __wbindgen_externrefs: WebAssembly.Table;', 'readonly __wbindgen_externrefs: object;');

// ts/core.ts always passes { module }: the glue's support for the older
// calling form (and its console warning) need not ship.
replace(
  `    if (module !== undefined) {
        if (Object.getPrototypeOf(module) === Object.prototype) {
            ({module} = module)
        } else {
            console.warn('using deprecated parameters for \`initSync()\`; pass a single object instead')
        }
    }`,
  '    ({ module } = module);',
);
// ...and that module is always compiled (ts/init.ts), possibly in another
// realm (Next.js's edge sandbox), where `instanceof WebAssembly.Module` is
// false and the glue would try to compile it again.
replace(
  `    if (!(module instanceof WebAssembly.Module)) {
        module = new WebAssembly.Module(module);
    }
`,
  '',
);
replace('new FinalizationRegistry(ptr => wasm.__wbg_core_free(ptr, 1))', 'new FinalizationRegistry(([ptr, generation]) => { if (generation === __theus_generation) wasm.__wbg_core_free(ptr, 1); })');
replace('CoreFinalization.register(this, this.__wbg_ptr, this);', 'CoreFinalization.register(this, [this.__wbg_ptr, __theus_generation], this);');
source += `
// theus (scripts/patch-glue.mjs): a fresh instance of the same module.
let __theus_generation = 0;
export function __theus_restart() {
    __theus_generation += 1;
    __wbg_finalize_init(new WebAssembly.Instance(wasmModule, __wbg_get_imports()), wasmModule);
    return __theus_generation;
}
`;
writeFileSync(glue, source);
writeFileSync(types, `${declarations}
/** theus (scripts/patch-glue.mjs): instantiates the module again after a trap; returns the new generation. */
export function __theus_restart(): number;
`);
