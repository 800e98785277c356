import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { AppPage } from './pages/app-page.ts';
import { LcrPage } from './pages/lcr-page.ts';
import { expect, ROOT, test, type WebHost } from './fixtures.ts';

const SCENARIO = join(ROOT, 'fixtures', 'scenarios', 'lcr-basic');

/** The lcr-basic scenario, set up through the web host's contract endpoint as a second window would. */
async function setUp(host: WebHost): Promise<void> {
  const deck = async (file: string, carrier: string, side: 'buy' | 'sell', received: string, mode: 'full' | 'partial' = 'full') =>
    host.rpc('decks.import', { file: await host.upload(join(SCENARIO, file), file), fileName: file, carrier, side, received, mode });
  await host.rpc('carriers.create', { name: 'Alpha', settings: { roles: 'vendor', rounding: { level: 'per-call', decimals: 4, mode: 'half-up' } } });
  await host.rpc('carriers.create', { name: 'Bravo', settings: { roles: 'vendor', lcrPreference: 50 } });
  await host.rpc('carriers.create', { name: 'Charlie', settings: { roles: 'both', rounding: { level: 'per-increment', decimals: 5, mode: 'up' } } });
  await host.rpc('carriers.create', { name: 'Delta', settings: { roles: 'customer' } });
  await deck('alpha-v1-full.csv', 'Alpha', 'buy', '2026-09-20');
  await deck('alpha-v2-partial.csv', 'Alpha', 'buy', '2026-10-20', 'partial');
  await deck('bravo-v1-full.csv', 'Bravo', 'buy', '2026-09-20');
  await deck('bravo-v2-partial.csv', 'Bravo', 'buy', '2026-11-01', 'partial');
  await deck('charlie-v1-full.csv', 'Charlie', 'buy', '2026-09-20');
  await deck('delta-sell.csv', 'Delta', 'sell', '2026-09-20');
  await host.rpc('cdrs.import', { file: await host.upload(join(SCENARIO, 'own-cdrs-alpha.csv'), 'own-cdrs-alpha.csv'), carrier: 'Alpha', source: 'own' });
}

test('LCR: the table with margins and flags, its export, the rate matrix and the what-if', async ({ page, host }) => {
  await setUp(host);
  const app = new AppPage(page, host.url);
  await app.open();
  const lcr = new LcrPage(app);
  await lcr.open();

  await lcr.options({ at: '2026-11-10', customer: 'Delta' });
  await expect(lcr.summary).toContainText('Bravo, Alpha, Charlie');
  await expect(page.getByTestId('lcr-count-prefixes')).toContainText('8');
  await expect(page.getByTestId('lcr-count-uncovered')).toContainText('1');
  await expect(page.getByTestId('lcr-count-unprofitable')).toContainText('1');
  await expect(lcr.prefixes()).toHaveText(['33', '44', '447', '49', '4915', '4930', '86', '91']);
  const rows = await lcr.rowsByPrefix(['bestMargin', 'rank2', 'rank3', 'flags', 'sellRate']);
  // 447: Bravo's 44 covers it; Alpha's dearer 447 loses money against the 0.0280 sell rate.
  expect(rows['447']).toEqual(['Bravo0.00901/1+0.0190', 'Charlie0.025060/60+0.0030', 'Alpha0.03001/1-0.0020', '', '0.0280']);
  expect(rows['4915']![0]).toContain('Charlie');
  expect(rows['86']).toEqual(['', '', '', 'uncovered', '0.0100']);
  await expect(lcr.grid.locator('.route.loss')).toHaveCount(4);

  await lcr.showFlag('no profitable route');
  await expect(lcr.prefixes()).toHaveText(['33']);
  await lcr.showFlag('Every prefix');
  await lcr.options({ noLoss: true });
  await expect(lcr.grid.locator('.route.loss')).toHaveCount(0);
  await lcr.options({ noLoss: false });
  await expect(lcr.grid.locator('.route.loss')).toHaveCount(4);

  const csv = await lcr.export('long', 'csv');
  expect(readFileSync(csv.path, 'utf8')).toBe(readFileSync(join(SCENARIO, 'expected-long.csv'), 'utf8'));
  const xlsx = await lcr.export('routing', 'xlsx');
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(xlsx.path);
  const routing = (wb.worksheets[0]!.getSheetValues().slice(1) as unknown[][]).map((r) => r.slice(1).filter((c) => c !== undefined).join(','));
  expect(routing.join('\n') + '\n').toBe(readFileSync(join(SCENARIO, 'expected-routing.csv'), 'utf8'));

  await lcr.options({ since: '2026-10-15' });
  await lcr.showFlag('changed');
  await expect(lcr.prefixes()).toHaveText(['4915', '91']);
  await expect(page.getByTestId('lcr-count-changed')).toContainText('2');

  await lcr.tab('matrix');
  await lcr.matrix({ at: '2026-11-10', filter: 'germany' });
  await expect(page.getByTestId('matrix-summary')).toContainText('3 destinations');
  await expect(app.cells(lcr.matrixGrid, 'destination')).toHaveText(['GERMANY', 'Germany - Berlin', 'GERMANY MOBILE']);
  await expect(lcr.matrixGrid.locator('.matrix-cheapest')).toHaveCount(4);
  await expect(app.cells(lcr.matrixGrid, 'spread')).toHaveText(['0.0000', '0.0020', '0.0050']);

  await lcr.tab('whatif');
  const result = await lcr.whatIf({ kind: 'carrier', name: 'Alpha', from: '2026-10-01', to: '2026-12-01' });
  await expect(result.getByTestId('whatif-total-actual')).toContainText('0.1085');
  await expect(result.getByTestId('whatif-total-cheapest')).toContainText('0.06475');
  await expect(result.getByTestId('whatif-total-saving')).toContainText('0.04375');
  await expect(result.getByTestId('whatif-bar')).toHaveCount(3);
  await expect(result.getByTestId('whatif-lines').locator('tbody tr').first()).toContainText('United Kingdom - Mobile');
});
