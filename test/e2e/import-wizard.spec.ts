import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppPage } from './pages/app-page.ts';
import { DecksPage } from './pages/decks-page.ts';
import { RatesPage } from './pages/rates-page.ts';
import { BROKEN, DECKS, expect, test } from './fixtures.ts';

test('import a notes-block XLSX through the wizard, fixing the header row, and see the classes and the notice violations', async ({ page, host }) => {
  // ACME's earlier deck, so the new one is a change with notice to give (not a first, baseline deck).
  await host.rpc('carriers.create', { name: 'ACME Telecom', settings: { timezone: 'UTC' } });
  const earlier = join(host.dir, 'acme-earlier.csv');
  writeFileSync(earlier, 'Destination,Code,Rate,Effective Date,Billing Increment\nUnited Kingdom,44,0.0040,2026-09-01,60/60\nGermany,49,0.0200,2026-09-01,60/60\n');
  await host.rpc('decks.import', { file: await host.upload(earlier, 'acme-earlier.csv'), carrier: 'ACME Telecom', side: 'buy', mode: 'partial', received: '2026-08-20' });

  const app = new AppPage(page, host.url);
  await app.open();
  const decks = new DecksPage(app);
  await decks.start({ file: join(DECKS, 'acme-notes-block.xlsx'), carrier: 'ACME Telecom', side: 'buy', mode: 'partial', received: '2026-10-28' });

  // The wizard found the header under the notes block; a wrong row loses the columns, the right one brings them back.
  await expect(decks.headerRow()).toHaveValue('8');
  await expect(decks.wizard.getByTestId('head-rows')).toContainText('EFFECTIVE DATE 2026-11-01');
  await decks.setHeaderRow(3);
  await decks.next();
  await expect(decks.wizard).not.toContainText('Codes');
  await decks.wizard.getByTestId('wizard-back').click();
  await decks.setHeaderRow(8);
  await decks.next();
  await expect(decks.mapping('B')).toHaveValue('code');
  await decks.next();

  await expect(decks.wizard.getByTestId('preview-counts')).toBeVisible({ timeout: 30_000 });
  await expect(decks.count('increase')).toContainText('1');
  await expect(decks.count('decrease')).toContainText('1');
  await expect(decks.count('new')).toContainText('155');
  const violations = decks.wizard.getByTestId('notice-violations');
  await expect(violations).toContainText('2026-11-01');
  await expect(violations).toContainText('44');
  await decks.commit();

  await expect(decks.history).toContainText('acme-notes-block.xlsx');
  const imports = await host.rpc<{ fileName: string; counts: { new: number }; noticeViolations: number }[]>('decks.list', {});
  expect(imports[0]).toMatchObject({ fileName: 'acme-notes-block.xlsx', counts: { new: 155 } });
  expect(imports[0]!.noticeViolations).toBeGreaterThan(0);

  // The rates grid, filtered to a prefix, and that prefix's history.
  const rates = new RatesPage(app);
  await rates.open();
  await rates.filter({ carrier: 'ACME Telecom', side: 'buy', prefix: '44', scope: 'all' });
  await expect(rates.prefixes().filter({ hasText: /^44$/ })).toHaveCount(2);
  const history = await rates.openHistory('44');
  await expect(history).toContainText('acme-earlier.csv');
  await expect(history).toContainText('acme-notes-block.xlsx');
});

test('a broken deck shows its row-level problems, and nothing is written', async ({ page, host }) => {
  await host.rpc('carriers.create', { name: 'Broken Carrier' });
  const app = new AppPage(page, host.url);
  await app.open();
  const decks = new DecksPage(app);
  await decks.start({ file: join(BROKEN, 'bad-date.csv'), carrier: 'Broken Carrier', received: '2026-10-28' });
  await decks.next();
  await decks.next();
  const problems = decks.wizard.getByTestId('problems-grid');
  await expect(problems).toBeVisible({ timeout: 30_000 });
  await expect(problems).toContainText('2026-02-30');
  await expect(problems).toContainText('Effective Date');
  await expect(problems).toContainText('5');
  await expect(decks.wizard.getByTestId('nothing-written')).toBeVisible();
  await expect(decks.wizard.getByTestId('wizard-commit')).toBeDisabled();
  expect(await host.rpc<unknown[]>('decks.list', {})).toEqual([]);
});
