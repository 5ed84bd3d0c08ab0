/**
 * The runtime's own classes as the public declarations name them. Each is
 * read from `globalThis`, so it is the DOM's class in a project with the DOM
 * library, Node's with @types/node and Cloudflare's with workers-types, and
 * the declarations still hold in a project that has none of them (then what
 * needs the class cannot be called, and `string | HostURL` is a string).
 * @types/node names its own globals the same way.
 */
type Global = typeof globalThis;

/** `MessagePort`: the port `engine.connect()` gives and `TheusEngine.join` takes. */
export type HostMessagePort = Global extends { MessagePort: { prototype: infer T } } ? T : never;

/** `URL`. */
export type HostURL = Global extends { URL: { prototype: infer T } } ? T : never;

/** `Response` (a fetch response). */
export type HostResponse = Global extends { Response: { prototype: infer T } } ? T : never;

/** `AbortSignal`. */
export type HostAbortSignal = Global extends { AbortSignal: { prototype: infer T } } ? T : never;

/** `WebAssembly.Module`: a compiled module. */
export type HostWasmModule = Global extends { WebAssembly: { Module: { prototype: infer T } } } ? T : never;
