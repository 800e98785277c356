import { cellText, type TableRow } from '../excel/read-table.ts';
import { headerScore, type DeckField } from './columns.ts';

/** How far down a notes block may push the table. */
export const HEADER_SEARCH_ROWS = 60;

/**
 * The header row: the one the user named, else the first row (within the first rows of the sheet)
 * that names a dial-code column and a rate column, by synonym or by the carrier's template.
 */
export function findHeaderRow(rows: readonly TableRow[], headerRow?: number, template?: Record<string, DeckField>): TableRow | undefined {
  if (headerRow !== undefined) return rows.find((r) => r.row === headerRow);
  for (const r of rows) {
    if (r.row > HEADER_SEARCH_ROWS) break;
    // The carrier's saved mapping knows its own header names, synonyms or not.
    const s = headerScore(r.cells.map(cellText), template);
    if (s.hasCode && s.hasRate && s.score >= 2) return r;
  }
  return undefined;
}
