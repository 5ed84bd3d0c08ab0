/**
 * What a StateUpdate holds, checked, and how it is written into a draft.
 * Apart from the class so that `compareAndSwap` (which loads this with the
 * extras, its own checks among it) does not make the public class part of
 * every app.
 */
import type { CompiledPath } from './contract.ts';
import { parsePaths } from './core.ts';
import { ContractViolationError } from './errors.ts';
import type { StateUpdate, StateUpdateInit } from './state-update.ts';
import type { Root } from './store.ts';

type Part = Readonly<Record<string, unknown>>;

/** Paths kept parsed per engine: a cache of what is written often, not a record of every key ever written. */
const PARSED_PATHS_KEPT = 1000;

/** A compareAndSwap's arguments, checked against the engine's `version`: its writes and its name in messages. */
export function casRequest(expectedVersion: number, update: unknown, options: { requester?: string }, version: number) {
  if (!Number.isInteger(expectedVersion) || expectedVersion < 0) {
    throw new TypeError(`compareAndSwap: expectedVersion must be a non-negative integer, got ${String(expectedVersion)}`);
  }
  const { requester } = options;
  if (requester !== undefined && typeof requester !== 'string') throw new TypeError('compareAndSwap: requester must be a string');
  if (expectedVersion > version) throw new TypeError(`compareAndSwap: snapshot version ${expectedVersion} is ahead of the engine's version ${version}`);
  return { writes: updateParts(update), requester, label: requester === undefined ? 'compareAndSwap' : `compareAndSwap by '${requester}'` };
}

/** The three parts of a StateUpdate's init, checked and frozen. */
export function updateParts(init: unknown): { data: Part; signal: Part; heavy: Part } {
  if (typeof init !== 'object' || init === null) throw new TypeError('StateUpdate: expected { data, signal, heavy }');
  const unknown = Object.keys(init).find((k) => k !== 'data' && k !== 'signal' && k !== 'heavy');
  if (unknown !== undefined) throw new TypeError(`StateUpdate: unknown key '${unknown}'; a StateUpdate has data, signal and heavy`);
  const part = (key: keyof StateUpdateInit): Part => {
    const value = (init as StateUpdateInit)[key] ?? {};
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new TypeError(`StateUpdate: '${key}' must be an object of path: value`);
    }
    return Object.freeze({ ...value });
  };
  return { data: part('data'), signal: part('signal'), heavy: part('heavy') };
}

/** Writes a StateUpdate's entries into a draft; each path is parsed once per engine. */
export function writeUpdate(update: Pick<StateUpdate, 'data' | 'signal' | 'heavy'>, draft: Root, who: string, parsed: Map<string, CompiledPath>): void {
  const { data, signal, heavy } = update;
  const parts = [
    ['data', data, ['DATA', 'META']],
    ['signal', signal, ['SIGNAL']],
    ['heavy', heavy, ['HEAVY']],
  ] as const;
  const texts = parts.flatMap(([, entries]) => Object.keys(entries)).filter((t) => !parsed.has(t));
  if (texts.length > 0) {
    if (parsed.size + texts.length > PARSED_PATHS_KEPT) parsed.clear();
    const paths = parsePaths(texts) as unknown as CompiledPath[];
    texts.forEach((text, i) => parsed.set(text, paths[i]));
  }
  for (const [part, entries, zones] of parts) {
    for (const [text, value] of Object.entries(entries)) {
      const path = parsed.get(text)!;
      if (!(zones as readonly string[]).includes(path.zone)) {
        throw new ContractViolationError(
          `${who}: '${text}' is in the ${path.zone} zone, so it belongs in StateUpdate's '${path.zone === 'SIGNAL' ? 'signal' : path.zone === 'HEAVY' ? 'heavy' : 'data'}', not '${part}'`,
          { process: who, path: text },
        );
      }
      setAt(draft, [path.layer, ...path.segments], value, who, text);
    }
  }
}

/** Assigns `value` at `keys` in a draft, making plain objects for missing steps. */
function setAt(draft: object, keys: (string | number)[], value: unknown, who: string, text: string): void {
  let node = draft as Record<PropertyKey, unknown>;
  for (const key of keys.slice(0, -1)) {
    let next = node instanceof Map ? node.get(key) : node[key];
    if (next === undefined) {
      next = {};
      if (node instanceof Map) node.set(key, next);
      else node[key] = next;
      next = node instanceof Map ? node.get(key) : node[key];
    }
    if (typeof next !== 'object' || next === null) {
      throw new ContractViolationError(`${who}: cannot write '${text}': '${key}' holds ${next === null ? 'null' : typeof next}, not an object`, { process: who, path: text });
    }
    node = next as Record<PropertyKey, unknown>;
  }
  const last = keys[keys.length - 1];
  if (node instanceof Map) node.set(last, value);
  else node[last] = value;
}
