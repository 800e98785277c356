import { rename, rm } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import type { ParsedArgs, SettlementLine, StatementReport } from '../api/contract.ts';
import { TrunklineError } from '../api/errors.ts';
import { requireCarrier } from '../carriers/handlers.ts';
import { REASONS } from '../cdrs/totals.ts';
import type { EngineContext } from '../context.ts';
import type { JobContext } from '../jobs/jobs.ts';
import { formatScaled } from '../money/scaled-decimal.ts';
import { isoInstant } from '../time/parse-date.ts';
import { spreadsheetSafe } from '../util/csv.ts';
import { buildLedger, disputesOf, figures, type Entry } from './ledger.ts';
import { D, money, parseE8 } from './money.ts';
import { settlementLines } from './payments.ts';
import { currencyDecimals, periodRange } from './period.ts';

/** Excel holds 1,048,576 rows a sheet; the evidence stops short of that, and the cover says so. */
export const EVIDENCE_LIMIT = 1_000_000;

const RATE_FMT = '0.0000####';
const DIRECTION_TEXT = { 'they-pay-us': 'the carrier pays us', 'we-pay-them': 'we pay the carrier', even: 'nothing to pay either way' } as const;

/** A number format with the currency's decimals (totals), or at least them and up to 8 (lines). */
function moneyFmt(decimals: number, extra = false): string {
  const base = decimals === 0 ? '#,##0' : `#,##0.${'0'.repeat(decimals)}`;
  const more = extra ? '#'.repeat(8 - decimals) : '';
  const pos = decimals === 0 && more ? `#,##0.${more}` : `${base}${more}`;
  return `${pos};-${pos}`;
}

const num = (text: string): number => Number(text);

function cancelled(): TrunklineError {
  return new TrunklineError('JOB_CANCELLED', 'the statement was cancelled; no file was written');
}

type Ws = ExcelJS.Worksheet;

/**
 * Adds a row whose cells share one style object per column. exceljs's writer caches a style's id
 * by object identity and otherwise renders the style to find it: each cell's own copy of its
 * column style made that the statement's largest cost (profiled), shared objects make it a lookup.
 */
const NO_STYLE: Partial<ExcelJS.Style> = {};
function addShared(ws: Ws, values: unknown[], styles: Partial<ExcelJS.Style>[]): void {
  const row = ws.addRow(values);
  row.eachCell({ includeEmpty: true }, (cell, col) => {
    cell.style = styles[col - 1] ?? NO_STYLE;
  });
  row.commit();
}

function columnStyles(spec: SheetSpec): Partial<ExcelJS.Style>[] {
  return spec.columns.map((c) => (c.numFmt ? { numFmt: c.numFmt } : NO_STYLE));
}

interface SheetSpec {
  name: string;
  columns: { header: string; width: number; numFmt?: string }[];
}

function sheet(wb: ExcelJS.stream.xlsx.WorkbookWriter, spec: SheetSpec, footer: string, landscape = true): Ws {
  const ws = wb.addWorksheet(spec.name, {
    views: [{ state: 'frozen', ySplit: 1 }],
    pageSetup: { paperSize: 9, orientation: landscape ? 'landscape' : 'portrait', fitToPage: true, fitToWidth: 1, fitToHeight: 0, margins: { left: 0.5, right: 0.5, top: 0.6, bottom: 0.6, header: 0.3, footer: 0.3 } },
    headerFooter: { oddFooter: `&L${footer.replace(/&/g, '&&')}&C${spec.name}&RPage &P of &N` },
  });
  ws.columns = spec.columns.map((c, i) => (c.numFmt ? { key: String(i), width: c.width, style: { numFmt: c.numFmt } } : { key: String(i), width: c.width }));
  const header = ws.getRow(1);
  header.values = spec.columns.map((c) => c.header);
  header.font = { bold: true };
  header.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF5' } };
  header.commit();
  return ws;
}

/**
 * The statement workbook of a carrier and period: a cover (parties, period, currency, every figure
 * of the net position, direction and due date) whose figures are formulas over the sheets'
 * totals, and sheets for sell lines (our invoice), buy lines (the carrier's invoices), disputes,
 * payments and adjustments, plus the period's own CDRs as evidence. Totals are SUM formulas with
 * their cached values (exact sums, so what a spreadsheet shows before recalculating is what it
 * computes). Written streaming (exceljs WorkbookWriter), to a temporary file renamed at the end:
 * a failed or cancelled statement leaves nothing behind.
 */
export async function writeStatement(ctx: EngineContext, a: ParsedArgs<'settlement.statement'>, job: JobContext): Promise<StatementReport> {
  if (!/\.xlsx$/i.test(a.out)) throw new TrunklineError('INVALID_ARGUMENTS', `--out "${a.out}": a statement is an .xlsx workbook`);
  const carrier = requireCarrier(ctx, a.carrier);
  const ledger = buildLedger(ctx, carrier);
  const { netE8, ...fig } = figures(ledger, a.period);
  const range = periodRange(a.period, carrier.timezone);
  const cur = carrier.currency;
  const dec = currencyDecimals(cur);
  const totalFmt = moneyFmt(dec);
  const entriesOf = (kinds: string[]): Entry[] => ledger.entries.filter((e) => e.period === a.period && kinds.includes(e.kind));
  const sell = settlementLines(ctx, { carrier: carrier.name, period: a.period, side: 'sell' });
  const buy = settlementLines(ctx, { carrier: carrier.name, period: a.period, side: 'buy' });
  const disputes = disputesOf(ledger, a.period);
  const payments = entriesOf(['payment-in', 'payment-out']);
  const adjustments = entriesOf(['credit-note', 'debit-note', 'dispute-credit']);
  const docEntry = new Map(ledger.entries.filter((e) => e.kind === 'invoice' || e.kind === 'vendor-invoice').map((e) => [`${e.kind}:${e.reference}`, e]));

  // Row layout of the line sheets, known before writing so the cover (written first) can point at the totals.
  const linesLayout = (lines: SettlementLine[], docs: { number: string }[]) => {
    const sorted = [...lines].sort((x, y) => (x.document < y.document ? -1 : x.document > y.document ? 1 : 0));
    const first = 2;
    const last = first + sorted.length - 1;
    const totalsStart = Math.max(last, first) + 2;
    const docRows = docs.map((d, i) => ({ number: d.number, row: totalsStart + i }));
    const grandRow = totalsStart + docs.length;
    return { sorted, first, last, docRows, grandRow };
  };
  const sellL = linesLayout(sell.lines, sell.documents);
  const buyL = linesLayout(buy.lines, buy.documents);
  const dispTotal = disputes.length + 3;
  const payTotal = payments.length + 3;
  const adjTotal = adjustments.length + 3;

  const tmp = `${a.out}.partial-${process.pid}`;
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: tmp, useStyles: true, useSharedStrings: false });
  wb.creator = 'Trunkline';
  wb.created = new Date(ctx.clock());
  const footer = `${carrier.name} — ${a.period}`;
  const sheets: string[] = [];
  let evidenceRows = 0;
  let truncated = false;
  try {
    // ---- Cover ----
    const cover = wb.addWorksheet('Statement', {
      pageSetup: { paperSize: 9, orientation: 'portrait', fitToPage: true, fitToWidth: 1, fitToHeight: 1 },
      headerFooter: { oddFooter: `&L${footer.replace(/&/g, '&&')}&RPage &P of &N` },
    });
    sheets.push('Statement');
    cover.columns = [{ width: 34 }, { width: 22, style: { numFmt: totalFmt } }, { width: 60 }];
    const put = (values: (string | number | null | ExcelJS.CellFormulaValue)[], style?: (r: ExcelJS.Row) => void) => {
      const r = cover.addRow(values);
      style?.(r);
      r.commit();
    };
    const company = ctx.meta.get('company_name') ?? 'Our company';
    put(['Settlement statement'], (r) => { r.font = { bold: true, size: 16 }; });
    put([]);
    put(['From', company]);
    put(['Carrier', carrier.name]);
    put(['Period', `${a.period} (${range.firstDay} to ${range.lastDay}, ${carrier.timezone})`]);
    put(['Settlement currency', cur]);
    put(['Statement as of', isoInstant(ctx.clock())]);
    put(['Payment terms', `${carrier.paymentTermsDays} days after the period`]);
    put([]);
    put(['Figure', `Amount (${cur})`, 'Where it comes from'], (r) => { r.font = { bold: true }; });
    const F = (formula: string, value: string): ExcelJS.CellFormulaValue => ({ formula, result: num(value) });
    const q = (name: string) => `'${name}'`;
    const first = 11;
    put(['Opening balance (carried)', num(fig.opening), 'net of the periods before, positive: the carrier owed us']);
    put(['Receivable (our invoice)', F(`${q('Sell lines')}!I${sellL.grandRow}`, fig.receivable), 'Sell lines total']);
    put(['Payable (their invoices)', F(`${q('Buy lines')}!I${buyL.grandRow}`, fig.payable), 'Buy lines total']);
    put(['Withheld in dispute', F(`Disputes!K${dispTotal}`, fig.withheld), 'claimed in open disputes on this period\'s invoices, not paid']);
    put(['Released from dispute', F(`Disputes!L${dispTotal}`, fig.released), 'withheld before, payable again now its dispute is resolved']);
    put(['Adjustments', F(`Adjustments!H${adjTotal}`, fig.adjustments), 'credit and debit notes, dispute credit notes']);
    put(['Payments received', F(`Payments!H${payTotal}`, fig.paymentsIn), '']);
    put(['Payments made', F(`Payments!I${payTotal}`, fig.paymentsOut), '']);
    const netRow = first + 8;
    put(['Net position', F(`B${first}+B${first + 1}-B${first + 2}+B${first + 3}-B${first + 4}+B${first + 5}-B${first + 6}+B${first + 7}`, fig.net),
      'opening + receivable − payable + withheld − released + adjustments − received + paid'], (r) => { r.font = { bold: true }; });
    put(['Direction', DIRECTION_TEXT[fig.direction]], (r) => { r.font = { bold: true }; });
    put(['Amount due', F(`ABS(B${netRow})`, money(netE8 < 0n ? -netE8 : netE8)), fig.direction === 'even' ? '' : `${fig.direction === 'they-pay-us' ? carrier.name : company} pays`],
      (r) => { r.font = { bold: true }; });
    put(['Due date', fig.dueDate]);
    const fxUsed = [...new Map(ledger.entries.filter((e) => e.period === a.period && e.fxRate).map((e) => [`${e.originalCurrency}@${e.fxDate}`, e])).values()];
    if (fxUsed.length) {
      put([]);
      put(['Exchange rates used'], (r) => { r.font = { bold: true }; });
      for (const e of fxUsed) put([`1 ${e.originalCurrency} = ${e.fxRate} ${cur}`, null, `rate of ${e.fxDate}`]);
    }
    cover.commit();

    // ---- Sell and buy lines ----
    const lineSheet = async (name: string, lines: ReturnType<typeof linesLayout>, docs: typeof sell.documents, kind: 'invoice' | 'vendor-invoice') => {
      const decLines = currencyDecimals(docs[0]?.currency ?? cur);
      const spec: SheetSpec = {
        name,
        columns: [
          { header: 'Document', width: 18 }, { header: 'Destination', width: 34 }, { header: 'Prefix', width: 12 }, { header: 'Calls', width: 10, numFmt: '#,##0' },
          { header: kind === 'invoice' ? 'Billed minutes' : 'Minutes', width: 15, numFmt: '#,##0.0000' }, { header: 'Rate', width: 12, numFmt: RATE_FMT },
          { header: 'Amount', width: 16, numFmt: moneyFmt(decLines, true) }, { header: 'Currency', width: 10 }, { header: `Amount (${cur})`, width: 18, numFmt: totalFmt },
        ],
      };
      const ws = sheet(wb, spec, footer);
      const styles = columnStyles(spec);
      sheets.push(name);
      let i = 0;
      for (const l of lines.sorted) {
        addShared(ws, [l.document, spreadsheetSafe(l.destination), l.prefix ?? '', l.calls, l.minutes === null ? null : num(l.minutes), l.rate === null ? null : num(l.rate), num(l.amount), l.currency], styles);
        if (++i % 20_000 === 0) {
          job.progress(`writing ${name}`, i, lines.sorted.length);
          if (job.signal.aborted) throw cancelled();
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
      }
      const lastLine = Math.max(lines.last, lines.first);
      ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: lastLine, column: 8 } };
      if (lines.sorted.length > 0) {
        for (let r = lastLine + 1; r < lines.docRows[0]!.row; r++) ws.getRow(r).commit();
      }
      for (const d of lines.docRows) {
        const doc = docs.find((x) => x.number === d.number)!;
        const rows = lines.sorted.map((l, k) => ({ l, row: lines.first + k })).filter((x) => x.l.document === d.number);
        const from = rows[0]?.row ?? lines.first;
        const to = rows[rows.length - 1]?.row ?? lines.first;
        const e = docEntry.get(`${kind}:${d.number}`)!;
        const conv = e.fxRate === null ? { formula: `G${d.row}`, result: num(e.amount) } : { formula: `ROUND(G${d.row}*${e.fxRate},${dec})`, result: num(e.amount) };
        const row = ws.getRow(d.row);
        row.values = [`Total ${d.number}`, e.fxRate === null ? '' : `at ${e.fxRate} ${cur} per ${doc.currency} (rate of ${e.fxDate})`, null, null, null, null,
          { formula: `SUM(G${from}:G${to})`, result: num(doc.total) }, doc.currency, conv];
        row.font = { bold: true };
        row.commit();
      }
      const grand = ws.getRow(lines.grandRow);
      const total = kind === 'invoice' ? fig.receivable : fig.payable;
      grand.values = [`Total in ${cur}`, null, null, null, null, null, null, null,
        { formula: lines.docRows.length ? `SUM(I${lines.docRows[0]!.row}:I${lines.docRows[lines.docRows.length - 1]!.row})` : '0', result: num(total) }];
      grand.font = { bold: true };
      grand.commit();
      ws.commit();
    };
    await lineSheet('Sell lines', sellL, sell.documents, 'invoice');
    await lineSheet('Buy lines', buyL, buy.documents, 'vendor-invoice');

    // ---- Disputes ----
    const dws = sheet(wb, {
      name: 'Disputes',
      columns: [
        { header: 'Dispute', width: 9 }, { header: 'Invoice', width: 18 }, { header: 'Invoice period', width: 13 }, { header: 'State', width: 18 },
        { header: 'Submitted', width: 22 }, { header: 'Resolved', width: 22 }, { header: 'Currency', width: 10 },
        { header: 'Claimed', width: 15, numFmt: totalFmt }, { header: 'Agreed', width: 15, numFmt: totalFmt }, { header: 'Credit note', width: 18 },
        { header: `Withheld (${cur})`, width: 16, numFmt: totalFmt }, { header: `Released (${cur})`, width: 16, numFmt: totalFmt }, { header: `Credited (${cur})`, width: 16, numFmt: totalFmt },
      ],
    }, footer);
    sheets.push('Disputes');
    for (const d of disputes) {
      dws.addRow([d.id, d.invoice ?? '', d.period, d.state, d.submittedAt ?? '', d.resolvedAt ?? '', d.currency, num(d.claimed), d.agreed === null ? null : num(d.agreed),
        d.creditNote ? spreadsheetSafe(d.creditNote) : '', num(d.withheld), num(d.released), num(d.credit)]).commit();
    }
    dws.autoFilter = { from: { row: 1, column: 1 }, to: { row: Math.max(1, disputes.length + 1), column: 13 } };
    const dEnd = Math.max(2, disputes.length + 1);
    const dTot = dws.getRow(dispTotal);
    dTot.values = ['Total', null, null, null, null, null, null, null, null, null,
      { formula: `SUM(K2:K${dEnd})`, result: num(fig.withheld) }, { formula: `SUM(L2:L${dEnd})`, result: num(fig.released) },
      { formula: `SUM(M2:M${dEnd})`, result: num(money(disputes.reduce((t, d) => t + parseE8(d.credit), 0n))) }];
    dTot.font = { bold: true };
    dTot.commit();
    dws.commit();

    // ---- Payments and adjustments ----
    const entrySheet = (name: string, list: Entry[], totalRow: number, split: boolean) => {
      const cols: SheetSpec['columns'] = [
        { header: 'Date', width: 12 }, { header: 'Kind', width: 16 }, { header: 'Reference', width: 36 }, { header: 'Amount', width: 16, numFmt: moneyFmt(2, true) },
        { header: 'Currency', width: 10 }, { header: 'FX rate', width: 14, numFmt: '0.0000######' }, { header: 'FX date', width: 12 },
      ];
      if (split) cols.push({ header: `Received (${cur})`, width: 16, numFmt: totalFmt }, { header: `Paid (${cur})`, width: 16, numFmt: totalFmt });
      else cols.push({ header: `Effect on net (${cur})`, width: 18, numFmt: totalFmt });
      const ws = sheet(wb, { name, columns: cols }, footer);
      sheets.push(name);
      for (const e of list) {
        const base = [e.date, e.kind, spreadsheetSafe(e.reference), num(e.originalAmount), e.originalCurrency, e.fxRate === null ? null : num(e.fxRate), e.fxDate ?? ''];
        ws.addRow(split ? [...base, e.kind === 'payment-in' ? num(e.amount) : null, e.kind === 'payment-out' ? num(e.amount) : null] : [...base, num(e.effect)]).commit();
      }
      ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: Math.max(1, list.length + 1), column: cols.length } };
      const end = Math.max(2, list.length + 1);
      const t = ws.getRow(totalRow);
      t.values = split
        ? ['Total', null, null, null, null, null, null, { formula: `SUM(H2:H${end})`, result: num(fig.paymentsIn) }, { formula: `SUM(I2:I${end})`, result: num(fig.paymentsOut) }]
        : ['Total', null, null, null, null, null, null, { formula: `SUM(H2:H${end})`, result: num(fig.adjustments) }];
      t.font = { bold: true };
      t.commit();
      ws.commit();
    };
    entrySheet('Payments', payments, payTotal, true);
    entrySheet('Adjustments', adjustments, adjTotal, false);

    // ---- Evidence: the period's own CDRs behind both directions ----
    if (a.evidence) {
      const ews = sheet(wb, {
        name: 'Calls',
        columns: [
          // Evidence cells are unstyled (General shows every digit): at 100k+ rows a style per cell costs seconds.
          { header: 'Direction', width: 10 }, { header: 'Call id', width: 26 }, { header: 'Start (UTC)', width: 21 }, { header: 'Calling', width: 16 },
          { header: 'Called', width: 18 }, { header: 'Duration (s)', width: 12 }, { header: 'Billed (s)', width: 10 }, { header: 'Prefix', width: 10 },
          { header: 'Destination', width: 30 }, { header: 'Rate', width: 12 }, { header: 'Amount', width: 14 },
          { header: 'Status', width: 10 }, { header: 'Reason', width: 14 },
        ],
      }, footer);
      sheets.push('Calls');
      for (const side of ['sell', 'buy'] as const) {
        if (truncated) break;
        const perLine = carrier.rounding.level === 'per-line';
        const legCol = side === 'sell' ? 'customer_id' : 'vendor_id';
        const stmt = ctx.db.prepare(`SELECT c.call_id, c.start_ms, c.calling, c.called, c.duration_ms, c.${side}_billed_s, r.prefix, r.destination, r.rate_per_min_e8,
            c.${side}_amount_e8, c.${side}_exact_x60, c.${side}_status, c.${side}_reason
          FROM cdrs c LEFT JOIN rates r ON r.id = c.${side}_rate_id
          WHERE c.${legCol} = ? AND c.source = 0 AND c.start_ms >= ? AND c.start_ms < ? ORDER BY c.start_ms, c.id`).raw();
        const label = side === 'sell' ? 'sell' : 'buy';
        for (const r of stmt.iterate(carrier.id, range.fromMs, range.toMs) as Iterable<[string | null, number, string, string, number, number | null, string | null, string | null, number | null, number | null, number | null, number | null, number | null]>) {
          if (evidenceRows >= EVIDENCE_LIMIT) {
            truncated = true;
            break;
          }
          const status = r[11];
          const amount = status !== 0 ? null : perLine ? new D(r[10] ?? 0).dividedBy(6_000_000_000).toDecimalPlaces(10).toNumber() : num(formatScaled(r[9] ?? 0));
          addShared(ews, [label, r[0] ?? '', isoInstant(r[1]), r[2], r[3], r[4] / 1000, r[5] ?? 0, r[6] ?? '', r[7] ? spreadsheetSafe(r[7]) : '', r[8] === null ? null : num(formatScaled(r[8])),
            amount, status === null ? 'not rated' : (['rated', 'free', 'unrated'][status] ?? ''), r[12] === null ? '' : REASONS[r[12]]!], []);
          if (++evidenceRows % 20_000 === 0) {
            job.progress('writing calls', evidenceRows);
            if (job.signal.aborted) throw cancelled();
            await new Promise<void>((resolve) => setImmediate(resolve));
          }
        }
      }
      ews.autoFilter = { from: { row: 1, column: 1 }, to: { row: Math.max(1, evidenceRows + 1), column: 13 } };
      ews.commit();
    }
    await wb.commit();
    await rename(tmp, a.out);
  } catch (e) {
    await rm(tmp, { force: true });
    if (e instanceof TrunklineError) throw e;
    throw new TrunklineError('EXPORT_FAILED', `the statement could not be written to ${a.out}: ${(e as Error).message}`, { file: a.out });
  }
  return {
    ...fig, file: a.out, sheets,
    rows: { sell: sell.lines.length, buy: buy.lines.length, disputes: disputes.length, payments: payments.length, adjustments: adjustments.length, evidence: evidenceRows },
    evidenceTruncated: truncated,
  };
}
