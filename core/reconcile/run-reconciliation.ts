import type { Carrier, ParsedArgs } from '../api/contract.ts';
import { periodGroups } from '../cdrs/handlers.ts';
import { RECON_CAUSES, type ReconCause, type ReconClass, type ReconClasses, type Reconciliation, type ReconSummaryLine } from '../api/recon-types.ts';
import { TrunklineError } from '../api/errors.ts';
import { requireCarrier } from '../carriers/handlers.ts';
import type { EngineContext } from '../context.ts';
import type { StoredInvoiceLine } from '../db/invoices-repo.ts';
import type { NewDiscrepancy, NewItem } from '../db/reconcile-repo.ts';
import type { JobContext } from '../jobs/jobs.ts';
import { formatScaled, parseScaledDecimal } from '../money/scaled-decimal.ts';
import { formatAmountE8, lineAmountE8 } from '../rating/amount.ts';
import { roundingUnitE8 } from '../rating/rounding.ts';
import { normaliseNumber } from '../rates/normalise-number.ts';
import { DeckView, x60ToE8 } from './deck-view.ts';
import { matchCdrs, numberKey, type MatchSide } from './match-cdrs.ts';
import { periodLabel, resolvePeriod, type Period } from './period.ts';

const NO_DEST = '(no rate)';

/** a × 100 / b as a decimal string with 2 decimals (half up, sign kept); null when b is 0. */
export function percentText(a: bigint, b: bigint): string | null {
  if (b === 0n) return null;
  const neg = (a < 0n) !== (b < 0n) && a !== 0n;
  const n = (a < 0n ? -a : a) * 10_000n;
  const d = b < 0n ? -b : b;
  const q = (n * 2n + d) / (2n * d);
  return `${neg ? '-' : ''}${formatScaled(Number(q) * 1_000_000, 2)}`;
}

function normName(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();
}

/** round(minutes × rate) in e8, half up (both e8). */
function minutesTimesRate(minutesE8: number, rateE8: number): bigint {
  const p = BigInt(minutesE8) * BigInt(rateE8);
  return (p * 2n + 100_000_000n) / 200_000_000n;
}

interface DestAgg {
  calls: number;
  billed: bigint;
  amount: bigint;
  /** Per rate version: Σ x60 and Σ fees, for per-line rounding. */
  lines: Map<number, { x60: bigint; fees: bigint; billed: bigint }>;
  prefixes: Set<string>;
}

function newDest(): DestAgg {
  return { calls: 0, billed: 0n, amount: 0n, lines: new Map(), prefixes: new Set() };
}

function destAmount(d: DestAgg, view: DeckView): bigint {
  if (view.policy.level !== 'per-line') return d.amount;
  let s = 0n;
  for (const l of d.lines.values()) s += lineAmountE8(l.x60, view.policy, l.fees);
  return s;
}

/** The rate that carries most of a destination's billed seconds (ties: the lower rate). */
function mainRate(d: DestAgg, view: DeckView): number | null {
  let best = -1;
  let bestBilled = -1n;
  for (const [v, l] of d.lines) {
    if (l.billed > bestBilled || (l.billed === bestBilled && view.rateOf(v) < view.rateOf(best))) {
      best = v;
      bestBilled = l.billed;
    }
  }
  return best >= 0 ? view.rateOf(best) : null;
}

interface RunParams {
  carrier: Carrier;
  period: Period;
  invoiceId: number | null;
  timeTolMs: number;
  durTolMs: number;
  rerunOf: number | null;
}

function resolveParams(ctx: EngineContext, a: ParsedArgs<'reconcile.run'>): RunParams {
  if (a.rerun !== undefined) {
    const prev = ctx.reconciliations.params(a.rerun);
    if (!prev) throw new TrunklineError('RECONCILIATION_NOT_FOUND', `no reconciliation #${a.rerun}`, { id: a.rerun });
    const carrier = ctx.carriers.list().find((c) => c.id === prev.carrierId)!;
    return {
      carrier, period: { fromMs: prev.fromMs, toMs: prev.toMs, label: prev.label }, invoiceId: prev.invoiceId,
      timeTolMs: prev.timeTolMs, durTolMs: prev.durTolMs, rerunOf: a.rerun,
    };
  }
  if (!a.carrier) throw new TrunklineError('INVALID_ARGUMENTS', 'carrier: name the vendor to reconcile');
  const carrier = requireCarrier(ctx, a.carrier);
  const period = resolvePeriod(carrier.timezone, a);
  let invoiceId: number | null = null;
  if (a.invoice) {
    const inv = ctx.invoices.byNumber(carrier.id, a.invoice);
    if (!inv) throw new TrunklineError('INVOICE_NOT_FOUND', `${carrier.name} has no invoice ${a.invoice}`, { carrier: carrier.name, number: a.invoice });
    invoiceId = inv.id;
  } else {
    const found = ctx.invoices.forPeriod(carrier.id, period.fromMs, period.toMs);
    if (found.length > 1) {
      throw new TrunklineError('INVALID_ARGUMENTS', `${carrier.name} has ${found.length} invoices for ${period.label} (${found.map((f) => f.number).join(', ')}): name one with --invoice`);
    }
    invoiceId = found[0]?.id ?? null;
  }
  return { carrier, period, invoiceId, timeTolMs: Math.round(a.timeTolerance * 1000), durTolMs: Math.round(a.durationTolerance * 1000), rerunOf: null };
}

/**
 * A reconciliation run: the vendor's invoice against our own CDRs for it, rated on its buy deck as
 * it stood (notice rules applied), at summary level and, when the carrier's CDRs are stored, call
 * by call. The variance is explained as causes that add up to it exactly. Stored, then returned.
 */
export async function runReconciliation(ctx: EngineContext, a: ParsedArgs<'reconcile.run'>, job: JobContext): Promise<Reconciliation> {
  const p = resolveParams(ctx, a);
  const { carrier, period } = p;
  const warnings: string[] = [];
  const view = DeckView.load(ctx.db, carrier.id, carrier.rounding);
  if (view.table.size === 0) warnings.push(`${carrier.name} has no buy deck: every own call is expected at nothing`);
  const invoice = p.invoiceId === null ? undefined : ctx.invoices.header(p.invoiceId);
  const invoiceLines: StoredInvoiceLine[] = invoice ? ctx.invoices.lines(invoice.id) : [];
  if (invoice && (invoice.fromMs !== period.fromMs || invoice.toMs !== period.toMs)) {
    warnings.push(`invoice ${invoice.number} bills ${periodLabel(invoice.fromMs, invoice.toMs, carrier.timezone)}, the run covers ${period.label}`);
  }
  const base = { v: carrier.id, from: period.fromMs, to: period.toMs };
  // Our own calls on the vendor's leg, grouped by rating and rate version: whole days from the per-day
  // totals, the partial days at the period's edges (in the vendor's zone) from the calls.
  const groups = periodGroups(ctx, carrier.id, 'buy', 'own', period.fromMs, period.toMs);
  const ownCount = groups.reduce((a, g) => a + Number(g.n), 0);
  const carrierCount = periodGroups(ctx, carrier.id, 'buy', 'carrier', period.fromMs, period.toMs).reduce((a, g) => a + Number(g.n), 0);
  if (!invoice && ownCount === 0 && carrierCount === 0) {
    throw new TrunklineError('RECONCILIATION_NO_DATA', `nothing to reconcile for ${carrier.name} in ${period.label}: no invoice and no CDRs`, { carrier: carrier.name, period: period.label });
  }
  if (!invoice) warnings.push(`no invoice of ${carrier.name} for ${period.label}: the carrier's CDR charges stand in for its total`);
  if (invoice && invoice.currency !== carrier.currency) warnings.push(`the invoice is in ${invoice.currency}, the deck and carrier in ${carrier.currency}: amounts are compared as they are`);
  job.progress('summary', 0, null);

  // ---- Expected, per destination: our own calls' stored buy rating, by rate version (the groups above). ----
  const perLine = carrier.rounding.level === 'per-line';
  const expected = new Map<string, DestAgg>();
  const deck = new Map<string, DestAgg>();
  const add = (m: Map<string, DestAgg>, v: number, n: number, billed: bigint, amount: bigint, x60: bigint): void => {
    const name = view.destination[v] || NO_DEST;
    let d = m.get(name);
    if (!d) m.set(name, (d = newDest()));
    d.calls += n;
    d.billed += billed;
    d.amount += amount;
    const pre = view.prefixOf(v);
    if (pre) d.prefixes.add(pre);
    const l = d.lines.get(v) ?? { x60: 0n, fees: 0n, billed: 0n };
    l.x60 += x60;
    l.fees += BigInt(view.feeOf(v)) * BigInt(n);
    l.billed += billed;
    d.lines.set(v, l);
  };
  let unrated = 0;
  let notRated = 0;
  const noticeVersions: number[] = [];
  for (const g of groups) {
    if (g.status === null) {
      notRated += Number(g.n);
      continue;
    }
    if (g.status === 2n) unrated += Number(g.n);
    if (g.status !== 0n) continue;
    const v = view.indexOf(g.rid === null ? null : Number(g.rid));
    if (v < 0) {
      warnings.push(`${g.n} own calls are rated on a rate version no longer in the deck: re-rate them (trunkline rate --carrier "${carrier.name}" --side buy)`);
      continue;
    }
    // A per-line policy stores no amount per call: the exact amount stands in until the line is rounded.
    const amount = perLine ? (g.x60 === null ? 0n : BigInt(x60ToE8(g.x60))) : (g.amount ?? 0n);
    for (const m of [expected, deck]) add(m, v, Number(g.n), g.billed ?? 0n, amount, g.x60 ?? 0n);
    if (!Number.isNaN(view.noticeUntil[v]!) && view.noticeUntil[v]! > period.fromMs) noticeVersions.push(v);
  }
  if (notRated > 0) warnings.push(`${notRated} own calls in the period are not rated on the buy side: run trunkline rate --carrier "${carrier.name}" --side buy`);
  if (unrated > 0) warnings.push(`${unrated} own calls in the period could not be rated (no rate, closed or blocked code, bad number): expected at nothing`);
  // Calls rated at an increase that came without enough notice are expected at the version before it.
  const noticeCalls = new Map<number, { e8: number; v: number }>();
  if (noticeVersions.length > 0) {
    const ids = noticeVersions.map((v) => view.table.ids[v]!);
    const rows = ctx.db.prepare(`SELECT id, start_ms, duration_ms, buy_rate_id, buy_billed_s, buy_amount_e8, buy_exact_x60 FROM cdrs
      WHERE vendor_id = @v AND source = 0 AND start_ms >= @from AND start_ms < @to AND buy_status = 0 AND buy_rate_id IN (${ids.join(',')})`).raw().iterate(base) as Iterable<[number, number, number, number, number, number | null, number]>;
    for (const [id, start, dur, rid, billed, amount, x60] of rows) {
      const v = view.indexOf(rid);
      const ev = view.expected(v, start);
      if (ev === v) continue;
      const c = view.charge(ev, dur);
      const stored = amount ?? x60ToE8(x60);
      // Out of the version it was rated at, into the one it is expected at.
      add(expected, v, -1, -BigInt(billed), -BigInt(stored), -BigInt(x60));
      add(expected, ev, 1, BigInt(c.billed), BigInt(c.e8), BigInt(c.x60));
      noticeCalls.set(id, { e8: c.e8, v: ev });
    }
  }
  let expectedTotal = 0n;
  const expectedByDest = new Map<string, bigint>();
  const deckByDest = new Map<string, bigint>();
  for (const [name, d] of expected) {
    const amt = destAmount(d, view);
    expectedByDest.set(name, amt);
    expectedTotal += amt;
  }
  for (const [name, d] of deck) deckByDest.set(name, destAmount(d, view));

  // ---- Summary level: invoice lines grouped by the destination they match. ----
  const byName = new Map<string, string>();
  for (const name of expected.keys()) byName.set(normName(name), name);
  const ownDestOfPrefix = new Map<string, string>();
  for (const [name, d] of expected) for (const pre of d.prefixes) if (!ownDestOfPrefix.has(pre)) ownDestOfPrefix.set(pre, name);
  const deckDest = new Map<string, string>();
  for (let v = 0; v < view.table.size; v++) deckDest.set(view.table.prefixes[view.table.versionPrefix[v]!]!, view.destination[v]!);
  const invoiceGroups = new Map<string, StoredInvoiceLine[]>();
  for (const l of invoiceLines) {
    let key = l.destination ? byName.get(normName(l.destination)) : undefined;
    if (!key && l.prefix) {
      key = ownDestOfPrefix.get(l.prefix);
      const dd = key ? undefined : deckDest.get(l.prefix);
      if (!key && dd && expected.has(dd)) key = dd;
    }
    key ??= `invoice:${l.destination ?? ''}:${l.prefix ?? ''}`;
    const list = invoiceGroups.get(key) ?? [];
    list.push(l);
    invoiceGroups.set(key, list);
  }
  const absE8 = BigInt(parseScaledDecimal(carrier.disputeThreshold.absolute).ok ? (parseScaledDecimal(carrier.disputeThreshold.absolute) as { scaled: number }).scaled : 0);
  const pctE8 = BigInt(parseScaledDecimal(carrier.disputeThreshold.percent).ok ? (parseScaledDecimal(carrier.disputeThreshold.percent) as { scaled: number }).scaled : 0);
  /** Reaches both thresholds: amount ≥ absolute and amount / base ≥ percent (any amount over a zero base). */
  const material = (amount: bigint, baseE8: bigint): boolean => amount > 0n && amount >= absE8 && (baseE8 <= 0n || amount * 100n * 100_000_000n >= pctE8 * baseE8);
  const unit = BigInt(roundingUnitE8(carrier.rounding.decimals));

  const summaryCauses = new Map<ReconCause, { amount: bigint; calls: number }>();
  const addCause = (m: Map<ReconCause, { amount: bigint; calls: number }>, cause: ReconCause, amount: bigint, calls: number): void => {
    if (amount === 0n && calls === 0) return;
    const c = m.get(cause) ?? { amount: 0n, calls: 0 };
    c.amount += amount;
    c.calls += calls;
    m.set(cause, c);
  };
  const summaryItems: NewItem[] = [];
  const lines: ReconSummaryLine[] = [];
  const keys = [...new Set([...invoiceGroups.keys(), ...expected.keys()])].sort();
  for (const key of keys) {
    const inv = invoiceGroups.get(key);
    const own = expected.get(key);
    const ownAmount = expectedByDest.get(key) ?? 0n;
    const deckAmount = deckByDest.get(key) ?? 0n;
    const invAmount = inv ? inv.reduce((s, l) => s + BigInt(l.amountE8), 0n) : 0n;
    const invCalls = inv && inv.every((l) => l.calls !== null) ? inv.reduce((s, l) => s + l.calls!, 0) : null;
    const invMinutes = inv && inv.every((l) => l.minutesE8 !== null) ? inv.reduce((s, l) => s + BigInt(l.minutesE8!), 0n) : null;
    const invRate = inv && inv.length === 1 ? inv[0]!.rateE8 : null;
    const ownRate = own ? mainRate(own, view) : null;
    const ownMinutesE8 = own ? (own.billed * 100_000_000n * 2n + 60n) / 120n : 0n;
    const variance = invAmount - ownAmount;
    const destination = own ? key : (inv?.[0]?.destination ?? null);
    const prefix = own ? (own.prefixes.size === 1 ? [...own.prefixes][0]! : null) : (inv?.[0]?.prefix ?? null);
    lines.push({
      key, destination, prefix, side: inv && own ? 'both' : inv ? 'invoice-only' : 'own-only',
      invoiceCalls: invCalls, ownCalls: own?.calls ?? 0, callsVariance: invCalls === null ? null : invCalls - (own?.calls ?? 0),
      invoiceMinutes: invMinutes === null ? null : formatAmountE8(invMinutes, 2), ownMinutes: formatAmountE8(ownMinutesE8, 2),
      minutesVariance: invMinutes === null ? null : formatAmountE8(invMinutes - ownMinutesE8, 2),
      minutesVariancePercent: invMinutes === null ? null : percentText(invMinutes - ownMinutesE8, ownMinutesE8),
      invoiceRate: invRate === null ? null : formatScaled(invRate, 4), ownRate: ownRate === null ? null : formatScaled(ownRate, 4),
      rateVariance: invRate === null || ownRate === null ? null : formatScaled(invRate - ownRate, 4),
      invoiceAmount: formatAmountE8(invAmount), ownAmount: formatAmountE8(ownAmount), amountVariance: formatAmountE8(variance),
      amountVariancePercent: percentText(variance, ownAmount), material: material(variance, ownAmount),
    });
    // The summary's causes (used when there are no carrier CDRs to go call by call).
    const lineCauses = new Map<ReconCause, { amount: bigint; calls: number }>();
    if (!own) addCause(lineCauses, 'carrier-only', invAmount, invCalls ?? 0);
    else if (!inv) addCause(lineCauses, 'own-only', -ownAmount, own.calls);
    else {
      addCause(lineCauses, 'notice-violation', deckAmount - ownAmount, 0);
      let sumA = 0n;
      let sumB = 0n;
      for (const l of inv) {
        if (l.minutesE8 === null || l.rateE8 === null || ownRate === null) {
          sumA += BigInt(l.amountE8);
          sumB += BigInt(l.amountE8);
          continue;
        }
        const A = minutesTimesRate(l.minutesE8, l.rateE8);
        const B = minutesTimesRate(l.minutesE8, ownRate);
        sumA += A;
        sumB += B;
        const diff = BigInt(l.amountE8) - A;
        const abs = diff < 0n ? -diff : diff;
        addCause(lineCauses, abs <= unit ? 'rounding' : 'line-arithmetic', diff, 0);
      }
      addCause(lineCauses, 'rate', sumA - sumB, 0);
      addCause(lineCauses, 'volume', sumB - deckAmount, (invCalls ?? own.calls) - own.calls);
    }
    for (const [cause, c] of lineCauses) {
      addCause(summaryCauses, cause, c.amount, c.calls);
      if (c.amount > 0n && cause !== 'rounding') {
        summaryItems.push({
          cause, destination, prefix, calls: cause === 'carrier-only' ? (invCalls ?? 0) : (invCalls ?? own?.calls ?? 0),
          minutesE8: Number(invMinutes ?? 0n), amountE8: Number(c.amount), expectedE8: Number(ownAmount), proposed: material(c.amount, ownAmount),
        });
      }
    }
  }
  const invoiceTotal = invoice ? BigInt(invoice.totalE8) : null;

  // ---- CDR level: match the carrier's calls with ours. ----
  const classes: ReconClasses = { exact: 0, withinTolerance: 0, durationMismatch: 0, carrierOnly: 0, ownOnly: 0, duplicate: 0, rateMismatch: 0 };
  const discrepancies: NewDiscrepancy[] = [];
  let items: NewItem[] = summaryItems;
  let causes = summaryCauses;
  let carrierTotal: bigint | null = null;
  let billedTotal = invoiceTotal ?? 0n;
  let level: 'summary' | 'cdr' = 'summary';
  let ownMatched = 0;
  let carrierRead = 0;
  if (carrierCount > 0) {
    level = 'cdr';
    job.progress('reading own CDRs', 0, ownCount);
    const tech = carrier.techPrefixes;
    const keyOf = (called: string): number => {
      const n = normaliseNumber(called, tech);
      return n.ok ? numberKey(n.digits) : -1 - (numberKey(`x${called}`) % 1e15);
    };
    const own = { n: 0, key: new Float64Array(ownCount), startMs: new Float64Array(ownCount), durationMs: new Float64Array(ownCount) } as MatchSide;
    const ownId = new Float64Array(ownCount);
    const ownV = new Int32Array(ownCount);
    const ownE = new Float64Array(ownCount);
    /** Own calls expected at an earlier version than the deck's (notice rule): the deck's version. */
    const ownDeckV = new Map<number, number>();
    const ownRows = ctx.db.prepare(`SELECT id, called, start_ms, duration_ms, buy_status, buy_rate_id, buy_amount_e8, buy_exact_x60 FROM cdrs
      WHERE vendor_id = @v AND source = 0 AND start_ms >= @from AND start_ms < @to AND answered = 1 AND duration_ms > 0 ORDER BY start_ms`).raw().iterate(base) as
      Iterable<[number, string, number, number, number | null, number | null, number | null, number | null]>;
    for (const r of ownRows) {
      const i = own.n++;
      ownId[i] = r[0];
      own.key[i] = keyOf(r[1]);
      own.startMs[i] = r[2];
      own.durationMs[i] = r[3];
      const v = view.indexOf(r[5]);
      const notice = noticeCalls.get(r[0]);
      ownV[i] = notice ? notice.v : v;
      ownE[i] = r[4] !== 0 || v < 0 ? 0 : notice ? notice.e8 : (r[6] ?? x60ToE8(r[7] ?? 0));
      // Stored for the decomposition: the version the deck itself gives (before the notice rule).
      if (notice) ownDeckV.set(i, v);
      if ((i & 0xffff) === 0) {
        job.progress('reading own CDRs', i, ownCount);
        if (job.signal.aborted) throw cancelled();
      }
    }
    const carrierSide = { n: 0, key: new Float64Array(carrierCount), startMs: new Float64Array(carrierCount), durationMs: new Float64Array(carrierCount) } as MatchSide;
    const carrierId = new Float64Array(carrierCount);
    const carrierCharge = new Float64Array(carrierCount);
    const carrierV = new Int32Array(carrierCount);
    const carrierRows = ctx.db.prepare(`SELECT id, called, start_ms, duration_ms, carrier_charge_e8, buy_status, buy_rate_id, buy_amount_e8, buy_exact_x60 FROM cdrs
      WHERE vendor_id = @v AND source = 1 AND start_ms >= @from AND start_ms < @to AND ((answered = 1 AND duration_ms > 0) OR carrier_charge_e8 > 0) ORDER BY start_ms`).raw().iterate(base) as
      Iterable<[number, string, number, number, number | null, number | null, number | null, number | null, number | null]>;
    for (const r of carrierRows) {
      const i = carrierSide.n++;
      carrierId[i] = r[0];
      carrierSide.key[i] = keyOf(r[1]);
      carrierSide.startMs[i] = r[2];
      carrierSide.durationMs[i] = r[3];
      carrierV[i] = view.indexOf(r[6]);
      carrierCharge[i] = r[4] ?? (r[5] === 0 ? (r[7] ?? x60ToE8(r[8] ?? 0)) : 0);
      if ((i & 0xffff) === 0) {
        job.progress('reading carrier CDRs', i, carrierCount);
        if (job.signal.aborted) throw cancelled();
      }
    }
    carrierRead = carrierSide.n;
    job.progress('matching', 0, null);
    const m = matchCdrs(own, carrierSide, p.timeTolMs);
    if (job.signal.aborted) throw cancelled();
    const cdrCauses = new Map<ReconCause, { amount: bigint; calls: number }>();
    const itemMap = new Map<string, NewItem & { no: number }>();
    const itemList: (NewItem & { no: number })[] = [];
    const itemOf = (cause: ReconCause, v: number, fallbackDest: string | null): number => {
      const dest = v >= 0 ? view.destination[v]! : fallbackDest;
      const k = `${cause}\u0000${dest ?? ''}`;
      let it = itemMap.get(k);
      if (!it) {
        it = { no: itemMap.size + 1, cause, destination: dest, prefix: view.prefixOf(v), calls: 0, minutesE8: 0, amountE8: 0, expectedE8: Number(expectedByDest.get(dest ?? '') ?? 0n), proposed: false };
        itemMap.set(k, it);
        itemList.push(it);
      } else if (it.prefix !== view.prefixOf(v)) it.prefix = null;
      return it.no;
    };
    // Billed seconds are summed per item and turned into minutes once (half up, 8 decimals): a
    // rounding per call would drift by up to half a unit per call over a million calls.
    const billedByItem: number[] = [];
    const claim = (no: number, amount: number, billedS: number): void => {
      const it = itemList[no - 1]!;
      it.calls += 1;
      it.amountE8 += amount;
      billedByItem[no - 1] = (billedByItem[no - 1] ?? 0) + billedS;
    };
    let sumE = 0n;
    let sumC = 0n;
    for (let i = 0; i < own.n; i++) {
      sumE += BigInt(ownE[i]!);
      const k = m.ownMatch[i]!;
      if (k >= 0) {
        ownMatched++;
        continue;
      }
      classes.ownOnly++;
      addCause(cdrCauses, 'own-only', -BigInt(ownE[i]!), 1);
      discrepancies.push({ cls: 'ownOnly', ownId: ownId[i]!, carrierId: null, destination: ownV[i]! >= 0 ? view.destination[ownV[i]!]! : null, expectedE8: ownE[i]!, chargedE8: 0, itemNo: null });
    }
    for (let k = 0; k < carrierSide.n; k++) {
      const c = carrierCharge[k]!;
      sumC += BigInt(c);
      const o = m.carrierMatch[k]!;
      const theirDur = carrierSide.durationMs[k]!;
      const billedTheirs = (v: number) => view.charge(v, theirDur).billed;
      if (o < 0) {
        const cls: ReconClass = m.duplicate[k] ? 'duplicate' : 'carrierOnly';
        classes[cls]++;
        const cause: ReconCause = m.duplicate[k] ? 'duplicate' : 'carrier-only';
        addCause(cdrCauses, cause, BigInt(c), 1);
        const v = carrierV[k]!;
        const no = c > 0 ? itemOf(cause, v, NO_DEST) : null;
        if (no !== null) claim(no, c, billedTheirs(v));
        discrepancies.push({ cls, ownId: null, carrierId: carrierId[k]!, destination: v >= 0 ? view.destination[v]! : null, expectedE8: 0, chargedE8: c, itemNo: no });
        continue;
      }
      const e = ownE[o]!;
      const vE = ownV[o]!;
      const vD = ownDeckV.get(o) ?? vE;
      const atE = view.charge(vE, theirDur);
      const atD = vD === vE ? atE : view.charge(vD, theirDur);
      const duration = atE.e8 - e;
      const notice = atD.e8 - atE.e8;
      const rest = c - atD.e8;
      addCause(cdrCauses, 'duration', BigInt(duration), duration !== 0 ? 1 : 0);
      addCause(cdrCauses, 'notice-violation', BigInt(notice), notice !== 0 ? 1 : 0);
      const rounding = view.withinRounding(vD, atD.billed, atD.x60, c);
      addCause(cdrCauses, rounding ? 'rounding' : 'rate', BigInt(rest), rest !== 0 ? 1 : 0);
      const dDur = Math.abs(theirDur - own.durationMs[o]!);
      const rateOk = view.withinRounding(vE, atE.billed, atE.x60, c);
      const cls: ReconClass = !rateOk ? 'rateMismatch' : dDur === 0 ? 'exact' : dDur <= p.durTolMs ? 'withinTolerance' : 'durationMismatch';
      classes[cls]++;
      if (cls === 'exact') continue;
      // The pair is evidence for its largest overcharge (duration, notice or rate).
      const parts: [ReconCause, number][] = [['duration', duration], ['notice-violation', notice], ['rate', rounding ? 0 : rest]];
      const best = parts.filter(([, x]) => x > 0).sort((x, y) => y[1] - x[1])[0];
      let no: number | null = null;
      for (const [cause, x] of parts) {
        if (x <= 0) continue;
        const n = itemOf(cause, vE, null);
        claim(n, x, atE.billed);
        if (best && cause === best[0]) no = n;
      }
      discrepancies.push({ cls, ownId: ownId[o]!, carrierId: carrierId[k]!, destination: vE >= 0 ? view.destination[vE]! : null, expectedE8: e, chargedE8: c, itemNo: no });
    }
    carrierTotal = sumC;
    billedTotal = invoiceTotal ?? sumC;
    // The invoice against the carrier's own CDRs, and our per-line rounding against the calls' sum.
    if (invoiceTotal !== null) {
      const diff = invoiceTotal - sumC;
      const abs = diff < 0n ? -diff : diff;
      addCause(cdrCauses, abs <= unit * BigInt(Math.max(1, invoiceLines.length)) ? 'rounding' : 'invoice-vs-cdrs', diff, 0);
    }
    addCause(cdrCauses, 'rounding', sumE - expectedTotal, 0);
    causes = cdrCauses;
    for (const it of itemList) it.minutesE8 = Number((BigInt(billedByItem[it.no - 1] ?? 0) * 200_000_000n + 60n) / 120n);
    items = [...itemMap.values()].map((it) => ({ ...it, proposed: material(BigInt(it.amountE8), BigInt(it.expectedE8)) }));
  }
  const variance = billedTotal - expectedTotal;
  let causeSum = 0n;
  for (const c of causes.values()) causeSum += c.amount;
  if (causeSum !== variance) {
    // The causes are built so that this cannot happen; if it does, the run is wrong and must not be stored.
    throw new TrunklineError('INTERNAL_ERROR', `the causes (${formatAmountE8(causeSum)}) do not add up to the variance (${formatAmountE8(variance)})`);
  }
  const causeList = RECON_CAUSES.filter((c) => causes.has(c) && (causes.get(c)!.amount !== 0n || causes.get(c)!.calls !== 0))
    .map((c) => ({ cause: c, amount: formatAmountE8(causes.get(c)!.amount), calls: causes.get(c)!.calls }));
  const proposed = items.filter((i) => i.proposed).reduce((s, i) => s + BigInt(i.amountE8), 0n);
  if (level === 'summary' && carrierCount === 0 && ownCount > 0) warnings.push('no carrier CDRs for this period: the run is at summary level (classes are all 0)');
  job.progress('storing', 0, null);
  const result = {
    invoice: invoice?.number ?? null, currency: invoice?.currency ?? carrier.currency, level,
    invoiceTotal: formatAmountE8(billedTotal), expectedTotal: formatAmountE8(expectedTotal), variance: formatAmountE8(variance),
    variancePercent: percentText(variance, expectedTotal), carrierCdrTotal: carrierTotal === null ? null : formatAmountE8(carrierTotal),
    classes, causes: causeList, proposedDisputeAmount: formatAmountE8(proposed), threshold: { ...carrier.disputeThreshold },
    ownCalls: ownCount, carrierCalls: carrierCount, lines, warnings, ownMatched, carrierRead,
  };
  const id = ctx.reconciliations.insert({
    carrierId: carrier.id, invoiceId: invoice?.id ?? null, label: period.label, fromMs: period.fromMs, toMs: period.toMs,
    timeTolMs: p.timeTolMs, durTolMs: p.durTolMs, currency: result.currency, level, invoiceTotalE8: Number(billedTotal), expectedTotalE8: Number(expectedTotal),
    varianceE8: Number(variance), proposedE8: Number(proposed), settingsVersion: carrier.settingsVersion, resultJson: JSON.stringify(result),
    rerunOf: p.rerunOf, runAt: ctx.clock(), runBy: ctx.actor, items, discrepancies,
  });
  return ctx.reconciliations.get(id)!;
}


function cancelled(): TrunklineError {
  return new TrunklineError('JOB_CANCELLED', 'the reconciliation was cancelled; nothing was stored');
}
