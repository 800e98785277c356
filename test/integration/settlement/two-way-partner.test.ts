import Database from 'better-sqlite3';
import ExcelJS from 'exceljs';
import { Decimal } from 'decimal.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SettlementFigures } from '../../../core/api/contract.ts';
import { err, ok, openWorkspace, type Workspace } from '../../helpers/workspace.ts';
import { PARTNER, fxAndPayments, setUpPartner, settleDispute, vendorSide, writePartnerFiles, type Rpc } from '../../helpers/settlement-scenario.ts';

let ws: Workspace;
let rpc: Rpc;

beforeEach(() => {
  ws = openWorkspace('trunkline-settle-');
  rpc = async (method, args) => ok(await ws.engine.dispatch(method as never, args));
});
afterEach(() => ws.cleanup());

const figures = (p: SettlementFigures) => ({
  opening: p.opening, receivable: p.receivable, payable: p.payable, withheld: p.withheld, released: p.released, adjustments: p.adjustments,
  paymentsIn: p.paymentsIn, paymentsOut: p.paymentsOut, payments: p.payments, net: p.net, direction: p.direction, dueDate: p.dueDate, currency: p.currency,
});

describe('a two-way partner over two periods', () => {
  it('invoices both ways, withholds a dispute in August and settles it in September, carries the balance, converts a EUR payment', async () => {
    await setUpPartner(rpc, writePartnerFiles(ws.dir));

    // Our invoices: one per period, numbered in sequence, lines per destination and rate.
    const aug = ok(await ws.engine.dispatch('invoices.issue', { customer: PARTNER, period: '2026-08' }));
    expect(aug.outcome).toBe('issued');
    expect(aug.document).toMatchObject({ number: 'TL-2026-000001', kind: 'invoice', currency: 'USD', total: '3.7991', calls: 4, issuedOn: '2026-10-28', dueOn: '2026-11-27' });
    expect(aug.document.lines.map((l) => [l.destination, l.prefix, l.calls, l.billedMinutes, l.rate, l.amount])).toEqual([
      ['France', '33', 1, '10.0000', '0.0187', '0.187'],
      ['United Kingdom', '44', 1, '31.0000', '0.0123', '0.3813'],
      ['United Kingdom - Mobile', '447', 2, '63.1000', '0.0512', '3.2308'],
    ]);
    const sep = ok(await ws.engine.dispatch('invoices.issue', { customer: PARTNER, period: '2026-09' }));
    expect(sep.document).toMatchObject({ number: 'TL-2026-000002', total: '1.762', calls: 2 });

    const { disputeId } = vendorSide(ws.dbPath);
    await fxAndPayments(rpc);

    // August, with the dispute still open: its claim is withheld from what we pay.
    const p1 = ok(await ws.engine.dispatch('settlement.position', { carrier: PARTNER, period: '2026-08' }));
    expect(figures(p1)).toEqual({
      opening: '0.00', receivable: '3.7991', payable: '2.64', withheld: '0.40', released: '0.00', adjustments: '0.00',
      paymentsIn: '0.00', paymentsOut: '0.00', payments: '0.00', net: '1.5591', direction: 'they-pay-us', dueDate: '2026-09-30', currency: 'USD',
    });
    expect(p1.disputes).toEqual([expect.objectContaining({ id: disputeId, invoice: 'NL-2026-08', state: 'submitted', withheld: '0.40', released: '0.00' })]);
    const openSep = ok(await ws.engine.dispatch('settlement.position', { carrier: PARTNER, period: '2026-09' }));
    expect(openSep).toMatchObject({ opening: '1.5591', released: '0.00', adjustments: '0.00', net: '-0.5289', direction: 'we-pay-them' });

    // The dispute settles in September: the claim is released to payable and the credit note applied.
    settleDispute(ws.dbPath, disputeId);
    const p1After = ok(await ws.engine.dispatch('settlement.position', { carrier: PARTNER, period: '2026-08' }));
    expect(p1After.net).toBe('1.5591');
    const p2 = ok(await ws.engine.dispatch('settlement.position', { carrier: PARTNER, period: '2026-09' }));
    expect(figures(p2)).toEqual({
      opening: '1.5591', receivable: '1.762', payable: '1.10', withheld: '0.00', released: '0.40', adjustments: '0.25',
      paymentsIn: '3.25', paymentsOut: '0.50', payments: '2.75', net: '-0.6789', direction: 'we-pay-them', dueDate: '2026-10-30', currency: 'USD',
    });
    // The EUR payment shows the rate used: the latest on or before its date.
    const eur = p2.entries.find((e) => e.kind === 'payment-in')!;
    expect(eur).toMatchObject({ originalAmount: '3.00', originalCurrency: 'EUR', fxRate: '1.0834', fxDate: '2026-09-01', amount: '3.25', effect: '-3.25' });
    expect(p2.entries.find((e) => e.kind === 'dispute-credit')).toMatchObject({ reference: `CN-NL-0918 (dispute #${disputeId} on NL-2026-08)`, amount: '0.25', date: '2026-09-18' });
    expect(p2.disputes).toEqual([expect.objectContaining({ id: disputeId, state: 'settled', agreed: '0.25', creditNote: 'CN-NL-0918', withheld: '0.00', released: '0.40', credit: '0.25' })]);

    // The grid of every carrier for the period, and the drill-down to lines.
    expect(ok(await ws.engine.dispatch('settlement.positions', { period: '2026-09' })).map((p) => [p.carrier, p.net])).toEqual([[PARTNER, '-0.6789']]);
    const buy = ok(await ws.engine.dispatch('settlement.lines', { carrier: PARTNER, period: '2026-09', side: 'buy' }));
    expect(buy.lines).toEqual([expect.objectContaining({ document: 'NL-2026-09', destination: '(invoice total, not itemised)', amount: '1.10' })]);

    // Ageing on 5 December.
    const dec = ok(await ws.engine.dispatch('settlement.ageing', { asOf: '2026-12-05' }));
    // What we owe now is their overpayment of 10 Sep (3.25 received against 2.0711 + 0.512 − 0.50 owed): 86 days old.
    expect(dec.rows).toEqual([{ carrier: PARTNER, currency: 'USD', balance: '-0.6789', direction: 'we-pay-them', buckets: { '0-30': '0.00', '31-60': '0.00', '61-90': '-0.6789', '90+': '0.00' }, oldestPeriod: '2026-09' }]);
    expect(dec.totals).toEqual([{ currency: 'USD', receivable: '0.00', payable: '0.6789', buckets: { '0-30': '0.00', '31-60': '0.00', '61-90': '-0.6789', '90+': '0.00' } }]);
  });

  it('a missing FX rate is a clear error naming the pair and the date', async () => {
    await setUpPartner(rpc, writePartnerFiles(ws.dir));
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
    await setUpPartner(rpc, writePartnerFiles(ws.dir));
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
    await setUpPartner(rpc, writePartnerFiles(ws.dir));
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
    await setUpPartner(rpc, writePartnerFiles(ws.dir));
    await rpc('invoices.issue', { customer: PARTNER, period: '2026-08' });
    await rpc('invoices.issue', { customer: PARTNER, period: '2026-09' });
    const { disputeId } = vendorSide(ws.dbPath);
    await fxAndPayments(rpc);
    settleDispute(ws.dbPath, disputeId);
    const out = join(ws.dir, 'nordlink-2026-09.xlsx');
    const r = ok(await ws.engine.dispatch('settlement.statement', { carrier: PARTNER, period: '2026-09', out }));
    expect(r).toMatchObject({ receivable: '1.762', payable: '1.10', withheld: '0.00', payments: '2.75', net: '-0.6789', direction: 'we-pay-them', currency: 'USD' });
    expect(r.sheets).toEqual(['Statement', 'Sell lines', 'Buy lines', 'Disputes', 'Payments', 'Adjustments', 'Calls']);
    expect(r.rows).toEqual({ sell: 2, buy: 1, disputes: 1, payments: 2, adjustments: 1, evidence: 4 });

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
    expect(label('Direction').value).toBe('we pay the carrier');
    expect(label('Due date').value).toBe('2026-10-30');
    const net = label('Net position').value as ExcelJS.CellFormulaValue;
    expect(net.formula).toBe('B11+B12-B13+B14-B15+B16-B17+B18');
    expect(net.result).toBe(-0.6789);
    expect((label('Amount due').value as ExcelJS.CellFormulaValue).result).toBe(0.6789);
    expect(label('Net position').numFmt).toBe('#,##0.00;-#,##0.00');

    // Every SUM on every sheet, evaluated here over the cells read back, equals its cached value to the cent.
    let sums = 0;
    for (const sheet of wb.worksheets) {
      sheet.eachRow((row) => row.eachCell((cell) => {
        const v = cell.value as ExcelJS.CellFormulaValue | null;
        if (!v || typeof v !== 'object' || !('formula' in v) || sheet.name === 'Statement') return;
        // exceljs 4.4's reader drops a cached result of exactly 0 (the file has <v>0</v>): read it as 0.
        expect(evaluate(sheet, v.formula).toDecimalPlaces(2).equals(new Decimal(String(v.result ?? 0)).toDecimalPlaces(2)), `${sheet.name}!${cell.address} ${v.formula}`).toBe(true);
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
      'Receivable (our invoice)': '1.762', 'Payable (their invoices)': '1.1', 'Withheld in dispute': '0', 'Released from dispute': '0.4',
      Adjustments: '0.25', 'Payments received': '3.25', 'Payments made': '0.5',
    });
    // Net = the cover's own cells, evaluated exactly.
    const b = (i: number) => {
      const v = cover.getCell(`B${i}`).value as ExcelJS.CellFormulaValue | number;
      return new Decimal(String(typeof v === 'number' ? v : (v.result ?? 0)));
    };
    expect(b(11).plus(b(12)).minus(b(13)).plus(b(14)).minus(b(15)).plus(b(16)).minus(b(17)).plus(b(18)).toFixed(4)).toBe('-0.6789');

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
    expect(pay.getCell('H2').value).toBe(3.25);
    expect(wb.getWorksheet('Calls')!.rowCount).toBe(5);
  });
});
