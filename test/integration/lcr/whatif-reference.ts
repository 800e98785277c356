/**
 * REFERENCE ONLY (tests): the what-if as first written (core/lcr/whatif.ts before its single-scan
 * rewrite), kept to check the fast path gives the same answer on random data. Straightforward: one
 * GROUP BY for the calls as routed, then every call rated on every candidate vendor.
 *
 * What-if on real traffic: for a period of our own CDRs (one customer's, or one vendor's), the cost
 * as actually routed (each call's stored rating on the vendor it went to) against the cost had each
 * call gone to the cheapest route in force at its start instant. Every call is rated on every
 * candidate vendor's deck at its own instant with that vendor's billing terms and rounding policy,
 * exactly; the cheapest amount wins (ties: rate, LCR preference, name).
 *
 * Only calls rated as routed are compared (free calls cost nothing either way; unrated ones have no
 * actual cost to compare). The vendor a call went to always counts as a candidate.
 */
import type { Carrier, LcrWhatIf, LcrWhatIfLine, ParsedArgs } from '../../../core/api/contract.ts';
import { TrunklineError } from '../../../core/api/errors.ts';
import { requireCarrier } from '../../../core/carriers/handlers.ts';
import type { EngineContext } from '../../../core/context.ts';
import type { Db } from '../../../core/db/open.ts';
import type { JobContext } from '../../../core/jobs/jobs.ts';
import { normaliseNumber } from '../../../core/rates/normalise-number.ts';
import { PrefixTrie } from '../../../core/rates/prefix-trie.ts';
import { KIND_RATE, VersionedRateTable } from '../../../core/rates/versioned-table.ts';
import { chargeCall, formatAmountE8, lineAmountE8, type RoundingPolicy } from '../../../core/rating/amount.ts';
import { billedSeconds, durationSecondsFromMs } from '../../../core/rating/billing.ts';
import { roundingUnitE8, roundRatioUnchecked } from '../../../core/rating/rounding.ts';
import { periodArgs } from '../../../core/rating/rerate.ts';
import { isoInstant } from '../../../core/time/parse-date.ts';
import { longestMatches, mergeSorted, orderVendors } from '../../../core/lcr/build-lcr.ts';
import { checkCurrencies, resolveVendors } from '../../../core/lcr/load-lcr.ts';

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

/** The calls as routed, summed in SQLite by vendor, status and rate version (with the version's destination and price). */
function routedGroups(db: Db, f: WhatIfFilter): RoutedGroup[] {
  const stmt = db.prepare(`SELECT g.vendor_id, g.status, g.rid, g.n, g.billed, g.amount, g.x60, r.destination, r.rate_per_min_e8, r.connection_fee_e8
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
function routedCallsWindow(db: Db, f: WhatIfFilter, fromMs: number, toMs: number): [number, string, number, number][] {
  return db.prepare(`SELECT c.start_ms, c.called, c.duration_ms, c.buy_rate_id FROM cdrs c
    WHERE c.${f.leg} = ? AND c.source = 0 AND c.start_ms >= ? AND c.start_ms < ? AND c.buy_status = 0`).raw().all(f.carrierId, fromMs, toMs) as
    [number, string, number, number][];
}

const FLUSH = 2 ** 52;

/** Exact sums per slot: Numbers while they are safe, carried into BigInt before they are not. */
class Sums {
  private readonly small: Float64Array;
  private readonly big: bigint[];
  constructor(n: number) {
    this.small = new Float64Array(n);
    this.big = new Array<bigint>(n).fill(0n);
  }

  add(i: number, v: number): void {
    const s = this.small[i]! + v;
    if (s < FLUSH) this.small[i] = s;
    else {
      this.big[i] = this.big[i]! + BigInt(this.small[i]!) + BigInt(v);
      this.small[i] = 0;
    }
  }

  addBig(i: number, v: bigint): void {
    this.big[i] = this.big[i]! + v;
  }

  get(i: number): bigint {
    return this.big[i]! + BigInt(this.small[i]!);
  }
}

interface Line {
  dest: number;
  vendor: number;
  x60: bigint;
  fees: bigint;
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

export async function referenceWhatIf(ctx: EngineContext, args: ParsedArgs<'lcr.whatif'>, job: JobContext): Promise<LcrWhatIf> {
  const who = requireCarrier(ctx, (args.customer ?? args.carrier)!);
  const fromMs = periodArgs(args.from, who.timezone, '--from')!;
  const toMs = periodArgs(args.to, who.timezone, '--to')!;
  if (!(toMs > fromMs)) throw new TrunklineError('INVALID_ARGUMENTS', `--to ${isoInstant(toMs)} must be after --from ${isoInstant(fromMs)}`);
  const filter: WhatIfFilter = { leg: args.customer ? 'customer_id' : 'vendor_id', carrierId: who.id, fromMs, toMs };

  job.progress('summing calls as routed', 0);
  const groups = routedGroups(ctx.db, filter);
  const selected = resolveVendors(ctx, args.vendors);
  const selectedIds = new Set(selected.map((v) => v.id));
  const byId = new Map<number, Carrier>(selected.map((v) => [v.id, v]));
  for (const g of groups) {
    if (g.status === 0 && g.vendorId !== null && !byId.has(g.vendorId)) {
      const c = ctx.carriers.byId(g.vendorId);
      if (c) byId.set(c.id, c);
    }
  }
  const vendors = orderVendors([...byId.values()].map((c) => ({ ...c, carrierId: c.id })));
  const currency = checkCurrencies(ctx, vendors, null);
  const V = vendors.length;
  const vIndex = new Map(vendors.map((v, i) => [v.id, i]));
  const policies: RoundingPolicy[] = vendors.map((v) => v.rounding);
  const tech = vendors.map((v) => v.techPrefixes);

  // Destinations: those of the rate versions that priced the calls as routed.
  const destIndex = new Map<string, number>();
  const destNames: string[] = [];
  const rateDest = new Map<number, number>();
  const destOf = (name: string) => {
    let d = destIndex.get(name);
    if (d === undefined) {
      d = destNames.length;
      destIndex.set(name, d);
      destNames.push(name);
    }
    return d;
  };
  for (const g of groups) if (g.status === 0 && g.rateId !== null) rateDest.set(g.rateId, destOf(g.destination ?? '(rate deleted)'));
  const D = destNames.length;
  const actual = new Sums(D);
  const actualByVendor = new Sums(V);
  const calls = new Float64Array(D);
  const billed = new Array<bigint>(D).fill(0n);
  const actualCalls = new Float64Array(V);
  const actualLines = new Map<string, Line & { policy: RoundingPolicy }>();
  const notCompared = { free: 0, unratedAsRouted: 0, notRated: 0 };
  for (const g of groups) {
    if (g.status === 1) notCompared.free += g.calls;
    else if (g.status === 2) notCompared.unratedAsRouted += g.calls;
    else if (g.status === null || g.vendorId === null) notCompared.notRated += g.calls;
    else {
      const d = rateDest.get(g.rateId!)!;
      const v = vIndex.get(g.vendorId)!;
      calls[d]! += g.calls;
      billed[d] = billed[d]! + g.billedS;
      actualCalls[v]! += g.calls;
      const policy = policies[v]!;
      if (policy.level === 'per-line') {
        // A line is the vendor's destination and rate, as its invoice has it.
        const key = `${d}:${v}:${g.rateE8}`;
        const line = actualLines.get(key) ?? { dest: d, vendor: v, x60: 0n, fees: 0n, policy };
        line.x60 += g.exactX60;
        line.fees += BigInt(g.feeE8 ?? 0) * BigInt(g.calls);
        actualLines.set(key, line);
      } else {
        actual.addBig(d, g.amountE8);
        actualByVendor.addBig(v, g.amountE8);
      }
    }
  }
  for (const l of actualLines.values()) {
    const amount = lineAmountE8(l.x60, l.policy, l.fees);
    actual.addBig(l.dest, amount);
    actualByVendor.addBig(l.vendor, amount);
  }

  // Every version of each vendor's buy deck: a call is matched at its own start instant.
  job.progress('loading decks', 0);
  const tables = vendors.map((v) => VersionedRateTable.load(ctx.db, v.id, 'buy'));
  const isCandidate = vendors.map((v) => selectedIds.has(v.id));
  // A number's match in any deck is a prefix of its longest match in the union of all decks' prefixes,
  // so that union prefix and the instant's epoch (between two version boundaries) decide every match.
  const union = mergeSorted(tables.map((t) => t.prefixes));
  const unionTrie = new PrefixTrie(union.length * 2 + 16);
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
  const B = Float64Array.from([...bounds].sort((a, b) => a - b));
  const E = B.length + 1;
  const epochOf = (t: number): number => {
    let lo = 0;
    let hi = B.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (B[mid]! <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  // match[e × V + v][u]: vendor v's version matching union prefix u in epoch e (any kind), or -1: per
  // epoch, the prefixes with a version in force then, matched to the union by one sorted merge walk.
  const match: Int32Array[] = [];
  for (let e = 0; e < E; e++) {
    const at = e === 0 ? fromMs : B[e - 1]!;
    for (const t of tables) {
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
      match.push(m);
    }
  }
  // The version a call was rated on, by its id, for a call whose rating predates its vendor's current deck.
  const versionById = new Map<number, Map<number, number>>();
  const storedVersion = (v: number, rateId: number): number => {
    let m = versionById.get(v);
    if (!m) {
      m = new Map();
      const ids = tables[v]!.ids;
      for (let i = 0; i < ids.length; i++) m.set(ids[i]!, i);
      versionById.set(v, m);
    }
    return m.get(rateId) ?? -1;
  };
  const rateInfo = new Map<number, number>();
  for (const g of groups) if (g.status === 0 && g.rateId !== null && g.vendorId !== null) rateInfo.set(g.rateId, rateDest.get(g.rateId)! * V + vIndex.get(g.vendorId)!);

  const cheapest = new Sums(D);
  const cheapestByVendor = new Sums(V);
  const cheapestCalls = new Float64Array(V);
  const destVendorCalls = new Int32Array(D * V);
  const alreadyCheapest = new Float64Array(D);
  const cheapestLines = new Map<string, Line>();
  const terms = { first: 0, next: 0, min: 0, grace: 0 };
  const charge = (v: number, row: number, durS: number) => {
    const t = tables[v]!;
    terms.first = t.first[row]!;
    terms.next = t.next[row]!;
    terms.min = t.min[row]!;
    terms.grace = t.grace[row]!;
    return chargeCall(durS, t.rateE8[row]!, t.feeE8[row]!, terms, policies[v]!);
  };
  const units = policies.map((p) => roundingUnitE8(p.decimals));
  /** 60 × what the call costs on a version (per line: its exact share), without allocating on the common paths. */
  const costX60 = (v: number, row: number, durS: number): number => {
    const t = tables[v]!;
    terms.first = t.first[row]!;
    terms.next = t.next[row]!;
    terms.min = t.min[row]!;
    terms.grace = t.grace[row]!;
    const p = policies[v]!;
    const billed = billedSeconds(durS, terms);
    if (billed === 0) return 0;
    const product = billed * t.rateE8[row]!;
    const fee = t.feeE8[row]!;
    if (product + fee * 60 <= Number.MAX_SAFE_INTEGER / 60) {
      if (p.level === 'per-line') return product + fee * 60;
      if (p.level === 'per-call') return (roundRatioUnchecked(product, 60, units[v]!, p.mode) + fee) * 60;
    }
    const c = charge(v, row, durS);
    return c.amountE8 !== null ? c.amountE8 * 60 : Number(c.exactX60);
  };
  const HOUR = 3_600_000;
  let done = 0;
  for (let windowStart = fromMs; windowStart < toMs; windowStart += HOUR) {
    // Hour by hour through the leg's index: four columns a call, no sort, bounded memory.
    const page = routedCallsWindow(ctx.db, filter, windowStart, Math.min(toMs, windowStart + HOUR));
    for (let i = 0; i < page.length; i++) {
      const call = page[i]!;
      const info = rateInfo.get(call[3]);
      if (info === undefined) continue;
      const d = (info - (info % V)) / V;
      const actualV = info % V;
      const durS = durationSecondsFromMs(call[2]);
      const n = normaliseNumber(call[1], tech[actualV]);
      const u = n.ok ? unionTrie.longest(n.digits) : -1;
      const base = epochOf(call[0]) * V;
      let bestV = -1;
      let bestRow = -1;
      let bestCost = Infinity;
      let bestRate = Infinity;
      let actualCost = -1;
      if (u >= 0) {
        for (let v = 0; v < V; v++) {
          if (!isCandidate[v] && v !== actualV) continue;
          const row = match[base + v]![u]!;
          if (row < 0 || tables[v]!.kind[row] !== KIND_RATE) continue;
          const cost = costX60(v, row, durS);
          if (v === actualV) actualCost = cost;
          const rate = tables[v]!.rateE8[row]!;
          // Ties: the lower rate, then the vendor order (LCR preference, name): v rises in that order.
          if (cost < bestCost || (cost === bestCost && rate < bestRate)) {
            bestCost = cost;
            bestRate = rate;
            bestV = v;
            bestRow = row;
          }
        }
      }
      if (actualCost < 0) {
        // Rated on a version its vendor's deck no longer matches (a deck imported since, not re-rated): that version counts.
        const row = storedVersion(actualV, call[3]);
        if (row >= 0) {
          actualCost = costX60(actualV, row, durS);
          if (actualCost < bestCost) {
            bestCost = actualCost;
            bestV = actualV;
            bestRow = row;
          }
        }
      }
      if (bestV < 0) continue;
      const c = charge(bestV, bestRow, durS);
      if (c.amountE8 !== null) {
        cheapest.add(d, c.amountE8);
        cheapestByVendor.add(bestV, c.amountE8);
      } else {
        const key = `${d}:${bestV}:${tables[bestV]!.rateE8[bestRow]}`;
        let line = cheapestLines.get(key);
        if (!line) cheapestLines.set(key, (line = { dest: d, vendor: bestV, x60: 0n, fees: 0n }));
        line.x60 += BigInt(c.exactX60);
        line.fees += BigInt(c.feeE8);
      }
      cheapestCalls[bestV]!++;
      destVendorCalls[d * V + bestV]!++;
      // A tie with the route it took is no saving: that call was already on a cheapest route.
      if (actualCost === bestCost) alreadyCheapest[d]!++;
    }
    done += page.length;
    job.progress('rating on every route', done);
    if (job.signal.aborted) throw new TrunklineError('JOB_CANCELLED', 'the what-if was cancelled');
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  for (const l of cheapestLines.values()) {
    const amount = lineAmountE8(l.x60, policies[l.vendor]!, l.fees);
    cheapest.addBig(l.dest, amount);
    cheapestByVendor.addBig(l.vendor, amount);
  }

  const lines: LcrWhatIfLine[] = [];
  let totalActual = 0n;
  let totalCheapest = 0n;
  let totalBilled = 0n;
  let totalCalls = 0;
  let totalAlready = 0;
  for (let d = 0; d < D; d++) {
    const a = actual.get(d);
    const c = cheapest.get(d);
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
  const savingE8 = (l: LcrWhatIfLine) => actual.get(destIndex.get(l.destination)!) - cheapest.get(destIndex.get(l.destination)!);
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
    notCompared,
    byVendor: vendors.map((v, i) => ({
      vendor: v.name, actualCalls: actualCalls[i]!, cheapestCalls: cheapestCalls[i]!, actual: formatAmountE8(actualByVendor.get(i)), cheapest: formatAmountE8(cheapestByVendor.get(i)),
    })).filter((r) => r.actualCalls > 0 || r.cheapestCalls > 0),
  };
}
