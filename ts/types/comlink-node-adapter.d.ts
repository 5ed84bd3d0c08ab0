// comlink ships this adapter's types as node-adapter.d.ts, which TypeScript
// does not pair with the .mjs file under NodeNext resolution.
declare module 'comlink/dist/esm/node-adapter.mjs' {
  import type { Endpoint } from 'comlink';
  export default function nodeEndpoint(nep: unknown): Endpoint;
}
