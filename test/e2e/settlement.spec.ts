import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { AppPage } from './pages/app-page.ts';
import { SettlementPage } from './pages/settlement-page.ts';
import { ROOT, expect, test } from './fixtures.ts';
import { trunklineCli } from '../helpers/cli-at.ts';
import { AGREED, AT, AUGUST, CLAIMED, CREDIT_NOTE, PARTNER, SEPTEMBER, writePartnerFiles } from '../helpers/settlement-scenario.ts';

const SHOTS = join(ROOT, 'test-results', 'screenshots');

// The user closes September on 5 October: the web host's clock stands there.
test.use({ hostNow: AT.septemberClose });

test('settle a two-way partner: net positions, drill-down, invoice issued from the screen, statement and ageing', async ({ page, host }) => {
  // The months as they happened, typed at the command line on each day into the workspace the web host serves:
  // our side, their invoices imported from their files, the reconciliation, the dispute through its workflow.
  const files = await writePartnerFiles(host.dir);
  const cli = (now: string, ...args: string[]): string => {
    const r = trunklineCli({ db: host.dbPath, cwd: host.dir, now }, '--json', ...args);
    if (r.status !== 0) throw new Error(`trunkline ${args.join(' ')}: ${r.stdout}${r.stderr}`);
    return r.stdout;
  };
  cli(AT.augustClose, 'carriers', 'add', PARTNER, '--roles', 'vendor,customer', '--currency', 'USD', '--timezone', 'UTC', '--rounding', 'per-call', '--decimals', '4',
    '--payment-terms-days', '30', '--dispute-threshold-absolute', '0.10', '--dispute-threshold-percent', '1');
  cli(AT.augustClose, 'decks', 'import', files.sellDeck, '--carrier', PARTNER, '--side', 'sell', '--received', '2025-12-01');
  cli(AT.augustClose, 'decks', 'import', files.buyDeck, '--carrier', PARTNER, '--side', 'buy', '--received', '2025-12-01');
  cli(AT.augustClose, 'cdrs', 'import', files.cdrsAugust, '--carrier', PARTNER, '--source', 'own', '--timezone', 'UTC');
  cli(AT.augustClose, 'invoices', 'issue', '--customer', PARTNER, '--period', '2026-08');
  cli(AT.augustInvoiceIn, 'invoices', 'import', files.invoiceAugust, '--carrier', PARTNER);
  const run = JSON.parse(cli(AT.augustInvoiceIn, 'reconcile', '--carrier', PARTNER, '--period', '2026-08')) as { id: number; proposedDisputeAmount: string };
  expect(run.proposedDisputeAmount).toBe(CLAIMED);
  const dispute = String((JSON.parse(cli(AT.augustInvoiceIn, 'disputes', 'open', '--reconciliation', String(run.id), '--all-proposed')) as { id: number }).id);
  cli(AT.submitted, 'disputes', 'set', dispute, '--state', 'submitted');
  cli(AT.acknowledged, 'disputes', 'set', dispute, '--state', 'acknowledged');
  cli(AT.partiallyAccepted, 'disputes', 'set', dispute, '--state', 'partially-accepted', '--agreed', AGREED);
  cli(AT.settled, 'disputes', 'set', dispute, '--state', 'settled', '--credit-note', CREDIT_NOTE);
  cli(AT.septemberClose, 'cdrs', 'import', files.cdrsSeptember, '--carrier', PARTNER, '--source', 'own', '--timezone', 'UTC');
  cli(AT.septemberClose, 'invoices', 'import', files.invoiceSeptember, '--carrier', PARTNER);
  // FX and payments through the host's contract.
  await host.rpc('fx.set', { from: 'EUR', to: 'USD', rate: '1.0834', date: '2026-09-01' });
  await host.rpc('fx.set', { from: 'EUR', to: 'USD', rate: '1.1', date: '2026-09-15' });
  await host.rpc('payments.add', { carrier: PARTNER, direction: 'in', amount: '3.50', currency: 'EUR', date: '2026-09-10', reference: 'SEPA NL-0910' });
  await host.rpc('payments.add', { carrier: PARTNER, direction: 'out', amount: '2.95', currency: 'USD', date: '2026-09-25', reference: 'WIRE 0925' });

  const app = new AppPage(page, host.url);
  await app.open();
  const settle = new SettlementPage(app);
  await settle.open();

  // August: our invoice, theirs, the claim withheld (it was open all August).
  await settle.period('2026-08');
  await expect(settle.cell(PARTNER, 'net')).toHaveText(AUGUST.net);
  await expect(settle.cell(PARTNER, 'withheld')).toHaveText(CLAIMED);
  await expect(settle.cell(PARTNER, 'payable')).toHaveText(AUGUST.payable);
  await expect(settle.cell(PARTNER, 'direction')).toHaveText('they pay us');

  // September is not invoiced yet: the detail says so; issuing it from the screen fixes the receivable.
  await settle.period('2026-09');
  await settle.select(PARTNER);
  await expect(page.getByTestId('settle-warning')).toContainText('no invoice issued');
  await settle.issueInvoice();
  await expect(settle.cell(PARTNER, 'receivable')).toHaveText(SEPTEMBER.receivable);
  await expect(settle.cell(PARTNER, 'released')).toHaveText(CLAIMED);
  await expect(settle.cell(PARTNER, 'adjustments')).toHaveText(AGREED);
  await expect(settle.cell(PARTNER, 'net')).toHaveText(SEPTEMBER.net);
  await expect(settle.detail.getByTestId('settle-direction')).toContainText('they pay us');

  const sell = await settle.drill('sell');
  await expect(sell).toContainText('TL-2026-000002');
  await expect(sell).toContainText('United Kingdom - Mobile');
  await expect(sell).toContainText('1.024');
  const buy = await settle.drill('buy');
  await expect(buy).toContainText('NL-2026-09');
  await expect(buy).toContainText('0.54');
  const disputes = await settle.drill('disputes');
  await expect(disputes).toContainText(CREDIT_NOTE);
  await expect(disputes).toContainText('settled');
  await expect(disputes).toContainText(CLAIMED);
  const payments = await settle.drill('payments');
  await expect(payments).toContainText('1.0834');
  await expect(payments).toContainText('-3.79');
  await expect(payments).toContainText(`${CREDIT_NOTE} (dispute #${dispute} on NL-2026-08)`);
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
  expect((cover.getCell(`B${net}`).value as ExcelJS.CellFormulaValue).result).toBe(Number(SEPTEMBER.net));
  expect(wb.getWorksheet('Sell lines')!.getCell('A2').value).toBe('TL-2026-000002');

  // Ageing on 5 December: September's movements 36 days past due, the last of August's 66.
  const ageing = await settle.ageing('2026-12-05');
  await expect(ageing.locator(`[role="row"][row-id="${PARTNER}"] [col-id="b31"]`)).toHaveText('0.143');
  await expect(ageing.locator(`[role="row"][row-id="${PARTNER}"] [col-id="b61"]`)).toHaveText('0.0061');
  await expect(page.getByTestId('settle-ageing-totals')).toContainText(SEPTEMBER.net);
});
