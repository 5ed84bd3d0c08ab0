/**
 * The few things Theus needs from a server runtime (Node, Deno, Bun): read
 * files and turn paths into URLs. Reached through `process.getBuiltinModule`,
 * which all three provide, so that no bundler ever sees a `node:` import
 * and browsers simply have none of it.
 */
interface FsPromises {
  readFile(path: URL): Promise<Uint8Array>;
  readFile(path: URL, encoding: 'utf8'): Promise<string>;
  readdir(path: URL, options: { withFileTypes: true }): Promise<{ name: string; isDirectory(): boolean; isFile(): boolean }[]>;
}

interface NodeUrl {
  pathToFileURL(path: string): URL;
}

export function builtin<T>(id: string): T | undefined {
  const host = (globalThis as { process?: { getBuiltinModule?(id: string): unknown } }).process;
  try {
    return host?.getBuiltinModule?.(id) as T | undefined;
  } catch {
    // A stand-in `process` whose Node functions throw (Next.js's edge sandbox): no built-ins here.
    return undefined;
  }
}

// workerd's node:fs (under nodejs_compat) is an in-memory file system that
// holds none of the application's files: as good as none.
const workerd = (globalThis as { navigator?: { userAgent?: string } }).navigator?.userAgent === 'Cloudflare-Workers';

/** The file system, or undefined in browsers and edge runtimes. */
export function fileSystem(): FsPromises | undefined {
  return workerd ? undefined : builtin<FsPromises>('node:fs/promises');
}

/** A file path (relative to the working directory) as a file: URL, where there is a file system. */
export function fileUrl(path: string): URL | undefined {
  return fileSystem() ? builtin<NodeUrl>('node:url')?.pathToFileURL(path) : undefined;
}

/** The bytes at a URL: file: URLs from disk where there is one, others fetched. */
export async function readBytes(url: URL): Promise<Uint8Array> {
  const fs = url.protocol === 'file:' ? fileSystem() : undefined;
  if (fs) return fs.readFile(url);
  const response = await fetch(url);
  if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}`.trim());
  return new Uint8Array(await response.arrayBuffer());
}

/** The text at a URL, as {@link readBytes}. */
export async function readText(url: URL): Promise<string> {
  return new TextDecoder().decode(await readBytes(url));
}
