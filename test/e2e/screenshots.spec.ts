import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AppPage } from './pages/app-page.ts';
import { DecksPage } from './pages/decks-page.ts';
import { DECKS, ROOT, expect, test } from './fixtures.ts';

// Every run saves them under test-results/; `npm run screenshots` refreshes the README's copies in docs/.
const OUT = process.env.SCREENSHOTS_DIR ? join(ROOT, process.env.SCREENSHOTS_DIR) : join(ROOT, 'test-results', 'screenshots');

for (const theme of ['light', 'dark'] as const) {
  test(`screenshots of every screen, ${theme}`, async ({ page, demoHost }) => {
    mkdirSync(OUT, { recursive: true });
    const app = new AppPage(page, demoHost.url);
    await app.open();
    await app.setTheme(theme);
    await app.go('carriers');
    await expect(page.getByTestId('carriers-grid')).toContainText('DEMO CarrierX');
    await page.screenshot({ path: join(OUT, `carriers-${theme}.png`) });
    await app.go('decks');
    await expect(page.getByTestId('import-history')).toContainText('carrierx-v3-full.csv');
    await page.screenshot({ path: join(OUT, `decks-${theme}.png`) });
    const decks = new DecksPage(app);
    await decks.start({ file: join(DECKS, 'carrierx-v3-full.csv'), carrier: 'DEMO ACME Telecom', received: '2026-10-28' });
    await page.screenshot({ path: join(OUT, `wizard-layout-${theme}.png`) });
    await decks.next();
    await decks.next();
    await expect(decks.wizard.getByTestId('preview-counts')).toBeVisible({ timeout: 30_000 });
    await page.screenshot({ path: join(OUT, `wizard-preview-${theme}.png`) });
    await app.go('rates');
    await expect(page.getByTestId('rates-grid').locator('[role="gridcell"][col-id="prefix"]').first()).toBeVisible();
    await page.screenshot({ path: join(OUT, `rates-${theme}.png`) });
  });
}
