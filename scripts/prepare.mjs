// npm's `prepare` and `prepack`. An install never runs apt, and `npm ci` in
// this checkout never installs or builds: development set-up and the build
// run from `npm test` and `npm run build`, so a fresh `npm ci && npm test`
// still builds once.
//
// - `npm ci` here, on a checkout that is not built: says what building needs.
// - Installed as a dependency from a checkout or git (npm runs `prepare`
//   with INIT_CWD set to the project installing it) and not built: builds it
//   if this machine has the toolchain, else fails, saying what is missing,
//   rather than installing a package that cannot be imported.
// - `--pack` (`prepack`, before `npm pack` and `npm publish`): refuses to
//   pack a checkout that is not built, or whose build is older than its sources.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const builtFiles = ['wasm-pkg/theus_wasm_bg.wasm', 'dist/index.js'].map((file) => join(root, file));
const built = builtFiles.every((file) => existsSync(file));
const needs =
  'Building it needs Rust with the wasm32-unknown-unknown target, wasm-pack and wasm-bindgen-cli at the version ' +
  'rust/Cargo.lock pins (`npm run setup` installs them on Debian, as root), then `npm run build`.';

if (process.argv.includes('--pack')) {
  if (!built) fail('theus: refusing to pack a checkout that is not built (no wasm-pkg/ or dist/). ' + needs);
  const [wasm, js] = builtFiles.map((file) => statSync(file).mtimeMs);
  const stale = [...newerThan(join(root, 'rust/engine/src'), wasm), ...newerThan(join(root, 'rust/wasm/src'), wasm), ...newerThan(join(root, 'ts'), js)];
  if (stale.length > 0) fail(`theus: refusing to pack: ${stale[0]}${stale.length > 1 ? ` and ${stale.length - 1} more` : ''} changed after the last build; run \`npm run build\``);
} else if (!built) {
  if (!installedAsDependency()) {
    console.warn(`theus: this checkout is not built yet (no wasm-pkg/ or dist/). ${needs} \`npm test\` does both. A package from the registry or from \`npm pack\` ships built and needs none of this.`);
  } else if (canBuild()) {
    console.warn('theus: installed from a checkout or git that is not built; building it with this machine\'s Rust (a few minutes)');
    process.exit(spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' }).status ?? 1);
  } else {
    fail(
      'theus: installed from a checkout or git that is not built (no wasm-pkg/ or dist/), and this machine cannot build it. ' +
        needs +
        ' Or install a built package instead: the registry, or a tarball made by `npm pack` in a built checkout.',
    );
  }
}

function fail(message) {
  console.error(message);
  process.exit(1);
}

function installedAsDependency() {
  const from = process.env.INIT_CWD;
  return from !== undefined && existsSync(from) && realpathSync(from) !== realpathSync(root);
}

/** Whether this machine has all a build needs: what build-wasm.sh checks, and TypeScript. */
function canBuild() {
  if (!existsSync(join(root, 'node_modules/.bin/tsc'))) return false;
  return spawnSync('bash', ['scripts/build-wasm.sh', '--check'], { cwd: root, stdio: 'ignore' }).status === 0;
}

function newerThan(dir, time) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true })
    .map((name) => join(dir, name))
    .filter((file) => statSync(file).isFile() && statSync(file).mtimeMs > time);
}
