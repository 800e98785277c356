import type { Side } from '../api/contract.ts';
import type { Db } from '../db/open.ts';
import { PrefixTrie } from './prefix-trie.ts';

export const KIND_RATE = 0;
export const KIND_CLOSED = 1;
export const KIND_BLOCKED = 2;

/**
 * A carrier's whole deck across time, in flat typed arrays: every current version of every
 * prefix, grouped by prefix in effective order, behind a digit trie. A call is matched at its own
 * start instant, so one table rates a month that spans several decks.
 */
/**
 * A version's terms as the rating of a call reads them, one 64-byte record per version (a call's
 * rating reads one cache line, where separate arrays cost a miss each): as Float64 from, to,
 * rate, fee, id (R_FROM…R_ID); as Int32 first and next increment, minimum, grace, kind and the
 * index of its prefix's first version (I_FIRST…I_GROUP_START).
 */
export const R_STRIDE = 8;
export const R_FROM = 0;
export const R_TO = 1;
export const R_RATE = 2;
export const R_FEE = 3;
export const R_ID = 4;
export const I_FIRST = 10;
export const I_NEXT = 11;
export const I_MIN = 12;
export const I_GRACE = 13;
export const I_KIND = 14;
export const I_GROUP_START = 15;

export class VersionedRateTable {
  /** The records (see R_STRIDE), as Float64 and as Int32 over the same bytes. */
  readonly rec: Float64Array;
  readonly reci: Int32Array;

  private constructor(
    /** Per prefix: the index of its last version (the versions of a prefix are in effective order). */
    private readonly trie: PrefixTrie,
    readonly ids: Float64Array,
    readonly from: Float64Array,
    readonly to: Float64Array,
    readonly kind: Uint8Array,
    readonly rateE8: Float64Array,
    readonly feeE8: Float64Array,
    readonly first: Int32Array,
    readonly next: Int32Array,
    readonly min: Int32Array,
    readonly grace: Int32Array,
    readonly prefixes: string[],
    readonly versionPrefix: Int32Array,
    groupStart: Int32Array,
  ) {
    const n = ids.length;
    this.rec = new Float64Array(n * R_STRIDE);
    this.reci = new Int32Array(this.rec.buffer);
    for (let v = 0; v < n; v++) {
      const o = v * R_STRIDE;
      this.rec[o + R_FROM] = from[v]!;
      this.rec[o + R_TO] = to[v]!;
      this.rec[o + R_RATE] = rateE8[v]!;
      this.rec[o + R_FEE] = feeE8[v]!;
      this.rec[o + R_ID] = ids[v]!;
      const i = o * 2;
      this.reci[i + I_FIRST] = first[v]!;
      this.reci[i + I_NEXT] = next[v]!;
      this.reci[i + I_MIN] = min[v]!;
      this.reci[i + I_GRACE] = grace[v]!;
      this.reci[i + I_KIND] = kind[v]!;
      this.reci[i + I_GROUP_START] = groupStart[versionPrefix[v]!]!;
    }
  }

  get size(): number {
    return this.ids.length;
  }

  static load(db: Db, carrierId: number, side: Side): VersionedRateTable {
    const count = db.prepare('SELECT count(*) FROM rates WHERE carrier_id = ? AND side = ? AND superseded_by_import_id IS NULL').pluck().get(carrierId, side) as number;
    const ids = new Float64Array(count);
    const from = new Float64Array(count);
    const to = new Float64Array(count);
    const kind = new Uint8Array(count);
    const rateE8 = new Float64Array(count);
    const feeE8 = new Float64Array(count);
    const first = new Int32Array(count);
    const next = new Int32Array(count);
    const min = new Int32Array(count);
    const grace = new Int32Array(count);
    const versionPrefix = new Int32Array(count);
    const prefixes: string[] = [];
    const starts: number[] = [];
    const counts: number[] = [];
    const stmt = db
      .prepare(
        `SELECT id, prefix, effective_from_ms, effective_to_ms, CASE kind WHEN 'rate' THEN 0 WHEN 'closed' THEN 1 ELSE 2 END,
           rate_per_min_e8, connection_fee_e8, first_increment_s, next_increment_s, min_duration_s, grace_s
         FROM rates WHERE carrier_id = ? AND side = ? AND superseded_by_import_id IS NULL ORDER BY prefix, effective_from_ms`,
      )
      .raw();
    let i = 0;
    let last = '';
    for (const r of stmt.iterate(carrierId, side) as Iterable<[number, string, number, number | null, number, number | null, number, number, number, number, number]>) {
      if (i >= count) break;
      if (r[1] !== last || prefixes.length === 0) {
        prefixes.push(r[1]);
        starts.push(i);
        counts.push(0);
        last = r[1];
      }
      counts[counts.length - 1]!++;
      ids[i] = r[0];
      from[i] = r[2];
      to[i] = r[3] ?? Number.POSITIVE_INFINITY;
      kind[i] = r[4];
      rateE8[i] = r[5] ?? 0;
      feeE8[i] = r[6];
      first[i] = r[7];
      next[i] = r[8];
      min[i] = r[9];
      grace[i] = r[10];
      versionPrefix[i] = prefixes.length - 1;
      i++;
    }
    const trie = new PrefixTrie(prefixes.length * 3);
    prefixes.forEach((p, g) => trie.insert(p, starts[g]! + counts[g]! - 1));
    return new VersionedRateTable(trie, ids, from, to, kind, rateE8, feeE8, first, next, min, grace, prefixes, versionPrefix, Int32Array.from(starts));
  }

  /**
   * The version that rates a call to `digits` starting at `atMs`: the longest prefix that has a
   * version in force then (a prefix that did not exist yet, or had ended, leaves the call to a
   * shorter one), or -1. Closed and blocked versions are returned: they shadow shorter prefixes.
   */
  match(digits: string, atMs: number): number {
    const groups = this.trie.matches(digits, this.scratch);
    const rec = this.rec;
    for (let k = groups - 1; k >= 0; k--) {
      let v = this.scratch[k]!;
      const start = this.reci[v * R_STRIDE * 2 + I_GROUP_START]!;
      for (; v >= start; v--) {
        const o = v * R_STRIDE;
        if (rec[o + R_FROM]! <= atMs) {
          if (atMs < rec[o + R_TO]!) return v;
          break;
        }
      }
    }
    return -1;
  }

  private readonly scratch = new Int32Array(32);
}
