import { defineConfig } from '@playwright/test';

/**
 * The Electron spec: the real app (main, preload, engine host, renderer) where an Electron binary
 * exists, under xvfb-run on Linux. Skipped, with the reason printed, where there is none.
 * No webServer: the app is its own host.
 */
export default defineConfig({
  testDir: '.',
  fullyParallel: false,
  workers: 1,
  timeout: 120_000,
  expect: { timeout: 15_000 },
  retries: 0,
  reporter: [['list'], ['json', { outputFile: '../../../test-results/playwright-electron.json' }]],
  outputDir: '../../../test-results/playwright-electron',
  use: { trace: 'retain-on-failure' },
});
