import { z } from 'zod';
import { DECK_FIELDS } from './deck-fields.ts';

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

export const schemas = {
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
    carrier: CarrierName,
    source: CdrSource,
    format: z.enum(['auto', 'generic', 'asterisk', 'freeswitch', 'cgrates']).default('auto'),
    /** The zone of the file's local times; default the carrier's. */
    timezone: TimeZone.optional(),
    map: z.record(z.string().min(1), z.string().min(1)).default({}),
    /** Import the good rows and write the bad ones to a rejects file instead of failing whole. */
    skipBadRows: z.boolean().default(false),
    rejectsFile: FilePath.optional(),
    jobId: JobId.optional(),
  }),
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
  'jobs.cancel': z.object({ jobId: JobId }),
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
  rated: number;
  free: number;
  unrated: Record<UnratedReason, number>;
  /** Σ of the rated amounts (per call or per increment policies), exact, in the deck's currency; per line: Σ of the lines. */
  amount: string;
  currency: string;
}

export interface CdrImportReport {
  importId: number;
  carrier: string;
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
  rating: SideRatingCounts[];
  warnings: string[];
}

export interface CdrImportRecord {
  id: number;
  carrier: string;
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
  'cdrs.export': { file: string; format: 'csv' | 'xlsx'; rows: number };
  'cdrs.query': CdrPage;
  'cdrs.explain': CdrExplanation;
  'jobs.cancel': { cancelled: boolean };
}

export type Output<M extends MethodName> = Outputs[M];

export const RATES_EXPORT_COLUMNS = [
  'prefix', 'destination', 'rate', 'currency', 'effective_from', 'effective_to', 'first_increment', 'next_increment',
  'min_duration', 'grace', 'connection_fee',
] as const;
