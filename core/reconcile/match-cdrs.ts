import { hash53 } from '../util/hash52.ts';

/** One side's calls for matching, as flat columns (index i is one call), in start order. */
export interface MatchSide {
  n: number;
  /** numberKey() of the normalised called number. */
  key: Float64Array;
  startMs: Float64Array;
  durationMs: Float64Array;
}

export interface MatchResult {
  /** Per own call: the carrier call it matched, or -1. */
  ownMatch: Int32Array;
  /** Per carrier call: the own call it matched, or -1. */
  carrierMatch: Int32Array;
  /** Per carrier call: 1 when it repeats an earlier carrier call (same number, start within tolerance, same duration). */
  duplicate: Uint8Array;
}

/**
 * A number (digits only) as a float key, equal only for equal digit strings: "1" + digits while
 * that is exact (up to 15 digits), else a negative 53-bit hash (a collision needs equal hashes AND
 * starts within the tolerance to matter).
 */
export function numberKey(digits: string): number {
  return digits.length <= 15 ? Number(`1${digits}`) : -1 - hash53(digits);
}

/** Dense ranks of the keys of both sides: one sort of the distinct keys, then a binary search per call. */
function ranks(a: Float64Array, b: Float64Array): { ra: Int32Array; rb: Int32Array; count: number } {
  const all = new Float64Array(a.length + b.length);
  all.set(a, 0);
  all.set(b, a.length);
  all.sort();
  let u = 0;
  for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[i - 1]) all[u++] = all[i]!;
  const uniq = all.subarray(0, u);
  const rank = (keys: Float64Array): Int32Array => {
    const out = new Int32Array(keys.length);
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      let lo = 0;
      let hi = u - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (uniq[mid]! < k) lo = mid + 1;
        else hi = mid;
      }
      out[i] = lo;
    }
    return out;
  };
  return { ra: rank(a), rb: rank(b), count: u };
}

/** A stable counting sort of call indices by rank: each number's calls together, still in start order. */
function groupByRank(r: Int32Array, count: number): { order: Int32Array; start: Int32Array } {
  const start = new Int32Array(count + 1);
  for (let i = 0; i < r.length; i++) start[r[i]! + 1]!++;
  for (let g = 0; g < count; g++) start[g + 1]! += start[g]!;
  const fill = start.slice(0, count);
  const order = new Int32Array(r.length);
  for (let i = 0; i < r.length; i++) order[fill[r[i]!]!++] = i;
  return { order, start };
}

/**
 * Matches our calls with the carrier's: the same normalised number and starts within ±tolMs,
 * nearest first (ties: the earlier own call, then the earlier carrier call), each call used once.
 * Carrier duplicates are found first and never match. O(n log n): a sort of the distinct numbers,
 * a counting sort by number, then a sweep per number over calls already in start order.
 * Both sides must come in start order (SQLite gives them so through the vendor index).
 */
export function matchCdrs(own: MatchSide, carrier: MatchSide, tolMs: number): MatchResult {
  const ownMatch = new Int32Array(own.n).fill(-1);
  const carrierMatch = new Int32Array(carrier.n).fill(-1);
  const duplicate = new Uint8Array(carrier.n);
  const { ra, rb, count } = ranks(own.key.subarray(0, own.n), carrier.key.subarray(0, carrier.n));
  const go = groupByRank(ra, count);
  const gc = groupByRank(rb, count);
  const cand: number[] = [];
  for (let g = 0; g < count; g++) {
    const o0 = go.start[g]!;
    const o1 = go.start[g + 1]!;
    const c0 = gc.start[g]!;
    const c1 = gc.start[g + 1]!;
    // Duplicates in the carrier's file: a call equal in duration to an earlier one within the tolerance.
    for (let x = c0 + 1; x < c1; x++) {
      const k = gc.order[x]!;
      for (let y = x - 1; y >= c0; y--) {
        const j = gc.order[y]!;
        if (carrier.startMs[k]! - carrier.startMs[j]! > tolMs) break;
        if (!duplicate[j] && carrier.durationMs[j] === carrier.durationMs[k]) {
          duplicate[k] = 1;
          break;
        }
      }
    }
    if (o0 === o1 || c0 === c1) continue;
    if (o1 - o0 === 1 && c1 - c0 === 1) {
      const o = go.order[o0]!;
      const k = gc.order[c0]!;
      if (!duplicate[k] && Math.abs(own.startMs[o]! - carrier.startMs[k]!) <= tolMs) {
        ownMatch[o] = k;
        carrierMatch[k] = o;
      }
      continue;
    }
    // Candidate pairs within the window (two pointers over start-ordered lists), then nearest first.
    cand.length = 0;
    let lo = c0;
    for (let x = o0; x < o1; x++) {
      const o = go.order[x]!;
      const s = own.startMs[o]!;
      while (lo < c1 && carrier.startMs[gc.order[lo]!]! < s - tolMs) lo++;
      for (let y = lo; y < c1; y++) {
        const k = gc.order[y]!;
        const d = carrier.startMs[k]! - s;
        if (d > tolMs) break;
        if (!duplicate[k]) cand.push(Math.abs(d), x, y);
      }
    }
    const m = cand.length / 3;
    const idx = Array.from({ length: m }, (_, i) => i);
    idx.sort((p, q) => cand[p * 3]! - cand[q * 3]! || cand[p * 3 + 1]! - cand[q * 3 + 1]! || cand[p * 3 + 2]! - cand[q * 3 + 2]!);
    for (const p of idx) {
      const o = go.order[cand[p * 3 + 1]!]!;
      const k = gc.order[cand[p * 3 + 2]!]!;
      if (ownMatch[o] !== -1 || carrierMatch[k] !== -1) continue;
      ownMatch[o] = k;
      carrierMatch[k] = o;
    }
  }
  return { ownMatch, carrierMatch, duplicate };
}
