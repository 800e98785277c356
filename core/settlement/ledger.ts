import type {
  AgeingBucket, AgeingReport, AgeingRow, Carrier, LedgerEntry, LedgerKind, ParsedArgs, SettlementDirection, SettlementDispute, SettlementFigures,
  SettlementPosition,
} from '../api/contract.ts';
import { requireCarrier } from '../carriers/handlers.ts';
import type { EngineContext } from '../context.ts';
import { isoInstant } from '../time/parse-date.ts';
import { FxConverter } from './fx.ts';
import { money, parseE8 } from './money.ts';
import { addDays, dayOfMs, daysBetween, periodOfDay, periodOfMs, periodRange } from './period.ts';
import { vendorDisputes, vendorInvoices } from './vendor-side.ts';

/**
 * A carrier's settlement as a ledger of dated amounts, each in the period it belongs to and
 * converted to the carrier's settlement currency. Sign: positive = the carrier owes us more.
 *
 * - Our invoice for a period: +total, in that period (converted at its issue date).
 * - A credit/debit note: ±total, in the period of its issue date (a correction made later does
 *   not rewrite a closed period: it is an adjustment of the month it was issued in).
 * - The carrier's invoice for a period: −total, in that period (at its issue date, else the
 *   period's last day).
 * - A dispute withholds its claimed amount while it is open (from its events: from the move into
 *   submitted, acknowledged, escalated, accepted or partially-accepted, to the next move into
 *   rejected, settled or closed; see withholdingSpans): +claimed in the disputed invoice's period
 *   ("withheld") unless it was resolved within that same period, and −claimed in the period it
 *   was resolved ("released", at the same conversion, so the two cancel exactly). A rejected claim
 *   escalated again is withheld again from the period it re-opened in. A draft withholds nothing.
 * - A settled dispute's credit note (agreed amount): +agreed, in the period it settled ("dispute-credit").
 * - Payments: in −amount, out +amount, in the period of their value date (converted at that date).
 *
 * The position of a period: opening (Σ of everything before it) + its entries. Every figure is as of now.
 */

export interface Entry extends LedgerEntry {
  effectE8: bigint;
  amountE8: bigint;
}

interface DisputeTrack {
  view: Omit<SettlementDispute, 'withheld' | 'released' | 'credit'>;
  /** Converted amounts withheld and released, by period. */
  withheld: Map<string, bigint>;
  released: Map<string, bigint>;
  creditPeriod: string | null;
  creditE8: bigint;
}

export interface Ledger {
  carrier: Carrier;
  entries: Entry[];
  disputes: DisputeTrack[];
}

const KIND_ORDER: LedgerKind[] = ['invoice', 'credit-note', 'debit-note', 'vendor-invoice', 'withheld', 'released', 'dispute-credit', 'payment-in', 'payment-out'];

export function buildLedger(ctx: EngineContext, carrier: Carrier, fx = new FxConverter(ctx)): Ledger {
  const tz = carrier.timezone;
  const cur = carrier.currency;
  const entries: Entry[] = [];
  const add = (kind: LedgerKind, period: string, date: string, reference: string, originalE8: bigint, currency: string, sign: 1n | -1n, conv?: { e8: bigint; rate: string | null; rateDate: string | null }) => {
    const c = conv ?? (() => {
      const x = fx.convert(originalE8, currency, cur, date, `${kind} ${reference}`);
      return { e8: x.amountE8, rate: x.rate, rateDate: x.rateDate };
    })();
    entries.push({
      kind, period, date, reference, originalAmount: money(originalE8), originalCurrency: currency, fxRate: c.rate, fxDate: c.rateDate,
      amount: money(c.e8), effect: money(sign * c.e8), amountE8: c.e8, effectE8: sign * c.e8,
    });
    return c;
  };
  for (const d of ctx.settlement.invoices({ carrierId: carrier.id })) {
    const period = d.kind === 'invoice' ? d.period : periodOfDay(d.issuedOn);
    add(d.kind, period, d.issuedOn, d.kind === 'invoice' ? d.number : `${d.number} (corrects ${d.period})`, d.totalE8, d.currency, 1n);
  }
  const vendorInvs = vendorInvoices(ctx.db, carrier.id);
  const invoiceDay = new Map<number, string>();
  for (const v of vendorInvs) {
    const period = periodOfMs(v.periodFromMs, tz);
    const day = v.issuedOn ?? periodRange(period, tz).lastDay;
    invoiceDay.set(v.id, day);
    add('vendor-invoice', period, day, v.number, v.totalE8, v.currency, -1n);
  }
  const disputes: DisputeTrack[] = [];
  for (const d of vendorDisputes(ctx.db, carrier.id)) {
    const period = periodOfMs(d.periodFromMs, tz);
    const ref = `dispute #${d.id}${d.invoiceNumber ? ` on ${d.invoiceNumber}` : ''}`;
    const track: DisputeTrack = {
      view: {
        id: d.id, invoice: d.invoiceNumber, period, state: d.state, currency: d.currency, claimed: money(d.claimedE8),
        agreed: d.agreedE8 === null ? null : money(d.agreedE8), creditNote: d.creditNote,
        submittedAt: d.submittedAtMs === null ? null : isoInstant(d.submittedAtMs), resolvedAt: d.resolvedAtMs === null ? null : isoInstant(d.resolvedAtMs),
      },
      withheld: new Map(), released: new Map(), creditPeriod: null, creditE8: 0n,
    };
    // One conversion for the claim (at the disputed invoice's day), so every release cancels its withholding exactly.
    const day = (d.invoiceId !== null ? invoiceDay.get(d.invoiceId) : undefined) ?? periodRange(period, tz).lastDay;
    let conv: { e8: bigint; rate: string | null; rateDate: string | null } | undefined;
    d.spans.forEach((span, k) => {
      // The first hold is withheld from the disputed invoice's period; a claim re-opened later (escalated after a rejection) from the period it re-opened in.
      const heldIn = k === 0 ? period : periodOfMs(span.fromMs, tz);
      const releasedIn = span.toMs === null ? null : periodOfMs(span.toMs, tz);
      if (releasedIn !== null && releasedIn <= heldIn) return;
      conv = add('withheld', heldIn, k === 0 ? day : dayOfMs(span.fromMs, tz), ref, d.claimedE8, d.currency, 1n, conv);
      track.withheld.set(heldIn, (track.withheld.get(heldIn) ?? 0n) + conv.e8);
      if (releasedIn !== null) {
        add('released', releasedIn, dayOfMs(span.toMs!, tz), ref, d.claimedE8, d.currency, -1n, conv);
        track.released.set(releasedIn, (track.released.get(releasedIn) ?? 0n) + conv.e8);
      }
    });
    if (d.settledAtMs !== null && d.agreedE8 !== null && d.agreedE8 !== 0n) {
      const settledPeriod = periodOfMs(d.settledAtMs, tz);
      const c = add('dispute-credit', settledPeriod, dayOfMs(d.settledAtMs, tz), d.creditNote ? `${d.creditNote} (${ref})` : ref, d.agreedE8, d.currency, 1n);
      track.creditPeriod = settledPeriod;
      track.creditE8 = c.e8;
    }
    disputes.push(track);
  }
  for (const p of ctx.settlement.payments({ carrierId: carrier.id })) {
    add(p.direction === 'in' ? 'payment-in' : 'payment-out', periodOfDay(p.paidOn), p.paidOn, p.reference ?? `payment #${p.id}`, p.amountE8, p.currency, p.direction === 'in' ? -1n : 1n);
  }
  entries.sort((a, b) => (a.period < b.period ? -1 : a.period > b.period ? 1 : a.date < b.date ? -1 : a.date > b.date ? 1
    : KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || (a.reference < b.reference ? -1 : a.reference > b.reference ? 1 : 0)));
  return { carrier, entries, disputes };
}

export function directionOf(netE8: bigint): SettlementDirection {
  return netE8 > 0n ? 'they-pay-us' : netE8 < 0n ? 'we-pay-them' : 'even';
}

export function figures(ledger: Ledger, period: string): SettlementFigures & { netE8: bigint } {
  const { carrier, entries } = ledger;
  let opening = 0n;
  const sum: Record<string, bigint> = {};
  for (const e of entries) {
    if (e.period < period) opening += e.effectE8;
    else if (e.period === period) sum[e.kind] = (sum[e.kind] ?? 0n) + e.amountE8;
  }
  const s = (k: LedgerKind): bigint => sum[k] ?? 0n;
  // Credit notes carry negative totals: their converted amount is already negative.
  const adj = s('debit-note') + s('credit-note') + s('dispute-credit');
  const payments = s('payment-in') - s('payment-out');
  const net = opening + s('invoice') - s('vendor-invoice') + s('withheld') - s('released') + adj - payments;
  const range = periodRange(period, carrier.timezone);
  return {
    carrier: carrier.name, period, currency: carrier.currency, opening: money(opening), receivable: money(s('invoice')), payable: money(s('vendor-invoice')),
    withheld: money(s('withheld')), released: money(s('released')), adjustments: money(adj), paymentsIn: money(s('payment-in')),
    paymentsOut: money(s('payment-out')), payments: money(payments), net: money(net), direction: directionOf(net),
    dueDate: addDays(range.lastDay, carrier.paymentTermsDays), netE8: net,
  };
}

export function position(ctx: EngineContext, a: ParsedArgs<'settlement.position'>): SettlementPosition {
  const carrier = requireCarrier(ctx, a.carrier);
  const ledger = buildLedger(ctx, carrier);
  const f = figures(ledger, a.period);
  const range = periodRange(a.period, carrier.timezone);
  const warnings: string[] = [];
  if (carrier.roles !== 'vendor' && !ctx.settlement.invoices({ carrierId: carrier.id, period: a.period }).some((d) => d.kind === 'invoice')) {
    const calls = ctx.db.prepare('SELECT count(*) FROM cdrs WHERE customer_id = ? AND source = 0 AND start_ms >= ? AND start_ms < ?').pluck()
      .get(carrier.id, range.fromMs, range.toMs) as number;
    if (calls > 0) warnings.push(`no invoice issued to ${carrier.name} for ${a.period} yet: receivable leaves out its ${calls} calls (issue it with \`trunkline invoices issue\`)`);
  }
  if (carrier.roles !== 'customer' && !ledger.entries.some((e) => e.kind === 'vendor-invoice' && e.period === a.period)) {
    // Existence only (cdrs_by_vendor answers it at once): a month of a big vendor's calls is not worth counting for a warning.
    const sent = ctx.db.prepare('SELECT EXISTS (SELECT 1 FROM cdrs WHERE vendor_id = ? AND source = 0 AND start_ms >= ? AND start_ms < ?)').pluck()
      .get(carrier.id, range.fromMs, range.toMs) as number;
    if (sent) warnings.push(`no invoice from ${carrier.name} for ${a.period} imported yet: payable leaves out the calls we sent them (import it with \`trunkline invoices import\`)`);
  }
  const { netE8: _net, ...rest } = f;
  void _net;
  return {
    ...rest, from: isoInstant(range.fromMs), to: isoInstant(range.toMs), asOf: isoInstant(ctx.clock()),
    entries: ledger.entries.filter((e) => e.period === a.period).map(({ effectE8: _e, amountE8: _a, ...e }) => e),
    disputes: disputesOf(ledger, a.period),
    warnings,
  };
}

/** The disputes that touch a period: withheld from it, released or credited in it, or against its invoices. */
export function disputesOf(ledger: Ledger, period: string): SettlementDispute[] {
  return ledger.disputes
    .filter((d) => d.view.period === period || d.withheld.has(period) || d.released.has(period) || d.creditPeriod === period)
    .map((d) => ({
      ...d.view,
      withheld: money(d.withheld.get(period) ?? 0n),
      released: money(d.released.get(period) ?? 0n),
      credit: money(d.creditPeriod === period ? d.creditE8 : 0n),
    }));
}

export function positions(ctx: EngineContext, a: ParsedArgs<'settlement.positions'>): SettlementFigures[] {
  const fx = new FxConverter(ctx);
  const out: SettlementFigures[] = [];
  for (const c of ctx.carriers.list()) {
    const ledger = buildLedger(ctx, c, fx);
    if (!ledger.entries.some((e) => e.period <= a.period)) continue;
    const { netE8: _n, ...f } = figures(ledger, a.period);
    void _n;
    out.push(f);
  }
  return out;
}

const BUCKETS: AgeingBucket[] = ['0-30', '31-60', '61-90', '90+'];

function bucketOf(daysPastDue: number): AgeingBucket {
  return daysPastDue <= 30 ? '0-30' : daysPastDue <= 60 ? '31-60' : daysPastDue <= 90 ? '61-90' : '90+';
}

/**
 * Open balances by age, per carrier (each in its settlement currency). A balance is what the
 * ledger comes to as of the day (entries dated on or before it); the oldest amounts are settled
 * first, so what is open is the most recent movements of the balance's sign: a period's invoices,
 * notes and disputes together, aged by days past the period's due date (period end + payment
 * terms), or a payment (an overpayment), aged from its date. Not yet due counts in 0–30.
 */
export function ageing(ctx: EngineContext, a: ParsedArgs<'settlement.ageing'>): AgeingReport {
  const asOf = a.asOf ?? dayOfMs(ctx.clock(), 'UTC');
  const fx = new FxConverter(ctx);
  const rows: AgeingRow[] = [];
  for (const c of ctx.carriers.list()) {
    const ledger = buildLedger(ctx, c, fx);
    const entries = ledger.entries.filter((e) => e.date <= asOf);
    const balance = entries.reduce((t, e) => t + e.effectE8, 0n);
    if (balance === 0n && entries.length === 0) continue;
    const buckets: Record<AgeingBucket, bigint> = { '0-30': 0n, '31-60': 0n, '61-90': 0n, '90+': 0n };
    // Movements: each period's invoices, notes and disputes (due at period end + terms), and each payment (from its date).
    const byPeriod = new Map<string, bigint>();
    const movements: { period: string; due: string; effectE8: bigint }[] = [];
    for (const e of entries) {
      if (e.kind === 'payment-in' || e.kind === 'payment-out') movements.push({ period: e.period, due: e.date, effectE8: e.effectE8 });
      else byPeriod.set(e.period, (byPeriod.get(e.period) ?? 0n) + e.effectE8);
    }
    for (const [p, effectE8] of byPeriod) movements.push({ period: p, due: addDays(periodRange(p, c.timezone).lastDay, c.paymentTermsDays), effectE8 });
    movements.sort((x, y) => (x.due < y.due ? 1 : x.due > y.due ? -1 : x.period < y.period ? 1 : x.period > y.period ? -1 : 0));
    const sign = balance < 0n ? -1n : 1n;
    let remaining = balance * sign;
    let oldest = '';
    for (const mv of movements) {
      if (remaining === 0n) break;
      const m = mv.effectE8 * sign;
      if (m <= 0n) continue;
      const take = m < remaining ? m : remaining;
      buckets[bucketOf(daysBetween(mv.due, asOf))] += take * sign;
      remaining -= take;
      if (oldest === '' || mv.period < oldest) oldest = mv.period;
    }
    buckets['0-30'] += remaining * sign;
    rows.push({
      carrier: c.name, currency: c.currency, balance: money(balance), direction: directionOf(balance),
      buckets: Object.fromEntries(BUCKETS.map((b) => [b, money(buckets[b])])) as Record<AgeingBucket, string>, oldestPeriod: balance === 0n || oldest === '' ? null : oldest,
    });
  }
  return { asOf, rows, totals: ageingTotals(rows) };
}

function ageingTotals(rows: AgeingRow[]): AgeingReport['totals'] {
  const by = new Map<string, { receivable: bigint; payable: bigint; buckets: Record<AgeingBucket, bigint> }>();
  for (const r of rows) {
    const t = by.get(r.currency) ?? { receivable: 0n, payable: 0n, buckets: { '0-30': 0n, '31-60': 0n, '61-90': 0n, '90+': 0n } };
    const bal = parseE8(r.balance);
    if (bal > 0n) t.receivable += bal;
    else t.payable -= bal;
    for (const b of BUCKETS) t.buckets[b] += parseE8(r.buckets[b]);
    by.set(r.currency, t);
  }
  return [...by].sort((x, y) => (x[0] < y[0] ? -1 : 1)).map(([currency, t]) => ({
    currency, receivable: money(t.receivable), payable: money(t.payable),
    buckets: Object.fromEntries(BUCKETS.map((b) => [b, money(t.buckets[b])])) as Record<AgeingBucket, string>,
  }));
}
