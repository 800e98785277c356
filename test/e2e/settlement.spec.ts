import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { AppPage } from './pages/app-page.ts';
import { SettlementPage } from './pages/settlement-page.ts';
import { ROOT, expect, test } from './fixtures.ts';

const SHOTS = join(ROOT, 'test-results', 'screenshots');
import { PARTNER, fxAndPayments, settleDispute, vendorSide, writePartnerFiles } from '../helpers/settlement-scenario.ts';

test('settle a two-way partner: net positions, drill-down, invoice issued from the screen, statement and ageing', async ({ page, host }) => {
  // Our side through the contract (carrier, decks, own CDRs); the carrier's invoices and the dispute through the issue-6 stand-in.
  const files = writePartnerFiles(host.dir);
  const rpc = (method: string, args: Record<string, unknown>) => host.rpc(method, args);
  await rpc('carriers.create', { name: PARTNER, settings: { roles: 'both', currency: 'USD', timezone: 'UTC', rounding: { level: 'per-call', decimals: 4, mode: 'half-up' }, paymentTermsDays: 30 } });
  await rpc('decks.import', { file: await host.upload(files.sellDeck, 'nordlink-sell.csv'), carrier: PARTNER, side: 'sell', received: '2025-12-01' });
  await rpc('decks.import', { file: await host.upload(files.buyDeck, 'nordlink-buy.csv'), carrier: PARTNER, side: 'buy', received: '2025-12-01' });
  await rpc('cdrs.import', { file: await host.upload(files.cdrs, 'switch.csv'), carrier: PARTNER, source: 'own', timezone: 'UTC' });
  await rpc('invoices.issue', { customer: PARTNER, period: '2026-08' });
  const { disputeId } = vendorSide(host.dbPath);
  await fxAndPayments(rpc);
  settleDispute(host.dbPath, disputeId);

  const app = new AppPage(page, host.url);
  await app.open();
  const settle = new SettlementPage(app);
  await settle.open();

  // August: our invoice, theirs, the claim withheld.
  await settle.period('2026-08');
  await expect(settle.cell(PARTNER, 'net')).toHaveText('1.5591');
  await expect(settle.cell(PARTNER, 'withheld')).toHaveText('0.40');
  await expect(settle.cell(PARTNER, 'direction')).toHaveText('they pay us');

  // September is not invoiced yet: the detail says so; issuing it from the screen fixes the receivable.
  await settle.period('2026-09');
  await settle.select(PARTNER);
  await expect(page.getByTestId('settle-warning')).toContainText('no invoice issued');
  await settle.issueInvoice();
  await expect(settle.cell(PARTNER, 'receivable')).toHaveText('1.762');
  await expect(settle.cell(PARTNER, 'net')).toHaveText('-0.6789');
  await expect(settle.detail.getByTestId('settle-direction')).toContainText('we pay them');

  const sell = await settle.drill('sell');
  await expect(sell).toContainText('United Kingdom - Mobile');
  await expect(sell).toContainText('1.024');
  const disputes = await settle.drill('disputes');
  await expect(disputes).toContainText('CN-NL-0918');
  await expect(disputes).toContainText('settled');
  const payments = await settle.drill('payments');
  await expect(payments).toContainText('1.0834');
  await expect(payments).toContainText('-3.25');
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, 'settlement-light.png') });

  // The statement workbook, downloaded and read back.
  const file = await settle.exportStatement();
  expect(file.name).toBe(`statement-${PARTNER}-2026-09.xlsx`);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file.path);
  expect(wb.worksheets.map((s) => s.name)).toEqual(['Statement', 'Sell lines', 'Buy lines', 'Disputes', 'Payments', 'Adjustments', 'Calls']);
  const cover = wb.getWorksheet('Statement')!;
  const net = cover.getColumn(1).values.findIndex((v) => v === 'Net position');
  expect((cover.getCell(`B${net}`).value as ExcelJS.CellFormulaValue).result).toBe(-0.6789);

  // Ageing on 5 December: what we owe them is their overpayment of 10 September, 86 days old.
  const ageing = await settle.ageing('2026-12-05');
  await expect(ageing.locator(`[role="row"][row-id="${PARTNER}"] [col-id="b61"]`)).toHaveText('-0.6789');
  await expect(page.getByTestId('settle-ageing-totals')).toContainText('0.6789');
});
