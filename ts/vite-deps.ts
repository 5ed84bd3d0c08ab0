/**
 * Vite's dev server pre-bundles a dependency into `node_modules/.vite/deps/`
 * and leaves the package's other files where they are, so a URL made
 * relative to the module there (the wasm, a worker script) points to
 * nothing. There, such files are taken from the package's own folder, which
 * the dev server serves; everywhere else (production bundles, Node, Deno,
 * an import map) the URL relative to the module stands.
 */
// Undefined where a bundle has no module URL (an iife or CommonJS bundle).
const here = import.meta.url as string | undefined;

export const inViteDeps = here?.includes('/.vite/deps') === true;

/**
 * A file of the package, by its path in the package, as Vite's dev server
 * serves it. (Not written `new URL(..., import.meta.url)`: Vite would take
 * that form for an asset of its own to resolve.)
 */
export const packageUrl = (path: string): URL => new URL('/node_modules/theus/' + path, here);
