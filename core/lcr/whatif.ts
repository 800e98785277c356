/**
 * What-if on real traffic: for a period of our own CDRs (one customer's, or one vendor's), the cost
 * as actually routed (each call's stored rating on the vendor it went to) against the cost had each
 * call gone to the cheapest route in force at its start instant. Every call is rated on every
 * candidate vendor's deck at its own instant with that vendor's billing terms and rounding policy,
 * exactly; the cheapest amount wins (ties: rate, LCR preference, name).
 *
 * Only calls rated as routed are compared (free calls cost nothing either way; unrated ones have no
 * actual cost to compare). The vendor a call went to always counts as a candidate.
 *
 * How it is fast (10M calls in one scan; test/integration/lcr/whatif-fast.test.ts holds it to the
 * straightforward version on random data):
 * - One pass over the leg's index in time windows that never straddle a rate change (an "epoch"):
 *   within one, each vendor's match for a number is its match for the number's longest prefix in the
 *   union of all decks, computed per epoch by sorted merges. The calls as routed are summed in the
 *   same pass, per (vendor, rate version), instead of a GROUP BY over the period.
 * - A call is priced first on the route it took and on the lowest rate for its prefix; another
 *   vendor is priced only if its lower bound (duration × rate, less one rounding step for per-call
 *   rounding) could beat the best so far. A route never priced could not have won, ties included.
 * - Sums are exact: Numbers while safe, carried into BigInt (Sums); no per-call strings or objects.
 */
import type { Carrier, LcrWhatIf, LcrWhatIfLine, ParsedArgs } from '../api/contract.ts';
import { TrunklineError } from '../api/errors.ts';
import { requireCarrier } from '../carriers/handlers.ts';
import type { EngineContext } from '../context.ts';
import type { WhatIfFilter } from '../db/lcr-repo.ts';
import type { JobContext } from '../jobs/jobs.ts';
import { normaliseNumber } from '../rates/normalise-number.ts';
import { PrefixTrie } from '../rates/prefix-trie.ts';
import { KIND_RATE, VersionedRateTable } from '../rates/versioned-table.ts';
import { chargeCall, formatAmountE8, lineAmountE8, type RoundingPolicy } from '../rating/amount.ts';
import { billedSeconds, durationSecondsFromMs } from '../rating/billing.ts';
import { roundingUnitE8, roundRatioUnchecked } from '../rating/rounding.ts';
import { periodArgs } from '../rating/rerate.ts';
import { isoInstant } from '../time/parse-date.ts';
import { longestMatches, mergeSorted, orderVendors } from './build-lcr.ts';
import { checkCurrencies, resolveVendors } from './load-lcr.ts';

const FLUSH = 2 ** 52;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const MAX_DIGITS = 20;
const HOUR = 3_600_000;

/** Exact sums per slot, growing with the slots: Numbers while they are safe, carried into BigInt before they are not. */
class Sums {
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
}

/** A growable Float64Array of counts. */
class Counts {
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
}

function percent(part: bigint, whole: bigint): string | null {
  if (whole <= 0n) return null;
  const negative = part < 0n;
  const abs = negative ? -part : part;
  const hundredths = (abs * 20000n + whole) / (2n * whole);
  const s = hundredths.toString().padStart(3, '0');
  return `${negative ? '-' : ''}${s.slice(0, -2)}.${s.slice(-2)}`;
}

function minutes(seconds: bigint): string {
  // Seconds to minutes, 4 decimals, half up: quantities shown, not money.
  const tenThousandths = (seconds * 20000n + 60n) / 120n;
  const s = tenThousandths.toString().padStart(5, '0');
  return `${s.slice(0, -4)}.${s.slice(-4)}`;
}

/** A vendor deck loaded for the scan ("slot", in tie-break order). */
interface Slot {
  carrier: Carrier;
  table: VersionedRateTable;
  policy: RoundingPolicy;
  unit: number;
  tech: readonly string[];
  candidate: boolean;
  /** What rounding can take off 60 × duration × rate: 60 steps per call, none per line, unbounded per increment (no pruning). */
  slackX60: number;
}

/** What one pass over the period found: the calls as routed, per (vendor, rate version) group, and their cheapest routes. */
interface Scan {
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

export async function whatIf(ctx: EngineContext, args: ParsedArgs<'lcr.whatif'>, job: JobContext): Promise<LcrWhatIf> {
  const who = requireCarrier(ctx, (args.customer ?? args.carrier)!);
  const fromMs = periodArgs(args.from, who.timezone, '--from')!;
  const toMs = periodArgs(args.to, who.timezone, '--to')!;
  if (!(toMs > fromMs)) throw new TrunklineError('INVALID_ARGUMENTS', `--to ${isoInstant(toMs)} must be after --from ${isoInstant(fromMs)}`);
  const filter: WhatIfFilter = { leg: args.customer ? 'customer_id' : 'vendor_id', carrierId: who.id, fromMs, toMs };
  const selected = resolveVendors(ctx, args.vendors);
  const selectedIds = new Set(selected.map((v) => v.id));

  // The decks loaded: the candidates, and every vendor the per-day totals show with rated own calls
  // in the period (a superset of the calls' vendors: extra decks change no match and are never
  // candidates). A call to a vendor outside both makes the pass run again with it.
  const known = new Set<number>(selectedIds);
  for (const id of ctx.lcr.vendorsRatedBetween(ctx.lcr.carriersWithDeck('buy').filter((id) => !known.has(id)), fromMs, toMs)) known.add(id);
  let scan: Scan;
  let slots: Slot[];
  for (;;) {
    const carriers = [...known].map((id) => ctx.carriers.byId(id)).filter((c): c is Carrier => c !== null && c !== undefined);
    job.progress('loading decks', 0);
    slots = orderVendors(carriers.map((c) => ({ ...c, carrierId: c.id }))).map((c) => {
      const policy = c.rounding;
      const unit = roundingUnitE8(policy.decimals);
      return {
        carrier: c, table: VersionedRateTable.load(ctx.db, c.id, 'buy'), policy, unit, tech: c.techPrefixes, candidate: selectedIds.has(c.id),
        slackX60: policy.level === 'per-line' ? 0 : policy.level === 'per-call' ? 60 * unit : Number.POSITIVE_INFINITY,
      };
    });
    scan = await scanCalls(ctx, filter, slots, job);
    if (scan.missing.size === 0) break;
    for (const id of scan.missing) known.add(id);
  }
  return summarise(ctx, args, who, fromMs, toMs, selectedIds, slots, scan);
}

async function scanCalls(ctx: EngineContext, filter: WhatIfFilter, slots: Slot[], job: JobContext): Promise<Scan> {
  const { fromMs, toMs } = filter;
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

  const r: Scan = {
    missing: new Set(), notCompared: { free: 0, unratedAsRouted: 0, notRated: 0 }, groupSlot: [], groupRate: [], calls: new Counts(), billed: new Sums(),
    amount: new Sums(), cheapest: new Sums(), already: new Counts(), groupSlotCalls: new Counts(), cheapestBySlot: new Sums(S),
    cheapestCalls: new Counts(S), lineGroup: [], lineSlot: [], lineRate: [], lineX60: new Sums(), lineFees: new Sums(),
  };
  const groupsOf = slots.map(() => new Map<number, number>());
  const lineOf = new Map<number, Map<number, number>>();
  const groupOf = (s: number, rateId: number): number => {
    const m = groupsOf[s]!;
    let g = m.get(rateId);
    if (g === undefined) {
      g = r.groupSlot.length;
      r.groupSlot.push(s);
      r.groupRate.push(rateId);
      m.set(rateId, g);
    }
    return g;
  };
  const lineIndex = (g: number, s: number, rate: number): number => {
    const key = g * S + s;
    let m = lineOf.get(key);
    if (!m) lineOf.set(key, (m = new Map()));
    let l = m.get(rate);
    if (l === undefined) {
      l = r.lineGroup.length;
      r.lineGroup.push(g);
      r.lineSlot.push(s);
      r.lineRate.push(rate);
      m.set(rate, l);
    }
    return l;
  };

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
  const exists = new Map<number, boolean>();

  let done = 0;
  let epoch = -1;
  let nextBound = 0;
  let lastVendor = -1;
  let lastSlot = -1;
  for (let windowStart = fromMs; windowStart < toMs;) {
    // Windows of at most an hour that never straddle a version boundary: one epoch each.
    while (nextBound < B.length && B[nextBound]! <= windowStart) nextBound++;
    let windowEnd = Math.min(toMs, windowStart + HOUR);
    if (nextBound < B.length && B[nextBound]! < windowEnd) windowEnd = B[nextBound]!;
    if (nextBound !== epoch) {
      epoch = nextBound;
      job.progress('matching prefixes', done);
      enterEpoch(epoch === 0 ? fromMs : B[epoch - 1]!);
    }
    const page = ctx.lcr.whatIfCalls(filter, perLine, windowStart, windowEnd);
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
          let known = exists.get(leg);
          if (known === undefined) exists.set(leg, (known = ctx.carriers.byId(leg) != null));
          if (known) r.missing.add(leg);
          else r.notCompared.notRated++;
          continue;
        }
        lastVendor = leg;
        lastSlot = sA = found;
      }
      const rateId = call[3]!;
      const g = groupOf(sA, rateId);
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
        const l = lineIndex(g, bestS, tables[bestS]!.rateE8[bestRow]!);
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
    job.progress('rating on every route', done);
    if (job.signal.aborted) throw new TrunklineError('JOB_CANCELLED', 'the what-if was cancelled');
    await new Promise<void>((resolve) => setImmediate(resolve));
    windowStart = windowEnd;
  }
  return r;
}

function summarise(
  ctx: EngineContext, args: ParsedArgs<'lcr.whatif'>, who: Carrier, fromMs: number, toMs: number, selectedIds: Set<number>, slots: Slot[], scan: Scan,
): LcrWhatIf {
  const S = slots.length;
  const G = scan.groupSlot.length;
  // The vendors shown: the candidates and every vendor a call went to, in tie-break order (slot order).
  const present = new Set<number>();
  for (let g = 0; g < G; g++) present.add(scan.groupSlot[g]!);
  const vIndex = new Int32Array(S).fill(-1);
  const vendors: Carrier[] = [];
  slots.forEach((s, i) => {
    if (s.candidate || present.has(i)) {
      vIndex[i] = vendors.length;
      vendors.push(s.carrier);
    }
  });
  const currency = checkCurrencies(ctx, vendors, null);
  const V = vendors.length;

  // Destinations: those of the rate versions that priced the calls as routed.
  const rates = ctx.lcr.ratesById([...new Set(scan.groupRate)]);
  const destIndex = new Map<string, number>();
  const destNames: string[] = [];
  const destOf = (name: string) => {
    let d = destIndex.get(name);
    if (d === undefined) {
      d = destNames.length;
      destIndex.set(name, d);
      destNames.push(name);
    }
    return d;
  };
  const groupDest = scan.groupRate.map((id) => destOf(rates.get(id)?.destination ?? '(rate deleted)'));
  const D = destNames.length;
  const actual = new Array<bigint>(D).fill(0n);
  const actualByVendor = new Array<bigint>(V).fill(0n);
  const cheapest = new Array<bigint>(D).fill(0n);
  const cheapestByVendor = new Array<bigint>(V).fill(0n);
  const calls = new Float64Array(D);
  const billed = new Array<bigint>(D).fill(0n);
  const actualCalls = new Float64Array(V);
  const cheapestCalls = new Float64Array(V);
  const destVendorCalls = new Float64Array(D * V);
  const alreadyCheapest = new Float64Array(D);
  const actualLines = new Map<string, { dest: number; vendor: number; x60: bigint; fees: bigint; policy: RoundingPolicy }>();
  for (let g = 0; g < G; g++) {
    const d = groupDest[g]!;
    const v = vIndex[scan.groupSlot[g]!]!;
    const n = scan.calls.get(g);
    calls[d]! += n;
    billed[d] = billed[d]! + scan.billed.get(g);
    actualCalls[v]! += n;
    const policy = slots[scan.groupSlot[g]!]!.policy;
    if (policy.level === 'per-line') {
      // A line is the vendor's destination and rate, as its invoice has it.
      const rate = rates.get(scan.groupRate[g]!);
      const key = `${d}:${v}:${rate?.rateE8 ?? null}`;
      const line = actualLines.get(key) ?? { dest: d, vendor: v, x60: 0n, fees: 0n, policy };
      line.x60 += scan.amount.get(g);
      line.fees += BigInt(rate?.feeE8 ?? 0) * BigInt(n);
      actualLines.set(key, line);
    } else {
      const a = scan.amount.get(g);
      actual[d] = actual[d]! + a;
      actualByVendor[v] = actualByVendor[v]! + a;
    }
    const c = scan.cheapest.get(g);
    cheapest[d] = cheapest[d]! + c;
    alreadyCheapest[d]! += scan.already.get(g);
    for (let s = 0; s < S; s++) {
      const k = scan.groupSlotCalls.get(g * S + s);
      if (k > 0) destVendorCalls[d * V + vIndex[s]!]! += k;
    }
  }
  for (const l of actualLines.values()) {
    const amount = lineAmountE8(l.x60, l.policy, l.fees);
    actual[l.dest] = actual[l.dest]! + amount;
    actualByVendor[l.vendor] = actualByVendor[l.vendor]! + amount;
  }
  for (let s = 0; s < S; s++) {
    if (vIndex[s]! < 0) continue;
    cheapestByVendor[vIndex[s]!] = cheapestByVendor[vIndex[s]!]! + scan.cheapestBySlot.get(s);
    cheapestCalls[vIndex[s]!] = scan.cheapestCalls.get(s);
  }
  // Per-line cheapest routes: a line per destination, vendor and rate, rounded once.
  const cheapestLines = new Map<string, { dest: number; vendor: number; x60: bigint; fees: bigint; policy: RoundingPolicy }>();
  for (let l = 0; l < scan.lineGroup.length; l++) {
    const d = groupDest[scan.lineGroup[l]!]!;
    const s = scan.lineSlot[l]!;
    const key = `${d}:${s}:${scan.lineRate[l]!}`;
    const line = cheapestLines.get(key) ?? { dest: d, vendor: vIndex[s]!, x60: 0n, fees: 0n, policy: slots[s]!.policy };
    line.x60 += scan.lineX60.get(l);
    line.fees += scan.lineFees.get(l);
    cheapestLines.set(key, line);
  }
  for (const l of cheapestLines.values()) {
    const amount = lineAmountE8(l.x60, l.policy, l.fees);
    cheapest[l.dest] = cheapest[l.dest]! + amount;
    cheapestByVendor[l.vendor] = cheapestByVendor[l.vendor]! + amount;
  }

  const lines: LcrWhatIfLine[] = [];
  let totalActual = 0n;
  let totalCheapest = 0n;
  let totalBilled = 0n;
  let totalCalls = 0;
  let totalAlready = 0;
  for (let d = 0; d < D; d++) {
    const a = actual[d]!;
    const c = cheapest[d]!;
    let topV = -1;
    for (let v = 0; v < V; v++) if (destVendorCalls[d * V + v]! > (topV < 0 ? 0 : destVendorCalls[d * V + topV]!)) topV = v;
    lines.push({
      destination: destNames[d]!, calls: calls[d]!, minutes: minutes(billed[d]!), actual: formatAmountE8(a), cheapest: formatAmountE8(c),
      saving: formatAmountE8(a - c), savingPercent: percent(a - c, a), alreadyCheapest: alreadyCheapest[d]!,
      cheapestVendor: topV < 0 ? null : vendors[topV]!.name, cheapestVendorCalls: topV < 0 ? 0 : destVendorCalls[d * V + topV]!,
    });
    totalActual += a;
    totalCheapest += c;
    totalBilled += billed[d]!;
    totalCalls += calls[d]!;
    totalAlready += alreadyCheapest[d]!;
  }
  const savingE8 = (l: LcrWhatIfLine) => actual[destIndex.get(l.destination)!]! - cheapest[destIndex.get(l.destination)!]!;
  lines.sort((x, y) => {
    const a = savingE8(x);
    const b = savingE8(y);
    if (a !== b) return a > b ? -1 : 1;
    return x.destination < y.destination ? -1 : x.destination > y.destination ? 1 : 0;
  });
  return {
    customer: args.customer ? who.name : null, carrier: args.carrier ? who.name : null, from: isoInstant(fromMs), to: isoInstant(toMs), currency,
    vendors: vendors.filter((v) => selectedIds.has(v.id)).map((v) => v.name), lines,
    totals: {
      calls: totalCalls, minutes: minutes(totalBilled), actual: formatAmountE8(totalActual), cheapest: formatAmountE8(totalCheapest),
      saving: formatAmountE8(totalActual - totalCheapest), savingPercent: percent(totalActual - totalCheapest, totalActual), alreadyCheapest: totalAlready,
    },
    notCompared: scan.notCompared,
    byVendor: vendors.map((v, i) => ({
      vendor: v.name, actualCalls: actualCalls[i]!, cheapestCalls: cheapestCalls[i]!, actual: formatAmountE8(actualByVendor[i]!), cheapest: formatAmountE8(cheapestByVendor[i]!),
    })).filter((r) => r.actualCalls > 0 || r.cheapestCalls > 0),
  };
}
