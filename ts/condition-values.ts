/**
 * What crosses into the core for a workflow condition: scalars as they are,
 * containers only as their kind and size (so `len(domain['items'])` never
 * carries the items across), Dates as ISO text.
 */

/** A condition's view of `value`: `'length'` asks only for its size. */
export function conditionValue(value: unknown, need: 'value' | 'length'): unknown {
  // len() of something without a length is None, which the condition then reports.
  return need === 'length' ? (sizeOf(value) ?? null) : datum(value);
}

function datum(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (typeof value === 'boolean' || typeof value === 'number' || typeof value === 'string') return value;
  if (typeof value === 'bigint') return Number(value);
  // An invalid Date has no ISO text (toISOString throws): None, like a missing value.
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  return { kind: kindOf(value), size: sizeOf(value) ?? 0 };
}

function kindOf(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  return typeof value === 'object' && value !== null ? (value.constructor?.name ?? 'object') : typeof value;
}

function sizeOf(value: unknown): number | undefined {
  if (typeof value === 'string' || Array.isArray(value) || ArrayBuffer.isView(value)) return (value as { length: number }).length;
  if (value instanceof Map || value instanceof Set) return value.size;
  if (typeof value === 'object' && value !== null) return Object.keys(value).length;
  return undefined;
}
