import { basename } from 'node:path';
import type { DeckInspectReport, ParsedArgs } from '../api/contract.ts';
import { TrunklineError } from '../api/errors.ts';
import type { EngineContext } from '../context.ts';
import { cellText, openTable, type TableRow, readingTwiceOnReaderRace } from '../excel/read-table.ts';
import { isoInstant, wallToInstant } from '../time/parse-date.ts';
import { columnLetter, mapColumns } from './columns.ts';
import { findHeaderRow, HEADER_SEARCH_ROWS } from './find-header.ts';
import { readNotes } from './notes-block.ts';
import { expandCodes } from './parse-codes.ts';

const HEAD_ROWS = 30;
const TAIL_ROWS = 8;

function isBlankRow(r: TableRow): boolean {
  return r.cells.every((c) => cellText(c).trim() === '');
}

/**
 * What an import wizard shows before anything is read for real: the sheets, where the table seems
 * to start and end, the first and last rows, and the column mapping that would be used.
 */
export function inspectDeck(ctx: EngineContext, args: ParsedArgs<'decks.inspect'>): Promise<DeckInspectReport> {
  return readingTwiceOnReaderRace(() => inspectDeckOnce(ctx, args));
}

async function inspectDeckOnce(ctx: EngineContext, args: ParsedArgs<'decks.inspect'>): Promise<DeckInspectReport> {
  const file = args.fileName ?? basename(args.file);
  const table = await openTable(args.file, file);
  const carrier = args.carrier ? ctx.carriers.byName(args.carrier) : undefined;
  const template = carrier && args.side ? ctx.decks.template(carrier.id, args.side) : undefined;
  const sheets: DeckInspectReport['sheets'] = [];
  type SheetView = { name: string; head: TableRow[]; tail: TableRow[]; header: TableRow | undefined; lastData: number };
  let chosen: SheetView | undefined;
  let firstSheet: SheetView | undefined;

  for await (const sheet of table.sheets) {
    const head: TableRow[] = [];
    const tail: TableRow[] = [];
    const headLimit = Math.max(HEAD_ROWS, HEADER_SEARCH_ROWS, args.headerRow ?? 0);
    let count = 0;
    let header: TableRow | undefined;
    let codeColumn = -1;
    let lastData = 0;
    // The table ends at its last row with a dial code; notes and footers below it are not data.
    const consider = (r: TableRow): void => {
      if (!header || r.row <= header.row || codeColumn < 0) return;
      const code = r.cells[codeColumn];
      if (code !== undefined && code !== null && expandCodes(cellText(code)).ok) lastData = r.row;
    };
    const detect = (): void => {
      header = findHeaderRow(head, args.headerRow, template?.mapping);
      if (!header) return;
      const mapped = mapColumns(header.cells.map((c) => cellText(c).trim()), template?.mapping, {});
      for (const [i, f] of mapped.byIndex) if (f === 'code' || (f === 'country_code' && codeColumn < 0)) codeColumn = i;
      head.forEach(consider);
    };
    for await (const r of sheet.rows) {
      count = r.row;
      if (head.length < headLimit) {
        head.push(r);
        if (head.length === headLimit) detect();
      } else consider(r);
      if (!isBlankRow(r)) {
        tail.push(r);
        if (tail.length > TAIL_ROWS) tail.shift();
      }
    }
    if (head.length < headLimit) detect();
    sheets.push({ name: sheet.name, rows: count, hasHeader: header !== undefined });
    const wanted = args.sheet ? args.sheet.toLowerCase() === sheet.name.toLowerCase() : !chosen && header !== undefined;
    if (wanted) chosen = { name: sheet.name, head, tail, header, lastData };
    firstSheet ??= { name: sheet.name, head, tail, header, lastData };
  }
  if (sheets.length === 0) throw new TrunklineError('DECK_EMPTY', `${file}: the file has no sheets`, { file });
  if (!chosen) {
    if (args.sheet) {
      throw new TrunklineError('DECK_SHEET_NOT_FOUND', `${file}: there is no sheet "${args.sheet}" (sheets: ${sheets.map((s) => s.name).join(', ')})`, {
        file, sheet: args.sheet, sheets: sheets.map((s) => s.name),
      });
    }
    chosen = firstSheet!;
  }
  const header = chosen.header;
  const headers = header ? header.cells.map((c) => cellText(c).trim()) : [];
  const map = mapColumns(headers, template?.mapping, {});
  const notes = readNotes(chosen.head.filter((r) => !header || r.row < header.row).map((r) => r.cells.map(cellText).filter(Boolean).join(' ')));
  const zone = notes.zone ?? carrier?.timezone ?? 'UTC';
  const text = (r: TableRow) => ({ row: r.row, cells: r.cells.map(cellText) });
  return {
    file,
    format: table.format,
    ...(table.encoding ? { encoding: table.encoding } : {}),
    ...(table.delimiter ? { delimiter: table.delimiter } : {}),
    sheets,
    sheet: chosen.name,
    headerRow: header?.row ?? null,
    firstRow: header ? header.row + 1 : null,
    lastRow: header ? chosen.lastData : null,
    head: chosen.head.slice(0, HEAD_ROWS).map(text),
    tail: chosen.tail.map(text),
    mapping: headers.map((h, i) => ({ column: columnLetter(i), header: h, field: map.byIndex.get(i) ?? null })),
    notes: {
      effective: notes.effective ? isoInstant(wallToInstant(notes.effective, zone)) : null,
      currency: notes.currency,
      zone: notes.zone,
    },
  };
}
