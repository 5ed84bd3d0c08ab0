/**
 * Whether the module whose `import.meta` this is was the one the runtime was
 * started with: `import.meta.main` where the runtime has it (Deno, Bun),
 * else the script path Node (or tsx) was given. The examples run their
 * `main()` only then, not when a test imports them.
 */
export function startedDirectly(meta: ImportMeta): boolean {
  const main = (meta as { main?: unknown }).main;
  if (typeof main === 'boolean') return main;
  const entry = (globalThis as { process?: { argv?: string[] } }).process?.argv?.[1];
  if (entry === undefined || !meta.url.startsWith('file:')) return false;
  const path = (p: string) => decodeURIComponent(p).replace(/\\/g, '/').replace(/^\/([A-Za-z]:)/, '$1');
  return path(new URL(meta.url).pathname) === path(entry);
}
