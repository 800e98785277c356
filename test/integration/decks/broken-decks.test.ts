import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ErrorCode, Problem } from '../../../core/api/errors.ts';
import { BROKEN, count, err, ok, openWorkspace, type Workspace } from '../../helpers/workspace.ts';

interface BrokenCase {
  name: string;
  file: string;
  sheet?: string;
  code: ErrorCode;
  /** For row-level problems: the first one, as fixtures/decks-broken/README.md names it. */
  first?: { row: number; column: string; value: string | RegExp };
  problemCount?: number;
  /** Further problems after the first, by row. */
  alsoRows?: number[];
  details?: Record<string, unknown>;
  message?: RegExp;
}

/** fixtures/decks-broken/README.md, one row per file. */
const CASES: BrokenCase[] = [
  { name: 'bad-date: 2026-02-30 does not exist', file: 'bad-date.csv', code: 'DECK_PARSE_ERROR', first: { row: 5, column: 'Effective Date', value: '2026-02-30' }, problemCount: 1, message: /day 30 does not exist in 2026-02/ },
  {
    name: 'ambiguous-date: DD/MM or MM/DD cannot be told', file: 'ambiguous-date.csv', code: 'DECK_PARSE_ERROR',
    first: { row: 2, column: 'Effective Date', value: '03/04/2026' }, problemCount: 6, alsoRows: [3, 4, 5, 6, 7], message: /ambiguous/,
  },
  { name: 'text-rate: "call us"', file: 'text-rate.csv', code: 'DECK_PARSE_ERROR', first: { row: 6, column: 'Rate', value: 'call us' }, problemCount: 1, message: /not a number/ },
  { name: 'negative-rate', file: 'negative-rate.csv', code: 'DECK_PARSE_ERROR', first: { row: 4, column: 'Rate', value: '-0.0150' }, problemCount: 1, message: /negative/ },
  {
    name: 'duplicate-prefix: 4915 twice on 2026-11-01 at different rates', file: 'duplicate-prefix.csv', code: 'DECK_PARSE_ERROR',
    first: { row: 8, column: 'Prefix', value: '4915' }, problemCount: 1, message: /row 3/,
  },
  { name: 'empty: 0 bytes', file: 'empty.csv', code: 'DECK_EMPTY', details: { file: 'empty.csv' } },
  { name: 'header-only: a header and no rows', file: 'header-only.csv', code: 'DECK_EMPTY', details: { file: 'header-only.csv' } },
  { name: 'no-header: data rows only', file: 'no-header.csv', code: 'DECK_NO_HEADER', details: { file: 'no-header.csv' } },
  {
    name: 'wrong-sheet: --sheet Rates does not exist', file: 'wrong-sheet.xlsx', sheet: 'Rates', code: 'DECK_SHEET_NOT_FOUND',
    details: { file: 'wrong-sheet.xlsx', sheet: 'Rates', sheets: ['Tariff 2026-11', 'Code changes'] },
  },
  { name: 'truncated.xlsx: no central directory', file: 'truncated.xlsx', code: 'FILE_UNREADABLE', details: { file: 'truncated.xlsx' }, message: /damaged or truncated/ },
  { name: 'binary-garbage: not text, not XLSX', file: 'binary-garbage.bin', code: 'FILE_UNREADABLE', details: { file: 'binary-garbage.bin' }, message: /not a text \(CSV\) or XLSX/ },
  { name: 'too-many-decimals: 9 decimals', file: 'too-many-decimals.csv', code: 'DECK_PARSE_ERROR', first: { row: 4, column: 'Rate', value: '0.012345678' }, problemCount: 1, message: /8 decimals/ },
  { name: 'bad-range: 4479-4470 runs backwards', file: 'bad-range.csv', code: 'DECK_PARSE_ERROR', first: { row: 3, column: 'Codes', value: '4479-4470' }, problemCount: 1, message: /backwards/ },
  {
    name: 'bad-increment: 60/0, then abc', file: 'bad-increment.csv', code: 'DECK_PARSE_ERROR',
    first: { row: 4, column: 'Billing Increment', value: '60/0' }, problemCount: 2, alsoRows: [7], message: /at least 1 second/,
  },
  { name: 'legacy.xls: OLE compound file', file: 'legacy.xls', code: 'FILE_UNREADABLE', details: { file: 'legacy.xls' }, message: /legacy Excel 97-2003/ },
  {
    name: 'unterminated-quote: the rest of the file is one field', file: 'unterminated-quote.csv', code: 'DECK_PARSE_ERROR',
    first: { row: 5, column: 'Destination', value: /^"?Korea, Republic of,0\.0195,/ }, message: /unterminated/i,
  },
  { name: 'empty-rate: Morocco - Mobile', file: 'empty-rate.csv', code: 'DECK_PARSE_ERROR', first: { row: 5, column: 'Rate', value: '' }, problemCount: 1, message: /rate is empty/ },
  { name: 'bad-code: letter O for a zero', file: 'bad-code.csv', code: 'DECK_PARSE_ERROR', first: { row: 3, column: 'Prefix', value: '442O7' }, problemCount: 1, message: /not a dial code/ },
];

describe('broken decks are refused with the exact error, and nothing is written', () => {
  let ws: Workspace;
  beforeEach(async () => {
    ws = openWorkspace();
    ok(await ws.engine.dispatch('carriers.create', { name: 'Broken Co' }));
  });
  afterEach(() => ws.cleanup());

  it.each(CASES)('$name', async (c) => {
    const e = err(await ws.engine.dispatch('decks.import', {
      file: join(BROKEN, c.file), carrier: 'Broken Co', side: 'buy', ...(c.sheet ? { sheet: c.sheet } : {}),
    }));
    expect(e.code).toBe(c.code);
    if (c.message) expect(e.message).toMatch(c.message);
    if (c.details) expect(e.details).toMatchObject(c.details);
    if (c.first) {
      const problems = e.details?.problems as Problem[] | undefined;
      expect(problems, 'details.problems').toBeDefined();
      const p = problems![0]!;
      expect(p.file).toBe(c.file);
      expect(p.row).toBe(c.first.row);
      expect(p.column).toBe(c.first.column);
      if (typeof c.first.value === 'string') expect(p.value).toBe(c.first.value);
      else expect(p.value).toMatch(c.first.value);
      // The message names the file, the row and the column of the first problem.
      expect(e.message).toContain(c.file);
      expect(e.message).toContain(`row ${c.first.row}`);
      expect(e.message).toContain(`column "${c.first.column}"`);
      if (c.problemCount !== undefined) expect(e.details?.problemCount).toBe(c.problemCount);
      if (c.alsoRows) expect(problems!.slice(1).map((q) => q.row)).toEqual(c.alsoRows);
    }
    expect(ok(await ws.engine.dispatch('decks.list', {}))).toEqual([]);
    expect(count(ws.dbPath, 'rates')).toBe(0);
    expect(count(ws.dbPath, 'deck_imports')).toBe(0);
    expect(count(ws.dbPath, 'deck_templates')).toBe(0);
  });

  it.each([
    { name: 'DMY: 3 and 5 April 2026', dateOrder: 'DMY' as const, uk: '2026-04-03T00:00:00Z', deMobile: '2026-04-05T00:00:00Z' },
    { name: 'MDY: 4 March and 4 May 2026', dateOrder: 'MDY' as const, uk: '2026-03-04T00:00:00Z', deMobile: '2026-05-04T00:00:00Z' },
  ])('ambiguous-date.csv is resolved by a date order: $name', async ({ dateOrder, uk, deMobile }) => {
    const r = ok(await ws.engine.dispatch('decks.import', { file: join(BROKEN, 'ambiguous-date.csv'), carrier: 'Broken Co', side: 'buy', dateOrder }));
    expect(r.prefixes).toBe(6);
    const a = ok(await ws.engine.dispatch('rates.lookup', { carrier: 'Broken Co', side: 'buy', number: '442071234567', at: '2026-06-01' }));
    expect(a.effectiveFrom).toBe(uk);
    const b = ok(await ws.engine.dispatch('rates.lookup', { carrier: 'Broken Co', side: 'buy', number: '4915112345678', at: '2026-06-01' }));
    expect(b).toMatchObject({ prefix: '4915', effectiveFrom: deMobile });
  });

  it('a missing file is FILE_NOT_FOUND and writes nothing', async () => {
    const e = err(await ws.engine.dispatch('decks.import', { file: join(ws.dir, 'nope.csv'), carrier: 'Broken Co', side: 'buy' }));
    expect(e.code).toBe('FILE_NOT_FOUND');
    expect(count(ws.dbPath, 'deck_imports')).toBe(0);
  });
});
