import { columnLetter } from '../../core/api/deck-fields.ts';
import type { Args, DeckInspectReport, MappingEntry } from '../../core/api/contract.ts';
import type { DeckField } from '../../core/api/deck-fields.ts';

/** What the person chose in step 1. */
export interface WizardSource {
  file: { path: string; name: string } | null;
  carrier: string;
  side: 'buy' | 'sell';
  mode: 'full' | 'partial';
  received: string;
  effective: string;
}

/** What they corrected in steps 2 and 3; empty strings mean "as the engine guessed". */
export interface WizardLayout {
  /** '' = every sheet with a rate table (the engine's default for a workbook). */
  sheet: string;
  headerRow: string;
  firstRow: string;
  lastRow: string;
  /** Column letter → field ('' = not used). */
  map: Record<string, DeckField | ''>;
  dateOrder: '' | 'DMY' | 'MDY';
}

export const ALL_SHEETS = '';

/** Column letters of the sheet: from the mapping when there is a header, else from the widest row shown. */
export function columnsOf(report: DeckInspectReport): MappingEntry[] {
  if (report.mapping.length > 0) return report.mapping;
  const width = Math.max(0, ...report.head.map((r) => r.cells.length), ...report.tail.map((r) => r.cells.length));
  return Array.from({ length: width }, (_, i) => ({ column: letter(i), header: '', field: null }));
}

/** The spreadsheet letter of a column, as the engine names it. */
export const letter = columnLetter;

export function layoutFrom(report: DeckInspectReport, sheet: string): WizardLayout {
  const map: WizardLayout['map'] = {};
  for (const m of columnsOf(report)) map[m.column] = (m.field ?? '') as DeckField | '';
  return {
    sheet,
    headerRow: report.headerRow === null ? '' : String(report.headerRow),
    firstRow: report.firstRow === null ? '' : String(report.firstRow),
    lastRow: report.lastRow === null ? '' : String(report.lastRow),
    map,
    dateOrder: '',
  };
}

const rowNumber = (s: string): number | undefined => {
  const t = s.trim();
  return t === '' ? undefined : Number(t);
};

/**
 * The import's arguments. Only what the person changed from the engine's guess is sent, so the
 * engine keeps its per-sheet guesses for the rest (a workbook's sheets need not share a layout).
 */
export function importArgs(
  src: WizardSource,
  layout: WizardLayout,
  /** The engine's own guess (no header row given) and the inspection the mapping was shown from. */
  guess: { baseline: DeckInspectReport; current: DeckInspectReport },
  dryRun: boolean,
  jobId: string,
): Args<'decks.import'> {
  if (!src.file) throw new Error('no file chosen');
  const args: Args<'decks.import'> = {
    file: src.file.path,
    fileName: src.file.name,
    carrier: src.carrier,
    side: src.side,
    mode: src.mode,
    dryRun,
    jobId,
  };
  if (src.received) args.received = src.received;
  if (src.effective) args.effective = src.effective;
  if (layout.sheet !== ALL_SHEETS) args.sheet = layout.sheet;
  const guessed = layoutFrom(guess.baseline, layout.sheet);
  const guessedMap = layoutFrom(guess.current, layout.sheet).map;
  const pick = (k: 'headerRow' | 'firstRow' | 'lastRow') => {
    const v = rowNumber(layout[k]);
    if (v !== undefined && (layout.sheet !== ALL_SHEETS || layout[k] !== guessed[k])) args[k] = v;
  };
  pick('headerRow');
  pick('firstRow');
  pick('lastRow');
  const map: Record<string, DeckField> = {};
  for (const [column, field] of Object.entries(layout.map)) {
    if (field === (guessedMap[column] ?? '')) continue;
    map[column] = field === '' ? 'ignore' : field;
  }
  if (Object.keys(map).length > 0) args.map = map;
  if (layout.dateOrder) args.dateOrder = layout.dateOrder;
  return args;
}

export function inspectArgs(src: WizardSource, sheet: string, headerRow: string): Args<'decks.inspect'> {
  if (!src.file) throw new Error('no file chosen');
  const args: Args<'decks.inspect'> = { file: src.file.path, fileName: src.file.name, carrier: src.carrier, side: src.side };
  if (sheet !== ALL_SHEETS) args.sheet = sheet;
  const h = rowNumber(headerRow);
  if (h !== undefined) args.headerRow = h;
  return args;
}
