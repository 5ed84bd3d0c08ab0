/**
 * YAML read the engine's way: the parser (yaml-source.ts) loads on first
 * use, and reads files and URLs as this runtime can (runtime.ts).
 */
import { fileUrl, readText } from './runtime.ts';
import type { Loaded, YamlSource } from './yaml-source.ts';
import type { WorkflowErrorDetails } from './errors.ts';

/**
 * `source` as a tree: parsed YAML (from text, a file or a URL), or the
 * object itself. `what` names it in errors, made by `syntaxError`.
 */
export async function readYaml(source: YamlSource, what: string, syntaxError: (message: string, details: WorkflowErrorDetails) => Error): Promise<Loaded> {
  const { loadYaml } = await import('./yaml-source.ts');
  return loadYaml(source, what, syntaxError, { readText, fileUrl });
}
