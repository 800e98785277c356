import type { DeckSheetReport, MappingEntry } from '../api/contract.ts';
import type { ResolvedRow } from './plan-import.ts';
import { duplicateHeader, duplicateHeaderMessage, explicitColumns } from '../util/headers.ts';
import { TrunklineError, problemsError, type Problem } from '../api/errors.ts';
import { cellText, openTable, rowIterator, type Cell, type TableRow, readingTwiceOnReaderRace } from '../excel/read-table.ts';
import { parseScaledDecimal, spreadsheetNumberToDecimalString } from '../money/scaled-decimal.ts';
import { parseDateCell, type DateOrder, type DateParse, type WallTime } from '../time/parse-date.ts';
import { columnLetter, mapColumns, normaliseHeader, type DeckField } from './columns.ts';
import { findHeaderRow, HEADER_SEARCH_ROWS } from './find-header.ts';
import { currencyInHeader, readNotes, type DeckNotes } from './notes-block.ts';
import { expandCodes } from './parse-codes.ts';
import { parseChangeWord, parseIncrement, parseSeconds, type Increment } from './parse-terms.ts';

/**
 * One prefix of one deck row, parsed. Its dates stay wall-clock readings (fromRef, toRef) until the
 * whole file is seen and the day/month order is known; the importer then fills `from` and `to`.
 */
export interface DeckRow extends ResolvedRow {
  fromRef: DateCellRef | null;
  toRef: DateCellRef | null;
  sheet: string;
  row: number;
}

/** A date cell's reading, kept with where it came from so an ambiguity can name it. */
export interface DateCellRef {
  parse: DateParse;
  text: string;
  column: string;
  /** The instant, once the importer has resolved it (undefined: not yet; null: it cannot be). */
  ms?: number | null;
}

export interface ReadDeckOptions {
  path: string;
  label: string;
  sheet?: string;
  headerRow?: number;
  firstRow?: number;
  lastRow?: number;
  template?: Record<string, DeckField>;
  overrides: Record<string, DeckField>;
  dateOrder?: DateOrder;
  defaultIncrement?: Increment;
  signal?: AbortSignal;
  onRows?: (rowsRead: number) => void;
}

export interface ReadDeckResult {
  format: 'csv' | 'xlsx';
  sheets: DeckSheetReport[];
  mapping: MappingEntry[];
  /** Normalised header → field, as the template to save. */
  templateMapping: Record<string, DeckField>;
  rows: DeckRow[];
  rowsRead: number;
  notes: DeckNotes;
  currency: string | null;
  /** A zone named by a header ("Effective Date (UTC)"), which applies to that column's dates. */
  columnZone: string | null;
  /** The header of the dial-code column, per sheet, to name it in problems found later. */
  codeColumns: Map<string, string>;
  problems: Problem[];
  problemCount: number;
  warnings: string[];
}

const MAX_PROBLEMS = 500;
const DEFAULT_INCREMENT: Increment = { first: 60, next: 60 };

function rowText(cells: Cell[]): string[] {
  return cells.map(cellText);
}

function isBlank(cells: Cell[]): boolean {
  return cells.every((c) => c === null || (typeof c === 'string' && c.trim() === ''));
}

function codeCellText(c: Cell): string {
  if (typeof c === 'number') return Number.isInteger(c) ? String(c) : spreadsheetNumberToDecimalString(c);
  return cellText(c);
}

function decimalCellText(c: Cell): string {
  return typeof c === 'number' ? spreadsheetNumberToDecimalString(c) : cellText(c);
}

export function readDeck(opts: ReadDeckOptions): Promise<ReadDeckResult> {
  return readingTwiceOnReaderRace(() => readDeckOnce(opts));
}

async function readDeckOnce(opts: ReadDeckOptions): Promise<ReadDeckResult> {
  const table = await openTable(opts.path, opts.label);
  const problems: Problem[] = [];
  let problemCount = 0;
  const warnings: string[] = [];
  const warnOnce = new Set<string>();
  const warn = (key: string, text: string): void => {
    if (warnOnce.has(key)) return;
    warnOnce.add(key);
    warnings.push(text);
  };
  const problem = (p: Omit<Problem, 'file'>): void => {
    problemCount++;
    if (problems.length < MAX_PROBLEMS) problems.push({ file: opts.label, ...p });
  };

  const rows: DeckRow[] = [];
  const codeColumns = new Map<string, string>();
  const dateCache = new Map<string, DateCellRef>();
  const sheets: DeckSheetReport[] = [];
  let mapping: MappingEntry[] = [];
  let templateMapping: Record<string, DeckField> = {};
  let notes: DeckNotes = { effective: null, effectiveText: null, currency: null, zone: null };
  let currency: string | null = null;
  let columnZone: string | null = null;
  let rowsRead = 0;
  const seenSheets: string[] = [];
  const skippedSheets: string[] = [];

  for await (const sheet of table.sheets) {
    seenSheets.push(sheet.name);
    const wanted = opts.sheet === undefined || opts.sheet.toLowerCase() === sheet.name.toLowerCase();
    const iterator = rowIterator(sheet.rows);
    if (!wanted) {
      while (!(await iterator.next()).done) { /* drain: a streamed workbook reads sheets in order */ }
      continue;
    }
    // The notes block and the header are within the first rows; buffer them, then stream the rest.
    const buffered: TableRow[] = [];
    const searchTo = Math.max(HEADER_SEARCH_ROWS, opts.headerRow ?? 0);
    // A reader's error among these rows waits until the header can name its column.
    let deferred: unknown;
    for (;;) {
      let next: IteratorResult<TableRow>;
      try {
        next = await iterator.next();
      } catch (e) {
        deferred = e;
        break;
      }
      if (next.done) break;
      buffered.push(next.value);
      if (next.value.row >= searchTo) break;
    }
    const header = findHeaderRow(buffered, opts.headerRow, opts.template);
    if (deferred) throw nameColumns(deferred, header ? rowText(header.cells).map((h) => h.trim()) : []);
    if (!header) {
      while (!(await iterator.next()).done) { /* drain */ }
      skippedSheets.push(sheet.name);
      continue;
    }
    const notesLines = buffered.filter((r) => r.row < header.row).map((r) => rowText(r.cells).filter((t) => t.trim() !== '').join(' '));
    const sheetNotes = readNotes(notesLines);
    if (!notes.effective && sheetNotes.effective) notes = { ...sheetNotes };
    if (!notes.currency && sheetNotes.currency) notes.currency = sheetNotes.currency;
    if (!notes.zone && sheetNotes.zone) notes.zone = sheetNotes.zone;

    const headers = rowText(header.cells).map((h) => h.trim());
    const map = mapColumns(headers, opts.template, opts.overrides);
    const dup = duplicateHeader(headers, map.byIndex, explicitColumns(headers, undefined, opts.overrides));
    if (dup) {
      throw new TrunklineError('DECK_MAPPING_INCOMPLETE', `${opts.label}${table.format === 'xlsx' ? `, sheet "${sheet.name}"` : ''}, row ${header.row}: ${duplicateHeaderMessage(dup)}`,
        { file: opts.label, sheet: sheet.name, row: header.row, headers });
    }
    const col = new Map<DeckField, number>();
    for (const [i, f] of map.byIndex) if (f !== 'ignore') col.set(f, i);
    if (!(col.has('code') || col.has('country_code')) || !(col.has('rate') || col.has('rate_peak'))) {
      throw new TrunklineError(
        'DECK_MAPPING_INCOMPLETE',
        `${opts.label}${table.format === 'xlsx' ? `, sheet "${sheet.name}"` : ''}, row ${header.row}: the header has no ${col.has('code') || col.has('country_code') ? 'rate' : 'dial code'} column (columns: ${headers.filter(Boolean).join(', ')}); map one with --map "COLUMN=${col.has('code') || col.has('country_code') ? 'rate' : 'code'}"`,
        { file: opts.label, sheet: sheet.name, row: header.row, headers },
      );
    }
    if (sheets.length === 0) {
      mapping = headers.map((h, i) => ({ column: columnLetter(i), header: h, field: map.byIndex.get(i) ?? null }));
      templateMapping = {};
      for (const [i, f] of map.byIndex) if (headers[i]) templateMapping[normaliseHeader(headers[i]!)] = f;
    }
    const codeCol = col.get('code') ?? col.get('area_codes') ?? col.get('country_code')!;
    codeColumns.set(sheet.name, headers[codeCol] || columnLetter(codeCol));
    const rateCol = col.get('rate') ?? col.get('rate_peak')!;
    if (!col.has('rate') && col.has('rate_peak')) warn('peak', 'the deck has peak and off-peak rates; the peak rate is used for every call');
    else if (col.has('rate_offpeak')) warn('offpeak', 'the deck has an off-peak rate column; it is not used (the rate column is)');
    const headerCurrency = currencyInHeader(headers[rateCol] ?? '');
    if (headerCurrency && !currency) currency = headerCurrency;
    const fromCol = col.get('effective_from');
    if (fromCol !== undefined) {
      const z = /\b(UTC|GMT)\b/i.exec(headers[fromCol] ?? '');
      if (z) columnZone = 'UTC';
    }
    const incrementCol = col.get('increment');
    if (incrementCol === undefined && !(col.has('first_increment') && col.has('next_increment')) && !col.has('first_increment')) {
      const inc = opts.defaultIncrement ?? DEFAULT_INCREMENT;
      warn('increment', `the deck has no billing increment column; ${inc.first}/${inc.next} is used for every row${opts.defaultIncrement ? ' (--default-increment)' : ' (set another with --default-increment)'}`);
    }

    const firstRow = opts.firstRow ?? header.row + 1;
    const lastRow = opts.lastRow ?? Number.MAX_SAFE_INTEGER;
    const sheetLabel = table.format === 'xlsx' ? sheet.name : undefined;
    let sheetRows = 0;
    let lastDataRow = header.row;
    let fillCountry = '';
    let fillCountryCode = '';
    let fillDestination = '';

    // Helpers over the row being read, made once per sheet rather than once per row.
    let r: TableRow = header;
    const cell = (f: DeckField): Cell => {
      const i = col.get(f);
      return i === undefined ? null : (r.cells[i] ?? null);
    };
    const text = (f: DeckField): string => cellText(cell(f)).trim();
    const at = (f: DeckField, value: string, message: string): void => {
      const i = col.get(f);
      problem({ sheet: sheetLabel, row: r.row, column: i === undefined ? f : headers[i] || columnLetter(i), value, message });
    };
    const seconds = (f: DeckField, what: string): number => {
      const t = text(f);
      if (t === '') return 0;
      const v = parseSeconds(t, what);
      if (typeof v !== 'number') {
        at(f, t, v.error);
        return 0;
      }
      return v;
    };
    const dateRef = (f: DeckField): DateCellRef | null => {
      const c = cell(f);
      if (c === null || (typeof c === 'string' && c.trim() === '')) return null;
      const i = col.get(f)!;
      // A deck repeats a handful of dates thousands of times: each distinct cell is parsed once.
      const key = `${i}\u0000${c instanceof Date ? `d${c.getTime()}` : typeof c === 'number' ? `n${c}` : c.trim()}`;
      let ref = dateCache.get(key);
      if (!ref) {
        ref = { parse: parseDateCell(typeof c === 'string' ? c.trim() : c, opts.dateOrder), text: cellText(c).trim(), column: headers[i] || columnLetter(i) };
        dateCache.set(key, ref);
      }
      if (ref.parse.kind === 'error') {
        at(f, ref.text, `the date is not valid: ${ref.parse.reason}`);
        return null;
      }
      return ref;
    };

    const handle = (row: TableRow): void => {
      if (row.row < firstRow || row.row > lastRow || isBlank(row.cells)) return;
      r = row;
      sheetRows++;
      const problemsBefore = problemCount;

      // A merged or filled-down country cell is written once for the rows below it.
      let country = text('country');
      if (country) fillCountry = country;
      else country = fillCountry;
      let countryCode = col.has('country_code') ? codeCellText(cell('country_code')).trim() : '';
      if (col.has('country_code')) {
        if (countryCode) fillCountryCode = countryCode;
        else countryCode = fillCountryCode;
      }
      const codeRaw = col.has('code') ? codeCellText(cell('code')).trim() : col.has('area_codes') ? codeCellText(cell('area_codes')).trim() : '';
      const rateRaw = decimalCellText(r.cells[rateCol] ?? null).trim();
      const changeText = text('change');
      const deckClass = changeText ? parseChangeWord(changeText) : null;
      const kind: DeckRow['kind'] = deckClass === 'closed' ? 'closed' : deckClass === 'blocked' ? 'blocked' : 'rate';

      const codes = col.has('code')
        ? expandCodes(codeRaw, col.has('country_code') ? countryCode : undefined)
        : expandCodes(codeRaw, countryCode);
      if (!codes.ok) {
        if (rateRaw === '' && kind === 'rate') {
          // A section heading ("EUROPE") or a footer line, not a rate row.
          const shown = rowText(r.cells).filter((t) => t.trim() !== '').join(' ').slice(0, 60);
          warn(`note-${sheet.name}-${r.row}`, `${sheetLabel ? `sheet "${sheetLabel}", ` : ''}row ${r.row} was skipped as a note, not a rate row: "${shown}"`);
          sheetRows--;
          return;
        }
        at(col.has('code') ? 'code' : 'area_codes', codeRaw, codes.reason);
        return;
      }
      for (const n of codes.notes) warn(`code-${n}`, `row ${r.row}: ${n}`);
      lastDataRow = r.row;

      let rateE8: number | null = null;
      if (rateRaw === '') {
        if (kind === 'rate') at(col.has('rate') ? 'rate' : 'rate_peak', '', 'the rate is empty');
      } else {
        const p = parseScaledDecimal(rateRaw);
        if (!p.ok) at(col.has('rate') ? 'rate' : 'rate_peak', rateRaw, `the rate is ${p.reason === 'not a number' ? 'not a number' : p.reason}`);
        else if (p.scaled < 0) at(col.has('rate') ? 'rate' : 'rate_peak', rateRaw, 'the rate is negative');
        else rateE8 = p.scaled;
      }
      if (kind === 'closed') rateE8 = null;

      let inc: Increment = opts.defaultIncrement ?? DEFAULT_INCREMENT;
      if (incrementCol !== undefined && text('increment') !== '') {
        const p = parseIncrement(text('increment'));
        if ('error' in p) at('increment', text('increment'), p.error);
        else inc = p;
      } else if (col.has('first_increment') || col.has('next_increment')) {
        const firstText = text('first_increment');
        const nextText = text('next_increment');
        if (firstText.includes('/') && nextText === '') {
          const p = parseIncrement(firstText);
          if ('error' in p) at('first_increment', firstText, p.error);
          else inc = p;
        } else if (nextText.includes('/') && firstText === '') {
          const p = parseIncrement(nextText);
          if ('error' in p) at('next_increment', nextText, p.error);
          else inc = p;
        } else {
          const a = firstText === '' ? inc.first : parseSeconds(firstText, 'first increment');
          const b = nextText === '' ? (typeof a === 'number' ? a : inc.next) : parseSeconds(nextText, 'next increment');
          if (typeof a !== 'number') at('first_increment', firstText, a.error);
          else if (typeof b !== 'number') at('next_increment', nextText, b.error);
          else if (a < 1 || b < 1) at(a < 1 ? 'first_increment' : 'next_increment', a < 1 ? firstText : nextText, 'a billing increment is at least 1 second');
          else inc = { first: a, next: b };
        }
      }
      const min = seconds('min_duration', 'minimum duration');
      const grace = seconds('grace', 'grace period');
      let feeE8 = 0;
      const feeText = decimalCellText(cell('connection_fee')).trim();
      if (feeText !== '') {
        const p = parseScaledDecimal(feeText);
        if (!p.ok) at('connection_fee', feeText, `the connection fee is ${p.reason}`);
        else if (p.scaled < 0) at('connection_fee', feeText, 'the connection fee is negative');
        else feeE8 = p.scaled;
      }
      const rowCurrency = text('currency').toUpperCase();
      if (rowCurrency) {
        if (!currency) currency = rowCurrency;
        else if (rowCurrency !== currency) at('currency', rowCurrency, `the deck mixes currencies (${currency} above)`);
      }
      const from = dateRef('effective_from');
      const to = dateRef('effective_to');

      let destination = text('destination');
      if (!destination && col.has('destination') && fillDestination && !codeRaw) destination = fillDestination;
      if (destination) fillDestination = destination;
      if (country && destination && !destination.toLowerCase().startsWith(country.toLowerCase())) destination = `${country} - ${destination}`;
      else if (country && !destination) destination = country;

      // A row with a problem is reported, not half-imported: the import fails whole anyway.
      if (problemCount > problemsBefore) return;
      for (const prefix of codes.prefixes) {
        rows.push({
          // `from` starts as a double (NaN), as the instant it becomes: a small-integer start would make V8 migrate every row object.
          prefix, destination, kind, rateE8, from: Number.NaN, to: null, fromRef: from, toRef: to,
          first: inc.first, next: inc.next, min, grace, feeE8,
          deckSays: changeText || null, deckClass, changeClass: null, noticeUntil: null, noticeViolation: false,
          sheet: sheet.name, row: r.row,
        });
      }
    };

    for (const r of buffered) if (r.row > header.row) handle(r);
    try {
      for (;;) {
        const next = await iterator.next();
        if (next.done) break;
        handle(next.value);
        if (next.value.row % 5000 === 0) {
          opts.onRows?.(rowsRead + sheetRows);
          if (opts.signal?.aborted) throw new TrunklineError('JOB_CANCELLED', 'the import was cancelled; nothing was written');
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
      }
    } catch (e) {
      throw nameColumns(e, headers);
    }
    rowsRead += sheetRows;
    sheets.push({ name: sheet.name, headerRow: header.row, firstRow, lastRow: Math.min(lastRow, lastDataRow), rowsRead: sheetRows });
  }

  if (opts.sheet !== undefined && !seenSheets.some((s) => s.toLowerCase() === opts.sheet!.toLowerCase())) {
    throw new TrunklineError('DECK_SHEET_NOT_FOUND', `${opts.label}: there is no sheet "${opts.sheet}" (sheets: ${seenSheets.join(', ')})`, {
      file: opts.label, sheet: opts.sheet, sheets: seenSheets,
    });
  }
  if (sheets.length === 0) {
    if (seenSheets.length === 0) throw new TrunklineError('DECK_EMPTY', `${opts.label}: the file has no sheets`, { file: opts.label });
    throw new TrunklineError(
      'DECK_NO_HEADER',
      `${opts.label}: no header row with a dial code column and a rate column in the first ${HEADER_SEARCH_ROWS} rows${seenSheets.length > 1 ? ` of any sheet (${seenSheets.join(', ')})` : ''}; name it with --header-row N`,
      { file: opts.label, sheets: seenSheets },
    );
  }
  for (const s of skippedSheets) warnings.push(`sheet "${s}" has no rate table and was skipped`);
  if (rows.length === 0 && problemCount === 0) {
    throw new TrunklineError('DECK_EMPTY', `${opts.label}: the table has a header but no rate rows`, { file: opts.label });
  }
  return {
    format: table.format, sheets, mapping, templateMapping, rows, rowsRead, notes,
    currency: currency ?? notes.currency, columnZone, codeColumns, problems, problemCount, warnings,
  };
}

/** A reader's problem names columns by letter; once the header is known, by its text. */
function nameColumns(e: unknown, headers: string[]): unknown {
  if (!(e instanceof TrunklineError) || e.code !== 'DECK_PARSE_ERROR') return e;
  const problems = (e.details?.problems as Problem[] | undefined) ?? [];
  for (const p of problems) {
    const i = headers.findIndex((_, k) => columnLetter(k) === p.column);
    if (i >= 0 && headers[i]) p.column = headers[i];
  }
  return problemsError(String(e.details?.file ?? ''), problems, Number(e.details?.problemCount ?? problems.length));
}

export type { WallTime };
