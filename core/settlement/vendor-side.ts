/**
 * The vendor side of settlement, read from the tables reconciliation fills (migration 5:
 * vendor_invoices, vendor_invoice_lines, disputes, dispute_events). Settlement only reads them:
 * importing carrier invoices and running disputes is reconciliation's work (issue 6), and this is
 * the one place that knows their shape.
 */
import type { Db } from '../db/open.ts';

export interface VendorInvoice {
  id: number;
  number: string;
  periodFromMs: number;
  periodToMs: number;
  currency: string;
  issuedOn: string | null;
  dueOn: string | null;
  totalE8: bigint;
}

export interface VendorInvoiceLine {
  invoiceId: number;
  lineNo: number;
  prefix: string | null;
  destination: string | null;
  calls: number | null;
  minutesE8: bigint | null;
  rateE8: bigint | null;
  amountE8: bigint;
}

/** States in which a submitted claim is still held back from what we pay. */
export const OPEN_DISPUTE_STATES: ReadonlySet<string> = new Set(['submitted', 'acknowledged', 'escalated', 'accepted', 'partially-accepted']);
/** States that end the withholding: settled (credit note), rejected (we pay in full), closed. */
export const RESOLVED_DISPUTE_STATES: ReadonlySet<string> = new Set(['settled', 'rejected', 'closed']);

export interface VendorDispute {
  id: number;
  invoiceId: number | null;
  invoiceNumber: string | null;
  /** The disputed invoice's period start, else the dispute's own. */
  periodFromMs: number;
  currency: string;
  state: string;
  claimedE8: bigint;
  agreedE8: bigint | null;
  creditNote: string | null;
  submittedAtMs: number | null;
  settledAtMs: number | null;
  /** When the withholding ended: settled_at_ms, else the first event into rejected/settled/closed; null while open. */
  resolvedAtMs: number | null;
}

export function vendorInvoices(db: Db, carrierId: number): VendorInvoice[] {
  return (db.prepare(`SELECT id, number, period_from_ms AS periodFromMs, period_to_ms AS periodToMs, currency, issued_on AS issuedOn, due_on AS dueOn,
      total_e8 AS totalE8 FROM vendor_invoices WHERE carrier_id = ? ORDER BY period_from_ms, id`).safeIntegers(true).all(carrierId) as Record<string, unknown>[])
    .map((r) => ({
      id: Number(r.id), number: r.number as string, periodFromMs: Number(r.periodFromMs), periodToMs: Number(r.periodToMs), currency: r.currency as string,
      issuedOn: r.issuedOn as string | null, dueOn: r.dueOn as string | null, totalE8: r.totalE8 as bigint,
    }));
}

export function vendorInvoiceLines(db: Db, invoiceIds: number[]): VendorInvoiceLine[] {
  if (invoiceIds.length === 0) return [];
  return (db.prepare(`SELECT invoice_id AS invoiceId, line_no AS lineNo, prefix, destination, calls, minutes_e8 AS minutesE8, rate_e8 AS rateE8, amount_e8 AS amountE8
      FROM vendor_invoice_lines WHERE invoice_id IN (${invoiceIds.map(() => '?').join(',')}) ORDER BY invoice_id, line_no`).safeIntegers(true)
    .all(...invoiceIds) as Record<string, unknown>[]).map((r) => ({
    invoiceId: Number(r.invoiceId), lineNo: Number(r.lineNo), prefix: r.prefix as string | null, destination: r.destination as string | null,
    calls: r.calls === null ? null : Number(r.calls), minutesE8: r.minutesE8 as bigint | null, rateE8: r.rateE8 as bigint | null, amountE8: r.amountE8 as bigint,
  }));
}

export function vendorDisputes(db: Db, carrierId: number): VendorDispute[] {
  return (db.prepare(`SELECT d.id, d.invoice_id AS invoiceId, i.number AS invoiceNumber, coalesce(i.period_from_ms, d.period_from_ms) AS periodFromMs,
        d.currency, d.state, d.claimed_e8 AS claimedE8, d.agreed_e8 AS agreedE8, d.credit_note AS creditNote, d.submitted_at_ms AS submittedAtMs,
        d.settled_at_ms AS settledAtMs,
        (SELECT min(e.at_ms) FROM dispute_events e WHERE e.dispute_id = d.id AND e.to_state IN ('settled', 'rejected', 'closed')) AS resolvedEventMs
      FROM disputes d LEFT JOIN vendor_invoices i ON i.id = d.invoice_id WHERE d.carrier_id = ? ORDER BY d.id`).safeIntegers(true).all(carrierId) as Record<string, unknown>[])
    .map((r) => {
      const n = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
      const state = r.state as string;
      const settledAtMs = n(r.settledAtMs);
      const resolvedEventMs = n(r.resolvedEventMs);
      let resolvedAtMs: number | null = null;
      if (RESOLVED_DISPUTE_STATES.has(state)) resolvedAtMs = settledAtMs ?? resolvedEventMs ?? n(r.submittedAtMs);
      return {
        id: Number(r.id), invoiceId: n(r.invoiceId), invoiceNumber: r.invoiceNumber as string | null, periodFromMs: Number(r.periodFromMs),
        currency: r.currency as string, state, claimedE8: r.claimedE8 as bigint, agreedE8: r.agreedE8 as bigint | null,
        creditNote: r.creditNote as string | null, submittedAtMs: n(r.submittedAtMs), settledAtMs, resolvedAtMs,
      };
    });
}
