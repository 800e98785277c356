import { columnLetter } from '../api/deck-fields.ts';
import type { InvoiceField } from '../api/recon-types.ts';
import { TrunklineError, problemsError, type Problem } from '../api/errors.ts';
import { HEADER_SEARCH_ROWS } from '../decks/find-header.ts';
import { currencyInHeader } from '../decks/notes-block.ts';
import { cellText, openTable, rowIterator, type Cell, type TableRow, readingTwiceOnReaderRace } from '../excel/read-table.ts';
import type { DateOrder } from '../time/parse-date.ts';
import { normaliseHeader } from '../util/headers.ts';
import { isInvoiceHeader, mapInvoiceColumns } from './invoice-columns.ts';
import { InvoiceHeaderColumns } from './invoice-header-columns.ts';
import { readInvoiceNotes, type InvoiceNotes } from './invoice-notes.ts';
import { parseCount, parseMinutes, parseMoney } from './parse-money.ts';

export interface ReadInvoiceOptions {
  path: string;
  label: string;
  sheet?: string;
  headerRow?: number;
  template?: Record<string, InvoiceField>;
  overrides: Record<string, InvoiceField>;
  dateOrder?: DateOrder;
}

export interface ReadInvoiceLine {
  row: number;
  prefix: string | null;
  destination: string | null;
  calls: number | null;
  minutesE8: number | null;
  rateE8: number | null;
  amountE8: number;
}

export interface ReadInvoiceResult {
  format: 'csv' | 'xlsx';
  sheet: string;
  headerRow: number;
  mapping: { column: string; header: string; field: InvoiceField | null }[];
  templateMapping: Record<string, InvoiceField>;
  notes: InvoiceNotes;
  /** The amount of a "Total" row at the foot of the table, if there is one. */
  totalsRowE8: number | null;
  currency: string | null;
  lines: ReadInvoiceLine[];
  warnings: string[];
}

const TOTAL_ROW = /^\s*(grand total|total due|invoice total|total amount|totals?|amount due|balance due)\b/i;
const SUBTOTAL_ROW = /^\s*sub[- ]?totals?\b/i;
const MAX_PROBLEMS = 500;

function isBlank(cells: Cell[]): boolean {
  return cells.every((c) => c === null || (typeof c === 'string' && c.trim() === ''));
}

/**
 * Reads a carrier invoice (CSV or XLSX) with the deck machinery: the same table reader, the same
 * header-finding within the first rows, the notes block above the table (here: invoice number,
 * period, dates, currency, total), the carrier's saved mapping and `--map` overrides. Every bad
 * cell is a problem naming its row, column and value; any problem fails the whole file.
 */
export function readInvoice(opts: ReadInvoiceOptions): Promise<ReadInvoiceResult> {
  return readingTwiceOnReaderRace(() => readInvoiceOnce(opts));
}

async function readInvoiceOnce(opts: ReadInvoiceOptions): Promise<ReadInvoiceResult> {
  const table = await openTable(opts.path, opts.label);
  const problems: Problem[] = [];
  let problemCount = 0;
  const problem = (p: Omit<Problem, 'file'>): void => {
    problemCount++;
    if (problems.length < MAX_PROBLEMS) problems.push({ file: opts.label, ...p });
  };
  const warnings: string[] = [];
  const seen: string[] = [];
  let result: ReadInvoiceResult | undefined;

  for await (const sheet of table.sheets) {
    seen.push(sheet.name);
    const iterator = rowIterator(sheet.rows);
    const wanted = !result && (opts.sheet === undefined || opts.sheet.toLowerCase() === sheet.name.toLowerCase());
    const rows: TableRow[] = [];
    for (;;) {
      const next = await iterator.next();
      if (next.done) break;
      if (wanted) rows.push(next.value);
    }
    if (!wanted) continue;
    const header = opts.headerRow !== undefined
      ? rows.find((r) => r.row === opts.headerRow)
      : rows.find((r) => r.row <= HEADER_SEARCH_ROWS && isInvoiceHeader(r.cells.map(cellText), opts.template));
    if (!header) {
      if (opts.sheet !== undefined || opts.headerRow !== undefined) {
        throw new TrunklineError('INVOICE_NO_HEADER', `${opts.label}: sheet "${sheet.name}" has no invoice table (a header with a destination or code column, an amount column and one more)${opts.headerRow ? ` at row ${opts.headerRow}` : ''}`, { file: opts.label, sheet: sheet.name });
      }
      warnings.push(`sheet "${sheet.name}" has no invoice table; skipped`);
      continue;
    }
    const headers = header.cells.map((c) => cellText(c).trim());
    const byIndex = mapInvoiceColumns(headers, opts.template, opts.overrides);
    const col = (f: InvoiceField): number => [...byIndex].find(([, x]) => x === f)?.[0] ?? -1;
    const idx = { destination: col('destination'), prefix: col('prefix'), calls: col('calls'), minutes: col('minutes'), rate: col('rate'), amount: col('amount') };
    const mapping = headers.map((h, i) => ({ column: columnLetter(i), header: h, field: byIndex.get(i) ?? null }));
    if (idx.amount < 0 || (idx.destination < 0 && idx.prefix < 0)) {
      throw new TrunklineError('INVOICE_NO_HEADER', `${opts.label}: the invoice needs an amount column and a destination or code column (map them with --map "Header=amount")`, { file: opts.label, sheet: sheet.name, mapping });
    }
    const templateMapping: Record<string, InvoiceField> = {};
    for (const [i, f] of byIndex) if (headers[i]) templateMapping[normaliseHeader(headers[i]!)] = f;
    const where = (i: number) => `${columnLetter(i)} "${headers[i] ?? ''}"`;
    const sheetLabel = table.format === 'xlsx' ? { sheet: sheet.name } : {};
    const headerColumns = new InvoiceHeaderColumns(byIndex, where, sheetLabel, problem);
    const noteLines = rows.filter((r) => r.row < header.row).map((r) => r.cells.map(cellText).filter((t) => t.trim() !== '').join(' '));
    const lines: ReadInvoiceLine[] = [];
    let totalsRowE8: number | null = null;
    let afterTotals = false;
    for (const r of rows) {
      if (r.row <= header.row || isBlank(r.cells)) continue;
      const text = (i: number): string => (i >= 0 ? cellText(r.cells[i] ?? null).trim() : '');
      const firstText = r.cells.map(cellText).find((t) => t.trim() !== '') ?? '';
      const label = text(idx.destination) || text(idx.prefix) || firstText;
      if (afterTotals) {
        noteLines.push(r.cells.map(cellText).filter((t) => t.trim() !== '').join(' '));
        continue;
      }
      if (SUBTOTAL_ROW.test(label)) {
        warnings.push(`row ${r.row}: a subtotal row ("${label}") is not a line; skipped`);
        continue;
      }
      if (TOTAL_ROW.test(label)) {
        const a = r.cells[idx.amount] ?? null;
        const parsed = a === null || cellText(a).trim() === '' ? null : parseMoney(typeof a === 'number' ? a : cellText(a));
        if (parsed && !parsed.ok) problem({ ...sheetLabel, row: r.row, column: where(idx.amount), value: cellText(a), message: `the total is ${parsed.reason}` });
        else if (parsed?.ok) totalsRowE8 = parsed.e8;
        afterTotals = true;
        continue;
      }
      headerColumns.readRow(r);
      const amountCell = r.cells[idx.amount] ?? null;
      const amountText = cellText(amountCell).trim();
      let amountE8 = 0;
      if (amountText === '') problem({ ...sheetLabel, row: r.row, column: where(idx.amount), value: '', message: 'the amount is empty' });
      else {
        const a = parseMoney(typeof amountCell === 'number' ? amountCell : amountText);
        if (!a.ok) problem({ ...sheetLabel, row: r.row, column: where(idx.amount), value: amountText, message: `the amount is ${a.reason}` });
        else amountE8 = a.e8;
      }
      const destination = text(idx.destination) || null;
      let prefix: string | null = text(idx.prefix) || null;
      if (prefix !== null) {
        const digits = prefix.replace(/^\+|^00/, '').replace(/[\s-]/g, '');
        if (!/^\d{1,15}$/.test(digits)) problem({ ...sheetLabel, row: r.row, column: where(idx.prefix), value: prefix, message: 'a code is digits only' });
        prefix = digits;
      }
      if (!destination && !prefix) problem({ ...sheetLabel, row: r.row, column: where(idx.destination >= 0 ? idx.destination : idx.prefix), value: '', message: 'the line names no destination or code' });
      let calls: number | null = null;
      if (text(idx.calls) !== '') {
        const c = r.cells[idx.calls]!;
        const p = parseCount(typeof c === 'number' ? c : text(idx.calls));
        if (!p.ok) problem({ ...sheetLabel, row: r.row, column: where(idx.calls), value: text(idx.calls), message: p.reason });
        else calls = p.n;
      }
      let minutesE8: number | null = null;
      if (text(idx.minutes) !== '') {
        const c = r.cells[idx.minutes]!;
        const p = parseMinutes(typeof c === 'number' ? c : text(idx.minutes));
        if (!p.ok) problem({ ...sheetLabel, row: r.row, column: where(idx.minutes), value: text(idx.minutes), message: `the minutes are ${p.reason}` });
        else minutesE8 = p.e8;
      }
      let rateE8: number | null = null;
      if (text(idx.rate) !== '') {
        const c = r.cells[idx.rate]!;
        const p = parseMoney(typeof c === 'number' ? c : text(idx.rate));
        if (!p.ok || p.e8 < 0) problem({ ...sheetLabel, row: r.row, column: where(idx.rate), value: text(idx.rate), message: `the rate is ${p.ok ? 'negative' : p.reason}` });
        else rateE8 = p.e8;
      }
      lines.push({ row: r.row, prefix, destination, calls, minutesE8, rateE8, amountE8 });
    }
    const notes = readInvoiceNotes(noteLines, opts.dateOrder);
    // Header fields printed in the table's columns, checked against the notes block above it.
    if (notes.ambiguous.length === 0) headerColumns.finish(notes, opts.dateOrder);
    if (problemCount > 0) throw problemsError(opts.label, problems, problemCount, 'INVOICE_PARSE_ERROR');
    if (notes.ambiguous.length > 0) {
      throw problemsError(opts.label, notes.ambiguous.map((v) => ({ file: opts.label, value: v, message: 'this date reads both day-first and month-first; give --date-order DMY or MDY' })), notes.ambiguous.length, 'INVOICE_PARSE_ERROR');
    }
    const amountHeaderCurrency = currencyInHeader(headers[idx.amount] ?? '');
    result = {
      format: table.format, sheet: sheet.name, headerRow: header.row, mapping, templateMapping, notes, totalsRowE8,
      currency: notes.currency ?? amountHeaderCurrency, lines, warnings,
    };
  }
  if (!result) {
    if (opts.sheet !== undefined && !seen.some((s) => s.toLowerCase() === opts.sheet!.toLowerCase())) {
      throw new TrunklineError('DECK_SHEET_NOT_FOUND', `${opts.label}: no sheet "${opts.sheet}" (sheets: ${seen.join(', ')})`, { file: opts.label, sheets: seen });
    }
    throw new TrunklineError('INVOICE_NO_HEADER', `${opts.label}: no invoice table found in the first ${HEADER_SEARCH_ROWS} rows (a header naming a destination or code, an amount, and calls, minutes or rate); give --header-row or --map`, { file: opts.label });
  }
  if (result.lines.length === 0) throw new TrunklineError('INVOICE_PARSE_ERROR', `${opts.label}: the invoice table has no lines; nothing was written`, { file: opts.label, problems: [] });
  return result;
}
