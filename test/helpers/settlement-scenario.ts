/**
 * The two-way partner of the settlement tests: "Nordlink", both our customer and our vendor,
 * settling in USD, over August and September 2026, played as the user lives the months. Every
 * step goes through the product: the carrier, decks and own CDRs; our invoices (`invoices.issue`);
 * the carrier's invoices imported from the files it sends (a CSV for August, an XLSX for
 * September, each with its header block above the table); the August invoice reconciled against
 * our own CDRs and the proposed lines disputed (`reconcile.run`, `disputes.open`), the dispute
 * moved through the workflow (`disputes.set`: submitted, acknowledged, partially accepted,
 * settled with a credit note); FX rates and payments. Each step happens at its own instant
 * (`AT`): the engine records dispute events, issue dates and imports at "now".
 *
 * Hand-checked figures (both decks per call, 4 decimals, half-up):
 *   Our August invoice (sell deck)
 *        A1 447… 3725 s @0.0512 1/1   = 3.17866… → 3.1787
 *        A2 44…  1801 s @0.0123 60/60 = 1860 s → 0.3813
 *        A3 33…   599 s @0.0187 60/60 =  600 s → 0.1870
 *        A4 447…   61 s @0.0512 1/1   = 0.05205… → 0.0521
 *        A5 unanswered                  free                      → TL-2026-000001 3.7991
 *   Their August invoice NL-2026-08 (CSV, day-first dates), against our calls on their deck:
 *        France 1 call 10 min @0.0150 = 0.15          ours 0.15
 *        UK     2 calls 62 min @0.0090 = 0.558         ours 1 call, 31 min = 0.279  → volume +0.279
 *        UK Mob 2 calls 63.1 min @0.0450 = 2.8395      ours @0.0400 = 2.524         → rate +0.3155
 *        total 3.5475, expected 2.953, variance 0.5945, both lines over the thresholds (0.10 and 1 %)
 *        dispute #1 claims 0.5945, submitted 2 Sep
 *   August: 3.7991 − 3.5475 + 0.5945 withheld = 0.8461, the carrier pays us, due 2026-09-30
 *   September: our S1 447… 1200 s = 1.0240, S2 44… 3599 s → 3600 s = 0.7380 → TL-2026-000002 1.762;
 *        theirs NL-2026-09 (XLSX) 0.80 + 0.54 = 1.34; the dispute settles on 18 Sep for 0.3155 (the
 *        rate error; they refused the volume claim), credit note CN-NL-0918: 0.5945 released, 0.3155 credit;
 *        received 3.50 EUR on 10 Sep at 1.0834 (the rate of 1 Sep) = 3.7919 → 3.79 USD; paid 2.95 USD on 25 Sep
 *        net = 0.8461 + 1.762 − 1.34 − 0.5945 + 0.3155 − 3.79 + 2.95 = 0.1491: the carrier pays us, due 2026-10-30
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';

export const PARTNER = 'Nordlink';

/** The carrier's contract: both roles, USD, 30 days; disputes proposed from 0.10 and 1 %. */
export const PARTNER_SETTINGS = {
  roles: 'both', currency: 'USD', timezone: 'UTC', rounding: { level: 'per-call', decimals: 4, mode: 'half-up' }, paymentTermsDays: 30,
  disputeThreshold: { absolute: '0.10', percent: '1' },
} as const;

export const SELL_DECK = `Code,Destination,Rate,Effective Date,Billing Increment
44,United Kingdom,0.0123,2026-01-01,60/60
447,United Kingdom - Mobile,0.0512,2026-01-01,1/1
33,France,0.0187,2026-01-01,60/60
`;

export const BUY_DECK = `Code,Destination,Rate,Effective Date,Billing Increment
44,United Kingdom,0.0090,2026-01-01,60/60
447,United Kingdom - Mobile,0.0400,2026-01-01,1/1
33,France,0.0150,2026-01-01,60/60
`;

const CDR_HEADER = 'Call ID,Start Time,Answer Time,A Number,B Number,Duration (sec),Status\n';

/** Our switch's August file (the last calls right at the month's end). */
export const CDRS_AUGUST = `${CDR_HEADER}A1,2026-08-03 10:00:00,2026-08-03 10:00:05,12025550100,+447700900123,3725,ANSWERED
A2,2026-08-10 12:00:00,2026-08-10 12:00:04,12025550101,442079460000,1801,ANSWERED
A3,2026-08-20 09:30:00,2026-08-20 09:30:06,12025550102,0033155500114,599,ANSWERED
A4,2026-08-31 23:58:00,2026-08-31 23:58:03,12025550103,447700900124,61,ANSWERED
A5,2026-08-31 23:59:30,,12025550104,447700900125,0,NO ANSWER
`;

/** September's file (the first call 30 s into the month). */
export const CDRS_SEPTEMBER = `${CDR_HEADER}S1,2026-09-01 00:00:30,2026-09-01 00:00:32,12025550105,447700900126,1200,ANSWERED
S2,2026-09-15 18:00:00,2026-09-15 18:00:05,12025550106,442079460001,3599,ANSWERED
`;

/** Nordlink's August invoice as its billing system exports it: a header block, day-first dates, a blank row, a total row. */
export const INVOICE_AUGUST_CSV = `Nordlink Carrier Services AB,,,,,
Wholesale Voice Termination - Invoice,,,,,
Invoice No: NL-2026-08,,,,,
Invoice Date: 01/09/2026,,,,,
Due Date: 01/10/2026,,,,,
Billing Period: 01/08/2026 - 31/08/2026,,,,,
All amounts in USD,,,,,
,,,,,
Destination,Code,Calls,Minutes,Rate,Amount
France,33,1,10.00,0.0150,0.1500
United Kingdom,44,2,62.00,0.0090,0.5580
United Kingdom - Mobile,447,2,63.10,0.0450,2.8395
,,,,,
Total Due,,5,135.10,,3.5475
`;

/** Nordlink's September invoice, an Excel file: label and value cells above the table, real dates, a SUM total. */
export async function writeSeptemberInvoice(path: string): Promise<void> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Invoice');
  ws.addRow(['Nordlink Carrier Services AB']);
  ws.addRow(['Invoice No:', 'NL-2026-09']);
  ws.addRow(['Invoice date', new Date(Date.UTC(2026, 8, 30))]);
  ws.addRow(['Due date', new Date(Date.UTC(2026, 9, 30))]);
  ws.addRow(['Service period', '1 Sep 2026 to 30 Sep 2026']);
  ws.addRow(['Currency: USD']);
  ws.addRow([]);
  ws.addRow(['Destination', 'Prefix', 'Calls', 'Minutes', 'Rate', 'Amount']);
  ws.addRow(['United Kingdom - Mobile', 447, 1, 20, 0.04, 0.8]);
  ws.addRow(['United Kingdom', 44, 1, 60, 0.009, 0.54]);
  ws.addRow(['Total', null, 2, 80, null, { formula: 'SUM(F9:F10)', result: 1.34 }]);
  ws.getCell('B3').numFmt = 'dd/mm/yyyy';
  ws.getCell('B4').numFmt = 'dd/mm/yyyy';
  await wb.xlsx.writeFile(path);
}

/** When each step happens (UTC): the engine stamps what it records with "now". */
export const AT = {
  /** August's calls imported, our August invoice issued. */
  augustClose: '2026-09-01T08:00:00Z',
  /** Their August invoice imported and reconciled; the dispute drafted from the proposed lines. */
  augustInvoiceIn: '2026-09-02T09:00:00Z',
  submitted: '2026-09-02T15:30:00Z',
  acknowledged: '2026-09-05T10:00:00Z',
  partiallyAccepted: '2026-09-12T11:00:00Z',
  /** Credit note CN-NL-0918 received. */
  settled: '2026-09-18T14:00:00Z',
  /** September's calls, our September invoice, their September invoice, FX and payments, the statement. */
  septemberClose: '2026-10-05T09:00:00Z',
} as const;

export const CLAIMED = '0.5945';
export const AGREED = '0.3155';
export const CREDIT_NOTE = 'CN-NL-0918';

export type Rpc = (method: string, args: Record<string, unknown>) => Promise<unknown>;

export interface PartnerFiles {
  sellDeck: string;
  buyDeck: string;
  cdrsAugust: string;
  cdrsSeptember: string;
  invoiceAugust: string;
  invoiceSeptember: string;
}

export async function writePartnerFiles(dir: string): Promise<PartnerFiles> {
  const files: PartnerFiles = {
    sellDeck: join(dir, 'nordlink-sell.csv'), buyDeck: join(dir, 'nordlink-buy.csv'), cdrsAugust: join(dir, 'switch-2026-08.csv'),
    cdrsSeptember: join(dir, 'switch-2026-09.csv'), invoiceAugust: join(dir, 'NL-2026-08.csv'), invoiceSeptember: join(dir, 'NL-2026-09.xlsx'),
  };
  writeFileSync(files.sellDeck, SELL_DECK);
  writeFileSync(files.buyDeck, BUY_DECK);
  writeFileSync(files.cdrsAugust, CDRS_AUGUST);
  writeFileSync(files.cdrsSeptember, CDRS_SEPTEMBER);
  writeFileSync(files.invoiceAugust, INVOICE_AUGUST_CSV);
  await writeSeptemberInvoice(files.invoiceSeptember);
  return files;
}

/** The engine's clock, moved by the scenario from step to step. */
export interface ScenarioClock {
  set(iso: string): void;
}

/**
 * Up to the dispute's submission, through the contract: the carrier, decks, August's calls and our
 * invoice; their August invoice imported and reconciled, the proposed lines disputed and submitted.
 */
export async function playAugust(rpc: Rpc, clock: ScenarioClock, files: PartnerFiles): Promise<{ reconciliationId: number; disputeId: number }> {
  clock.set(AT.augustClose);
  await rpc('carriers.create', { name: PARTNER, settings: PARTNER_SETTINGS });
  await rpc('decks.import', { file: files.sellDeck, carrier: PARTNER, side: 'sell', received: '2025-12-01' });
  await rpc('decks.import', { file: files.buyDeck, carrier: PARTNER, side: 'buy', received: '2025-12-01' });
  await rpc('cdrs.import', { file: files.cdrsAugust, carrier: PARTNER, source: 'own', timezone: 'UTC' });
  await rpc('invoices.issue', { customer: PARTNER, period: '2026-08' });
  clock.set(AT.augustInvoiceIn);
  await rpc('invoices.import', { file: files.invoiceAugust, carrier: PARTNER });
  const run = (await rpc('reconcile.run', { carrier: PARTNER, period: '2026-08' })) as { id: number; proposedDisputeAmount: string };
  const dispute = (await rpc('disputes.open', { reconciliation: run.id, allProposed: true })) as { id: number };
  clock.set(AT.submitted);
  await rpc('disputes.set', { id: dispute.id, state: 'submitted', note: 'sent to billing@nordlink.example with the CDR evidence' });
  return { reconciliationId: run.id, disputeId: dispute.id };
}

/** The carrier acknowledges, accepts the rate error only, and sends its credit note. */
export async function settleDispute(rpc: Rpc, clock: ScenarioClock, id: number): Promise<void> {
  clock.set(AT.acknowledged);
  await rpc('disputes.set', { id, state: 'acknowledged' });
  clock.set(AT.partiallyAccepted);
  await rpc('disputes.set', { id, state: 'partially-accepted', agreed: AGREED, note: 'the UK call is in their switch; the mobile rate was wrong' });
  clock.set(AT.settled);
  await rpc('disputes.set', { id, state: 'settled', creditNote: CREDIT_NOTE });
}

/** September closed on 5 October: its calls, our invoice, theirs. */
export async function closeSeptember(rpc: Rpc, clock: ScenarioClock, files: PartnerFiles): Promise<void> {
  clock.set(AT.septemberClose);
  await rpc('cdrs.import', { file: files.cdrsSeptember, carrier: PARTNER, source: 'own', timezone: 'UTC' });
  await rpc('invoices.issue', { customer: PARTNER, period: '2026-09' });
  await rpc('invoices.import', { file: files.invoiceSeptember, carrier: PARTNER });
}

/** FX rates around the EUR payment (only the rate of 1 September is the latest on or before 10 September), and both payments. */
export async function fxAndPayments(rpc: Rpc): Promise<void> {
  await rpc('fx.set', { from: 'EUR', to: 'USD', rate: '1.05', date: '2026-08-01' });
  await rpc('fx.set', { from: 'EUR', to: 'USD', rate: '1.0834', date: '2026-09-01' });
  await rpc('fx.set', { from: 'EUR', to: 'USD', rate: '1.1', date: '2026-09-15' });
  await rpc('payments.add', { carrier: PARTNER, direction: 'in', amount: '3.50', currency: 'EUR', date: '2026-09-10', reference: 'SEPA NL-0910' });
  await rpc('payments.add', { carrier: PARTNER, direction: 'out', amount: '2.95', currency: 'USD', date: '2026-09-25', reference: 'WIRE 0925' });
}

/** The figures every layer asserts, as exact decimal strings. */
export const AUGUST = {
  opening: '0.00', receivable: '3.7991', payable: '3.5475', withheld: '0.5945', released: '0.00', adjustments: '0.00',
  paymentsIn: '0.00', paymentsOut: '0.00', payments: '0.00', net: '0.8461', direction: 'they-pay-us', dueDate: '2026-09-30', currency: 'USD',
} as const;

export const SEPTEMBER = {
  opening: '0.8461', receivable: '1.762', payable: '1.34', withheld: '0.00', released: '0.5945', adjustments: '0.3155',
  paymentsIn: '3.79', paymentsOut: '2.95', payments: '0.84', net: '0.1491', direction: 'they-pay-us', dueDate: '2026-10-30', currency: 'USD',
} as const;

/** Our side only, for tests that do not play the month: the carrier, both decks, both months' calls. */
export async function setUpOurSide(rpc: Rpc, files: PartnerFiles): Promise<void> {
  await rpc('carriers.create', { name: PARTNER, settings: PARTNER_SETTINGS });
  await rpc('decks.import', { file: files.sellDeck, carrier: PARTNER, side: 'sell', received: '2025-12-01' });
  await rpc('decks.import', { file: files.buyDeck, carrier: PARTNER, side: 'buy', received: '2025-12-01' });
  await rpc('cdrs.import', { file: files.cdrsAugust, carrier: PARTNER, source: 'own', timezone: 'UTC' });
  await rpc('cdrs.import', { file: files.cdrsSeptember, carrier: PARTNER, source: 'own', timezone: 'UTC' });
}
