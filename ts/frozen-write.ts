/**
 * Telling the runtime's TypeError for a write to frozen data (what a write
 * beneath a declared input meets) from a process's own TypeError. Loaded
 * with the extras, when a process first fails with a TypeError: the
 * runtimes' wordings weigh more than the rest of a failure's handling.
 */
import { ContractViolationError } from './errors.ts';
import { FrozenCollectionError } from './freeze.ts';

/**
 * The runtime's own TypeErrors for a write to frozen data (what a write
 * beneath an input meets), exactly as V8, SpiderMonkey and JavaScriptCore
 * word them. Anchored whole-message templates, so that a process's own
 * TypeError ("Cannot delete the last admin") is never taken for one.
 */
const FROZEN_WRITE = [
  // V8
  /^Cannot assign to read only property '.*' of (object|function) '.*'$/,
  /^Cannot add property .*, object is not extensible$/,
  /^Cannot delete property '.*' of .*$/,
  /^Cannot define property .*, object is not extensible$/,
  /^Cannot redefine property: .*$/,
  // SpiderMonkey
  /^".*" is read-only$/,
  /^can't define property ".*": .* is not extensible$/,
  /^property ".*" is non-configurable and can't be deleted$/,
  // JavaScriptCore
  /^Attempted to assign to readonly property\.$/,
  /^Attempting to define property on object that is not extensible\.$/,
  /^Unable to delete property\.$/,
];

/** The violation a process (`who`) committed if `error` is the runtime's refusal of a write to frozen data. */
export function frozenWriteViolation(error: unknown, who: string, process: string | undefined): ContractViolationError | undefined {
  if (!isFrozenWriteError(error)) return undefined;
  return new ContractViolationError(`${who} wrote to data it may only read (a declared input, not an output): ${error.message}`, { process, cause: error });
}

/** A plain TypeError of the runtime's for writing frozen data, or a frozen Map's or Set's refusal. */
function isFrozenWriteError(error: unknown): error is TypeError {
  if (error instanceof FrozenCollectionError) return true;
  return error instanceof TypeError && Object.getPrototypeOf(error) === TypeError.prototype && FROZEN_WRITE.some((template) => template.test(error.message));
}
