// Which runtime the suite runs in, where a test cannot apply everywhere.
// Imports nothing from theus: test/slim.test.ts must load no entry but slim.

/**
 * Cloudflare's workerd: no threads (its node:worker_threads Worker only
 * throws), no file system holding the project, no wasm compiled from bytes.
 */
export const workerd = (globalThis as { navigator?: { userAgent?: string } }).navigator?.userAgent === 'Cloudflare-Workers';

type Body = (context: { skip(note?: string): void }) => unknown;
type It = (name: string, fn: Body, timeout?: number) => unknown;

/** `it`, except where `cannot` holds: there the test reports itself skipped, with the reason. */
export function itUnless(it: It, cannot: boolean, reason: string): It {
  return cannot ? (name) => it(name, (context) => context.skip(reason)) : it;
}
