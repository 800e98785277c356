import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppPage } from './pages/app-page.ts';
import { CdrsPage } from './pages/cdrs-page.ts';
import { ROOT, expect, test } from './fixtures.ts';

const CDRS = join(ROOT, 'fixtures', 'cdrs');
const SHOTS = join(ROOT, 'test-results', 'screenshots');
const HEADER = 'call_id,start,calling,called,duration,billed_seconds,prefix,destination,rate,amount,currency,status,reason';

test('import carrier CDRs, browse and filter the calls, explain one, sum them up and export them', async ({ page, host }) => {
  // A vendor with a small buy deck from 2026-01-01: the UK at 0.0100 60/60, UK mobiles at 0.0200 1/1; per-call rounding, 6 decimals half-up (the default).
  const carrier = 'Bluevia Voice';
  await host.rpc('carriers.create', { name: carrier, settings: { timezone: 'UTC' } });
  const deck = join(host.dir, 'bluevia-deck.csv');
  writeFileSync(deck, 'Destination,Code,Rate,Effective Date,Billing Increment\nUnited Kingdom,44,0.0100,2026-01-01,60/60\nUnited Kingdom Mobile,447,0.0200,2026-01-01,1/1\n');
  await host.rpc('decks.import', { file: await host.upload(deck, 'bluevia-deck.csv'), carrier, side: 'buy', mode: 'full', received: '2025-12-01' });

  const app = new AppPage(page, host.url);
  await app.open();
  const cdrs = new CdrsPage(app);
  await cdrs.open();

  // The carrier's own CDRs, through the import form.
  await cdrs.importFile({ file: join(CDRS, 'carrier-generic.csv'), carrier, source: 'carrier' });
  await expect(cdrs.result).toBeVisible({ timeout: 30_000 });
  await expect(cdrs.resultCount('rows')).toContainText('10');
  await expect(cdrs.resultCount('imported')).toContainText('10');
  await expect(cdrs.resultCount('duplicates')).toContainText('0');
  await expect(cdrs.resultCount('rejected')).toContainText('0');
  const buy = cdrs.result.getByTestId('cdr-result-side-buy');
  await expect(buy).toContainText('0.182');
  await expect(cdrs.imports).toContainText('carrier-generic.csv');
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, 'cdrs-import-light.png') });

  // Every call, in time order, with the engine's exact amounts.
  await cdrs.tab('calls');
  await expect(cdrs.cells('callId')).toHaveCount(10);
  await expect(cdrs.cells('callId').first()).toHaveText('BV-20260302-000001');
  await expect(cdrs.cells('amount').first()).toHaveText('0.041667');
  await page.screenshot({ path: join(SHOTS, 'cdrs-light.png') });

  // Only the unrated calls.
  await cdrs.filter({ status: 'unrated' });
  await expect(cdrs.cells('status').first()).toHaveText('unrated');
  const statuses = await cdrs.cells('status').allTextContents();
  expect(statuses.length).toBeGreaterThan(0);
  expect(statuses.length).toBeLessThan(10);
  expect(new Set(statuses)).toEqual(new Set(['unrated']));
  await expect(cdrs.cells('reason').first()).not.toBeEmpty();
  await cdrs.filter({ status: '' });
  await expect(cdrs.cells('callId')).toHaveCount(10);

  // How the first call is rated: 125 s to 447 at 0.0200/min, 1/1, per call to 6 decimals half-up.
  const explain = await cdrs.openExplain('BV-20260302-000001');
  const steps = explain.getByTestId('cdr-explain-steps').locator('li');
  expect(await steps.count()).toBeGreaterThan(2);
  await expect(explain.getByTestId('cdr-explain-candidates').locator('tr[data-chosen]')).toContainText('447');
  await expect(explain.getByTestId('cdr-explain-amount')).toHaveText('0.041667');
  await expect(explain.getByTestId('cdr-explain-now')).toContainText('125');
  await expect(explain.getByTestId('cdr-explain-stale')).toHaveCount(0);
  await page.screenshot({ path: join(SHOTS, 'cdrs-explain-light.png') });

  // The summary of the carrier's CDRs on the buy side.
  const expected = await host.rpc<{ totals: { calls: number; amount: string; billedMinutes: string } }>('cdrs.summary', { carrier, source: 'carrier', side: 'buy' });
  const summary = await cdrs.openSummary('carrier');
  await expect(cdrs.total('calls')).toContainText(String(expected.totals.calls));
  await expect(cdrs.total('amount')).toContainText(expected.totals.amount);
  await expect(cdrs.total('billed')).toContainText(expected.totals.billedMinutes);
  expect(expected.totals.calls).toBe(10);
  expect(expected.totals.amount).toMatch(/^0\.182/);
  await expect(summary.getByTestId('cdr-summary-lines')).toContainText('United Kingdom Mobile');
  await page.screenshot({ path: join(SHOTS, 'cdrs-summary-light.png') });

  // Re-rating changes nothing (the deck has not changed) and the summary stays.
  await page.getByTestId('cdr-rerate').click();
  await expect(page.getByTestId('status-bar')).not.toContainText('Re-rating', { timeout: 30_000 });
  await expect(cdrs.total('amount')).toContainText(expected.totals.amount);

  // The calls as CSV, read back.
  const csv = await cdrs.export('csv');
  expect(csv.name).toMatch(/\.csv$/);
  const lines = readFileSync(csv.path, 'utf8').trim().split('\n');
  expect(lines[0]).toBe(HEADER);
  expect(lines).toHaveLength(11);
  expect(lines.find((l) => l.startsWith('BV-20260302-000001,'))).toMatch(/,125,447,United Kingdom Mobile,0\.02(0*)?,0\.041667,USD,rated,$/);
});

test('a CDR file with bad rows shows the problems and writes nothing', async ({ page, host }) => {
  const carrier = 'Broken CDRs';
  await host.rpc('carriers.create', { name: carrier });
  const bad = join(host.dir, 'bad-cdrs.csv');
  writeFileSync(bad, 'Call ID,Start Time,A Number,B Number,Duration (sec)\nX-1,2026-03-02 09:15:02,441632960100,447700900123,125\nX-2,2026-02-30 10:00:00,441632960100,447700900123,60\n');
  const app = new AppPage(page, host.url);
  await app.open();
  const cdrs = new CdrsPage(app);
  await cdrs.open();
  await cdrs.importFile({ file: bad, carrier, source: 'carrier', format: 'generic' });
  await expect(cdrs.form.getByTestId('cdr-nothing-written')).toBeVisible({ timeout: 30_000 });
  await expect(cdrs.form.getByTestId('problems-grid')).toContainText('2026-02-30');
  expect(await host.rpc<unknown[]>('cdrs.list', {})).toEqual([]);
});
