import Database from 'better-sqlite3';
import ExcelJS from 'exceljs';
import { Decimal } from 'decimal.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SettlementFigures } from '../../../core/api/contract.ts';
import { err, ok, openWorkspace, type Workspace } from '../../helpers/workspace.ts';
import {
  AGREED, AT, AUGUST, CLAIMED, CREDIT_NOTE, PARTNER, SEPTEMBER, closeSeptember, fxAndPayments, playAugust, setUpOurSide, settleDispute, writePartnerFiles,
  type Rpc, type ScenarioClock,
} from '../../helpers/settlement-scenario.ts';

let ws: Workspace;
let rpc: Rpc;
/** The engine's "now": each step of the month happens at its own instant. */
let now = Date.parse(AT.augustClose);
const clock: ScenarioClock = { set: (iso) => { now = Date.parse(iso); } };

beforeEach(() => {
  now = Date.parse('2026-10-28T12:00:00Z');
  ws = openWorkspace('trunkline-settle-', () => now);
  rpc = async (method, args) => ok(await ws.engine.dispatch(method as never, args));
});
afterEach(() => ws.cleanup());

const figures = (p: SettlementFigures) => ({
  opening: p.opening, receivable: p.receivable, payable: p.payable, withheld: p.withheld, released: p.released, adjustments: p.adjustments,
  paymentsIn: p.paymentsIn, paymentsOut: p.paymentsOut, payments: p.payments, net: p.net, direction: p.direction, dueDate: p.dueDate, currency: p.currency,
});
const position = async (period: string) => ok(await ws.engine.dispatch('settlement.position', { carrier: PARTNER, period }));

describe('a two-way partner over two periods, on the real invoice import, reconciliation and dispute workflow', () => {
  it('invoices both ways, withholds the August dispute, settles it in September with a credit note, carries the balance, converts a EUR payment', async () => {
    const files = await writePartnerFiles(ws.dir);
    const { reconciliationId, disputeId } = await playAugust(rpc, clock, files);

    // Our August invoice, issued on 1 September: lines per destination and rate.
    const [aug] = ok(await ws.engine.dispatch('invoices.issued', { customer: PARTNER, period: '2026-08' }));
    const augDoc = ok(await ws.engine.dispatch('invoices.issuedGet', { number: aug!.number }));
    expect(augDoc).toMatchObject({ number: 'TL-2026-000001', kind: 'invoice', currency: 'USD', total: '3.7991', calls: 4, issuedOn: '2026-09-01', dueOn: '2026-10-01' });
    expect(augDoc.lines.map((l) => [l.destination, l.prefix, l.calls, l.billedMinutes, l.rate, l.amount])).toEqual([
      ['France', '33', 1, '10.0000', '0.0187', '0.187'],
      ['United Kingdom', '44', 1, '31.0000', '0.0123', '0.3813'],
      ['United Kingdom - Mobile', '447', 2, '63.1000', '0.0512', '3.2308'],
    ]);
    // Their August invoice, as imported from the CSV's header block and lines.
    const [theirs] = ok(await ws.engine.dispatch('invoices.list', { carrier: PARTNER }));
    expect(theirs).toMatchObject({ number: 'NL-2026-08', period: '2026-08', currency: 'USD', total: '3.5475', lineCount: 3, issuedOn: '2026-09-01', dueOn: '2026-10-01' });
    // The reconciliation against our calls rated on their deck proposes both overbilled lines.
    const run = ok(await ws.engine.dispatch('reconcile.get', { id: reconciliationId }));
    expect(run).toMatchObject({ invoiceTotal: '3.5475', expectedTotal: '2.953', variance: CLAIMED, proposedDisputeAmount: CLAIMED });
    expect(run.items.map((i) => [i.cause, i.destination, i.amount, i.proposed])).toEqual([['volume', 'United Kingdom', '0.279', true], ['rate', 'United Kingdom - Mobile', '0.3155', true]]);

    // August, with the dispute submitted: its claim is withheld from what we pay.
    const p1 = await position('2026-08');
    expect(figures(p1)).toEqual(AUGUST);
    expect(p1.disputes).toEqual([{
      id: disputeId, invoice: 'NL-2026-08', period: '2026-08', state: 'submitted', currency: 'USD', claimed: CLAIMED, agreed: null, creditNote: null,
      submittedAt: '2026-09-02T15:30:00Z', resolvedAt: null, withheld: CLAIMED, released: '0.00', credit: '0.00',
    }]);
    expect(p1.entries.map((e) => [e.kind, e.date, e.reference, e.effect])).toEqual([
      ['invoice', '2026-09-01', 'TL-2026-000001', '3.7991'], ['vendor-invoice', '2026-09-01', 'NL-2026-08', '-3.5475'], ['withheld', '2026-09-01', `dispute #${disputeId} on NL-2026-08`, CLAIMED],
    ]);
    expect((await position('2026-09'))).toMatchObject({ opening: AUGUST.net, receivable: '0.00', payable: '0.00', released: '0.00', net: AUGUST.net });

    // Acknowledged and partially accepted: still withheld in full until the credit note comes.
    clock.set(AT.acknowledged);
    await rpc('disputes.set', { id: disputeId, state: 'acknowledged' });
    clock.set(AT.partiallyAccepted);
    await rpc('disputes.set', { id: disputeId, state: 'partially-accepted', agreed: AGREED });
    expect(figures(await position('2026-08'))).toEqual(AUGUST);
    expect((await position('2026-09'))).toMatchObject({ released: '0.00', adjustments: '0.00', net: AUGUST.net });
    // Settled on 18 September with the credit note: the claim is released to payable and the agreed amount credited, in September.
    clock.set(AT.settled);
    await rpc('disputes.set', { id: disputeId, state: 'settled', creditNote: CREDIT_NOTE });
    expect((await position('2026-09'))).toMatchObject({ released: CLAIMED, adjustments: AGREED, net: '0.5671' });

    await closeSeptember(rpc, clock, files);
    await fxAndPayments(rpc);
    expect(figures(await position('2026-08'))).toEqual(AUGUST);
    const p2 = await position('2026-09');
    expect(figures(p2)).toEqual(SEPTEMBER);
    // The EUR payment shows the rate used: the latest on or before its date.
    expect(p2.entries.find((e) => e.kind === 'payment-in')).toMatchObject({ originalAmount: '3.50', originalCurrency: 'EUR', fxRate: '1.0834', fxDate: '2026-09-01', amount: '3.79', effect: '-3.79' });
    expect(p2.entries.find((e) => e.kind === 'released')).toMatchObject({ date: '2026-09-18', amount: CLAIMED, effect: `-${CLAIMED}` });
    expect(p2.entries.find((e) => e.kind === 'dispute-credit')).toMatchObject({ reference: `${CREDIT_NOTE} (dispute #${disputeId} on NL-2026-08)`, amount: AGREED, date: '2026-09-18' });
    expect(p2.entries.find((e) => e.kind === 'vendor-invoice')).toMatchObject({ reference: 'NL-2026-09', date: '2026-09-30', amount: '1.34' });
    expect(p2.disputes).toEqual([expect.objectContaining({
      id: disputeId, period: '2026-08', state: 'settled', agreed: AGREED, creditNote: CREDIT_NOTE, resolvedAt: '2026-09-18T14:00:00Z', withheld: '0.00', released: CLAIMED, credit: AGREED,
    })]);

    // The grid of every carrier for the period, and the drill-down to the lines of both invoices.
    expect(ok(await ws.engine.dispatch('settlement.positions', { period: '2026-09' })).map((p) => [p.carrier, p.net, p.direction])).toEqual([[PARTNER, SEPTEMBER.net, 'they-pay-us']]);
    const buy = ok(await ws.engine.dispatch('settlement.lines', { carrier: PARTNER, period: '2026-09', side: 'buy' }));
    expect(buy.documents).toEqual([{ number: 'NL-2026-09', kind: 'vendor-invoice', currency: 'USD', total: '1.34', date: '2026-09-30' }]);
    expect(buy.lines.map((l) => [l.destination, l.prefix, l.calls, l.minutes, l.rate, l.amount])).toEqual([
      ['United Kingdom - Mobile', '447', 1, '20.00', '0.0400', '0.80'], ['United Kingdom', '44', 1, '60.00', '0.0090', '0.54'],
    ]);
    const buyAug = ok(await ws.engine.dispatch('settlement.lines', { carrier: PARTNER, period: '2026-08', side: 'buy' }));
    expect(buyAug.lines.map((l) => [l.document, l.destination, l.amount])).toEqual([
      ['NL-2026-08', 'France', '0.15'], ['NL-2026-08', 'United Kingdom', '0.558'], ['NL-2026-08', 'United Kingdom - Mobile', '2.8395'],
    ]);

    // Ageing on 5 December, oldest amounts settled first: September's movements (1.762 − 1.34 − 0.5945 + 0.3155 = 0.143,
    // due 30 October: 36 days) and the last 0.0061 of August's (due 30 September: 66 days).
    const dec = ok(await ws.engine.dispatch('settlement.ageing', { asOf: '2026-12-05' }));
    const buckets = { '0-30': '0.00', '31-60': '0.143', '61-90': '0.0061', '90+': '0.00' };
    expect(dec.rows).toEqual([{ carrier: PARTNER, currency: 'USD', balance: SEPTEMBER.net, direction: 'they-pay-us', buckets, oldestPeriod: '2026-08' }]);
    expect(dec.totals).toEqual([{ currency: 'USD', receivable: SEPTEMBER.net, payable: '0.00', buckets }]);
  });

  it('the position says what is not in yet: our invoice not issued, theirs not imported', async () => {
    const files = await writePartnerFiles(ws.dir);
    await setUpOurSide(rpc, files);
    expect((await position('2026-09')).warnings).toEqual([
      'no invoice issued to Nordlink for 2026-09 yet: receivable leaves out its 2 calls (issue it with `trunkline invoices issue`)',
      'no invoice from Nordlink for 2026-09 imported yet: payable leaves out the calls we sent them (import it with `trunkline invoices import`)',
    ]);
    await rpc('invoices.issue', { customer: PARTNER, period: '2026-09' });
    await rpc('invoices.import', { file: files.invoiceSeptember, carrier: PARTNER });
    expect((await position('2026-09')).warnings).toEqual([]);
    // A month with no calls either way has nothing to warn about.
    expect((await position('2026-07')).warnings).toEqual([]);
  });

  it('a missing FX rate is a clear error naming the pair and the date', async () => {
    await setUpOurSide(rpc, await writePartnerFiles(ws.dir));
    await rpc('payments.add', { carrier: PARTNER, direction: 'in', amount: '100', currency: 'GBP', date: '2026-09-10' });
    const e = err(await ws.engine.dispatch('settlement.position', { carrier: PARTNER, period: '2026-09' }));
    expect(e.code).toBe('FX_RATE_MISSING');
    expect(e.message).toContain('GBP→USD');
    expect(e.message).toContain('2026-09-10');
    // A rate of the inverse pair serves too (1 / rate); a rate dated after the payment does not.
    await rpc('fx.set', { from: 'USD', to: 'GBP', rate: '0.8', date: '2026-09-11' });
    expect(err(await ws.engine.dispatch('settlement.position', { carrier: PARTNER, period: '2026-09' })).code).toBe('FX_RATE_MISSING');
    await rpc('fx.set', { from: 'USD', to: 'GBP', rate: '0.8', date: '2026-09-10' });
    const p = ok(await ws.engine.dispatch('settlement.position', { carrier: PARTNER, period: '2026-09' }));
    expect(p.entries.find((x) => x.kind === 'payment-in')).toMatchObject({ amount: '125.00', fxRate: '1.25' });
    expect(err(await ws.engine.dispatch('payments.add', { carrier: PARTNER, direction: 'in', amount: '1.005', currency: 'USD', date: '2026-09-10' })).code).toBe('INVALID_ARGUMENTS');
  });
});

describe('issued invoices are frozen', () => {
  it('a re-rate afterwards produces a credit note for the difference; issuing again changes nothing', async () => {
    await setUpOurSide(rpc, await writePartnerFiles(ws.dir));
    const aug = ok(await ws.engine.dispatch('invoices.issue', { customer: PARTNER, period: '2026-08' }));
    // A cheaper UK rate backdated to 1 August, then the sell side re-rated.
    const deck = join(ws.dir, 'uk-cut.csv');
    writeFileSync(deck, 'Code,Destination,Rate,Effective Date,Billing Increment\n44,United Kingdom,0.0100,2026-08-01,60/60\n');
    await rpc('decks.import', { file: deck, carrier: PARTNER, side: 'sell', mode: 'partial', received: '2026-10-20' });
    await rpc('rating.run', { carrier: PARTNER, side: 'sell' });
    const note = ok(await ws.engine.dispatch('invoices.issue', { customer: PARTNER, period: '2026-08' }));
    expect(note.outcome).toBe('credit-note');
    // 31 minutes at 0.0100 instead of 0.0123: −0.0713.
    expect(note.document).toMatchObject({ number: 'TL-2026-000002', kind: 'credit-note', corrects: 'TL-2026-000001', total: '-0.0713', calls: 0 });
    expect(note.document.lines.map((l) => [l.destination, l.rate, l.calls, l.billedMinutes, l.amount])).toEqual([
      ['United Kingdom', '0.0100', 1, '31.0000', '0.31'],
      ['United Kingdom', '0.0123', -1, '-31.0000', '-0.3813'],
    ]);
    expect(note.periodTotal).toBe('3.7278');
    // The invoice itself is as it was issued.
    expect(ok(await ws.engine.dispatch('invoices.issuedGet', { number: 'TL-2026-000001' }))).toEqual(aug.document);
    const again = ok(await ws.engine.dispatch('invoices.issue', { customer: PARTNER, period: '2026-08' }));
    expect(again.outcome).toBe('unchanged');
    expect(ok(await ws.engine.dispatch('invoices.issued', { customer: PARTNER })).map((d) => [d.number, d.kind, d.total])).toEqual([
      ['TL-2026-000001', 'invoice', '3.7991'], ['TL-2026-000002', 'credit-note', '-0.0713'],
    ]);
    // The note is an adjustment of the month it was issued in (October), not a rewrite of August.
    expect(ok(await ws.engine.dispatch('settlement.position', { carrier: PARTNER, period: '2026-08' })).receivable).toBe('3.7991');
    expect(ok(await ws.engine.dispatch('settlement.position', { carrier: PARTNER, period: '2026-10' }))).toMatchObject({ opening: '3.7991', adjustments: '-0.0713', net: '3.7278' });
    // SQLite itself refuses to change or delete what was issued.
    const db = new Database(ws.dbPath);
    try {
      expect(() => db.prepare('UPDATE customer_invoice_lines SET amount_e8 = 0').run()).toThrow(/frozen/);
      expect(() => db.prepare('DELETE FROM customer_invoices').run()).toThrow(/frozen/);
      expect(() => db.prepare('UPDATE customer_invoices SET total_e8 = 0').run()).toThrow(/frozen/);
    } finally {
      db.close();
    }
  });

  it('unrated calls in the period block issuing, listed with their reasons; nothing is issued or numbered', async () => {
    await setUpOurSide(rpc, await writePartnerFiles(ws.dir));
    const calls = join(ws.dir, 'china.csv');
    writeFileSync(calls, 'Call ID,Start Time,Answer Time,A Number,B Number,Duration (sec),Status\nC1,2026-08-05 10:00:00,2026-08-05 10:00:02,12025550100,8613800138000,60,ANSWERED\n');
    await rpc('cdrs.import', { file: calls, carrier: PARTNER, source: 'own', timezone: 'UTC' });
    const e = err(await ws.engine.dispatch('invoices.issue', { customer: PARTNER, period: '2026-08' }));
    expect(e.code).toBe('INVOICE_UNRATED_CALLS');
    expect(e.message).toContain('1 call of Nordlink in 2026-08 is not rated');
    expect(e.details).toMatchObject({ unratedCount: 1, byReason: { 'no rate': 1 }, calls: [{ callId: 'C1', called: '8613800138000', reason: 'no rate' }] });
    expect(ok(await ws.engine.dispatch('invoices.issued', {}))).toEqual([]);
    // Another period invoices fine, and takes the first number: the failed attempt left no gap.
    expect(ok(await ws.engine.dispatch('invoices.issue', { customer: PARTNER, period: '2026-09' })).document.number).toBe('TL-2026-000001');
    expect(err(await ws.engine.dispatch('invoices.issue', { customer: PARTNER, period: '2026-11' })).code).toBe('INVOICE_NOTHING_TO_INVOICE');
  });
});

/**
 * Evaluates the formulas the statement writes, exactly, over the read-back cells: SUM(range),
 * a cell reference, ROUND(ref*rate,d) and a constant. A formula cell inside a range is evaluated too.
 */
function evaluate(ws: ExcelJS.Worksheet, formula: string): Decimal {
  const sum = /^SUM\(([A-Z]+)(\d+):([A-Z]+)(\d+)\)$/.exec(formula);
  if (sum) {
    let t = new Decimal(0);
    for (let r = Number(sum[2]); r <= Number(sum[4]); r++) t = t.plus(cellValue(ws, `${sum[1]!}${r}`));
    return t;
  }
  const round = /^ROUND\(([A-Z]+\d+)\*([\d.]+),(\d+)\)$/.exec(formula);
  if (round) return cellValue(ws, round[1]!).times(round[2]!).toDecimalPlaces(Number(round[3]), Decimal.ROUND_HALF_UP);
  if (/^[A-Z]+\d+$/.test(formula)) return cellValue(ws, formula);
  if (/^-?[\d.]+$/.test(formula)) return new Decimal(formula);
  throw new Error(`the test cannot evaluate ${formula}`);
}

function cellValue(ws: ExcelJS.Worksheet, address: string): Decimal {
  const v = ws.getCell(address).value;
  if (typeof v === 'number') return new Decimal(String(v));
  if (v && typeof v === 'object' && 'formula' in v) return evaluate(ws, String(v.formula));
  return new Decimal(0);
}

describe('the statement workbook', () => {
  it('has every sheet, formats and totals as formulas whose cached values agree with the cells to the cent', async () => {
    const files = await writePartnerFiles(ws.dir);
    const { disputeId } = await playAugust(rpc, clock, files);
    await settleDispute(rpc, clock, disputeId);
    await closeSeptember(rpc, clock, files);
    await fxAndPayments(rpc);

    // August's statement, written while the dispute was open, and September's after it settled.
    const augOut = join(ws.dir, 'nordlink-2026-08.xlsx');
    const a = ok(await ws.engine.dispatch('settlement.statement', { carrier: PARTNER, period: '2026-08', out: augOut }));
    expect({ ...a, file: undefined, sheets: undefined, rows: undefined, evidenceTruncated: undefined }).toEqual({ carrier: PARTNER, period: '2026-08', ...AUGUST, file: undefined, sheets: undefined, rows: undefined, evidenceTruncated: undefined });
    expect(a.rows).toEqual({ sell: 3, buy: 3, disputes: 1, payments: 0, adjustments: 0, evidence: 10 });
    const augBook = new ExcelJS.Workbook();
    await augBook.xlsx.readFile(augOut);
    const augDisputes = augBook.getWorksheet('Disputes')!;
    expect(augDisputes.getRow(2).values).toEqual([undefined, disputeId, 'NL-2026-08', '2026-08', 'settled', '2026-09-02T15:30:00Z', '2026-09-18T14:00:00Z', 'USD', 0.5945, 0.3155, CREDIT_NOTE, 0.5945, 0, 0]);
    expect((augDisputes.getCell('K4').value as ExcelJS.CellFormulaValue).result).toBe(0.5945);

    const out = join(ws.dir, 'nordlink-2026-09.xlsx');
    const r = ok(await ws.engine.dispatch('settlement.statement', { carrier: PARTNER, period: '2026-09', out }));
    const { receivable, payable, withheld, payments, net: netText, direction, currency } = SEPTEMBER;
    expect(r).toMatchObject({ receivable, payable, withheld, payments, net: netText, direction, currency });
    expect(r.sheets).toEqual(['Statement', 'Sell lines', 'Buy lines', 'Disputes', 'Payments', 'Adjustments', 'Calls']);
    expect(r.rows).toEqual({ sell: 2, buy: 2, disputes: 1, payments: 2, adjustments: 1, evidence: 4 });

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(out);
    expect(wb.worksheets.map((s) => s.name)).toEqual(r.sheets);
    const cover = wb.getWorksheet('Statement')!;
    const label = (text: string) => {
      for (let i = 1; i <= cover.rowCount; i++) if (cover.getCell(`A${i}`).value === text) return cover.getCell(`B${i}`);
      throw new Error(`no ${text} on the cover`);
    };
    expect(label('Carrier').value).toBe(PARTNER);
    expect(String(label('Period').value)).toContain('2026-09 (2026-09-01 to 2026-09-30, UTC)');
    expect(label('Settlement currency').value).toBe('USD');
    expect(label('Direction').value).toBe('the carrier pays us');
    expect(label('Due date').value).toBe('2026-10-30');
    expect(label('Opening balance (carried)').value).toBe(0.8461);
    const net = label('Net position').value as ExcelJS.CellFormulaValue;
    expect(net.formula).toBe('B11+B12-B13+B14-B15+B16-B17+B18');
    expect(net.result).toBe(0.1491);
    expect((label('Amount due').value as ExcelJS.CellFormulaValue).result).toBe(0.1491);
    expect(cover.getColumn(1).values).toContain('1 EUR = 1.0834 USD');
    expect(label('Net position').numFmt).toBe('#,##0.00;-#,##0.00');

    // Every formula on every sheet, evaluated here over the cells read back, equals its cached value (to the cent, and here exactly).
    let sums = 0;
    for (const sheet of wb.worksheets) {
      sheet.eachRow((row) => row.eachCell((cell) => {
        const v = cell.value as ExcelJS.CellFormulaValue | null;
        if (!v || typeof v !== 'object' || !('formula' in v) || sheet.name === 'Statement') return;
        // exceljs 4.4's reader drops a cached result of exactly 0 (the file has <v>0</v>): read it as 0.
        const computed = evaluate(sheet, v.formula);
        const cached = new Decimal(String(v.result ?? 0));
        expect(computed.toDecimalPlaces(2).equals(cached.toDecimalPlaces(2)), `${sheet.name}!${cell.address} ${v.formula}`).toBe(true);
        expect(computed.toString(), `${sheet.name}!${cell.address} ${v.formula}`).toBe(cached.toString());
        sums++;
      }));
    }
    expect(sums).toBe(12);
    // The cover's figures point at those totals and carry the same cached values.
    const refs: Record<string, string> = {};
    for (let i = 11; i <= 18; i++) {
      const v = cover.getCell(`B${i}`).value as ExcelJS.CellFormulaValue | number;
      if (typeof v === 'object') {
        const [sheetName, addr] = v.formula.replace(/'/g, '').split('!');
        const target = wb.getWorksheet(sheetName!)!.getCell(addr!).value as ExcelJS.CellFormulaValue;
        expect(target.result ?? 0, `${cover.getCell(`A${i}`).value}`).toBe(v.result ?? 0);
        refs[String(cover.getCell(`A${i}`).value)] = String(v.result ?? 0);
      }
    }
    expect(refs).toEqual({
      'Receivable (our invoice)': '1.762', 'Payable (their invoices)': '1.34', 'Withheld in dispute': '0', 'Released from dispute': '0.5945',
      Adjustments: '0.3155', 'Payments received': '3.79', 'Payments made': '2.95',
    });
    // Net = the cover's own cells, evaluated exactly.
    const b = (i: number) => {
      const v = cover.getCell(`B${i}`).value as ExcelJS.CellFormulaValue | number;
      return new Decimal(String(typeof v === 'number' ? v : (v.result ?? 0)));
    };
    expect(b(11).plus(b(12)).minus(b(13)).plus(b(14)).minus(b(15)).plus(b(16)).minus(b(17)).plus(b(18)).toFixed(4)).toBe(SEPTEMBER.net);

    const sell = wb.getWorksheet('Sell lines')!;
    expect(sell.getRow(1).values).toEqual([undefined, 'Document', 'Destination', 'Prefix', 'Calls', 'Billed minutes', 'Rate', 'Amount', 'Currency', 'Amount (USD)']);
    expect(sell.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sell.autoFilter).toBeTruthy();
    expect(sell.getColumn(2).width).toBe(34);
    expect(sell.pageSetup).toMatchObject({ orientation: 'landscape', fitToPage: true, fitToWidth: 1 });
    expect(sell.getCell('G2').numFmt).toBe('#,##0.00######;-#,##0.00######');
    expect(sell.getCell('F2').numFmt).toBe('0.0000####');
    const pay = wb.getWorksheet('Payments')!;
    expect(pay.getCell('E2').value).toBe('EUR');
    expect(pay.getCell('F2').value).toBe(1.0834);
    expect(pay.getCell('H2').value).toBe(3.79);
    expect(pay.getCell('I3').value).toBe(2.95);
    const buySheet = wb.getWorksheet('Buy lines')!;
    expect([2, 3].map((i) => [buySheet.getCell(`A${i}`).value, buySheet.getCell(`B${i}`).value, buySheet.getCell(`G${i}`).value])).toEqual([
      ['NL-2026-09', 'United Kingdom - Mobile', 0.8], ['NL-2026-09', 'United Kingdom', 0.54],
    ]);
    const disputeRow = wb.getWorksheet('Disputes')!.getRow(2).values;
    expect(disputeRow).toEqual([undefined, disputeId, 'NL-2026-08', '2026-08', 'settled', '2026-09-02T15:30:00Z', '2026-09-18T14:00:00Z', 'USD', 0.5945, 0.3155, CREDIT_NOTE, 0, 0.5945, 0.3155]);
    const adj = wb.getWorksheet('Adjustments')!;
    expect([adj.getCell('B2').value, adj.getCell('C2').value, adj.getCell('H2').value]).toEqual(['dispute-credit', `${CREDIT_NOTE} (dispute #${disputeId} on NL-2026-08)`, 0.3155]);
    expect(wb.getWorksheet('Calls')!.rowCount).toBe(5);
  });
});
