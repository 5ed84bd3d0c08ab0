/**
 * A state as Redux DevTools hands it back: JSON text (or, from an imported
 * file, the objects parsed from it) that the page did not make. It is parsed
 * without eval and checked before it can reach a commit: a key that leads to
 * a prototype could pollute every object of the page once copied, and nesting
 * past what the core accepts would fail deep inside the commit instead of here.
 */
import { layerRules } from './layers.ts';

/** The context's layers, as a jump commits them. */
export type Layers = Record<string, object>;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The layers in `source` (JSON text, or already parsed data), which must be
 * exactly `layers`, each an object.
 *
 * @throws TypeError for text that is not JSON, a key that leads to a
 *   prototype, nesting deeper than the core accepts, or another shape.
 */
export function layersFromDevtools(source: unknown, layers: readonly string[]): Layers {
  if (source === undefined) throw new TypeError('theus devtools: devtools sent no state to go to');
  const value = typeof source === 'string' ? parse(source) : source;
  // The core's own rules: the keys that reach a prototype, and how deep a value may nest.
  const { forbiddenKeys, maxValueDepth } = layerRules();
  checkTree(value, '', 0, forbiddenKeys, maxValueDepth);
  if (!isRecord(value)) throw new TypeError(`theus devtools: the state from devtools must be an object of layers (${layers.join(', ')})`);
  for (const key of Object.keys(value)) {
    if (!layers.includes(key)) throw new TypeError(`theus devtools: the state from devtools has '${key}', which is not a layer (${layers.join(', ')})`);
  }
  for (const layer of layers) {
    if (!isRecord(value[layer])) throw new TypeError(`theus devtools: the state from devtools has no object for the layer '${layer}'`);
  }
  return value as Layers;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new TypeError(`theus devtools: the state from devtools is not JSON (${(error as Error).message})`, { cause: error });
  }
}

function checkTree(node: unknown, path: string, depth: number, forbiddenKeys: readonly string[], maxDepth: number): void {
  if (typeof node !== 'object' || node === null) return;
  if (depth > maxDepth) throw new TypeError(`theus devtools: the state from devtools is nested more than ${maxDepth} levels deep (at '${path.slice(0, 80)}…')`);
  for (const key of Object.keys(node)) {
    const at = path === '' ? key : `${path}.${key}`;
    if (forbiddenKeys.includes(key)) throw new TypeError(`theus devtools: the state from devtools has the key '${key}' (at '${at}'), which would reach a prototype; refused`);
    checkTree((node as Record<string, unknown>)[key], at, depth + 1, forbiddenKeys, maxDepth);
  }
}
