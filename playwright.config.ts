import { defineConfig } from '@playwright/test';

/**
 * End-to-end specs drive the real renderer in Debian's Chromium through the web host
 * (`trunkline serve`), each test on a fresh workspace (see test/e2e/fixtures.ts).
 * The Electron specs have their own config under test/e2e/electron/.
 */
export default defineConfig({
  testDir: 'test/e2e',
  testIgnore: ['electron/**'],
  fullyParallel: false,
  workers: 1,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  retries: 0,
  reporter: [['list'], ['json', { outputFile: 'test-results/playwright.json' }]],
  outputDir: 'test-results/playwright',
  use: {
    browserName: 'chromium',
    viewport: { width: 1440, height: 900 },
    acceptDownloads: true,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
    },
  },
});
