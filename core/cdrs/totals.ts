import type { CdrSource, RoundingPolicyLike, SideRatingCounts, Side, UnratedReason } from '../api/contract.ts';
import { SOURCE_CODE } from '../db/cdrs-repo.ts';
import type { Db } from '../db/open.ts';
import { formatAmountE8, lineAmountE8 } from '../rating/amount.ts';

export const REASONS: Record<number, UnratedReason> = { 1: 'no rate', 2: 'closed code', 3: 'blocked', 4: 'invalid number' };

export interface CallFilter {
  carrierId: number;
  source?: CdrSource;
  side: Side;
  importId?: number;
  fromMs?: number;
  toMs?: number;
  /**
   * Walk the table in id order instead of through the (carrier, source, start) index: for paging
   * by id, and for whole-history aggregates, where a sequential scan beats an index lookup per row.
   */
  tableScan?: boolean;
}

/** The WHERE clause and parameters of a set of calls; every column is one the indexes lead with. */
export function callWhere(f: CallFilter): { sql: string; params: Record<string, unknown> } {
  // A unary + keeps SQLite off an index for that term (the id range then drives the scan).
  const col = f.tableScan ? '+c.' : 'c.';
  // A side's calls are those whose leg on that side is the carrier's: the vendor leg is rated on the
  // vendor's buy deck, the customer leg on the customer's sell deck.
  const where = [`${col}${f.side === 'buy' ? 'vendor_id' : 'customer_id'} = @carrier`];
  const params: Record<string, unknown> = { carrier: f.carrierId };
  if (f.source) {
    where.push(`${col}source = @source`);
    params.source = SOURCE_CODE[f.source];
  }
  if (f.importId !== undefined) {
    where.push('c.import_id = @import');
    params.import = f.importId;
  }
  if (f.fromMs !== undefined) {
    where.push('c.start_ms >= @from');
    params.from = f.fromMs;
  }
  if (f.toMs !== undefined) {
    where.push('c.start_ms < @to');
    params.to = f.toMs;
  }
  return { sql: where.join(' AND '), params };
}

/**
 * What a set of calls comes to on one side. Per-call and per-increment policies add the rounded
 * call amounts; a per-line policy rounds each line (destination and rate) once, from the exact sums.
 */
export { formatAmountE8 };

export function sideTotals(db: Db, carrierId: number, source: CdrSource | undefined, side: Side, importId?: number, range?: { fromMs?: number; toMs?: number }, policy?: RoundingPolicyLike, currency?: string): SideRatingCounts {
  const { sql, params } = callWhere({ carrierId, source, side, importId, ...range });
  const counts = db.prepare(`SELECT c.${side}_status AS status, c.${side}_reason AS reason, count(*) AS n, sum(c.${side}_amount_e8) AS amount
    FROM cdrs c WHERE ${sql} GROUP BY 1, 2`).all(params) as { status: number | null; reason: number | null; n: number; amount: number | bigint | null }[];
  const out: SideRatingCounts = {
    side, rated: 0, free: 0, unrated: { 'no rate': 0, 'closed code': 0, blocked: 0, 'invalid number': 0 }, amount: '0', currency: currency ?? '',
  };
  let total = 0n;
  for (const c of counts) {
    if (c.status === 0) {
      out.rated += c.n;
      total += BigInt(c.amount ?? 0);
    } else if (c.status === 1) out.free += c.n;
    else if (c.status === 2) out.unrated[REASONS[c.reason ?? 1]!] += c.n;
  }
  const meta = db.prepare(`SELECT r.currency AS currency, ca.rounding_level AS level, ca.rounding_decimals AS decimals, ca.rounding_mode AS mode
    FROM carriers ca LEFT JOIN rates r ON r.carrier_id = ca.id AND r.side = ? WHERE ca.id = ? LIMIT 1`).get(side, carrierId) as
    { currency: string | null; level: RoundingPolicyLike['level']; decimals: number; mode: RoundingPolicyLike['mode'] };
  const p = policy ?? { level: meta.level, decimals: meta.decimals, mode: meta.mode };
  out.currency = currency ?? meta.currency ?? '';
  if (p.level === 'per-line') {
    total = 0n;
    const lines = db.prepare(`SELECT sum(c.${side}_exact_x60) AS x60, sum(r.connection_fee_e8) AS fees FROM cdrs c JOIN rates r ON r.id = c.${side}_rate_id
      WHERE ${sql} AND c.${side}_status = 0 GROUP BY r.destination, r.rate_per_min_e8`).safeIntegers(true).all(params) as { x60: bigint; fees: bigint }[];
    for (const l of lines) total += lineAmountE8(l.x60, p, l.fees);
  }
  out.amount = formatAmountE8(total);
  return out;
}
