// Which runtime the suite runs in, where a test cannot apply everywhere.
// Imports nothing from theus: test/slim.test.ts must load no entry but slim.

/**
 * Cloudflare's workerd: no threads (its node:worker_threads Worker only
 * throws), no file system holding the project, no wasm compiled from bytes.
 */
export const workerd = (globalThis as { navigator?: { userAgent?: string } }).navigator?.userAgent === 'Cloudflare-Workers';

type Body = (context: { skip?(note?: string): void }) => unknown;
type It = ((name: string, fn: Body, timeout?: number) => unknown) & { skip(name: string, fn: Body): unknown };

/**
 * `it`, except where `cannot` holds: there the test is declared skipped,
 * with the reason in its name (every runner we use has a static `it.skip`;
 * not all have a skip from inside the test).
 */
export function itUnless(it: It, cannot: boolean, reason: string): It {
  return cannot ? Object.assign((name: string) => it.skip(`${name} (skipped: ${reason})`, () => {}), { skip: it.skip }) : it;
}
