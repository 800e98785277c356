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
 * - Over enough calls, the period's time ranges are scanned on two worker threads (each with its own
 *   connection and decks, kept for all its ranges) and their sums merged exactly (whatif-workers.ts).
 *   The scan itself is core/lcr/whatif-scan.ts.
 */
import { existsSync } from 'node:fs';
import type { Carrier, LcrWhatIf, LcrWhatIfLine, ParsedArgs } from '../api/contract.ts';
import { TrunklineError } from '../api/errors.ts';
import { requireCarrier } from '../carriers/handlers.ts';
import type { EngineContext } from '../context.ts';
import type { WhatIfFilter } from '../db/lcr-repo.ts';
import type { JobContext } from '../jobs/jobs.ts';
import { formatAmountE8, lineAmountE8, type RoundingPolicy } from '../rating/amount.ts';
import { periodArgs } from '../rating/rerate.ts';
import { isoInstant } from '../time/parse-date.ts';
import { orderVendors } from './build-lcr.ts';
import { checkCurrencies, resolveVendors } from './load-lcr.ts';
import { ScanBuilder, whatIfScanner, type Scan, type SlotSpec, type WhatIfScan } from './whatif-scan.ts';
import { whatIfOnWorkers } from './whatif-workers.ts';

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
  let slots: SlotSpec[];
  for (;;) {
    const carriers = [...known].map((id) => ctx.carriers.byId(id)).filter((c): c is Carrier => c !== null && c !== undefined);
    const byId = new Map(carriers.map((c) => [c.id, c]));
    slots = orderVendors(carriers.map((c) => ({ ...c, carrierId: c.id }))).map((c) => ({ carrier: byId.get(c.id)!, candidate: selectedIds.has(c.id) }));
    scan = await scanPeriod(ctx, filter, slots, job);
    if (scan.missing.size === 0) break;
    for (const id of scan.missing) known.add(id);
  }
  return summarise(ctx, args, who, fromMs, toMs, selectedIds, slots, scan);
}

/** What-ifs over fewer calls than this run on the engine's thread (a worker's start and its own decks cost more). */
const PARALLEL_FROM = (): number => Number(process.env.TRUNKLINE_WHATIF_PARALLEL_FROM ?? 200_000);

/**
 * One pass over the period: on two worker threads (time ranges, each thread with its own decks and
 * connection, their sums merged here) when the CDR worker is built and the period holds enough
 * calls, else on this thread.
 */
async function scanPeriod(ctx: EngineContext, filter: WhatIfFilter, slots: SlotSpec[], job: JobContext): Promise<Scan> {
  const cancelled = () => new TrunklineError('JOB_CANCELLED', 'the what-if was cancelled');
  const exists = (id: number) => ctx.carriers.byId(id) != null;
  let local: WhatIfScan | null = null;
  const scanHere = (lo: number, hi: number, into?: ScanBuilder, base = 0) => (local ??= whatIfScanner(ctx.db, slots, filter.fromMs, filter.toMs, exists))(filter, lo, hi, {
    epoch: (done) => job.progress('matching prefixes', base + done),
    page: async (done) => {
      job.progress('rating on every route', base + done);
      if (job.signal.aborted) throw cancelled();
      await new Promise<void>((resolve) => setImmediate(resolve));
    },
  }, into);
  job.progress('loading decks', 0);
  const threshold = PARALLEL_FROM();
  if (ctx.importWorker && existsSync(ctx.importWorker) && ctx.lcr.whatIfCallsAtLeast(filter, threshold)) {
    const into = new ScanBuilder(slots.length);
    let done = 0;
    await whatIfOnWorkers(ctx.importWorker, ctx.dbPath, slots, filter, into, (n) => {
      done = n;
      job.progress('rating on every route', n);
    }, job.signal, cancelled, async (lo, hi) => {
      await scanHere(lo, hi, into, done);
    });
    return into.r;
  }
  return scanHere(filter.fromMs, filter.toMs);
}

function summarise(
  ctx: EngineContext, args: ParsedArgs<'lcr.whatif'>, who: Carrier, fromMs: number, toMs: number, selectedIds: Set<number>, slots: SlotSpec[], scan: Scan,
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
    const policy = slots[scan.groupSlot[g]!]!.carrier.rounding;
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
    const line = cheapestLines.get(key) ?? { dest: d, vendor: vIndex[s]!, x60: 0n, fees: 0n, policy: slots[s]!.carrier.rounding };
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
