/** The contract's shapes for carrier invoices, reconciliation runs and disputes. Amounts are exact decimal strings. */

/**
 * The fields an invoice column can be mapped to (`invoices import --map column=field`): a line's
 * fields, then the invoice's header fields when a billing system prints them on every line.
 */
export const INVOICE_FIELDS = ['destination', 'prefix', 'calls', 'minutes', 'rate', 'amount', 'ignore',
  'invoiceNumber', 'periodFrom', 'periodTo', 'currency', 'invoiceDate', 'dueDate'] as const;
export type InvoiceField = (typeof INVOICE_FIELDS)[number];

export interface InvoiceLine {
  lineNo: number;
  /** The file's row number. */
  row: number | null;
  prefix: string | null;
  destination: string | null;
  calls: number | null;
  minutes: string | null;
  rate: string | null;
  amount: string;
}

export interface InvoiceHeader {
  number: string | null;
  periodFrom: string | null;
  periodTo: string | null;
  currency: string | null;
  issuedOn: string | null;
  dueOn: string | null;
  total: string | null;
}

export interface InvoiceInspectReport {
  file: string;
  format: 'csv' | 'xlsx';
  sheet: string;
  headerRow: number | null;
  /** What the notes block (or the totals row) says, before any flag overrides it. */
  header: InvoiceHeader;
  mapping: { column: string; header: string; field: InvoiceField | null }[];
  lines: InvoiceLine[];
  linesTotal: string;
  warnings: string[];
}

export interface Invoice {
  id: number;
  carrier: string;
  number: string;
  periodFrom: string;
  periodTo: string;
  /** The period as the carrier names it: YYYY-MM for a calendar month of its zone, else from–to dates. */
  period: string;
  currency: string;
  issuedOn: string | null;
  dueOn: string | null;
  total: string;
  linesTotal: string;
  lineCount: number;
  fileName: string;
  sha256: string;
  importedAt: string;
  importedBy: string;
  warnings: string[];
}

export interface InvoiceDetail extends Invoice {
  lines: InvoiceLine[];
}

export const RECON_CLASSES = ['exact', 'withinTolerance', 'durationMismatch', 'carrierOnly', 'ownOnly', 'duplicate', 'rateMismatch'] as const;
export type ReconClass = (typeof RECON_CLASSES)[number];
export type ReconClasses = Record<ReconClass, number>;

/**
 * Why the invoice differs from what we expected. `carrier-only`, `duplicate`, `own-only`, `duration`,
 * `notice-violation`, `rate` and `rounding` come from matching CDRs; without carrier CDRs the summary
 * level gives `carrier-only` / `own-only` lines, `volume`, `notice-violation`, `rate`, `rounding` and
 * `line-arithmetic`; `invoice-vs-cdrs` is the invoice total against the carrier's own CDRs.
 */
export const RECON_CAUSES = [
  'carrier-only', 'duplicate', 'own-only', 'duration', 'volume', 'notice-violation', 'rate', 'invoice-vs-cdrs', 'line-arithmetic', 'rounding',
] as const;
export type ReconCause = (typeof RECON_CAUSES)[number];

export interface ReconCauseAmount {
  cause: ReconCause;
  amount: string;
  calls: number;
}

/** One invoice line against our figures for the same destination (or a destination only one side has). */
export interface ReconSummaryLine {
  key: string;
  destination: string | null;
  prefix: string | null;
  side: 'both' | 'invoice-only' | 'own-only';
  invoiceCalls: number | null;
  ownCalls: number;
  callsVariance: number | null;
  invoiceMinutes: string | null;
  ownMinutes: string;
  minutesVariance: string | null;
  minutesVariancePercent: string | null;
  invoiceRate: string | null;
  ownRate: string | null;
  rateVariance: string | null;
  invoiceAmount: string;
  ownAmount: string;
  amountVariance: string;
  amountVariancePercent: string | null;
  /** Reaches both of the carrier's thresholds (absolute and percent) in the carrier's favour. */
  material: boolean;
}

export interface ReconItem {
  itemNo: number;
  cause: ReconCause;
  destination: string | null;
  prefix: string | null;
  calls: number;
  minutes: string;
  amount: string;
  expected: string;
  percent: string | null;
  proposed: boolean;
}

export interface Reconciliation {
  id: number;
  carrier: string;
  period: string;
  from: string;
  to: string;
  invoice: string | null;
  currency: string;
  level: 'summary' | 'cdr';
  timeTolerance: number;
  durationTolerance: number;
  invoiceTotal: string;
  expectedTotal: string;
  variance: string;
  variancePercent: string | null;
  carrierCdrTotal: string | null;
  classes: ReconClasses;
  causes: ReconCauseAmount[];
  proposedDisputeAmount: string;
  threshold: { absolute: string; percent: string };
  ownCalls: number;
  carrierCalls: number;
  lines: ReconSummaryLine[];
  items: ReconItem[];
  warnings: string[];
  rerunOf: number | null;
  runAt: string;
  runBy: string;
}

export interface ReconciliationRecord {
  id: number;
  carrier: string;
  period: string;
  invoice: string | null;
  level: 'summary' | 'cdr';
  invoiceTotal: string;
  expectedTotal: string;
  variance: string;
  proposedDisputeAmount: string;
  currency: string;
  runAt: string;
  runBy: string;
}

/** One call pair (or lone call) the matching found different. */
export interface ReconDiscrepancy {
  seq: number;
  class: ReconClass;
  destination: string | null;
  ownId: number | null;
  carrierId: number | null;
  called: string | null;
  ownStart: string | null;
  carrierStart: string | null;
  ownDuration: string | null;
  carrierDuration: string | null;
  expected: string;
  charged: string;
  difference: string;
}

export interface ReconDiscrepancyPage {
  rows: ReconDiscrepancy[];
  lastRow: number | null;
}

export const DISPUTE_STATES = [
  'draft', 'submitted', 'acknowledged', 'accepted', 'partially-accepted', 'rejected', 'escalated', 'settled', 'closed',
] as const;
export type DisputeState = (typeof DISPUTE_STATES)[number];

export interface DisputeLine {
  lineNo: number;
  cause: string;
  destination: string | null;
  prefix: string | null;
  calls: number;
  minutes: string;
  claimed: string;
  evidenceCount: number;
}

export interface DisputeEvent {
  seq: number;
  at: string;
  actor: string;
  fromState: DisputeState | null;
  toState: DisputeState;
  claimed: string | null;
  agreed: string | null;
  creditNote: string | null;
  note: string | null;
}

export interface DisputeSummary {
  id: number;
  carrier: string;
  invoice: string | null;
  reconciliationId: number | null;
  period: string;
  currency: string;
  state: DisputeState;
  claimed: string;
  agreed: string | null;
  creditNote: string | null;
  submittedAt: string | null;
  settledAt: string | null;
  /** Whole days since submission (to settlement once settled); null before submission. */
  ageDays: number | null;
  lineCount: number;
  createdAt: string;
  createdBy: string;
}

export interface DisputeEvidence {
  lineNo: number;
  seq: number;
  class: string;
  ownId: number | null;
  carrierId: number | null;
  called: string | null;
  start: string | null;
  ownDuration: string | null;
  carrierDuration: string | null;
  expected: string;
  charged: string;
  difference: string;
}

export interface DisputeDetail extends DisputeSummary {
  lines: DisputeLine[];
  events: DisputeEvent[];
  /** The states this dispute may move to next. */
  next: DisputeState[];
  evidence: DisputeEvidence[];
  evidenceCount: number;
}
