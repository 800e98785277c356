import type { ParsedArgs, RatingRunReport } from '../api/contract.ts';
import { TrunklineError } from '../api/errors.ts';
import { requireCarrier } from '../carriers/handlers.ts';
import { DailyTotals } from '../cdrs/daily.ts';
import { SideTally } from '../cdrs/tally.ts';
import { callWhere } from '../cdrs/totals.ts';
import type { EngineContext } from '../context.ts';
import type { StoredRating } from '../db/cdrs-repo.ts';
import type { JobContext } from '../jobs/jobs.ts';
import { VersionedRateTable } from '../rates/versioned-table.ts';
import { isoInstant, parseInstant } from '../time/parse-date.ts';
import { makeCallRater } from './rate-call.ts';

const PAGE = 100_000;

export function periodArgs(text: string | undefined, zone: string, flag: string): number | undefined {
  if (!text) return undefined;
  const p = parseInstant(text, zone);
  if (!p.ok) throw new TrunklineError('INVALID_ARGUMENTS', `${flag} "${text}": ${p.reason}`);
  return p.ms;
}

/**
 * Rates (or re-rates) a carrier's stored calls on one side against its deck as it stands now,
 * each call at its own start instant. Idempotent: only calls whose rating changed are written,
 * all in one transaction.
 */
export async function runRating(ctx: EngineContext, args: ParsedArgs<'rating.run'>, job: JobContext): Promise<RatingRunReport> {
  const carrier = requireCarrier(ctx, args.carrier);
  const fromMs = periodArgs(args.from, carrier.timezone, '--from');
  const toMs = periodArgs(args.to, carrier.timezone, '--to');
  const side = args.side;
  const rate = makeCallRater(VersionedRateTable.load(ctx.db, carrier.id, side), carrier);
  // Paged by id: through the carrier index each page would sort all the carrier's calls again.
  const { sql, params } = callWhere({ carrierId: carrier.id, source: args.source, side, fromMs, toMs, tableScan: true });
  const page = ctx.db.prepare(`SELECT c.id, c.start_ms, c.called, c.duration_ms, c.answered, c.${side}_status, c.${side}_reason, c.${side}_rate_id,
      c.${side}_billed_s, c.${side}_amount_e8, c.${side}_exact_x60, c.source FROM cdrs c WHERE ${sql} AND c.id > @after ORDER BY c.id LIMIT ${PAGE}`).raw();
  // Each changed call moves from its old rating's day totals to its new one's.
  const daily = new DailyTotals(ctx.db);
  const update = ctx.db.prepare(`UPDATE cdrs SET ${side}_status = ?, ${side}_reason = ?, ${side}_rate_id = ?, ${side}_billed_s = ?,
      ${side}_amount_e8 = ?, ${side}_exact_x60 = ? WHERE id = ?`);
  // The totals are counted from each call's new rating as it goes: no second pass over the calls.
  const tally = new SideTally(carrier.id, side, carrier.rounding);
  let after = 0;
  let calls = 0;
  let changed = 0;
  ctx.db.exec('BEGIN IMMEDIATE');
  try {
    for (;;) {
      const rows = page.all({ ...params, after }) as [number, number, string, number, number, number | null, number | null, number | null, number | null, number | null, number | null, number][];
      if (rows.length === 0) break;
      const changes: [StoredRating, number][] = [];
      for (const r of rows) {
        const n = rate(r[2], r[1], r[3], r[4] === 1);
        tally.add(n.status, n.reason, n.rateId, n.amountE8, n.exactX60);
        if (n.status !== r[5] || n.reason !== r[6] || n.rateId !== r[7] || n.billedS !== r[8] || n.amountE8 !== r[9] || n.exactX60 !== r[10]) {
          changes.push([n, r[0]]);
          const old: StoredRating | null = r[5] === null ? null : { status: r[5], reason: r[6], rateId: r[7], billedS: r[8] ?? 0, amountE8: r[9], exactX60: r[10] ?? 0 };
          daily.add(carrier.id, side, r[11], r[1], r[3], r[4] === 1, old, -1);
          daily.add(carrier.id, side, r[11], r[1], r[3], r[4] === 1, n, 1);
        }
      }
      for (const [n, id] of changes) update.run(n.status, n.reason, n.rateId, n.billedS, n.amountE8, n.exactX60, id);
      calls += rows.length;
      changed += changes.length;
      after = rows[rows.length - 1]![0];
      job.progress('rating', calls);
      if (job.signal.aborted) throw new TrunklineError('JOB_CANCELLED', 'the rating was cancelled; nothing was written');
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    daily.flush();
    const totals = tally.result(ctx.db);
    ctx.db.exec('COMMIT');
    return {
      ...totals, carrier: carrier.name, calls, changed, unchanged: calls - changed,
      from: fromMs === undefined ? null : isoInstant(fromMs), to: toMs === undefined ? null : isoInstant(toMs),
    };
  } catch (e) {
    if (ctx.db.inTransaction) ctx.db.exec('ROLLBACK');
    throw e;
  }
}
