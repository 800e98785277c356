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

/** States in which a submitted claim is held back from what we pay. */
export const OPEN_DISPUTE_STATES: ReadonlySet<string> = new Set(['submitted', 'acknowledged', 'escalated', 'accepted', 'partially-accepted']);
/** States that end the withholding: settled (credit note, or written off), rejected (we pay in full), closed. */
export const RESOLVED_DISPUTE_STATES: ReadonlySet<string> = new Set(['settled', 'rejected', 'closed']);

/** A stretch of time during which a dispute held its claim back: [fromMs, toMs), toMs null while it still does. */
export interface WithholdingSpan {
  fromMs: number;
  toMs: number | null;
}

/**
 * When a dispute withheld its claim, from its event history (issue 6's workflow appends one event
 * per change, in order): a span opens at the first event into an open state (submitted,
 * acknowledged, escalated, accepted, partially-accepted) and closes at the first event after it
 * into a resolving one (rejected, settled, closed). A rejected claim that is escalated opens a new
 * span; a rejected claim later settled (written off) or closed stays closed at its rejection, so a
 * later step never moves a release that already happened. A draft never withholds.
 */
export function withholdingSpans(events: readonly { atMs: number; toState: string }[]): WithholdingSpan[] {
  const spans: WithholdingSpan[] = [];
  let open: WithholdingSpan | null = null;
  for (const e of events) {
    if (!open && OPEN_DISPUTE_STATES.has(e.toState)) spans.push((open = { fromMs: e.atMs, toMs: null }));
    else if (open && RESOLVED_DISPUTE_STATES.has(e.toState)) {
      open.toMs = e.atMs;
      open = null;
    }
  }
  return spans;
}

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
  /** When the claim was held back, from the events. */
  spans: WithholdingSpan[];
  /** When the dispute last stopped withholding (or, never submitted, was closed); null while open or a draft. */
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
  const rows = db.prepare(`SELECT d.id, d.invoice_id AS invoiceId, i.number AS invoiceNumber, coalesce(i.period_from_ms, d.period_from_ms) AS periodFromMs,
        d.currency, d.state, d.claimed_e8 AS claimedE8, d.agreed_e8 AS agreedE8, d.credit_note AS creditNote, d.submitted_at_ms AS submittedAtMs,
        d.settled_at_ms AS settledAtMs
      FROM disputes d LEFT JOIN vendor_invoices i ON i.id = d.invoice_id WHERE d.carrier_id = ? ORDER BY d.id`).safeIntegers(true).all(carrierId) as Record<string, unknown>[];
  const events = new Map<number, { atMs: number; toState: string }[]>();
  for (const e of db.prepare(`SELECT e.dispute_id AS id, e.at_ms AS atMs, e.to_state AS toState FROM dispute_events e JOIN disputes d ON d.id = e.dispute_id
      WHERE d.carrier_id = ? ORDER BY e.dispute_id, e.seq`).all(carrierId) as { id: number; atMs: number; toState: string }[]) {
    const list = events.get(e.id) ?? [];
    list.push({ atMs: e.atMs, toState: e.toState });
    events.set(e.id, list);
  }
  return rows.map((r) => {
    const n = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
    const id = Number(r.id);
    const state = r.state as string;
    const history = events.get(id) ?? [];
    const spans = withholdingSpans(history);
    const last = spans[spans.length - 1];
    let resolvedAtMs: number | null = null;
    if (RESOLVED_DISPUTE_STATES.has(state)) resolvedAtMs = last ? last.toMs : (history.find((e) => RESOLVED_DISPUTE_STATES.has(e.toState))?.atMs ?? null);
    return {
      id, invoiceId: n(r.invoiceId), invoiceNumber: r.invoiceNumber as string | null, periodFromMs: Number(r.periodFromMs),
      currency: r.currency as string, state, claimedE8: r.claimedE8 as bigint, agreedE8: r.agreedE8 as bigint | null,
      creditNote: r.creditNote as string | null, submittedAtMs: n(r.submittedAtMs), settledAtMs: n(r.settledAtMs), spans, resolvedAtMs,
    };
  });
}
