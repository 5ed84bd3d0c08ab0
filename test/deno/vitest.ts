// Lets the vitest suites run under `deno test` unchanged: Deno's node:test
// supplies describe/it and the hooks (reported by Deno's own runner) and
// Jest's expect, the library vitest's expect follows, supplies the assertions.
import { it as nodeIt } from 'node:test';

export { after as afterAll, afterEach, before as beforeAll, beforeEach, describe } from 'node:test';
export { expect } from 'expect';

type Body = (context: { skip(message?: string): void }) => unknown;

/** vitest's `it(name, fn, timeout)` on node:test's `it(name, options, fn)`. */
export function it(name: string, fn: Body, timeout?: number): Promise<void> {
  return nodeIt(name, timeout === undefined ? {} : { timeout }, fn as never);
}

it.skip = (name: string, fn: Body): Promise<void> => nodeIt.skip(name, fn as never);

export { it as test };
