import { existsSync } from 'node:fs';
import type { ParsedArgs, RatingRunReport } from '../api/contract.ts';
import { TrunklineError } from '../api/errors.ts';
import { requireCarrier } from '../carriers/handlers.ts';
import { DailyTotals } from '../cdrs/daily.ts';
import { SideTally } from '../cdrs/tally.ts';
import type { EngineContext } from '../context.ts';
import type { JobContext } from '../jobs/jobs.ts';
import { VersionedRateTable } from '../rates/versioned-table.ts';
import { isoInstant, parseInstant } from '../time/parse-date.ts';
import { poolThreads, runRangePool } from '../util/range-pool.ts';
import { changeOf, rerateRange, type ChangeBatch, type RangeResult, type RerateSpec } from './rerate-range.ts';

export function periodArgs(text: string | undefined, zone: string, flag: string): number | undefined {
  if (!text) return undefined;
  const p = parseInstant(text, zone);
  if (!p.ok) throw new TrunklineError('INVALID_ARGUMENTS', `${flag} "${text}": ${p.reason}`);
  return p.ms;
}

/** Re-rates spanning fewer call ids than this run on the engine's thread (a worker's start costs more). */
const PARALLEL_FROM = (): number => Number(process.env.TRUNKLINE_RERATE_PARALLEL_FROM ?? 200_000);

/**
 * Rates (or re-rates) a carrier's stored calls on one side against its deck as it stands now,
 * each call at its own start instant. Idempotent: only calls whose rating changed are written,
 * all in one transaction. The calls are read, rated and compared in id ranges on two worker
 * threads when the CDR worker is built (each reading its own snapshot of the committed table), the
 * changed ones written here; else all on this thread.
 */
export async function runRating(ctx: EngineContext, args: ParsedArgs<'rating.run'>, job: JobContext): Promise<RatingRunReport> {
  const carrier = requireCarrier(ctx, args.carrier);
  const fromMs = periodArgs(args.from, carrier.timezone, '--from');
  const toMs = periodArgs(args.to, carrier.timezone, '--to');
  const side = args.side;
  const spec: RerateSpec = { carrier: { id: carrier.id, rounding: carrier.rounding, techPrefixes: carrier.techPrefixes }, side, source: args.source, fromMs, toMs };
  // Each changed call moves from its old rating's day totals to its new one's.
  const daily = new DailyTotals(ctx.db);
  const update = ctx.db.prepare(`UPDATE cdrs SET ${side}_status = ?, ${side}_reason = ?, ${side}_rate_id = ?, ${side}_billed_s = ?,
      ${side}_amount_e8 = ?, ${side}_exact_x60 = ? WHERE id = ?`);
  // The totals are counted from each call's new rating as it goes: no second pass over the calls.
  const tally = new SideTally(carrier.id, side, carrier.rounding);
  let changed = 0;
  const cancelled = (): TrunklineError => new TrunklineError('JOB_CANCELLED', 'the rating was cancelled; nothing was written');
  const apply = (b: ChangeBatch): void => {
    if (job.signal.aborted) throw cancelled();
    for (let i = 0; i < b.count; i++) {
      const c = changeOf(b, i);
      const n = c.now;
      update.run(n.status, n.reason, n.rateId, n.billedS, n.amountE8, n.exactX60, c.id);
      daily.add(carrier.id, side, c.source, c.startMs, c.durationMs, c.answered, c.old, -1);
      daily.add(carrier.id, side, c.source, c.startMs, c.durationMs, c.answered, n, 1);
    }
    changed += b.count;
  };
  ctx.db.exec('BEGIN IMMEDIATE');
  try {
    const maxId = (ctx.db.prepare('SELECT coalesce(max(id), 0) FROM cdrs').pluck().get() as number);
    let calls: number;
    if (ctx.importWorker && existsSync(ctx.importWorker) && maxId >= PARALLEL_FROM()) {
      let table: VersionedRateTable | null = null;
      calls = await rerateOnWorkers(ctx.importWorker, ctx.dbPath, spec, maxId, tally, apply, (n) => job.progress('rating', n), job.signal, cancelled,
        (lo, hi) => rerateRange(ctx.db, spec, (table ??= VersionedRateTable.load(ctx.db, carrier.id, side)), lo, hi, apply));
    } else {
      const result = await rerateRange(ctx.db, spec, VersionedRateTable.load(ctx.db, carrier.id, side), 1, maxId + 1, apply, async (n) => {
        job.progress('rating', n);
        if (job.signal.aborted) throw cancelled();
        await new Promise<void>((resolve) => setImmediate(resolve));
      });
      tally.merge(result.tally);
      calls = result.calls;
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

type WorkerReply =
  | { type: 'rerate-changes'; batch: ChangeBatch }
  | { type: 'rerate-page'; calls: number }
  | { type: 'rerate-end'; result: RangeResult };

/**
 * Splits ids 1…maxId into ranges and runs them on two worker threads, each taking the next range
 * when it has finished one; their changed calls are applied here (in the open transaction) as
 * they come. A worker that cannot start leaves its ranges to the other one, or to this thread.
 */
async function rerateOnWorkers(
  workerPath: string, dbPath: string, spec: RerateSpec, maxId: number, tally: SideTally, apply: (b: ChangeBatch) => void,
  progress: (calls: number) => void, signal: AbortSignal, cancelled: () => TrunklineError, fallback: (lo: number, hi: number) => Promise<RangeResult>,
): Promise<number> {
  // About eight ranges per thread, so one that finishes early takes more (TRUNKLINE_RERATE_RANGE: the least ids in a range).
  const span = Math.max(Number(process.env.TRUNKLINE_RERATE_RANGE ?? 100_000), Math.ceil(maxId / (poolThreads() * 8)));
  const ranges: [number, number][] = [];
  for (let lo = 1; lo <= maxId; lo += span) ranges.push([lo, Math.min(maxId + 1, lo + span)]);
  let calls = 0;
  const add = (r: RangeResult): void => {
    tally.merge(r.tally);
    calls += r.calls;
  };
  await runRangePool<WorkerReply>({
    workerPath, resourceLimits: { maxOldGenerationSizeMb: 256 }, ranges, what: 're-rating', signal, cancelled, progress,
    fallback: async (lo, hi) => add(await fallback(lo, hi)),
    start: (w, lo, hi) => w.postMessage({ type: 'rerate', dbPath, spec, lo, hi }),
    onMessage: (m, from) => {
      if (m.type === 'rerate-changes') {
        apply(m.batch);
        from.worker.postMessage({ type: 'rerate-ack' });
      } else if (m.type === 'rerate-page') from.page(m.calls);
      else {
        add(m.result);
        from.rangeDone(m.result.calls);
      }
    },
  });
  return calls;
}
