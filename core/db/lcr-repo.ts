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

/** The calls a what-if compares: our own switch's calls of one customer or one vendor in a period. */
export interface WhatIfFilter {
  leg: 'customer_id' | 'vendor_id';
  carrierId: number;
  fromMs: number;
  toMs: number;
}

/** One group of calls as they were routed: vendor, rating status and the rate version that priced them. */
export interface RoutedGroup {
  vendorId: number | null;
  status: number | null;
  rateId: number | null;
  calls: number;
  billedS: bigint;
  amountE8: bigint;
  exactX60: bigint;
  destination: string | null;
  rateE8: number | null;
  feeE8: number | null;
}

/** SQL for least-cost routing: deck snapshots, a stamp of what the tables were built from, and the calls of a what-if. */
export class LcrRepo {
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

  /** The currency of a carrier's deck on a side, or null without one. */
  deckCurrency(carrierId: number, side: Side): string | null {
    return (this.db.prepare('SELECT currency FROM deck_imports WHERE carrier_id = ? AND side = ? ORDER BY id DESC LIMIT 1').pluck().get(carrierId, side) as string | undefined) ?? null;
  }

  /** The calls as routed, summed in SQLite by vendor, status and rate version (with the version's destination and price). */
  routedGroups(f: WhatIfFilter): RoutedGroup[] {
    const stmt = this.db.prepare(`SELECT g.vendor_id, g.status, g.rid, g.n, g.billed, g.amount, g.x60, r.destination, r.rate_per_min_e8, r.connection_fee_e8
      FROM (SELECT c.vendor_id, c.buy_status AS status, c.buy_rate_id AS rid, count(*) AS n, coalesce(sum(c.buy_billed_s), 0) AS billed,
              coalesce(sum(c.buy_amount_e8), 0) AS amount, coalesce(sum(c.buy_exact_x60), 0) AS x60
            FROM cdrs c WHERE c.${f.leg} = @carrier AND c.source = 0 AND c.start_ms >= @from AND c.start_ms < @to GROUP BY 1, 2, 3) g
      LEFT JOIN rates r ON r.id = g.rid AND g.status = 0`).raw().safeIntegers(true);
    // Streamed into compact objects: a month can use hundreds of thousands of rate versions.
    const out: RoutedGroup[] = [];
    for (const r of stmt.iterate({ carrier: f.carrierId, from: f.fromMs, to: f.toMs }) as Iterable<[bigint | null, bigint | null, bigint | null, bigint, bigint, bigint, bigint, string | null, bigint | null, bigint | null]>) {
      out.push({
        vendorId: r[0] === null ? null : Number(r[0]), status: r[1] === null ? null : Number(r[1]), rateId: r[2] === null ? null : Number(r[2]),
        calls: Number(r[3]), billedS: r[4], amountE8: r[5], exactX60: r[6], destination: r[7], rateE8: r[8] === null ? null : Number(r[8]),
        feeE8: r[9] === null ? null : Number(r[9]),
      });
    }
    return out;
  }

  /** The calls rated as routed that started in [fromMs, toMs): [start_ms, called, duration_ms, buy_rate_id] each, through the leg's index. */
  routedCallsWindow(f: WhatIfFilter, fromMs: number, toMs: number): [number, string, number, number][] {
    return this.db.prepare(`SELECT c.start_ms, c.called, c.duration_ms, c.buy_rate_id FROM cdrs c
      WHERE c.${f.leg} = ? AND c.source = 0 AND c.start_ms >= ? AND c.start_ms < ? AND c.buy_status = 0`).raw().all(f.carrierId, fromMs, toMs) as
      [number, string, number, number][];
  }
}
