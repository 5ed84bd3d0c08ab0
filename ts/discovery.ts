/**
 * Finding processes in modules: every exported function that `process()`
 * gave a contract. Two different functions under one name are an error that
 * names both modules.
 */
import { isProcess, processName, type Process } from './contract.ts';
import { ContractViolationError } from './errors.ts';

/** The processes exported by a map of module namespaces, keyed by where each came from. */
export function processesIn(modules: Record<string, unknown>): Process[] {
  if (typeof modules !== 'object' || modules === null) {
    throw new TypeError('registerModules(modules): expected an object of module namespaces, such as import.meta.glob(..., { eager: true })');
  }
  const found = new Map<string, { fn: Process; origin: string }>();
  for (const [origin, namespace] of Object.entries(modules)) {
    if (typeof namespace !== 'object' || namespace === null) continue;
    for (const value of Object.values(namespace)) {
      if (!isProcess(value)) continue;
      const name = processName(value);
      const seen = found.get(name);
      if (seen && seen.fn !== value) {
        throw new ContractViolationError(`two different processes are named '${name}': one in ${seen.origin}, one in ${origin}; rename one (contract.name)`, {
          process: name,
        });
      }
      found.set(name, { fn: value, origin });
    }
  }
  return [...found.values()].map((f) => f.fn);
}
