/** The error `fn` throws; fails the test when it throws nothing. */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw, but it returned');
}

/**
 * What `promise` rejects with; fails the test when it resolves. The worker
 * tests assert on this rather than on `expect(promise).rejects`: under Bun
 * 1.4's test runner, a pending promise handed to `expect().rejects` or
 * `.resolves` is never settled by the worker's reply.
 */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  let value: unknown;
  try {
    value = await promise;
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`expected the promise to reject with an Error, but it rejected with ${String(error)}`);
  }
  throw new Error(`expected the promise to reject, but it resolved with ${String(value)}`);
}
