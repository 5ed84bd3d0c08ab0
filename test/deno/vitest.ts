// Lets the vitest suites run under `deno test` unchanged: Deno's node:test
// supplies describe/it and the hooks (reported by Deno's own runner) and
// Jest's expect, the library vitest's expect follows, supplies the assertions.
export { after as afterAll, afterEach, before as beforeAll, beforeEach, describe, it, it as test } from 'node:test';
export { expect } from 'expect';
