import type { Carrier, CdrSource, Side } from '../api/contract.ts';
import { SideTally, type TallyData } from '../cdrs/tally.ts';
import { callWhere } from '../cdrs/totals.ts';
import type { StoredRating } from '../db/cdrs-repo.ts';
import type { Db } from '../db/open.ts';
import { VersionedRateTable } from '../rates/versioned-table.ts';
import { makeCallRater } from './rate-call.ts';

/**
 * The reading half of a re-rate: one range of call ids read, rated and compared with what is
 * stored, on whichever thread runs it (the re-rate splits the table into ranges and runs them on
 * worker threads, each with a read-only connection of its own, while the engine's thread writes
 * the changes). Only changed calls leave the range, in flat number arrays.
 */
export interface RerateSpec {
  carrier: Pick<Carrier, 'id' | 'rounding' | 'techPrefixes'>;
  side: Side;
  source?: CdrSource;
  fromMs?: number;
  toMs?: number;
}

/** Per changed call: id, start, duration, answered, source, then the old and the new rating (six each). */
export const CH = 17;
const C_OLD = 5;
const C_NEW = 11;

export interface ChangeBatch {
  rows: Float64Array;
  count: number;
  /** `${row}:o` / `${row}:n` → an exact ×60 beyond 2^53, as decimal text (rare: a call worth millions). */
  big: Record<string, string> | null;
}

export interface RangeResult {
  calls: number;
  tally: TallyData;
}

/**
 * Calls read per query. Small enough that a page's row arrays die young: with 50,000 a page outlived
 * the scavenges, was promoted and collected by full GCs on the capped heap (6.7 s of GC threads' CPU
 * on 10M calls, 612k calls/s); with 4,096, 1.0 s and 840k/s (1,024 and 16,384 both ~795k/s).
 */
const PAGE = 4096;
const SAFE = Number.MAX_SAFE_INTEGER;

/** Reads the calls of [lo, hi) in id order, rates each, and hands over the changed ones a page at a time. */
export async function rerateRange(
  db: Db, spec: RerateSpec, table: VersionedRateTable, lo: number, hi: number,
  onChanges: (b: ChangeBatch) => void | Promise<void>, onPage?: (calls: number) => void | Promise<void>,
): Promise<RangeResult> {
  const side = spec.side;
  const rate = makeCallRater(table, spec.carrier);
  const { sql, params } = callWhere({ carrierId: spec.carrier.id, source: spec.source, side, fromMs: spec.fromMs, toMs: spec.toMs, tableScan: true });
  // The exact ×60 is read as a Number; one beyond 2^53 is flagged and read again exactly.
  const page = db.prepare(`SELECT c.id, c.start_ms, c.called, c.duration_ms, c.answered, c.${side}_status, c.${side}_reason, c.${side}_rate_id,
      c.${side}_billed_s, c.${side}_amount_e8, c.${side}_exact_x60, c.source, abs(c.${side}_exact_x60) > ${SAFE}
    FROM cdrs c WHERE ${sql} AND c.id > @after AND c.id < @hi ORDER BY c.id LIMIT ${PAGE}`).raw();
  const exactX60 = db.prepare(`SELECT ${side}_exact_x60 FROM cdrs WHERE id = ?`).pluck().safeIntegers(true);
  const tally = new SideTally(spec.carrier.id, side, spec.carrier.rounding);
  let after = lo - 1;
  let calls = 0;
  for (;;) {
    const rows = page.all({ ...params, after, hi }) as [number, number, string, number, number, number | null, number | null, number | null, number | null, number | null, number | null, number, number | null][];
    if (rows.length === 0) break;
    let out = new Float64Array(Math.min(rows.length, 4096) * CH);
    let count = 0;
    let big: Record<string, string> | null = null;
    for (const r of rows) {
      const n = rate(r[2], r[1], r[3], r[4] === 1);
      tally.add(n.status, n.reason, n.rateId, n.amountE8, n.exactX60);
      const oldX60: number | bigint | null = r[12] === 1 ? (exactX60.get(r[0]) as bigint) : r[10];
      if (n.status === r[5] && n.reason === r[6] && n.rateId === r[7] && n.billedS === r[8] && n.amountE8 === r[9] && n.exactX60 === oldX60) continue;
      if ((count + 1) * CH > out.length) {
        const grown = new Float64Array(out.length * 2);
        grown.set(out);
        out = grown;
      }
      const o = count * CH;
      out[o] = r[0];
      out[o + 1] = r[1];
      out[o + 2] = r[3];
      out[o + 3] = r[4];
      out[o + 4] = r[11];
      if (r[5] === null) out[o + C_OLD] = Number.NaN;
      else {
        putRating(out, o + C_OLD, { status: r[5], reason: r[6], rateId: r[7], billedS: r[8] ?? 0, amountE8: r[9], exactX60: oldX60 ?? 0 });
        if (typeof oldX60 === 'bigint') (big ??= {})[`${count}:o`] = oldX60.toString();
      }
      putRating(out, o + C_NEW, n);
      if (typeof n.exactX60 === 'bigint') (big ??= {})[`${count}:n`] = n.exactX60.toString();
      count++;
    }
    calls += rows.length;
    after = rows[rows.length - 1]![0];
    if (count > 0) await onChanges({ rows: out, count, big });
    await onPage?.(calls);
  }
  return { calls, tally: tally.data() };
}

function putRating(out: Float64Array, base: number, r: StoredRating): void {
  out[base] = r.status;
  out[base + 1] = r.reason ?? Number.NaN;
  out[base + 2] = r.rateId ?? Number.NaN;
  out[base + 3] = r.billedS;
  out[base + 4] = r.amountE8 ?? Number.NaN;
  out[base + 5] = typeof r.exactX60 === 'bigint' ? 0 : r.exactX60;
}

const nullable = (v: number): number | null => (Number.isNaN(v) ? null : v);

/** Row i's old (null: not rated before) and new rating, as stored. */
export function changeOf(b: ChangeBatch, i: number): { id: number; startMs: number; durationMs: number; answered: boolean; source: number; old: StoredRating | null; now: StoredRating } {
  const o = i * CH;
  const r = b.rows;
  const rating = (base: number, tag: 'o' | 'n'): StoredRating => {
    const big = b.big?.[`${i}:${tag}`];
    return {
      status: r[base]!, reason: nullable(r[base + 1]!), rateId: nullable(r[base + 2]!), billedS: r[base + 3]!, amountE8: nullable(r[base + 4]!),
      exactX60: big === undefined ? r[base + 5]! : BigInt(big),
    };
  };
  return {
    id: r[o]!, startMs: r[o + 1]!, durationMs: r[o + 2]!, answered: r[o + 3] === 1, source: r[o + 4]!,
    old: Number.isNaN(r[o + C_OLD]!) ? null : rating(o + C_OLD, 'o'), now: rating(o + C_NEW, 'n'),
  };
}

/** A worker thread's cache of the deck it rates with: loaded once for all the ranges it is given. */
export function tableFor(db: Db, spec: RerateSpec, cache: { key: string; table: VersionedRateTable } | null): { key: string; table: VersionedRateTable } {
  const key = `${spec.carrier.id}|${spec.side}`;
  if (cache?.key === key) return cache;
  return { key, table: VersionedRateTable.load(db, spec.carrier.id, spec.side) };
}
