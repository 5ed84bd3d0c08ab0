/**
 * How the engine recognises a StateUpdate without shipping its code: each
 * StateUpdate registers itself here with the function that writes it into a
 * draft, so an app that never makes one never bundles that function.
 * A WeakMap rather than a mark on the object: nothing else can pass for one.
 */
import type { writeUpdate } from './update-write.ts';

export const stateUpdates = new WeakMap<object, typeof writeUpdate>();
