/**
 * The LCR table at one instant (DOMAIN "Least-cost routing"): the prefix universe is every live
 * prefix of the vendors' buy decks (and the customer's sell deck) in force then; each vendor's rate
 * for a prefix is its longest-prefix match in its own deck (its 44 covers 447 unless it has 447; a
 * closed or blocked 447 means it does not carry 447, never a fall-back to 44). Vendors rank by
 * rate, ties by LCR preference (lower first), then name: the same input gives the same output.
 *
 * Everything is integers in typed arrays, indexed [prefix × vendor]: no per-cell objects.
 */
import type { DeckRows } from '../db/lcr-repo.ts';
import { chargeCall, lineAmountE8, type RoundingPolicy } from '../rating/amount.ts';

export const FLAG_UNCOVERED = 1;
export const FLAG_UNPROFITABLE = 2;
export const FLAG_SINGLE = 4;
export const FLAG_CHANGED = 8;
export const FLAG_ROUTING_CHANGED = 16;

const KIND_RATE = 0;

/** A deck ready for matching, with the typical call's cost on each of its rates. */
export interface LcrDeck {
  name: string;
  carrierId: number;
  lcrPreference: number;
  policy: RoundingPolicy;
  rows: DeckRows;
  /** The typical call's amount in e8 on each row, rounded by the carrier's policy (-1 for closed and blocked rows). */
  costE8: Float64Array;
}

/** What a call of `durationS` seconds costs on a rate row, rounded as the carrier's policy rounds it (per line: a one-call line). */
export function typicalCostE8(rows: DeckRows, i: number, durationS: number, policy: RoundingPolicy): number {
  const terms = { first: rows.first[i]!, next: rows.next[i]!, min: rows.min[i]!, grace: rows.grace[i]! };
  const c = chargeCall(durationS, rows.rateE8[i]!, rows.feeE8[i]!, terms, policy);
  if (c.amountE8 !== null) return c.amountE8;
  return Number(lineAmountE8(BigInt(c.exactX60), policy, BigInt(c.feeE8)));
}

export function makeDeck(d: { name: string; carrierId: number; lcrPreference: number; policy: RoundingPolicy }, rows: DeckRows, typicalS: number): LcrDeck {
  const costE8 = new Float64Array(rows.count);
  for (let i = 0; i < rows.count; i++) {
    costE8[i] = rows.kind[i] === KIND_RATE ? typicalCostE8(rows, i, typicalS, d.policy) : -1;
  }
  return { ...d, rows, costE8 };
}

/** Vendors in tie-break order: LCR preference (lower first), then name (any case, then exact), then id. */
export function orderVendors<T extends { name: string; lcrPreference: number; carrierId: number }>(vendors: T[]): T[] {
  return [...vendors].sort((a, b) => {
    if (a.lcrPreference !== b.lcrPreference) return a.lcrPreference - b.lcrPreference;
    const al = a.name.toLowerCase();
    const bl = b.name.toLowerCase();
    if (al !== bl) return al < bl ? -1 : 1;
    if (a.name !== b.name) return a.name < b.name ? -1 : 1;
    return a.carrierId - b.carrierId;
  });
}

export interface LcrSnapshot {
  /** In tie-break order. */
  vendors: LcrDeck[];
  sell: LcrDeck | null;
}

/** The routes of every prefix of a universe on one snapshot: matched rows, order by rate and by cost, the sell row. */
interface Routing {
  /** [p × V]: the vendor deck's row that matches prefix p (any kind), or -1. */
  cell: Int32Array;
  /** [p × V]: vendor indices with a rate for p, by rate (ties: vendor order), -1 after the last. */
  byRate: Int8Array;
  /** [p × V]: the same by the typical call's cost (ties: rate, then vendor order). */
  byCost: Int8Array;
  routes: Uint8Array;
  /** The sell deck's rate row for p, or -1 (none, closed or blocked). */
  sellRow: Int32Array;
}

export interface LcrTable extends LcrSnapshot, Routing {
  atMs: number;
  typicalS: number;
  rankBy: 'rate' | 'cost';
  n: number;
  prefixes: string[];
  destinations: string[];
  flags: Uint8Array;
  /** With an earlier instant: the routing then, for the same universe. */
  previous: (LcrSnapshot & Routing & { atMs: number }) | null;
}

/** Merges sorted, de-duplicated string lists into one (pairwise: log K passes of linear merges). */
export function mergeSorted(lists: string[][]): string[] {
  let work = lists.filter((l) => l.length > 0);
  if (work.length === 0) return [];
  while (work.length > 1) {
    const next: string[][] = [];
    for (let k = 0; k < work.length; k += 2) {
      const a = work[k]!;
      const b = work[k + 1];
      if (!b) {
        next.push(a);
        continue;
      }
      const out: string[] = [];
      let i = 0;
      let j = 0;
      while (i < a.length && j < b.length) {
        const x = a[i]!;
        const y = b[j]!;
        if (x === y) {
          out.push(x);
          i++;
          j++;
        } else if (x < y) {
          out.push(x);
          i++;
        } else {
          out.push(y);
          j++;
        }
      }
      while (i < a.length) out.push(a[i++]!);
      while (j < b.length) out.push(b[j++]!);
      next.push(out);
    }
    work = next;
  }
  return work[0]!;
}

/**
 * For each of a sorted list of prefixes, the index of its longest prefix in a sorted deck (itself
 * included), or -1: one merge walk with a stack of the deck's prefixes of the current entry. Every
 * string sorting between a prefix and one of its extensions extends that prefix, so an entry popped
 * from the stack can never be a prefix of a later one.
 */
export function longestMatches(sorted: string[], deck: string[], deckCount = deck.length): Int32Array {
  const out = new Int32Array(sorted.length);
  const stack = new Int32Array(32);
  let top = 0;
  let j = 0;
  for (let p = 0; p < sorted.length; p++) {
    const u = sorted[p]!;
    while (j < deckCount && deck[j]! <= u) {
      const d = deck[j]!;
      while (top > 0 && !d.startsWith(deck[stack[top - 1]!]!)) top--;
      if (top < stack.length) stack[top++] = j;
      j++;
    }
    while (top > 0 && !u.startsWith(deck[stack[top - 1]!]!)) top--;
    out[p] = top > 0 ? stack[top - 1]! : -1;
  }
  return out;
}

function livePrefixes(deck: LcrDeck): string[] {
  const r = deck.rows;
  const out: string[] = [];
  for (let i = 0; i < r.count; i++) if (r.kind[i] === KIND_RATE) out.push(r.prefixes[i]!);
  return out;
}

function route(snap: LcrSnapshot, prefixes: string[]): Routing {
  const n = prefixes.length;
  const V = snap.vendors.length;
  const cell = new Int32Array(n * V);
  const byRate = new Int8Array(n * V).fill(-1);
  const byCost = new Int8Array(n * V).fill(-1);
  const routes = new Uint8Array(n);
  const sellRow = new Int32Array(n).fill(-1);
  const matches = snap.vendors.map((d) => longestMatches(prefixes, d.rows.prefixes, d.rows.count));
  const sellMatches = snap.sell ? longestMatches(prefixes, snap.sell.rows.prefixes, snap.sell.rows.count) : null;
  const rateOf = new Float64Array(V);
  const costOf = new Float64Array(V);
  const tmp = new Int8Array(V);
  for (let p = 0; p < n; p++) {
    const base = p * V;
    let count = 0;
    for (let v = 0; v < V; v++) {
      const deck = snap.vendors[v]!;
      const row = matches[v]![p]!;
      cell[base + v] = row;
      if (row >= 0 && deck.rows.kind[row] === KIND_RATE) {
        rateOf[v] = deck.rows.rateE8[row]!;
        costOf[v] = deck.costE8[row]!;
        // Insertion by rate; vendors arrive in tie-break order, so equal rates keep it.
        let k = count++;
        while (k > 0 && rateOf[tmp[k - 1]!]! > rateOf[v]!) {
          tmp[k] = tmp[k - 1]!;
          k--;
        }
        tmp[k] = v;
      }
    }
    routes[p] = count;
    for (let k = 0; k < count; k++) byRate[base + k] = tmp[k]!;
    // By cost: stable over the rate order, so ties fall to the rate, then the vendor order.
    for (let k = 0; k < count; k++) {
      const v = tmp[k]!;
      let j = k;
      while (j > 0 && costOf[byCost[base + j - 1]!]! > costOf[v]!) {
        byCost[base + j] = byCost[base + j - 1]!;
        j--;
      }
      byCost[base + j] = v;
    }
    if (snap.sell && sellMatches) {
      const row = sellMatches[p]!;
      if (row >= 0 && snap.sell.rows.kind[row] === KIND_RATE) sellRow[p] = row;
    }
  }
  return { cell, byRate, byCost, routes, sellRow };
}

/** The same price and terms (a change of any is a change of the route). */
function sameRow(a: LcrDeck, ra: number, b: LcrDeck, rb: number): boolean {
  const x = a.rows;
  const y = b.rows;
  return x.rateE8[ra] === y.rateE8[rb] && x.feeE8[ra] === y.feeE8[rb] && x.first[ra] === y.first[rb] && x.next[ra] === y.next[rb]
    && x.min[ra] === y.min[rb] && x.grace[ra] === y.grace[rb];
}

function isRate(deck: LcrDeck, row: number): boolean {
  return row >= 0 && deck.rows.kind[row] === KIND_RATE;
}

function vendorColumn(cell: Int32Array, V: number, v: number, n: number): Int32Array {
  const out = new Int32Array(n);
  for (let p = 0; p < n; p++) out[p] = cell[p * V + v]!;
  return out;
}

export interface BuildOptions {
  atMs: number;
  typicalS: number;
  rankBy: 'rate' | 'cost';
  previous?: LcrSnapshot & { atMs: number };
}

export function buildLcr(snap: LcrSnapshot, o: BuildOptions): LcrTable {
  const V = snap.vendors.length;
  if (V > 127) throw new RangeError('at most 127 vendors in one LCR table');
  const decks = snap.sell ? [snap.sell, ...snap.vendors] : snap.vendors;
  const prefixes = mergeSorted(decks.map(livePrefixes));
  const n = prefixes.length;
  const r = route(snap, prefixes);
  const destinations = new Array<string>(n);
  // The sell deck names the destination when it has the exact prefix, else the first vendor (in order) that has it.
  const deckMatch = decks.map((d) =>
    (d === snap.sell ? longestMatches(prefixes, d.rows.prefixes, d.rows.count) : vendorColumn(r.cell, V, snap.vendors.indexOf(d), n)));
  const flags = new Uint8Array(n);
  const byMeasure = o.rankBy === 'rate' ? r.byRate : r.byCost;
  for (let p = 0; p < n; p++) {
    const prefix = prefixes[p]!;
    let name: string | undefined;
    for (let k = 0; k < decks.length; k++) {
      const d = decks[k]!;
      const row = deckMatch[k]![p]!;
      if (row >= 0 && d.rows.prefixes[row] === prefix) {
        name = d.rows.destinations[row]!;
        break;
      }
    }
    destinations[p] = name ?? '';
    const count = r.routes[p]!;
    let f = 0;
    if (count === 0) f |= FLAG_UNCOVERED;
    if (count === 1) f |= FLAG_SINGLE;
    const sr = r.sellRow[p]!;
    if (snap.sell && sr >= 0 && count > 0) {
      const best = byMeasure[p * V]!;
      const row = r.cell[p * V + best]!;
      const bestMeasure = o.rankBy === 'rate' ? snap.vendors[best]!.rows.rateE8[row]! : snap.vendors[best]!.costE8[row]!;
      const sellMeasure = o.rankBy === 'rate' ? snap.sell.rows.rateE8[sr]! : snap.sell.costE8[sr]!;
      if (!(bestMeasure < sellMeasure)) f |= FLAG_UNPROFITABLE;
    }
    flags[p] = f;
  }
  let previous: LcrTable['previous'] = null;
  if (o.previous) {
    const before = o.previous;
    const pr = route(before, prefixes);
    const prevMeasure = o.rankBy === 'rate' ? pr.byRate : pr.byCost;
    // The earlier snapshot lists the same vendors in the same order (built from the same carriers).
    for (let p = 0; p < n; p++) {
      let changed = false;
      for (let v = 0; v < V && !changed; v++) {
        const now = r.cell[p * V + v]!;
        const then = pr.cell[p * V + v]!;
        const a = isRate(snap.vendors[v]!, now);
        const b = isRate(before.vendors[v]!, then);
        if (a !== b || (a && !sameRow(snap.vendors[v]!, now, before.vendors[v]!, then))) changed = true;
      }
      if (!changed && snap.sell && before.sell) {
        const a = r.sellRow[p]!;
        const b = pr.sellRow[p]!;
        if ((a >= 0) !== (b >= 0) || (a >= 0 && !sameRow(snap.sell, a, before.sell, b))) changed = true;
      }
      if (changed) flags[p]! |= FLAG_CHANGED;
      for (let k = 0; k < V; k++) {
        if (byMeasure[p * V + k] !== prevMeasure[p * V + k]) {
          flags[p]! |= FLAG_ROUTING_CHANGED;
          break;
        }
      }
    }
    previous = { ...before, ...pr };
  }
  return { ...snap, ...r, atMs: o.atMs, typicalS: o.typicalS, rankBy: o.rankBy, n, prefixes, destinations, flags, previous };
}
