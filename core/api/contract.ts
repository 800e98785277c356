import { z } from 'zod';
import { DECK_FIELDS } from './deck-fields.ts';
import {
  DISPUTE_STATES, INVOICE_FIELDS, RECON_CLASSES,
  type DisputeDetail, type DisputeSummary, type Invoice, type InvoiceDetail, type InvoiceInspectReport, type Reconciliation,
  type ReconciliationRecord, type ReconDiscrepancyPage,
} from './recon-types.ts';

/** The one contract between the engine and its hosts. Validated once, at dispatch. */

const isZone = (tz: string): boolean => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};
const CURRENCIES: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'));

export const CarrierName = z.string().trim().min(1, 'name is empty').max(120);
export const Roles = z.enum(['vendor', 'customer', 'both']);
export const Currency = z
  .string()
  .trim()
  .transform((s) => s.toUpperCase())
  .refine((s) => CURRENCIES.has(s), { message: 'not an ISO 4217 currency code' });
export const TimeZone = z.string().trim().refine(isZone, { error: (iss) => `"${String(iss.input)}" is not an IANA time zone (such as Europe/London or UTC)` });
const NoticeDays = z.number().int().min(0).max(365);
export const Notice = z.object({
  increaseDays: NoticeDays,
  newDays: NoticeDays,
  decreaseDays: NoticeDays,
  closedDays: NoticeDays,
});
export const RoundingLevel = z.enum(['per-call', 'per-increment', 'per-line']);
export const RoundingMode = z.enum(['half-up', 'half-even', 'up', 'down']);
export const Rounding = z.object({
  level: RoundingLevel,
  decimals: z.number().int().min(0).max(8),
  mode: RoundingMode,
});
export const TechPrefix = z.string().trim().min(1).max(20).regex(/^[0-9#*+]+$/, 'digits, #, * or + only');

/** A trunk or account name as our switch writes it in its CDRs (accountcode, gateway, Account). */
export const TrunkName = z.string().trim().min(1, 'trunk name is empty').max(80);
const NonNegativeDecimal = z.string().trim().regex(/^\d{1,12}(\.\d{1,8})?$/, 'a non-negative decimal number, e.g. 10 or 2.5');
export const DisputeThreshold = z.object({
  /** In the carrier's currency. */
  absolute: NonNegativeDecimal,
  /** Percent of the expected amount. */
  percent: NonNegativeDecimal,
});

export const CarrierSettings = z.object({
  roles: Roles,
  currency: Currency,
  timezone: TimeZone,
  notice: Notice,
  rounding: Rounding,
  techPrefixes: z.array(TechPrefix).max(50),
  /** Names that identify this carrier's leg in our switch's CDRs (ingress for a customer, egress for a vendor). */
  trunks: z.array(TrunkName).max(200),
  /** LCR tie-break among vendors at the same rate: lower ranks first, then the name. */
  lcrPreference: z.number().int().min(0).max(1000),
  /** Materiality: a variance is proposed as a dispute when it reaches both thresholds. */
  disputeThreshold: DisputeThreshold,
  /** Days from the invoice date to its due date. */
  paymentTermsDays: z.number().int().min(0).max(365),
});
export type CarrierSettings = z.infer<typeof CarrierSettings>;

/** A change to some settings: anything left out keeps its value (or its default, on create). */
export const CarrierSettingsPatch = z.object({
  roles: Roles.optional(),
  currency: Currency.optional(),
  timezone: TimeZone.optional(),
  notice: Notice.partial().optional(),
  rounding: Rounding.partial().optional(),
  techPrefixes: z.array(TechPrefix).max(50).optional(),
  trunks: z.array(TrunkName).max(200).optional(),
  lcrPreference: z.number().int().min(0).max(1000).optional(),
  disputeThreshold: DisputeThreshold.partial().optional(),
  paymentTermsDays: z.number().int().min(0).max(365).optional(),
});

export const DEFAULT_CARRIER_SETTINGS: CarrierSettings = {
  roles: 'vendor',
  currency: 'USD',
  timezone: 'UTC',
  notice: { increaseDays: 7, newDays: 7, decreaseDays: 0, closedDays: 7 },
  rounding: { level: 'per-call', decimals: 6, mode: 'half-up' },
  techPrefixes: [],
  trunks: [],
  lcrPreference: 100,
  disputeThreshold: { absolute: '10', percent: '1' },
  paymentTermsDays: 30,
};

export interface Carrier extends CarrierSettings {
  id: number;
  name: string;
  settingsVersion: number;
  createdAt: string;
  updatedAt: string;
}

export const Side = z.enum(['buy', 'sell']);
export type Side = z.infer<typeof Side>;
export const DeckField = z.enum(DECK_FIELDS);
export const DateOrder = z.enum(['DMY', 'MDY']);
const RowNumber = z.number().int().min(1);
const FilePath = z.string().min(1, 'file path is empty');
const JobId = z.string().min(1).max(100);
/** A non-negative amount, exact, up to 8 decimals. */
const Amount = z.string().trim().regex(/^\d{1,12}(\.\d{1,8})?$/, 'an amount is a non-negative decimal, e.g. 12.50');
const Increment = z.string().regex(/^\d+\/\d+$/, 'an increment is written a/b, e.g. 60/60');

/** Columns the rates grid can sort by, server-side. */
export const RATE_SORT_COLUMNS = ['carrier', 'side', 'prefix', 'destination', 'rate', 'effectiveFrom', 'effectiveTo', 'changeClass'] as const;

export type RoundingPolicyLike = z.infer<typeof Rounding>;

export const CdrSource = z.enum(['own', 'carrier']);
export type CdrSource = z.infer<typeof CdrSource>;

export const ChangeClass = z.enum(['new', 'increase', 'decrease', 'unchanged', 'closed', 'blocked']);
export type ChangeClass = z.infer<typeof ChangeClass>;

const DeckReadOptions = {
  file: FilePath,
  /** The name shown in history and errors when `file` is a temporary upload. */
  fileName: z.string().min(1).optional(),
  sheet: z.string().min(1).optional(),
  headerRow: RowNumber.optional(),
  firstRow: RowNumber.optional(),
  lastRow: RowNumber.optional(),
};

// ---- Settlement (issue 7): schemas, spread into `schemas` below ----
/** A settlement period: a calendar month in the carrier's time zone. */
export const Period = z.string().trim().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a period is YYYY-MM, e.g. 2026-09');
const Day = z.string().trim().regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'a date is YYYY-MM-DD')
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), { message: 'not a calendar date' });
const PositiveAmount = z.string().trim().regex(/^\d{1,13}(\.\d{1,8})?$/, 'a positive decimal amount, e.g. 1250.00')
  .refine((a) => /[1-9]/.test(a), { message: 'the amount must be more than zero' });
const FxRateText = z.string().trim().regex(/^\d{1,8}(\.\d{1,10})?$/, 'a positive decimal rate, e.g. 1.0834')
  .refine((a) => /[1-9]/.test(a), { message: 'the rate must be more than zero' });
export const PaymentDirection = z.enum(['in', 'out']);

const settlementSchemas = {
  /** Issues the customer's invoice for a period, or, when one exists and the calls were re-rated since, a credit or debit note. */
  'invoices.issue': z.object({ customer: CarrierName, period: Period }),
  'invoices.issued': z.object({ customer: CarrierName.optional(), period: Period.optional() }),
  /** One of our issued invoices (or notes) by its number. */
  'invoices.issuedGet': z.object({ number: z.string().trim().min(1).max(40) }),
  'payments.add': z.object({
    carrier: CarrierName, direction: PaymentDirection, amount: PositiveAmount, currency: Currency, date: Day,
    reference: z.string().trim().max(200).optional(),
  }),
  'payments.list': z.object({ carrier: CarrierName.optional(), period: Period.optional() }),
  'fx.set': z.object({ from: Currency, to: Currency, rate: FxRateText, date: Day })
    .refine((a) => a.from !== a.to, { message: 'from and to are the same currency' }),
  'fx.list': z.object({ from: Currency.optional(), to: Currency.optional() }),
  'settlement.position': z.object({ carrier: CarrierName, period: Period }),
  /** The settlement grid: every carrier with something in or before the period. */
  'settlement.positions': z.object({ period: Period }),
  'settlement.lines': z.object({ carrier: CarrierName, period: Period, side: Side }),
  'settlement.ageing': z.object({ asOf: Day.optional() }),
  'settlement.statement': z.object({
    carrier: CarrierName, period: Period, out: FilePath,
    /** Add a sheet of the period's own CDRs behind the lines (up to 1,000,000 calls). */
    evidence: z.boolean().default(true),
    jobId: JobId.optional(),
  }),
};
// ---- Least-cost routing (issue 5) ----
export const LCR_FLAGS = ['uncovered', 'unprofitable', 'single', 'changed'] as const;
export type LcrFlag = (typeof LCR_FLAGS)[number];
export const LCR_SORT_COLUMNS = ['prefix', 'destination', 'sellRate', 'bestRate', 'bestMargin', 'routes'] as const;
export const LCR_EXPORT_COLUMNS = [
  'prefix', 'destination', 'rank', 'vendor', 'rate', 'first_increment', 'next_increment', 'effective_cost', 'sell_rate', 'margin',
] as const;
const PageRange = {
  startRow: z.number().int().min(0),
  endRow: z.number().int().min(1),
};
const pageRefine = (a: { startRow: number; endRow: number }) => a.endRow > a.startRow && a.endRow - a.startRow <= 1000;
const PAGE_MESSAGE = { message: 'a page is 1 to 1000 rows (endRow > startRow)' };
/** What an LCR table is built from: one instant, a set of vendors' buy decks, optionally a customer's sell deck. */
const LcrOptions = {
  /** The instant (default now); a date without a time is 00:00 UTC. */
  at: z.string().min(1).optional(),
  /** Vendors whose buy decks compete (default: every vendor or both-role carrier with a buy deck). */
  vendors: z.array(CarrierName).max(200).optional(),
  /** The customer whose sell deck gives the sell rate and margins. */
  customer: CarrierName.optional(),
  /** Routes kept per prefix, best first (default all). */
  depth: z.number().int().min(1).max(200).optional(),
  /** Drop routes dearer than the sell rate. */
  noLoss: z.boolean().default(false),
  /** Seconds of the typical call the effective cost is priced for. */
  typicalDuration: z.number().int().min(1).max(86_400).default(180),
  /** Rank by the per-minute rate (default) or by the effective cost of the typical call. */
  rankBy: z.enum(['rate', 'cost']).default('rate'),
  /** An earlier instant: prefixes whose rates (or routing) changed since then are flagged. */
  since: z.string().min(1).optional(),
};
const LCR_SCHEMAS = {
  'lcr.table': z.object({
    ...LcrOptions,
    ...PageRange,
    /** Only prefixes carrying this flag. */
    flag: z.enum(LCR_FLAGS).optional(),
    prefix: z.string().regex(/^\d{1,15}$/, 'digits only').optional(),
    destination: z.string().min(1).max(100).optional(),
    sort: z.array(z.object({ colId: z.enum(LCR_SORT_COLUMNS), sort: z.enum(['asc', 'desc']) })).max(1).default([]),
  }).refine(pageRefine, PAGE_MESSAGE),
  'lcr.export': z.object({
    ...LcrOptions,
    out: FilePath,
    format: z.enum(['long', 'matrix', 'routing']).default('long'),
    /** The matrix's rows: one per destination (default) or per prefix. */
    matrixBy: z.enum(['destination', 'prefix']).default('destination'),
    flag: z.enum(LCR_FLAGS).optional(),
    jobId: JobId.optional(),
  }),
  'lcr.matrix': z.object({
    at: LcrOptions.at,
    vendors: LcrOptions.vendors,
    by: z.enum(['destination', 'prefix']).default('destination'),
    /** Destinations containing this text (any case), or prefixes starting with these digits. */
    filter: z.string().min(1).max(100).optional(),
    ...PageRange,
  }).refine(pageRefine, PAGE_MESSAGE),
  'lcr.whatif': z.object({
    customer: CarrierName.optional(),
    carrier: CarrierName.optional(),
    from: z.string().min(1),
    to: z.string().min(1),
    /** The routes a call could have taken (default every vendor with a buy deck); the vendor it went to always counts. */
    vendors: z.array(CarrierName).max(200).optional(),
    jobId: JobId.optional(),
  }).refine((a) => (a.customer === undefined) !== (a.carrier === undefined), { message: 'name either a customer or a carrier (vendor), not both' }),
} as const;

export const schemas = {
  ...settlementSchemas,
  'carriers.create': z.object({ name: CarrierName, settings: CarrierSettingsPatch.optional() }),
  'carriers.list': z.object({}),
  'carriers.get': z.object({ name: CarrierName }),
  'carriers.update': z.object({
    name: CarrierName,
    rename: CarrierName.optional(),
    settings: CarrierSettingsPatch.default({}),
    note: z.string().max(500).optional(),
  }),
  'decks.inspect': z.object({ ...DeckReadOptions, carrier: CarrierName.optional(), side: Side.optional() }),
  'decks.import': z.object({
    ...DeckReadOptions,
    carrier: CarrierName,
    side: Side,
    mode: z.enum(['full', 'partial']).default('full'),
    received: z.string().min(1).optional(),
    effective: z.string().min(1).optional(),
    map: z.record(z.string().min(1), DeckField).default({}),
    dateOrder: DateOrder.optional(),
    defaultIncrement: Increment.optional(),
    dryRun: z.boolean().default(false),
    saveTemplate: z.boolean().default(true),
    jobId: JobId.optional(),
  }),
  'decks.list': z.object({ carrier: CarrierName.optional(), side: Side.optional() }),
  'rates.lookup': z.object({
    carrier: CarrierName,
    side: Side,
    number: z.string().min(1).max(64),
    at: z.string().min(1).optional(),
  }),
  'rates.export': z.object({
    carrier: CarrierName,
    side: Side,
    at: z.string().min(1).optional(),
    out: FilePath,
    format: z.enum(['csv', 'xlsx']).optional(),
    jobId: JobId.optional(),
  }),
  'rates.query': z.object({
    carrier: CarrierName.optional(),
    side: Side.optional(),
    /** The instant the grid shows ("as of"); default now. Ignored when scope is 'all'. */
    at: z.string().min(1).optional(),
    /** 'in-force': the versions in force at `at`; 'all': every current version, past and future. */
    scope: z.enum(['in-force', 'all']).default('in-force'),
    /** Prefixes starting with these digits. */
    prefix: z.string().regex(/^\d{1,15}$/, 'digits only').optional(),
    /** Destinations containing this text (any case). */
    destination: z.string().min(1).max(100).optional(),
    startRow: z.number().int().min(0),
    endRow: z.number().int().min(1),
    sort: z.array(z.object({ colId: z.enum(RATE_SORT_COLUMNS), sort: z.enum(['asc', 'desc']) })).max(4).default([]),
  }).refine((a) => a.endRow > a.startRow && a.endRow - a.startRow <= 1000, { message: 'a page is 1 to 1000 rows (endRow > startRow)' }),
  'rates.history': z.object({ carrier: CarrierName, side: Side, prefix: z.string().regex(/^\d{1,15}$/, 'digits only') }),
  'workspace.info': z.object({}),
  'workspace.backup': z.object({ out: FilePath }),
  /** Replaces the workspace's content with a backup file (checked first; the current content is backed up beside it). */
  'workspace.restore': z.object({ file: FilePath }),
  /** Seeds an empty workspace with demo carriers and decks from a fixtures folder, and marks it as the demo. */
  'workspace.seedDemo': z.object({ fixturesDir: FilePath }),
  'cdrs.import': z.object({
    file: FilePath,
    fileName: z.string().min(1).optional(),
    /**
     * The carrier the file's calls belong to. Left out for our own switch's file (source own): each
     * call's customer and vendor are then found from its ingress and egress trunks (carriers' trunks).
     */
    carrier: CarrierName.optional(),
    source: CdrSource,
    format: z.enum(['auto', 'generic', 'asterisk', 'freeswitch', 'cgrates']).default('auto'),
    /** The zone of the file's local times; default the carrier's. */
    timezone: TimeZone.optional(),
    map: z.record(z.string().min(1), z.string().min(1)).default({}),
    /** Import the good rows and write the bad ones to a rejects file instead of failing whole. */
    skipBadRows: z.boolean().default(false),
    rejectsFile: FilePath.optional(),
    jobId: JobId.optional(),
  }).refine((a) => a.carrier !== undefined || a.source === 'own', { message: 'name the carrier (--carrier): only our own switch\'s file (source own) can be imported for all carriers by trunk', path: ['carrier'] }),
  'cdrs.list': z.object({ carrier: CarrierName.optional() }),
  'rating.run': z.object({
    carrier: CarrierName,
    side: Side,
    source: CdrSource.optional(),
    from: z.string().min(1).optional(),
    to: z.string().min(1).optional(),
    jobId: JobId.optional(),
  }),
  'cdrs.summary': z.object({
    carrier: CarrierName,
    source: CdrSource,
    side: Side,
    from: z.string().min(1).optional(),
    to: z.string().min(1).optional(),
  }),
  /** Revenue, cost and margin per destination of our own switch's calls (both legs rated). */
  'cdrs.margin': z.object({
    customer: CarrierName.optional(),
    vendor: CarrierName.optional(),
    /** Instants; local times are read in the customer's zone (else the vendor's, else UTC). */
    from: z.string().min(1).optional(),
    to: z.string().min(1).optional(),
  }),
  'cdrs.export': z.object({
    carrier: CarrierName,
    source: CdrSource,
    side: Side,
    from: z.string().min(1).optional(),
    to: z.string().min(1).optional(),
    out: FilePath,
    jobId: JobId.optional(),
  }),
  'cdrs.query': z.object({
    carrier: CarrierName,
    source: CdrSource.optional(),
    side: Side,
    from: z.string().min(1).optional(),
    to: z.string().min(1).optional(),
    /** Destinations (of the rate that priced the call) containing this text. */
    destination: z.string().min(1).max(100).optional(),
    /** Called numbers starting with these digits, as written in the file. */
    called: z.string().regex(/^\+?\d{1,20}$/, 'digits only').optional(),
    status: z.enum(['rated', 'free', 'unrated']).optional(),
    startRow: z.number().int().min(0),
    endRow: z.number().int().min(1),
  }).refine((a) => a.endRow > a.startRow && a.endRow - a.startRow <= 1000, { message: 'a page is 1 to 1000 rows (endRow > startRow)' }),
  'cdrs.explain': z.object({ id: z.number().int().min(1), side: Side }),
  ...LCR_SCHEMAS,
  'jobs.cancel': z.object({ jobId: JobId }),

  // ---- Carrier invoices, reconciliation and disputes (issue 6) ----
  'invoices.inspect': z.object({
    file: FilePath, fileName: z.string().min(1).optional(), carrier: CarrierName.optional(), sheet: z.string().min(1).optional(),
    headerRow: RowNumber.optional(), map: z.record(z.string().min(1), z.enum(INVOICE_FIELDS)).default({}), dateOrder: DateOrder.optional(),
  }),
  'invoices.import': z.object({
    file: FilePath,
    fileName: z.string().min(1).optional(),
    carrier: CarrierName,
    /** Beats the invoice number in the file's notes block. */
    number: z.string().trim().min(1).max(80).optional(),
    /** A calendar month of the carrier's zone; or from/to dates (to inclusive). Beats the file's own period. */
    period: Period.optional(),
    from: z.string().min(1).optional(),
    to: z.string().min(1).optional(),
    sheet: z.string().min(1).optional(),
    headerRow: RowNumber.optional(),
    map: z.record(z.string().min(1), z.enum(INVOICE_FIELDS)).default({}),
    dateOrder: DateOrder.optional(),
    saveTemplate: z.boolean().default(true),
    jobId: JobId.optional(),
  }).refine((a) => !(a.period && (a.from || a.to)), { message: 'give either period or from/to, not both' }),
  'invoices.list': z.object({ carrier: CarrierName.optional() }),
  'invoices.get': z.object({ id: z.number().int().min(1) }),
  'reconcile.run': z.object({
    /** Required unless rerun names a stored run. */
    carrier: CarrierName.optional(),
    period: Period.optional(),
    from: z.string().min(1).optional(),
    to: z.string().min(1).optional(),
    /** The invoice number; default the carrier's invoice for exactly this period, if one was imported. */
    invoice: z.string().trim().min(1).max(80).optional(),
    /** Seconds either side of a call's start within which two CDRs may be the same call. */
    timeTolerance: z.number().min(0).max(3600).default(2),
    /** Seconds of duration difference still counted as the same duration. */
    durationTolerance: z.number().min(0).max(3600).default(1),
    /** Re-runs a stored run with its parameters (the other arguments must then be left out). */
    rerun: z.number().int().min(1).optional(),
    jobId: JobId.optional(),
  }).refine((a) => a.rerun !== undefined || Boolean(a.period) !== Boolean(a.from && a.to), { message: 'give period (YYYY-MM) or both from and to' }),
  'reconcile.get': z.object({ id: z.number().int().min(1) }),
  'reconcile.list': z.object({ carrier: CarrierName.optional() }),
  'reconcile.discrepancies': z.object({
    id: z.number().int().min(1),
    class: z.enum(RECON_CLASSES).optional(),
    startRow: z.number().int().min(0),
    endRow: z.number().int().min(1),
  }).refine((a) => a.endRow > a.startRow && a.endRow - a.startRow <= 1000, { message: 'a page is 1 to 1000 rows (endRow > startRow)' }),
  'reconcile.export': z.object({ id: z.number().int().min(1), out: FilePath, jobId: JobId.optional() }),
  'disputes.open': z.union([
    z.object({
      reconciliation: z.number().int().min(1),
      /** Every item the carrier's thresholds propose. */
      allProposed: z.boolean().default(false),
      /** Or these items of the run (proposed or not): the user's selection. */
      items: z.array(z.number().int().min(1)).max(10_000).optional(),
      note: z.string().max(2000).optional(),
    }),
    z.object({
      carrier: CarrierName,
      period: Period,
      invoice: z.string().trim().min(1).max(80).optional(),
      lines: z.array(z.object({
        cause: z.string().trim().min(1).max(60),
        destination: z.string().trim().max(200).optional(),
        prefix: z.string().regex(/^\d{1,15}$/, 'digits only').optional(),
        calls: z.number().int().min(0).default(0),
        minutes: Amount.default('0'),
        amount: Amount,
      })).min(1).max(1000),
      note: z.string().max(2000).optional(),
    }),
  ]),
  'disputes.list': z.object({
    carrier: CarrierName.optional(),
    state: z.enum(DISPUTE_STATES).optional(),
    /** Disputes submitted at least this many days ago. */
    minAgeDays: z.number().int().min(0).optional(),
    /** Disputes claiming at least this amount. */
    minAmount: Amount.optional(),
  }),
  'disputes.get': z.object({ id: z.number().int().min(1), evidenceLimit: z.number().int().min(0).max(100_000).default(1000) }),
  'disputes.set': z.object({
    id: z.number().int().min(1),
    state: z.enum(DISPUTE_STATES),
    agreed: Amount.optional(),
    note: z.string().trim().min(1).max(2000).optional(),
    creditNote: z.string().trim().min(1).max(120).optional(),
  }),
  'disputes.export': z.object({ id: z.number().int().min(1), out: FilePath, jobId: JobId.optional() }),
} as const;

export type MethodName = keyof typeof schemas;
export type Args<M extends MethodName> = z.input<(typeof schemas)[M]>;
export type ParsedArgs<M extends MethodName> = z.output<(typeof schemas)[M]>;

export interface DeckSheetReport {
  name: string;
  headerRow: number;
  firstRow: number;
  lastRow: number;
  rowsRead: number;
}

export interface MappingEntry {
  column: string;
  header: string;
  field: string | null;
}

export interface NoticeViolation {
  prefix: string;
  destination: string;
  changeClass: ChangeClass;
  effectiveFrom: string;
  noticeUntil: string;
  sheet?: string;
  row?: number;
}

export interface Disagreement {
  prefix: string;
  sheet?: string;
  row: number;
  deckSays: string;
  computed: ChangeClass;
}

export type ChangeCounts = Record<ChangeClass, number>;

export interface DeckImportReport {
  importId: number | null;
  dryRun: boolean;
  carrier: string;
  side: Side;
  mode: 'full' | 'partial';
  file: string;
  sha256: string;
  bytes: number;
  sheets: DeckSheetReport[];
  mapping: MappingEntry[];
  currency: string;
  receivedAt: string;
  effectiveAt: string | null;
  closuresAt: string | null;
  rowsRead: number;
  prefixes: number;
  counts: ChangeCounts;
  /** Rows that replaced a version with the same prefix and effective date from an earlier import. */
  revised: number;
  noticeViolationCount: number;
  noticeViolations: NoticeViolation[];
  disagreementCount: number;
  disagreements: Disagreement[];
  warnings: string[];
}

export interface DeckInspectReport {
  file: string;
  format: 'csv' | 'xlsx';
  encoding?: string;
  delimiter?: string;
  sheets: { name: string; rows: number; hasHeader: boolean }[];
  sheet: string;
  headerRow: number | null;
  firstRow: number | null;
  lastRow: number | null;
  /** The first rows and the last rows of the sheet, as text, with their row numbers. */
  head: { row: number; cells: string[] }[];
  tail: { row: number; cells: string[] }[];
  mapping: MappingEntry[];
  notes: { effective: string | null; currency: string | null; zone: string | null };
}

export interface DeckImportRecord {
  id: number;
  carrier: string;
  side: Side;
  mode: 'full' | 'partial';
  fileName: string;
  sha256: string;
  bytes: number;
  rowsRead: number;
  prefixes: number;
  counts: ChangeCounts;
  noticeViolations: number;
  currency: string;
  receivedAt: string;
  effectiveAt: string | null;
  importedAt: string;
  importedBy: string;
}

/** What a rate version says: the destination, the price and its billing terms, from when to when. */
export interface RateTerms {
  prefix: string;
  destination: string;
  currency: string;
  effectiveFrom: string;
  effectiveTo: string | null;
  firstIncrement: number;
  nextIncrement: number;
  minDuration: number;
  grace: number;
  connectionFee: string;
  importId: number;
}

export interface RateLookup extends RateTerms {
  number: string;
  normalised: string;
  rate: string;
  rateId: number;
}

export interface RatesExportReport {
  file: string;
  format: 'csv' | 'xlsx';
  rows: number;
  at: string;
}

/** One row of the rates grid: a version, with why it is there. */
export interface RateRow extends RateTerms {
  id: number;
  carrier: string;
  side: Side;
  kind: 'rate' | 'closed' | 'blocked';
  rate: string | null;
  changeClass: ChangeClass;
  noticeViolation: boolean;
  noticeUntil: string | null;
}

export interface RatesPage {
  rows: RateRow[];
  /** The number of rows when this page reaches the end, else null (more may follow). */
  lastRow: number | null;
  at: string;
}

/** A version in a prefix's history, including those a later import replaced. */
export interface RateHistoryEntry extends RateRow {
  deckChange: string | null;
  fileName: string;
  importedAt: string;
  supersededByImportId: number | null;
}

export interface WorkspaceInfo {
  dbPath: string;
  schemaVersion: number;
  demo: boolean;
  carriers: number;
  deckImports: number;
}

export type RatingStatus = 'rated' | 'free' | 'unrated';
export type UnratedReason = 'no rate' | 'closed code' | 'blocked' | 'invalid number';

export interface SideRatingCounts {
  side: Side;
  /** The carrier whose deck rated this side (the vendor for buy, the customer for sell). */
  carrier?: string;
  rated: number;
  free: number;
  unrated: Record<UnratedReason, number>;
  /** Σ of the rated amounts (per call or per increment policies), exact, in the deck's currency; per line: Σ of the lines. */
  amount: string;
  currency: string;
}

export interface CdrImportReport {
  importId: number;
  /** null: our own switch's file, imported for every carrier its trunks name. */
  carrier: string | null;
  source: CdrSource;
  format: 'generic' | 'asterisk' | 'freeswitch' | 'cgrates';
  file: string;
  sha256: string;
  bytes: number;
  timezone: string;
  rowsRead: number;
  imported: number;
  duplicates: number;
  rejected: number;
  rejectsFile: string | null;
  firstStart: string | null;
  lastStart: string | null;
  /** Per carrier and side the calls were rated for. */
  rating: SideRatingCounts[];
  /** A switch-wide file's trunk names that matched no carrier (that leg of those calls is left without a carrier). */
  unmatchedTrunks: { trunk: string; leg: 'ingress' | 'egress'; calls: number; why: string }[];
  warnings: string[];
}

export interface CdrImportRecord {
  id: number;
  /** null: our own switch's file, imported for every carrier its trunks name. */
  carrier: string | null;
  source: CdrSource;
  format: string;
  fileName: string;
  sha256: string;
  bytes: number;
  rowsRead: number;
  imported: number;
  duplicates: number;
  rejected: number;
  firstStart: string | null;
  lastStart: string | null;
  importedAt: string;
  importedBy: string;
}

export interface RatingRunReport extends SideRatingCounts {
  carrier: string;
  calls: number;
  changed: number;
  unchanged: number;
  from: string | null;
  to: string | null;
}

export interface CdrSummaryLine {
  destination: string;
  prefix: string | null;
  calls: number;
  minutes: string;
  billedMinutes: string;
  amount: string;
}

export interface CdrSummary {
  carrier: string;
  source: CdrSource;
  side: Side;
  currency: string;
  from: string | null;
  to: string | null;
  lines: CdrSummaryLine[];
  unrated: { reason: UnratedReason; calls: number; minutes: string }[];
  totals: { calls: number; answered: number; minutes: string; billedMinutes: string; amount: string };
}

/** One destination of the margin view: what the customers paid, what the vendors cost, and the difference. */
export interface MarginLine {
  /** The destination as the customer's sell deck names it. */
  destination: string;
  calls: number;
  /** Billed minutes on the sell side and the buy side (increments differ). */
  soldMinutes: string;
  boughtMinutes: string;
  revenue: string;
  cost: string;
  /** revenue − cost; null when the two legs are in different currencies. */
  margin: string | null;
  /** margin ÷ revenue × 100, to 2 decimals; null without a margin or revenue. */
  marginPercent: string | null;
  revenueCurrency: string;
  costCurrency: string;
}

export interface MarginReport {
  customer: string | null;
  vendor: string | null;
  from: string | null;
  to: string | null;
  lines: MarginLine[];
  /** Calls left out: a leg missing (no carrier for a trunk), not rated yet, or unrated (with why). */
  excluded: { reason: string; calls: number }[];
  /** Totals per currency pair (revenue currency/cost currency). */
  totals: { revenueCurrency: string; costCurrency: string; calls: number; revenue: string; cost: string; margin: string | null; marginPercent: string | null }[];
}

/** One call in the CDR grid, with its rating on the side asked for. */
export interface CdrRow {
  id: number;
  carrier: string;
  source: CdrSource;
  callId: string | null;
  start: string;
  calling: string;
  called: string;
  /** Seconds, exact (milliseconds as a decimal). */
  duration: string;
  answered: boolean;
  billedSeconds: number;
  prefix: string | null;
  destination: string | null;
  rate: string | null;
  amount: string | null;
  currency: string | null;
  status: RatingStatus | 'not rated';
  reason: UnratedReason | null;
  importId: number;
}

export interface CdrPage {
  rows: CdrRow[];
  lastRow: number | null;
}

/** One call's rating, step by step, as the engine would rate it now (and what is stored). */
export interface CdrExplanation {
  call: CdrRow;
  steps: { step: string; detail: string }[];
  /** The rate versions tried, longest prefix first, at the call's start instant. */
  candidates: { prefix: string; destination: string; effectiveFrom: string; effectiveTo: string | null; kind: 'rate' | 'closed' | 'blocked'; rate: string | null; chosen: boolean }[];
  now: { status: RatingStatus; reason: UnratedReason | null; billedSeconds: number; amount: string | null };
  storedMatchesNow: boolean;
}

export const CDR_EXPORT_COLUMNS = [
  'call_id', 'start', 'calling', 'called', 'duration', 'billed_seconds', 'prefix', 'destination', 'rate', 'amount', 'currency', 'status', 'reason',
] as const;

export interface Outputs {
  'carriers.create': Carrier;
  'carriers.list': Carrier[];
  'carriers.get': Carrier;
  'carriers.update': Carrier;
  'decks.inspect': DeckInspectReport;
  'decks.import': DeckImportReport;
  'decks.list': DeckImportRecord[];
  'rates.lookup': RateLookup;
  'rates.export': RatesExportReport;
  'rates.query': RatesPage;
  'rates.history': RateHistoryEntry[];
  'workspace.info': WorkspaceInfo;
  'workspace.backup': { file: string; bytes: number };
  'workspace.restore': { restored: string; backup: string; schemaVersion: number };
  'workspace.seedDemo': { seeded: boolean; imported: { carrier: string; file: string; prefixes: number }[] };
  'cdrs.import': CdrImportReport;
  'cdrs.list': CdrImportRecord[];
  'rating.run': RatingRunReport;
  'cdrs.summary': CdrSummary;
  'cdrs.margin': MarginReport;
  'cdrs.export': { file: string; format: 'csv' | 'xlsx'; rows: number };
  'cdrs.query': CdrPage;
  'cdrs.explain': CdrExplanation;
  'lcr.table': LcrPage;
  'lcr.export': LcrExportReport;
  'lcr.matrix': LcrMatrixPage;
  'lcr.whatif': LcrWhatIf;
  'jobs.cancel': { cancelled: boolean };
  'invoices.inspect': InvoiceInspectReport;
  'invoices.import': InvoiceDetail;
  'invoices.list': Invoice[];
  'invoices.get': InvoiceDetail;
  'reconcile.run': Reconciliation;
  'reconcile.get': Reconciliation;
  'reconcile.list': ReconciliationRecord[];
  'reconcile.discrepancies': ReconDiscrepancyPage;
  'reconcile.export': { file: string; sheets: string[]; discrepancies: number };
  'disputes.open': DisputeDetail;
  'disputes.list': DisputeSummary[];
  'disputes.get': DisputeDetail;
  'disputes.set': DisputeDetail;
  'disputes.export': { file: string; lines: number; evidence: number };
}

export type Output<M extends MethodName> = Outputs[M];

export const RATES_EXPORT_COLUMNS = [
  'prefix', 'destination', 'rate', 'currency', 'effective_from', 'effective_to', 'first_increment', 'next_increment',
  'min_duration', 'grace', 'connection_fee',
] as const;

// ---- Settlement (issue 7): outputs ----
export type InvoiceKind = 'invoice' | 'credit-note' | 'debit-note';

/** One line of an invoice or note: a destination at one rate. Amounts in the invoice's currency, exact. */
export interface CustomerInvoiceLine {
  lineNo: number;
  destination: string;
  prefix: string | null;
  rate: string;
  calls: number;
  billedMinutes: string;
  amount: string;
}

export interface CustomerInvoiceSummary {
  id: number;
  number: string;
  kind: InvoiceKind;
  customer: string;
  period: string;
  currency: string;
  issuedOn: string;
  dueOn: string;
  calls: number;
  billedMinutes: string;
  total: string;
  /** For a note: the number of the invoice it corrects. */
  corrects: string | null;
  issuedAt: string;
  issuedBy: string;
}

export interface CustomerInvoice extends CustomerInvoiceSummary {
  lines: CustomerInvoiceLine[];
}

export interface InvoiceIssueReport {
  /** 'unchanged': the period is invoiced and nothing changed since; no document was issued. */
  outcome: 'issued' | 'credit-note' | 'debit-note' | 'unchanged';
  /** The document issued now (for 'unchanged', the period's invoice). */
  document: CustomerInvoice;
  /** Σ of the period's invoice and notes, in its currency. */
  periodTotal: string;
}

export interface PaymentRecordOut {
  id: number;
  carrier: string;
  direction: 'in' | 'out';
  date: string;
  amount: string;
  currency: string;
  reference: string | null;
  recordedAt: string;
  recordedBy: string;
}

export interface FxRateOut {
  id: number;
  from: string;
  to: string;
  date: string;
  rate: string;
  recordedAt: string;
}

export type LedgerKind = 'invoice' | 'credit-note' | 'debit-note' | 'vendor-invoice' | 'withheld' | 'released' | 'dispute-credit' | 'payment-in' | 'payment-out';

/** One dated amount in a carrier's settlement, converted to its settlement currency (the rate used shown). */
export interface LedgerEntry {
  kind: LedgerKind;
  period: string;
  date: string;
  reference: string;
  /** As the document or payment states it. */
  originalAmount: string;
  originalCurrency: string;
  /** null when no conversion was needed. */
  fxRate: string | null;
  fxDate: string | null;
  /** In the settlement currency, unsigned. */
  amount: string;
  /** Signed effect on the net position (positive: the carrier owes us more). */
  effect: string;
}

export interface SettlementDispute {
  id: number;
  invoice: string | null;
  /** The period of the disputed invoice. */
  period: string;
  state: string;
  currency: string;
  claimed: string;
  agreed: string | null;
  creditNote: string | null;
  submittedAt: string | null;
  resolvedAt: string | null;
  /** Effects on this period's net, in the settlement currency. */
  withheld: string;
  released: string;
  credit: string;
}

export type SettlementDirection = 'they-pay-us' | 'we-pay-them' | 'even';

export interface SettlementFigures {
  carrier: string;
  period: string;
  currency: string;
  /** Closing balance of the previous period, carried (positive: the carrier owed us). */
  opening: string;
  /** Our invoices for the period. */
  receivable: string;
  /** The carrier's invoices for the period, in full. */
  payable: string;
  /** Claimed in disputes against this period's invoices, still open at the period's end (not paid yet). */
  withheld: string;
  /** Withheld in earlier periods, released to payable when their disputes were resolved in this period. */
  released: string;
  /** Credit and debit notes issued and dispute credit notes received in the period. */
  adjustments: string;
  paymentsIn: string;
  paymentsOut: string;
  /** Payments received less payments made in the period. */
  payments: string;
  /** opening + receivable − payable + withheld − released + adjustments − payments; positive: the carrier owes us. */
  net: string;
  direction: SettlementDirection;
  dueDate: string;
}

export interface SettlementPosition extends SettlementFigures {
  from: string;
  to: string;
  asOf: string;
  entries: LedgerEntry[];
  disputes: SettlementDispute[];
  warnings: string[];
}

export interface SettlementLine {
  document: string;
  destination: string;
  prefix: string | null;
  calls: number | null;
  minutes: string | null;
  rate: string | null;
  amount: string;
  currency: string;
}

export interface SettlementLines {
  carrier: string;
  period: string;
  side: Side;
  documents: { number: string; kind: string; currency: string; total: string; date: string }[];
  lines: SettlementLine[];
}

export type AgeingBucket = '0-30' | '31-60' | '61-90' | '90+';

export interface AgeingRow {
  carrier: string;
  currency: string;
  balance: string;
  direction: SettlementDirection;
  buckets: Record<AgeingBucket, string>;
  oldestPeriod: string | null;
}

export interface AgeingReport {
  asOf: string;
  rows: AgeingRow[];
  totals: { currency: string; receivable: string; payable: string; buckets: Record<AgeingBucket, string> }[];
}

export interface StatementReport extends SettlementFigures {
  file: string;
  sheets: string[];
  rows: { sell: number; buy: number; disputes: number; payments: number; adjustments: number; evidence: number };
  evidenceTruncated: boolean;
}

// Declaration merging: the settlement methods' outputs join the one Outputs map.
export interface Outputs {
  'invoices.issue': InvoiceIssueReport;
  'invoices.issued': CustomerInvoiceSummary[];
  'invoices.issuedGet': CustomerInvoice;
  'payments.add': PaymentRecordOut;
  'payments.list': PaymentRecordOut[];
  'fx.set': FxRateOut;
  'fx.list': FxRateOut[];
  'settlement.position': SettlementPosition;
  'settlement.positions': SettlementFigures[];
  'settlement.lines': SettlementLines;
  'settlement.ageing': AgeingReport;
  'settlement.statement': StatementReport;
}

/** One vendor's route for a prefix in the LCR table. */
export interface LcrRoute {
  vendor: string;
  /** Rank by the per-minute rate (1 = cheapest; ties by LCR preference, then name). */
  rank: number;
  /** Rank by the effective cost of the typical call. */
  costRank: number;
  /** The vendor's prefix that matched (its longest prefix of the row's prefix) and its destination. */
  matchedPrefix: string;
  destination: string;
  rate: string;
  firstIncrement: number;
  nextIncrement: number;
  minDuration: number;
  grace: number;
  connectionFee: string;
  effectiveFrom: string;
  /** What the typical call costs on this route, rounded by the vendor's policy. */
  effectiveCost: string;
  /** Sell rate − rate, per minute; null without a sell rate. */
  margin: string | null;
  /** Sell effective cost − effective cost, for the typical call. */
  costMargin: string | null;
  /** Dearer than the sell rate (by the ranking measure). */
  loss: boolean;
  /** With `since`: the vendor's rate then (null: no route then); absent without `since`. */
  previousRate?: string | null;
}

export interface LcrRow {
  /** The row's position in the whole table, prefix order. */
  id: number;
  prefix: string;
  destination: string;
  sellRate: string | null;
  sellEffectiveCost: string | null;
  /** Best first, by the ranking measure; cut to `depth`, lossy routes dropped with `noLoss`. */
  routes: LcrRoute[];
  /** Routes before depth and no-loss. */
  routeCount: number;
  flags: LcrFlag[];
  /** With `since`: the vendors in order then. */
  previousOrder?: string[];
}

export interface LcrCounts {
  prefixes: number;
  uncovered: number;
  unprofitable: number;
  single: number;
  changed: number;
}

export interface LcrSummary {
  at: string;
  since: string | null;
  currency: string;
  typicalDuration: number;
  rankBy: 'rate' | 'cost';
  vendors: { name: string; lcrPreference: number; prefixes: number; rounding: string }[];
  customer: string | null;
  counts: LcrCounts;
  buildMs: number;
}

export interface LcrPage extends LcrSummary {
  rows: LcrRow[];
  /** The number of matching rows (the filtered table is known whole). */
  lastRow: number;
}

export interface LcrExportReport extends LcrSummary {
  file: string;
  format: 'long' | 'matrix' | 'routing';
  fileFormat: 'csv' | 'xlsx';
  rows: number;
}

export interface LcrMatrixCell {
  /** The vendor's lowest and highest rate over the row's prefixes it covers. */
  min: string;
  max: string;
  covered: number;
  cheapest: boolean;
}

export interface LcrMatrixRow {
  id: number;
  destination: string;
  /** The prefix (by prefix) or the number of prefixes (by destination). */
  prefix: string | null;
  prefixes: number;
  /** One per vendor, in the page's vendor order; null where the vendor covers none of the row's prefixes. */
  cells: (LcrMatrixCell | null)[];
  cheapest: string[];
  /** Dearest − cheapest of the vendors' (highest) rates, and that as a percent of the cheapest. */
  spread: string | null;
  spreadPercent: string | null;
}

export interface LcrMatrixPage {
  at: string;
  currency: string;
  by: 'destination' | 'prefix';
  vendors: string[];
  rows: LcrMatrixRow[];
  lastRow: number;
}

export interface LcrWhatIfLine {
  destination: string;
  calls: number;
  /** Billed minutes as routed. */
  minutes: string;
  actual: string;
  cheapest: string;
  saving: string;
  /** Saving as a percent of the actual cost. */
  savingPercent: string | null;
  /** Calls that went to the cheapest route already. */
  alreadyCheapest: number;
  /** The vendor most of these calls would have gone to, and how many. */
  cheapestVendor: string | null;
  cheapestVendorCalls: number;
}

export interface LcrWhatIf {
  customer: string | null;
  carrier: string | null;
  from: string;
  to: string;
  currency: string;
  vendors: string[];
  lines: LcrWhatIfLine[];
  totals: { calls: number; minutes: string; actual: string; cheapest: string; saving: string; savingPercent: string | null; alreadyCheapest: number };
  /** Calls left out of the comparison, and why. */
  notCompared: { free: number; unratedAsRouted: number; notRated: number };
  /** Calls moved per vendor pair: as routed → cheapest. */
  byVendor: { vendor: string; actualCalls: number; cheapestCalls: number; actual: string; cheapest: string }[];
}
