import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { AppPage } from './pages/app-page.ts';
import { RatesPage } from './pages/rates-page.ts';
import { expect, test } from './fixtures.ts';

const COLUMNS = 'prefix,destination,rate,currency,effective_from,effective_to,first_increment,next_increment,min_duration,grace,connection_fee';

test('the demo workspace is marked as such', async ({ page, demoHost }) => {
  const app = new AppPage(page, demoHost.url);
  await app.open();
  await expect(app.demoBadge).toBeVisible();
});

test('filter the rates grid to a prefix, see its history, export CSV and XLSX and read them back', async ({ page, demoHost }) => {
  const app = new AppPage(page, demoHost.url);
  await app.open();
  const rates = new RatesPage(app);
  await rates.open();
  await rates.filter({ carrier: 'DEMO CarrierX', side: 'buy', prefix: '380', asOf: '2026-11-02' });
  await expect(rates.prefixes()).toHaveText(['380']);
  const history = await rates.openHistory('380');
  // v1's rate, v2's increase given too soon, v3's decrease.
  await expect(history).toContainText('carrierx-v1-full.csv');
  await expect(history).toContainText('carrierx-v2-partial.csv');
  await expect(history).toContainText('carrierx-v3-full.csv');

  await rates.filter({ prefix: '' });
  const csv = await rates.export('csv');
  expect(csv.name).toMatch(/\.csv$/);
  const lines = readFileSync(csv.path, 'utf8').trim().split('\n');
  expect(lines[0]).toBe(COLUMNS);
  const expected = await demoHost.rpc<{ rows: unknown[] }>('rates.query', { carrier: 'DEMO CarrierX', side: 'buy', at: '2026-11-02', startRow: 0, endRow: 1000 });
  const routable = (expected.rows as { kind: string }[]).filter((r) => r.kind === 'rate').length;
  expect(lines.length - 1).toBe(routable);
  expect(lines.find((l) => l.startsWith('380,'))).toMatch(/^380,Ukraine,0\.\d+,USD,2026-11-01T00:00:00Z,/);

  const xlsx = await rates.export('xlsx');
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(xlsx.path);
  const sheet = wb.worksheets[0]!;
  expect((sheet.getRow(1).values as unknown[]).slice(1).join(',')).toBe(COLUMNS);
  expect(sheet.actualRowCount - 1).toBe(routable);
});
