import type { ParsedArgs, PaymentRecordOut, SettlementLines } from '../api/contract.ts';
import { requireCarrier } from '../carriers/handlers.ts';
import type { EngineContext } from '../context.ts';
import type { PaymentRecord } from '../db/settlement-repo.ts';
import { formatScaled } from '../money/scaled-decimal.ts';
import { isoInstant } from '../time/parse-date.ts';
import { billedMinutes } from './invoices.ts';
import { money, parseE8 } from './money.ts';
import { currencyDecimals, periodOfMs, periodRange } from './period.ts';
import { TrunklineError } from '../api/errors.ts';
import { vendorInvoiceLines, vendorInvoices } from './vendor-side.ts';

function out(p: PaymentRecord, name: string): PaymentRecordOut {
  return {
    id: p.id, carrier: name, direction: p.direction, date: p.paidOn, amount: money(p.amountE8), currency: p.currency, reference: p.reference,
    recordedAt: isoInstant(p.recordedAtMs), recordedBy: p.recordedBy,
  };
}

/** Records money received (in) or paid (out). An amount with more decimals than its currency has is refused. */
export function addPayment(ctx: EngineContext, a: ParsedArgs<'payments.add'>): PaymentRecordOut {
  const carrier = requireCarrier(ctx, a.carrier);
  const decimals = currencyDecimals(a.currency);
  const frac = a.amount.split('.')[1]?.replace(/0+$/, '') ?? '';
  if (frac.length > decimals) {
    throw new TrunklineError('INVALID_ARGUMENTS', `amount ${a.amount}: ${a.currency} has ${decimals} decimal${decimals === 1 ? '' : 's'}`, { amount: a.amount, currency: a.currency });
  }
  const rec = {
    carrierId: carrier.id, direction: a.direction, paidOn: a.date, amountE8: parseE8(a.amount), currency: a.currency,
    reference: a.reference && a.reference.length > 0 ? a.reference : null, recordedAtMs: ctx.clock(), recordedBy: ctx.actor,
  };
  const id = ctx.settlement.insertPayment(rec);
  return out({ ...rec, id }, carrier.name);
}

export function listPayments(ctx: EngineContext, a: ParsedArgs<'payments.list'>): PaymentRecordOut[] {
  const carrier = a.carrier ? requireCarrier(ctx, a.carrier) : undefined;
  const names = new Map(ctx.carriers.list().map((c) => [c.id, c.name]));
  const range = a.period ? { fromDay: `${a.period}-01`, toDay: `${a.period}-31` } : {};
  return ctx.settlement.payments({ carrierId: carrier?.id, ...range }).map((p) => out(p, names.get(p.carrierId) ?? `#${p.carrierId}`));
}

/** The lines behind a period's receivable (our invoice) or payable (the carrier's invoices). */
export function settlementLines(ctx: EngineContext, a: ParsedArgs<'settlement.lines'>): SettlementLines {
  const carrier = requireCarrier(ctx, a.carrier);
  if (a.side === 'sell') {
    const docs = ctx.settlement.invoices({ carrierId: carrier.id, period: a.period }).filter((d) => d.kind === 'invoice');
    const byId = new Map(docs.map((d) => [d.id, d]));
    return {
      carrier: carrier.name, period: a.period, side: a.side,
      documents: docs.map((d) => ({ number: d.number, kind: d.kind, currency: d.currency, total: money(d.totalE8), date: d.issuedOn })),
      lines: ctx.settlement.lines(docs.map((d) => d.id)).map((l) => ({
        document: byId.get(l.invoiceId)!.number, destination: l.destination, prefix: l.prefix, calls: l.calls, minutes: billedMinutes(l.billedS),
        rate: formatScaled(Number(l.rateE8)), amount: money(l.amountE8), currency: byId.get(l.invoiceId)!.currency,
      })),
    };
  }
  const range = periodRange(a.period, carrier.timezone);
  const invs = vendorInvoices(ctx.db, carrier.id).filter((v) => periodOfMs(v.periodFromMs, carrier.timezone) === a.period);
  const byId = new Map(invs.map((v) => [v.id, v]));
  const lines = vendorInvoiceLines(ctx.db, invs.map((v) => v.id));
  const out = lines.map((l) => ({
    document: byId.get(l.invoiceId)!.number, destination: l.destination ?? l.prefix ?? '', prefix: l.prefix, calls: l.calls,
    minutes: l.minutesE8 === null ? null : money(l.minutesE8), rate: l.rateE8 === null ? null : formatScaled(Number(l.rateE8)),
    amount: money(l.amountE8), currency: byId.get(l.invoiceId)!.currency,
  }));
  // An invoice whose lines do not add up to its total (or that has none) gets a line for the
  // difference, so the sheet's sums always come to what the carrier billed.
  for (const v of invs) {
    const sum = lines.filter((l) => l.invoiceId === v.id).reduce((t, l) => t + l.amountE8, 0n);
    if (sum !== v.totalE8) {
      out.push({ document: v.number, destination: sum === 0n ? '(invoice total, not itemised)' : '(difference to the invoice total)', prefix: null, calls: null,
        minutes: null, rate: null, amount: money(v.totalE8 - sum), currency: v.currency });
    }
  }
  out.sort((x, y) => (x.document < y.document ? -1 : x.document > y.document ? 1 : 0));
  return {
    carrier: carrier.name, period: a.period, side: a.side,
    documents: invs.map((v) => ({ number: v.number, kind: 'vendor-invoice', currency: v.currency, total: money(v.totalE8), date: v.issuedOn ?? range.lastDay })),
    lines: out,
  };
}
