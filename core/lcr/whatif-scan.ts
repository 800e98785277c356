/**
 * The what-if's scan (core/lcr/whatif.ts): the own calls of a period read through the leg's index
 * in time windows, each rated as routed and on every candidate route. A scanner loads the decks
 * once and scans any number of time ranges of the period; a range's result is plain data that can
 * cross threads (ScanData) and ranges' results add up exactly (ScanBuilder.merge), so ranges can be
 * scanned on worker threads (core/lcr/whatif-workers.ts) as well as here.
 */
import type { Carrier } from '../api/contract.ts';
import type { Db } from '../db/open.ts';
import { LcrRepo, type DeckHistory, type WhatIfFilter } from '../db/lcr-repo.ts';
import { normaliseNumber } from '../rates/normalise-number.ts';
import { PrefixTrie } from '../rates/prefix-trie.ts';
import { KIND_RATE } from '../rates/versioned-table.ts';
import { chargeCall, type RoundingPolicy } from '../rating/amount.ts';
import { billedSeconds, durationSecondsFromMs } from '../rating/billing.ts';
import { roundingUnitE8, roundRatioUnchecked } from '../rating/rounding.ts';
import { longestMatches, mergeSorted } from './build-lcr.ts';

const FLUSH = 2 ** 52;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const MAX_DIGITS = 20;
const HOUR = 3_600_000;

/** Exact sums per slot, growing with the slots: Numbers while they are safe, carried into BigInt before they are not. */
export class Sums {
  private small: Float64Array;
  private readonly big: bigint[] = [];
  constructor(n = 1024) {
    this.small = new Float64Array(n);
  }

  private room(i: number): void {
    let n = this.small.length;
    while (n <= i) n *= 2;
    const bigger = new Float64Array(n);
    bigger.set(this.small);
    this.small = bigger;
  }

  add(i: number, v: number): void {
    if (i >= this.small.length) this.room(i);
    const s = this.small[i]! + v;
    if (s < FLUSH && s > -FLUSH) this.small[i] = s;
    else {
      this.big[i] = (this.big[i] ?? 0n) + BigInt(this.small[i]!) + BigInt(v);
      this.small[i] = 0;
    }
  }

  addBig(i: number, v: bigint): void {
    if (i >= this.small.length) this.room(i);
    this.big[i] = (this.big[i] ?? 0n) + v;
  }

  /** A value as SQLite gave it: a safe integer, decimal text beyond (exact), or null (0). */
  addStored(i: number, v: number | string | bigint | null): void {
    if (v === null) return;
    if (typeof v === 'number') this.add(i, v);
    else this.addBig(i, BigInt(v));
  }

  get(i: number): bigint {
    return (this.big[i] ?? 0n) + BigInt(i < this.small.length ? this.small[i]! : 0);
  }

  /** The sums as plain data (for another thread): the Numbers, and the BigInt parts as [slot, value] pairs. */
  data(): SumsData {
    const big: [number, bigint][] = [];
    this.big.forEach((v, i) => big.push([i, v]));
    return { small: this.small, big };
  }

  /** Adds another thread's sums, slot i of theirs to slot at(i) of these. */
  merge(d: SumsData, at: (i: number) => number): void {
    for (let i = 0; i < d.small.length; i++) if (d.small[i] !== 0) this.add(at(i), d.small[i]!);
    for (const [i, v] of d.big) this.addBig(at(i), v);
  }
}

export interface SumsData {
  small: Float64Array;
  big: [number, bigint][];
}

/** A growable Float64Array of counts. */
export class Counts {
  a: Float64Array;
  constructor(n = 1024) {
    this.a = new Float64Array(n);
  }

  inc(i: number, by = 1): void {
    if (i >= this.a.length) {
      let n = this.a.length;
      while (n <= i) n *= 2;
      const bigger = new Float64Array(n);
      bigger.set(this.a);
      this.a = bigger;
    }
    this.a[i]! += by;
  }

  get(i: number): number {
    return i < this.a.length ? this.a[i]! : 0;
  }

  /** Adds another thread's counts, slot i of theirs to slot at(i) of these. */
  merge(d: Float64Array, at: (i: number) => number): void {
    for (let i = 0; i < d.length; i++) if (d[i] !== 0) this.inc(at(i), d[i]!);
  }
}


/** A vendor whose deck the scan loads, in tie-break order ("slot"); candidates are the routes a call may take. */
export interface SlotSpec {
  carrier: Carrier;
  candidate: boolean;
}

/** A vendor deck loaded for the scan. */
interface Slot {
  carrier: Carrier;
  table: DeckHistory;
  policy: RoundingPolicy;
  unit: number;
  tech: readonly string[];
  candidate: boolean;
  /** What rounding can take off 60 × duration × rate: 60 steps per call, none per line, unbounded per increment (no pruning). */
  slackX60: number;
}

/** What one pass over (part of) the period found: the calls as routed, per (vendor, rate version) group, and their cheapest routes. */
export interface Scan {
  /** Vendors with rated calls that were not loaded: the pass must run again with them. */
  missing: Set<number>;
  notCompared: { free: number; unratedAsRouted: number; notRated: number };
  /** Per group: its slot and rate version id. */
  groupSlot: number[];
  groupRate: number[];
  calls: Counts;
  billed: Sums;
  /** Σ stored amounts: buy_exact_x60 for a per-line vendor, else buy_amount_e8. */
  amount: Sums;
  /** Per group: Σ cheapest amounts of its calls priced per call or increment; calls already on a cheapest route. */
  cheapest: Sums;
  already: Counts;
  /** Per group × slot: calls whose cheapest route was that slot. */
  groupSlotCalls: Counts;
  /** Per slot: Σ cheapest amounts per call or increment; calls. */
  cheapestBySlot: Sums;
  cheapestCalls: Counts;
  /** Per-line cheapest: (group, slot, rate) lines with Σ exactX60 and Σ fees. */
  lineGroup: number[];
  lineSlot: number[];
  lineRate: number[];
  lineX60: Sums;
  lineFees: Sums;
}

/** A Scan as plain data, to post from a worker thread. */
export interface ScanData {
  missing: number[];
  notCompared: Scan['notCompared'];
  groupSlot: number[];
  groupRate: number[];
  calls: Float64Array;
  billed: SumsData;
  amount: SumsData;
  cheapest: SumsData;
  already: Float64Array;
  groupSlotCalls: Float64Array;
  cheapestBySlot: SumsData;
  cheapestCalls: Float64Array;
  lineGroup: number[];
  lineSlot: number[];
  lineRate: number[];
  lineX60: SumsData;
  lineFees: SumsData;
}

export function scanData(r: Scan): ScanData {
  return {
    missing: [...r.missing], notCompared: r.notCompared, groupSlot: r.groupSlot, groupRate: r.groupRate, calls: r.calls.a, billed: r.billed.data(),
    amount: r.amount.data(), cheapest: r.cheapest.data(), already: r.already.a, groupSlotCalls: r.groupSlotCalls.a, cheapestBySlot: r.cheapestBySlot.data(),
    cheapestCalls: r.cheapestCalls.a, lineGroup: r.lineGroup, lineSlot: r.lineSlot, lineRate: r.lineRate, lineX60: r.lineX60.data(), lineFees: r.lineFees.data(),
  };
}

/** The typed arrays of a ScanData (each its own buffer), to transfer rather than copy. */
export function scanBuffers(d: ScanData): ArrayBuffer[] {
  return [d.calls, d.billed.small, d.amount.small, d.cheapest.small, d.already, d.groupSlotCalls, d.cheapestBySlot.small, d.cheapestCalls,
    d.lineX60.small, d.lineFees.small].map((a) => a.buffer as ArrayBuffer);
}

/** A Scan being filled: its groups and per-line cheapest lines found by key, from calls or from other scans' results. */
export class ScanBuilder {
  readonly r: Scan;
  private readonly groupsOf: Map<number, number>[];
  private readonly lineOf = new Map<number, Map<number, number>>();

  constructor(private readonly S: number) {
    this.r = {
      missing: new Set(), notCompared: { free: 0, unratedAsRouted: 0, notRated: 0 }, groupSlot: [], groupRate: [], calls: new Counts(), billed: new Sums(),
      amount: new Sums(), cheapest: new Sums(), already: new Counts(), groupSlotCalls: new Counts(), cheapestBySlot: new Sums(S),
      cheapestCalls: new Counts(S), lineGroup: [], lineSlot: [], lineRate: [], lineX60: new Sums(), lineFees: new Sums(),
    };
    this.groupsOf = Array.from({ length: S }, () => new Map<number, number>());
  }

  groupOf(s: number, rateId: number): number {
    const m = this.groupsOf[s]!;
    let g = m.get(rateId);
    if (g === undefined) {
      g = this.r.groupSlot.length;
      this.r.groupSlot.push(s);
      this.r.groupRate.push(rateId);
      m.set(rateId, g);
    }
    return g;
  }

  lineIndex(g: number, s: number, rate: number): number {
    const key = g * this.S + s;
    let m = this.lineOf.get(key);
    if (!m) this.lineOf.set(key, (m = new Map()));
    let l = m.get(rate);
    if (l === undefined) {
      l = this.r.lineGroup.length;
      this.r.lineGroup.push(g);
      this.r.lineSlot.push(s);
      this.r.lineRate.push(rate);
      m.set(rate, l);
    }
    return l;
  }

  /** Adds the result of another range of the period (same slots): every sum and count exactly, groups and lines by key. */
  merge(d: ScanData): void {
    const r = this.r;
    const S = this.S;
    for (const id of d.missing) r.missing.add(id);
    r.notCompared.free += d.notCompared.free;
    r.notCompared.unratedAsRouted += d.notCompared.unratedAsRouted;
    r.notCompared.notRated += d.notCompared.notRated;
    const group = Int32Array.from(d.groupSlot, (s, g) => this.groupOf(s, d.groupRate[g]!));
    const at = (g: number) => group[g]!;
    r.calls.merge(d.calls, at);
    r.billed.merge(d.billed, at);
    r.amount.merge(d.amount, at);
    r.cheapest.merge(d.cheapest, at);
    r.already.merge(d.already, at);
    r.groupSlotCalls.merge(d.groupSlotCalls, (i) => group[Math.floor(i / S)]! * S + (i % S));
    r.cheapestBySlot.merge(d.cheapestBySlot, (s) => s);
    r.cheapestCalls.merge(d.cheapestCalls, (s) => s);
    const line = Int32Array.from(d.lineGroup, (g, l) => this.lineIndex(group[g]!, d.lineSlot[l]!, d.lineRate[l]!));
    r.lineX60.merge(d.lineX60, (l) => line[l]!);
    r.lineFees.merge(d.lineFees, (l) => line[l]!);
  }
}

/** What a scan tells as it goes (each may throw to stop it): an epoch entered, a window of calls done (calls so far). */
export interface ScanHooks {
  epoch(done: number): void;
  page(done: number): void | Promise<void>;
}

/** Scans the calls of one leg that started in [lo, hi) (a range of the scanner's period), into a new Scan or adding to `into`'s. */
export type WhatIfScan = (filter: WhatIfFilter, lo: number, hi: number, hooks: ScanHooks, into?: ScanBuilder) => Promise<Scan>;

/**
 * Loads the slots' buy decks from `db` and returns a scan of any range of [fromMs, toMs). The
 * prefix matches of the epoch last entered are kept between ranges.
 */
export function whatIfScanner(db: Db, slotSpecs: readonly SlotSpec[], fromMs: number, toMs: number, exists: (carrierId: number) => boolean): WhatIfScan {
  const repo = new LcrRepo(db);
  const slots = slotSpecs.map((c): Slot => {
    const policy = c.carrier.rounding;
    const unit = roundingUnitE8(policy.decimals);
    return {
      carrier: c.carrier, table: repo.deckHistory(c.carrier.id, 'buy'), policy, unit, tech: c.carrier.techPrefixes, candidate: c.candidate,
      slackX60: policy.level === 'per-line' ? 0 : policy.level === 'per-call' ? 60 * unit : Number.POSITIVE_INFINITY,
    };
  });
  const S = slots.length;
  const tables = slots.map((s) => s.table);
  const slotById = new Map(slots.map((s, i) => [s.carrier.id, i]));
  const perLine = slots.filter((s) => s.policy.level === 'per-line').map((s) => s.carrier.id);
  const candidates = Int32Array.from(slots.flatMap((s, i) => (s.candidate ? [i] : [])));
  // A number's match in any deck is a prefix of its longest match in the union of all decks' prefixes,
  // so that union prefix and the instant's epoch (between two version boundaries) decide every match.
  const union = mergeSorted(tables.map((t) => t.prefixes));
  const U = union.length;
  const unionTrie = new PrefixTrie(U * 2 + 16);
  union.forEach((p, i) => unionTrie.insert(p, i));
  // The version boundaries inside the whole period: a range's epochs are numbered as the period's,
  // so ranges of one epoch scanned in turn on one thread match their prefixes once.
  const bounds = new Set<number>();
  for (const t of tables) {
    for (let i = 0; i < t.size; i++) {
      const f = t.from[i]!;
      const e = t.to[i]!;
      if (f > fromMs && f < toMs) bounds.add(f);
      if (e > fromMs && e < toMs) bounds.add(e);
    }
  }
  const B = [...bounds].sort((a, b) => a - b);
  let epoch = -1;

  // The current epoch's matches: match[s][u] is slot s's version matching union prefix u (any kind),
  // or -1; firstCandidate[u] the candidate with the lowest rate there (ties: slot order), or -1.
  let match: Int32Array[] = [];
  const firstCandidate = new Int16Array(U);
  const enterEpoch = (at: number) => {
    match = tables.map((t) => {
      const live: string[] = [];
      const liveVersion: number[] = [];
      for (let i = 0; i < t.size; i++) {
        if (t.from[i]! <= at && at < t.to[i]!) {
          live.push(t.prefixes[t.versionPrefix[i]!]!);
          liveVersion.push(i);
        }
      }
      const m = longestMatches(union, live);
      for (let u = 0; u < m.length; u++) if (m[u]! >= 0) m[u] = liveVersion[m[u]!]!;
      return m;
    });
    for (let u = 0; u < U; u++) {
      let best = -1;
      let bestRate = Number.POSITIVE_INFINITY;
      for (let k = 0; k < candidates.length; k++) {
        const s = candidates[k]!;
        const row = match[s]![u]!;
        if (row < 0 || tables[s]!.kind[row] !== KIND_RATE) continue;
        const rate = tables[s]!.rateE8[row]!;
        if (rate < bestRate) {
          bestRate = rate;
          best = s;
        }
      }
      firstCandidate[u] = best;
    }
  };

  // The version a call was rated on, by its id, for a call whose rating predates its vendor's current deck.
  const versionById = new Map<number, Map<number, number>>();
  const storedVersion = (s: number, rateId: number): number => {
    let m = versionById.get(s);
    if (!m) {
      m = new Map();
      const ids = tables[s]!.ids;
      for (let i = 0; i < ids.length; i++) m.set(ids[i]!, i);
      versionById.set(s, m);
    }
    return m.get(rateId) ?? -1;
  };

  const terms = { first: 0, next: 0, min: 0, grace: 0 };
  const charge = (s: number, row: number, durS: number) => {
    const t = tables[s]!;
    terms.first = t.first[row]!;
    terms.next = t.next[row]!;
    terms.min = t.min[row]!;
    terms.grace = t.grace[row]!;
    return chargeCall(durS, t.rateE8[row]!, t.feeE8[row]!, terms, slots[s]!.policy);
  };
  /** 60 × what the call costs on a version (per line: its exact share), without allocating on the common paths. */
  const costX60 = (s: number, row: number, durS: number): number => {
    const t = tables[s]!;
    terms.first = t.first[row]!;
    terms.next = t.next[row]!;
    terms.min = t.min[row]!;
    terms.grace = t.grace[row]!;
    const slot = slots[s]!;
    const p = slot.policy;
    const billed = billedSeconds(durS, terms);
    if (billed === 0) return 0;
    const product = billed * t.rateE8[row]!;
    const fee = t.feeE8[row]!;
    if (product + fee * 60 <= MAX_SAFE / 60) {
      if (p.level === 'per-line') return product + fee * 60;
      if (p.level === 'per-call') return (roundRatioUnchecked(product, 60, slot.unit, p.mode) + fee) * 60;
    }
    const c = charge(s, row, durS);
    return c.amountE8 !== null ? c.amountE8 * 60 : Number(c.exactX60);
  };
  /** The union prefix a dialled number falls under (normaliseNumber, then the longest match), or -1. */
  const unionMatch = (raw: string, tech: readonly string[]): number => {
    if (tech.length === 0) {
      // normaliseNumber's all-digits path, without making the digits string.
      const len = raw.length;
      const plus = raw.charCodeAt(0) === 43 ? 1 : 0;
      let digits = len > plus;
      for (let i = plus; i < len && digits; i++) {
        const c = raw.charCodeAt(i);
        if (c < 48 || c > 57) digits = false;
      }
      if (digits) {
        let start = plus;
        if (raw.startsWith('00', start)) start += 2;
        else if (raw.startsWith('011', start)) start += 3;
        const n = len - start;
        return n === 0 || n > MAX_DIGITS ? -1 : unionTrie.longestFrom(raw, start);
      }
    }
    const n = normaliseNumber(raw, tech);
    return n.ok ? unionTrie.longest(n.digits) : -1;
  };

  return async (filter, lo, hi, hooks, into) => {
    const b = into ?? new ScanBuilder(S);
    const r = b.r;
    // The best route of the call being priced: the lexicographic minimum of (cost, rate, slot), the
    // same choice as pricing every route in slot order and keeping the first of equal cost and rate.
    let bestS = -1;
    let bestRow = -1;
    let bestCost = Number.POSITIVE_INFINITY;
    let bestRate = Number.POSITIVE_INFINITY;
    const consider = (s: number, row: number, cost: number) => {
      const rate = tables[s]!.rateE8[row]!;
      if (cost < bestCost || (cost === bestCost && (rate < bestRate || (rate === bestRate && s < bestS)))) {
        bestCost = cost;
        bestRate = rate;
        bestS = s;
        bestRow = row;
      }
    };
    // A vendor id without a carrier (none can be: calls reference carriers) counts as not rated.
    const existing = new Map<number, boolean>();

    let done = 0;
    let nextBound = 0;
    let lastVendor = -1;
    let lastSlot = -1;
    for (let windowStart = lo; windowStart < hi;) {
      // Windows of at most an hour that never straddle a version boundary: one epoch each.
      while (nextBound < B.length && B[nextBound]! <= windowStart) nextBound++;
      let windowEnd = Math.min(hi, windowStart + HOUR);
      if (nextBound < B.length && B[nextBound]! < windowEnd) windowEnd = B[nextBound]!;
      if (nextBound !== epoch) {
        epoch = nextBound;
        hooks.epoch(done);
        enterEpoch(epoch === 0 ? fromMs : B[epoch - 1]!);
      }
      const page = repo.whatIfCalls(filter, perLine, windowStart, windowEnd);
      for (let i = 0; i < page.length; i++) {
        const call = page[i]!;
        const leg = call[1];
        if (leg < 0) {
          if (leg === -1) r.notCompared.free++;
          else if (leg === -2) r.notCompared.unratedAsRouted++;
          else r.notCompared.notRated++;
          continue;
        }
        let sA = lastSlot;
        if (leg !== lastVendor) {
          const found = slotById.get(leg);
          if (found === undefined) {
            let known = existing.get(leg);
            if (known === undefined) existing.set(leg, (known = exists(leg)));
            if (known) r.missing.add(leg);
            else r.notCompared.notRated++;
            continue;
          }
          lastVendor = leg;
          lastSlot = sA = found;
        }
        const rateId = call[3]!;
        const g = b.groupOf(sA, rateId);
        r.calls.inc(g);
        r.billed.addStored(g, call[4]);
        r.amount.addStored(g, call[5]);

        const durS = durationSecondsFromMs(call[2]!);
        const u = unionMatch(call[0]!, slots[sA]!.tech);
        bestS = -1;
        bestRow = -1;
        bestCost = Number.POSITIVE_INFINITY;
        bestRate = Number.POSITIVE_INFINITY;
        let actualCost = -1;
        if (u >= 0) {
          const rowA = match[sA]![u]!;
          if (rowA >= 0 && tables[sA]!.kind[rowA] === KIND_RATE) {
            actualCost = costX60(sA, rowA, durS);
            consider(sA, rowA, actualCost);
          }
          const f = firstCandidate[u]!;
          if (f >= 0 && f !== sA) {
            const row = match[f]![u]!;
            consider(f, row, costX60(f, row, durS));
          }
          for (let k = 0; k < candidates.length; k++) {
            const s = candidates[k]!;
            if (s === sA || s === f) continue;
            const row = match[s]![u]!;
            if (row < 0) continue;
            const t = tables[s]!;
            if (t.kind[row] !== KIND_RATE) continue;
            // No cheaper than duration × rate less the rounding: then it cannot win, nor tie.
            if (durS > t.grace[row]!) {
              const bound = durS * t.rateE8[row]! - slots[s]!.slackX60;
              if (bound > bestCost && bound <= MAX_SAFE) continue;
            }
            consider(s, row, costX60(s, row, durS));
          }
        }
        if (actualCost < 0) {
          // Rated on a version its vendor's deck no longer matches (a deck imported since, not re-rated): that version counts.
          const row = storedVersion(sA, rateId);
          if (row >= 0) {
            actualCost = costX60(sA, row, durS);
            if (actualCost < bestCost) {
              bestCost = actualCost;
              bestS = sA;
              bestRow = row;
            }
          }
        }
        if (bestS < 0) continue;
        const c = charge(bestS, bestRow, durS);
        if (c.amountE8 !== null) {
          r.cheapest.add(g, c.amountE8);
          r.cheapestBySlot.add(bestS, c.amountE8);
        } else {
          const l = b.lineIndex(g, bestS, tables[bestS]!.rateE8[bestRow]!);
          if (typeof c.exactX60 === 'number') r.lineX60.add(l, c.exactX60);
          else r.lineX60.addBig(l, c.exactX60);
          r.lineFees.add(l, c.feeE8);
        }
        r.cheapestCalls.inc(bestS);
        r.groupSlotCalls.inc(g * S + bestS);
        // A tie with the route it took is no saving: that call was already on a cheapest route.
        if (actualCost === bestCost) r.already.inc(g);
      }
      done += page.length;
      await hooks.page(done);
      windowStart = windowEnd;
    }
    return r;
  };
}

