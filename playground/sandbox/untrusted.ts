// Values that come from the user's text or code and cross into objects or
// back to the page: each is checked here so that no key reaches a prototype
// and no reply fails to be sent.

/** Keys that reach a prototype when assigned: refused wherever the user's text becomes keys. */
export const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** JSON.parse that refuses a key reaching a prototype, naming it (the message lets findQuoted place it). */
export function parseJson(text: string): unknown {
  return JSON.parse(text, (key, value: unknown) => {
    if (FORBIDDEN_KEYS.has(key)) throw new SyntaxError(`the key "${key}" is refused: it would reach an object's prototype`);
    return value;
  });
}

/**
 * A value the page can receive: a result that structured clone refuses
 * (a function, a class with private state) would make the reply fail and the
 * call look hung, so it is answered as text saying why.
 */
export function cloneable(value: unknown): unknown {
  try {
    structuredClone(value);
    return value;
  } catch (error) {
    return `(the result cannot be shown on the page: ${(error as Error).message})`;
  }
}

/** The args object the page sent, refused if it is not a plain object or holds a key that reaches a prototype. */
export function checkedArgs(args: unknown): Record<string, unknown> {
  if (typeof args !== 'object' || args === null || Array.isArray(args)) throw new TypeError('the args must be an object of named values');
  const bad = Reflect.ownKeys(args).find((key) => typeof key !== 'string' || FORBIDDEN_KEYS.has(key));
  if (bad !== undefined) throw new TypeError(`the arg ${String(bad)} is refused: it would reach an object's prototype`);
  return args as Record<string, unknown>;
}
