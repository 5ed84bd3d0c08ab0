// One Vite config for the playground (its root) and the vitest projects.
// The library itself is emitted by tsc (tsconfig.build.json): it is plain
// ES modules and needs no bundling.
import { fileURLToPath } from 'node:url';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';

const projectRoot = fileURLToPath(new URL('.', import.meta.url));
// Tests and the playground import 'theus' exactly as users do, from source.
const alias = { theus: fileURLToPath(new URL('./ts/index.ts', import.meta.url)) };
const include = ['test/**/*.test.ts'];

export default defineConfig({
  root: 'playground',
  resolve: { alias },
  server: { fs: { allow: [projectRoot] } },
  build: { outDir: 'dist', target: 'es2022' },
  test: {
    projects: [
      { resolve: { alias }, test: { name: 'node', root: projectRoot, include, environment: 'node' } },
      {
        resolve: { alias },
        server: { fs: { allow: [projectRoot] } },
        test: {
          name: 'chromium',
          root: projectRoot,
          include,
          browser: {
            enabled: true,
            headless: true,
            // Debian's Chromium: Playwright's own browser download cannot
            // work on these machines. The flags keep it from dialling out.
            provider: playwright({
              launchOptions: {
                executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
                args: [
                  '--no-sandbox',
                  '--disable-gpu',
                  '--disable-background-networking',
                  '--disable-component-update',
                  '--disable-sync',
                  '--no-first-run',
                ],
              },
            }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
    ],
  },
});
