import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { extname } from 'node:path';
import { Decimal } from 'decimal.js';
import ExcelJS from 'exceljs';
import { CDR_EXPORT_COLUMNS, type CdrSource, type CdrSummary, type CdrSummaryLine, type ParsedArgs, type Side, type UnratedReason } from '../api/contract.ts';
import { TrunklineError } from '../api/errors.ts';
import { requireCarrier } from '../carriers/handlers.ts';
import type { EngineContext } from '../context.ts';
import { SOURCE_CODE } from '../db/cdrs-repo.ts';
import type { JobContext } from '../jobs/jobs.ts';
import { decimalText, formatScaled } from '../money/scaled-decimal.ts';
import { formatAmountE8, lineAmountE8 } from '../rating/amount.ts';
import { periodArgs } from '../rating/rerate.ts';
import { isoInstant } from '../time/parse-date.ts';
import { csvField, spreadsheetSafe } from '../util/csv.ts';
import { DAY_MS, firstDayOfMonth, monthOfDay, sideCode } from './daily.ts';
import { callWhere, REASONS } from './totals.ts';

/** Milliseconds or seconds as minutes, to 4 decimals (a quantity shown, not money). */
function minutes(value: number | bigint, perMinute: number): string {
  return decimalText(new Decimal(value.toString()).dividedBy(perMinute).toDecimalPlaces(4, Decimal.ROUND_HALF_UP), 4);
}

interface Group {
  status: bigint | null;
  reason: bigint | null;
  rid: bigint | null;
  n: bigint;
  ms: bigint | null;
  answered: bigint;
  billed: bigint | null;
  amount: bigint | null;
  x60: bigint | null;
  destination: string | null;
  prefix: string | null;
  rate: bigint | null;
  fee: bigint | null;
  currency: string | null;
}

/**
 * One side's calls of a period as rows (status, reason, rate_id, calls, duration_ms, answered,
 * billed_s, amount_e8, exact_x60) to be summed: whole UTC months from the per-month totals
 * (cdr_monthly), other whole days from the per-day totals (cdr_daily), the partial days at the
 * edges from the calls themselves. A not-yet-rated leg has status −1, and reason and rate 0.
 */
export function periodRows(carrierId: number, side: Side, source: CdrSource | undefined, fromMs: number | undefined, toMs: number | undefined): { sql: string; params: Record<string, unknown> } {
  const parts: string[] = [];
  const params: Record<string, unknown> = { carrier: carrierId, side: sideCode(side) };
  if (source) params.source = SOURCE_CODE[source];
  const rollup = (table: 'cdr_daily' | 'cdr_monthly', column: 'day' | 'month', lo: number | undefined, hi: number | undefined): void => {
    const k = parts.length;
    const where = ['carrier_id = @carrier', 'side = @side'];
    if (source) where.push('source = @source');
    if (lo !== undefined) {
      where.push(`${column} >= @lo${k}`);
      params[`lo${k}`] = lo;
    }
    if (hi !== undefined) {
      where.push(`${column} < @hi${k}`);
      params[`hi${k}`] = hi;
    }
    parts.push(`SELECT status, reason, rate_id, calls, duration_ms, answered, billed_s, amount_e8, exact_x60 FROM ${table} WHERE ${where.join(' AND ')}`);
  };
  const scan = (from: number | undefined, to: number | undefined): void => {
    const k = parts.length;
    const w = callWhere({ carrierId, source, side, fromMs: from, toMs: to });
    let sql = w.sql;
    for (const [name, value] of Object.entries(w.params)) {
      sql = sql.replaceAll(`@${name}`, `@${name}${k}`);
      params[`${name}${k}`] = value;
    }
    parts.push(`SELECT coalesce(c.${side}_status, -1) AS status, coalesce(c.${side}_reason, 0) AS reason, coalesce(c.${side}_rate_id, 0) AS rate_id,
      1 AS calls, c.duration_ms AS duration_ms, c.answered AS answered, coalesce(c.${side}_billed_s, 0) AS billed_s, coalesce(c.${side}_amount_e8, 0) AS amount_e8,
      coalesce(c.${side}_exact_x60, 0) AS exact_x60 FROM cdrs c WHERE ${sql}`);
  };
  const dayFrom = fromMs === undefined ? undefined : Math.ceil(fromMs / DAY_MS);
  const dayTo = toMs === undefined ? undefined : Math.floor(toMs / DAY_MS);
  if (dayFrom !== undefined && dayTo !== undefined && dayFrom >= dayTo) {
    scan(fromMs, toMs);
  } else {
    let monthFrom = dayFrom === undefined ? undefined : monthOfDay(dayFrom);
    if (monthFrom !== undefined && firstDayOfMonth(monthFrom) < dayFrom!) monthFrom++;
    const monthTo = dayTo === undefined ? undefined : monthOfDay(dayTo);
    if (monthFrom !== undefined && monthTo !== undefined && monthFrom >= monthTo) rollup('cdr_daily', 'day', dayFrom, dayTo);
    else {
      rollup('cdr_monthly', 'month', monthFrom, monthTo);
      if (dayFrom !== undefined && dayFrom < firstDayOfMonth(monthFrom!)) rollup('cdr_daily', 'day', dayFrom, firstDayOfMonth(monthFrom!));
      if (dayTo !== undefined && firstDayOfMonth(monthTo!) < dayTo) rollup('cdr_daily', 'day', firstDayOfMonth(monthTo!), dayTo);
    }
    if (fromMs !== undefined && fromMs < dayFrom! * DAY_MS) scan(fromMs, dayFrom! * DAY_MS);
    if (toMs !== undefined && dayTo! * DAY_MS < toMs) scan(dayTo! * DAY_MS, toMs);
  }
  return { sql: parts.join('\n    UNION ALL '), params };
}

/**
 * One side's calls of a period grouped by status, reason and rate version (periodRows), then the
 * rated groups joined to their rate versions.
 */
export function periodGroups(ctx: EngineContext, carrierId: number, side: Side, source: CdrSource | undefined, fromMs: number | undefined, toMs: number | undefined): Group[] {
  const { sql, params } = periodRows(carrierId, side, source, fromMs, toMs);
  type Row = [status: bigint, reason: bigint, rid: bigint, n: bigint, ms: bigint, answered: bigint, billed: bigint, amount: bigint, x60: bigint];
  const rows = ctx.db.prepare(`SELECT status, reason, rate_id, sum(calls), sum(duration_ms), sum(answered), sum(billed_s), sum(amount_e8), sum(exact_x60)
    FROM (${sql}) GROUP BY 1, 2, 3`).safeIntegers(true).raw().all(params) as Row[];
  const groups: Group[] = rows.filter((r) => r[3] !== 0n).map((r) => ({
    status: r[0] === -1n ? null : r[0], reason: r[1] === 0n ? null : r[1], rid: r[2] === 0n ? null : r[2], n: r[3], ms: r[4], answered: r[5],
    billed: r[6], amount: r[7], x60: r[8], destination: null, prefix: null, rate: null, fee: null, currency: null,
  }));
  const rated = groups.filter((g) => g.status === 0n && g.rid !== null);
  const meta = ctx.db.prepare(`SELECT id, destination, prefix, rate_per_min_e8 AS rate, connection_fee_e8 AS fee, currency FROM rates
    WHERE id IN (SELECT value FROM json_each(?))`).safeIntegers(true).raw();
  type Meta = [id: bigint, destination: string, prefix: string, rate: bigint, fee: bigint, currency: string];
  const byId = new Map<number, Meta>();
  for (let i = 0; i < rated.length; i += 10_000) {
    const ids = JSON.stringify(rated.slice(i, i + 10_000).map((g) => Number(g.rid)));
    for (const r of meta.all(ids) as Meta[]) byId.set(Number(r[0]), r);
  }
  for (const g of rated) {
    const r = byId.get(Number(g.rid));
    if (!r) continue;
    g.destination = r[1];
    g.prefix = r[2];
    g.rate = r[3];
    g.fee = r[4];
    g.currency = r[5];
  }
  return groups;
}

/** Per destination on one side: calls, minutes, billed minutes and amount, with the totals. Whole days from the day totals. */
export function summariseCdrs(ctx: EngineContext, args: ParsedArgs<'cdrs.summary'>): CdrSummary {
  const carrier = requireCarrier(ctx, args.carrier);
  const fromMs = periodArgs(args.from, carrier.timezone, '--from');
  const toMs = periodArgs(args.to, carrier.timezone, '--to');
  const s = args.side;
  const perLine = carrier.rounding.level === 'per-line';
  // Summed in SQLite down to destinations (and rates, for a per-line policy: each line is rounded
  // once): thousands of rows reach JavaScript, not one per rate version.
  const { sql, params } = periodRows(carrier.id, s, args.source, fromMs, toMs);
  type Row = [status: bigint, reason: bigint, destination: string | null, pmin: string | null, pmax: string | null, currency: string | null, rate: bigint | null,
    n: bigint, ms: bigint, answered: bigint, billed: bigint, amount: bigint, x60: bigint, fees: bigint | null];
  const rows = ctx.db.prepare(`SELECT g.status, g.reason, r.destination, min(r.prefix), max(r.prefix), max(r.currency), ${perLine ? 'r.rate_per_min_e8' : 'NULL'},
      sum(g.calls), sum(g.duration_ms), sum(g.answered), sum(g.billed_s), sum(g.amount_e8), sum(g.exact_x60), sum(g.calls * r.connection_fee_e8)
    FROM (${sql}) g LEFT JOIN rates r ON r.id = g.rate_id AND g.status = 0
    GROUP BY g.status, g.reason, r.destination${perLine ? ', r.rate_per_min_e8' : ''}`).safeIntegers(true).raw().all(params) as Row[];
  const unrated = new Map<UnratedReason, { calls: number; ms: bigint }>();
  let calls = 0;
  let answered = 0;
  let ms = 0n;
  const byDest = new Map<string, { pmin: string; pmax: string; n: number; ms: bigint; billed: bigint; amount: bigint; lines: { x60: bigint; fees: bigint }[] }>();
  let currency = '';
  for (const [status, reason, destination, pmin, pmax, cur, , n, rowMs, rowAnswered, billed, amount, x60, fees] of rows) {
    // A rating whose calls all moved away (re-rated) leaves day and month rows of zero.
    if (n === 0n) continue;
    calls += Number(n);
    answered += Number(rowAnswered);
    ms += rowMs;
    if (status === 2n) {
      const why = REASONS[Number(reason || 1n)]!;
      const u = unrated.get(why) ?? { calls: 0, ms: 0n };
      u.calls += Number(n);
      u.ms += rowMs;
      unrated.set(why, u);
    }
    if (status !== 0n || destination === null) continue;
    currency ||= cur ?? '';
    let d = byDest.get(destination);
    if (!d) byDest.set(destination, (d = { pmin: pmin!, pmax: pmax!, n: 0, ms: 0n, billed: 0n, amount: 0n, lines: [] }));
    if (pmin! < d.pmin) d.pmin = pmin!;
    if (pmax! > d.pmax) d.pmax = pmax!;
    d.n += Number(n);
    d.ms += rowMs;
    d.billed += billed;
    d.amount += amount;
    d.lines.push({ x60, fees: fees ?? 0n });
  }
  const lines: CdrSummaryLine[] = [];
  let totalAmount = 0n;
  let totalBilled = 0n;
  for (const [destination, d] of [...byDest].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    let amount = d.amount;
    if (perLine) {
      amount = 0n;
      for (const l of d.lines) amount += lineAmountE8(l.x60, carrier.rounding, l.fees);
    }
    totalAmount += amount;
    totalBilled += d.billed;
    lines.push({
      destination, prefix: d.pmin === d.pmax ? d.pmin : null, calls: d.n, minutes: minutes(d.ms, 60_000),
      billedMinutes: minutes(d.billed, 60), amount: formatAmountE8(amount),
    });
  }
  return {
    carrier: carrier.name, source: args.source, side: s, currency: currency || carrier.currency,
    from: fromMs === undefined ? null : isoInstant(fromMs), to: toMs === undefined ? null : isoInstant(toMs),
    lines,
    unrated: [...unrated].map(([reason, u]) => ({ reason, calls: u.calls, minutes: minutes(u.ms, 60_000) })),
    totals: { calls, answered, minutes: minutes(ms, 60_000), billedMinutes: minutes(totalBilled, 60), amount: formatAmountE8(totalAmount) },
  };
}

const STATUS = ['rated', 'free', 'unrated'];

/** Every call of a carrier's file or switch on one side, with why it costs what it costs. */
export async function exportCdrs(ctx: EngineContext, args: ParsedArgs<'cdrs.export'>, job: JobContext): Promise<{ file: string; format: 'csv' | 'xlsx'; rows: number }> {
  const carrier = requireCarrier(ctx, args.carrier);
  const fromMs = periodArgs(args.from, carrier.timezone, '--from');
  const toMs = periodArgs(args.to, carrier.timezone, '--to');
  const ext = extname(args.out).toLowerCase();
  const format = ext === '.xlsx' ? 'xlsx' : ext === '.csv' ? 'csv' : undefined;
  if (!format) throw new TrunklineError('INVALID_ARGUMENTS', `--out "${args.out}": the file must end in .csv or .xlsx`);
  const s = args.side;
  const perLine = carrier.rounding.level === 'per-line';
  const { sql, params } = callWhere({ carrierId: carrier.id, source: args.source, side: s, fromMs, toMs });
  const stmt = ctx.db.prepare(`SELECT c.call_id, c.start_ms, c.calling, c.called, c.duration_ms, c.${s}_billed_s, r.prefix, r.destination,
      r.rate_per_min_e8, c.${s}_amount_e8, c.${s}_exact_x60, r.currency, c.${s}_status, c.${s}_reason
    FROM cdrs c LEFT JOIN rates r ON r.id = c.${s}_rate_id WHERE ${sql} ORDER BY c.start_ms, c.id`).raw();
  type Row = [string | null, number, string, string, number, number | null, string | null, string | null, number | null, number | null, number | null, string | null, number | null, number | null];
  const cells = (r: Row): (string | number)[] => [
    r[0] ?? '', isoInstant(r[1]), r[2], r[3], decimalText(new Decimal(r[4]).dividedBy(1000)), r[5] ?? 0, r[6] ?? '', r[7] ?? '',
    r[8] === null ? '' : formatScaled(r[8]),
    // Per-line carriers round lines, not calls: a call's amount is shown exact (to 10 decimals).
    r[12] !== 0 ? '' : perLine ? decimalText(new Decimal(r[10] ?? 0).dividedBy(60).dividedBy(1e8).toDecimalPlaces(10)) : formatScaled(r[9] ?? 0),
    r[11] ?? carrier.currency, r[12] === null ? 'not rated' : STATUS[r[12]]!, r[13] === null ? '' : REASONS[r[13]]!,
  ];
  const tmp = `${args.out}.partial-${process.pid}`;
  let rows = 0;
  try {
    if (format === 'csv') {
      const out = createWriteStream(tmp);
      let buf = CDR_EXPORT_COLUMNS.join(',') + '\n';
      for (const r of stmt.iterate(params) as Iterable<Row>) {
        buf += cells(r).map((c) => (typeof c === 'number' ? String(c) : csvField(c))).join(',') + '\n';
        if (++rows % 50_000 === 0) {
          if (!out.write(buf)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
          buf = '';
          job.progress('exporting', rows);
          if (job.signal.aborted) throw new TrunklineError('JOB_CANCELLED', 'the export was cancelled; no file was written');
        }
      }
      await new Promise<void>((resolve, reject) => out.end(buf, () => resolve()).on('error', reject));
    } else {
      const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: tmp, useStyles: true, useSharedStrings: false });
      const ws = wb.addWorksheet('CDRs', { views: [{ state: 'frozen', ySplit: 1 }] });
      ws.columns = CDR_EXPORT_COLUMNS.map((c) => ({ header: c, key: c, width: c === 'destination' ? 30 : c === 'start' ? 22 : 14 }));
      ws.getRow(1).font = { bold: true };
      for (const r of stmt.iterate(params) as Iterable<Row>) {
        ws.addRow(cells(r).map((c) => (typeof c === 'string' ? spreadsheetSafe(c) : c))).commit();
        if (++rows % 50_000 === 0) {
          job.progress('exporting', rows);
          if (job.signal.aborted) throw new TrunklineError('JOB_CANCELLED', 'the export was cancelled; no file was written');
        }
      }
      ws.commit();
      await wb.commit();
    }
    await rename(tmp, args.out);
    return { file: args.out, format, rows };
  } catch (e) {
    await rm(tmp, { force: true });
    if (e instanceof TrunklineError) throw e;
    throw new TrunklineError('EXPORT_FAILED', `cannot write ${args.out}: ${(e as Error).message}`, { file: args.out });
  }
}
