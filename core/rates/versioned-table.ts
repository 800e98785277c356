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
export class VersionedRateTable {
  private constructor(
    private readonly trie: PrefixTrie,
    /** Per prefix: the first version's index and the count, in effective order. */
    private readonly groupStart: Int32Array,
    private readonly groupCount: Int32Array,
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
  ) {}

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
    prefixes.forEach((p, g) => trie.insert(p, g));
    return new VersionedRateTable(trie, Int32Array.from(starts), Int32Array.from(counts), ids, from, to, kind, rateE8, feeE8, first, next, min, grace, prefixes, versionPrefix);
  }

  /**
   * The version that rates a call to `digits` starting at `atMs`: the longest prefix that has a
   * version in force then (a prefix that did not exist yet, or had ended, leaves the call to a
   * shorter one), or -1. Closed and blocked versions are returned: they shadow shorter prefixes.
   */
  match(digits: string, atMs: number): number {
    const groups = this.trie.matches(digits, this.scratch);
    for (let k = groups - 1; k >= 0; k--) {
      const g = this.scratch[k]!;
      const start = this.groupStart[g]!;
      const end = start + this.groupCount[g]!;
      for (let v = end - 1; v >= start; v--) {
        if (this.from[v]! <= atMs) {
          if (atMs < this.to[v]!) return v;
          break;
        }
      }
    }
    return -1;
  }

  private readonly scratch = new Int32Array(32);
}
