// One Vite config for the playground (its root) and the vitest projects.
// The library itself is emitted by tsc (tsconfig.build.json): it is plain
// ES modules and needs no bundling.
import { fileURLToPath } from 'node:url';
import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';

const projectRoot = fileURLToPath(new URL('.', import.meta.url));
// Tests and the playground import 'theus' exactly as users do, from source;
// the worker-mode projects get a 'theus' whose engines run in a worker.
const source = fileURLToPath(new URL('./ts/index.ts', import.meta.url));
const workerdEntry = fileURLToPath(new URL('./ts/workerd.ts', import.meta.url));
const workerMode = fileURLToPath(new URL('./test/support/worker-mode.ts', import.meta.url));
const include = ['test/**/*.test.ts'];

// Debian's Chromium: Playwright's own browser download cannot work on these
// machines. The flags keep it from dialling out.
const chromium = () =>
  playwright({
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
  });

const nodeProject = (name: string, theus: string) => ({ resolve: { alias: { theus } }, test: { name, root: projectRoot, include, environment: 'node' } });

const browserProject = (name: string, theus: string) => ({
  resolve: { alias: { theus } },
  server: { fs: { allow: [projectRoot] } },
  test: { name, root: projectRoot, include, browser: { enabled: true, headless: true, provider: chromium(), instances: [{ browser: 'chromium' as const }] } },
});

// Cloudflare's runtime, through its vitest integration (miniflare): 'theus'
// is the entry the 'workerd' export condition picks.
const workerdProject = () => ({
  plugins: [
    cloudflareTest({
      miniflare: {
        compatibilityDate: '2026-08-01',
        compatibilityFlags: ['nodejs_compat'],
        // A .wasm import is a WebAssembly.Module, as wrangler makes it.
        modulesRules: [{ type: 'CompiledWasm' as const, include: ['**/*.wasm'] }],
      },
    }),
  ],
  resolve: { alias: { theus: workerdEntry } },
  test: { name: 'workerd', root: projectRoot, include },
});

export default defineConfig({
  root: 'playground',
  // Relative URLs in the built page, so that playground/dist works from any
  // static host and any folder on it.
  base: './',
  resolve: { alias: { theus: source } },
  server: { fs: { allow: [projectRoot] } },
  // The sandbox's worker is a module worker that imports (and splits) code.
  worker: { format: 'es' },
  // The page carries CodeMirror and three languages in one chunk (about 550 KB,
  // 180 KB gzip), loaded once: above Vite's default warning size, on purpose.
  build: { outDir: 'dist', target: 'es2022', chunkSizeWarningLimit: 1024 },
  test: {
    projects: [
      nodeProject('node', source),
      browserProject('chromium', source),
      nodeProject('node-worker', workerMode),
      browserProject('chromium-worker', workerMode),
      workerdProject(),
    ],
  },
});
