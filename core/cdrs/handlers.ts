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
 * One side's calls of a period grouped by status, reason and rate version: whole UTC months from
 * the per-month totals (cdr_monthly), other whole days from the per-day totals (cdr_daily), the
 * partial days at the edges from the calls themselves; then the rated groups joined to their rate
 * versions.
 */
export function periodGroups(ctx: EngineContext, carrierId: number, side: Side, source: CdrSource | undefined, fromMs: number | undefined, toMs: number | undefined): Group[] {
  // Keyed by rate version, status and reason in one number; rows read as arrays: millions of day rows
  // make no objects or strings of their own.
  const byKey = new Map<number, Group>();
  type Row = [status: bigint | null, reason: bigint | null, rid: bigint | null, n: bigint, ms: bigint | null, answered: bigint | null, billed: bigint | null, amount: bigint | null, x60: bigint | null];
  const add = (r: Row): void => {
    const status = r[0] === -1n ? null : r[0];
    const key = Number(r[2] ?? 0n) * 64 + (status === null ? 0 : Number(status) + 1) * 8 + Number(r[1] ?? 0n);
    const g = byKey.get(key);
    if (!g) {
      byKey.set(key, {
        status, reason: r[1] === 0n ? null : r[1], rid: r[2] === 0n ? null : r[2], n: r[3], ms: r[4] ?? 0n, answered: r[5] ?? 0n,
        billed: r[6] ?? 0n, amount: r[7] ?? 0n, x60: r[8] ?? 0n, destination: null, prefix: null, rate: null, fee: null, currency: null,
      });
      return;
    }
    g.n += r[3];
    g.ms = (g.ms ?? 0n) + (r[4] ?? 0n);
    g.answered += r[5] ?? 0n;
    g.billed = (g.billed ?? 0n) + (r[6] ?? 0n);
    g.amount = (g.amount ?? 0n) + (r[7] ?? 0n);
    g.x60 = (g.x60 ?? 0n) + (r[8] ?? 0n);
  };
  const scan = (from: number | undefined, to: number | undefined): void => {
    const { sql, params } = callWhere({ carrierId, source, side, fromMs: from, toMs: to });
    const rows = ctx.db.prepare(`SELECT c.${side}_status AS status, c.${side}_reason AS reason, c.${side}_rate_id AS rid, count(*) AS n, sum(c.duration_ms) AS ms,
        sum(c.answered) AS answered, sum(c.${side}_billed_s) AS billed, sum(c.${side}_amount_e8) AS amount, sum(c.${side}_exact_x60) AS x60
      FROM cdrs c WHERE ${sql} GROUP BY 1, 2, 3`).safeIntegers(true).raw().all(params) as Row[];
    for (const r of rows) add(r);
  };
  const dayFrom = fromMs === undefined ? undefined : Math.ceil(fromMs / DAY_MS);
  const dayTo = toMs === undefined ? undefined : Math.floor(toMs / DAY_MS);
  if (dayFrom !== undefined && dayTo !== undefined && dayFrom >= dayTo) {
    scan(fromMs, toMs);
  } else {
    // Whole UTC months from the month totals, the other whole days from the day totals.
    const rollup = (table: 'cdr_daily' | 'cdr_monthly', column: 'day' | 'month', lo: number | undefined, hi: number | undefined): void => {
      const where = ['carrier_id = @carrier', 'side = @side'];
      const params: Record<string, unknown> = { carrier: carrierId, side: sideCode(side) };
      if (source) {
        where.push('source = @source');
        params.source = SOURCE_CODE[source];
      }
      if (lo !== undefined) {
        where.push(`${column} >= @lo`);
        params.lo = lo;
      }
      if (hi !== undefined) {
        where.push(`${column} < @hi`);
        params.hi = hi;
      }
      const rows = ctx.db.prepare(`SELECT status, reason, rate_id AS rid, sum(calls) AS n, sum(duration_ms) AS ms, sum(answered) AS answered,
          sum(billed_s) AS billed, sum(amount_e8) AS amount, sum(exact_x60) AS x60
        FROM ${table} WHERE ${where.join(' AND ')} GROUP BY 1, 2, 3`).safeIntegers(true).raw().all(params) as Row[];
      for (const r of rows) add(r);
    };
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
  const groups = [...byKey.values()].filter((g) => g.n !== 0n);
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
  const groups = periodGroups(ctx, carrier.id, s, args.source, fromMs, toMs);
  const unrated = new Map<UnratedReason, { calls: number; ms: bigint }>();
  let calls = 0;
  let answered = 0;
  let ms = 0n;
  for (const a of groups) {
    calls += Number(a.n);
    answered += Number(a.answered);
    ms += a.ms ?? 0n;
    if (a.status === 2n) {
      const reason = REASONS[Number(a.reason ?? 1n)]!;
      const u = unrated.get(reason) ?? { calls: 0, ms: 0n };
      u.calls += Number(a.n);
      u.ms += a.ms ?? 0n;
      unrated.set(reason, u);
    }
  }
  const perLine = carrier.rounding.level === 'per-line';
  const byDest = new Map<string, { prefixes: Set<string>; n: number; ms: bigint; billed: bigint; amount: bigint; lines: Map<bigint, { x60: bigint; fees: bigint }> }>();
  let currency = '';
  for (const g of groups) {
    if (g.status !== 0n || g.destination === null) continue;
    currency ||= g.currency ?? '';
    let d = byDest.get(g.destination);
    if (!d) byDest.set(g.destination, (d = { prefixes: new Set(), n: 0, ms: 0n, billed: 0n, amount: 0n, lines: new Map() }));
    d.prefixes.add(g.prefix!);
    d.n += Number(g.n);
    d.ms += g.ms ?? 0n;
    d.billed += g.billed ?? 0n;
    d.amount += g.amount ?? 0n;
    const line = d.lines.get(g.rate!) ?? { x60: 0n, fees: 0n };
    line.x60 += g.x60 ?? 0n;
    line.fees += g.fee! * g.n;
    d.lines.set(g.rate!, line);
  }
  const lines: CdrSummaryLine[] = [];
  let totalAmount = 0n;
  let totalBilled = 0n;
  for (const [destination, d] of [...byDest].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    let amount = d.amount;
    if (perLine) {
      amount = 0n;
      for (const l of d.lines.values()) amount += lineAmountE8(l.x60, carrier.rounding, l.fees);
    }
    totalAmount += amount;
    totalBilled += d.billed;
    lines.push({
      destination, prefix: d.prefixes.size === 1 ? [...d.prefixes][0]! : null, calls: d.n, minutes: minutes(d.ms, 60_000),
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
