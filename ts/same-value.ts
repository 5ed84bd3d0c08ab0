/**
 * Whether two pieces of state hold the same data. Committed state is
 * structurally shared, so an unchanged value is usually the same object;
 * but a value put back by patches (an undo, a redo) is a copy, so equal
 * data must also count as the same. Iterative, with the pairs already
 * compared remembered: deep or cyclic data can neither overflow the stack
 * nor loop.
 */
export function sameValue(a: unknown, b: unknown): boolean {
  const pending: [unknown, unknown][] = [[a, b]];
  const seen = new Map<object, Set<object>>();
  while (pending.length > 0) {
    const [x, y] = pending.pop()!;
    if (Object.is(x, y)) continue;
    if (typeof x !== 'object' || typeof y !== 'object' || x === null || y === null) return false;
    const pairs = seen.get(x);
    if (pairs?.has(y)) continue;
    if (pairs) pairs.add(y);
    else seen.set(x, new Set([y]));
    if (Object.getPrototypeOf(x) !== Object.getPrototypeOf(y)) return false;
    if (!sameShape(x, y, pending)) return false;
  }
  return true;
}

/** Compares what can be compared at once, and queues the children of `x` and `y` in pairs. */
function sameShape(x: object, y: object, pending: [unknown, unknown][]): boolean {
  if (x instanceof Date) return x.getTime() === (y as Date).getTime();
  if (x instanceof ArrayBuffer || ArrayBuffer.isView(x)) return sameBytes(x, y as ArrayBuffer | ArrayBufferView);
  if (x instanceof Map) {
    const other = y as Map<unknown, unknown>;
    if (x.size !== other.size) return false;
    for (const [key, value] of x) {
      if (!other.has(key)) return false;
      pending.push([value, other.get(key)]);
    }
    return true;
  }
  if (x instanceof Set) {
    // Members are found by identity, as the Set itself finds them; the
    // rest (copies of objects) are paired in insertion order, which a copy keeps.
    const other = y as Set<unknown>;
    if (x.size !== other.size) return false;
    const unmatched = [...x].filter((member) => !other.has(member));
    const others = [...other].filter((member) => !x.has(member));
    if (unmatched.length !== others.length) return false;
    unmatched.forEach((member, i) => pending.push([member, others[i]]));
    return true;
  }
  const keys = Object.keys(x);
  if (keys.length !== Object.keys(y).length) return false;
  for (const key of keys) {
    if (!Object.hasOwn(y, key)) return false;
    pending.push([(x as Record<string, unknown>)[key], (y as Record<string, unknown>)[key]]);
  }
  return true;
}

function sameBytes(x: ArrayBuffer | ArrayBufferView, y: ArrayBuffer | ArrayBufferView): boolean {
  const bytes = (v: ArrayBuffer | ArrayBufferView) => (v instanceof ArrayBuffer ? new Uint8Array(v) : new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
  const [p, q] = [bytes(x), bytes(y)];
  return p.length === q.length && p.every((byte, i) => byte === q[i]);
}
