import { Decimal } from 'decimal.js';
import { periodGroups } from '../cdrs/handlers.ts';
import type { Carrier, CustomerInvoice, CustomerInvoiceSummary, InvoiceIssueReport, CustomerInvoiceLine, ParsedArgs } from '../api/contract.ts';
import { TrunklineError } from '../api/errors.ts';
import { requireCarrier } from '../carriers/handlers.ts';
import { REASONS } from '../cdrs/totals.ts';
import type { EngineContext } from '../context.ts';
import type { InvoiceLineRecord, InvoiceRecord } from '../db/settlement-repo.ts';
import { decimalText, formatScaled } from '../money/scaled-decimal.ts';
import { lineAmountE8 } from '../rating/amount.ts';
import { isoInstant } from '../time/parse-date.ts';
import { money } from './money.ts';
import { addDays, dayOfMs, periodRange, type PeriodRange } from './period.ts';

/**
 * Our invoices to customers. An invoice is the customer's own-switch calls of a period
 * (source 0, customer_id = the customer) as rated on their sell deck: one line per destination
 * and rate, with calls, billed minutes, rate and amount. Per-call and per-increment policies add
 * the calls' rounded amounts; a per-line policy rounds each line once (lineAmountE8 over the exact
 * sums). Free calls (unanswered, zero, within grace) are not on it.
 *
 * Issued documents are frozen (migration 7's triggers refuse UPDATE and DELETE). Issuing again for
 * an invoiced period compares the calls as rated now with everything issued for the period, line
 * by line, and issues a credit note (the total went down) or a debit note (up, or a zero-total
 * re-allocation between lines) for the difference; nothing changed: no document.
 *
 * Calls of the period that are not rated (no rate, closed code, blocked, invalid number, or never
 * rated) block issuing: INVOICE_UNRATED_CALLS lists them by reason with the first 100 calls.
 * An invoice must not silently leave traffic out; fix the deck, re-rate, then issue.
 */

export interface ComputedLine {
  key: string;
  destination: string;
  prefix: string | null;
  rateE8: bigint;
  calls: number;
  billedS: number;
  amountE8: bigint;
}

const lineKey = (destination: string, rateE8: bigint): string => `${destination}\u0000${rateE8}`;

export function billedMinutes(billedS: number | bigint): string {
  return decimalText(new Decimal(billedS.toString()).dividedBy(60).toDecimalPlaces(4, Decimal.ROUND_HALF_UP), 4);
}

/** The period's lines as the calls are rated now, with the currency of the rates that priced them. */
export function computeInvoiceLines(ctx: EngineContext, carrier: Carrier, range: PeriodRange): { lines: ComputedLine[]; currency: string | null } {
  // Whole days from the per-day totals, the partial days at the month's edges (in the customer's zone) from the calls.
  const groups = periodGroups(ctx, carrier.id, 'sell', 'own', range.fromMs, range.toMs);
  const unrated = groups.filter((g) => g.status === null || g.status === 2n);
  if (unrated.length > 0) throw unratedError(ctx, carrier, range, unrated.map((g) => ({ reason: g.status === null ? 'not rated yet' : REASONS[Number(g.reason ?? 1n)]!, n: Number(g.n) })));
  const perLine = carrier.rounding.level === 'per-line';
  const byKey = new Map<string, ComputedLine & { prefixes: Set<string>; x60: bigint; fees: bigint }>();
  const currencies = new Set<string>();
  for (const g of groups) {
    if (g.status !== 0n || g.destination === null || g.rate === null) continue;
    currencies.add(g.currency!);
    const key = lineKey(g.destination, g.rate);
    let l = byKey.get(key);
    if (!l) byKey.set(key, (l = { key, destination: g.destination, prefix: null, rateE8: g.rate, calls: 0, billedS: 0, amountE8: 0n, prefixes: new Set(), x60: 0n, fees: 0n }));
    l.prefixes.add(g.prefix!);
    l.calls += Number(g.n);
    l.billedS += Number(g.billed ?? 0n);
    l.amountE8 += g.amount ?? 0n;
    l.x60 += g.x60 ?? 0n;
    l.fees += (g.fee ?? 0n) * g.n;
  }
  if (currencies.size > 1) {
    throw new TrunklineError('INVOICE_MIXED_CURRENCIES', `${carrier.name}'s calls in ${range.period} were priced in ${[...currencies].sort().join(' and ')}: an invoice has one currency`,
      { customer: carrier.name, period: range.period, currencies: [...currencies].sort() });
  }
  const lines = [...byKey.values()].map((l) => ({
    key: l.key, destination: l.destination, prefix: l.prefixes.size === 1 ? [...l.prefixes][0]! : null, rateE8: l.rateE8, calls: l.calls, billedS: l.billedS,
    amountE8: perLine ? lineAmountE8(l.x60, carrier.rounding, l.fees) : l.amountE8,
  }));
  lines.sort((a, b) => (a.destination < b.destination ? -1 : a.destination > b.destination ? 1 : a.rateE8 < b.rateE8 ? -1 : a.rateE8 > b.rateE8 ? 1 : 0));
  return { lines, currency: [...currencies][0] ?? null };
}

function unratedError(ctx: EngineContext, carrier: Carrier, range: PeriodRange, byReason: { reason: string; n: number }[]): TrunklineError {
  const merged = new Map<string, number>();
  for (const r of byReason) merged.set(r.reason, (merged.get(r.reason) ?? 0) + r.n);
  const total = [...merged.values()].reduce((a, b) => a + b, 0);
  const calls = (ctx.db.prepare(`SELECT c.id, c.call_id AS callId, c.start_ms AS startMs, c.called, c.sell_status AS status, c.sell_reason AS reason
      FROM cdrs c WHERE c.customer_id = ? AND c.source = 0 AND c.start_ms >= ? AND c.start_ms < ? AND (c.sell_status IS NULL OR c.sell_status = 2)
      ORDER BY c.start_ms, c.id LIMIT 100`).all(carrier.id, range.fromMs, range.toMs) as { id: number; callId: string | null; startMs: number; called: string; status: number | null; reason: number | null }[])
    .map((c) => ({ id: c.id, callId: c.callId, start: isoInstant(c.startMs), called: c.called, reason: c.status === null ? 'not rated yet' : REASONS[c.reason ?? 1]! }));
  const summary = [...merged].map(([r, n]) => `${n} ${r}`).join(', ');
  const first = calls[0];
  return new TrunklineError('INVOICE_UNRATED_CALLS',
    `${total} call${total === 1 ? '' : 's'} of ${carrier.name} in ${range.period} ${total === 1 ? 'is' : 'are'} not rated on the sell deck (${summary}); nothing was issued. `
    + `Fix the deck and run \`trunkline rate --carrier "${carrier.name}" --side sell\`.${first ? ` First: call ${first.callId ?? `#${first.id}`} at ${first.start} to ${first.called} (${first.reason})` : ''}`,
    { customer: carrier.name, period: range.period, unratedCount: total, byReason: Object.fromEntries(merged), calls });
}

function lineOut(l: InvoiceLineRecord): CustomerInvoiceLine {
  return { lineNo: l.lineNo, destination: l.destination, prefix: l.prefix, rate: formatScaled(Number(l.rateE8)), calls: l.calls, billedMinutes: billedMinutes(l.billedS), amount: money(l.amountE8) };
}

function summaryOut(ctx: EngineContext, r: InvoiceRecord, names: Map<number, string>, numbers: Map<number, string>): CustomerInvoiceSummary {
  let customer = names.get(r.carrierId);
  if (customer === undefined) names.set(r.carrierId, (customer = ctx.carriers.byId(r.carrierId)?.name ?? `#${r.carrierId}`));
  return {
    id: r.id, number: r.number, kind: r.kind, customer, period: r.period, currency: r.currency, issuedOn: r.issuedOn, dueOn: r.dueOn,
    calls: r.calls, billedMinutes: billedMinutes(r.billedS), total: money(r.totalE8),
    corrects: r.correctsId === null ? null : (numbers.get(r.correctsId) ?? ctx.settlement.invoices({}).find((x) => x.id === r.correctsId)?.number ?? null),
    issuedAt: isoInstant(r.issuedAtMs), issuedBy: r.issuedBy,
  };
}

function documentOut(ctx: EngineContext, r: InvoiceRecord, all: InvoiceRecord[]): CustomerInvoice {
  const numbers = new Map(all.map((x) => [x.id, x.number]));
  return { ...summaryOut(ctx, r, new Map(), numbers), lines: ctx.settlement.lines([r.id]).map(lineOut) };
}

export function issueInvoice(ctx: EngineContext, a: ParsedArgs<'invoices.issue'>): InvoiceIssueReport {
  const carrier = requireCarrier(ctx, a.customer);
  if (carrier.roles === 'vendor') {
    throw new TrunklineError('INVALID_ARGUMENTS', `${carrier.name} is a vendor only: we invoice customers (set its roles to customer or both)`, { customer: carrier.name });
  }
  const range = periodRange(a.period, carrier.timezone);
  return ctx.db.transaction((): InvoiceIssueReport => {
    const { lines, currency } = computeInvoiceLines(ctx, carrier, range);
    const existing = ctx.settlement.invoices({ carrierId: carrier.id, period: a.period });
    const original = existing.find((d) => d.kind === 'invoice');
    let kind: InvoiceRecord['kind'] = 'invoice';
    let docLines: Omit<InvoiceLineRecord, 'invoiceId'>[];
    let docCurrency = currency;
    if (!original) {
      if (lines.length === 0) {
        throw new TrunklineError('INVOICE_NOTHING_TO_INVOICE', `${carrier.name} has no rated calls to invoice in ${a.period} (own CDRs, sell side); nothing was issued`,
          { customer: carrier.name, period: a.period });
      }
      docLines = lines.map((l, i) => ({ lineNo: i + 1, destination: l.destination, prefix: l.prefix, rateE8: l.rateE8, calls: l.calls, billedS: l.billedS, amountE8: l.amountE8 }));
    } else {
      if (currency !== null && currency !== original.currency) {
        throw new TrunklineError('INVOICE_MIXED_CURRENCIES', `${a.period} was invoiced in ${original.currency}; the calls are now priced in ${currency}: a note cannot change the currency`,
          { customer: carrier.name, period: a.period, currencies: [original.currency, currency] });
      }
      docCurrency = original.currency;
      // Everything issued so far for the period, per line, against the lines as rated now.
      const issued = new Map<string, { destination: string; prefix: string | null; rateE8: bigint; calls: number; billedS: number; amountE8: bigint }>();
      for (const l of ctx.settlement.lines(existing.map((d) => d.id))) {
        const key = lineKey(l.destination, l.rateE8);
        const s = issued.get(key) ?? { destination: l.destination, prefix: l.prefix, rateE8: l.rateE8, calls: 0, billedS: 0, amountE8: 0n };
        s.calls += l.calls;
        s.billedS += l.billedS;
        s.amountE8 += l.amountE8;
        issued.set(key, s);
      }
      const now = new Map(lines.map((l) => [l.key, l]));
      const keys = [...new Set([...issued.keys(), ...now.keys()])].sort((x, y) => {
        const [dx, rx] = [issued.get(x) ?? now.get(x)!, issued.get(y) ?? now.get(y)!];
        return dx.destination < rx.destination ? -1 : dx.destination > rx.destination ? 1 : dx.rateE8 < rx.rateE8 ? -1 : dx.rateE8 > rx.rateE8 ? 1 : 0;
      });
      docLines = [];
      for (const k of keys) {
        const was = issued.get(k);
        const is = now.get(k);
        const calls = (is?.calls ?? 0) - (was?.calls ?? 0);
        const billedS = (is?.billedS ?? 0) - (was?.billedS ?? 0);
        const amountE8 = (is?.amountE8 ?? 0n) - (was?.amountE8 ?? 0n);
        if (calls === 0 && billedS === 0 && amountE8 === 0n) continue;
        const base = (is ?? was)!;
        docLines.push({ lineNo: docLines.length + 1, destination: base.destination, prefix: is?.prefix ?? was?.prefix ?? null, rateE8: base.rateE8, calls, billedS, amountE8 });
      }
      if (docLines.length === 0) {
        return { outcome: 'unchanged', document: documentOut(ctx, original, existing), periodTotal: money(existing.reduce((t, d) => t + d.totalE8, 0n)) };
      }
      kind = docLines.reduce((t, l) => t + l.amountE8, 0n) < 0n ? 'credit-note' : 'debit-note';
    }
    const issuedOn = dayOfMs(ctx.clock(), carrier.timezone);
    const year = Number(issuedOn.slice(0, 4));
    const seq = ctx.settlement.nextSeq(year);
    const record = {
      number: `TL-${year}-${String(seq).padStart(6, '0')}`, year, seq, kind, carrierId: carrier.id, period: a.period,
      periodFromMs: range.fromMs, periodToMs: range.toMs, currency: docCurrency ?? carrier.currency, correctsId: original?.id ?? null,
      calls: docLines.reduce((t, l) => t + l.calls, 0), billedS: docLines.reduce((t, l) => t + l.billedS, 0),
      totalE8: docLines.reduce((t, l) => t + l.amountE8, 0n), issuedOn, dueOn: addDays(issuedOn, carrier.paymentTermsDays),
      roundingJson: JSON.stringify(carrier.rounding), settingsVersion: carrier.settingsVersion, issuedAtMs: ctx.clock(), issuedBy: ctx.actor,
    };
    const id = ctx.settlement.insertInvoice(record, docLines);
    const all = ctx.settlement.invoices({ carrierId: carrier.id, period: a.period });
    const doc = all.find((d) => d.id === id)!;
    return { outcome: kind === 'invoice' ? 'issued' : kind, document: documentOut(ctx, doc, all), periodTotal: money(all.reduce((t, d) => t + d.totalE8, 0n)) };
  }).immediate();
}

export function listIssued(ctx: EngineContext, a: ParsedArgs<'invoices.issued'>): CustomerInvoiceSummary[] {
  const carrierId = a.customer ? requireCarrier(ctx, a.customer).id : undefined;
  const all = ctx.settlement.invoices({});
  const numbers = new Map(all.map((x) => [x.id, x.number]));
  const names = new Map<number, string>();
  return all.filter((r) => (carrierId === undefined || r.carrierId === carrierId) && (a.period === undefined || r.period === a.period))
    .map((r) => summaryOut(ctx, r, names, numbers));
}

export function getInvoice(ctx: EngineContext, a: ParsedArgs<'invoices.issuedGet'>): CustomerInvoice {
  const r = ctx.settlement.invoices({ number: a.number })[0];
  if (!r) throw new TrunklineError('INVOICE_NOT_FOUND', `no invoice or note numbered "${a.number}"`, { number: a.number });
  return documentOut(ctx, r, ctx.settlement.invoices({ carrierId: r.carrierId }));
}
