// npm's `prepare` (run by `npm ci` and by installing from a checkout or git):
// never installs anything and never builds. Development set-up and the build
// run from `npm test` and `npm run build`, so a fresh `npm ci && npm test`
// still sets everything up, builds once, and an install never runs apt or
// cargo behind the user's back. If the package is not built yet, say plainly
// what it needs.
import { existsSync } from 'node:fs';

const built = ['wasm-pkg/theus_wasm_bg.wasm', 'dist/index.js'].every((file) => existsSync(new URL(`../${file}`, import.meta.url)));
if (!built) {
  console.warn(
    'theus: this checkout is not built yet (no wasm-pkg/ or dist/). Building it needs Rust with the ' +
      'wasm32-unknown-unknown target, wasm-pack and wasm-bindgen-cli: run `npm run setup` (Debian; it installs ' +
      'them, as root) or install them yourself, then `npm run build`. `npm test` does both. A package from the ' +
      'registry or from `npm pack` ships built and needs none of this.',
  );
}
