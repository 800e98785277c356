import { createWriteStream } from 'node:fs';
import ExcelJS from 'exceljs';
import { LCR_EXPORT_COLUMNS } from '../api/contract.ts';
import { TrunklineError } from '../api/errors.ts';
import type { JobContext } from '../jobs/jobs.ts';
import { formatScaled } from '../money/scaled-decimal.ts';
import { csvField, spreadsheetSafe } from '../util/csv.ts';
import type { LcrTable } from './build-lcr.ts';
import { routesOf, type RouteView } from './lcr-rows.ts';
import { groupRates, matrixOf, type Matrix } from './matrix.ts';

export type LcrCell = string | number | null;

/** A table to write: its header and its rows, streamed (a row is an array of cells; strings are text, numbers are numbers). */
export interface Sheet {
  name: string;
  header: string[];
  /** Columns written as numbers with a rate format in XLSX. */
  rateColumns: ReadonlySet<number>;
  rows: () => Generator<LcrCell[]>;
  /**
   * The same rows as CSV text, in chunks of about a megabyte with their row counts: what `rows`
   * gives, written as `writeCsv` writes it, without a cell array per row (a long table has ~1M rows).
   */
  csvChunks?: () => Generator<{ text: string; rows: number }>;
}

function cancelled(): TrunklineError {
  return new TrunklineError('JOB_CANCELLED', 'the export was cancelled; no file was written');
}

/** Formats each deck row's rate and cost once: a 1M-row export repeats them often. */
class RateText {
  private readonly rate: (string | undefined)[][];
  private readonly cost: (string | undefined)[][];
  constructor(private readonly t: LcrTable) {
    this.rate = t.vendors.map(() => []);
    this.cost = t.vendors.map(() => []);
  }

  rateOf(v: number, row: number): string {
    return (this.rate[v]![row] ??= formatScaled(this.t.vendors[v]!.rows.rateE8[row]!));
  }

  costOf(v: number, row: number): string {
    return (this.cost[v]![row] ??= formatScaled(this.t.vendors[v]!.costE8[row]!));
  }
}

/** Long format: one row per prefix and route, best first; a prefix no vendor routes gets one row without a vendor. */
export function longSheet(t: LcrTable, prefixes: Int32Array, view: RouteView): Sheet {
  return {
    name: 'LCR',
    header: [...LCR_EXPORT_COLUMNS],
    rateColumns: new Set([4, 7, 8, 9]),
    *rows() {
      const V = t.vendors.length;
      const text = new RateText(t);
      const chosen = new Int8Array(V);
      for (const p of prefixes) {
        const sr = t.sellRow[p]!;
        const sell = t.sell && sr >= 0 ? t.sell.rows.rateE8[sr]! : null;
        const sellText = sell === null ? null : formatScaled(sell);
        const n = routesOf(t, p, view, chosen);
        if (n === 0) yield [t.prefixes[p]!, t.destinations[p]!, null, null, null, null, null, null, sellText, null];
        for (let k = 0; k < n; k++) {
          const v = chosen[k]!;
          const deck = t.vendors[v]!;
          const row = t.cell[p * V + v]!;
          yield [
            t.prefixes[p]!, t.destinations[p]!, k + 1, deck.name, text.rateOf(v, row), deck.rows.first[row]!, deck.rows.next[row]!,
            text.costOf(v, row), sellText, sell === null ? null : formatScaled(sell - deck.rows.rateE8[row]!),
          ];
        }
      }
    },
    *csvChunks() {
      // Byte for byte what writeCsv makes of rows(): text cells through csvField, numbers and rates as they are.
      const V = t.vendors.length;
      const chosen = new Int8Array(V);
      const names = t.vendors.map((d) => csvField(d.name));
      let text = '';
      let rows = 0;
      for (const p of prefixes) {
        const sr = t.sellRow[p]!;
        const sell = t.sell && sr >= 0 ? t.sell.rows.rateE8[sr]! : null;
        const sellText = sell === null ? '' : formatScaled(sell);
        const lead = `${csvField(t.prefixes[p]!)},${csvField(t.destinations[p]!)},`;
        const n = routesOf(t, p, view, chosen);
        if (n === 0) {
          text += `${lead},,,,,,${sellText},\n`;
          rows++;
        }
        for (let k = 0; k < n; k++) {
          const v = chosen[k]!;
          const deck = t.vendors[v]!;
          const row = t.cell[p * V + v]!;
          const r = deck.rows;
          // Nothing kept across rows: short-lived strings are what the young generation collects cheaply.
          const route = `${names[v]!},${formatScaled(r.rateE8[row]!)},${r.first[row]!},${r.next[row]!},${formatScaled(deck.costE8[row]!)}`;
          text += sell === null ? `${lead}${k + 1},${route},,\n` : `${lead}${k + 1},${route},${sellText},${formatScaled(sell - r.rateE8[row]!)}\n`;
          rows++;
        }
        if (text.length > 1 << 16) {
          yield { text, rows };
          text = '';
          rows = 0;
        }
      }
      if (rows > 0) yield { text, rows };
    },
  };
}

/** The switch-ready routing table: a prefix, then its vendors in order. */
export function routingSheet(t: LcrTable, prefixes: Int32Array, view: RouteView): Sheet {
  const depth = Math.min(view.depth ?? t.vendors.length, t.vendors.length);
  return {
    name: 'Routing',
    header: ['prefix', ...Array.from({ length: depth }, (_, k) => `route_${k + 1}`)],
    rateColumns: new Set(),
    *rows() {
      const chosen = new Int8Array(t.vendors.length);
      for (const p of prefixes) {
        const n = routesOf(t, p, view, chosen);
        const cells: LcrCell[] = [t.prefixes[p]!];
        for (let k = 0; k < n; k++) cells.push(t.vendors[chosen[k]!]!.name);
        yield cells;
      }
    },
  };
}

/** The comparison matrix: per destination (or prefix) each vendor's rate, the cheapest and the spread. */
export function matrixSheet(t: LcrTable, by: 'destination' | 'prefix', groups?: number[]): Sheet {
  const m: Matrix = matrixOf(t, by);
  const names = t.vendors.map((v) => v.name);
  const lead = by === 'destination' ? ['destination', 'prefixes'] : ['prefix', 'destination'];
  const first = lead.length;
  return {
    name: 'Matrix',
    header: [...lead, ...names, 'cheapest', 'spread', 'spread_percent'],
    rateColumns: new Set([...names.map((_, v) => first + v), first + names.length + 1]),
    *rows() {
      for (const i of groups ?? m.groups.map((_, k) => k)) {
        const g = m.groups[i]!;
        const rates = groupRates(t, g);
        let lo = Infinity;
        let hi = -1;
        for (const r of rates) if (r) [lo, hi] = [Math.min(lo, r.max), Math.max(hi, r.max)];
        const cheapest = names.filter((_, v) => rates[v] && rates[v]!.max === lo).join(' | ');
        const spread = hi >= 0 ? hi - lo : null;
        const pct = spread !== null && lo > 0 ? percentText(spread, lo) : null;
        yield [
          ...(by === 'destination' ? [g.destination, g.members.length] : [g.prefix!, g.destination]),
          ...rates.map((r) => (r ? formatScaled(r.max) : null)),
          cheapest || null, spread === null ? null : formatScaled(spread), pct,
        ];
      }
    },
  };
}

function percentText(spread: number, lo: number): string {
  const hundredths = (BigInt(spread) * 20000n + BigInt(lo)) / (2n * BigInt(lo));
  const s = hundredths.toString().padStart(3, '0');
  return `${s.slice(0, -2)}.${s.slice(-2)}`;
}

function csvCell(c: LcrCell): string {
  if (c === null) return '';
  if (typeof c === 'number') return String(c);
  return csvField(c);
}

export async function writeCsv(path: string, sheet: Sheet, job: JobContext): Promise<number> {
  const out = createWriteStream(path, { encoding: 'utf8' });
  const done = new Promise<void>((resolve, reject) => {
    out.on('finish', resolve);
    out.on('error', reject);
  });
  let buffer = sheet.header.map(csvField).join(',') + '\n';
  let count = 0;
  // A rate cell is an exact decimal the engine wrote: it needs no escaping.
  const plain = sheet.rateColumns;
  try {
    if (sheet.csvChunks) {
      for (const chunk of sheet.csvChunks()) {
        count += chunk.rows;
        if (!out.write(buffer + chunk.text)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
        buffer = '';
        job.progress('writing', count);
        if (job.signal.aborted) throw cancelled();
      }
    } else for (const row of sheet.rows()) {
      let line = '';
      for (let i = 0; i < row.length; i++) {
        const c = row[i]!;
        if (i > 0) line += ',';
        line += c === null ? '' : plain.has(i) || typeof c === 'number' ? String(c) : csvCell(c);
      }
      buffer += line + '\n';
      count++;
      if (buffer.length > 1 << 20) {
        if (!out.write(buffer)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
        buffer = '';
        job.progress('writing', count);
        if (job.signal.aborted) throw cancelled();
      }
    }
    out.end(buffer);
    await done;
  } catch (e) {
    out.destroy();
    throw e;
  }
  return count;
}

const RATE_FORMAT = '0.0000####';

export async function writeXlsx(path: string, sheet: Sheet, job: JobContext): Promise<number> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useStyles: true, useSharedStrings: false });
  const ws = wb.addWorksheet(sheet.name, { views: [{ state: 'frozen', ySplit: 1, xSplit: 1 }] });
  ws.columns = sheet.header.map((h, i) => ({
    header: spreadsheetSafe(h),
    key: `c${i}`,
    width: h === 'destination' ? 32 : sheet.rateColumns.has(i) ? 13 : Math.max(10, Math.min(28, h.length + 2)),
    style: sheet.rateColumns.has(i) ? { numFmt: RATE_FORMAT } : {},
  }));
  ws.getRow(1).font = { bold: true };
  let count = 0;
  for (const row of sheet.rows()) {
    // Prefixes stay text (long codes would show as 4.47E+11); rates are numbers for the accountant.
    ws.addRow(row.map((c, i) => (c === null ? null : sheet.rateColumns.has(i) && typeof c === 'string' ? Number(c) : typeof c === 'string' ? spreadsheetSafe(c) : c))).commit();
    count++;
    if (count % 20000 === 0) {
      job.progress('writing', count);
      if (job.signal.aborted) throw cancelled();
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: sheet.header.length } };
  ws.commit();
  await wb.commit();
  return count;
}
