import type { Db } from './open.ts';

/** The settlement tables of migration 7: customer invoices and notes, payments, FX rates. The only SQL over them. */

export interface InvoiceRecord {
  id: number;
  number: string;
  kind: 'invoice' | 'credit-note' | 'debit-note';
  carrierId: number;
  period: string;
  periodFromMs: number;
  periodToMs: number;
  currency: string;
  correctsId: number | null;
  calls: number;
  billedS: number;
  totalE8: bigint;
  issuedOn: string;
  dueOn: string;
  issuedAtMs: number;
  issuedBy: string;
}

export interface InvoiceLineRecord {
  invoiceId: number;
  lineNo: number;
  destination: string;
  prefix: string | null;
  rateE8: bigint;
  calls: number;
  billedS: number;
  amountE8: bigint;
}

export interface PaymentRecord {
  id: number;
  carrierId: number;
  direction: 'in' | 'out';
  paidOn: string;
  amountE8: bigint;
  currency: string;
  reference: string | null;
  recordedAtMs: number;
  recordedBy: string;
}

export interface FxRecord {
  id: number;
  from: string;
  to: string;
  rateOn: string;
  rate: string;
  recordedAtMs: number;
  recordedBy: string;
}

const INVOICE_COLS = `id, number, kind, carrier_id AS carrierId, period, period_from_ms AS periodFromMs, period_to_ms AS periodToMs, currency,
  corrects_id AS correctsId, calls, billed_s AS billedS, total_e8 AS totalE8, issued_on AS issuedOn, due_on AS dueOn,
  issued_at_ms AS issuedAtMs, issued_by AS issuedBy`;

function invoiceRow(r: Record<string, unknown>): InvoiceRecord {
  return {
    ...(r as unknown as InvoiceRecord),
    id: Number(r.id), carrierId: Number(r.carrierId), periodFromMs: Number(r.periodFromMs), periodToMs: Number(r.periodToMs),
    correctsId: r.correctsId === null ? null : Number(r.correctsId), calls: Number(r.calls), billedS: Number(r.billedS),
    totalE8: BigInt(r.totalE8 as bigint), issuedAtMs: Number(r.issuedAtMs),
  };
}

export class SettlementRepo {
  constructor(private readonly db: Db) {}

  invoices(filter: { carrierId?: number; period?: string; number?: string }): InvoiceRecord[] {
    const where: string[] = [];
    if (filter.carrierId !== undefined) where.push('carrier_id = @carrierId');
    if (filter.period !== undefined) where.push('period = @period');
    if (filter.number !== undefined) where.push('number = @number');
    return (this.db.prepare(`SELECT ${INVOICE_COLS} FROM customer_invoices ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY year, seq`)
      .safeIntegers(true).all(filter) as Record<string, unknown>[]).map(invoiceRow);
  }

  lines(invoiceIds: number[]): InvoiceLineRecord[] {
    if (invoiceIds.length === 0) return [];
    return (this.db.prepare(`SELECT invoice_id AS invoiceId, line_no AS lineNo, destination, prefix, rate_e8 AS rateE8, calls, billed_s AS billedS,
        amount_e8 AS amountE8 FROM customer_invoice_lines WHERE invoice_id IN (${invoiceIds.map(() => '?').join(',')}) ORDER BY invoice_id, line_no`)
      .safeIntegers(true).all(...invoiceIds) as Record<string, unknown>[]).map((r) => ({
      invoiceId: Number(r.invoiceId), lineNo: Number(r.lineNo), destination: r.destination as string, prefix: r.prefix as string | null,
      rateE8: r.rateE8 as bigint, calls: Number(r.calls), billedS: Number(r.billedS), amountE8: r.amountE8 as bigint,
    }));
  }

  /** The next number of the gapless sequence for a year: call inside the transaction that inserts it. */
  nextSeq(year: number): number {
    return (this.db.prepare('SELECT coalesce(max(seq), 0) + 1 FROM customer_invoices WHERE year = ?').pluck().get(year) as number);
  }

  insertInvoice(r: Omit<InvoiceRecord, 'id'> & { year: number; seq: number; roundingJson: string; settingsVersion: number }, lines: Omit<InvoiceLineRecord, 'invoiceId'>[]): number {
    const id = Number(this.db.prepare(`INSERT INTO customer_invoices (number, year, seq, kind, carrier_id, period, period_from_ms, period_to_ms, currency,
        corrects_id, calls, billed_s, total_e8, issued_on, due_on, rounding_json, carrier_settings_version, issued_at_ms, issued_by)
      VALUES (@number, @year, @seq, @kind, @carrierId, @period, @periodFromMs, @periodToMs, @currency, @correctsId, @calls, @billedS, @totalE8,
        @issuedOn, @dueOn, @roundingJson, @settingsVersion, @issuedAtMs, @issuedBy)`).run(r).lastInsertRowid);
    const ins = this.db.prepare(`INSERT INTO customer_invoice_lines (invoice_id, line_no, destination, prefix, rate_e8, calls, billed_s, amount_e8)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
    for (const l of lines) ins.run(id, l.lineNo, l.destination, l.prefix, l.rateE8, l.calls, l.billedS, l.amountE8);
    return id;
  }

  payments(filter: { carrierId?: number; fromDay?: string; toDay?: string }): PaymentRecord[] {
    const where: string[] = [];
    if (filter.carrierId !== undefined) where.push('carrier_id = @carrierId');
    if (filter.fromDay !== undefined) where.push('paid_on >= @fromDay');
    if (filter.toDay !== undefined) where.push('paid_on <= @toDay');
    return (this.db.prepare(`SELECT id, carrier_id AS carrierId, direction, paid_on AS paidOn, amount_e8 AS amountE8, currency, reference,
        recorded_at_ms AS recordedAtMs, recorded_by AS recordedBy FROM payments ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY paid_on, id`)
      .safeIntegers(true).all(filter) as Record<string, unknown>[]).map((r) => ({
      ...(r as unknown as PaymentRecord), id: Number(r.id), carrierId: Number(r.carrierId), amountE8: r.amountE8 as bigint, recordedAtMs: Number(r.recordedAtMs),
    }));
  }

  insertPayment(p: Omit<PaymentRecord, 'id'>): number {
    return Number(this.db.prepare(`INSERT INTO payments (carrier_id, direction, paid_on, amount_e8, currency, reference, recorded_at_ms, recorded_by)
      VALUES (@carrierId, @direction, @paidOn, @amountE8, @currency, @reference, @recordedAtMs, @recordedBy)`).run(p).lastInsertRowid);
  }

  fxRates(filter: { from?: string; to?: string }): FxRecord[] {
    const where: string[] = [];
    if (filter.from !== undefined) where.push('from_currency = @from');
    if (filter.to !== undefined) where.push('to_currency = @to');
    return this.db.prepare(`SELECT id, from_currency AS "from", to_currency AS "to", rate_on AS rateOn, rate, recorded_at_ms AS recordedAtMs,
        recorded_by AS recordedBy FROM fx_rates ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY from_currency, to_currency, rate_on, id`)
      .all(filter) as FxRecord[];
  }

  /** The rate of a pair in force on a day: the latest rate_on on or before it, the latest recorded of that day. */
  fxOn(from: string, to: string, day: string): FxRecord | undefined {
    return this.db.prepare(`SELECT id, from_currency AS "from", to_currency AS "to", rate_on AS rateOn, rate, recorded_at_ms AS recordedAtMs,
        recorded_by AS recordedBy FROM fx_rates WHERE from_currency = ? AND to_currency = ? AND rate_on <= ? ORDER BY rate_on DESC, id DESC LIMIT 1`)
      .get(from, to, day) as FxRecord | undefined;
  }

  insertFx(r: Omit<FxRecord, 'id'>): number {
    return Number(this.db.prepare(`INSERT INTO fx_rates (from_currency, to_currency, rate_on, rate, recorded_at_ms, recorded_by)
      VALUES (@from, @to, @rateOn, @rate, @recordedAtMs, @recordedBy)`).run(r).lastInsertRowid);
  }
}
