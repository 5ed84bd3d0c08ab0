// End-to-end tests of the playground (playground/e2e/), in Debian's Chromium
// (Playwright's own browser download cannot work on these machines; the flags
// keep it from dialling out), against the BUILT playground served statically
// by `vite preview`: what a user of a static host gets. scripts/check-playground.sh
// builds it first.
import { defineConfig } from '@playwright/test';

const port = Number(process.env.PLAYGROUND_PORT ?? 4179);

export default defineConfig({
  testDir: 'playground/e2e',
  // Playwright empties its output folder at the start of a run: its own,
  // so the screenshots in test-results/playground/ stay where they are written.
  outputDir: 'test-results/playwright',
  fullyParallel: true,
  workers: 2,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}/`,
    browserName: 'chromium',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
    viewport: { width: 1280, height: 800 },
    trace: 'off',
  },
  webServer: {
    command: `node_modules/.bin/vite preview --host 127.0.0.1 --port ${port} --strictPort`,
    url: `http://127.0.0.1:${port}/`,
    reuseExistingServer: false,
    timeout: 30_000,
  },
});
