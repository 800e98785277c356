import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppPage } from './pages/app-page.ts';
import { CdrsPage } from './pages/cdrs-page.ts';
import { ROOT, expect, test } from './fixtures.ts';

const DECK = (uk: string, mobile: string) => `Code,Destination,Rate,Effective Date,Billing Increment
44,United Kingdom,${uk},2026-01-01,60/60
447,United Kingdom - Mobile,${mobile},2026-01-01,1/1
1,USA & Canada,0.0090,2026-01-01,6/6
33,France,0.0400,2026-01-01,60/60
`;

test('our switch file is split by trunk into customers and vendors, and the margin view sets revenue against cost', async ({ page, host }) => {
  const add = async (name: string, roles: 'customer' | 'vendor', trunk: string, deck: string) => {
    await host.rpc('carriers.create', { name, settings: { roles, timezone: 'UTC', trunks: [trunk] } });
    const file = join(host.dir, `${name}.csv`);
    writeFileSync(file, deck);
    await host.rpc('decks.import', { file: await host.upload(file, `${name}.csv`), carrier: name, side: roles === 'vendor' ? 'buy' : 'sell', received: '2025-12-01' });
  };
  // Acme pays less for UK mobiles than VendorX charges: a loss there.
  await add('Acme', 'customer', 'acme-in', DECK('0.0150', '0.0150'));
  await add('Globex', 'customer', 'globex-in', DECK('0.0150', '0.0300'));
  await add('Initech', 'customer', 'initech-in', DECK('0.0150', '0.0300'));
  await add('VendorX', 'vendor', 'vendorx', DECK('0.0100', '0.0200'));
  await add('Blue', 'vendor', 'bluecarrier', DECK('0.0100', '0.0200'));
  await add('Tier1', 'vendor', 'tier1-uk', DECK('0.0100', '0.0200'));

  const app = new AppPage(page, host.url);
  await app.open();
  const cdrs = new CdrsPage(app);
  await cdrs.open();
  await cdrs.importFile({ file: join(ROOT, 'fixtures', 'cdrs', 'asterisk-master.csv'), carrier: 'All carriers, by trunk (our switch\'s file)', source: 'own', timezone: 'Europe/London' });
  await expect(cdrs.result).toBeVisible({ timeout: 30_000 });
  await expect(cdrs.resultCount('imported')).toContainText('32');
  // One line per leg: each customer's sell side and each vendor's buy side.
  await expect(cdrs.result.getByTestId('cdr-result-side-sell')).toHaveCount(3);
  await expect(cdrs.result.getByTestId('cdr-result-side-buy')).toHaveCount(3);
  await expect(cdrs.imports).toContainText('all, by trunk');

  const panel = await cdrs.openMargin({ customer: 'Acme' });
  const lines = panel.getByTestId('margin-lines');
  await expect(lines).toContainText('United Kingdom - Mobile');
  // The mobile line loses money and is flagged.
  const mobile = lines.locator('tbody tr', { hasText: 'United Kingdom - Mobile' });
  await expect(mobile).toHaveClass(/violation/);
  await expect(mobile.locator('td').nth(6)).toHaveText(/^-/);
  await expect(panel.getByTestId('margin-excluded')).toContainText('no vendor leg');
  await cdrs.openMargin({ customer: '', vendor: 'Blue' });
  await expect(panel.getByTestId('margin-total')).toContainText('USD');
  await expect(lines.locator('tbody tr', { hasText: 'United Kingdom - Mobile' }).locator('td').nth(6)).not.toHaveText(/^-/);
});
