import type { Invoice, InvoiceDetail, InvoiceField, InvoiceLine } from '../api/recon-types.ts';
import { formatAmountE8 } from '../rating/amount.ts';
import { formatScaled } from '../money/scaled-decimal.ts';
import { isoInstant } from '../time/parse-date.ts';
import type { Db } from './open.ts';

export interface NewInvoice {
  carrierId: number;
  number: string;
  fromMs: number;
  toMs: number;
  currency: string;
  issuedOn: string | null;
  dueOn: string | null;
  totalE8: number;
  fileName: string;
  sha256: string;
  bytes: number;
  mappingJson: string;
  reportJson: string;
  importedAt: number;
  importedBy: string;
  lines: { row: number; prefix: string | null; destination: string | null; calls: number | null; minutesE8: number | null; rateE8: number | null; amountE8: number }[];
}

interface InvoiceRow {
  id: number; carrier: string; number: string; period_from_ms: number; period_to_ms: number; currency: string; issued_on: string | null;
  due_on: string | null; total_e8: number; file_name: string; file_sha256: string; imported_at_ms: number; imported_by: string;
  report_json: string; lines_total: number | null; line_count: number;
}

export interface StoredInvoiceLine {
  lineNo: number; row: number | null; prefix: string | null; destination: string | null; calls: number | null;
  minutesE8: number | null; rateE8: number | null; amountE8: number;
}

const SELECT = `SELECT i.*, c.name AS carrier, (SELECT sum(amount_e8) FROM vendor_invoice_lines l WHERE l.invoice_id = i.id) AS lines_total,
  (SELECT count(*) FROM vendor_invoice_lines l WHERE l.invoice_id = i.id) AS line_count
  FROM vendor_invoices i JOIN carriers c ON c.id = i.carrier_id`;

export class InvoicesRepo {
  constructor(private readonly db: Db) {}

  insert(i: NewInvoice): number {
    const id = Number(this.db.prepare(`INSERT INTO vendor_invoices (carrier_id, number, period_from_ms, period_to_ms, currency, issued_on, due_on, total_e8,
        file_name, file_sha256, file_bytes, mapping_json, imported_at_ms, imported_by, report_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(i.carrierId, i.number, i.fromMs, i.toMs, i.currency, i.issuedOn, i.dueOn, i.totalE8, i.fileName, i.sha256, i.bytes, i.mappingJson,
        i.importedAt, i.importedBy, i.reportJson).lastInsertRowid);
    const line = this.db.prepare(`INSERT INTO vendor_invoice_lines (invoice_id, line_no, row, prefix, destination, calls, minutes_e8, rate_e8, amount_e8)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    i.lines.forEach((l, k) => line.run(id, k + 1, l.row, l.prefix, l.destination, l.calls, l.minutesE8, l.rateE8, l.amountE8));
    return id;
  }

  byNumber(carrierId: number, number: string): { id: number } | undefined {
    return this.db.prepare('SELECT id FROM vendor_invoices WHERE carrier_id = ? AND number = ?').get(carrierId, number) as { id: number } | undefined;
  }

  /** The carrier's invoices whose period is exactly [from, to). */
  forPeriod(carrierId: number, fromMs: number, toMs: number): { id: number; number: string }[] {
    return this.db.prepare('SELECT id, number FROM vendor_invoices WHERE carrier_id = ? AND period_from_ms = ? AND period_to_ms = ? ORDER BY id').all(carrierId, fromMs, toMs) as { id: number; number: string }[];
  }

  list(carrierId: number | undefined, label: (r: { from: number; to: number; carrierId: number }) => string): Invoice[] {
    const rows = this.db.prepare(`${SELECT} WHERE (@c IS NULL OR i.carrier_id = @c) ORDER BY i.period_from_ms DESC, i.id DESC`).all({ c: carrierId ?? null }) as (InvoiceRow & { carrier_id: number })[];
    return rows.map((r) => toInvoice(r, label({ from: r.period_from_ms, to: r.period_to_ms, carrierId: r.carrier_id })));
  }

  get(id: number, label: (r: { from: number; to: number; carrierId: number }) => string): InvoiceDetail | undefined {
    const r = this.db.prepare(`${SELECT} WHERE i.id = ?`).get(id) as (InvoiceRow & { carrier_id: number }) | undefined;
    if (!r) return undefined;
    return { ...toInvoice(r, label({ from: r.period_from_ms, to: r.period_to_ms, carrierId: r.carrier_id })), lines: this.lines(id).map(lineOut) };
  }

  lines(id: number): StoredInvoiceLine[] {
    return (this.db.prepare('SELECT * FROM vendor_invoice_lines WHERE invoice_id = ? ORDER BY line_no').all(id) as {
      line_no: number; row: number | null; prefix: string | null; destination: string | null; calls: number | null; minutes_e8: number | null; rate_e8: number | null; amount_e8: number;
    }[]).map((l) => ({ lineNo: l.line_no, row: l.row, prefix: l.prefix, destination: l.destination, calls: l.calls, minutesE8: l.minutes_e8, rateE8: l.rate_e8, amountE8: l.amount_e8 }));
  }

  header(id: number): { id: number; carrierId: number; number: string; fromMs: number; toMs: number; currency: string; totalE8: number } | undefined {
    return this.db.prepare('SELECT id, carrier_id AS carrierId, number, period_from_ms AS fromMs, period_to_ms AS toMs, currency, total_e8 AS totalE8 FROM vendor_invoices WHERE id = ?').get(id) as never;
  }

  template(carrierId: number): { mapping: Record<string, InvoiceField>; dateOrder: 'DMY' | 'MDY' | null } | undefined {
    const r = this.db.prepare('SELECT mapping_json, date_order FROM invoice_templates WHERE carrier_id = ?').get(carrierId) as { mapping_json: string; date_order: 'DMY' | 'MDY' | null } | undefined;
    return r && { mapping: JSON.parse(r.mapping_json) as Record<string, InvoiceField>, dateOrder: r.date_order };
  }

  saveTemplate(carrierId: number, mapping: Record<string, InvoiceField>, dateOrder: 'DMY' | 'MDY' | null, at: number): void {
    this.db.prepare(`INSERT INTO invoice_templates (carrier_id, mapping_json, date_order, updated_at_ms) VALUES (?, ?, ?, ?)
      ON CONFLICT (carrier_id) DO UPDATE SET mapping_json = excluded.mapping_json, date_order = coalesce(excluded.date_order, date_order), updated_at_ms = excluded.updated_at_ms`)
      .run(carrierId, JSON.stringify(mapping), dateOrder, at);
  }
}

export function lineOut(l: StoredInvoiceLine): InvoiceLine {
  return {
    lineNo: l.lineNo, row: l.row, prefix: l.prefix, destination: l.destination, calls: l.calls,
    minutes: l.minutesE8 === null ? null : formatScaled(l.minutesE8, 2), rate: l.rateE8 === null ? null : formatScaled(l.rateE8, 4), amount: formatAmountE8(l.amountE8),
  };
}

function toInvoice(r: InvoiceRow, period: string): Invoice {
  const report = JSON.parse(r.report_json) as { warnings?: string[] };
  return {
    id: r.id, carrier: r.carrier, number: r.number, periodFrom: isoInstant(r.period_from_ms), periodTo: isoInstant(r.period_to_ms), period,
    currency: r.currency, issuedOn: r.issued_on, dueOn: r.due_on, total: formatAmountE8(r.total_e8), linesTotal: formatAmountE8(r.lines_total ?? 0),
    lineCount: r.line_count, fileName: r.file_name, sha256: r.file_sha256, importedAt: isoInstant(r.imported_at_ms), importedBy: r.imported_by,
    warnings: report.warnings ?? [],
  };
}
