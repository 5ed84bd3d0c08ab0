/**
 * Values as they cross into the core: JSON text (parsed by
 * rust/wasm/src/value_text.rs). One string crosses far more cheaply than a
 * value converted property by property, and the generated glue stays small.
 * JSON has no NaN, infinities or -0, and would silently drop a function or
 * empty a Map, so those travel as strings tagged with a leading U+0000 (a
 * string that itself starts with U+0000 gets a second one), and the core
 * refuses what is not plain data with a message saying what it was.
 */

const TAG = '\u0000';

/** Separates the texts of several values in one string: JSON text never holds it raw. */
export const RECORD_END = '\u001e';

const NOT_PLAIN = `${TAG}not plain data: a `;

function tagged(_key: string, value: unknown): unknown {
  switch (typeof value) {
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0) ? value : TAG + (Object.is(value, -0) ? '-0' : String(value));
    case 'string':
      return value.charCodeAt(0) === 0 ? TAG + value : value;
    case 'object':
      return value instanceof Map || value instanceof Set ? NOT_PLAIN + (value instanceof Map ? 'Map' : 'Set') : value;
    case 'function':
    case 'symbol':
    case 'bigint':
      return NOT_PLAIN + typeof value;
    default:
      return value;
  }
}

/**
 * A value that may hold what is not plain data, which the core names in
 * its own messages rather than refuses (the engine options): each such
 * part crosses as the string U+0000 + what it was.
 */
export function namingText(value: unknown, limit: number): string {
  if (nestsDeeper(value, limit)) return JSON.stringify(`${TAG}deep`);
  return JSON.stringify(value, (key, part: unknown) => {
    const text = tagged(key, part);
    return typeof text === 'string' && text.startsWith(NOT_PLAIN) ? TAG + TAG + text.slice(NOT_PLAIN.length) : text;
  });
}

/**
 * Whether `value` nests deeper than `limit` levels of arrays and objects,
 * or holds a cycle.
 */
export function nestsDeeper(value: unknown, limit: number): boolean {
  const path = new Set<object>();
  const walk = (node: unknown, depth: number): boolean => {
    if (typeof node !== 'object' || node === null) return false;
    if (depth >= limit || path.has(node)) return true;
    path.add(node);
    for (const child of Array.isArray(node) ? node : Object.values(node)) if (walk(child, depth + 1)) return true;
    path.delete(node);
    return false;
  };
  return walk(value, 0);
}

/**
 * Any value as text; one nested deeper than `limit` (or cyclic), which the
 * core refuses anyway, as the tag that makes it say so, before
 * JSON.stringify could overflow the stack or fail on the cycle.
 */
export function valueText(value: unknown, limit: number): string {
  if (nestsDeeper(value, limit)) return JSON.stringify(`${TAG}deep`);
  return JSON.stringify(value, tagged) ?? 'null';
}

/**
 * Flat values (nulls, booleans, numbers, strings, or objects of finite
 * numbers and strings such as a condition's `{ kind, size }`): no depth to
 * check, and item by item, which is several times faster than a replacer
 * for the one or two values a commit or a workflow step sends.
 */
export function flatText(values: readonly unknown[]): string {
  let text = '[';
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    // An object's own strings and numbers are tagged too (a `kind` is a constructor's name, which may be anything).
    const item = typeof value === 'object' && value !== null ? JSON.stringify(value, tagged) : JSON.stringify(tagged('', value));
    text += (i === 0 ? '' : ',') + (item ?? 'null');
  }
  return text + ']';
}
