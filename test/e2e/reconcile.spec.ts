import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { AppPage } from './pages/app-page.ts';
import { ReconPage } from './pages/recon-page.ts';
import { ROOT, expect, test } from './fixtures.ts';

const S = join(ROOT, 'fixtures', 'scenarios', 'recon-basic');

test('import an invoice, reconcile the month, dispute what is proposed and follow it to settlement', async ({ page, host }) => {
  await host.rpc('carriers.create', {
    name: 'Voxa', settings: { roles: 'vendor', timezone: 'UTC', rounding: { level: 'per-call', decimals: 4, mode: 'half-up' }, notice: { increaseDays: 7 }, disputeThreshold: { absolute: '0.005', percent: '1' } },
  });
  await host.rpc('decks.import', { file: await host.upload(join(S, 'deck-v1.csv'), 'deck-v1.csv'), carrier: 'Voxa', side: 'buy', received: '2026-07-20' });
  await host.rpc('decks.import', { file: await host.upload(join(S, 'deck-v2-increase.csv'), 'deck-v2.csv'), carrier: 'Voxa', side: 'buy', mode: 'partial', received: '2026-09-08' });
  await host.rpc('cdrs.import', { file: await host.upload(join(S, 'own-cdrs.csv'), 'own.csv'), carrier: 'Voxa', source: 'own' });
  await host.rpc('cdrs.import', { file: await host.upload(join(S, 'carrier-cdrs.csv'), 'carrier.csv'), carrier: 'Voxa', source: 'carrier' });

  const app = new AppPage(page, host.url);
  await app.open();
  const recon = new ReconPage(app);

  // A broken invoice is refused with the problem named, nothing written; the real one imports.
  await recon.importInvoice(join(ROOT, 'fixtures', 'invoices-broken', 'total-mismatch.csv'), 'Voxa');
  await expect(recon.invoiceFailure).toContainText('not the sum of its 2 lines');
  await recon.importInvoice(join(S, 'invoice.csv'), 'Voxa');
  await expect(recon.invoiceDetail).toContainText('VX-2026-09');
  await expect(recon.invoiceDetail).toContainText('0.2695');

  await recon.reconcile('Voxa', '2026-09');
  await expect(page.getByTestId('recon-invoice-total')).toHaveText('0.2695');
  await expect(page.getByTestId('recon-expected-total')).toHaveText('0.1668');
  await expect(page.getByTestId('recon-variance')).toHaveText('0.1027');
  await expect(recon.cause('notice-violation')).toContainText('0.01');
  await expect(recon.cause('duplicate')).toContainText('0.04');
  await expect(await recon.showClass('rateMismatch')).toHaveCount(2);
  await expect(await recon.showClass('carrierOnly')).toHaveCount(1);
  await expect(page.getByTestId('recon-line').filter({ hasText: 'UK Mobile' }).locator('.var-pos')).toHaveCount(1);

  // Export the run and read it back.
  const download = page.waitForEvent('download');
  await page.getByTestId('recon-export').click();
  const file = join(host.dir, 'recon-e2e.xlsx');
  await (await download).saveAs(file);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  expect(wb.worksheets.map((w) => w.name)).toContain('duplicate');

  await recon.openProposedDispute();
  await expect(page.getByTestId('dispute-claimed')).toHaveText('0.1125');
  await expect(page.getByTestId('dispute-evidence')).toContainText('447700900001');
  await recon.moveDispute('submitted', { note: 'emailed to billing' });
  await recon.moveDispute('acknowledged');
  await recon.moveDispute('partially-accepted', { agreed: '0.09' });
  await recon.moveDispute('settled', { creditNote: 'CN-1' });
  await expect(page.getByTestId('dispute-events').locator('li')).toHaveCount(5);
  await expect(page.getByTestId('dispute-list')).toContainText('CN-1');
  await page.getByTestId('dispute-filter-state').selectOption('draft');
  await expect(page.getByTestId('dispute-row')).toHaveCount(0);
});
