/**
 * A storage adapter's options, checked as the engine checks its own: an
 * object (or nothing) holding only the keys the adapter knows, so that a
 * misspelt option fails where it is written instead of being ignored.
 */
export function adapterOptions<T extends object>(adapter: string, options: T | undefined, known: readonly (keyof T & string)[]): T {
  if (options === undefined) return {} as T;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    const got = options === null ? 'null' : Array.isArray(options) ? 'an array' : typeof options;
    throw new TypeError(`${adapter}: options must be an object such as { ${known[0]} }, got ${got}`);
  }
  const unknown = Object.keys(options).find((key) => !(known as readonly string[]).includes(key));
  if (unknown !== undefined) throw new TypeError(`${adapter}: unknown option '${unknown}'; its options are ${known.join(', ')}`);
  return options;
}

/** The `snapshotEvery` option: how many commits between two snapshots. */
export function snapshotEveryOption(adapter: string, value: unknown, most: number): number {
  if (!Number.isSafeInteger(value) || (value as number) < 1 || (value as number) > most) {
    throw new TypeError(`${adapter}: option snapshotEvery must be an integer from 1 to ${most}, got ${String(value)}`);
  }
  return value as number;
}
