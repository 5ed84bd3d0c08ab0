/**
 * The check theus/react and theus/devtools make of the engine they are
 * given: by its shape, since an `instanceof TheusEngine` would make those
 * entries load the engine (and the core) themselves.
 */

/** Throws a TypeError naming `call` unless `engine` has a `state` and the `methods`. */
export function checkEngineShape(engine: unknown, call: string, methods: readonly string[]): void {
  const candidate = engine as Record<string, unknown> | null;
  if (typeof candidate !== 'object' || candidate === null || typeof candidate.state !== 'object' || methods.some((m) => typeof candidate[m] !== 'function')) {
    throw new TypeError(`${call}: engine must be a TheusEngine, got ${candidate === null ? 'null' : typeof candidate}`);
  }
}
