import { rename, rm } from 'node:fs/promises';
import { extname } from 'node:path';
import type { LcrExportReport, LcrMatrixPage, LcrPage, ParsedArgs } from '../api/contract.ts';
import { TrunklineError } from '../api/errors.ts';
import type { EngineContext } from '../context.ts';
import type { JobContext } from '../jobs/jobs.ts';
import { isoInstant } from '../time/parse-date.ts';
import { longSheet, matrixSheet, routingSheet, writeCsv, writeXlsx, type Sheet } from './export-lcr.ts';
import { filterRows, sortRows, summaryOf, toRow } from './lcr-rows.ts';
import { loadLcr } from './load-lcr.ts';
import { filterMatrix, matrixOf, matrixRow } from './matrix.ts';

/** A page of the LCR grid: the table is built once (and cached), then filtered, sorted and cut. */
export function lcrTable(ctx: EngineContext, a: ParsedArgs<'lcr.table'>): LcrPage {
  const built = loadLcr(ctx, a);
  const view = { depth: a.depth, noLoss: a.noLoss };
  let rows = filterRows(built.table, { flag: a.flag, prefix: a.prefix, destination: a.destination });
  const sort = a.sort[0];
  if (sort && !(sort.colId === 'prefix' && sort.sort === 'asc')) rows = sortRows(built, rows, sort.colId, sort.sort, view);
  const page: number[] = [];
  for (let i = a.startRow; i < Math.min(a.endRow, rows.length); i++) page.push(rows[i]!);
  return { ...summaryOf(built), rows: page.map((p) => toRow(built, p, view)), lastRow: rows.length };
}

export function lcrMatrix(ctx: EngineContext, a: ParsedArgs<'lcr.matrix'>): LcrMatrixPage {
  const built = loadLcr(ctx, { at: a.at, vendors: a.vendors, typicalDuration: 180, rankBy: 'rate' });
  const t = built.table;
  const m = matrixOf(t, a.by);
  const groups = filterMatrix(t, m, a.filter);
  return {
    at: isoInstant(t.atMs), currency: built.currency, by: a.by, vendors: t.vendors.map((v) => v.name),
    rows: groups.slice(a.startRow, a.endRow).map((i) => matrixRow(t, m, i)), lastRow: groups.length,
  };
}

/** Writes the LCR table (long, matrix or routing) to CSV or XLSX beside the target, then renames it into place. */
export async function lcrExport(ctx: EngineContext, a: ParsedArgs<'lcr.export'>, job: JobContext): Promise<LcrExportReport> {
  const ext = extname(a.out).toLowerCase();
  const fileFormat = ext === '.xlsx' ? 'xlsx' : ext === '.csv' ? 'csv' : undefined;
  if (!fileFormat) throw new TrunklineError('INVALID_ARGUMENTS', `--out "${a.out}": the file must end in .csv or .xlsx`);
  job.progress('building the LCR table', 0);
  const built = loadLcr(ctx, a);
  const t = built.table;
  const view = { depth: a.depth, noLoss: a.noLoss };
  const prefixes = filterRows(t, { flag: a.flag });
  let sheet: Sheet;
  if (a.format === 'long') sheet = longSheet(t, prefixes, view);
  else if (a.format === 'routing') sheet = routingSheet(t, prefixes, view);
  else {
    const m = matrixOf(t, a.matrixBy);
    // A flag narrows the matrix to the groups holding a flagged prefix.
    const keep = a.flag ? new Set(prefixes) : null;
    const groups = m.groups.map((_, i) => i).filter((i) => !keep || m.groups[i]!.members.some((p) => keep.has(p)));
    sheet = matrixSheet(t, a.matrixBy, groups);
  }
  const tmp = `${a.out}.partial-${process.pid}`;
  try {
    const rows = fileFormat === 'csv' ? await writeCsv(tmp, sheet, job) : await writeXlsx(tmp, sheet, job);
    await rename(tmp, a.out);
    return { ...summaryOf(built), file: a.out, format: a.format, fileFormat, rows };
  } catch (e) {
    await rm(tmp, { force: true });
    if (e instanceof TrunklineError) throw e;
    throw new TrunklineError('EXPORT_FAILED', `cannot write ${a.out}: ${(e as Error).message}`, { file: a.out });
  }
}
