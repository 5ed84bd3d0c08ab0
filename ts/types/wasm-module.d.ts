// What edge bundlers (wrangler, Next.js, the Workers vitest integration) make
// of a .wasm import: the compiled module.
declare module '*.wasm' {
  const module: WebAssembly.Module;
  export default module;
}
declare module '*.wasm?module' {
  const module: WebAssembly.Module;
  export default module;
}
