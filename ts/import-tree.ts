/**
 * Importing every module file beneath a folder, for scanAndRegister: loaded
 * only when it is called, since it needs a file system that browsers and
 * edge runtimes lack.
 */
import { TheusError } from './errors.ts';
import { fileSystem, fileUrl } from './runtime.ts';

const MODULE_FILE = /\.(m?js|m?ts)$/;

/**
 * Node's refusal of a file type it has no loader for: TypeScript without
 * type stripping or a loader such as tsx. Whether TypeScript loads is known
 * only by trying (a loader hook leaves no other trace).
 */
const isUnknownExtension = (error: unknown): boolean => (error as { code?: unknown } | null)?.code === 'ERR_UNKNOWN_FILE_EXTENSION';

/**
 * Imports every module file beneath `dir` (recursively; skipping
 * node_modules, hidden folders and .d.ts files, and TypeScript where the
 * runtime cannot load it). A module that fails to import is reported with
 * its path, all of them in one error, after every file was tried.
 */
export async function importTree(where: string | URL): Promise<Record<string, unknown>> {
  const fs = fileSystem();
  const dir = where instanceof URL ? where : fileUrl(where);
  if (!fs || !dir) {
    throw new TypeError(
      'scanAndRegister needs a file system (Node, Deno or Bun); in a browser or an edge runtime, use registerModules(import.meta.glob(..., { eager: true }))',
    );
  }
  const files: URL[] = [];
  const walk = async (folder: URL) => {
    const entries = await fs.readdir(folder, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const entry of entries) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      if (entry.isDirectory()) await walk(new URL(`${encodeURIComponent(entry.name)}/`, folder));
      else if (entry.isFile() && MODULE_FILE.test(entry.name) && !/\.d\.m?ts$/.test(entry.name)) {
        files.push(new URL(encodeURIComponent(entry.name), folder));
      }
    }
  };
  await walk(dir.href.endsWith('/') ? dir : new URL(`${dir.href}/`));
  const modules: Record<string, unknown> = {};
  const failures: { file: URL; error: unknown }[] = [];
  for (const file of files) {
    try {
      modules[decodeURIComponent(file.pathname)] = await import(/* @vite-ignore */ /* webpackIgnore: true */ file.href);
    } catch (error) {
      if (!(file.pathname.endsWith('ts') && isUnknownExtension(error))) failures.push({ file, error });
    }
  }
  if (failures.length > 0) {
    const lines = failures.map(({ file, error }) => `  ${decodeURIComponent(file.pathname)}: ${error instanceof Error ? error.message : String(error)}`);
    throw new TheusError(`scanAndRegister: ${failures.length} module${failures.length === 1 ? '' : 's'} failed to import; nothing was registered:\n${lines.join('\n')}`, {
      cause: failures.length === 1 ? failures[0].error : new AggregateError(failures.map((f) => f.error)),
    });
  }
  return modules;
}
