/**
 * How a saved state crosses to bytes (the file storage): devalue's format,
 * JSON text that also carries Map, Set, Date, typed arrays and ArrayBuffer,
 * BigInt, undefined, -0, NaN and shared references. Class instances cross as
 * plain data: their own enumerable properties, loaded back as plain objects
 * (a prototype is code, and code is not saved).
 */
import { parse, stringify } from 'devalue';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

// devalue refuses what is not plain data; a class instance is written as the
// plain object of its own properties, under a type of its own.
const reducers = {
  Plain: (value: unknown) => isInstance(value) && { ...(value as object) },
};
const revivers = { Plain: (value: object) => value };

function isInstance(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  // Built-ins devalue knows (Map, Date, typed arrays...) tag themselves otherwise.
  return proto !== Object.prototype && proto !== null && !Array.isArray(value) && Object.prototype.toString.call(value) === '[object Object]';
}

/** A value as UTF-8 bytes; throws on what cannot be saved (a function, a symbol, a `__proto__` key). */
export function encode(value: unknown): Uint8Array {
  return encoder.encode(stringify(value, reducers));
}

/** The value of {@link encode}'s bytes; throws on bytes it did not make (never sets a prototype). */
export function decode(bytes: Uint8Array): unknown {
  return parse(decoder.decode(bytes), revivers);
}
