// What workerd-style bundlers (wrangler, the Workers vitest integration) make of a .wasm import.
declare module '*.wasm' {
  const module: WebAssembly.Module;
  export default module;
}
