import type { Statement } from 'better-sqlite3';
import type { Side } from '../api/contract.ts';
import type { Db } from './open.ts';

const T1 = 2 ** 36;
const T2 = 2 ** 24;
const T3 = 2 ** 12;

/** One deck as it stood at an instant, in flat arrays sorted by prefix (SQLite's binary order = JS string order for digits). */
export interface DeckRows {
  count: number;
  ids: Float64Array;
  prefixes: string[];
  destinations: string[];
  /** 0 rate, 1 closed, 2 blocked. */
  kind: Uint8Array;
  rateE8: Float64Array;
  feeE8: Float64Array;
  first: Int32Array;
  next: Int32Array;
  min: Int32Array;
  grace: Int32Array;
  fromMs: Float64Array;
  currency: string | null;
}

/** A deck's whole live history (every version not superseded), ordered by prefix then start: what the what-if prices calls with. */
export interface DeckHistory {
  size: number;
  ids: Float64Array;
  /** Distinct prefixes in order; versionPrefix[i] is version i's. */
  prefixes: string[];
  versionPrefix: Int32Array;
  from: Float64Array;
  /** Infinity: open-ended. */
  to: Float64Array;
  /** 0 rate, 1 closed, 2 blocked. */
  kind: Uint8Array;
  rateE8: Float64Array;
  feeE8: Float64Array;
  first: Int32Array;
  next: Int32Array;
  min: Int32Array;
  grace: Int32Array;
}

/** The calls a what-if compares: our own switch's calls of one customer or one vendor in a period. */
export interface WhatIfFilter {
  leg: 'customer_id' | 'vendor_id';
  carrierId: number;
  fromMs: number;
  toMs: number;
}

/**
 * One call of a what-if period as the scan reads it (raw columns): [called, leg, duration_ms,
 * buy_rate_id, buy_billed_s, amount] (amount: buy_exact_x60 per line, else buy_amount_e8). `leg` is the vendor's id for a call rated
 * on a vendor's deck (buy_status 0 with a vendor), else -1 free, -2 unrated, -3 not rated; only the
 * first kind carries the other columns. An amount beyond 2^53 − 1 comes as decimal text (exact).
 */
export type WhatIfCall = [string | null, number, number | null, number | null, number | null, number | string | null];

/** SQL for least-cost routing: deck snapshots, a stamp of what the tables were built from, and the calls of a what-if. */
export class LcrRepo {
  private readonly whatIfStatements = new Map<string, Statement>();

  constructor(private readonly db: Db) {}

  /**
   * Changes whenever a deck import or a carrier's settings (LCR preference, rounding, name) change:
   * a cached LCR table built under another stamp is stale.
   */
  stamp(): string {
    return this.db.prepare(`SELECT (SELECT coalesce(max(id), 0) FROM deck_imports) || ':' ||
      (SELECT coalesce(sum(settings_version), 0) || '.' || count(*) || '.' || coalesce(max(updated_at_ms), 0) FROM carriers)`).pluck().get() as string;
  }

  /** Carriers with at least one deck import on a side. */
  carriersWithDeck(side: Side): number[] {
    return this.db.prepare('SELECT DISTINCT carrier_id FROM deck_imports WHERE side = ? ORDER BY carrier_id').pluck().all(side) as number[];
  }

  /** The versions of a deck in force at an instant (closed and blocked ones too: they shadow shorter prefixes). */
  deckAt(carrierId: number, side: Side, atMs: number): DeckRows {
    const alloc = (n: number): DeckRows => ({
      count: 0, ids: new Float64Array(n), prefixes: [], destinations: [], kind: new Uint8Array(n), rateE8: new Float64Array(n), feeE8: new Float64Array(n),
      first: new Int32Array(n), next: new Int32Array(n), min: new Int32Array(n), grace: new Int32Array(n), fromMs: new Float64Array(n), currency: null,
    });
    let capacity = 1 << 16;
    let rows = alloc(capacity);
    // Terms and kind travel packed in one integer: reading columns into JS costs more than SQLite's arithmetic.
    const stmt = this.db.prepare(`SELECT id, prefix, destination, coalesce(rate_per_min_e8, 0), connection_fee_e8,
        (first_increment_s * ${T1} + next_increment_s * ${T2} + min_duration_s * ${T3} + grace_s) * 4
          + CASE kind WHEN 'rate' THEN 0 WHEN 'closed' THEN 1 ELSE 2 END, effective_from_ms
      FROM rates WHERE carrier_id = ? AND side = ? AND superseded_by_import_id IS NULL
        AND effective_from_ms <= ? AND (effective_to_ms IS NULL OR effective_to_ms > ?)
      ORDER BY prefix`).raw();
    let i = 0;
    for (const r of stmt.iterate(carrierId, side, atMs, atMs) as Iterable<[number, string, string, number, number, number, number]>) {
      if (i === capacity) {
        capacity *= 2;
        const bigger = alloc(capacity);
        for (const k of ['ids', 'kind', 'rateE8', 'feeE8', 'first', 'next', 'min', 'grace', 'fromMs'] as const) (bigger[k] as Float64Array).set(rows[k] as Float64Array);
        bigger.prefixes = rows.prefixes;
        bigger.destinations = rows.destinations;
        rows = bigger;
      }
      rows.ids[i] = r[0];
      rows.prefixes.push(r[1]);
      rows.destinations.push(r[2]);
      rows.rateE8[i] = r[3];
      rows.feeE8[i] = r[4];
      const packed = r[5];
      const kind = packed % 4;
      const terms = (packed - kind) / 4;
      rows.kind[i] = kind;
      const grace = terms % T3;
      const min = ((terms - grace) / T3) % T3;
      const next = ((terms - grace - min * T3) / T2) % T3;
      rows.first[i] = (terms - grace - min * T3 - next * T2) / T1;
      rows.next[i] = next;
      rows.min[i] = min;
      rows.grace[i] = grace;
      rows.fromMs[i] = r[6];
      i++;
    }
    rows.count = i;
    rows.currency = this.deckCurrency(carrierId, side);
    return rows;
  }

  /**
   * Every live version of a deck (any instant), like VersionedRateTable.load without its trie, and
   * with terms and kind packed in one column (fewer columns cross from SQLite).
   */
  deckHistory(carrierId: number, side: Side): DeckHistory {
    const count = this.db.prepare('SELECT count(*) FROM rates WHERE carrier_id = ? AND side = ? AND superseded_by_import_id IS NULL').pluck().get(carrierId, side) as number;
    const h: DeckHistory = {
      size: 0, ids: new Float64Array(count), prefixes: [], versionPrefix: new Int32Array(count), from: new Float64Array(count), to: new Float64Array(count),
      kind: new Uint8Array(count), rateE8: new Float64Array(count), feeE8: new Float64Array(count), first: new Int32Array(count), next: new Int32Array(count),
      min: new Int32Array(count), grace: new Int32Array(count),
    };
    const stmt = this.db.prepare(`SELECT id, prefix, effective_from_ms, coalesce(effective_to_ms, 9007199254740991), coalesce(rate_per_min_e8, 0), connection_fee_e8,
        (first_increment_s * ${T1} + next_increment_s * ${T2} + min_duration_s * ${T3} + grace_s) * 4
          + CASE kind WHEN 'rate' THEN 0 WHEN 'closed' THEN 1 ELSE 2 END
      FROM rates WHERE carrier_id = ? AND side = ? AND superseded_by_import_id IS NULL ORDER BY prefix, effective_from_ms`).raw();
    let i = 0;
    let last = '';
    for (const r of stmt.iterate(carrierId, side) as Iterable<[number, string, number, number, number, number, number]>) {
      if (i >= count) break;
      if (r[1] !== last || h.prefixes.length === 0) {
        h.prefixes.push(r[1]);
        last = r[1];
      }
      h.ids[i] = r[0];
      h.from[i] = r[2];
      h.to[i] = r[3] === Number.MAX_SAFE_INTEGER ? Number.POSITIVE_INFINITY : r[3];
      h.rateE8[i] = r[4];
      h.feeE8[i] = r[5];
      const packed = r[6];
      const kind = packed % 4;
      const terms = (packed - kind) / 4;
      h.kind[i] = kind;
      const grace = terms % T3;
      const min = ((terms - grace) / T3) % T3;
      const next = ((terms - grace - min * T3) / T2) % T3;
      h.first[i] = (terms - grace - min * T3 - next * T2) / T1;
      h.next[i] = next;
      h.min[i] = min;
      h.grace[i] = grace;
      h.versionPrefix[i] = h.prefixes.length - 1;
      i++;
    }
    h.size = i;
    return h;
  }

  /** The currency of a carrier's deck on a side, or null without one. */
  deckCurrency(carrierId: number, side: Side): string | null {
    return (this.db.prepare('SELECT currency FROM deck_imports WHERE carrier_id = ? AND side = ? ORDER BY id DESC LIMIT 1').pluck().get(carrierId, side) as string | undefined) ?? null;
  }

  /**
   * The vendors among `candidates` with own calls rated on their buy deck on a day touching
   * [fromMs, toMs), by the per-day totals (any customer's calls: a superset of one leg's vendors).
   */
  vendorsRatedBetween(candidates: number[], fromMs: number, toMs: number): number[] {
    const stmt = this.db.prepare(`SELECT 1 FROM cdr_daily WHERE carrier_id = ? AND side = 0 AND source = 0 AND day >= ? AND day <= ? AND status = 0 LIMIT 1`).pluck();
    const first = Math.floor(fromMs / 86_400_000);
    const last = Math.floor((toMs - 1) / 86_400_000);
    return candidates.filter((id) => stmt.get(id, first, last) !== undefined);
  }

  /**
   * The calls of a what-if that started in [fromMs, toMs), through the leg's index: one row a call
   * (WhatIfCall), the rated ones with what the scan needs, the others with their kind only. The
   * amount column is buy_exact_x60 for calls to the vendors listed in `perLine`, else buy_amount_e8.
   */
  whatIfCalls(f: WhatIfFilter, perLine: number[], fromMs: number, toMs: number): WhatIfCall[] {
    const key = `${f.leg}:${perLine.join(',')}`;
    let stmt = this.whatIfStatements.get(key);
    if (!stmt) {
      const rated = 'c.buy_status = 0 AND c.vendor_id IS NOT NULL';
      const exact = (col: string) => `CASE WHEN ${col} BETWEEN -9007199254740991 AND 9007199254740991 THEN ${col} ELSE CAST(${col} AS TEXT) END`;
      const amount = perLine.length === 0 ? exact('c.buy_amount_e8')
        : `CASE WHEN c.vendor_id IN (${perLine.map(Number).join(',')}) THEN ${exact('c.buy_exact_x60')} ELSE ${exact('c.buy_amount_e8')} END`;
      stmt = this.db.prepare(`SELECT CASE WHEN ${rated} THEN c.called END,
          CASE WHEN ${rated} THEN c.vendor_id WHEN c.buy_status = 1 THEN -1 WHEN c.buy_status = 2 THEN -2 ELSE -3 END,
          CASE WHEN ${rated} THEN c.duration_ms END, CASE WHEN ${rated} THEN c.buy_rate_id END, CASE WHEN ${rated} THEN c.buy_billed_s END,
          CASE WHEN ${rated} THEN ${amount} END
        FROM cdrs c WHERE c.${f.leg} = ? AND c.source = 0 AND c.start_ms >= ? AND c.start_ms < ?`).raw();
      this.whatIfStatements.set(key, stmt);
    }
    return stmt.all(f.carrierId, fromMs, toMs) as WhatIfCall[];
  }

  /** Whether a what-if's period holds at least `n` calls of the leg (any rating): counted through the leg's index, at most `n`. */
  whatIfCallsAtLeast(f: WhatIfFilter, n: number): boolean {
    if (n <= 0) return true;
    const count = this.db.prepare(`SELECT count(*) FROM (SELECT 1 FROM cdrs c WHERE c.${f.leg} = ? AND c.source = 0 AND c.start_ms >= ? AND c.start_ms < ? LIMIT ?)`)
      .pluck().get(f.carrierId, f.fromMs, f.toMs, Math.floor(n)) as number;
    return count >= n;
  }

  /** Destination, rate and fee of rate versions by id (any version, superseded too); absent ids are deleted ones. */
  ratesById(ids: number[]): Map<number, { destination: string; rateE8: number | null; feeE8: number | null }> {
    const out = new Map<number, { destination: string; rateE8: number | null; feeE8: number | null }>();
    const stmt = this.db.prepare('SELECT id, destination, rate_per_min_e8, connection_fee_e8 FROM rates WHERE id IN (SELECT value FROM json_each(?))').raw();
    for (let i = 0; i < ids.length; i += 50_000) {
      for (const r of stmt.iterate(JSON.stringify(ids.slice(i, i + 50_000))) as Iterable<[number, string, number | null, number | null]>) {
        out.set(r[0], { destination: r[1], rateE8: r[2], feeE8: r[3] });
      }
    }
    return out;
  }
}
