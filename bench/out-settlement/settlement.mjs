// bench/settlement.ts
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join as join2 } from "node:path";
import { performance } from "node:perf_hooks";

// core/engine.ts
import { userInfo } from "node:os";

// core/api/contract.ts
import { z } from "zod";

// core/api/deck-fields.ts
var DECK_FIELDS = [
  "code",
  "country_code",
  "area_codes",
  "destination",
  "country",
  "rate",
  "rate_peak",
  "rate_offpeak",
  "effective_from",
  "effective_to",
  "change",
  "increment",
  "first_increment",
  "next_increment",
  "min_duration",
  "grace",
  "connection_fee",
  "currency",
  "ignore"
];
function columnLetter(index) {
  let n = index + 1;
  let s = "";
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

// core/api/contract.ts
var isZone = (tz) => {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};
var CURRENCIES = new Set(Intl.supportedValuesOf("currency"));
var CarrierName = z.string().trim().min(1, "name is empty").max(120);
var Roles = z.enum(["vendor", "customer", "both"]);
var Currency = z.string().trim().transform((s) => s.toUpperCase()).refine((s) => CURRENCIES.has(s), { message: "not an ISO 4217 currency code" });
var TimeZone = z.string().trim().refine(isZone, { message: "not an IANA time zone" });
var NoticeDays = z.number().int().min(0).max(365);
var Notice = z.object({
  increaseDays: NoticeDays,
  newDays: NoticeDays,
  decreaseDays: NoticeDays,
  closedDays: NoticeDays
});
var RoundingLevel = z.enum(["per-call", "per-increment", "per-line"]);
var RoundingMode = z.enum(["half-up", "half-even", "up", "down"]);
var Rounding = z.object({
  level: RoundingLevel,
  decimals: z.number().int().min(0).max(8),
  mode: RoundingMode
});
var TechPrefix = z.string().trim().min(1).max(20).regex(/^[0-9#*+]+$/, "digits, #, * or + only");
var TrunkName = z.string().trim().min(1, "trunk name is empty").max(80);
var NonNegativeDecimal = z.string().trim().regex(/^\d{1,12}(\.\d{1,8})?$/, "a non-negative decimal number, e.g. 10 or 2.5");
var DisputeThreshold = z.object({
  /** In the carrier's currency. */
  absolute: NonNegativeDecimal,
  /** Percent of the expected amount. */
  percent: NonNegativeDecimal
});
var CarrierSettings = z.object({
  roles: Roles,
  currency: Currency,
  timezone: TimeZone,
  notice: Notice,
  rounding: Rounding,
  techPrefixes: z.array(TechPrefix).max(50),
  /** Names that identify this carrier's leg in our switch's CDRs (ingress for a customer, egress for a vendor). */
  trunks: z.array(TrunkName).max(200),
  /** LCR tie-break among vendors at the same rate: lower ranks first, then the name. */
  lcrPreference: z.number().int().min(0).max(1e3),
  /** Materiality: a variance is proposed as a dispute when it reaches both thresholds. */
  disputeThreshold: DisputeThreshold,
  /** Days from the invoice date to its due date. */
  paymentTermsDays: z.number().int().min(0).max(365)
});
var CarrierSettingsPatch = z.object({
  roles: Roles.optional(),
  currency: Currency.optional(),
  timezone: TimeZone.optional(),
  notice: Notice.partial().optional(),
  rounding: Rounding.partial().optional(),
  techPrefixes: z.array(TechPrefix).max(50).optional(),
  trunks: z.array(TrunkName).max(200).optional(),
  lcrPreference: z.number().int().min(0).max(1e3).optional(),
  disputeThreshold: DisputeThreshold.partial().optional(),
  paymentTermsDays: z.number().int().min(0).max(365).optional()
});
var DEFAULT_CARRIER_SETTINGS = {
  roles: "vendor",
  currency: "USD",
  timezone: "UTC",
  notice: { increaseDays: 7, newDays: 7, decreaseDays: 0, closedDays: 7 },
  rounding: { level: "per-call", decimals: 6, mode: "half-up" },
  techPrefixes: [],
  trunks: [],
  lcrPreference: 100,
  disputeThreshold: { absolute: "10", percent: "1" },
  paymentTermsDays: 30
};
var Side = z.enum(["buy", "sell"]);
var DeckField = z.enum(DECK_FIELDS);
var DateOrder = z.enum(["DMY", "MDY"]);
var RowNumber = z.number().int().min(1);
var FilePath = z.string().min(1, "file path is empty");
var JobId = z.string().min(1).max(100);
var Increment = z.string().regex(/^\d+\/\d+$/, "an increment is written a/b, e.g. 60/60");
var RATE_SORT_COLUMNS = ["carrier", "side", "prefix", "destination", "rate", "effectiveFrom", "effectiveTo", "changeClass"];
var CdrSource = z.enum(["own", "carrier"]);
var ChangeClass = z.enum(["new", "increase", "decrease", "unchanged", "closed", "blocked"]);
var DeckReadOptions = {
  file: FilePath,
  /** The name shown in history and errors when `file` is a temporary upload. */
  fileName: z.string().min(1).optional(),
  sheet: z.string().min(1).optional(),
  headerRow: RowNumber.optional(),
  firstRow: RowNumber.optional(),
  lastRow: RowNumber.optional()
};
var Period = z.string().trim().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "a period is YYYY-MM, e.g. 2026-09");
var Day = z.string().trim().regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, "a date is YYYY-MM-DD").refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && (/* @__PURE__ */ new Date(`${d}T00:00:00Z`)).toISOString().startsWith(d), { message: "not a calendar date" });
var PositiveAmount = z.string().trim().regex(/^\d{1,13}(\.\d{1,8})?$/, "a positive decimal amount, e.g. 1250.00").refine((a) => /[1-9]/.test(a), { message: "the amount must be more than zero" });
var FxRateText = z.string().trim().regex(/^\d{1,8}(\.\d{1,10})?$/, "a positive decimal rate, e.g. 1.0834").refine((a) => /[1-9]/.test(a), { message: "the rate must be more than zero" });
var PaymentDirection = z.enum(["in", "out"]);
var settlementSchemas = {
  /** Issues the customer's invoice for a period, or, when one exists and the calls were re-rated since, a credit or debit note. */
  "invoices.issue": z.object({ customer: CarrierName, period: Period }),
  "invoices.issued": z.object({ customer: CarrierName.optional(), period: Period.optional() }),
  "invoices.get": z.object({ number: z.string().trim().min(1).max(40) }),
  "payments.add": z.object({
    carrier: CarrierName,
    direction: PaymentDirection,
    amount: PositiveAmount,
    currency: Currency,
    date: Day,
    reference: z.string().trim().max(200).optional()
  }),
  "payments.list": z.object({ carrier: CarrierName.optional(), period: Period.optional() }),
  "fx.set": z.object({ from: Currency, to: Currency, rate: FxRateText, date: Day }).refine((a) => a.from !== a.to, { message: "from and to are the same currency" }),
  "fx.list": z.object({ from: Currency.optional(), to: Currency.optional() }),
  "settlement.position": z.object({ carrier: CarrierName, period: Period }),
  /** The settlement grid: every carrier with something in or before the period. */
  "settlement.positions": z.object({ period: Period }),
  "settlement.lines": z.object({ carrier: CarrierName, period: Period, side: Side }),
  "settlement.ageing": z.object({ asOf: Day.optional() }),
  "settlement.statement": z.object({
    carrier: CarrierName,
    period: Period,
    out: FilePath,
    /** Add a sheet of the period's own CDRs behind the lines (up to 1,000,000 calls). */
    evidence: z.boolean().default(true),
    jobId: JobId.optional()
  })
};
var schemas = {
  ...settlementSchemas,
  "carriers.create": z.object({ name: CarrierName, settings: CarrierSettingsPatch.optional() }),
  "carriers.list": z.object({}),
  "carriers.get": z.object({ name: CarrierName }),
  "carriers.update": z.object({
    name: CarrierName,
    rename: CarrierName.optional(),
    settings: CarrierSettingsPatch.default({}),
    note: z.string().max(500).optional()
  }),
  "decks.inspect": z.object({ ...DeckReadOptions, carrier: CarrierName.optional(), side: Side.optional() }),
  "decks.import": z.object({
    ...DeckReadOptions,
    carrier: CarrierName,
    side: Side,
    mode: z.enum(["full", "partial"]).default("full"),
    received: z.string().min(1).optional(),
    effective: z.string().min(1).optional(),
    map: z.record(z.string().min(1), DeckField).default({}),
    dateOrder: DateOrder.optional(),
    defaultIncrement: Increment.optional(),
    dryRun: z.boolean().default(false),
    saveTemplate: z.boolean().default(true),
    jobId: JobId.optional()
  }),
  "decks.list": z.object({ carrier: CarrierName.optional(), side: Side.optional() }),
  "rates.lookup": z.object({
    carrier: CarrierName,
    side: Side,
    number: z.string().min(1).max(64),
    at: z.string().min(1).optional()
  }),
  "rates.export": z.object({
    carrier: CarrierName,
    side: Side,
    at: z.string().min(1).optional(),
    out: FilePath,
    format: z.enum(["csv", "xlsx"]).optional(),
    jobId: JobId.optional()
  }),
  "rates.query": z.object({
    carrier: CarrierName.optional(),
    side: Side.optional(),
    /** The instant the grid shows ("as of"); default now. Ignored when scope is 'all'. */
    at: z.string().min(1).optional(),
    /** 'in-force': the versions in force at `at`; 'all': every current version, past and future. */
    scope: z.enum(["in-force", "all"]).default("in-force"),
    /** Prefixes starting with these digits. */
    prefix: z.string().regex(/^\d{1,15}$/, "digits only").optional(),
    /** Destinations containing this text (any case). */
    destination: z.string().min(1).max(100).optional(),
    startRow: z.number().int().min(0),
    endRow: z.number().int().min(1),
    sort: z.array(z.object({ colId: z.enum(RATE_SORT_COLUMNS), sort: z.enum(["asc", "desc"]) })).max(4).default([])
  }).refine((a) => a.endRow > a.startRow && a.endRow - a.startRow <= 1e3, { message: "a page is 1 to 1000 rows (endRow > startRow)" }),
  "rates.history": z.object({ carrier: CarrierName, side: Side, prefix: z.string().regex(/^\d{1,15}$/, "digits only") }),
  "workspace.info": z.object({}),
  "workspace.backup": z.object({ out: FilePath }),
  /** Seeds an empty workspace with demo carriers and decks from a fixtures folder, and marks it as the demo. */
  "workspace.seedDemo": z.object({ fixturesDir: FilePath }),
  "cdrs.import": z.object({
    file: FilePath,
    fileName: z.string().min(1).optional(),
    carrier: CarrierName,
    source: CdrSource,
    format: z.enum(["auto", "generic", "asterisk", "freeswitch", "cgrates"]).default("auto"),
    /** The zone of the file's local times; default the carrier's. */
    timezone: TimeZone.optional(),
    map: z.record(z.string().min(1), z.string().min(1)).default({}),
    /** Import the good rows and write the bad ones to a rejects file instead of failing whole. */
    skipBadRows: z.boolean().default(false),
    rejectsFile: FilePath.optional(),
    jobId: JobId.optional()
  }),
  "cdrs.list": z.object({ carrier: CarrierName.optional() }),
  "rating.run": z.object({
    carrier: CarrierName,
    side: Side,
    source: CdrSource.optional(),
    from: z.string().min(1).optional(),
    to: z.string().min(1).optional(),
    jobId: JobId.optional()
  }),
  "cdrs.summary": z.object({
    carrier: CarrierName,
    source: CdrSource,
    side: Side,
    from: z.string().min(1).optional(),
    to: z.string().min(1).optional()
  }),
  "cdrs.export": z.object({
    carrier: CarrierName,
    source: CdrSource,
    side: Side,
    from: z.string().min(1).optional(),
    to: z.string().min(1).optional(),
    out: FilePath,
    jobId: JobId.optional()
  }),
  "cdrs.query": z.object({
    carrier: CarrierName,
    source: CdrSource.optional(),
    side: Side,
    from: z.string().min(1).optional(),
    to: z.string().min(1).optional(),
    /** Destinations (of the rate that priced the call) containing this text. */
    destination: z.string().min(1).max(100).optional(),
    /** Called numbers starting with these digits, as written in the file. */
    called: z.string().regex(/^\+?\d{1,20}$/, "digits only").optional(),
    status: z.enum(["rated", "free", "unrated"]).optional(),
    startRow: z.number().int().min(0),
    endRow: z.number().int().min(1)
  }).refine((a) => a.endRow > a.startRow && a.endRow - a.startRow <= 1e3, { message: "a page is 1 to 1000 rows (endRow > startRow)" }),
  "cdrs.explain": z.object({ id: z.number().int().min(1), side: Side }),
  "jobs.cancel": z.object({ jobId: JobId })
};
var CDR_EXPORT_COLUMNS = [
  "call_id",
  "start",
  "calling",
  "called",
  "duration",
  "billed_seconds",
  "prefix",
  "destination",
  "rate",
  "amount",
  "currency",
  "status",
  "reason"
];
var RATES_EXPORT_COLUMNS = [
  "prefix",
  "destination",
  "rate",
  "currency",
  "effective_from",
  "effective_to",
  "first_increment",
  "next_increment",
  "min_duration",
  "grace",
  "connection_fee"
];

// core/api/errors.ts
var TrunklineError = class extends Error {
  constructor(code, message, details) {
    super(message);
    this.code = code;
    this.details = details;
    this.name = "TrunklineError";
  }
  code;
  details;
  toBody() {
    return this.details === void 0 ? { code: this.code, message: this.message } : { code: this.code, message: this.message, details: this.details };
  }
};
function describeProblem(p) {
  const where2 = [p.file, p.sheet && `sheet "${p.sheet}"`, p.row !== void 0 && `row ${p.row}`, p.column && `column "${p.column}"`].filter(Boolean).join(", ");
  return `${where2}: ${p.message}${p.value !== void 0 ? ` (value "${p.value}")` : ""}`;
}
function problemsError(file, problems, total = problems.length, code = "DECK_PARSE_ERROR") {
  const first = problems[0];
  return new TrunklineError(
    code,
    `${total} problem${total === 1 ? "" : "s"} in ${file}; nothing was written.${first ? ` First: ${describeProblem(first)}` : ""}`,
    { file, problemCount: total, problems: problems.slice(0, 500) }
  );
}

// core/time/parse-date.ts
import { DateTime, IANAZone } from "luxon";
var MONTHS = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  sept: 9,
  oct: 10,
  nov: 11,
  dec: 12,
  january: 1,
  february: 2,
  march: 3,
  april: 4,
  june: 6,
  july: 7,
  august: 8,
  september: 9,
  october: 10,
  november: 11,
  december: 12
};
var TIME = String.raw`(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?`;
var ZONE = String.raw`\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2}|(?:UTC|GMT)\s*[+-]\d{1,2}(?::?\d{2})?)?`;
var ISO = new RegExp(String.raw`^(\d{4})[-/](\d{1,2})[-/](\d{1,2})${TIME}${ZONE}$`, "i");
var SLASHED = new RegExp(String.raw`^(\d{1,2})([/-])(\d{1,2})\2(\d{4}|\d{2})${TIME}${ZONE}$`, "i");
var DOTTED = new RegExp(String.raw`^(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})${TIME}${ZONE}$`, "i");
var COMPACT = /^(\d{4})(\d{2})(\d{2})(?:[ T]?(\d{2})(\d{2})(\d{2})?)?$/;
var DAY_MON_YEAR = new RegExp(String.raw`^(\d{1,2})[ -]([A-Za-z]{3,9})\.?[ ,-]*(\d{4}|\d{2})${TIME}${ZONE}$`, "i");
var MON_DAY_YEAR = new RegExp(String.raw`^([A-Za-z]{3,9})\.? (\d{1,2}),? (\d{4})${TIME}${ZONE}$`, "i");
var SERIAL = /^\d{5}(?:\.\d+)?$/;
var MIN_YEAR = 1970;
var MAX_YEAR = 2199;
function year4(text) {
  const y = Number(text);
  return text.length === 2 ? 2e3 + y : y;
}
function zoneOf(text) {
  if (!text) return void 0;
  const t = text.toUpperCase().replace(/\s+/g, "");
  if (t === "Z" || t === "UTC" || t === "GMT") return "UTC";
  const m = /^(?:UTC|GMT)?([+-])(\d{1,2}):?(\d{2})?$/.exec(t);
  if (!m) return void 0;
  const hours = Number(m[2]);
  const minutes2 = Number(m[3] ?? "0");
  return `UTC${m[1]}${hours}${minutes2 ? ":" + String(minutes2).padStart(2, "0") : ""}`;
}
function build(y, mo, d, h, mi, s, zone) {
  const wall = { year: y, month: mo, day: d, hour: Number(h ?? 0), minute: Number(mi ?? 0), second: Number(s ?? 0) };
  const z2 = zoneOf(zone);
  if (z2) wall.zone = z2;
  return checkWall(wall);
}
function checkWall(wall) {
  if (wall.year < MIN_YEAR || wall.year > MAX_YEAR) return { kind: "error", reason: `year ${wall.year} is out of range` };
  if (wall.month < 1 || wall.month > 12) return { kind: "error", reason: `month ${wall.month} does not exist` };
  const probe = DateTime.utc(wall.year, wall.month, wall.day);
  if (!probe.isValid || probe.day !== wall.day) return { kind: "error", reason: `day ${wall.day} does not exist in ${wall.year}-${String(wall.month).padStart(2, "0")}` };
  const endOfDay = wall.hour === 24 && wall.minute === 0 && wall.second === 0;
  if (wall.hour > 23 && !endOfDay || wall.minute > 59 || wall.second > 59) return { kind: "error", reason: "time of day out of range" };
  return { kind: "ok", wall };
}
function excelSerialToWall(serial) {
  if (!Number.isFinite(serial) || serial < 1) return { kind: "error", reason: "not a date serial" };
  const days = Math.floor(serial);
  if (days === 60) return { kind: "error", reason: "Excel serial 60 is 1900-02-29, a day that does not exist" };
  const base = days < 60 ? DateTime.utc(1899, 12, 31) : DateTime.utc(1899, 12, 30);
  const seconds = Math.floor((serial - days) * 86400 + 0.5);
  const dt = base.plus({ days, seconds });
  return checkWall({ year: dt.year, month: dt.month, day: dt.day, hour: dt.hour, minute: dt.minute, second: dt.second });
}
function parseDateText(input, order) {
  const text = input.trim();
  if (text === "") return { kind: "error", reason: "empty date" };
  let m = ISO.exec(text);
  if (m) return build(Number(m[1]), Number(m[2]), Number(m[3]), m[4], m[5], m[6], m[7]);
  m = SLASHED.exec(text);
  if (m) {
    const a = Number(m[1]);
    const b = Number(m[3]);
    const y = year4(m[4]);
    let dmy;
    if (order) dmy = order === "DMY";
    else if (a > 12 && b <= 12) dmy = true;
    else if (b > 12 && a <= 12) dmy = false;
    else if (a === b) dmy = true;
    else if (a > 12 && b > 12) return { kind: "error", reason: "neither part can be a month" };
    else return { kind: "ambiguous", first: a, second: b };
    const parsed = dmy ? build(y, b, a, m[5], m[6], m[7], m[8]) : build(y, a, b, m[5], m[6], m[7], m[8]);
    if (parsed.kind === "ok" && !order && a !== b) parsed.order = dmy ? "DMY" : "MDY";
    return parsed;
  }
  m = DOTTED.exec(text);
  if (m) return build(year4(m[3]), Number(m[2]), Number(m[1]), m[4], m[5], m[6], m[7]);
  m = COMPACT.exec(text);
  if (m) return build(Number(m[1]), Number(m[2]), Number(m[3]), m[4], m[5], m[6]);
  m = DAY_MON_YEAR.exec(text);
  if (m) {
    const month = MONTHS[m[2].toLowerCase()];
    if (!month) return { kind: "error", reason: `unknown month "${m[2]}"` };
    return build(year4(m[3]), month, Number(m[1]), m[4], m[5], m[6], m[7]);
  }
  m = MON_DAY_YEAR.exec(text);
  if (m) {
    const month = MONTHS[m[1].toLowerCase()];
    if (!month) return { kind: "error", reason: `unknown month "${m[1]}"` };
    return build(Number(m[3]), month, Number(m[2]), m[4], m[5], m[6], m[7]);
  }
  if (SERIAL.test(text)) return excelSerialToWall(Number(text));
  return { kind: "error", reason: "not a date in any known format" };
}
function parseDateCell(value, order) {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return { kind: "error", reason: "invalid date cell" };
    return checkWall({
      year: value.getUTCFullYear(),
      month: value.getUTCMonth() + 1,
      day: value.getUTCDate(),
      hour: value.getUTCHours(),
      minute: value.getUTCMinutes(),
      second: value.getUTCSeconds()
    });
  }
  if (typeof value === "number") return excelSerialToWall(value);
  return parseDateText(value, order);
}
function isValidZone(zone) {
  return IANAZone.isValidZone(zone) || zone === "UTC" || /^UTC[+-]\d{1,2}(:\d{2})?$/.test(zone);
}
function wallToInstant(wall, defaultZone) {
  const zone = wall.zone ?? defaultZone;
  const dt = DateTime.fromObject(
    { year: wall.year, month: wall.month, day: wall.day, hour: wall.hour, minute: wall.minute, second: wall.second },
    { zone }
  );
  if (!dt.isValid) throw new Error(`invalid wall time in zone ${zone}: ${dt.invalidExplanation ?? ""}`);
  return dt.toMillis();
}
function isoInstant(ms2) {
  return new Date(ms2).toISOString().replace(".000Z", "Z");
}
function parseInstant(text, zone, order) {
  const p = parseDateText(text, order);
  if (p.kind === "ambiguous") return { ok: false, reason: `ambiguous date ${text}: day and month could be either way; write YYYY-MM-DD` };
  if (p.kind === "error") return { ok: false, reason: p.reason };
  return { ok: true, ms: wallToInstant(p.wall, zone) };
}

// core/db/carriers-repo.ts
function toCarrier(r) {
  return {
    id: r.id,
    name: r.name,
    roles: r.roles,
    currency: r.currency,
    timezone: r.timezone,
    notice: {
      increaseDays: r.notice_increase_days,
      newDays: r.notice_new_days,
      decreaseDays: r.notice_decrease_days,
      closedDays: r.notice_closed_days
    },
    rounding: { level: r.rounding_level, decimals: r.rounding_decimals, mode: r.rounding_mode },
    techPrefixes: JSON.parse(r.tech_prefixes),
    trunks: JSON.parse(r.trunks),
    lcrPreference: r.lcr_preference,
    disputeThreshold: { absolute: r.dispute_threshold_absolute, percent: r.dispute_threshold_percent },
    paymentTermsDays: r.payment_terms_days,
    settingsVersion: r.settings_version,
    createdAt: isoInstant(r.created_at_ms),
    updatedAt: isoInstant(r.updated_at_ms)
  };
}
function settingsParams(s) {
  return {
    roles: s.roles,
    currency: s.currency,
    timezone: s.timezone,
    notice_increase_days: s.notice.increaseDays,
    notice_new_days: s.notice.newDays,
    notice_decrease_days: s.notice.decreaseDays,
    notice_closed_days: s.notice.closedDays,
    rounding_level: s.rounding.level,
    rounding_decimals: s.rounding.decimals,
    rounding_mode: s.rounding.mode,
    tech_prefixes: JSON.stringify(s.techPrefixes),
    trunks: JSON.stringify(s.trunks),
    lcr_preference: s.lcrPreference,
    dispute_threshold_absolute: s.disputeThreshold.absolute,
    dispute_threshold_percent: s.disputeThreshold.percent,
    payment_terms_days: s.paymentTermsDays
  };
}
function settingsOf(c) {
  return {
    roles: c.roles,
    currency: c.currency,
    timezone: c.timezone,
    notice: c.notice,
    rounding: c.rounding,
    techPrefixes: c.techPrefixes,
    trunks: c.trunks,
    lcrPreference: c.lcrPreference,
    disputeThreshold: c.disputeThreshold,
    paymentTermsDays: c.paymentTermsDays
  };
}
var CarriersRepo = class {
  constructor(db2) {
    this.db = db2;
  }
  db;
  byName(name2) {
    const r = this.db.prepare("SELECT * FROM carriers WHERE name = ?").get(name2);
    return r && toCarrier(r);
  }
  byId(id) {
    const r = this.db.prepare("SELECT * FROM carriers WHERE id = ?").get(id);
    return r && toCarrier(r);
  }
  list() {
    return this.db.prepare("SELECT * FROM carriers ORDER BY name COLLATE NOCASE, id").all().map(toCarrier);
  }
  insert(name2, s, nowMs, actor) {
    const run = this.db.transaction(() => {
      const info = this.db.prepare(
        `INSERT INTO carriers (name, roles, currency, timezone, notice_increase_days, notice_new_days, notice_decrease_days,
             notice_closed_days, rounding_level, rounding_decimals, rounding_mode, tech_prefixes, trunks, lcr_preference,
             dispute_threshold_absolute, dispute_threshold_percent, payment_terms_days, settings_version, created_at_ms, updated_at_ms)
           VALUES (@name, @roles, @currency, @timezone, @notice_increase_days, @notice_new_days, @notice_decrease_days,
             @notice_closed_days, @rounding_level, @rounding_decimals, @rounding_mode, @tech_prefixes, @trunks, @lcr_preference,
             @dispute_threshold_absolute, @dispute_threshold_percent, @payment_terms_days, 1, @now, @now)`
      ).run({ name: name2, now: nowMs, ...settingsParams(s) });
      const id = Number(info.lastInsertRowid);
      this.recordVersion(id, 1, name2, s, nowMs, actor, "created");
      return id;
    });
    return this.byId(run.immediate());
  }
  /** Writes new settings as a new version; the old version stays in the history, and results computed under it keep naming it. */
  update(current, name2, s, nowMs, actor, note) {
    const version = current.settingsVersion + 1;
    const run = this.db.transaction(() => {
      this.db.prepare(
        `UPDATE carriers SET name = @name, roles = @roles, currency = @currency, timezone = @timezone,
             notice_increase_days = @notice_increase_days, notice_new_days = @notice_new_days,
             notice_decrease_days = @notice_decrease_days, notice_closed_days = @notice_closed_days,
             rounding_level = @rounding_level, rounding_decimals = @rounding_decimals, rounding_mode = @rounding_mode,
             tech_prefixes = @tech_prefixes, trunks = @trunks, lcr_preference = @lcr_preference,
             dispute_threshold_absolute = @dispute_threshold_absolute, dispute_threshold_percent = @dispute_threshold_percent,
             payment_terms_days = @payment_terms_days, settings_version = @version, updated_at_ms = @now
           WHERE id = @id`
      ).run({ id: current.id, name: name2, version, now: nowMs, ...settingsParams(s) });
      this.recordVersion(current.id, version, name2, s, nowMs, actor, note ?? null);
    });
    run.immediate();
    return this.byId(current.id);
  }
  recordVersion(id, version, name2, s, nowMs, actor, note) {
    this.db.prepare(
      `INSERT INTO carrier_settings_history (carrier_id, version, name, settings_json, changed_at_ms, changed_by, note)
         VALUES (?, ?, ?, ?, ?, ?, ?)`
    ).run(id, version, name2, JSON.stringify(s), nowMs, actor, note);
  }
  history(id) {
    const rows = this.db.prepare("SELECT version, name, settings_json, changed_at_ms, changed_by, note FROM carrier_settings_history WHERE carrier_id = ? ORDER BY version").all(id);
    return rows.map((r) => ({
      version: r.version,
      name: r.name,
      settings: JSON.parse(r.settings_json),
      changedAt: isoInstant(r.changed_at_ms),
      changedBy: r.changed_by,
      note: r.note
    }));
  }
};

// core/carriers/handlers.ts
function requireCarrier(ctx, name2) {
  const c = ctx.carriers.byName(name2);
  if (!c) {
    const known = ctx.carriers.list().map((k) => k.name);
    throw new TrunklineError("CARRIER_NOT_FOUND", `no carrier named "${name2}"${known.length ? ` (carriers: ${known.join(", ")})` : ""}`, { name: name2 });
  }
  return c;
}
function createCarrier(ctx, args) {
  if (ctx.carriers.byName(args.name)) throw new TrunklineError("CARRIER_EXISTS", `a carrier named "${args.name}" exists already`, { name: args.name });
  const s = args.settings ?? {};
  const settings = {
    ...DEFAULT_CARRIER_SETTINGS,
    ...s,
    notice: { ...DEFAULT_CARRIER_SETTINGS.notice, ...s.notice },
    rounding: { ...DEFAULT_CARRIER_SETTINGS.rounding, ...s.rounding },
    disputeThreshold: { ...DEFAULT_CARRIER_SETTINGS.disputeThreshold, ...s.disputeThreshold }
  };
  return ctx.carriers.insert(args.name, settings, ctx.clock(), ctx.actor);
}
function updateCarrier(ctx, args) {
  const current = requireCarrier(ctx, args.name);
  if (args.rename && args.rename.toLowerCase() !== current.name.toLowerCase() && ctx.carriers.byName(args.rename)) {
    throw new TrunklineError("CARRIER_EXISTS", `a carrier named "${args.rename}" exists already`, { name: args.rename });
  }
  const old = settingsOf(current);
  const s = args.settings;
  const next = {
    ...old,
    ...s,
    notice: { ...old.notice, ...s.notice },
    rounding: { ...old.rounding, ...s.rounding },
    disputeThreshold: { ...old.disputeThreshold, ...s.disputeThreshold }
  };
  return ctx.carriers.update(current, args.rename ?? current.name, next, ctx.clock(), ctx.actor, args.note);
}

// core/db/cdrs-repo.ts
var SOURCE_CODE = { own: 0, carrier: 1 };
var STATUS_RATED = 0;
var STATUS_FREE = 1;
var STATUS_UNRATED = 2;
var REASON_NO_RATE = 1;
var REASON_CLOSED = 2;
var REASON_BLOCKED = 3;
var REASON_INVALID_NUMBER = 4;
var CdrsRepo = class {
  constructor(db2) {
    this.db = db2;
  }
  db;
  startImport(i) {
    return Number(this.db.prepare(
      `INSERT INTO cdr_imports (carrier_id, source, format, file_name, file_sha256, file_bytes, timezone, rows_read, rows_imported,
         rows_duplicate, rows_rejected, mapping_json, report_json, imported_at_ms, imported_by)
       VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0, 0, 0, ?, '{}', ?, ?)`
    ).run(i.carrierId, i.source, i.format, i.fileName, i.sha256, i.bytes, i.timezone, i.mappingJson, i.importedAt, i.importedBy).lastInsertRowid);
  }
  finishImport(id, f) {
    this.db.prepare(
      `UPDATE cdr_imports SET file_sha256 = ?, rows_read = ?, rows_imported = ?, rows_duplicate = ?, rows_rejected = ?, rejects_file = ?,
         first_start_ms = ?, last_start_ms = ?, report_json = ? WHERE id = ?`
    ).run(f.sha256, f.rowsRead, f.imported, f.duplicates, f.rejected, f.rejectsFile, f.firstStart, f.lastStart, f.reportJson, id);
  }
  /**
   * A prepared insert for one import, with the call's rating on each given side beside it.
   * INSERT OR IGNORE on the dedupe index: a call already stored adds nothing, and says so.
   */
  inserter(carrierId2, source, importId, sides, legs) {
    const cols = sides.map((s) => `, ${s}_status, ${s}_reason, ${s}_rate_id, ${s}_billed_s, ${s}_amount_e8, ${s}_exact_x60`).join("");
    const marks = sides.map(() => ", ?, ?, ?, ?, ?, ?").join("");
    const stmt = this.db.prepare(
      `INSERT OR IGNORE INTO cdrs (carrier_id, source, import_id, start_ms, dedupe_key, call_id, calling, called, duration_ms, answered,
         ingress, egress, carrier_charge_e8, customer_id, vendor_id${cols}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?${marks})`
    );
    const { customerId, vendorId } = legs;
    const src = SOURCE_CODE[source];
    const base = (c) => [
      carrierId2,
      src,
      importId,
      c.startMs,
      c.dedupeKey,
      c.callId,
      c.calling,
      c.called,
      c.durationMs,
      c.answered ? 1 : 0,
      c.ingress,
      c.egress,
      c.carrierChargeE8,
      customerId,
      vendorId
    ];
    if (sides.length === 0) return (c) => stmt.run(...base(c)).changes > 0;
    if (sides.length === 1) {
      return (c, r) => {
        const a = r[0];
        return stmt.run(
          carrierId2,
          src,
          importId,
          c.startMs,
          c.dedupeKey,
          c.callId,
          c.calling,
          c.called,
          c.durationMs,
          c.answered ? 1 : 0,
          c.ingress,
          c.egress,
          c.carrierChargeE8,
          customerId,
          vendorId,
          a.status,
          a.reason,
          a.rateId,
          a.billedS,
          a.amountE8,
          a.exactX60
        ).changes > 0;
      };
    }
    return (c, r) => stmt.run(...base(c), ...r.flatMap((a) => [a.status, a.reason, a.rateId, a.billedS, a.amountE8, a.exactX60])).changes > 0;
  }
  list(carrierId2) {
    const rows = this.db.prepare(
      `SELECT i.*, c.name AS carrier FROM cdr_imports i JOIN carriers c ON c.id = i.carrier_id
       WHERE (@carrier IS NULL OR i.carrier_id = @carrier) ORDER BY i.imported_at_ms DESC, i.id DESC`
    ).all({ carrier: carrierId2 ?? null });
    return rows.map((r) => ({
      id: r.id,
      carrier: r.carrier,
      source: r.source,
      format: r.format,
      fileName: r.file_name,
      sha256: r.file_sha256,
      bytes: r.file_bytes,
      rowsRead: r.rows_read,
      imported: r.rows_imported,
      duplicates: r.rows_duplicate,
      rejected: r.rows_rejected,
      firstStart: r.first_start_ms === null ? null : isoInstant(r.first_start_ms),
      lastStart: r.last_start_ms === null ? null : isoInstant(r.last_start_ms),
      importedAt: isoInstant(r.imported_at_ms),
      importedBy: r.imported_by
    }));
  }
};

// core/db/decks-repo.ts
var DecksRepo = class {
  constructor(db2) {
    this.db = db2;
  }
  db;
  insertImport(i) {
    const info = this.db.prepare(
      `INSERT INTO deck_imports (carrier_id, side, mode, file_name, file_sha256, file_bytes, sheets_json, rows_read, prefixes,
           count_new, count_increase, count_decrease, count_unchanged, count_closed, count_blocked, count_revised, notice_violations,
           currency, received_at_ms, effective_at_ms, closures_at_ms, carrier_settings_version, mapping_json, report_json,
           imported_at_ms, imported_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
    ).run(
      i.carrierId,
      i.side,
      i.mode,
      i.fileName,
      i.sha256,
      i.bytes,
      i.sheetsJson,
      i.rowsRead,
      i.prefixes,
      i.counts.new,
      i.counts.increase,
      i.counts.decrease,
      i.counts.unchanged,
      i.counts.closed,
      i.counts.blocked,
      i.revised,
      i.noticeViolations,
      i.currency,
      i.receivedAt,
      i.effectiveAt,
      i.closuresAt,
      i.settingsVersion,
      i.mappingJson,
      i.reportJson,
      i.importedAt,
      i.importedBy
    );
    return Number(info.lastInsertRowid);
  }
  list(carrierId2, side) {
    const rows = this.db.prepare(
      `SELECT d.*, c.name AS carrier FROM deck_imports d JOIN carriers c ON c.id = d.carrier_id
         WHERE (@carrier IS NULL OR d.carrier_id = @carrier) AND (@side IS NULL OR d.side = @side)
         ORDER BY d.imported_at_ms DESC, d.id DESC`
    ).all({ carrier: carrierId2 ?? null, side: side ?? null });
    return rows.map((r) => ({
      id: r.id,
      carrier: r.carrier,
      side: r.side,
      mode: r.mode,
      fileName: r.file_name,
      sha256: r.file_sha256,
      bytes: r.file_bytes,
      rowsRead: r.rows_read,
      prefixes: r.prefixes,
      counts: { new: r.count_new, increase: r.count_increase, decrease: r.count_decrease, unchanged: r.count_unchanged, closed: r.count_closed, blocked: r.count_blocked },
      noticeViolations: r.notice_violations,
      currency: r.currency,
      receivedAt: isoInstant(r.received_at_ms),
      effectiveAt: r.effective_at_ms === null ? null : isoInstant(r.effective_at_ms),
      importedAt: isoInstant(r.imported_at_ms),
      importedBy: r.imported_by
    }));
  }
  hasImports(carrierId2, side) {
    return this.db.prepare("SELECT 1 FROM deck_imports WHERE carrier_id = ? AND side = ? LIMIT 1").get(carrierId2, side) !== void 0;
  }
  template(carrierId2, side) {
    const r = this.db.prepare("SELECT mapping_json, date_order FROM deck_templates WHERE carrier_id = ? AND side = ?").get(carrierId2, side);
    return r && { mapping: JSON.parse(r.mapping_json), dateOrder: r.date_order };
  }
  saveTemplate(carrierId2, side, t, nowMs) {
    this.db.prepare(
      `INSERT INTO deck_templates (carrier_id, side, mapping_json, date_order, updated_at_ms) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (carrier_id, side) DO UPDATE SET mapping_json = excluded.mapping_json, date_order = excluded.date_order,
           updated_at_ms = excluded.updated_at_ms`
    ).run(carrierId2, side, JSON.stringify(t.mapping), t.dateOrder, nowMs);
  }
};

// core/db/meta-repo.ts
var MetaRepo = class {
  constructor(db2) {
    this.db = db2;
  }
  db;
  get(key) {
    return this.db.prepare("SELECT value FROM meta WHERE key = ?").pluck().get(key);
  }
  set(key, value) {
    this.db.prepare("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(key, value);
  }
};

// core/db/like.ts
var LIKE_ESCAPE = "ESCAPE '\\'";
function containsPattern(text) {
  return `%${text.replace(/[\\%_]/g, (m) => "\\" + m)}%`;
}

// core/db/rates-repo.ts
var T1 = 2 ** 36;
var T2 = 2 ** 24;
var T3 = 2 ** 12;
var KINDS = ["rate", "closed", "blocked"];
function packTerms(first, next, min, grace) {
  return first * T1 + next * T2 + min * T3 + grace;
}
function unpackTerms(terms) {
  const grace = terms % T3;
  const min = (terms - grace) / T3 % T3;
  const next = (terms - grace - min * T3) / T2 % T3;
  const first = (terms - grace - min * T3 - next * T2) / T1;
  return { first, next, min, grace };
}
var IN_FORCE_COLUMNS = `id, prefix, destination, kind, rate_per_min_e8, currency, effective_from_ms, effective_to_ms,
  first_increment_s, next_increment_s, min_duration_s, grace_s, connection_fee_e8, import_id`;
function inForce(r) {
  return {
    id: r[0],
    prefix: r[1],
    destination: r[2],
    kind: r[3],
    rateE8: r[4],
    currency: r[5],
    from: r[6],
    to: r[7],
    first: r[8],
    next: r[9],
    min: r[10],
    grace: r[11],
    feeE8: r[12],
    importId: r[13]
  };
}
var GRID_COLUMNS = `r.id, c.name AS carrier, r.side, r.prefix, r.destination, r.kind, r.rate_per_min_e8 AS rateE8, r.currency,
  r.effective_from_ms AS "from", r.effective_to_ms AS "to", r.first_increment_s AS first, r.next_increment_s AS next,
  r.min_duration_s AS min, r.grace_s AS grace, r.connection_fee_e8 AS feeE8, r.change_class AS changeClass,
  r.notice_violation AS noticeViolation, r.notice_until_ms AS noticeUntil, r.import_id AS importId`;
var SORT_SQL = {
  carrier: "c.name COLLATE NOCASE",
  side: "r.side",
  prefix: "r.prefix",
  destination: "r.destination COLLATE NOCASE",
  rate: "r.rate_per_min_e8",
  effectiveFrom: "r.effective_from_ms",
  effectiveTo: "r.effective_to_ms",
  changeClass: "r.change_class"
};
var RatesRepo = class {
  constructor(db2) {
    this.db = db2;
  }
  db;
  /**
   * The current (not superseded) versions of a carrier's deck still in force at or after `sinceMs`
   * (versions that ended before cannot be touched), streamed in (prefix, effective) order.
   */
  *currentVersions(carrierId2, side, sinceMs = Number.MIN_SAFE_INTEGER) {
    const stmt = this.db.prepare(
      `SELECT id, prefix, effective_from_ms, rate_per_min_e8, connection_fee_e8,
           (first_increment_s * ${T1} + next_increment_s * ${T2} + min_duration_s * ${T3} + grace_s) * 4
             + CASE kind WHEN 'rate' THEN 0 WHEN 'closed' THEN 1 ELSE 2 END
         FROM rates WHERE carrier_id = ? AND side = ? AND superseded_by_import_id IS NULL
           AND (effective_to_ms IS NULL OR effective_to_ms > ?)
         ORDER BY prefix, effective_from_ms`
    ).raw();
    for (const r of stmt.iterate(carrierId2, side, sinceMs)) {
      const kind = r[5] % 4;
      yield { id: r[0], prefix: r[1], from: r[2], rateE8: r[3], feeE8: r[4], kind: KINDS[kind], terms: (r[5] - kind) / 4 };
    }
  }
  destinationOf(id) {
    return this.db.prepare("SELECT destination FROM rates WHERE id = ?").pluck().get(id) ?? "";
  }
  insertVersions(carrierId2, side, importId, currency, rows) {
    const stmt = this.db.prepare(
      `INSERT INTO rates (carrier_id, side, prefix, effective_from_ms, effective_to_ms, kind, destination, rate_per_min_e8, currency,
         first_increment_s, next_increment_s, min_duration_s, grace_s, connection_fee_e8, change_class, deck_change,
         notice_until_ms, notice_violation, import_id, source_sheet, source_row)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
    );
    for (const r of rows) {
      stmt.run(
        carrierId2,
        side,
        r.prefix,
        r.from,
        r.to,
        r.kind,
        r.destination,
        r.rateE8,
        currency,
        r.first,
        r.next,
        r.min,
        r.grace,
        r.feeE8,
        r.changeClass,
        r.deckSays,
        r.noticeUntil,
        r.noticeViolation ? 1 : 0,
        importId,
        r.sheet || null,
        r.row
      );
    }
  }
  supersede(ids, importId) {
    const stmt = this.db.prepare("UPDATE rates SET superseded_by_import_id = ? WHERE id = ? AND superseded_by_import_id IS NULL");
    for (const id of ids) stmt.run(importId, id);
  }
  setEffectiveTo(updates) {
    const stmt = this.db.prepare("UPDATE rates SET effective_to_ms = ? WHERE id = ?");
    for (const u of updates) stmt.run(u.to, u.id);
  }
  /** The versions in force at an instant (closed and blocked ones too: they shadow shorter prefixes). */
  *inForceAt(carrierId2, side, atMs) {
    const stmt = this.db.prepare(
      `SELECT ${IN_FORCE_COLUMNS} FROM rates
         WHERE carrier_id = ? AND side = ? AND superseded_by_import_id IS NULL
           AND effective_from_ms <= ? AND (effective_to_ms IS NULL OR effective_to_ms > ?)
         ORDER BY prefix`
    ).raw();
    for (const r of stmt.iterate(carrierId2, side, atMs, atMs)) yield inForce(r);
  }
  /** The longest of the given prefixes with a version in force at the instant. */
  longestInForce(carrierId2, side, prefixes, atMs) {
    if (prefixes.length === 0) return void 0;
    const marks = prefixes.map(() => "?").join(", ");
    const r = this.db.prepare(
      `SELECT ${IN_FORCE_COLUMNS} FROM rates
         WHERE carrier_id = ? AND side = ? AND superseded_by_import_id IS NULL AND prefix IN (${marks})
           AND effective_from_ms <= ? AND (effective_to_ms IS NULL OR effective_to_ms > ?)
         ORDER BY length(prefix) DESC LIMIT 1`
    ).raw().get(carrierId2, side, ...prefixes, atMs, atMs);
    return r && inForce(r);
  }
  /** One page of versions, filtered and sorted in SQLite; every order ends on a full tie-breaker. */
  page(q) {
    const where2 = ["r.superseded_by_import_id IS NULL"];
    const params = { limit: q.limit, offset: q.offset };
    if (q.carrierId !== void 0) {
      where2.push("r.carrier_id = @carrier");
      params.carrier = q.carrierId;
    }
    if (q.side) {
      where2.push("r.side = @side");
      params.side = q.side;
    }
    if (q.at !== void 0) {
      where2.push("r.effective_from_ms <= @at AND (r.effective_to_ms IS NULL OR r.effective_to_ms > @at) AND r.kind <> 'closed'");
      params.at = q.at;
    }
    if (q.prefix) {
      where2.push("r.prefix >= @prefixFrom AND r.prefix < @prefixTo");
      params.prefixFrom = q.prefix;
      params.prefixTo = q.prefix + ":";
    }
    if (q.destination) {
      where2.push(`r.destination LIKE @destination ${LIKE_ESCAPE}`);
      params.destination = containsPattern(q.destination);
    }
    const tail = q.carrierId !== void 0 ? ["r.side", "r.prefix", "r.effective_from_ms", "r.id"] : ["r.prefix", "r.effective_from_ms", "r.id"];
    const order = [...q.sort.map((s) => `${SORT_SQL[s.colId]} ${s.sort === "desc" ? "DESC" : "ASC"}`), ...tail];
    return this.db.prepare(`SELECT ${GRID_COLUMNS} FROM rates r JOIN carriers c ON c.id = r.carrier_id WHERE ${where2.join(" AND ")}
        ORDER BY ${order.join(", ")} LIMIT @limit OFFSET @offset`).all(params);
  }
  history(carrierId2, side, prefix) {
    return this.db.prepare(`SELECT ${GRID_COLUMNS}, r.deck_change AS deckChange, d.file_name AS fileName, d.imported_at_ms AS importedAt,
          r.superseded_by_import_id AS supersededBy
        FROM rates r JOIN carriers c ON c.id = r.carrier_id JOIN deck_imports d ON d.id = r.import_id
        WHERE r.carrier_id = ? AND r.side = ? AND r.prefix = ?
        ORDER BY r.effective_from_ms, r.id`).all(carrierId2, side, prefix);
  }
};

// core/db/settlement-repo.ts
var INVOICE_COLS = `id, number, kind, carrier_id AS carrierId, period, period_from_ms AS periodFromMs, period_to_ms AS periodToMs, currency,
  corrects_id AS correctsId, calls, billed_s AS billedS, total_e8 AS totalE8, issued_on AS issuedOn, due_on AS dueOn,
  issued_at_ms AS issuedAtMs, issued_by AS issuedBy`;
function invoiceRow(r) {
  return {
    ...r,
    id: Number(r.id),
    carrierId: Number(r.carrierId),
    periodFromMs: Number(r.periodFromMs),
    periodToMs: Number(r.periodToMs),
    correctsId: r.correctsId === null ? null : Number(r.correctsId),
    calls: Number(r.calls),
    billedS: Number(r.billedS),
    totalE8: BigInt(r.totalE8),
    issuedAtMs: Number(r.issuedAtMs)
  };
}
var SettlementRepo = class {
  constructor(db2) {
    this.db = db2;
  }
  db;
  invoices(filter) {
    const where2 = [];
    if (filter.carrierId !== void 0) where2.push("carrier_id = @carrierId");
    if (filter.period !== void 0) where2.push("period = @period");
    if (filter.number !== void 0) where2.push("number = @number");
    return this.db.prepare(`SELECT ${INVOICE_COLS} FROM customer_invoices ${where2.length ? `WHERE ${where2.join(" AND ")}` : ""} ORDER BY year, seq`).safeIntegers(true).all(filter).map(invoiceRow);
  }
  lines(invoiceIds) {
    if (invoiceIds.length === 0) return [];
    return this.db.prepare(`SELECT invoice_id AS invoiceId, line_no AS lineNo, destination, prefix, rate_e8 AS rateE8, calls, billed_s AS billedS,
        amount_e8 AS amountE8 FROM customer_invoice_lines WHERE invoice_id IN (${invoiceIds.map(() => "?").join(",")}) ORDER BY invoice_id, line_no`).safeIntegers(true).all(...invoiceIds).map((r) => ({
      invoiceId: Number(r.invoiceId),
      lineNo: Number(r.lineNo),
      destination: r.destination,
      prefix: r.prefix,
      rateE8: r.rateE8,
      calls: Number(r.calls),
      billedS: Number(r.billedS),
      amountE8: r.amountE8
    }));
  }
  /** The next number of the gapless sequence for a year: call inside the transaction that inserts it. */
  nextSeq(year) {
    return this.db.prepare("SELECT coalesce(max(seq), 0) + 1 FROM customer_invoices WHERE year = ?").pluck().get(year);
  }
  insertInvoice(r, lines) {
    const id = Number(this.db.prepare(`INSERT INTO customer_invoices (number, year, seq, kind, carrier_id, period, period_from_ms, period_to_ms, currency,
        corrects_id, calls, billed_s, total_e8, issued_on, due_on, rounding_json, carrier_settings_version, issued_at_ms, issued_by)
      VALUES (@number, @year, @seq, @kind, @carrierId, @period, @periodFromMs, @periodToMs, @currency, @correctsId, @calls, @billedS, @totalE8,
        @issuedOn, @dueOn, @roundingJson, @settingsVersion, @issuedAtMs, @issuedBy)`).run(r).lastInsertRowid);
    const ins = this.db.prepare(`INSERT INTO customer_invoice_lines (invoice_id, line_no, destination, prefix, rate_e8, calls, billed_s, amount_e8)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
    for (const l of lines) ins.run(id, l.lineNo, l.destination, l.prefix, l.rateE8, l.calls, l.billedS, l.amountE8);
    return id;
  }
  payments(filter) {
    const where2 = [];
    if (filter.carrierId !== void 0) where2.push("carrier_id = @carrierId");
    if (filter.fromDay !== void 0) where2.push("paid_on >= @fromDay");
    if (filter.toDay !== void 0) where2.push("paid_on <= @toDay");
    return this.db.prepare(`SELECT id, carrier_id AS carrierId, direction, paid_on AS paidOn, amount_e8 AS amountE8, currency, reference,
        recorded_at_ms AS recordedAtMs, recorded_by AS recordedBy FROM payments ${where2.length ? `WHERE ${where2.join(" AND ")}` : ""} ORDER BY paid_on, id`).safeIntegers(true).all(filter).map((r) => ({
      ...r,
      id: Number(r.id),
      carrierId: Number(r.carrierId),
      amountE8: r.amountE8,
      recordedAtMs: Number(r.recordedAtMs)
    }));
  }
  insertPayment(p) {
    return Number(this.db.prepare(`INSERT INTO payments (carrier_id, direction, paid_on, amount_e8, currency, reference, recorded_at_ms, recorded_by)
      VALUES (@carrierId, @direction, @paidOn, @amountE8, @currency, @reference, @recordedAtMs, @recordedBy)`).run(p).lastInsertRowid);
  }
  fxRates(filter) {
    const where2 = [];
    if (filter.from !== void 0) where2.push("from_currency = @from");
    if (filter.to !== void 0) where2.push("to_currency = @to");
    return this.db.prepare(`SELECT id, from_currency AS "from", to_currency AS "to", rate_on AS rateOn, rate, recorded_at_ms AS recordedAtMs,
        recorded_by AS recordedBy FROM fx_rates ${where2.length ? `WHERE ${where2.join(" AND ")}` : ""} ORDER BY from_currency, to_currency, rate_on, id`).all(filter);
  }
  /** The rate of a pair in force on a day: the latest rate_on on or before it, the latest recorded of that day. */
  fxOn(from, to, day) {
    return this.db.prepare(`SELECT id, from_currency AS "from", to_currency AS "to", rate_on AS rateOn, rate, recorded_at_ms AS recordedAtMs,
        recorded_by AS recordedBy FROM fx_rates WHERE from_currency = ? AND to_currency = ? AND rate_on <= ? ORDER BY rate_on DESC, id DESC LIMIT 1`).get(from, to, day);
  }
  insertFx(r) {
    return Number(this.db.prepare(`INSERT INTO fx_rates (from_currency, to_currency, rate_on, rate, recorded_at_ms, recorded_by)
      VALUES (@from, @to, @rateOn, @rate, @recordedAtMs, @recordedBy)`).run(r).lastInsertRowid);
  }
};

// core/context.ts
function repositories(db2) {
  return { carriers: new CarriersRepo(db2), decks: new DecksRepo(db2), rates: new RatesRepo(db2), meta: new MetaRepo(db2), cdrs: new CdrsRepo(db2), settlement: new SettlementRepo(db2) };
}

// core/decks/import-deck.ts
import { basename } from "node:path";

// core/util/hash-file.ts
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
async function hashFile(path) {
  const { size } = await stat(path);
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk);
  return { sha256: hash.digest("hex"), bytes: size };
}

// core/decks/parse-terms.ts
var MAX_INCREMENT_S = 3600;
function parseIncrement(text) {
  const t = text.trim().toLowerCase().replace(/\s*(sec|secs|seconds|s)\b/g, "");
  const m = /^(\d+)\s*(?:[/+\-:x]\s*(\d+))?$/.exec(t);
  if (!m) return { error: `"${text.trim()}" is not a billing increment (write a/b, e.g. 60/60)` };
  const first = Number(m[1]);
  const next = Number(m[2] ?? m[1]);
  if (first < 1 || next < 1) return { error: `billing increment "${text.trim()}" must be at least 1 second` };
  if (first > MAX_INCREMENT_S || next > MAX_INCREMENT_S) return { error: `billing increment "${text.trim()}" is longer than an hour` };
  return { first, next };
}
function parseSeconds(text, what) {
  const t = text.trim().toLowerCase().replace(/\s*(sec|secs|seconds|s)$/, "");
  if (!/^\d+(?:\.0+)?$/.test(t)) return { error: `${what} "${text.trim()}" is not a whole number of seconds` };
  const n = Number(t.replace(/\.0+$/, ""));
  if (n > MAX_INCREMENT_S) return { error: `${what} "${text.trim()}" is longer than an hour` };
  return n;
}
var CHANGE_WORDS = [
  [/^(new|added|add|new code|new destination|n)$/, "new"],
  [/^(increase|increased|increasing|inc|up|higher|i|price increase|rate increase)$/, "increase"],
  [/^(decrease|decreased|decreasing|dec|down|lower|d|price decrease|rate decrease|reduced|reduction)$/, "decrease"],
  [/^(unchanged|current|same|no change|nochange|existing|u|c|active|no)$/, "unchanged"],
  [/^(closed|close|closing|removed|remove|deleted|delete|discontinued|terminated|x|del)$/, "closed"],
  [/^(blocked|block|barred|suspended|b)$/, "blocked"]
];
function parseChangeWord(text) {
  const t = text.trim().toLowerCase().replace(/[^a-z ]+/g, " ").replace(/\s+/g, " ").trim();
  if (t === "") return null;
  for (const [re, cls] of CHANGE_WORDS) if (re.test(t)) return cls;
  return null;
}

// core/decks/plan-import.ts
import { DateTime as DateTime2 } from "luxon";
function sameTerms(a, b) {
  return a.kind === b.kind && a.rateE8 === b.rateE8 && a.terms === b.terms && a.feeE8 === b.feeE8;
}
function classify(prev, next) {
  if (next.kind === "closed") return "closed";
  if (next.kind === "blocked") return "blocked";
  if (!prev || prev.kind !== "rate" || prev.rateE8 === null) return "new";
  if (next.rateE8 > prev.rateE8) return "increase";
  if (next.rateE8 < prev.rateE8) return "decrease";
  if (sameTerms(prev, next)) return "unchanged";
  const a = unpackTerms(prev.terms);
  const b = unpackTerms(next.terms);
  const worse = b.first > a.first || b.next > a.next || b.min > a.min || b.grace < a.grace || next.feeE8 > prev.feeE8;
  return worse ? "increase" : "decrease";
}
function noticeDays(cls, n) {
  switch (cls) {
    case "increase":
      return n.increaseDays;
    case "new":
      return n.newDays;
    case "decrease":
      return n.decreaseDays;
    case "closed":
      return n.closedDays;
    default:
      return 0;
  }
}
var MAX_LISTED = 1e3;
function where(r) {
  return `${r.sheet ? `sheet "${r.sheet}", ` : ""}row ${r.row}`;
}
var KEY_DIGITS = 15;
function prefixSortKey(prefix) {
  let key = 0;
  for (let i = 0; i < KEY_DIGITS; i++) key = key * 11 + (i < prefix.length ? prefix.charCodeAt(i) - 47 : 0);
  return key;
}
function sortRows(rows) {
  const keys = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) keys[i] = prefixSortKey(rows[i].prefix);
  const order = Array.from({ length: rows.length }, (_, i) => i);
  order.sort((a, b) => keys[a] - keys[b] || rows[a].from - rows[b].from || (rows[a].row ?? 0) - (rows[b].row ?? 0));
  return order.map((i) => rows[i]);
}
function planImport(input) {
  const counts = { new: 0, increase: 0, decrease: 0, unchanged: 0, closed: 0, blocked: 0 };
  const plan = {
    inserts: [],
    supersede: [],
    effectiveTo: [],
    counts,
    revised: 0,
    prefixes: 0,
    violationCount: 0,
    violations: [],
    disagreementCount: 0,
    disagreements: [],
    problems: [],
    warnings: []
  };
  if (input.baseline) plan.warnings.push("this is the first deck of this carrier and side: it is the baseline, so notice periods are not checked");
  const noticeUntilCache = /* @__PURE__ */ new Map();
  const noticeUntil = (days) => {
    let v = noticeUntilCache.get(days);
    if (v === void 0) {
      v = DateTime2.fromMillis(input.receivedAt, { zone: input.zone }).plus({ days }).toMillis();
      noticeUntilCache.set(days, v);
    }
    return v;
  };
  const disagree = (prefix, r, computed) => {
    plan.disagreementCount++;
    if (plan.disagreements.length < MAX_LISTED) {
      plan.disagreements.push({ prefix, ...r.sheet ? { sheet: r.sheet } : {}, row: r.row ?? 0, deckSays: r.deckSays ?? "", computed });
    }
  };
  const problemAt = (r, column, value, message) => {
    plan.problems.push({ file: input.file, ...r.sheet ? { sheet: r.sheet } : {}, ...r.row ? { row: r.row } : {}, column, value, message });
  };
  let changed = false;
  const unnamed = [];
  const place = (timeline2, version, r) => {
    const terms = packTerms(version.first, version.next, version.min, version.grace);
    const slot = { kind: version.kind, rateE8: version.rateE8, feeE8: version.feeE8, terms };
    let same = -1;
    let prevIndex = -1;
    for (let i2 = 0; i2 < timeline2.length; i2++) {
      const v = timeline2[i2];
      if (v.from === version.from) same = i2;
      else if (v.from < version.from) prevIndex = i2;
    }
    if (same >= 0) {
      const existing = timeline2[same];
      if (sameTerms(existing, slot)) {
        if (existing.id >= 0) counts.unchanged++;
        return;
      }
      plan.supersede.push(existing.id);
      plan.revised++;
      changed = true;
      timeline2.splice(same, 1);
      if (prevIndex > same) prevIndex--;
    }
    const prev = prevIndex >= 0 ? timeline2[prevIndex] : void 0;
    if (version.kind === "closed" && (!prev || prev.kind === "closed")) {
      if (r) plan.warnings.push(`${where(r)}: prefix ${version.prefix} is marked closed but is not in force; nothing to close`);
      return;
    }
    const cls = classify(prev, slot);
    if (cls === "unchanged" || cls === "blocked" && prev && sameTerms(prev, slot)) {
      counts.unchanged++;
      if (r?.deckClass && r.deckClass !== "unchanged") disagree(version.prefix, r, "unchanged");
      return;
    }
    counts[cls]++;
    const days = input.baseline ? 0 : noticeDays(cls, input.notice);
    const until = days > 0 ? noticeUntil(days) : null;
    const violation = until !== null && version.from < until;
    if (violation) {
      plan.violationCount++;
      if (plan.violations.length < MAX_LISTED) {
        plan.violations.push({
          prefix: version.prefix,
          destination: version.destination,
          changeClass: cls,
          effectiveFrom: isoInstant(version.from),
          noticeUntil: isoInstant(until),
          ...version.sheet ? { sheet: version.sheet } : {},
          ...version.row ? { row: version.row } : {}
        });
      }
    }
    if (r?.deckClass && r.deckClass !== cls) disagree(version.prefix, r, cls);
    version.changeClass = cls;
    version.noticeUntil = until;
    version.noticeViolation = violation;
    plan.inserts.push(version);
    changed = true;
    timeline2.splice(prevIndex + 1, 0, { id: -1, from: version.from, insert: version, ...slot });
  };
  const closure = (of, from, destination) => ({
    prefix: of.prefix,
    from,
    to: null,
    kind: "closed",
    destination,
    rateE8: null,
    first: of.first,
    next: of.next,
    min: of.min,
    grace: of.grace,
    feeE8: of.feeE8,
    deckSays: null,
    changeClass: null,
    noticeUntil: null,
    noticeViolation: false,
    sheet: of.sheet,
    row: of.row
  });
  const planListed = (timeline2, list, start, end) => {
    for (let k = start; k < end; k++) {
      const r = list[k];
      const twin = k > start ? list[k - 1] : void 0;
      if (twin && twin.from === r.from) {
        if (twin.kind !== r.kind || twin.rateE8 !== r.rateE8 || twin.feeE8 !== r.feeE8 || twin.first !== r.first || twin.next !== r.next || twin.min !== r.min || twin.grace !== r.grace) {
          problemAt(r, input.codeColumn(r.sheet), r.prefix, `prefix ${r.prefix} effective ${isoInstant(r.from)} is listed twice with different terms (also ${where(twin)})`);
        } else {
          plan.warnings.push(`${where(r)}: prefix ${r.prefix} repeats ${where(twin)}; counted once`);
        }
        continue;
      }
      const endsAt = r.to;
      r.to = null;
      place(timeline2, r, r);
      if (endsAt !== null && r.kind !== "closed") {
        if (endsAt <= r.from) problemAt(r, "end date", isoInstant(endsAt), "the end date is not after the effective date");
        else if (!list.slice(start, end).some((o) => o.from === endsAt)) place(timeline2, closure(r, endsAt, r.destination), r);
      }
    }
  };
  const planOmitted = (timeline2, prefix, at) => {
    let withdrawnAt = false;
    for (let k = timeline2.length - 1; k >= 0; k--) {
      const v = timeline2[k];
      if (v.from >= at && v.id >= 0) {
        plan.supersede.push(v.id);
        if (v.from === at && v.kind !== "closed") withdrawnAt = true;
        changed = true;
        timeline2.splice(k, 1);
      }
    }
    let current;
    for (const v of timeline2) if (v.from < at) current = v;
    if (!current || current.kind === "closed") {
      if (withdrawnAt) counts.closed++;
      return;
    }
    const t = unpackTerms(current.terms);
    const version = {
      prefix,
      from: at,
      to: null,
      kind: "closed",
      destination: "",
      rateE8: null,
      ...t,
      feeE8: current.feeE8,
      deckSays: null,
      changeClass: null,
      noticeUntil: null,
      noticeViolation: false,
      sheet: null,
      row: null
    };
    const violations = plan.violations.length;
    place(timeline2, version, void 0);
    unnamed.push({ id: current.id, targets: [version, ...plan.violations.slice(violations)] });
  };
  const rows = sortRows(input.rows);
  const stored = input.existing[Symbol.iterator]();
  let pending = stored.next();
  let i = 0;
  const timeline = [];
  while (i < rows.length || !pending.done) {
    const filePrefix = i < rows.length ? rows[i].prefix : void 0;
    const storedPrefix = pending.done ? void 0 : pending.value.prefix;
    const prefix = filePrefix === void 0 ? storedPrefix : storedPrefix === void 0 || filePrefix < storedPrefix ? filePrefix : storedPrefix;
    timeline.length = 0;
    while (!pending.done && pending.value.prefix === prefix) {
      timeline.push(pending.value);
      pending = stored.next();
    }
    const start = i;
    while (i < rows.length && rows[i].prefix === prefix) i++;
    changed = false;
    if (i > start) {
      plan.prefixes++;
      planListed(timeline, rows, start, i);
    } else if (input.mode === "full" && input.closuresAt !== null) {
      planOmitted(timeline, prefix, input.closuresAt);
    }
    if (!changed) continue;
    for (let k = 0; k < timeline.length; k++) {
      const v = timeline[k];
      const to = k + 1 < timeline.length ? timeline[k + 1].from : null;
      if (v.insert) v.insert.to = to;
      else plan.effectiveTo.push({ id: v.id, to });
    }
  }
  for (const u of unnamed) {
    const name2 = u.id >= 0 ? input.destinationOf(u.id) : "";
    for (const t of u.targets) t.destination = name2;
  }
  return plan;
}

// core/excel/read-table.ts
import { createReadStream as createReadStream2 } from "node:fs";
import { open } from "node:fs/promises";
import ExcelJS from "exceljs";
import Papa from "papaparse";

// core/money/scaled-decimal.ts
import { Decimal } from "decimal.js";
var RATE_SCALE = 8;
var SCALE_FACTOR = 1e8;
var MAX_SCALED = Number.MAX_SAFE_INTEGER;
var PLAIN = /^([+-]?)(\d*)(?:[.,](\d*))?$/;
function parseScaledDecimal(input, scale = RATE_SCALE) {
  const text = input.trim().replace(/^[$€£¥]|\s*(USD|EUR|GBP)$/i, "").trim();
  if (text === "") return { ok: false, reason: "empty" };
  const m = PLAIN.exec(text);
  if (m) {
    const [, sign, intPart = "", fracRaw = ""] = m;
    if (intPart === "" && fracRaw === "") return { ok: false, reason: "not a number" };
    const frac = fracRaw.replace(/0+$/, "");
    if (frac.length > scale) return { ok: false, reason: `more than ${scale} decimals` };
    const digits = (intPart.replace(/^0+/, "") || "0") + frac.padEnd(scale, "0");
    if (digits.length > 16) return { ok: false, reason: "too large" };
    const scaled = Number(digits);
    if (scaled > MAX_SCALED) return { ok: false, reason: "too large" };
    return { ok: true, scaled: sign === "-" && scaled !== 0 ? -scaled : scaled };
  }
  if (/^[+-]?(\d+\.?\d*|\.\d+)[eE][+-]?\d+$/.test(text)) {
    const d = new Decimal(text);
    const s = d.times(new Decimal(10).pow(scale));
    if (!s.isInteger()) return { ok: false, reason: `more than ${scale} decimals` };
    if (s.abs().greaterThan(MAX_SCALED)) return { ok: false, reason: "too large" };
    return { ok: true, scaled: s.isZero() ? 0 : s.toNumber() };
  }
  return { ok: false, reason: "not a number" };
}
function spreadsheetNumberToDecimalString(value) {
  if (!Number.isFinite(value)) return String(value);
  return decimalText(new Decimal(value).toSignificantDigits(15));
}
function formatScaled(scaled, minDecimals = 4) {
  const negative = scaled < 0;
  const abs = negative ? -scaled : scaled;
  const fracUnits = abs % SCALE_FACTOR;
  const intPart = (abs - fracUnits) / SCALE_FACTOR;
  let frac = String(fracUnits).padStart(RATE_SCALE, "0");
  let end = frac.length;
  while (end > minDecimals && frac[end - 1] === "0") end--;
  frac = frac.slice(0, end);
  return `${negative ? "-" : ""}${intPart}${frac ? "." + frac : ""}`;
}
function decimalText(d, places) {
  return places === void 0 ? d.toFixed() : d.toFixed(places);
}

// core/excel/read-table.ts
function rowIterator(rows) {
  return Symbol.asyncIterator in rows ? rows[Symbol.asyncIterator]() : rows[Symbol.iterator]();
}
var ZIP_MAGIC = [80, 75, 3, 4];
var OLE_MAGIC = [208, 207, 17, 224];
function startsWith(buf, magic) {
  return magic.every((b, i) => buf[i] === b);
}
async function readHead(path, bytes) {
  const fh = await open(path, "r");
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}
async function openTable(path, label) {
  let head;
  try {
    head = await readHead(path, 8);
  } catch (e) {
    const code = e.code;
    if (code === "ENOENT") throw new TrunklineError("FILE_NOT_FOUND", `${label}: no such file`, { file: label });
    throw new TrunklineError("FILE_UNREADABLE", `${label}: cannot be read (${code ?? e.message})`, { file: label });
  }
  if (head.length === 0) throw new TrunklineError("DECK_EMPTY", `${label}: the file is empty`, { file: label });
  if (startsWith(head, OLE_MAGIC)) {
    throw new TrunklineError("FILE_UNREADABLE", `${label}: this is a legacy Excel 97-2003 (.xls) file; save it as .xlsx or CSV`, { file: label });
  }
  if (startsWith(head, ZIP_MAGIC)) return { format: "xlsx", sheets: xlsxSheets(path, label) };
  const { readFile } = await import("node:fs/promises");
  const text = decodeText(await readFile(path), label);
  const delimiter = guessDelimiter(text.text);
  return { format: "csv", encoding: text.encoding, delimiter, sheets: csvSheets(text.text, delimiter, label) };
}
function decodeText(buf, label) {
  let encoding;
  let body = buf;
  if (buf[0] === 239 && buf[1] === 187 && buf[2] === 191) {
    encoding = "utf-8";
    body = buf.subarray(3);
  } else if (buf[0] === 255 && buf[1] === 254) {
    encoding = "utf-16le";
    body = buf.subarray(2);
  } else if (buf[0] === 254 && buf[1] === 255) {
    encoding = "utf-16be";
    body = buf.subarray(2);
  } else {
    const sample = buf.subarray(0, 4096);
    let evenNul = 0;
    let oddNul = 0;
    for (let i = 0; i < sample.length; i++) {
      if (sample[i] !== 0) continue;
      if (i % 2 === 0) evenNul++;
      else oddNul++;
    }
    const half = sample.length / 2;
    if (oddNul > half * 0.3 && evenNul < half * 0.05) encoding = "utf-16le";
    else if (evenNul > half * 0.3 && oddNul < half * 0.05) encoding = "utf-16be";
    else {
      try {
        new TextDecoder("utf-8", { fatal: true }).decode(buf);
        encoding = "utf-8";
      } catch {
        encoding = "windows-1252";
      }
    }
  }
  let text;
  if (encoding === "utf-16be") {
    const swapped = Buffer.from(body);
    swapped.swap16();
    text = new TextDecoder("utf-16le").decode(swapped);
  } else {
    text = new TextDecoder(encoding).decode(body);
  }
  let control = 0;
  const probe = Math.min(text.length, 65536);
  for (let i = 0; i < probe; i++) {
    const c = text.charCodeAt(i);
    if (c < 32 && c !== 9 && c !== 10 && c !== 13 || c === 65533) control++;
  }
  if (probe > 0 && control / probe > 0.01) {
    throw new TrunklineError("FILE_UNREADABLE", `${label}: this is not a text (CSV) or XLSX file; it holds binary data`, { file: label, encoding });
  }
  return { text, encoding };
}
var DELIMITERS = [",", ";", "	", "|"];
function guessDelimiter(text) {
  const lines = text.split(/\r\n|\n|\r/, 200).filter((l) => l.trim() !== "");
  let best = ",";
  let bestScore = -1;
  for (const d of DELIMITERS) {
    const counts = /* @__PURE__ */ new Map();
    for (const l of lines) {
      const n = l.split(d).length;
      if (n >= 2) counts.set(n, (counts.get(n) ?? 0) + 1);
    }
    let score = 0;
    for (const [fields, lineCount] of counts) score = Math.max(score, lineCount * 1e3 + fields);
    if (score > bestScore) {
      bestScore = score;
      best = d;
    }
  }
  return best;
}
async function* csvSheets(text, delimiter, label) {
  const name2 = label.replace(/^.*[\\/]/, "").replace(/\.[^.]+$/, "");
  yield { name: name2, rows: csvRows(text, delimiter, label) };
}
function* csvRows(text, delimiter, label) {
  let queue = [];
  let paused;
  let done = false;
  let quoteError;
  let seen = 0;
  Papa.parse(text, {
    delimiter,
    skipEmptyLines: false,
    step: (res, parser) => {
      seen++;
      if (!quoteError) {
        const e = res.errors.find((x) => x.type === "Quotes");
        if (e) {
          let at = res.data.findIndex((c) => /[\r\n]/.test(c));
          if (at < 0) at = res.data.length - 1;
          quoteError = { row: seen, column: columnLetter(at), value: (res.data[at] ?? "").slice(0, 60) };
        }
      }
      queue.push(res.data);
      if (queue.length >= 4096) {
        parser.pause();
        paused = parser;
      }
    },
    complete: () => {
      done = true;
    }
  });
  let row = 0;
  for (; ; ) {
    if (quoteError) {
      for (const cells of queue) {
        if (row + 1 >= quoteError.row) break;
        yield { row: ++row, cells };
      }
      throw problemsError(label, [{
        file: label,
        row: quoteError.row,
        column: quoteError.column,
        value: quoteError.value,
        message: 'a quoted field is not closed (an opening " has no closing ")'
      }]);
    }
    const batch = queue;
    queue = [];
    for (const cells of batch) yield { row: ++row, cells };
    if (done && queue.length === 0) return;
    const p = paused;
    paused = void 0;
    p?.resume();
  }
}
function cellValue(v) {
  if (v === null || v === void 0) return null;
  if (typeof v === "string" || typeof v === "number") return v;
  if (typeof v === "boolean") return v ? "TRUE" : "FALSE";
  if (v instanceof Date) return v;
  if (typeof v === "object") {
    if ("richText" in v && Array.isArray(v.richText)) return v.richText.map((t) => t.text).join("");
    if ("result" in v) {
      const r = v.result;
      if (r === void 0 || r === null) return null;
      if (typeof r === "object" && r !== null && "error" in r) return String(r.error);
      return cellValue(r);
    }
    if ("text" in v) return String(v.text);
    if ("error" in v) return String(v.error);
  }
  return String(v);
}
async function* xlsxSheets(path, label) {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(createReadStream2(path), {
    worksheets: "emit",
    sharedStrings: "cache",
    styles: "cache",
    hyperlinks: "ignore",
    entries: "emit"
  });
  try {
    for await (const ws of reader) {
      const sheet2 = ws;
      yield {
        name: sheet2.name,
        rows: (async function* () {
          try {
            for await (const r of sheet2) {
              const values = r.values;
              const cells = [];
              for (let i = 1; i < values.length; i++) cells.push(cellValue(values[i]));
              yield { row: r.number, cells };
            }
          } catch (e) {
            throw damaged(e, label);
          }
        })()
      };
    }
  } catch (e) {
    throw damaged(e, label);
  }
}
function damaged(e, label) {
  if (e instanceof TrunklineError) return e;
  return new TrunklineError("FILE_UNREADABLE", `${label}: the XLSX file is damaged or truncated (${e.message})`, { file: label });
}
function cellText(c) {
  if (c === null) return "";
  if (typeof c === "string") return c;
  if (typeof c === "number") return spreadsheetNumberToDecimalString(c);
  return c.toISOString().replace(/T00:00:00\.000Z$/, "").replace(".000Z", "Z");
}

// core/util/headers.ts
function normaliseHeader(text) {
  return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[^a-z0-9]+/g, " ").trim();
}
function explicitColumns(headers, template, overrides) {
  const byIndex = /* @__PURE__ */ new Map();
  const keys = Object.entries(overrides).map(([k, f]) => ({ raw: k, key: normaliseHeader(k), field: f }));
  headers.forEach((h, i) => {
    const n = normaliseHeader(h ?? "");
    const letter = columnLetter(i).toLowerCase();
    const o = keys.find((k) => k.key === n || k.key === letter || k.raw === `#${i + 1}`);
    const f = o ? o.field : template && Object.hasOwn(template, n) ? template[n] : void 0;
    if (f) byIndex.set(i, f);
  });
  return byIndex;
}

// core/decks/columns.ts
var SYNONYMS = {
  code: [
    "code",
    "codes",
    "prefix",
    "prefixes",
    "dial code",
    "dial codes",
    "dialcode",
    "dialcodes",
    "dst code",
    "dest code",
    "destination code",
    "destination codes",
    "dialing code",
    "dialling code",
    "dialing codes",
    "calling code",
    "e164",
    "e 164",
    "breakout code",
    "number prefix",
    "route code",
    "codes list",
    "prefix list"
  ],
  country_code: ["country code", "cc", "country prefix", "ccode", "country dial code", "country calling code"],
  area_codes: ["area code", "area codes", "area", "city code", "city codes", "ndc", "local codes", "area prefix", "area prefixes"],
  destination: [
    "destination",
    "description",
    "code name",
    "name",
    "dest",
    "destination name",
    "breakout",
    "route",
    "zone",
    "network",
    "operator",
    "dst",
    "destination description"
  ],
  country: ["country", "country name"],
  rate: [
    "rate",
    "rates",
    "price",
    "cost",
    "rate per min",
    "rate per minute",
    "rate min",
    "per minute",
    "new rate",
    "current rate",
    "price per min",
    "price per minute",
    "price min",
    "usd min",
    "eur min",
    "rate usd",
    "rate eur",
    "rate gbp",
    "tariff",
    "rate usd min",
    "rate eur min",
    "price usd",
    "price eur",
    "buy rate",
    "sell rate",
    "cost per minute"
  ],
  rate_peak: ["peak", "peak rate", "rate peak", "peak price", "day rate"],
  rate_offpeak: ["off peak", "offpeak", "off peak rate", "offpeak rate", "rate off peak", "night rate", "weekend rate"],
  effective_from: [
    "effective date",
    "effective",
    "eff date",
    "effective from",
    "valid from",
    "start date",
    "from",
    "effective time",
    "activation date",
    "eff from",
    "date effective",
    "effective date time",
    "effective datetime",
    "start",
    "date",
    "valid since",
    "effective date utc"
  ],
  effective_to: [
    "end date",
    "valid to",
    "valid until",
    "expiry",
    "expiry date",
    "effective to",
    "end",
    "to",
    "expiration date",
    "closing date",
    "close date",
    "eff to"
  ],
  change: [
    "change",
    "status",
    "change type",
    "rate change",
    "action",
    "indicator",
    "change indicator",
    "rate status",
    "changes",
    "type of change",
    "comment",
    "comments",
    "remarks",
    "notes"
  ],
  increment: [
    "billing increment",
    "billing increments",
    "increment",
    "increments",
    "billing",
    "billing interval",
    "billing unit",
    "pulse",
    "billing cycle",
    "charging",
    "billing scheme",
    "billing terms",
    "interval pattern"
  ],
  first_increment: [
    "min time",
    "first interval",
    "initial interval",
    "initial increment",
    "first increment",
    "initial",
    "first period",
    "minimum increment",
    "init",
    "initial pulse",
    "first pulse"
  ],
  next_increment: [
    "interval",
    "next interval",
    "next increment",
    "subsequent increment",
    "additional increment",
    "subsequent interval",
    "next pulse",
    "subsequent",
    "additional interval"
  ],
  min_duration: ["minimum duration", "min duration", "min charge seconds", "minimum seconds", "min seconds", "minimum call duration"],
  grace: ["grace", "grace period", "free seconds", "free time", "grace seconds", "grace time", "free"],
  connection_fee: [
    "setup fee",
    "connection fee",
    "connect fee",
    "setup",
    "connection charge",
    "connection",
    "setup charge",
    "set up fee",
    "connect charge",
    "connection cost"
  ],
  currency: ["currency", "curr", "ccy", "currency code"]
};
var LOOKUP = /* @__PURE__ */ new Map();
for (const [field, names] of Object.entries(SYNONYMS)) {
  for (const n of names) LOOKUP.set(n, field);
}
function guessField(header) {
  const n = normaliseHeader(header);
  if (n === "") return void 0;
  const exact = LOOKUP.get(n);
  if (exact) return exact;
  const words = n.split(" ");
  let lead;
  for (let k = words.length - 1; k >= 1 && !lead; k--) {
    const f = LOOKUP.get(words.slice(0, k).join(" "));
    if (f) lead = { field: f, words: k };
  }
  let trail;
  for (let k = 1; k < words.length && !trail && lead; k++) {
    const f = LOOKUP.get(words.slice(k).join(" "));
    if (f) trail = { field: f, words: words.length - k };
  }
  if (lead && trail) return trail.words > lead.words ? trail.field : lead.field;
  return lead?.field;
}
function mapColumns(headers, template, overrides) {
  const byIndex = /* @__PURE__ */ new Map();
  const taken = /* @__PURE__ */ new Set();
  for (const [i, f] of explicitColumns(headers, template, overrides)) {
    byIndex.set(i, f);
    if (f !== "ignore") taken.add(f);
  }
  headers.forEach((h, i) => {
    if (byIndex.has(i)) return;
    const f = guessField(h);
    if (f && !taken.has(f)) {
      byIndex.set(i, f);
      taken.add(f);
    }
  });
  return { byIndex, headers };
}
function headerScore(cells, template) {
  const fields = /* @__PURE__ */ new Set();
  for (const c of cells) {
    const n = normaliseHeader(c);
    const f = template && Object.hasOwn(template, n) ? template[n] : guessField(c);
    if (f && f !== "ignore") fields.add(f);
  }
  return {
    score: fields.size,
    hasCode: fields.has("code") || fields.has("country_code"),
    hasRate: fields.has("rate") || fields.has("rate_peak")
  };
}

// core/decks/find-header.ts
var HEADER_SEARCH_ROWS = 60;
function findHeaderRow(rows, headerRow, template) {
  if (headerRow !== void 0) return rows.find((r) => r.row === headerRow);
  for (const r of rows) {
    if (r.row > HEADER_SEARCH_ROWS) break;
    const s = headerScore(r.cells.map(cellText), template);
    if (s.hasCode && s.hasRate && s.score >= 2) return r;
  }
  return void 0;
}

// core/decks/notes-block.ts
var CURRENCIES2 = new Set(Intl.supportedValuesOf("currency"));
var DATE_TOKEN = new RegExp(
  [
    String.raw`\d{4}-\d{1,2}-\d{1,2}(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?(?:\s*(?:UTC|GMT|Z|[+-]\d{2}:?\d{2}))?`,
    String.raw`\d{1,2}[./-]\d{1,2}[./-]\d{4}(?: \d{1,2}:\d{2}(?::\d{2})?)?(?:\s*(?:UTC|GMT))?`,
    String.raw`\d{1,2}[ -](?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?[ ,-]*\d{4}(?: \d{1,2}:\d{2})?(?:\s*(?:UTC|GMT))?`,
    String.raw`(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.? \d{1,2},? \d{4}`
  ].join("|"),
  "gi"
);
var ZONE_STATEMENT = /\b(?:time ?zone|tz|all (?:times|dates)(?: are)?(?: in)?)\s*[:=]?\s*((?:UTC|GMT)(?:\s*[+-]\d{1,2}(?::?\d{2})?)?|[A-Za-z]+(?:\/[A-Za-z_]+)+)/i;
function zoneText(raw) {
  const t = raw.toUpperCase().replace(/\s+/g, "");
  if (t === "UTC" || t === "GMT") return "UTC";
  const m = /^(?:UTC|GMT)([+-])(\d{1,2})(?::?(\d{2}))?$/.exec(t);
  if (m) return `UTC${m[1]}${Number(m[2])}${m[3] && m[3] !== "00" ? ":" + m[3] : ""}`;
  return raw;
}
function readNotes(lines) {
  const notes = { effective: null, effectiveText: null, currency: null, zone: null };
  const ordered = [...lines.filter((l) => /effective|valid from|valid as of|as of|starting/i.test(l)), ...lines];
  let ambiguous = false;
  for (const line of ordered) {
    if (notes.effective || ambiguous) break;
    for (const token of line.match(DATE_TOKEN) ?? []) {
      const p = parseDateText(token.replace(/\s+(UTC|GMT)$/i, " $1"));
      if (p.kind === "ambiguous") {
        ambiguous = true;
        break;
      }
      if (p.kind === "ok") {
        notes.effective = p.wall;
        notes.effectiveText = token.trim();
        break;
      }
    }
  }
  for (const line of lines) {
    const m = /\b(?:rates?|prices?|amounts?)\s+(?:are\s+)?(?:in|quoted in)\s+([A-Z]{3})\b/i.exec(line) ?? /\bcurrency\s*[:=]?\s*([A-Z]{3})\b/i.exec(line);
    if (m && m[1] === m[1].toUpperCase() && CURRENCIES2.has(m[1])) {
      notes.currency = m[1].toUpperCase();
      break;
    }
  }
  for (const line of lines) {
    const m = ZONE_STATEMENT.exec(line);
    if (m) {
      notes.zone = zoneText(m[1]);
      break;
    }
  }
  if (!notes.zone && notes.effective?.zone) notes.zone = notes.effective.zone;
  return notes;
}
function currencyInHeader(header) {
  for (const word of header.toUpperCase().split(/[^A-Z]+/)) {
    if (word.length === 3 && CURRENCIES2.has(word) && !["MIN", "PER", "NEW", "OLD", "ALL", "TOP", "CUP"].includes(word)) return word;
  }
  return null;
}

// core/decks/parse-codes.ts
var MAX_RANGE = 1e4;
var MAX_CODE_DIGITS = 15;
var SCIENTIFIC = /^(\d+)(?:\.(\d+))?[eE]\+?(\d+)$/;
function fromScientific(text) {
  const m = SCIENTIFIC.exec(text);
  if (!m) return void 0;
  const digits = m[1] + (m[2] ?? "");
  const exponent = Number(m[3]);
  const shift = exponent - (m[2]?.length ?? 0);
  if (shift < 0) return void 0;
  return digits.replace(/^0+/, "") + "0".repeat(shift);
}
function cleanCode(raw, notes) {
  let code = raw.trim();
  const sci = fromScientific(code);
  if (sci !== void 0) {
    notes.push(`code "${code}" was in scientific notation; read as ${sci}: check the deck's original`);
    code = sci;
  }
  code = code.replace(/^\+/, "");
  if (code.startsWith("00")) code = code.slice(2);
  if (!/^\d+$/.test(code)) return { error: `"${raw.trim()}" is not a dial code (digits only)` };
  if (code.length > MAX_CODE_DIGITS) return { error: `"${raw.trim()}" is longer than ${MAX_CODE_DIGITS} digits` };
  return code;
}
function expandRange(startRaw, endRaw, notes) {
  const start = cleanCode(startRaw, notes);
  if (typeof start !== "string") return start;
  let endText = endRaw.trim().replace(/^\+/, "");
  if (!/^\d+$/.test(endText)) return { error: `range end "${endRaw.trim()}" is not a dial code` };
  if (endText.length < start.length) endText = start.slice(0, start.length - endText.length) + endText;
  if (endText.length !== start.length) return { error: `range ${startRaw.trim()}-${endRaw.trim()} has ends of different lengths` };
  const a = BigInt(start);
  const b = BigInt(endText);
  if (b < a) return { error: `range ${startRaw.trim()}-${endRaw.trim()} runs backwards` };
  if (b - a + 1n > BigInt(MAX_RANGE)) return { error: `range ${startRaw.trim()}-${endRaw.trim()} expands to more than ${MAX_RANGE} codes` };
  const out3 = [];
  for (let v = a; v <= b; v++) out3.push(v.toString().padStart(start.length, "0"));
  return out3;
}
function expandCodes(cell2, country) {
  const notes = [];
  const text = cell2.replace(/[\r\n]+/g, ",").trim();
  let cc = "";
  if (country !== void 0 && country.trim() !== "") {
    const c = cleanCode(country, notes);
    if (typeof c !== "string") return { ok: false, reason: `country code ${c.error}` };
    cc = c;
    if (text === "") return { ok: true, prefixes: [cc], notes };
  }
  if (text === "") return { ok: false, reason: "no dial code" };
  const prefixes = [];
  let groupPrefix = "";
  for (const itemRaw of text.split(/[,;|]/)) {
    let item = itemRaw.trim();
    if (item === "") continue;
    const spaced = /^(\+?\d+)\s+(.+)$/.exec(item);
    if (spaced && !/^\+?\d+\s*-/.test(item)) {
      const head = cleanCode(spaced[1], notes);
      if (typeof head !== "string") return { ok: false, reason: head.error };
      groupPrefix = head;
      item = spaced[2].trim();
    }
    const range = /^(\+?[\d.eE+]+)\s*-\s*(\d+)$/.exec(item);
    if (range) {
      const r = expandRange(range[1], range[2], notes);
      if (!Array.isArray(r)) return { ok: false, reason: r.error };
      for (const p of r) prefixes.push(cc + groupPrefix + p);
      continue;
    }
    const code = cleanCode(item, notes);
    if (typeof code !== "string") return { ok: false, reason: code.error };
    prefixes.push(cc + groupPrefix + code);
  }
  if (prefixes.length === 0) return { ok: false, reason: "no dial code" };
  for (const p of prefixes) {
    if (p.length > MAX_CODE_DIGITS) return { ok: false, reason: `code ${p} is longer than ${MAX_CODE_DIGITS} digits` };
  }
  return { ok: true, prefixes, notes };
}

// core/decks/read-deck.ts
var MAX_PROBLEMS = 500;
var DEFAULT_INCREMENT = { first: 60, next: 60 };
function rowText(cells) {
  return cells.map(cellText);
}
function isBlank(cells) {
  return cells.every((c) => c === null || typeof c === "string" && c.trim() === "");
}
function codeCellText(c) {
  if (typeof c === "number") return Number.isInteger(c) ? String(c) : spreadsheetNumberToDecimalString(c);
  return cellText(c);
}
function decimalCellText(c) {
  return typeof c === "number" ? spreadsheetNumberToDecimalString(c) : cellText(c);
}
async function readDeck(opts) {
  const table = await openTable(opts.path, opts.label);
  const problems = [];
  let problemCount = 0;
  const warnings = [];
  const warnOnce = /* @__PURE__ */ new Set();
  const warn = (key, text) => {
    if (warnOnce.has(key)) return;
    warnOnce.add(key);
    warnings.push(text);
  };
  const problem = (p) => {
    problemCount++;
    if (problems.length < MAX_PROBLEMS) problems.push({ file: opts.label, ...p });
  };
  const rows = [];
  const codeColumns = /* @__PURE__ */ new Map();
  const dateCache = /* @__PURE__ */ new Map();
  const sheets = [];
  let mapping = [];
  let templateMapping = {};
  let notes = { effective: null, effectiveText: null, currency: null, zone: null };
  let currency = null;
  let columnZone = null;
  let rowsRead = 0;
  const seenSheets = [];
  const skippedSheets = [];
  for await (const sheet2 of table.sheets) {
    seenSheets.push(sheet2.name);
    const wanted = opts.sheet === void 0 || opts.sheet.toLowerCase() === sheet2.name.toLowerCase();
    const iterator = rowIterator(sheet2.rows);
    if (!wanted) {
      while (!(await iterator.next()).done) {
      }
      continue;
    }
    const buffered = [];
    const searchTo = Math.max(HEADER_SEARCH_ROWS, opts.headerRow ?? 0);
    let deferred;
    for (; ; ) {
      let next;
      try {
        next = await iterator.next();
      } catch (e) {
        deferred = e;
        break;
      }
      if (next.done) break;
      buffered.push(next.value);
      if (next.value.row >= searchTo) break;
    }
    const header = findHeaderRow(buffered, opts.headerRow, opts.template);
    if (deferred) throw nameColumns(deferred, header ? rowText(header.cells).map((h) => h.trim()) : []);
    if (!header) {
      while (!(await iterator.next()).done) {
      }
      skippedSheets.push(sheet2.name);
      continue;
    }
    const notesLines = buffered.filter((r2) => r2.row < header.row).map((r2) => rowText(r2.cells).filter((t) => t.trim() !== "").join(" "));
    const sheetNotes = readNotes(notesLines);
    if (!notes.effective && sheetNotes.effective) notes = { ...sheetNotes };
    if (!notes.currency && sheetNotes.currency) notes.currency = sheetNotes.currency;
    if (!notes.zone && sheetNotes.zone) notes.zone = sheetNotes.zone;
    const headers = rowText(header.cells).map((h) => h.trim());
    const map = mapColumns(headers, opts.template, opts.overrides);
    const col = /* @__PURE__ */ new Map();
    for (const [i, f] of map.byIndex) if (f !== "ignore") col.set(f, i);
    if (!(col.has("code") || col.has("country_code")) || !(col.has("rate") || col.has("rate_peak"))) {
      throw new TrunklineError(
        "DECK_MAPPING_INCOMPLETE",
        `${opts.label}${table.format === "xlsx" ? `, sheet "${sheet2.name}"` : ""}, row ${header.row}: the header has no ${col.has("code") || col.has("country_code") ? "rate" : "dial code"} column (columns: ${headers.filter(Boolean).join(", ")}); map one with --map "COLUMN=${col.has("code") || col.has("country_code") ? "rate" : "code"}"`,
        { file: opts.label, sheet: sheet2.name, row: header.row, headers }
      );
    }
    if (sheets.length === 0) {
      mapping = headers.map((h, i) => ({ column: columnLetter(i), header: h, field: map.byIndex.get(i) ?? null }));
      templateMapping = {};
      for (const [i, f] of map.byIndex) if (headers[i]) templateMapping[normaliseHeader(headers[i])] = f;
    }
    const codeCol = col.get("code") ?? col.get("area_codes") ?? col.get("country_code");
    codeColumns.set(sheet2.name, headers[codeCol] || columnLetter(codeCol));
    const rateCol = col.get("rate") ?? col.get("rate_peak");
    if (!col.has("rate") && col.has("rate_peak")) warn("peak", "the deck has peak and off-peak rates; the peak rate is used for every call");
    else if (col.has("rate_offpeak")) warn("offpeak", "the deck has an off-peak rate column; it is not used (the rate column is)");
    const headerCurrency = currencyInHeader(headers[rateCol] ?? "");
    if (headerCurrency && !currency) currency = headerCurrency;
    const fromCol = col.get("effective_from");
    if (fromCol !== void 0) {
      const z2 = /\b(UTC|GMT)\b/i.exec(headers[fromCol] ?? "");
      if (z2) columnZone = "UTC";
    }
    const incrementCol = col.get("increment");
    if (incrementCol === void 0 && !(col.has("first_increment") && col.has("next_increment")) && !col.has("first_increment")) {
      const inc = opts.defaultIncrement ?? DEFAULT_INCREMENT;
      warn("increment", `the deck has no billing increment column; ${inc.first}/${inc.next} is used for every row${opts.defaultIncrement ? " (--default-increment)" : " (set another with --default-increment)"}`);
    }
    const firstRow = opts.firstRow ?? header.row + 1;
    const lastRow = opts.lastRow ?? Number.MAX_SAFE_INTEGER;
    const sheetLabel = table.format === "xlsx" ? sheet2.name : void 0;
    let sheetRows = 0;
    let lastDataRow = header.row;
    let fillCountry = "";
    let fillCountryCode = "";
    let fillDestination = "";
    let r = header;
    const cell2 = (f) => {
      const i = col.get(f);
      return i === void 0 ? null : r.cells[i] ?? null;
    };
    const text = (f) => cellText(cell2(f)).trim();
    const at = (f, value, message) => {
      const i = col.get(f);
      problem({ sheet: sheetLabel, row: r.row, column: i === void 0 ? f : headers[i] || columnLetter(i), value, message });
    };
    const seconds = (f, what) => {
      const t = text(f);
      if (t === "") return 0;
      const v = parseSeconds(t, what);
      if (typeof v !== "number") {
        at(f, t, v.error);
        return 0;
      }
      return v;
    };
    const dateRef = (f) => {
      const c = cell2(f);
      if (c === null || typeof c === "string" && c.trim() === "") return null;
      const i = col.get(f);
      const key = `${i}\0${c instanceof Date ? `d${c.getTime()}` : typeof c === "number" ? `n${c}` : c.trim()}`;
      let ref = dateCache.get(key);
      if (!ref) {
        ref = { parse: parseDateCell(typeof c === "string" ? c.trim() : c, opts.dateOrder), text: cellText(c).trim(), column: headers[i] || columnLetter(i) };
        dateCache.set(key, ref);
      }
      if (ref.parse.kind === "error") {
        at(f, ref.text, `the date is not valid: ${ref.parse.reason}`);
        return null;
      }
      return ref;
    };
    const handle = (row) => {
      if (row.row < firstRow || row.row > lastRow || isBlank(row.cells)) return;
      r = row;
      sheetRows++;
      const problemsBefore = problemCount;
      let country = text("country");
      if (country) fillCountry = country;
      else country = fillCountry;
      let countryCode = col.has("country_code") ? codeCellText(cell2("country_code")).trim() : "";
      if (col.has("country_code")) {
        if (countryCode) fillCountryCode = countryCode;
        else countryCode = fillCountryCode;
      }
      const codeRaw = col.has("code") ? codeCellText(cell2("code")).trim() : col.has("area_codes") ? codeCellText(cell2("area_codes")).trim() : "";
      const rateRaw = decimalCellText(r.cells[rateCol] ?? null).trim();
      const changeText = text("change");
      const deckClass = changeText ? parseChangeWord(changeText) : null;
      const kind = deckClass === "closed" ? "closed" : deckClass === "blocked" ? "blocked" : "rate";
      const codes = col.has("code") ? expandCodes(codeRaw, col.has("country_code") ? countryCode : void 0) : expandCodes(codeRaw, countryCode);
      if (!codes.ok) {
        if (rateRaw === "" && kind === "rate") {
          const shown = rowText(r.cells).filter((t) => t.trim() !== "").join(" ").slice(0, 60);
          warn(`note-${sheet2.name}-${r.row}`, `${sheetLabel ? `sheet "${sheetLabel}", ` : ""}row ${r.row} was skipped as a note, not a rate row: "${shown}"`);
          sheetRows--;
          return;
        }
        at(col.has("code") ? "code" : "area_codes", codeRaw, codes.reason);
        return;
      }
      for (const n of codes.notes) warn(`code-${n}`, `row ${r.row}: ${n}`);
      lastDataRow = r.row;
      let rateE8 = null;
      if (rateRaw === "") {
        if (kind === "rate") at(col.has("rate") ? "rate" : "rate_peak", "", "the rate is empty");
      } else {
        const p = parseScaledDecimal(rateRaw);
        if (!p.ok) at(col.has("rate") ? "rate" : "rate_peak", rateRaw, `the rate is ${p.reason === "not a number" ? "not a number" : p.reason}`);
        else if (p.scaled < 0) at(col.has("rate") ? "rate" : "rate_peak", rateRaw, "the rate is negative");
        else rateE8 = p.scaled;
      }
      if (kind === "closed") rateE8 = null;
      let inc = opts.defaultIncrement ?? DEFAULT_INCREMENT;
      if (incrementCol !== void 0 && text("increment") !== "") {
        const p = parseIncrement(text("increment"));
        if ("error" in p) at("increment", text("increment"), p.error);
        else inc = p;
      } else if (col.has("first_increment") || col.has("next_increment")) {
        const firstText = text("first_increment");
        const nextText = text("next_increment");
        if (firstText.includes("/") && nextText === "") {
          const p = parseIncrement(firstText);
          if ("error" in p) at("first_increment", firstText, p.error);
          else inc = p;
        } else if (nextText.includes("/") && firstText === "") {
          const p = parseIncrement(nextText);
          if ("error" in p) at("next_increment", nextText, p.error);
          else inc = p;
        } else {
          const a = firstText === "" ? inc.first : parseSeconds(firstText, "first increment");
          const b = nextText === "" ? typeof a === "number" ? a : inc.next : parseSeconds(nextText, "next increment");
          if (typeof a !== "number") at("first_increment", firstText, a.error);
          else if (typeof b !== "number") at("next_increment", nextText, b.error);
          else if (a < 1 || b < 1) at(a < 1 ? "first_increment" : "next_increment", a < 1 ? firstText : nextText, "a billing increment is at least 1 second");
          else inc = { first: a, next: b };
        }
      }
      const min = seconds("min_duration", "minimum duration");
      const grace = seconds("grace", "grace period");
      let feeE8 = 0;
      const feeText = decimalCellText(cell2("connection_fee")).trim();
      if (feeText !== "") {
        const p = parseScaledDecimal(feeText);
        if (!p.ok) at("connection_fee", feeText, `the connection fee is ${p.reason}`);
        else if (p.scaled < 0) at("connection_fee", feeText, "the connection fee is negative");
        else feeE8 = p.scaled;
      }
      const rowCurrency = text("currency").toUpperCase();
      if (rowCurrency) {
        if (!currency) currency = rowCurrency;
        else if (rowCurrency !== currency) at("currency", rowCurrency, `the deck mixes currencies (${currency} above)`);
      }
      const from = dateRef("effective_from");
      const to = dateRef("effective_to");
      let destination = text("destination");
      if (!destination && col.has("destination") && fillDestination && !codeRaw) destination = fillDestination;
      if (destination) fillDestination = destination;
      if (country && destination && !destination.toLowerCase().startsWith(country.toLowerCase())) destination = `${country} - ${destination}`;
      else if (country && !destination) destination = country;
      if (problemCount > problemsBefore) return;
      for (const prefix of codes.prefixes) {
        rows.push({
          // `from` starts as a double (NaN), as the instant it becomes: a small-integer start would make V8 migrate every row object.
          prefix,
          destination,
          kind,
          rateE8,
          from: Number.NaN,
          to: null,
          fromRef: from,
          toRef: to,
          first: inc.first,
          next: inc.next,
          min,
          grace,
          feeE8,
          deckSays: changeText || null,
          deckClass,
          changeClass: null,
          noticeUntil: null,
          noticeViolation: false,
          sheet: sheet2.name,
          row: r.row
        });
      }
    };
    for (const r2 of buffered) if (r2.row > header.row) handle(r2);
    try {
      for (; ; ) {
        const next = await iterator.next();
        if (next.done) break;
        handle(next.value);
        if (next.value.row % 5e3 === 0) {
          opts.onRows?.(rowsRead + sheetRows);
          if (opts.signal?.aborted) throw new TrunklineError("JOB_CANCELLED", "the import was cancelled; nothing was written");
          await new Promise((resolve) => setImmediate(resolve));
        }
      }
    } catch (e) {
      throw nameColumns(e, headers);
    }
    rowsRead += sheetRows;
    sheets.push({ name: sheet2.name, headerRow: header.row, firstRow, lastRow: Math.min(lastRow, lastDataRow), rowsRead: sheetRows });
  }
  if (opts.sheet !== void 0 && !seenSheets.some((s) => s.toLowerCase() === opts.sheet.toLowerCase())) {
    throw new TrunklineError("DECK_SHEET_NOT_FOUND", `${opts.label}: there is no sheet "${opts.sheet}" (sheets: ${seenSheets.join(", ")})`, {
      file: opts.label,
      sheet: opts.sheet,
      sheets: seenSheets
    });
  }
  if (sheets.length === 0) {
    if (seenSheets.length === 0) throw new TrunklineError("DECK_EMPTY", `${opts.label}: the file has no sheets`, { file: opts.label });
    throw new TrunklineError(
      "DECK_NO_HEADER",
      `${opts.label}: no header row with a dial code column and a rate column in the first ${HEADER_SEARCH_ROWS} rows${seenSheets.length > 1 ? ` of any sheet (${seenSheets.join(", ")})` : ""}; name it with --header-row N`,
      { file: opts.label, sheets: seenSheets }
    );
  }
  for (const s of skippedSheets) warnings.push(`sheet "${s}" has no rate table and was skipped`);
  if (rows.length === 0 && problemCount === 0) {
    throw new TrunklineError("DECK_EMPTY", `${opts.label}: the table has a header but no rate rows`, { file: opts.label });
  }
  return {
    format: table.format,
    sheets,
    mapping,
    templateMapping,
    rows,
    rowsRead,
    notes,
    currency: currency ?? notes.currency,
    columnZone,
    codeColumns,
    problems,
    problemCount,
    warnings
  };
}
function nameColumns(e, headers) {
  if (!(e instanceof TrunklineError) || e.code !== "DECK_PARSE_ERROR") return e;
  const problems = e.details?.problems ?? [];
  for (const p of problems) {
    const i = headers.findIndex((_, k) => columnLetter(k) === p.column);
    if (i >= 0 && headers[i]) p.column = headers[i];
  }
  return problemsError(String(e.details?.file ?? ""), problems, Number(e.details?.problemCount ?? problems.length));
}

// core/decks/import-deck.ts
var MAX_PROBLEMS_SHOWN = 500;
function failWithProblems(file, problems, total) {
  throw problemsError(file, problems, total);
}
function resolveDateOrder(rows, given, file, xlsx, problems, warnings) {
  if (given) return given;
  const evidence = /* @__PURE__ */ new Map();
  for (const r of rows) {
    for (const ref of [r.fromRef, r.toRef]) {
      if (ref?.parse.kind === "ok" && ref.parse.order && !evidence.has(ref.parse.order)) evidence.set(ref.parse.order, { ref, row: r });
    }
  }
  const dmy = evidence.get("DMY");
  const mdy = evidence.get("MDY");
  if (dmy && mdy) {
    problems.push({
      file,
      ...xlsx ? { sheet: mdy.row.sheet } : {},
      row: mdy.row.row,
      column: mdy.ref.column,
      value: mdy.ref.text,
      message: `dates mix day-first and month-first orders (row ${dmy.row.row} "${dmy.ref.text}" is day-first)`
    });
    return void 0;
  }
  const found = dmy ?? mdy;
  if (!found) return void 0;
  const order = dmy ? "DMY" : "MDY";
  if (rows.some((r) => r.fromRef?.parse.kind === "ambiguous" || r.toRef?.parse.kind === "ambiguous")) {
    warnings.push(`dates such as 03/04 were read ${order === "DMY" ? "day-first" : "month-first"}, as row ${found.row.row} ("${found.ref.text}") can only be read that way; set --date-order to fix it otherwise`);
  }
  return order;
}
function mostCommon(rows, since) {
  const tally = /* @__PURE__ */ new Map();
  for (const r of rows) if (r.from >= since) tally.set(r.from, (tally.get(r.from) ?? 0) + 1);
  let best = null;
  let bestCount = 0;
  for (const [at, n] of tally) {
    if (n > bestCount || n === bestCount && best !== null && at > best) {
      best = at;
      bestCount = n;
    }
  }
  return best;
}
async function importDeck(ctx, args, job) {
  const carrier = requireCarrier(ctx, args.carrier);
  const file = args.fileName ?? basename(args.file);
  const template = ctx.decks.template(carrier.id, args.side);
  let defaultIncrement;
  if (args.defaultIncrement) {
    const p = parseIncrement(args.defaultIncrement);
    if ("error" in p) throw new TrunklineError("INVALID_ARGUMENTS", `--default-increment: ${p.error}`);
    defaultIncrement = p;
  }
  job.progress("reading", 0);
  const read = await readDeck({
    path: args.file,
    label: file,
    sheet: args.sheet,
    headerRow: args.headerRow,
    firstRow: args.firstRow,
    lastRow: args.lastRow,
    template: template?.mapping,
    overrides: args.map,
    dateOrder: args.dateOrder ?? template?.dateOrder ?? void 0,
    defaultIncrement,
    signal: job.signal,
    onRows: (n) => job.progress("reading", n)
  });
  const { sha256, bytes } = await hashFile(args.file);
  const problems = [...read.problems];
  let problemCount = read.problemCount;
  const warnings = [...read.warnings];
  const zone = read.notes.zone ?? read.columnZone ?? carrier.timezone;
  const order = resolveDateOrder(read.rows, args.dateOrder ?? template?.dateOrder ?? void 0, file, read.format === "xlsx", problems, warnings);
  let fileEffective = null;
  if (args.effective) {
    const p = parseInstant(args.effective, zone, order);
    if (!p.ok) throw new TrunklineError("INVALID_ARGUMENTS", `--effective "${args.effective}": ${p.reason}`);
    fileEffective = p.ms;
  } else if (read.notes.effective) {
    fileEffective = wallToInstant(read.notes.effective, zone);
  }
  let receivedAt = ctx.clock();
  if (args.received) {
    const p = parseInstant(args.received, carrier.timezone, order);
    if (!p.ok) throw new TrunklineError("INVALID_ARGUMENTS", `--received "${args.received}": ${p.reason}`);
    receivedAt = p.ms;
  }
  const instant = (ref, r) => {
    if (!ref) return null;
    if (ref.ms !== void 0) return ref.ms ?? void 0;
    let parse = ref.parse;
    if (parse.kind === "ambiguous") {
      if (!order) {
        problemCount++;
        if (problems.length < MAX_PROBLEMS_SHOWN) {
          problems.push({
            file,
            ...read.format === "xlsx" ? { sheet: r.sheet } : {},
            row: r.row,
            column: ref.column,
            value: ref.text,
            message: "the date is ambiguous: day and month could be either way; set the order with --date-order DMY or MDY (it is then kept in the carrier's template)"
          });
        }
        return void 0;
      }
      parse = parseDateText(ref.text, order);
    }
    ref.ms = parse.kind === "ok" ? wallToInstant(parse.wall, zone) : null;
    return ref.ms ?? void 0;
  };
  const resolved = read.rows;
  let kept = 0;
  let undated = 0;
  let firstUndated;
  for (const r of read.rows) {
    const from = instant(r.fromRef, r);
    const to = instant(r.toRef, r);
    if (from === void 0 || to === void 0) continue;
    const effective = from ?? fileEffective;
    if (effective === null) {
      undated++;
      firstUndated ??= r;
      continue;
    }
    r.from = effective;
    r.to = to;
    if (read.format !== "xlsx") r.sheet = "";
    resolved[kept++] = r;
  }
  resolved.length = kept;
  if (undated > 0 && firstUndated) {
    throw new TrunklineError(
      "DECK_NO_EFFECTIVE_DATE",
      `${file}: ${undated} row${undated === 1 ? " has" : "s have"} no effective date (first: row ${firstUndated.row}), and the file states none; give one with --effective DATE`,
      { file, row: firstUndated.row, sheet: firstUndated.sheet, rows: undated }
    );
  }
  if (problems.length > 0) failWithProblems(file, problems, problemCount);
  const currency = read.currency ?? carrier.currency;
  if (currency !== carrier.currency) warnings.push(`the deck is in ${currency} and ${carrier.name} settles in ${carrier.currency}; rates are kept in ${currency}`);
  let closuresAt = null;
  if (args.mode === "full") {
    if (fileEffective !== null) closuresAt = fileEffective;
    else {
      closuresAt = mostCommon(resolved, receivedAt) ?? mostCommon(resolved, Number.MIN_SAFE_INTEGER);
      if (closuresAt !== null) {
        warnings.push(`the file states no effective date; codes it omits are closed at ${isoInstant(closuresAt)}, the date most of its rows dated after its receipt carry (choose another with --effective)`);
      }
    }
  }
  if (job.signal.aborted) throw new TrunklineError("JOB_CANCELLED", "the import was cancelled; nothing was written");
  job.progress("classifying", 0, resolved.length);
  let earliest = closuresAt ?? Number.MAX_SAFE_INTEGER;
  for (const r of resolved) if (r.from < earliest) earliest = r.from;
  const existing = ctx.rates.currentVersions(carrier.id, args.side, earliest);
  const plan = planImport({
    existing,
    rows: resolved,
    mode: args.mode,
    closuresAt,
    receivedAt,
    notice: carrier.notice,
    zone: carrier.timezone,
    file,
    destinationOf: (id) => ctx.rates.destinationOf(id),
    baseline: !ctx.decks.hasImports(carrier.id, args.side),
    codeColumn: (sheet2) => read.codeColumns.get(sheet2 || read.sheets[0].name) ?? "code"
  });
  if (plan.problems.length > 0) failWithProblems(file, plan.problems, plan.problems.length);
  warnings.push(...plan.warnings);
  const report = {
    importId: null,
    dryRun: args.dryRun,
    carrier: carrier.name,
    side: args.side,
    mode: args.mode,
    file,
    sha256,
    bytes,
    sheets: read.sheets,
    mapping: read.mapping,
    currency,
    receivedAt: isoInstant(receivedAt),
    effectiveAt: fileEffective === null ? null : isoInstant(fileEffective),
    closuresAt: closuresAt === null ? null : isoInstant(closuresAt),
    rowsRead: read.rowsRead,
    prefixes: plan.prefixes,
    counts: plan.counts,
    revised: plan.revised,
    noticeViolationCount: plan.violationCount,
    noticeViolations: plan.violations,
    disagreementCount: plan.disagreementCount,
    disagreements: plan.disagreements,
    warnings: warnings.slice(0, 200)
  };
  if (args.dryRun) return report;
  if (job.signal.aborted) throw new TrunklineError("JOB_CANCELLED", "the import was cancelled; nothing was written");
  job.progress("writing", 0, plan.inserts.length);
  const commit = ctx.db.transaction(() => {
    const importId = ctx.decks.insertImport({
      carrierId: carrier.id,
      side: args.side,
      mode: args.mode,
      fileName: file,
      sha256,
      bytes,
      sheetsJson: JSON.stringify(read.sheets),
      rowsRead: read.rowsRead,
      prefixes: plan.prefixes,
      counts: plan.counts,
      revised: plan.revised,
      noticeViolations: plan.violationCount,
      currency,
      receivedAt,
      effectiveAt: fileEffective,
      closuresAt,
      settingsVersion: carrier.settingsVersion,
      mappingJson: JSON.stringify(read.mapping),
      reportJson: JSON.stringify({ warnings: report.warnings, noticeViolations: plan.violations, disagreements: plan.disagreements }),
      importedAt: ctx.clock(),
      importedBy: ctx.actor
    });
    ctx.rates.supersede(plan.supersede, importId);
    ctx.rates.insertVersions(carrier.id, args.side, importId, currency, plan.inserts);
    ctx.rates.setEffectiveTo(plan.effectiveTo);
    if (args.saveTemplate) {
      ctx.decks.saveTemplate(carrier.id, args.side, {
        mapping: { ...template?.mapping, ...read.templateMapping },
        dateOrder: args.dateOrder ?? template?.dateOrder ?? null
      }, ctx.clock());
    }
    return importId;
  });
  report.importId = commit.immediate();
  job.progress("done", plan.inserts.length, plan.inserts.length);
  ctx.log.info("deck imported", { importId: report.importId, carrier: carrier.name, file, counts: plan.counts });
  return report;
}

// core/cdrs/browse.ts
import { Decimal as Decimal2 } from "decimal.js";

// core/rating/billing.ts
var MAX_SECONDS = 4294967295;
function billingTermsError(t) {
  const { first, next, min, grace } = t;
  if (!isSeconds(first) || first < 1) return `first increment ${String(first)} is not a whole number of seconds \u2265 1`;
  if (!isSeconds(next) || next < 1) return `next increment ${String(next)} is not a whole number of seconds \u2265 1`;
  if (!isSeconds(min)) return `minimum duration ${String(min)} is not a whole number of seconds \u2265 0`;
  if (!isSeconds(grace)) return `grace ${String(grace)} is not a whole number of seconds \u2265 0`;
  return null;
}
function isSeconds(x) {
  return x >>> 0 === x;
}
function billedSeconds(durationS, t) {
  const a = t.first;
  const b = t.next;
  const m = t.min;
  const g = t.grace;
  if (!(a >>> 0 === a && b >>> 0 === b && m >>> 0 === m && g >>> 0 === g && a > 0 && b > 0)) {
    throw new RangeError(billingTermsError(t) ?? "invalid billing terms");
  }
  const d0 = Math.ceil(durationS);
  if (!(durationS >= 0) || d0 >>> 0 !== d0) throw new RangeError(`call duration ${String(durationS)} s is not a number of seconds in [0, ${MAX_SECONDS}]`);
  if (d0 <= g) return 0;
  const d = d0 < m ? m : d0;
  if (d <= a) return a;
  const r = (d - a) % b;
  return r === 0 ? d : d + (b - r);
}
function durationSecondsFromMs(durationMs) {
  if (!(durationMs >= 0 && durationMs <= Number.MAX_SAFE_INTEGER)) {
    throw new RangeError(`call duration ${String(durationMs)} ms is not a non-negative number`);
  }
  if (Number.isInteger(durationMs)) {
    const r2 = durationMs % 1e3;
    return (durationMs - r2) / 1e3 + (r2 === 0 ? 0 : 1);
  }
  const whole = Math.floor(durationMs);
  const r = whole % 1e3;
  return (whole - r) / 1e3 + 1;
}

// core/rating/rounding.ts
var MAX_SAFE = Number.MAX_SAFE_INTEGER;
var UNITS = [1e8, 1e7, 1e6, 1e5, 1e4, 1e3, 100, 10, 1];
var UNITS_BIG = UNITS.map((u) => BigInt(u));
function roundingUnitE8(decimals) {
  const unit = UNITS[decimals];
  if (unit === void 0) throw new RangeError(`rounding decimals ${String(decimals)} is not a whole number from 0 to 8`);
  return unit;
}
function roundQuotient(q, r, d, mode) {
  if (r === 0) return q;
  switch (mode) {
    case "half-up":
      return r * 2 >= d ? q + 1 : q;
    case "half-even": {
      const twice = r * 2;
      return twice > d || twice === d && q % 2 === 1 ? q + 1 : q;
    }
    case "up":
      return q + 1;
    case "down":
      return q;
    default:
      throw new RangeError(`rounding mode ${String(mode)} is not half-up, half-even, up or down`);
  }
}
function roundRatioUnchecked(numerator, denominator, unit, mode) {
  const d = denominator * unit;
  const r = numerator % d;
  return roundQuotient((numerator - r) / d, r, d, mode) * unit;
}
function roundRatioBig(numerator, denominator, decimals, mode) {
  const unit = UNITS_BIG[decimals];
  if (unit === void 0) throw new RangeError(`rounding decimals ${String(decimals)} is not a whole number from 0 to 8`);
  if (numerator < 0n) throw new RangeError(`numerator ${numerator} is negative`);
  if (denominator <= 0n) throw new RangeError(`denominator ${denominator} is not > 0`);
  const d = denominator * unit;
  const q = numerator / d;
  const r = numerator - q * d;
  if (r === 0n) return q * unit;
  let up;
  switch (mode) {
    case "half-up":
      up = r * 2n >= d;
      break;
    case "half-even": {
      const twice = r * 2n;
      up = twice > d || twice === d && (q & 1n) === 1n;
      break;
    }
    case "up":
      up = true;
      break;
    case "down":
      up = false;
      break;
    default:
      throw new RangeError(`rounding mode ${String(mode)} is not half-up, half-even, up or down`);
  }
  return (up ? q + 1n : q) * unit;
}

// core/rating/amount.ts
var MAX_SAFE2 = Number.MAX_SAFE_INTEGER;
var MAX_SAFE_BIG = BigInt(MAX_SAFE2);
function isMode(m) {
  return m === "half-up" || m === "half-even" || m === "up" || m === "down";
}
function chargeCall(durationS, rateE8, feeE8, t, p) {
  const billed = billedSeconds(durationS, t);
  if (!(Number.isSafeInteger(rateE8) && rateE8 >= 0 && Number.isSafeInteger(feeE8) && feeE8 >= 0)) {
    throw new RangeError(`rate ${String(rateE8)} and fee ${String(feeE8)} must be safe integers \u2265 0 (e8 units)`);
  }
  const unit = roundingUnitE8(p.decimals);
  const mode = p.mode;
  if (!isMode(mode)) throw new RangeError(`rounding mode ${String(mode)} is not half-up, half-even, up or down`);
  const level = p.level;
  if (billed === 0) {
    if (level === "per-line") return { billedSeconds: 0, amountE8: null, exactX60: 0, feeE8: 0 };
    if (level === "per-call" || level === "per-increment") return { billedSeconds: 0, amountE8: 0, exactX60: 0, feeE8: 0 };
    throw badLevel(level);
  }
  const product = billed * rateE8;
  const exactX60 = product + feeE8 * 60;
  if (!(exactX60 <= MAX_SAFE2)) return chargeCallBig(billed, rateE8, feeE8, t, p);
  let amountE8;
  switch (level) {
    case "per-call":
      amountE8 = roundRatioUnchecked(product, 60, unit, mode) + feeE8;
      break;
    case "per-increment": {
      const n = (billed - t.first) / t.next;
      amountE8 = roundRatioUnchecked(rateE8 * t.first, 60, unit, mode) + feeE8;
      if (n !== 0) amountE8 += n * roundRatioUnchecked(rateE8 * t.next, 60, unit, mode);
      if (!(amountE8 <= MAX_SAFE2)) return chargeCallBig(billed, rateE8, feeE8, t, p);
      break;
    }
    case "per-line":
      amountE8 = null;
      break;
    default:
      throw badLevel(level);
  }
  return { billedSeconds: billed, amountE8, exactX60, feeE8 };
}
function badLevel(level) {
  return new RangeError(`rounding level ${String(level)} is not per-call, per-increment or per-line`);
}
function chargeCallBig(billed, rateE8, feeE8, t, p) {
  const B = BigInt(billed);
  const R = BigInt(rateE8);
  const F = BigInt(feeE8);
  const product = B * R;
  const x60 = product + 60n * F;
  const exactX60 = x60 <= MAX_SAFE_BIG ? Number(x60) : x60;
  let amount;
  switch (p.level) {
    case "per-call":
      amount = roundRatioBig(product, 60n, p.decimals, p.mode) + F;
      break;
    case "per-increment": {
      const first = BigInt(t.first);
      const next = BigInt(t.next);
      const n = (B - first) / next;
      amount = roundRatioBig(R * first, 60n, p.decimals, p.mode) + F;
      if (n !== 0n) amount += n * roundRatioBig(R * next, 60n, p.decimals, p.mode);
      break;
    }
    case "per-line":
      amount = null;
      break;
    default:
      throw badLevel(p.level);
  }
  if (amount !== null && amount > MAX_SAFE_BIG) {
    throw new RangeError(`the amount of one call (${formatAmountE8(amount)}) is beyond the exact range of 2^53 \u2212 1 e8`);
  }
  return { billedSeconds: billed, amountE8: amount === null ? null : Number(amount), exactX60, feeE8 };
}
function lineAmountE8(sumExactX60, p, sumFeesE8) {
  if (sumFeesE8 < 0n) throw new RangeError(`the sum of fees ${sumFeesE8} is negative`);
  const usageX60 = sumExactX60 - 60n * sumFeesE8;
  if (usageX60 < 0n) throw new RangeError("the sum of fees is more than the line's exact amount");
  return roundRatioBig(usageX60, 60n, p.decimals, p.mode) + sumFeesE8;
}
function formatAmountE8(amountE8, minDecimals = 2) {
  if (typeof amountE8 === "number") return formatScaled(amountE8, minDecimals);
  if (amountE8 >= -MAX_SAFE_BIG && amountE8 <= MAX_SAFE_BIG) return formatScaled(Number(amountE8), minDecimals);
  const negative = amountE8 < 0n;
  const abs = negative ? -amountE8 : amountE8;
  const whole = abs / 100000000n;
  const frac = formatScaled(Number(abs - whole * 100000000n), minDecimals).slice(1);
  return `${negative ? "-" : ""}${whole}${frac}`;
}

// core/cdrs/totals.ts
var REASONS = { 1: "no rate", 2: "closed code", 3: "blocked", 4: "invalid number" };
function callWhere(f) {
  const col = f.tableScan ? "+c." : "c.";
  const where2 = [`${col}${f.side === "buy" ? "vendor_id" : "customer_id"} = @carrier`];
  const params = { carrier: f.carrierId };
  if (f.source) {
    where2.push(`${col}source = @source`);
    params.source = SOURCE_CODE[f.source];
  }
  if (f.importId !== void 0) {
    where2.push("c.import_id = @import");
    params.import = f.importId;
  }
  if (f.fromMs !== void 0) {
    where2.push("c.start_ms >= @from");
    params.from = f.fromMs;
  }
  if (f.toMs !== void 0) {
    where2.push("c.start_ms < @to");
    params.to = f.toMs;
  }
  return { sql: where2.join(" AND "), params };
}
function sideTotals(db2, carrierId2, source, side, importId, range, policy, currency) {
  const { sql, params } = callWhere({ carrierId: carrierId2, source, side, importId, ...range });
  const counts = db2.prepare(`SELECT c.${side}_status AS status, c.${side}_reason AS reason, count(*) AS n, sum(c.${side}_amount_e8) AS amount
    FROM cdrs c WHERE ${sql} GROUP BY 1, 2`).all(params);
  const out3 = {
    side,
    rated: 0,
    free: 0,
    unrated: { "no rate": 0, "closed code": 0, blocked: 0, "invalid number": 0 },
    amount: "0",
    currency: currency ?? ""
  };
  let total = 0n;
  for (const c of counts) {
    if (c.status === 0) {
      out3.rated += c.n;
      total += BigInt(c.amount ?? 0);
    } else if (c.status === 1) out3.free += c.n;
    else if (c.status === 2) out3.unrated[REASONS[c.reason ?? 1]] += c.n;
  }
  const meta = db2.prepare(`SELECT r.currency AS currency, ca.rounding_level AS level, ca.rounding_decimals AS decimals, ca.rounding_mode AS mode
    FROM carriers ca LEFT JOIN rates r ON r.carrier_id = ca.id AND r.side = ? WHERE ca.id = ? LIMIT 1`).get(side, carrierId2);
  const p = policy ?? { level: meta.level, decimals: meta.decimals, mode: meta.mode };
  out3.currency = currency ?? meta.currency ?? "";
  if (p.level === "per-line") {
    total = 0n;
    const lines = db2.prepare(`SELECT sum(c.${side}_exact_x60) AS x60, sum(r.connection_fee_e8) AS fees FROM cdrs c JOIN rates r ON r.id = c.${side}_rate_id
      WHERE ${sql} AND c.${side}_status = 0 GROUP BY r.destination, r.rate_per_min_e8`).safeIntegers(true).all(params);
    for (const l of lines) total += lineAmountE8(l.x60, p, l.fees);
  }
  out3.amount = formatAmountE8(total);
  return out3;
}

// core/rates/prefix-trie.ts
var PrefixTrie = class {
  children;
  values;
  nodes = 1;
  constructor(expectedPrefixes = 1024) {
    const capacity = Math.max(16, expectedPrefixes * 2);
    this.children = new Int32Array(capacity * 10);
    this.values = new Int32Array(capacity).fill(-1);
  }
  get size() {
    return this.nodes;
  }
  grow() {
    const capacity = this.values.length * 2;
    const children = new Int32Array(capacity * 10);
    children.set(this.children);
    const values = new Int32Array(capacity).fill(-1);
    values.set(this.values);
    this.children = children;
    this.values = values;
  }
  /** Stores `value` (≥ 0) for a digit prefix; a later insert of the same prefix replaces it. */
  insert(prefix, value) {
    let node = 0;
    for (let i = 0; i < prefix.length; i++) {
      const d = prefix.charCodeAt(i) - 48;
      if (d < 0 || d > 9) throw new Error(`prefix "${prefix}" is not all digits`);
      const slot = node * 10 + d;
      let child = this.children[slot];
      if (child === 0) {
        if (this.nodes >= this.values.length) this.grow();
        child = this.nodes++;
        this.children[slot] = child;
      }
      node = child;
    }
    this.values[node] = value;
  }
  /** The value of the longest stored prefix of `digits`, or -1. Non-digits end the match. */
  longest(digits) {
    let node = 0;
    let best = this.values[0];
    const children = this.children;
    const values = this.values;
    for (let i = 0; i < digits.length; i++) {
      const d = digits.charCodeAt(i) - 48;
      if (d < 0 || d > 9) break;
      node = children[node * 10 + d];
      if (node === 0) break;
      const v = values[node];
      if (v >= 0) best = v;
    }
    return best;
  }
  /** Every stored prefix of `digits`, shortest first, written into `out`; returns how many. */
  matches(digits, out3) {
    let node = 0;
    let n = 0;
    const children = this.children;
    const values = this.values;
    if (values[0] >= 0 && n < out3.length) out3[n++] = values[0];
    for (let i = 0; i < digits.length; i++) {
      const d = digits.charCodeAt(i) - 48;
      if (d < 0 || d > 9) break;
      node = children[node * 10 + d];
      if (node === 0) break;
      const v = values[node];
      if (v >= 0 && n < out3.length) out3[n++] = v;
    }
    return n;
  }
};

// core/rates/versioned-table.ts
var KIND_CLOSED = 1;
var KIND_BLOCKED = 2;
var VersionedRateTable = class _VersionedRateTable {
  constructor(trie, groupStart, groupCount, ids, from, to, kind, rateE8, feeE8, first, next, min, grace, prefixes, versionPrefix) {
    this.trie = trie;
    this.groupStart = groupStart;
    this.groupCount = groupCount;
    this.ids = ids;
    this.from = from;
    this.to = to;
    this.kind = kind;
    this.rateE8 = rateE8;
    this.feeE8 = feeE8;
    this.first = first;
    this.next = next;
    this.min = min;
    this.grace = grace;
    this.prefixes = prefixes;
    this.versionPrefix = versionPrefix;
  }
  trie;
  groupStart;
  groupCount;
  ids;
  from;
  to;
  kind;
  rateE8;
  feeE8;
  first;
  next;
  min;
  grace;
  prefixes;
  versionPrefix;
  get size() {
    return this.ids.length;
  }
  static load(db2, carrierId2, side) {
    const count = db2.prepare("SELECT count(*) FROM rates WHERE carrier_id = ? AND side = ? AND superseded_by_import_id IS NULL").pluck().get(carrierId2, side);
    const ids = new Float64Array(count);
    const from = new Float64Array(count);
    const to = new Float64Array(count);
    const kind = new Uint8Array(count);
    const rateE8 = new Float64Array(count);
    const feeE8 = new Float64Array(count);
    const first = new Int32Array(count);
    const next = new Int32Array(count);
    const min = new Int32Array(count);
    const grace = new Int32Array(count);
    const versionPrefix = new Int32Array(count);
    const prefixes = [];
    const starts = [];
    const counts = [];
    const stmt = db2.prepare(
      `SELECT id, prefix, effective_from_ms, effective_to_ms, CASE kind WHEN 'rate' THEN 0 WHEN 'closed' THEN 1 ELSE 2 END,
           rate_per_min_e8, connection_fee_e8, first_increment_s, next_increment_s, min_duration_s, grace_s
         FROM rates WHERE carrier_id = ? AND side = ? AND superseded_by_import_id IS NULL ORDER BY prefix, effective_from_ms`
    ).raw();
    let i = 0;
    let last = "";
    for (const r of stmt.iterate(carrierId2, side)) {
      if (i >= count) break;
      if (r[1] !== last || prefixes.length === 0) {
        prefixes.push(r[1]);
        starts.push(i);
        counts.push(0);
        last = r[1];
      }
      counts[counts.length - 1]++;
      ids[i] = r[0];
      from[i] = r[2];
      to[i] = r[3] ?? Number.POSITIVE_INFINITY;
      kind[i] = r[4];
      rateE8[i] = r[5] ?? 0;
      feeE8[i] = r[6];
      first[i] = r[7];
      next[i] = r[8];
      min[i] = r[9];
      grace[i] = r[10];
      versionPrefix[i] = prefixes.length - 1;
      i++;
    }
    const trie = new PrefixTrie(prefixes.length * 3);
    prefixes.forEach((p, g) => trie.insert(p, g));
    return new _VersionedRateTable(trie, Int32Array.from(starts), Int32Array.from(counts), ids, from, to, kind, rateE8, feeE8, first, next, min, grace, prefixes, versionPrefix);
  }
  /**
   * The version that rates a call to `digits` starting at `atMs`: the longest prefix that has a
   * version in force then (a prefix that did not exist yet, or had ended, leaves the call to a
   * shorter one), or -1. Closed and blocked versions are returned: they shadow shorter prefixes.
   */
  match(digits, atMs) {
    const groups = this.trie.matches(digits, this.scratch);
    for (let k = groups - 1; k >= 0; k--) {
      const g = this.scratch[k];
      const start = this.groupStart[g];
      const end = start + this.groupCount[g];
      for (let v = end - 1; v >= start; v--) {
        if (this.from[v] <= atMs) {
          if (atMs < this.to[v]) return v;
          break;
        }
      }
    }
    return -1;
  }
  scratch = new Int32Array(32);
};

// core/rates/normalise-number.ts
var MAX_DIGITS = 20;
function normaliseNumber(raw, techPrefixes = []) {
  if (techPrefixes.length === 0) {
    const plus = raw.charCodeAt(0) === 43 ? 1 : 0;
    let allDigits = raw.length > plus;
    for (let i = plus; i < raw.length && allDigits; i++) {
      const c = raw.charCodeAt(i);
      if (c < 48 || c > 57) allDigits = false;
    }
    if (allDigits) {
      let digits2 = plus ? raw.slice(1) : raw;
      if (digits2.startsWith("00")) digits2 = digits2.slice(2);
      else if (digits2.startsWith("011")) digits2 = digits2.slice(3);
      if (digits2 === "") return { ok: false, reason: "the number has no digits" };
      if (digits2.length > MAX_DIGITS) return { ok: false, reason: `the number is longer than ${MAX_DIGITS} digits` };
      return { ok: true, digits: digits2 };
    }
  }
  let s = raw.trim();
  for (const tp of techPrefixes) {
    if (tp && s.startsWith(tp)) {
      s = s.slice(tp.length);
      break;
    }
  }
  if (/[a-z]/i.test(s.replace(/^(sip:|tel:)/i, "").replace(/@.*$/, ""))) return { ok: false, reason: "the number contains letters" };
  let digits = s.replace(/^(sip:|tel:)/i, "").replace(/@.*$/, "").replace(/\D+/g, "");
  if (digits.startsWith("00")) digits = digits.slice(2);
  else if (digits.startsWith("011")) digits = digits.slice(3);
  if (digits === "") return { ok: false, reason: "the number has no digits" };
  if (digits.length > MAX_DIGITS) return { ok: false, reason: `the number is longer than ${MAX_DIGITS} digits` };
  return { ok: true, digits };
}

// core/rating/rate-call.ts
function makeCallRater(table, carrier) {
  const policy = carrier.rounding;
  const tech = carrier.techPrefixes;
  const terms = { first: 0, next: 0, min: 0, grace: 0 };
  return (called, startMs, durationMs, answered) => {
    if (!answered || durationMs <= 0) return { status: STATUS_FREE, reason: null, rateId: null, billedS: 0, amountE8: 0, exactX60: 0 };
    const n = normaliseNumber(called, tech);
    if (!n.ok) return { status: STATUS_UNRATED, reason: REASON_INVALID_NUMBER, rateId: null, billedS: 0, amountE8: null, exactX60: 0 };
    const v = table.match(n.digits, startMs);
    if (v < 0) return { status: STATUS_UNRATED, reason: REASON_NO_RATE, rateId: null, billedS: 0, amountE8: null, exactX60: 0 };
    const kind = table.kind[v];
    if (kind === KIND_CLOSED) return { status: STATUS_UNRATED, reason: REASON_CLOSED, rateId: table.ids[v], billedS: 0, amountE8: null, exactX60: 0 };
    if (kind === KIND_BLOCKED) return { status: STATUS_UNRATED, reason: REASON_BLOCKED, rateId: table.ids[v], billedS: 0, amountE8: null, exactX60: 0 };
    terms.first = table.first[v];
    terms.next = table.next[v];
    terms.min = table.min[v];
    terms.grace = table.grace[v];
    const c = chargeCall(durationSecondsFromMs(durationMs), table.rateE8[v], table.feeE8[v], terms, policy);
    if (c.billedSeconds === 0) return { status: STATUS_FREE, reason: null, rateId: table.ids[v], billedS: 0, amountE8: 0, exactX60: 0 };
    return { status: STATUS_RATED, reason: null, rateId: table.ids[v], billedS: c.billedSeconds, amountE8: c.amountE8, exactX60: c.exactX60 };
  };
}

// core/rating/rerate.ts
var PAGE = 1e5;
function periodArgs(text, zone, flag) {
  if (!text) return void 0;
  const p = parseInstant(text, zone);
  if (!p.ok) throw new TrunklineError("INVALID_ARGUMENTS", `${flag} "${text}": ${p.reason}`);
  return p.ms;
}
async function runRating(ctx, args, job) {
  const carrier = requireCarrier(ctx, args.carrier);
  const fromMs = periodArgs(args.from, carrier.timezone, "--from");
  const toMs = periodArgs(args.to, carrier.timezone, "--to");
  const side = args.side;
  const rate = makeCallRater(VersionedRateTable.load(ctx.db, carrier.id, side), carrier);
  const { sql, params } = callWhere({ carrierId: carrier.id, source: args.source, side, fromMs, toMs, tableScan: true });
  const page = ctx.db.prepare(`SELECT c.id, c.start_ms, c.called, c.duration_ms, c.answered, c.${side}_status, c.${side}_reason, c.${side}_rate_id,
      c.${side}_billed_s, c.${side}_amount_e8, c.${side}_exact_x60 FROM cdrs c WHERE ${sql} AND c.id > @after ORDER BY c.id LIMIT ${PAGE}`).raw();
  const update = ctx.db.prepare(`UPDATE cdrs SET ${side}_status = ?, ${side}_reason = ?, ${side}_rate_id = ?, ${side}_billed_s = ?,
      ${side}_amount_e8 = ?, ${side}_exact_x60 = ? WHERE id = ?`);
  let after = 0;
  let calls = 0;
  let changed = 0;
  ctx.db.exec("BEGIN IMMEDIATE");
  try {
    for (; ; ) {
      const rows = page.all({ ...params, after });
      if (rows.length === 0) break;
      const changes = [];
      for (const r of rows) {
        const n = rate(r[2], r[1], r[3], r[4] === 1);
        if (n.status !== r[5] || n.reason !== r[6] || n.rateId !== r[7] || n.billedS !== r[8] || n.amountE8 !== r[9] || n.exactX60 !== r[10]) {
          changes.push([n, r[0]]);
        }
      }
      for (const [n, id] of changes) update.run(n.status, n.reason, n.rateId, n.billedS, n.amountE8, n.exactX60, id);
      calls += rows.length;
      changed += changes.length;
      after = rows[rows.length - 1][0];
      job.progress("rating", calls);
      if (job.signal.aborted) throw new TrunklineError("JOB_CANCELLED", "the rating was cancelled; nothing was written");
      await new Promise((resolve) => setImmediate(resolve));
    }
    const totals = sideTotals(ctx.db, carrier.id, args.source, side, void 0, { fromMs, toMs });
    ctx.db.exec("COMMIT");
    return {
      ...totals,
      carrier: carrier.name,
      calls,
      changed,
      unchanged: calls - changed,
      from: fromMs === void 0 ? null : isoInstant(fromMs),
      to: toMs === void 0 ? null : isoInstant(toMs)
    };
  } catch (e) {
    if (ctx.db.inTransaction) ctx.db.exec("ROLLBACK");
    throw e;
  }
}

// core/cdrs/browse.ts
var STATUS = ["rated", "free", "unrated"];
var STATUS_CODE = { rated: 0, free: 1, unrated: 2 };
function columns(s) {
  return `c.id, ca.name AS carrier, c.source, c.call_id, c.start_ms, c.calling, c.called, c.duration_ms, c.answered, c.${s}_billed_s AS billed,
    r.prefix, r.destination, r.rate_per_min_e8 AS rate, c.${s}_amount_e8 AS amount, c.${s}_exact_x60 AS x60, r.currency, c.${s}_status AS status,
    c.${s}_reason AS reason, c.import_id, ca.rounding_level AS level`;
}
function toRow(r) {
  const status = r.status === null ? "not rated" : STATUS[r.status];
  const amount = status !== "rated" ? null : r.level === "per-line" ? decimalText(new Decimal2(r.x60 ?? 0).dividedBy(60).dividedBy(1e8).toDecimalPlaces(10)) : formatScaled(r.amount ?? 0);
  return {
    id: r.id,
    carrier: r.carrier,
    source: r.source === 0 ? "own" : "carrier",
    callId: r.call_id,
    start: isoInstant(r.start_ms),
    calling: r.calling,
    called: r.called,
    duration: decimalText(new Decimal2(r.duration_ms).dividedBy(1e3)),
    answered: r.answered === 1,
    billedSeconds: r.billed ?? 0,
    prefix: r.prefix,
    destination: r.destination,
    rate: r.rate === null ? null : formatScaled(r.rate),
    amount,
    currency: r.currency,
    status,
    reason: r.reason === null ? null : REASONS[r.reason],
    importId: r.import_id
  };
}
function legColumn(side) {
  return side === "buy" ? "vendor_id" : "customer_id";
}
function queryCdrs(ctx, args) {
  const carrier = requireCarrier(ctx, args.carrier);
  const s = args.side;
  const { sql, params } = callWhere({
    carrierId: carrier.id,
    source: args.source,
    side: s,
    fromMs: periodArgs(args.from, carrier.timezone, "from"),
    toMs: periodArgs(args.to, carrier.timezone, "to")
  });
  const where2 = [sql];
  if (args.status) {
    where2.push(`c.${s}_status = @status`);
    params.status = STATUS_CODE[args.status];
  }
  if (args.destination) {
    where2.push(`r.destination LIKE @destination ${LIKE_ESCAPE}`);
    params.destination = containsPattern(args.destination);
  }
  if (args.called) {
    where2.push("c.called >= @calledFrom AND c.called < @calledTo");
    params.calledFrom = args.called;
    params.calledTo = args.called + ":";
  }
  const limit = args.endRow - args.startRow;
  const rows = ctx.db.prepare(`SELECT ${columns(s)} FROM cdrs c JOIN carriers ca ON ca.id = c.${legColumn(s)} LEFT JOIN rates r ON r.id = c.${s}_rate_id
    WHERE ${where2.join(" AND ")} ORDER BY c.source, c.start_ms, c.id LIMIT @limit OFFSET @offset`).all({ ...params, limit, offset: args.startRow });
  return { rows: rows.map(toRow), lastRow: rows.length < limit ? args.startRow + rows.length : null };
}
function explainCdr(ctx, args) {
  const s = args.side;
  const raw = ctx.db.prepare(`SELECT ${columns(s)} FROM cdrs c JOIN carriers ca ON ca.id = c.${legColumn(s)}
    LEFT JOIN rates r ON r.id = c.${s}_rate_id WHERE c.id = ?`).get(args.id);
  if (!raw) {
    const exists = ctx.db.prepare("SELECT 1 FROM cdrs WHERE id = ?").get(args.id);
    throw new TrunklineError("INVALID_ARGUMENTS", exists ? `call #${args.id} has no ${s === "buy" ? "vendor" : "customer"} leg to explain on the ${s} side` : `no call #${args.id}`, { id: args.id });
  }
  const call = toRow(raw);
  const carrier = requireCarrier(ctx, raw.carrier);
  const steps = [];
  const done = (status, reason, billed2, amount2, candidates2 = []) => ({
    call,
    steps,
    candidates: candidates2,
    now: { status, reason, billedSeconds: billed2, amount: amount2 },
    storedMatchesNow: call.status === status && call.reason === reason && call.billedSeconds === billed2 && (status !== "rated" || call.amount === amount2)
  });
  steps.push({ step: "call", detail: `${call.called} at ${call.start} (UTC), ${call.duration} s, ${call.answered ? "answered" : "not answered"}` });
  if (!call.answered || raw.duration_ms <= 0) {
    steps.push({ step: "free", detail: "not answered or zero duration: no charge" });
    return done("free", null, 0, null);
  }
  const n = normaliseNumber(call.called, carrier.techPrefixes);
  if (!n.ok) {
    steps.push({ step: "number", detail: `${n.reason}: unrated (invalid number)` });
    return done("unrated", "invalid number", 0, null);
  }
  steps.push({ step: "number", detail: `normalised to ${n.digits}${carrier.techPrefixes.length ? ` (technical prefixes ${carrier.techPrefixes.join(", ")} stripped)` : ""}` });
  const prefixes = [];
  for (let len = Math.min(n.digits.length, 15); len >= 1; len--) prefixes.push(n.digits.slice(0, len));
  const versions = ctx.db.prepare(`SELECT id, prefix, destination, kind, rate_per_min_e8 AS rate, connection_fee_e8 AS fee, effective_from_ms AS "from",
      effective_to_ms AS "to", first_increment_s AS first, next_increment_s AS next, min_duration_s AS min, grace_s AS grace
    FROM rates WHERE carrier_id = ? AND side = ? AND superseded_by_import_id IS NULL AND prefix IN (${prefixes.map(() => "?").join(", ")})
    ORDER BY length(prefix) DESC, effective_from_ms`).all(carrier.id, s, ...prefixes);
  const at = raw.start_ms;
  const chosen = versions.find((v) => v.from <= at && (v.to === null || at < v.to));
  const candidates = versions.map((v) => ({
    prefix: v.prefix,
    destination: v.destination,
    effectiveFrom: isoInstant(v.from),
    effectiveTo: v.to === null ? null : isoInstant(v.to),
    kind: v.kind,
    rate: v.rate === null ? null : formatScaled(v.rate),
    chosen: v === chosen
  }));
  if (!chosen) {
    steps.push({ step: "match", detail: `no prefix of ${n.digits} has a version in force at ${call.start} in ${carrier.name}'s ${s} deck: unrated (no rate)` });
    return done("unrated", "no rate", 0, null, candidates);
  }
  steps.push({ step: "match", detail: `longest prefix in force at ${call.start}: ${chosen.prefix} ${chosen.destination} (version from ${isoInstant(chosen.from)})` });
  if (chosen.kind !== "rate") {
    const reason = chosen.kind === "closed" ? "closed code" : "blocked";
    steps.push({ step: "status", detail: `that version ${chosen.kind === "closed" ? "closes the code" : "blocks the code"}: unrated (${reason}); a shorter prefix is not used` });
    return done("unrated", reason, 0, null, candidates);
  }
  const terms = { first: chosen.first, next: chosen.next, min: chosen.min, grace: chosen.grace };
  const seconds = durationSecondsFromMs(raw.duration_ms);
  const billed = billedSeconds(seconds, terms);
  steps.push({ step: "billing", detail: `${seconds} s with ${chosen.first}/${chosen.next}${chosen.min ? `, minimum ${chosen.min} s` : ""}${chosen.grace ? `, grace ${chosen.grace} s` : ""} \u2192 ${billed} billed seconds` });
  if (billed === 0) return done("free", null, 0, null, candidates);
  const charge = chargeCall(seconds, chosen.rate ?? 0, chosen.fee, terms, carrier.rounding);
  const exact = new Decimal2(charge.exactX60.toString()).dividedBy(60).dividedBy(1e8);
  const amount = charge.amountE8 === null ? decimalText(exact.toDecimalPlaces(10)) : formatScaled(charge.amountE8);
  steps.push({
    step: "amount",
    detail: `${billed} / 60 \xD7 ${formatScaled(chosen.rate ?? 0)}${chosen.fee ? ` + fee ${formatScaled(chosen.fee)}` : ""} = ${decimalText(exact)} exactly; ${carrier.rounding.level}, ${carrier.rounding.decimals} decimals, ${carrier.rounding.mode} \u2192 ${charge.amountE8 === null ? `${amount} (rounded on the invoice line)` : formatAmountE8(charge.amountE8, 2)}`
  });
  return done("rated", null, billed, amount, candidates);
}

// core/cdrs/handlers.ts
import { createWriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { extname } from "node:path";
import { Decimal as Decimal3 } from "decimal.js";
import ExcelJS2 from "exceljs";

// core/util/csv.ts
function spreadsheetSafe(text) {
  if (/^[+-]\d+(?:\.\d+)?$/.test(text)) return text;
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}
function csvField(text) {
  const safe = spreadsheetSafe(text);
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

// core/cdrs/handlers.ts
function minutes(value, perMinute) {
  return decimalText(new Decimal3(value.toString()).dividedBy(perMinute).toDecimalPlaces(4, Decimal3.ROUND_HALF_UP), 4);
}
function summariseCdrs(ctx, args) {
  const carrier = requireCarrier(ctx, args.carrier);
  const fromMs = periodArgs(args.from, carrier.timezone, "--from");
  const toMs = periodArgs(args.to, carrier.timezone, "--to");
  const s = args.side;
  const { sql, params } = callWhere({ carrierId: carrier.id, source: args.source, side: s, fromMs, toMs, tableScan: fromMs === void 0 && toMs === void 0 });
  const groups = ctx.db.prepare(`SELECT g.status, g.reason, g.n, g.ms, g.answered, g.billed, g.amount, g.x60,
      r.destination, r.prefix, r.rate_per_min_e8 AS rate, r.connection_fee_e8 AS fee, r.currency
    FROM (SELECT c.${s}_status AS status, c.${s}_reason AS reason, c.${s}_rate_id AS rid, count(*) AS n, sum(c.duration_ms) AS ms,
            sum(c.answered) AS answered, sum(c.${s}_billed_s) AS billed, sum(c.${s}_amount_e8) AS amount, sum(c.${s}_exact_x60) AS x60
          FROM cdrs c WHERE ${sql} GROUP BY 1, 2, 3) g
    LEFT JOIN rates r ON r.id = g.rid AND g.status = 0`).safeIntegers(true).all(params);
  const unrated = /* @__PURE__ */ new Map();
  let calls = 0;
  let answered = 0;
  let ms2 = 0n;
  for (const a of groups) {
    calls += Number(a.n);
    answered += Number(a.answered);
    ms2 += a.ms ?? 0n;
    if (a.status === 2n) {
      const reason = REASONS[Number(a.reason ?? 1n)];
      const u = unrated.get(reason) ?? { calls: 0, ms: 0n };
      u.calls += Number(a.n);
      u.ms += a.ms ?? 0n;
      unrated.set(reason, u);
    }
  }
  const perLine = carrier.rounding.level === "per-line";
  const byDest = /* @__PURE__ */ new Map();
  let currency = "";
  for (const g of groups) {
    if (g.status !== 0n || g.destination === null) continue;
    currency ||= g.currency ?? "";
    let d = byDest.get(g.destination);
    if (!d) byDest.set(g.destination, d = { prefixes: /* @__PURE__ */ new Set(), n: 0, ms: 0n, billed: 0n, amount: 0n, lines: /* @__PURE__ */ new Map() });
    d.prefixes.add(g.prefix);
    d.n += Number(g.n);
    d.ms += g.ms ?? 0n;
    d.billed += g.billed ?? 0n;
    d.amount += g.amount ?? 0n;
    const line = d.lines.get(g.rate) ?? { x60: 0n, fees: 0n };
    line.x60 += g.x60 ?? 0n;
    line.fees += g.fee * g.n;
    d.lines.set(g.rate, line);
  }
  const lines = [];
  let totalAmount = 0n;
  let totalBilled = 0n;
  for (const [destination, d] of [...byDest].sort((a, b) => a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)) {
    let amount = d.amount;
    if (perLine) {
      amount = 0n;
      for (const l of d.lines.values()) amount += lineAmountE8(l.x60, carrier.rounding, l.fees);
    }
    totalAmount += amount;
    totalBilled += d.billed;
    lines.push({
      destination,
      prefix: d.prefixes.size === 1 ? [...d.prefixes][0] : null,
      calls: d.n,
      minutes: minutes(d.ms, 6e4),
      billedMinutes: minutes(d.billed, 60),
      amount: formatAmountE8(amount)
    });
  }
  return {
    carrier: carrier.name,
    source: args.source,
    side: s,
    currency: currency || carrier.currency,
    from: fromMs === void 0 ? null : isoInstant(fromMs),
    to: toMs === void 0 ? null : isoInstant(toMs),
    lines,
    unrated: [...unrated].map(([reason, u]) => ({ reason, calls: u.calls, minutes: minutes(u.ms, 6e4) })),
    totals: { calls, answered, minutes: minutes(ms2, 6e4), billedMinutes: minutes(totalBilled, 60), amount: formatAmountE8(totalAmount) }
  };
}
var STATUS2 = ["rated", "free", "unrated"];
async function exportCdrs(ctx, args, job) {
  const carrier = requireCarrier(ctx, args.carrier);
  const fromMs = periodArgs(args.from, carrier.timezone, "--from");
  const toMs = periodArgs(args.to, carrier.timezone, "--to");
  const ext = extname(args.out).toLowerCase();
  const format = ext === ".xlsx" ? "xlsx" : ext === ".csv" ? "csv" : void 0;
  if (!format) throw new TrunklineError("INVALID_ARGUMENTS", `--out "${args.out}": the file must end in .csv or .xlsx`);
  const s = args.side;
  const perLine = carrier.rounding.level === "per-line";
  const { sql, params } = callWhere({ carrierId: carrier.id, source: args.source, side: s, fromMs, toMs });
  const stmt = ctx.db.prepare(`SELECT c.call_id, c.start_ms, c.calling, c.called, c.duration_ms, c.${s}_billed_s, r.prefix, r.destination,
      r.rate_per_min_e8, c.${s}_amount_e8, c.${s}_exact_x60, r.currency, c.${s}_status, c.${s}_reason
    FROM cdrs c LEFT JOIN rates r ON r.id = c.${s}_rate_id WHERE ${sql} ORDER BY c.start_ms, c.id`).raw();
  const cells = (r) => [
    r[0] ?? "",
    isoInstant(r[1]),
    r[2],
    r[3],
    decimalText(new Decimal3(r[4]).dividedBy(1e3)),
    r[5] ?? 0,
    r[6] ?? "",
    r[7] ?? "",
    r[8] === null ? "" : formatScaled(r[8]),
    // Per-line carriers round lines, not calls: a call's amount is shown exact (to 10 decimals).
    r[12] !== 0 ? "" : perLine ? decimalText(new Decimal3(r[10] ?? 0).dividedBy(60).dividedBy(1e8).toDecimalPlaces(10)) : formatScaled(r[9] ?? 0),
    r[11] ?? carrier.currency,
    r[12] === null ? "not rated" : STATUS2[r[12]],
    r[13] === null ? "" : REASONS[r[13]]
  ];
  const tmp = `${args.out}.partial-${process.pid}`;
  let rows = 0;
  try {
    if (format === "csv") {
      const out3 = createWriteStream(tmp);
      let buf = CDR_EXPORT_COLUMNS.join(",") + "\n";
      for (const r of stmt.iterate(params)) {
        buf += cells(r).map((c) => typeof c === "number" ? String(c) : csvField(c)).join(",") + "\n";
        if (++rows % 5e4 === 0) {
          if (!out3.write(buf)) await new Promise((resolve) => out3.once("drain", () => resolve()));
          buf = "";
          job.progress("exporting", rows);
          if (job.signal.aborted) throw new TrunklineError("JOB_CANCELLED", "the export was cancelled; no file was written");
        }
      }
      await new Promise((resolve, reject) => out3.end(buf, () => resolve()).on("error", reject));
    } else {
      const wb = new ExcelJS2.stream.xlsx.WorkbookWriter({ filename: tmp, useStyles: true, useSharedStrings: false });
      const ws = wb.addWorksheet("CDRs", { views: [{ state: "frozen", ySplit: 1 }] });
      ws.columns = CDR_EXPORT_COLUMNS.map((c) => ({ header: c, key: c, width: c === "destination" ? 30 : c === "start" ? 22 : 14 }));
      ws.getRow(1).font = { bold: true };
      for (const r of stmt.iterate(params)) {
        ws.addRow(cells(r).map((c) => typeof c === "string" ? spreadsheetSafe(c) : c)).commit();
        if (++rows % 5e4 === 0) {
          job.progress("exporting", rows);
          if (job.signal.aborted) throw new TrunklineError("JOB_CANCELLED", "the export was cancelled; no file was written");
        }
      }
      ws.commit();
      await wb.commit();
    }
    await rename(tmp, args.out);
    return { file: args.out, format, rows };
  } catch (e) {
    await rm(tmp, { force: true });
    if (e instanceof TrunklineError) throw e;
    throw new TrunklineError("EXPORT_FAILED", `cannot write ${args.out}: ${e.message}`, { file: args.out });
  }
}

// core/cdrs/import-cdrs.ts
import { createHash as createHash2 } from "node:crypto";
import { closeSync, createReadStream as createReadStream3, createWriteStream as createWriteStream2, openSync, readSync, statSync } from "node:fs";
import { basename as basename2 } from "node:path";
import Papa2 from "papaparse";

// core/util/hash52.ts
function hash53(text, seed = 0) {
  let h1 = 3735928559 ^ seed;
  let h2 = 1103547991 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ h1 >>> 16, 2246822507);
  h1 ^= Math.imul(h2 ^ h2 >>> 13, 3266489909);
  h2 = Math.imul(h2 ^ h2 >>> 16, 2246822507);
  h2 ^= Math.imul(h1 ^ h1 >>> 13, 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

// core/cdrs/cdr-fields.ts
var CDR_FIELDS = [
  "call_id",
  "start",
  "answer",
  "end",
  "date",
  "time",
  "calling",
  "called",
  "duration",
  "duration_ms",
  "disposition",
  "ingress",
  "egress",
  "charge",
  "ignore"
];
var SYNONYMS2 = {
  call_id: [
    "call id",
    "callid",
    "call_id",
    "uniqueid",
    "unique id",
    "uuid",
    "session id",
    "sessionid",
    "cdr id",
    "cdrid",
    "originid",
    "origin id",
    "cgrid",
    "call ref",
    "call reference",
    "correlation id",
    "sip call id",
    "record id",
    "id"
  ],
  // "connect time" is the answer instant (billing by connect time), so it is listed under answer.
  start: [
    "start",
    "start time",
    "start date",
    "start datetime",
    "start date time",
    "start stamp",
    "start_stamp",
    "setup time",
    "setuptime",
    "seize time",
    "seizure time",
    "date time",
    "datetime",
    "call date",
    "call start",
    "call start time",
    "timestamp",
    "time stamp",
    "begin time",
    "origination time",
    "invite time"
  ],
  answer: [
    "answer",
    "answer time",
    "answered time",
    "answer stamp",
    "answer_stamp",
    "answertime",
    "connect time",
    "connected time",
    "connect date",
    "call answer time",
    "answer date time"
  ],
  end: [
    "end",
    "end time",
    "end stamp",
    "end_stamp",
    "disconnect time",
    "release time",
    "hangup time",
    "call end",
    "call end time",
    "stop time",
    "end date time"
  ],
  date: ["date", "call day"],
  time: ["time", "time of day"],
  calling: [
    "calling",
    "calling number",
    "caller",
    "caller number",
    "caller id",
    "callerid",
    "src",
    "source",
    "source number",
    "a number",
    "anumber",
    "a party",
    "a party number",
    "ani",
    "cli",
    "clid",
    "caller_id_number",
    "caller id number",
    "from",
    "origin number",
    "originating number",
    "calling party"
  ],
  called: [
    "called",
    "called number",
    "called party",
    "dst",
    "destination",
    "destination number",
    "destination_number",
    "b number",
    "bnumber",
    "b party",
    "b party number",
    "dnis",
    "to",
    "dialed number",
    "dialled number",
    "dialed",
    "dialled",
    "cld",
    "callee",
    "terminating number",
    "number dialed",
    "number dialled",
    "dest number"
  ],
  duration: [
    "duration",
    "billsec",
    "billable seconds",
    "bill sec",
    "billsecs",
    "billed seconds",
    "billed duration",
    "billable duration",
    "billable time",
    "charged duration",
    "call duration",
    "usage",
    "seconds",
    "secs",
    "talk time",
    "conversation time",
    "duration sec",
    "duration secs",
    "duration seconds",
    "duration s",
    "length",
    "call length"
  ],
  duration_ms: [
    "billmsec",
    "duration ms",
    "duration msec",
    "duration millis",
    "duration milliseconds",
    "billable ms",
    "billed ms",
    "milliseconds",
    "msec"
  ],
  disposition: [
    "disposition",
    "status",
    "call status",
    "hangup cause",
    "hangup_cause",
    "hangupcause",
    "disconnect cause",
    "release cause",
    "cause",
    "result",
    "answered",
    "outcome",
    "sip code",
    "sip status"
  ],
  ingress: [
    "accountcode",
    "account code",
    "account",
    "ingress",
    "ingress trunk",
    "src trunk",
    "source trunk",
    "customer",
    "customer account",
    "customer trunk",
    "client",
    "in trunk",
    "inbound trunk",
    "trunk in",
    "peer in",
    "orig trunk",
    "originating trunk",
    "origination trunk",
    "ingress account",
    "ingress carrier",
    "origin carrier"
  ],
  egress: [
    "peeraccount",
    "peer account",
    "egress",
    "egress trunk",
    "dst trunk",
    "destination trunk",
    "vendor",
    "supplier",
    "vendor trunk",
    "out trunk",
    "outbound trunk",
    "trunk out",
    "peer out",
    "gateway",
    "route",
    "term trunk",
    "terminating trunk",
    "termination trunk",
    "egress account",
    "egress carrier",
    "terminating carrier"
  ],
  charge: [
    "cost",
    "charge",
    "amount",
    "price",
    "call cost",
    "call charge",
    "total",
    "total cost",
    "total charge",
    "charged amount",
    "billed amount"
  ]
};
var PREFERRED = /* @__PURE__ */ new Set([
  "billsec",
  "billable seconds",
  "bill sec",
  "billsecs",
  "billed seconds",
  "billed duration",
  "billable duration",
  "billable time",
  "charged duration",
  "billmsec",
  "billable ms",
  "billed ms",
  "called",
  "called number",
  "b number",
  "bnumber",
  "b party number",
  "destination number",
  "destination_number",
  "dnis",
  "dialed number",
  "dialled number",
  "cld",
  "dest number"
]);
var LOOKUP2 = /* @__PURE__ */ new Map();
for (const [field, names] of Object.entries(SYNONYMS2)) {
  for (const n of names) LOOKUP2.set(normaliseHeader(n), field);
}
var PREFERRED_NORMALISED = new Set([...PREFERRED].map(normaliseHeader));
function guess(header) {
  const n = normaliseHeader(header);
  if (n === "") return void 0;
  const exact = LOOKUP2.get(n);
  if (exact) return { field: exact, name: n, words: 0 };
  const words = n.split(" ");
  let lead;
  for (let k = words.length - 1; k >= 1 && !lead; k--) {
    const name2 = words.slice(0, k).join(" ");
    const f = LOOKUP2.get(name2);
    if (f) lead = { field: f, name: name2, words: k };
  }
  let trail;
  for (let k = 1; k < words.length && !trail && lead; k++) {
    const name2 = words.slice(k).join(" ");
    const f = LOOKUP2.get(name2);
    if (f) trail = { field: f, name: name2, words: words.length - k };
  }
  if (lead && trail) return trail.words > lead.words ? trail : lead;
  return lead;
}
function guessCdrField(header) {
  return guess(header)?.field;
}
function mapCdrColumns(headers, template, overrides) {
  const byIndex = /* @__PURE__ */ new Map();
  const taken = /* @__PURE__ */ new Set();
  for (const [i, f] of explicitColumns(headers, template, overrides)) {
    byIndex.set(i, f);
    if (f !== "ignore") taken.add(f);
  }
  const guesses = headers.map((h, i) => {
    const g = byIndex.has(i) ? void 0 : guess(h);
    return { i, field: g?.field, preferred: g !== void 0 && PREFERRED_NORMALISED.has(g.name) };
  });
  for (const pass of [true, false]) {
    for (const g of guesses) {
      if (g.field === void 0 || g.preferred !== pass || taken.has(g.field)) continue;
      byIndex.set(g.i, g.field);
      taken.add(g.field);
    }
  }
  return { byIndex, headers };
}
function mappedFields(mapping) {
  const fields = /* @__PURE__ */ new Set();
  for (const f of mapping.byIndex.values()) if (f !== "ignore") fields.add(f);
  return fields;
}
function missingCdrFields(mapping) {
  const f = mappedFields(mapping);
  const missing = [];
  if (!f.has("called")) missing.push("called number");
  const hasStart = f.has("start") || f.has("answer") || f.has("date") || f.has("time");
  if (!hasStart) missing.push("start time");
  if (!f.has("duration") && !f.has("duration_ms") && !(f.has("end") && hasStart)) missing.push("duration (or end time)");
  return missing;
}

// core/cdrs/fast-time.ts
import { FixedOffsetZone, IANAZone as IANAZone2 } from "luxon";
var MS_PER_MINUTE = 6e4;
var MS_PER_HOUR = 36e5;
var MS_PER_DAY = 864e5;
var OFFSET_REACH_MS = 15 * MS_PER_HOUR;
var MIN_YEAR2 = 1970;
var MAX_YEAR2 = 2199;
function daysFromCivil(year, month, day) {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = month > 2 ? month - 3 : month + 9;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}
function daysInMonth(year, month) {
  if (month === 2) return year % 4 === 0 && year % 100 !== 0 || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}
function digit(text, i) {
  const c = text.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -1;
}
function two(text, i) {
  const a = digit(text, i);
  const b = digit(text, i + 1);
  return a < 0 || b < 0 ? -1 : a * 10 + b;
}
function zoneObject(zone) {
  const upper = zone.toUpperCase();
  if (upper === "UTC" || upper === "GMT" || upper === "Z") return FixedOffsetZone.utcInstance;
  const fixed = FixedOffsetZone.parseSpecifier(zone);
  if (fixed) return fixed;
  const iana = IANAZone2.create(zone);
  if (!iana.isValid) throw new Error(`unknown time zone "${zone}"`);
  return iana;
}
function wallOffsetMs(zone, localMs) {
  const before = zone.offset(localMs - OFFSET_REACH_MS) * MS_PER_MINUTE;
  const after = zone.offset(localMs + OFFSET_REACH_MS) * MS_PER_MINUTE;
  if (before === after) return before;
  if (zone.offset(localMs - before) * MS_PER_MINUTE === before) return before;
  if (zone.offset(localMs - after) * MS_PER_MINUTE === after) return after;
  return Math.min(before, after);
}
function makeZoneResolver(zone) {
  const z2 = zoneObject(zone);
  if (z2.isUniversal) {
    const fixedOffsetMs = z2.offset(0) * MS_PER_MINUTE;
    return (localMs) => localMs - fixedOffsetMs;
  }
  const hourOffsets = /* @__PURE__ */ new Map();
  let lastHour = Number.NaN;
  let lastOffset = 0;
  return (localMs) => {
    const hour = Math.floor(localMs / MS_PER_HOUR);
    if (hour === lastHour) return localMs - lastOffset;
    let offset = hourOffsets.get(hour);
    if (offset === void 0) {
      const start = hour * MS_PER_HOUR;
      const first = wallOffsetMs(z2, start);
      offset = wallOffsetMs(z2, start + MS_PER_HOUR - 1) === first ? first : Number.NaN;
      hourOffsets.set(hour, offset);
    }
    if (Number.isNaN(offset)) return localMs - wallOffsetMs(z2, localMs);
    lastHour = hour;
    lastOffset = offset;
    return localMs - offset;
  };
}
function makeLocalTimeParser(zone) {
  const localToInstant = makeZoneResolver(zone);
  return (input) => {
    let text = input;
    let len = text.length;
    if (len === 0) return void 0;
    if (text.charCodeAt(0) <= 32 || text.charCodeAt(len - 1) <= 32) {
      text = text.trim();
      len = text.length;
    }
    if (len < 10) return void 0;
    const sep = text.charCodeAt(4);
    if (sep !== 45 && sep !== 47) return epoch(text, len);
    const year = digit(text, 0) * 1e3 + digit(text, 1) * 100 + two(text, 2);
    const month = two(text, 5);
    const day = two(text, 8);
    if (text.charCodeAt(7) !== sep || digit(text, 0) < 0 || digit(text, 1) < 0 || two(text, 2) < 0) return void 0;
    if (year < MIN_YEAR2 || year > MAX_YEAR2 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return void 0;
    let hour = 0;
    let minute = 0;
    let second = 0;
    let ms2 = 0;
    let i = 10;
    if (len > 10) {
      const t = text.charCodeAt(10);
      if (t !== 32 && t !== 84 && t !== 116) return void 0;
      hour = two(text, 11);
      minute = two(text, 14);
      if (text.charCodeAt(13) !== 58 || hour < 0 || hour > 23 || minute < 0 || minute > 59) return void 0;
      i = 16;
      if (text.charCodeAt(16) === 58) {
        second = two(text, 17);
        if (second < 0 || second > 59) return void 0;
        i = 19;
        if (text.charCodeAt(19) === 46 || text.charCodeAt(19) === 44) {
          i = 20;
          let scale = 100;
          while (i < len) {
            const d = digit(text, i);
            if (d < 0) break;
            ms2 += d * scale;
            scale /= 10;
            i++;
          }
          if (i === 20) return void 0;
          ms2 = Math.floor(ms2);
        }
      }
    }
    const localMs = daysFromCivil(year, month, day) * MS_PER_DAY + hour * MS_PER_HOUR + minute * MS_PER_MINUTE + second * 1e3 + ms2;
    if (i === len) return localToInstant(localMs);
    const offset = textOffsetMs(text, i, len);
    return offset === void 0 ? void 0 : localMs - offset;
  };
}
function textOffsetMs(text, start, len) {
  let i = start;
  if (text.charCodeAt(i) === 32) i++;
  const c = text.charCodeAt(i);
  if (c === 90 || c === 122) return i + 1 === len ? 0 : void 0;
  if (c === 43 || c === 45) {
    const hours = two(text, i + 1);
    if (hours < 0 || hours > 14) return void 0;
    i += 3;
    let minutes2 = 0;
    if (text.charCodeAt(i) === 58) i++;
    if (i < len && text.charCodeAt(i) !== 32) {
      minutes2 = two(text, i);
      if (minutes2 < 0 || minutes2 > 59) return void 0;
      i += 2;
    }
    const offset = (hours * 60 + minutes2) * MS_PER_MINUTE;
    if (i < len && !isZoneName(text, i + 1, len)) return void 0;
    return c === 45 ? -offset : offset;
  }
  return isUtcName(text, i, len) ? 0 : void 0;
}
function isUtcName(text, i, len) {
  if (len - i !== 3) return false;
  const name2 = text.slice(i).toUpperCase();
  return name2 === "UTC" || name2 === "GMT";
}
function isZoneName(text, i, len) {
  if (text.charCodeAt(i - 1) !== 32 || i >= len || len - i > 6) return false;
  for (let k = i; k < len; k++) {
    const c = text.charCodeAt(k) | 32;
    if (c < 97 || c > 122) return false;
  }
  return true;
}
function epoch(text, len) {
  let whole = 0;
  let i = 0;
  while (i < len) {
    const d = digit(text, i);
    if (d < 0) break;
    whole = whole * 10 + d;
    i++;
  }
  if (i === 13 && len === 13) return whole;
  if (i !== 10) return void 0;
  let ms2 = 0;
  if (i < len) {
    if (text.charCodeAt(i) !== 46) return void 0;
    i++;
    let scale = 100;
    const fracStart = i;
    while (i < len) {
      const d = digit(text, i);
      if (d < 0) return void 0;
      ms2 += d * scale;
      scale /= 10;
      i++;
    }
    if (i === fracStart) return void 0;
  }
  return whole * 1e3 + Math.floor(ms2);
}

// core/cdrs/detect-format.ts
var ASTERISK_DISPOSITIONS = /* @__PURE__ */ new Set(["ANSWERED", "NO ANSWER", "BUSY", "FAILED", "CONGESTION"]);
var UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
var HANGUP_CAUSE = /^[A-Z][A-Z0-9_]{2,}$/;
var isTime = makeLocalTimeParser("UTC");
var cell = (row, i) => (row[i] ?? "").trim();
var isDateTime = (text) => isTime(text) !== void 0;
var isWhole = (text) => /^\d{1,9}$/.test(text);
function isAsteriskRow(row) {
  return row.length >= 16 && row.length <= 21 && isDateTime(cell(row, 9)) && (cell(row, 10) === "" || isDateTime(cell(row, 10))) && isDateTime(cell(row, 11)) && isWhole(cell(row, 12)) && isWhole(cell(row, 13)) && ASTERISK_DISPOSITIONS.has(cell(row, 14));
}
function isFreeswitchRow(row) {
  return row.length === 15 && isDateTime(cell(row, 4)) && (cell(row, 5) === "" || isDateTime(cell(row, 5))) && isDateTime(cell(row, 6)) && isWhole(cell(row, 7)) && isWhole(cell(row, 8)) && HANGUP_CAUSE.test(cell(row, 9)) && UUID.test(cell(row, 10));
}
function namesColumns(row, names) {
  return names.every((n, i) => normaliseHeader(row[i] ?? "").replace(/ /g, "") === n);
}
function isCgratesHeader(row) {
  const names = new Set(row.map((h) => h.replace(/^\uFEFF/, "").toLowerCase().replace(/[^a-z0-9]/g, "")));
  return names.has("usage") && names.has("destination") && (names.has("cgrid") || names.has("originid")) && (names.has("answertime") || names.has("setuptime"));
}
function detectCdrFormat(rows) {
  const sample = rows.filter((r) => r.some((c) => c.trim() !== "")).slice(0, 10);
  const first = sample[0];
  if (!first) return null;
  if (isCgratesHeader(first)) return { format: "cgrates", hasHeader: true };
  const fits = (test, rest2) => {
    if (rest2.length === 0 || !test(rest2[0])) return false;
    return rest2.filter(test).length * 5 >= rest2.length * 4;
  };
  if (fits(isAsteriskRow, sample)) return { format: "asterisk", hasHeader: false };
  if (fits(isFreeswitchRow, sample)) return { format: "freeswitch", hasHeader: false };
  const rest = sample.slice(1);
  if (namesColumns(first, ["accountcode", "src", "dst", "dcontext"]) && (rest.length === 0 || fits(isAsteriskRow, rest))) {
    return { format: "asterisk", hasHeader: true };
  }
  if (namesColumns(first, ["calleridname", "calleridnumber", "destinationnumber"]) && (rest.length === 0 || fits(isFreeswitchRow, rest))) {
    return { format: "freeswitch", hasHeader: true };
  }
  const fields = mappedFields(mapCdrColumns(first, void 0, {}));
  const hasStart = fields.has("start") || fields.has("answer") || fields.has("date");
  if (fields.size >= 3 && fields.has("called") && (hasStart || fields.has("duration") || fields.has("duration_ms"))) {
    return { format: "generic", hasHeader: true };
  }
  return null;
}

// core/cdrs/formats.ts
import { Decimal as Decimal4 } from "decimal.js";

// core/cdrs/durations.ts
var MAX_DURATION_MS = 48 * 36e5;
var NS_PER_MS = 1e6;
var NS_PER_S = 1e9;
var NS_PER_MINUTE = 60 * NS_PER_S;
var NS_PER_HOUR = 3600 * NS_PER_S;
function parseDurationMs(input, unit) {
  let text = input;
  let len = text.length;
  if (len > 0 && (text.charCodeAt(0) <= 32 || text.charCodeAt(len - 1) <= 32)) {
    text = text.trim();
    len = text.length;
  }
  if (len === 0) return "empty duration";
  let whole = 0;
  let i = 0;
  while (i < len) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) break;
    whole = whole * 10 + d;
    i++;
  }
  if (i === len) {
    if (len > 15) return "longer than 48 hours";
    const ms3 = unit === "ms" ? whole : unit === "go" ? Math.floor((whole + NS_PER_MS / 2) / NS_PER_MS) : whole * 1e3;
    return ms3 > MAX_DURATION_MS ? "longer than 48 hours" : ms3;
  }
  const ns = parseNs(text, len, unit);
  if (typeof ns === "string") return ns;
  const ms2 = Math.floor((ns + NS_PER_MS / 2) / NS_PER_MS);
  return ms2 > MAX_DURATION_MS ? "longer than 48 hours" : ms2;
}
function scanNumber(text, start, len, into) {
  let i = start;
  let whole = 0;
  while (i < len) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) break;
    whole = whole * 10 + d;
    i++;
  }
  const intDigits = i - start;
  if (intDigits > 12) return false;
  let fracNano = 0;
  let fracDigits = 0;
  const c = text.charCodeAt(i);
  if (c === 46 || c === 44) {
    i++;
    let scale = 1e8;
    while (i < len) {
      const d = text.charCodeAt(i) - 48;
      if (d < 0 || d > 9) break;
      if (scale >= 1) fracNano += d * scale;
      else if (scale >= 0.1 && d >= 5) fracNano += 1;
      scale /= 10;
      fracDigits++;
      i++;
    }
    if (fracDigits === 0) return false;
  }
  if (intDigits === 0 && fracDigits === 0) return false;
  into.whole = whole;
  into.fracNano = fracNano;
  into.end = i;
  return true;
}
var scan = { whole: 0, fracNano: 0, end: 0 };
function parseNs(text, len, unit) {
  if (text.charCodeAt(0) === 45) return "negative duration";
  let i = text.charCodeAt(0) === 43 ? 1 : 0;
  if (!scanNumber(text, i, len, scan)) return "not a duration";
  if (scan.end === len) {
    if (unit === "s" || unit === "auto") return scan.whole * NS_PER_S + scan.fracNano;
    if (unit === "ms") return scan.whole * NS_PER_MS + Math.floor((scan.fracNano + 500) / 1e3);
    return scan.fracNano > 0 ? "nanoseconds cannot have a fraction" : scan.whole;
  }
  if (unit === "s" || unit === "ms") return unit === "s" ? "not a whole number of seconds" : "not a whole number of milliseconds";
  if (text.charCodeAt(scan.end) === 58) return clock(text, len, i);
  let total = 0;
  let lastRank = 99;
  while (i < len) {
    if (!scanNumber(text, i, len, scan)) return "not a duration";
    let j = scan.end;
    const u = text.charCodeAt(j);
    const next = j + 1 < len ? text.charCodeAt(j + 1) : 0;
    let unitNs;
    let rank;
    if (u === 104) {
      unitNs = NS_PER_HOUR;
      rank = 6;
      j += 1;
    } else if (u === 109 && next === 115) {
      unitNs = NS_PER_MS;
      rank = 3;
      j += 2;
    } else if (u === 109) {
      unitNs = NS_PER_MINUTE;
      rank = 5;
      j += 1;
    } else if (u === 115) {
      unitNs = NS_PER_S;
      rank = 4;
      j += 1;
    } else if ((u === 117 || u === 181 || u === 956) && next === 115) {
      unitNs = 1e3;
      rank = 2;
      j += 2;
    } else if (u === 110 && next === 115) {
      unitNs = 1;
      rank = 1;
      j += 2;
    } else return "unknown duration unit";
    if (rank >= lastRank) return "duration units out of order";
    lastRank = rank;
    total += scan.whole * unitNs + (unitNs >= NS_PER_S ? scan.fracNano * (unitNs / NS_PER_S) : scan.fracNano * unitNs / NS_PER_S);
    if (total > (MAX_DURATION_MS + 1) * NS_PER_MS) return "longer than 48 hours";
    i = j;
  }
  return total;
}
function clock(text, len, start) {
  const parts = [];
  let i = start;
  let fracNano = 0;
  for (; ; ) {
    if (!scanNumber(text, i, len, scan)) return "not a duration";
    parts.push(scan.whole);
    i = scan.end;
    if (i === len) {
      fracNano = scan.fracNano;
      break;
    }
    if (scan.fracNano !== 0 || text.charCodeAt(i) !== 58) return "not a duration";
    i++;
  }
  if (parts.length > 3) return "not a duration";
  const [a = 0, b = 0, c] = parts;
  if (c === void 0) {
    if (b > 59) return "seconds past 59";
    return a * NS_PER_MINUTE + b * NS_PER_S + fracNano;
  }
  if (b > 59 || c > 59) return b > 59 ? "minutes past 59" : "seconds past 59";
  return a * NS_PER_HOUR + b * NS_PER_MINUTE + c * NS_PER_S + fracNano;
}

// core/cdrs/formats.ts
function rowError(column, value, message) {
  return { error: true, column, value: value ?? "", message };
}
function clean(s) {
  if (s === void 0) return "";
  const len = s.length;
  if (len === 0) return s;
  return s.charCodeAt(0) <= 32 || s.charCodeAt(len - 1) <= 32 ? s.trim() : s;
}
function optional(s) {
  const t = clean(s);
  return t === "" ? null : t;
}
function chargeE8(text) {
  const p = parseScaledDecimal(text);
  if (p.ok) return p.scaled;
  if (p.reason.startsWith("more than")) {
    try {
      const rounded = parseScaledDecimal(new Decimal4(text.trim()).toDecimalPlaces(8, Decimal4.ROUND_HALF_UP).toString());
      if (rounded.ok) return rounded.scaled;
    } catch {
    }
  }
  return p.reason;
}
function asteriskRowParser(zone) {
  const parseTime = makeLocalTimeParser(zone);
  return (cells) => {
    const n = cells.length;
    if (n < 16 || n > 21) return rowError("", String(n), `an Asterisk CDR has 16 to 21 columns; this row has ${n}`);
    const billsecText = cells[13];
    const billsec = parseDurationMs(billsecText, "s");
    if (typeof billsec === "string") return rowError("billsec", billsecText, billsec);
    const answered = clean(cells[14]) === "ANSWERED" && billsec > 0;
    let startMs;
    const answerText = cells[10];
    if (answered && answerText !== "") {
      startMs = parseTime(answerText);
      if (startMs === void 0) return rowError("answer", answerText, "not a date-time");
    } else {
      startMs = parseTime(cells[9]);
      if (startMs === void 0) return rowError("start", cells[9], "not a date-time");
    }
    return {
      callId: n > 16 ? optional(cells[16]) : null,
      startMs,
      calling: clean(cells[1]),
      called: clean(cells[2]),
      durationMs: billsec,
      answered,
      ingress: optional(cells[0]),
      egress: n > 18 ? optional(cells[18]) : null,
      carrierChargeE8: null
    };
  };
}
function freeswitchRowParser(zone) {
  const parseTime = makeLocalTimeParser(zone);
  return (cells) => {
    const n = cells.length;
    if (n < 15) return rowError("", String(n), `a FreeSWITCH CDR (default template) has 15 columns; this row has ${n}`);
    const billsecText = cells[8];
    const billsec = parseDurationMs(billsecText, "s");
    if (typeof billsec === "string") return rowError("billsec", billsecText, billsec);
    const answered = billsec > 0;
    let startMs;
    const answerText = cells[5];
    if (answered && answerText !== "") {
      startMs = parseTime(answerText);
      if (startMs === void 0) return rowError("answer_stamp", answerText, "not a date-time");
    } else {
      startMs = parseTime(cells[4]);
      if (startMs === void 0) return rowError("start_stamp", cells[4], "not a date-time");
    }
    return {
      callId: optional(cells[10]),
      startMs,
      calling: clean(cells[1]),
      called: clean(cells[2]),
      durationMs: billsec,
      answered,
      ingress: optional(cells[12]),
      egress: null,
      carrierChargeE8: null
    };
  };
}
var CGRATES_NAMES = {
  cgrid: "cgrid",
  runid: "runid",
  originid: "originid",
  account: "account",
  subject: "subject",
  destination: "destination",
  setuptime: "setuptime",
  answertime: "answertime",
  usage: "usage",
  cost: "cost",
  supplier: "supplier",
  route: "route"
};
function compact(header) {
  return header.replace(/^\uFEFF/, "").toLowerCase().replace(/[^a-z0-9]/g, "");
}
function cgratesColumns(headers) {
  const at = (name2) => headers.findIndex((h) => compact(h) === name2);
  const cols = Object.fromEntries(Object.keys(CGRATES_NAMES).map((k) => [k, at(k)]));
  const calling = headers.findIndex((h, i) => !Object.values(cols).includes(i) && guessCdrField(h) === "calling");
  return { ...cols, calling };
}
function cgratesMissingColumns(headers) {
  const c = cgratesColumns(headers);
  const missing = [];
  if (c.destination < 0) missing.push("Destination");
  if (c.usage < 0) missing.push("Usage");
  if (c.answertime < 0 && c.setuptime < 0) missing.push("AnswerTime or SetupTime");
  return missing;
}
function isGoZeroTime(text) {
  return text.startsWith("0001-01-01");
}
function cgratesUsageMs(text) {
  const t = clean(text);
  let digits = true;
  for (let i = 0; i < t.length && digits; i++) {
    const c = t.charCodeAt(i);
    digits = c >= 48 && c <= 57;
  }
  return parseDurationMs(t, digits && t.length >= 7 ? "go" : "auto");
}
function cgratesRowParser(headers, zone) {
  const missing = cgratesMissingColumns(headers);
  if (missing.length > 0) throw new Error(`not a CGRateS CDR header: no ${missing.join(", ")} column`);
  const c = cgratesColumns(headers);
  const parseTime = makeLocalTimeParser(zone);
  const egressCol = c.supplier >= 0 ? c.supplier : c.route;
  return (cells) => {
    const usageText = cells[c.usage];
    if (usageText === void 0) return rowError("Usage", "", `the row has ${cells.length} columns; the header has ${headers.length}`);
    const usage = cgratesUsageMs(usageText);
    if (typeof usage === "string") return rowError("Usage", usageText, usage);
    let startMs;
    const answerText = c.answertime >= 0 ? clean(cells[c.answertime]) : "";
    if (answerText !== "" && !isGoZeroTime(answerText)) {
      startMs = parseTime(answerText);
      if (startMs === void 0) return rowError("AnswerTime", answerText, "not a date-time");
    } else {
      const setupText = c.setuptime >= 0 ? clean(cells[c.setuptime]) : "";
      startMs = parseTime(setupText);
      if (startMs === void 0) return rowError(c.setuptime >= 0 ? "SetupTime" : "AnswerTime", setupText, "no answer or setup time");
    }
    let carrierChargeE8 = null;
    if (c.cost >= 0) {
      const costText = clean(cells[c.cost]);
      if (costText !== "" && costText !== "-1") {
        const charge = chargeE8(costText);
        if (typeof charge === "string") return rowError("Cost", costText, charge);
        carrierChargeE8 = charge;
      }
    }
    let callId = c.cgrid >= 0 ? optional(cells[c.cgrid]) : null;
    if (callId === null && c.originid >= 0) callId = optional(cells[c.originid]);
    if (callId !== null && c.runid >= 0) {
      const run = clean(cells[c.runid]);
      if (run !== "" && run !== "*default") callId = `${callId}#${run}`;
    }
    const account = c.account >= 0 ? optional(cells[c.account]) : null;
    let egress = egressCol >= 0 ? optional(cells[egressCol]) : null;
    if (egress === null && c.subject >= 0) {
      const subject = optional(cells[c.subject]);
      if (subject !== account) egress = subject;
    }
    return {
      callId,
      startMs,
      calling: c.calling >= 0 ? clean(cells[c.calling]) : "",
      called: clean(cells[c.destination]),
      durationMs: usage,
      answered: usage > 0,
      ingress: account,
      egress,
      carrierChargeE8
    };
  };
}
var ANSWERED_DISPOSITIONS = /* @__PURE__ */ new Set([
  "ANSWERED",
  "ANSWER",
  "NORMAL_CLEARING",
  "NORMAL CLEARING",
  "16",
  "OK",
  "CONNECTED",
  "SUCCESS",
  "SUCCESSFUL",
  "1",
  "TRUE",
  "YES",
  "Y",
  "200"
]);
function genericRowParser(mapping, options) {
  const missing = missingCdrFields(mapping);
  if (missing.length > 0) throw new Error(`the column mapping has no ${missing.join(", ")}`);
  const col = Object.fromEntries(CDR_FIELDS.map((f) => [f, -1]));
  for (const [i, f] of mapping.byIndex) if (col[f] < 0) col[f] = i;
  const name2 = (f) => mapping.headers[col[f]] ?? f;
  const durationUnit = options.durationUnit ?? "auto";
  const fast = makeLocalTimeParser(options.zone);
  const resolve = makeZoneResolver(options.zone);
  const parseTime = (text) => {
    const t = fast(text);
    if (t !== void 0) return t;
    const p = parseDateText(text, options.dateOrder);
    if (p.kind !== "ok") return void 0;
    const w = p.wall;
    if (w.zone) return wallToInstant(w, options.zone);
    return resolve(daysFromCivil(w.year, w.month, w.day) * 864e5 + w.hour * 36e5 + w.minute * 6e4 + w.second * 1e3);
  };
  const dayCol = col.date >= 0 ? col.date : col.start >= 0 && col.time >= 0 ? col.start : -1;
  const timeCol = dayCol >= 0 ? col.time : -1;
  const startCol = dayCol >= 0 && timeCol >= 0 ? -1 : col.start >= 0 ? col.start : col.date >= 0 ? col.date : col.time;
  const startName = startCol >= 0 ? mapping.headers[startCol] ?? "start" : `${mapping.headers[dayCol] ?? "date"} + ${mapping.headers[timeCol] ?? "time"}`;
  return (cells) => {
    let startMs;
    const answerText = col.answer >= 0 ? clean(cells[col.answer]) : "";
    if (answerText !== "") {
      startMs = parseTime(answerText);
      if (startMs === void 0) return rowError(name2("answer"), answerText, "not a date-time");
    }
    if (startMs === void 0) {
      let text;
      if (startCol >= 0) {
        text = clean(cells[startCol]);
      } else {
        const day = clean(cells[dayCol]);
        const time = clean(cells[timeCol]);
        text = time === "" ? day : `${day} ${time}`;
      }
      if (text === "") return rowError(startName, text, "no start time");
      startMs = parseTime(text);
      if (startMs === void 0) return rowError(startName, text, "not a date-time");
    }
    let durationMs;
    if (col.duration >= 0 || col.duration_ms >= 0) {
      const f = col.duration >= 0 ? "duration" : "duration_ms";
      const text = clean(cells[col[f]]);
      const d = text === "" ? 0 : parseDurationMs(text, f === "duration" ? durationUnit : "ms");
      if (typeof d === "string") return rowError(name2(f), text, d);
      durationMs = d;
    } else {
      const endText = clean(cells[col.end]);
      if (endText === "" || col.answer >= 0 && answerText === "") {
        durationMs = 0;
      } else {
        const endMs = parseTime(endText);
        if (endMs === void 0) return rowError(name2("end"), endText, "not a date-time");
        durationMs = endMs - startMs;
        if (durationMs < 0) return rowError(name2("end"), endText, "ends before it starts");
        if (durationMs > 48 * 36e5) return rowError(name2("end"), endText, "longer than 48 hours");
      }
    }
    let answered = durationMs > 0;
    if (col.disposition >= 0) {
      const d = clean(cells[col.disposition]);
      answered = ANSWERED_DISPOSITIONS.has(d) || ANSWERED_DISPOSITIONS.has(d.toUpperCase());
    }
    let carrierChargeE8 = null;
    if (col.charge >= 0) {
      const text = clean(cells[col.charge]);
      if (text !== "") {
        const charge = chargeE8(text);
        if (typeof charge === "string") return rowError(name2("charge"), text, charge);
        carrierChargeE8 = charge;
      }
    }
    return {
      callId: col.call_id >= 0 ? optional(cells[col.call_id]) : null,
      startMs,
      calling: col.calling >= 0 ? clean(cells[col.calling]) : "",
      called: clean(cells[col.called]),
      durationMs,
      answered,
      ingress: col.ingress >= 0 ? optional(cells[col.ingress]) : null,
      egress: col.egress >= 0 ? optional(cells[col.egress]) : null,
      carrierChargeE8
    };
  };
}
var FIELD_SET = new Set(CDR_FIELDS);
function createCdrParser(format, options) {
  const map = options.map ?? {};
  if (format !== "generic" && Object.keys(map).length > 0) {
    return { error: `column mappings apply to generic CSV files; ${format} files have fixed columns` };
  }
  switch (format) {
    case "asterisk":
      return {
        parse: asteriskRowParser(options.zone),
        mapping: {
          accountcode: "ingress",
          src: "calling",
          dst: "called",
          start: "start",
          answer: "answer",
          billsec: "duration",
          disposition: "disposition",
          uniqueid: "call_id",
          peeraccount: "egress"
        }
      };
    case "freeswitch":
      return {
        parse: freeswitchRowParser(options.zone),
        mapping: {
          caller_id_number: "calling",
          destination_number: "called",
          start_stamp: "start",
          answer_stamp: "answer",
          billsec: "duration",
          hangup_cause: "disposition",
          uuid: "call_id",
          accountcode: "ingress"
        }
      };
    case "cgrates": {
      const header = options.header;
      if (!header) return { error: "a CGRateS CDR file needs its header row" };
      const missing = cgratesMissingColumns(header);
      if (missing.length > 0) return { error: `not a CGRateS CDR header: no ${missing.join(", ")} column` };
      const c = cgratesColumns(header);
      const mapping = {};
      const put = (i, f) => {
        if (i >= 0) mapping[header[i]] = f;
      };
      put(c.cgrid >= 0 ? c.cgrid : c.originid, "call_id");
      put(c.account, "ingress");
      put(c.supplier >= 0 ? c.supplier : c.route >= 0 ? c.route : c.subject, "egress");
      put(c.destination, "called");
      put(c.calling, "calling");
      put(c.setuptime, "start");
      put(c.answertime, "answer");
      put(c.usage, "duration");
      put(c.cost, "charge");
      return { parse: cgratesRowParser(header, options.zone), mapping };
    }
    case "generic": {
      const header = options.header;
      if (!header) return { error: "a generic CDR file needs a header row naming its columns" };
      for (const [column, field] of Object.entries(map)) {
        if (!FIELD_SET.has(field)) return { error: `"${field}" (for column "${column}") is not a CDR field; fields: ${CDR_FIELDS.join(", ")}` };
      }
      const columns2 = mapCdrColumns(header, options.template, map);
      const missing = missingCdrFields(columns2);
      if (missing.length > 0) return { error: `no column for the ${missing.join(", ")}; name it with a mapping (column=field)` };
      const mapping = {};
      for (const [i, f] of [...columns2.byIndex].sort((a, b) => a[0] - b[0])) mapping[header[i] ?? `#${i + 1}`] = f;
      const opts = { zone: options.zone };
      if (options.durationUnit) opts.durationUnit = options.durationUnit;
      if (options.dateOrder) opts.dateOrder = options.dateOrder;
      return { parse: genericRowParser(columns2, opts), mapping };
    }
  }
}

// core/cdrs/import-cdrs.ts
var SNIFF_BYTES = 64 * 1024;
var MAX_PROBLEMS2 = 500;
function sidesOf(roles) {
  return roles === "vendor" ? ["buy"] : roles === "customer" ? ["sell"] : ["buy", "sell"];
}
function sniff(path, label) {
  const fd = openSync(path, "r");
  try {
    const buf = Buffer.alloc(SNIFF_BYTES);
    const n = readSync(fd, buf, 0, SNIFF_BYTES, 0);
    if (n === 0) throw new TrunklineError("DECK_EMPTY", `${label}: the file is empty`, { file: label });
    let text = decodeText(buf.subarray(0, n), label).text;
    if (n === SNIFF_BYTES) text = text.slice(0, Math.max(0, text.lastIndexOf("\n")));
    return { text, delimiter: guessDelimiter(text) };
  } finally {
    closeSync(fd);
  }
}
async function importCdrs(ctx, args, job) {
  const carrier = requireCarrier(ctx, args.carrier);
  const file = args.fileName ?? basename2(args.file);
  let bytes;
  try {
    bytes = statSync(args.file).size;
  } catch {
    throw new TrunklineError("FILE_NOT_FOUND", `${file}: no such file`, { file });
  }
  const zone = args.timezone ?? carrier.timezone;
  if (!isValidZone(zone)) throw new TrunklineError("INVALID_ARGUMENTS", `--timezone "${zone}" is not an IANA time zone`);
  const head = sniff(args.file, file);
  const preview = Papa2.parse(head.text, { delimiter: head.delimiter, preview: 20, skipEmptyLines: true }).data;
  const detected = detectCdrFormat(preview);
  if (args.format === "auto" && !detected) {
    throw new TrunklineError("CDR_FORMAT_UNKNOWN", `${file}: not a CDR file Trunkline recognises (Asterisk, FreeSWITCH, CGRateS, or a CSV with a header naming at least the called number and a start or duration); give --format and --map`, { file });
  }
  const format = args.format === "auto" ? detected.format : args.format;
  const hasHeader = format === "generic" || format === "cgrates" ? true : detected?.format === format ? detected.hasHeader : false;
  const parser = createCdrParser(format, { header: hasHeader ? (preview[0] ?? []).map((h) => h.replace(/^\uFEFF/, "")) : null, zone, map: args.map });
  if ("error" in parser) throw new TrunklineError("DECK_MAPPING_INCOMPLETE", `${file}: ${parser.error}`, { file });
  const sides = sidesOf(carrier.roles).filter((s) => ctx.decks.hasImports(carrier.id, s));
  const raters = sides.map((s) => makeCallRater(VersionedRateTable.load(ctx.db, carrier.id, s), carrier));
  const warnings = [];
  for (const s of sidesOf(carrier.roles)) if (!sides.includes(s)) warnings.push(`${carrier.name} has no ${s} deck yet: the calls are stored unrated on that side; run \`trunkline rate\` after importing one`);
  const problems = [];
  let problemCount = 0;
  let rejects = null;
  const rejectsPath = args.skipBadRows ? args.rejectsFile ?? `${args.file}.rejects.csv` : null;
  if (rejectsPath) {
    rejects = createWriteStream2(rejectsPath);
    rejects.write("row,column,value,reason,line\n");
  }
  const hash = createHash2("sha256");
  let rowsRead = 0;
  let imported = 0;
  let duplicates = 0;
  let first = null;
  let last = null;
  let row = 0;
  ctx.db.pragma("foreign_keys = OFF");
  ctx.db.exec("BEGIN IMMEDIATE");
  try {
    const importId = ctx.cdrs.startImport({
      carrierId: carrier.id,
      source: args.source,
      format,
      fileName: file,
      sha256: "",
      bytes,
      timezone: zone,
      mappingJson: JSON.stringify(parser.mapping),
      importedAt: ctx.clock(),
      importedBy: ctx.actor
    });
    const trades = sidesOf(carrier.roles);
    const insert = ctx.cdrs.inserter(carrier.id, args.source, importId, sides, {
      customerId: trades.includes("sell") ? carrier.id : null,
      vendorId: trades.includes("buy") ? carrier.id : null
    });
    const ratings = new Array(sides.length);
    const onRow = (cells) => {
      row++;
      if (row === 1 && hasHeader) return;
      if (cells.length === 1 && cells[0].trim() === "") return;
      rowsRead++;
      const c = parser.parse(cells, row);
      if ("error" in c) {
        problemCount++;
        if (rejects) {
          rejects.write(`${row},${csvField(c.column)},${csvField(c.value)},${csvField(c.message)},${csvField(cells.join(head.delimiter))}
`);
        } else if (problems.length < MAX_PROBLEMS2) {
          problems.push({ file, row, column: c.column, value: c.value, message: c.message });
        }
        return;
      }
      if (problemCount > 0 && !rejects) return;
      if (first === null || c.startMs < first) first = c.startMs;
      if (last === null || c.startMs > last) last = c.startMs;
      const key = hash53(c.callId ?? `${c.startMs}|${c.calling}|${c.called}|${c.durationMs}`);
      for (let s = 0; s < raters.length; s++) ratings[s] = raters[s](c.called, c.startMs, c.durationMs, c.answered);
      if (insert({ ...c, dedupeKey: key }, ratings)) imported++;
      else duplicates++;
    };
    await new Promise((resolve, reject) => {
      const input = createReadStream3(args.file);
      let stopped;
      const stop = (e, p) => {
        stopped ??= e;
        p.abort();
        input.destroy();
      };
      input.on("data", (chunk) => {
        if (stopped === void 0) hash.update(chunk);
      });
      input.on("error", (e) => reject(new TrunklineError("FILE_UNREADABLE", `${file}: ${e.message}`, { file })));
      Papa2.parse(input, {
        delimiter: head.delimiter,
        skipEmptyLines: true,
        chunkSize: 1 << 20,
        chunk: (results, p) => {
          if (stopped !== void 0) return;
          try {
            for (const cells of results.data) onRow(cells);
          } catch (e) {
            stop(e, p);
            return;
          }
          job.progress("importing", rowsRead);
          if (job.signal.aborted) stop(new TrunklineError("JOB_CANCELLED", "the CDR import was cancelled; nothing was written"), p);
        },
        complete: () => stopped === void 0 ? resolve() : reject(stopped),
        error: (e) => reject(new TrunklineError("FILE_UNREADABLE", `${file}: ${e.message}`, { file }))
      });
    });
    if (problemCount > 0 && !rejects) throw problemsError(file, problems, problemCount, "CDR_PARSE_ERROR");
    const rating = sides.map((s) => sideTotals(ctx.db, carrier.id, args.source, s, importId));
    const report = {
      importId,
      carrier: carrier.name,
      source: args.source,
      format,
      file,
      sha256: hash.digest("hex"),
      bytes,
      timezone: zone,
      rowsRead,
      imported,
      duplicates,
      rejected: problemCount,
      rejectsFile: rejectsPath,
      firstStart: first === null ? null : isoInstant(first),
      lastStart: last === null ? null : isoInstant(last),
      rating,
      warnings
    };
    if (duplicates > 0) warnings.push(`${duplicates} call${duplicates === 1 ? " was" : "s were"} already stored (same start and call id, or same start, numbers and duration) and added nothing`);
    ctx.cdrs.finishImport(importId, {
      sha256: report.sha256,
      rowsRead,
      imported,
      duplicates,
      rejected: problemCount,
      rejectsFile: rejectsPath,
      firstStart: first,
      lastStart: last,
      reportJson: JSON.stringify({ warnings, rating })
    });
    ctx.db.exec("COMMIT");
    return report;
  } catch (e) {
    if (ctx.db.inTransaction) ctx.db.exec("ROLLBACK");
    throw e;
  } finally {
    ctx.db.pragma("foreign_keys = ON");
    if (rejects) await new Promise((r) => rejects.end(() => r()));
  }
}

// core/decks/inspect-deck.ts
import { basename as basename3 } from "node:path";
var HEAD_ROWS = 30;
var TAIL_ROWS = 8;
function isBlankRow(r) {
  return r.cells.every((c) => cellText(c).trim() === "");
}
async function inspectDeck(ctx, args) {
  const file = args.fileName ?? basename3(args.file);
  const table = await openTable(args.file, file);
  const carrier = args.carrier ? ctx.carriers.byName(args.carrier) : void 0;
  const template = carrier && args.side ? ctx.decks.template(carrier.id, args.side) : void 0;
  const sheets = [];
  let chosen;
  let firstSheet;
  for await (const sheet2 of table.sheets) {
    const head = [];
    const tail = [];
    const headLimit = Math.max(HEAD_ROWS, HEADER_SEARCH_ROWS, args.headerRow ?? 0);
    let count = 0;
    let header2;
    let codeColumn = -1;
    let lastData = 0;
    const consider = (r) => {
      if (!header2 || r.row <= header2.row || codeColumn < 0) return;
      const code = r.cells[codeColumn];
      if (code !== void 0 && code !== null && expandCodes(cellText(code)).ok) lastData = r.row;
    };
    const detect = () => {
      header2 = findHeaderRow(head, args.headerRow, template?.mapping);
      if (!header2) return;
      const mapped = mapColumns(header2.cells.map((c) => cellText(c).trim()), template?.mapping, {});
      for (const [i, f] of mapped.byIndex) if (f === "code" || f === "country_code" && codeColumn < 0) codeColumn = i;
      head.forEach(consider);
    };
    for await (const r of sheet2.rows) {
      count = r.row;
      if (head.length < headLimit) {
        head.push(r);
        if (head.length === headLimit) detect();
      } else consider(r);
      if (!isBlankRow(r)) {
        tail.push(r);
        if (tail.length > TAIL_ROWS) tail.shift();
      }
    }
    if (head.length < headLimit) detect();
    sheets.push({ name: sheet2.name, rows: count, hasHeader: header2 !== void 0 });
    const wanted = args.sheet ? args.sheet.toLowerCase() === sheet2.name.toLowerCase() : !chosen && header2 !== void 0;
    if (wanted) chosen = { name: sheet2.name, head, tail, header: header2, lastData };
    firstSheet ??= { name: sheet2.name, head, tail, header: header2, lastData };
  }
  if (sheets.length === 0) throw new TrunklineError("DECK_EMPTY", `${file}: the file has no sheets`, { file });
  if (!chosen) {
    if (args.sheet) {
      throw new TrunklineError("DECK_SHEET_NOT_FOUND", `${file}: there is no sheet "${args.sheet}" (sheets: ${sheets.map((s) => s.name).join(", ")})`, {
        file,
        sheet: args.sheet,
        sheets: sheets.map((s) => s.name)
      });
    }
    chosen = firstSheet;
  }
  const header = chosen.header;
  const headers = header ? header.cells.map((c) => cellText(c).trim()) : [];
  const map = mapColumns(headers, template?.mapping, {});
  const notes = readNotes(chosen.head.filter((r) => !header || r.row < header.row).map((r) => r.cells.map(cellText).filter(Boolean).join(" ")));
  const zone = notes.zone ?? carrier?.timezone ?? "UTC";
  const text = (r) => ({ row: r.row, cells: r.cells.map(cellText) });
  return {
    file,
    format: table.format,
    ...table.encoding ? { encoding: table.encoding } : {},
    ...table.delimiter ? { delimiter: table.delimiter } : {},
    sheets,
    sheet: chosen.name,
    headerRow: header?.row ?? null,
    firstRow: header ? header.row + 1 : null,
    lastRow: header ? chosen.lastData : null,
    head: chosen.head.slice(0, HEAD_ROWS).map(text),
    tail: chosen.tail.map(text),
    mapping: headers.map((h, i) => ({ column: columnLetter(i), header: h, field: map.byIndex.get(i) ?? null })),
    notes: {
      effective: notes.effective ? isoInstant(wallToInstant(notes.effective, zone)) : null,
      currency: notes.currency,
      zone: notes.zone
    }
  };
}

// core/db/open.ts
import { createHash as createHash3 } from "node:crypto";
import { existsSync, mkdirSync, openSync as openSync2, readSync as readSync2, closeSync as closeSync2, statSync as statSync2 } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";

// core/db/migrations.ts
var MIGRATIONS = [
  {
    id: 1,
    name: "carriers, deck imports, versioned rates, templates",
    sql: `
CREATE TABLE carriers (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE COLLATE NOCASE,
  roles TEXT NOT NULL CHECK (roles IN ('vendor', 'customer', 'both')),
  currency TEXT NOT NULL,
  timezone TEXT NOT NULL,
  notice_increase_days INTEGER NOT NULL,
  notice_new_days INTEGER NOT NULL,
  notice_decrease_days INTEGER NOT NULL,
  notice_closed_days INTEGER NOT NULL,
  rounding_level TEXT NOT NULL CHECK (rounding_level IN ('per-call', 'per-increment', 'per-line')),
  rounding_decimals INTEGER NOT NULL CHECK (rounding_decimals BETWEEN 0 AND 8),
  rounding_mode TEXT NOT NULL CHECK (rounding_mode IN ('half-up', 'half-even', 'up', 'down')),
  tech_prefixes TEXT NOT NULL,
  settings_version INTEGER NOT NULL,
  created_at_ms INTEGER NOT NULL,
  updated_at_ms INTEGER NOT NULL
);

-- Every version of a carrier's settings, append-only: results computed under old settings name the version they used.
CREATE TABLE carrier_settings_history (
  carrier_id INTEGER NOT NULL REFERENCES carriers(id),
  version INTEGER NOT NULL,
  name TEXT NOT NULL,
  settings_json TEXT NOT NULL,
  changed_at_ms INTEGER NOT NULL,
  changed_by TEXT NOT NULL,
  note TEXT,
  PRIMARY KEY (carrier_id, version)
) WITHOUT ROWID;

CREATE TABLE deck_templates (
  carrier_id INTEGER NOT NULL REFERENCES carriers(id),
  side TEXT NOT NULL CHECK (side IN ('buy', 'sell')),
  mapping_json TEXT NOT NULL,
  date_order TEXT CHECK (date_order IN ('DMY', 'MDY')),
  updated_at_ms INTEGER NOT NULL,
  PRIMARY KEY (carrier_id, side)
) WITHOUT ROWID;

CREATE TABLE deck_imports (
  id INTEGER PRIMARY KEY,
  carrier_id INTEGER NOT NULL REFERENCES carriers(id),
  side TEXT NOT NULL CHECK (side IN ('buy', 'sell')),
  mode TEXT NOT NULL CHECK (mode IN ('full', 'partial')),
  file_name TEXT NOT NULL,
  file_sha256 TEXT NOT NULL,
  file_bytes INTEGER NOT NULL,
  sheets_json TEXT NOT NULL,
  rows_read INTEGER NOT NULL,
  prefixes INTEGER NOT NULL,
  count_new INTEGER NOT NULL,
  count_increase INTEGER NOT NULL,
  count_decrease INTEGER NOT NULL,
  count_unchanged INTEGER NOT NULL,
  count_closed INTEGER NOT NULL,
  count_blocked INTEGER NOT NULL,
  count_revised INTEGER NOT NULL,
  notice_violations INTEGER NOT NULL,
  currency TEXT NOT NULL,
  received_at_ms INTEGER NOT NULL,
  effective_at_ms INTEGER,
  closures_at_ms INTEGER,
  carrier_settings_version INTEGER NOT NULL,
  mapping_json TEXT NOT NULL,
  report_json TEXT NOT NULL,
  imported_at_ms INTEGER NOT NULL,
  imported_by TEXT NOT NULL
);
CREATE INDEX deck_imports_by_carrier ON deck_imports (carrier_id, side, id);

-- Rates are versioned, never overwritten: a version runs from effective_from until the next
-- version of the same prefix (effective_to keeps that end, derived, for range queries).
-- kind 'closed' is the version that ends a code; 'blocked' is a code the carrier refuses.
-- Money is in integers of 1e-8 currency units (_e8); instants are UTC epoch milliseconds (_ms).
-- No CHECK constraints here: on this bulk table they cost more than the inserts themselves, and
-- the one writer (the deck importer) only writes values the contract and the planner produce.
CREATE TABLE rates (
  id INTEGER PRIMARY KEY,
  carrier_id INTEGER NOT NULL REFERENCES carriers(id),
  side TEXT NOT NULL,
  prefix TEXT NOT NULL,
  effective_from_ms INTEGER NOT NULL,
  effective_to_ms INTEGER,
  kind TEXT NOT NULL,
  destination TEXT NOT NULL,
  rate_per_min_e8 INTEGER,
  currency TEXT NOT NULL,
  first_increment_s INTEGER NOT NULL,
  next_increment_s INTEGER NOT NULL,
  min_duration_s INTEGER NOT NULL,
  grace_s INTEGER NOT NULL,
  connection_fee_e8 INTEGER NOT NULL,
  change_class TEXT NOT NULL,
  deck_change TEXT,
  notice_until_ms INTEGER,
  notice_violation INTEGER NOT NULL DEFAULT 0,
  import_id INTEGER NOT NULL REFERENCES deck_imports(id),
  source_sheet TEXT,
  source_row INTEGER,
  superseded_by_import_id INTEGER REFERENCES deck_imports(id)
);
CREATE UNIQUE INDEX rates_current_key ON rates (carrier_id, side, prefix, effective_from_ms) WHERE superseded_by_import_id IS NULL;
CREATE INDEX rates_by_import ON rates (import_id);
`
  },
  {
    id: 2,
    name: "workspace meta; rates by prefix across carriers",
    sql: `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;

-- The rates grid over the whole store pages in prefix order across carriers.
CREATE INDEX rates_by_prefix ON rates (prefix, effective_from_ms) WHERE superseded_by_import_id IS NULL;
`
  },
  {
    id: 3,
    name: "CDR imports and CDRs rated on both sides",
    sql: `
CREATE TABLE cdr_imports (
  id INTEGER PRIMARY KEY,
  carrier_id INTEGER NOT NULL REFERENCES carriers(id),
  source TEXT NOT NULL CHECK (source IN ('own', 'carrier')),
  format TEXT NOT NULL,
  file_name TEXT NOT NULL,
  file_sha256 TEXT NOT NULL,
  file_bytes INTEGER NOT NULL,
  timezone TEXT NOT NULL,
  rows_read INTEGER NOT NULL,
  rows_imported INTEGER NOT NULL,
  rows_duplicate INTEGER NOT NULL,
  rows_rejected INTEGER NOT NULL,
  rejects_file TEXT,
  first_start_ms INTEGER,
  last_start_ms INTEGER,
  mapping_json TEXT NOT NULL,
  report_json TEXT NOT NULL,
  imported_at_ms INTEGER NOT NULL,
  imported_by TEXT NOT NULL
);
CREATE INDEX cdr_imports_by_carrier ON cdr_imports (carrier_id, id);

-- One row per call as a switch or a carrier recorded it, with its rating on each side beside it
-- (one wide row: a CDR import writes once, and a re-rate updates only the rows whose rating changed).
-- source: 0 own switch, 1 the carrier's file. status per side: NULL not rated yet, 0 rated, 1 free
-- (unanswered, zero or within grace), 2 unrated; reason: 1 no rate, 2 closed code, 3 blocked, 4 invalid number.
-- dedupe_key: a 52-bit hash of the call id (or of start, numbers and duration when there is none).
CREATE TABLE cdrs (
  id INTEGER PRIMARY KEY,
  carrier_id INTEGER NOT NULL REFERENCES carriers(id),
  source INTEGER NOT NULL,
  import_id INTEGER NOT NULL REFERENCES cdr_imports(id),
  start_ms INTEGER NOT NULL,
  dedupe_key INTEGER NOT NULL,
  call_id TEXT,
  calling TEXT NOT NULL,
  called TEXT NOT NULL,
  duration_ms INTEGER NOT NULL,
  answered INTEGER NOT NULL,
  ingress TEXT,
  egress TEXT,
  carrier_charge_e8 INTEGER,
  buy_status INTEGER, buy_reason INTEGER, buy_rate_id INTEGER, buy_billed_s INTEGER, buy_amount_e8 INTEGER, buy_exact_x60 INTEGER,
  sell_status INTEGER, sell_reason INTEGER, sell_rate_id INTEGER, sell_billed_s INTEGER, sell_amount_e8 INTEGER, sell_exact_x60 INTEGER
);
-- Start first: CDR files run in time order, so this unique index grows at its end (fast inserts).
CREATE UNIQUE INDEX cdrs_dedupe ON cdrs (carrier_id, source, start_ms, dedupe_key);
CREATE INDEX cdrs_by_import ON cdrs (import_id);
`
  },
  {
    id: 4,
    name: "carrier trunks, LCR preference, materiality, payment terms; both legs of a call",
    sql: `
PRAGMA defer_foreign_keys = ON;
-- Trunk or account names that identify the carrier in our switch's CDRs (JSON array of strings).
ALTER TABLE carriers ADD COLUMN trunks TEXT NOT NULL DEFAULT '[]';
-- LCR tie-break: among vendors at the same rate, the lower preference ranks first (then the name).
ALTER TABLE carriers ADD COLUMN lcr_preference INTEGER NOT NULL DEFAULT 100;
-- Materiality: a reconciliation variance is proposed as a dispute when it reaches both thresholds
-- (absolute in the carrier's currency, as an exact decimal string; percent of the expected amount).
ALTER TABLE carriers ADD COLUMN dispute_threshold_absolute TEXT NOT NULL DEFAULT '10';
ALTER TABLE carriers ADD COLUMN dispute_threshold_percent TEXT NOT NULL DEFAULT '1';
ALTER TABLE carriers ADD COLUMN payment_terms_days INTEGER NOT NULL DEFAULT 30;

-- A switch-wide own CDR file belongs to no single carrier: its rows name their customer and vendor.
CREATE TABLE cdr_imports_v4 (
  id INTEGER PRIMARY KEY,
  carrier_id INTEGER REFERENCES carriers(id),
  source TEXT NOT NULL CHECK (source IN ('own', 'carrier')),
  format TEXT NOT NULL,
  file_name TEXT NOT NULL,
  file_sha256 TEXT NOT NULL,
  file_bytes INTEGER NOT NULL,
  timezone TEXT NOT NULL,
  rows_read INTEGER NOT NULL,
  rows_imported INTEGER NOT NULL,
  rows_duplicate INTEGER NOT NULL,
  rows_rejected INTEGER NOT NULL,
  rejects_file TEXT,
  first_start_ms INTEGER,
  last_start_ms INTEGER,
  mapping_json TEXT NOT NULL,
  report_json TEXT NOT NULL,
  imported_at_ms INTEGER NOT NULL,
  imported_by TEXT NOT NULL
);
INSERT INTO cdr_imports_v4 SELECT * FROM cdr_imports;
DROP TABLE cdr_imports;
ALTER TABLE cdr_imports_v4 RENAME TO cdr_imports;
CREATE INDEX cdr_imports_by_carrier ON cdr_imports (carrier_id, id);

-- Both legs of a call: the customer who sent it (rated on their sell deck, the sell_* columns) and
-- the vendor it went to (rated on their buy deck, the buy_* columns). carrier_id stays the carrier
-- the row is filed under for de-duplication: the named carrier, or for a switch-wide file the
-- vendor (else the customer) its trunks map to.
ALTER TABLE cdrs ADD COLUMN customer_id INTEGER REFERENCES carriers(id);
ALTER TABLE cdrs ADD COLUMN vendor_id INTEGER REFERENCES carriers(id);
UPDATE cdrs SET
  customer_id = CASE WHEN (SELECT roles FROM carriers WHERE id = cdrs.carrier_id) IN ('customer', 'both') THEN carrier_id END,
  vendor_id = CASE WHEN (SELECT roles FROM carriers WHERE id = cdrs.carrier_id) IN ('vendor', 'both') THEN carrier_id END;
CREATE INDEX cdrs_by_vendor ON cdrs (vendor_id, source, start_ms);
CREATE INDEX cdrs_by_customer ON cdrs (customer_id, source, start_ms);
`
  },
  {
    id: 5,
    name: "vendor invoices and disputes",
    sql: `
-- Invoices carriers send us (they bill us as our vendor). Amounts are exact: integers scaled by 1e8
-- (_e8), in the invoice's currency. Periods are [from, to) instants, computed in the carrier's zone.
CREATE TABLE vendor_invoices (
  id INTEGER PRIMARY KEY,
  carrier_id INTEGER NOT NULL REFERENCES carriers(id),
  number TEXT NOT NULL,
  period_from_ms INTEGER NOT NULL,
  period_to_ms INTEGER NOT NULL,
  currency TEXT NOT NULL,
  issued_on TEXT,
  due_on TEXT,
  total_e8 INTEGER NOT NULL,
  file_name TEXT NOT NULL,
  file_sha256 TEXT NOT NULL,
  file_bytes INTEGER NOT NULL,
  mapping_json TEXT NOT NULL,
  imported_at_ms INTEGER NOT NULL,
  imported_by TEXT NOT NULL,
  UNIQUE (carrier_id, number)
);

-- The invoice's summary lines as the carrier wrote them (row = the file's row number).
CREATE TABLE vendor_invoice_lines (
  invoice_id INTEGER NOT NULL REFERENCES vendor_invoices(id),
  line_no INTEGER NOT NULL,
  row INTEGER,
  prefix TEXT,
  destination TEXT,
  calls INTEGER,
  minutes_e8 INTEGER,
  rate_e8 INTEGER,
  amount_e8 INTEGER NOT NULL,
  PRIMARY KEY (invoice_id, line_no)
) WITHOUT ROWID;

-- A claim against a carrier's invoice. state is the latest event's to_state (the events are the record).
-- States: draft, submitted, acknowledged, accepted, partially-accepted, rejected, escalated, settled, closed.
CREATE TABLE disputes (
  id INTEGER PRIMARY KEY,
  carrier_id INTEGER NOT NULL REFERENCES carriers(id),
  invoice_id INTEGER REFERENCES vendor_invoices(id),
  reconciliation_id INTEGER,
  period_from_ms INTEGER NOT NULL,
  period_to_ms INTEGER NOT NULL,
  currency TEXT NOT NULL,
  state TEXT NOT NULL,
  claimed_e8 INTEGER NOT NULL,
  agreed_e8 INTEGER,
  credit_note TEXT,
  submitted_at_ms INTEGER,
  settled_at_ms INTEGER,
  created_at_ms INTEGER NOT NULL,
  created_by TEXT NOT NULL
);
CREATE INDEX disputes_by_carrier ON disputes (carrier_id, state);

CREATE TABLE dispute_lines (
  dispute_id INTEGER NOT NULL REFERENCES disputes(id),
  line_no INTEGER NOT NULL,
  cause TEXT NOT NULL,
  prefix TEXT,
  destination TEXT,
  calls INTEGER NOT NULL,
  minutes_e8 INTEGER NOT NULL,
  claimed_e8 INTEGER NOT NULL,
  PRIMARY KEY (dispute_id, line_no)
) WITHOUT ROWID;

-- Append-only: every change to a dispute (created, state change, amounts, note, credit note).
CREATE TABLE dispute_events (
  dispute_id INTEGER NOT NULL REFERENCES disputes(id),
  seq INTEGER NOT NULL,
  at_ms INTEGER NOT NULL,
  actor TEXT NOT NULL,
  from_state TEXT,
  to_state TEXT NOT NULL,
  claimed_e8 INTEGER,
  agreed_e8 INTEGER,
  credit_note TEXT,
  note TEXT,
  PRIMARY KEY (dispute_id, seq)
) WITHOUT ROWID;
CREATE TRIGGER dispute_events_no_update BEFORE UPDATE ON dispute_events BEGIN SELECT RAISE(ABORT, 'dispute events are append-only'); END;
CREATE TRIGGER dispute_events_no_delete BEFORE DELETE ON dispute_events BEGIN SELECT RAISE(ABORT, 'dispute events are append-only'); END;
`
  },
  // Issue 7 (settlement). Id 6 belongs to reconciliation (issue 6), merged separately.
  {
    id: 7,
    name: "settlement: customer invoices and notes, payments, FX rates",
    sql: `
-- Our invoices to customers, and the credit and debit notes that correct them. Frozen once issued:
-- rows and lines are append-only (triggers below). number is gapless per workspace and year of issue
-- (TL-YYYY-NNNNNN, seq 1, 2, 3 \u2026), assigned inside the issuing transaction. period is 'YYYY-MM' in
-- the customer's zone, [period_from_ms, period_to_ms). Amounts are e8 integers in the invoice's
-- currency (that of the sell deck's rates); a credit note's total is negative.
CREATE TABLE customer_invoices (
  id INTEGER PRIMARY KEY,
  number TEXT NOT NULL UNIQUE,
  year INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('invoice', 'credit-note', 'debit-note')),
  carrier_id INTEGER NOT NULL REFERENCES carriers(id),
  period TEXT NOT NULL,
  period_from_ms INTEGER NOT NULL,
  period_to_ms INTEGER NOT NULL,
  currency TEXT NOT NULL,
  corrects_id INTEGER REFERENCES customer_invoices(id),
  calls INTEGER NOT NULL,
  billed_s INTEGER NOT NULL,
  total_e8 INTEGER NOT NULL,
  issued_on TEXT NOT NULL,
  due_on TEXT NOT NULL,
  rounding_json TEXT NOT NULL,
  carrier_settings_version INTEGER NOT NULL,
  issued_at_ms INTEGER NOT NULL,
  issued_by TEXT NOT NULL,
  UNIQUE (year, seq),
  CHECK ((kind = 'invoice') = (corrects_id IS NULL))
);
CREATE INDEX customer_invoices_by_carrier ON customer_invoices (carrier_id, period, id);
-- One original invoice per customer and period; later changes are notes.
CREATE UNIQUE INDEX customer_invoices_one_per_period ON customer_invoices (carrier_id, period) WHERE kind = 'invoice';

-- A line per destination and rate (the level per-line rounding works at). For a note, the
-- difference against everything issued before it for the period (signed).
CREATE TABLE customer_invoice_lines (
  invoice_id INTEGER NOT NULL REFERENCES customer_invoices(id),
  line_no INTEGER NOT NULL,
  destination TEXT NOT NULL,
  prefix TEXT,
  rate_e8 INTEGER NOT NULL,
  calls INTEGER NOT NULL,
  billed_s INTEGER NOT NULL,
  amount_e8 INTEGER NOT NULL,
  PRIMARY KEY (invoice_id, line_no)
) WITHOUT ROWID;
CREATE TRIGGER customer_invoices_no_update BEFORE UPDATE ON customer_invoices BEGIN SELECT RAISE(ABORT, 'issued invoices are frozen: issue a credit or debit note'); END;
CREATE TRIGGER customer_invoices_no_delete BEFORE DELETE ON customer_invoices BEGIN SELECT RAISE(ABORT, 'issued invoices are frozen: issue a credit or debit note'); END;
CREATE TRIGGER customer_invoice_lines_no_update BEFORE UPDATE ON customer_invoice_lines BEGIN SELECT RAISE(ABORT, 'issued invoice lines are frozen'); END;
CREATE TRIGGER customer_invoice_lines_no_delete BEFORE DELETE ON customer_invoice_lines BEGIN SELECT RAISE(ABORT, 'issued invoice lines are frozen'); END;

-- Money received from (in) or paid to (out) a carrier, in the currency it moved in. paid_on is the
-- value date (YYYY-MM-DD). Append-only: a wrong payment is corrected by one in the other direction.
CREATE TABLE payments (
  id INTEGER PRIMARY KEY,
  carrier_id INTEGER NOT NULL REFERENCES carriers(id),
  direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
  paid_on TEXT NOT NULL,
  amount_e8 INTEGER NOT NULL CHECK (amount_e8 > 0),
  currency TEXT NOT NULL,
  reference TEXT,
  recorded_at_ms INTEGER NOT NULL,
  recorded_by TEXT NOT NULL
);
CREATE INDEX payments_by_carrier ON payments (carrier_id, paid_on, id);
CREATE TRIGGER payments_no_update BEFORE UPDATE ON payments BEGIN SELECT RAISE(ABORT, 'payments are append-only: record a correcting payment'); END;
CREATE TRIGGER payments_no_delete BEFORE DELETE ON payments BEGIN SELECT RAISE(ABORT, 'payments are append-only: record a correcting payment'); END;

-- 1 unit of from_currency = rate units of to_currency, from rate_on (YYYY-MM-DD) until the next
-- rate of the pair. rate is an exact decimal string. Setting a rate again for the same day adds a
-- row; the latest recorded wins (the history stays).
CREATE TABLE fx_rates (
  id INTEGER PRIMARY KEY,
  from_currency TEXT NOT NULL,
  to_currency TEXT NOT NULL,
  rate_on TEXT NOT NULL,
  rate TEXT NOT NULL,
  recorded_at_ms INTEGER NOT NULL,
  recorded_by TEXT NOT NULL
);
CREATE INDEX fx_rates_by_pair ON fx_rates (from_currency, to_currency, rate_on, id);
`
  }
];
var LATEST_SCHEMA = MIGRATIONS[MIGRATIONS.length - 1].id;

// core/db/open.ts
var APPLICATION_ID = 1414679372;
var SQLITE_MAGIC = "SQLite format 3\0";
function checksum(sql) {
  return createHash3("sha256").update(sql).digest("hex").slice(0, 16);
}
function looksLikeSqlite(path) {
  const fd = openSync2(path, "r");
  try {
    const buf = Buffer.alloc(16);
    const n = readSync2(fd, buf, 0, 16, 0);
    return n === 16 && buf.toString("latin1") === SQLITE_MAGIC;
  } finally {
    closeSync2(fd);
  }
}
function openDatabase(path, options = {}) {
  const exists = path !== ":memory:" && existsSync(path) && statSync2(path).size > 0;
  if (exists && !looksLikeSqlite(path)) {
    throw new TrunklineError("DB_NOT_TRUNKLINE", `${path} is not a Trunkline workspace (it is not a SQLite database)`, { path });
  }
  if (path !== ":memory:" && !exists) mkdirSync(dirname(path), { recursive: true });
  let db2;
  try {
    db2 = new Database(path, { readonly: options.readonly ?? false });
  } catch (e) {
    throw new TrunklineError("DB_CORRUPT", `cannot open ${path}: ${e.message}`, { path });
  }
  try {
    db2.pragma("busy_timeout = 10000");
    const appId = db2.pragma("application_id", { simple: true });
    const hasTables = db2.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get().n > 0;
    if (appId !== APPLICATION_ID && (appId !== 0 || hasTables)) {
      throw new TrunklineError("DB_NOT_TRUNKLINE", `${path} is a SQLite database of another application, not a Trunkline workspace`, { path });
    }
    if (!options.readonly) {
      db2.pragma("journal_mode = WAL");
      db2.pragma("synchronous = NORMAL");
    }
    db2.pragma("foreign_keys = ON");
    db2.pragma("cache_size = -32768");
    db2.pragma("temp_store = MEMORY");
    migrate(db2, path, options);
    return db2;
  } catch (e) {
    db2.close();
    throw e;
  }
}
function migrate(db2, path, options) {
  db2.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at_ms INTEGER NOT NULL)`);
  const applied = db2.prepare("SELECT id, checksum FROM schema_migrations ORDER BY id").all();
  const newest = applied.length ? applied[applied.length - 1].id : 0;
  if (newest > LATEST_SCHEMA) {
    throw new TrunklineError(
      "DB_NEWER_VERSION",
      `${path} was written by a newer Trunkline (schema ${newest}; this version knows up to ${LATEST_SCHEMA}). Update Trunkline to open it; the file was not changed.`,
      { path, schema: newest, supported: LATEST_SCHEMA }
    );
  }
  for (const row of applied) {
    const ours = MIGRATIONS.find((m) => m.id === row.id);
    if (!ours || checksum(ours.sql) !== row.checksum) {
      throw new TrunklineError(
        "DB_DIVERGED",
        `${path} has schema migration ${row.id} from a different build of Trunkline; it was not changed. Open it with the build that created it.`,
        { path, migration: row.id }
      );
    }
  }
  const pending = MIGRATIONS.filter((m) => m.id > newest);
  if (pending.length === 0) return;
  if (options.readonly) {
    throw new TrunklineError("DB_NEWER_VERSION", `${path} needs an upgrade, which a read-only open cannot do`, { path });
  }
  if (newest > 0) options.beforeMigrate?.(db2, newest, LATEST_SCHEMA);
  const insert = db2.prepare("INSERT INTO schema_migrations (id, name, checksum, applied_at_ms) VALUES (?, ?, ?, ?)");
  const run = db2.transaction(() => {
    for (const m of pending) {
      db2.exec(m.sql);
      insert.run(m.id, m.name, checksum(m.sql), (options.now ?? Date.now)());
    }
    db2.pragma(`application_id = ${APPLICATION_ID}`);
    db2.pragma(`user_version = ${LATEST_SCHEMA}`);
  });
  run.immediate();
}

// core/jobs/jobs.ts
import { randomUUID } from "node:crypto";
var Jobs = class {
  constructor(emit) {
    this.emit = emit;
  }
  emit;
  running = /* @__PURE__ */ new Map();
  async run(method, requestedId, work) {
    const id = requestedId ?? randomUUID();
    const controller = new AbortController();
    this.running.set(id, controller);
    let lastEmit = 0;
    const job = {
      id,
      signal: controller.signal,
      progress: (phase, done, total = null) => {
        const now = Date.now();
        if (now - lastEmit < 100 && total !== null && done < total) return;
        lastEmit = now;
        this.emit({ type: "job.progress", jobId: id, method, phase, done, total });
      }
    };
    try {
      return await work(job);
    } finally {
      this.running.delete(id);
    }
  }
  cancel(id) {
    const c = this.running.get(id);
    if (!c) return false;
    c.abort();
    return true;
  }
};

// core/rates/handlers.ts
import { rename as rename2, rm as rm2 } from "node:fs/promises";
import { extname as extname2 } from "node:path";

// core/rates/export-rates.ts
import { createWriteStream as createWriteStream3 } from "node:fs";
import ExcelJS3 from "exceljs";
function cancelled() {
  return new TrunklineError("JOB_CANCELLED", "the export was cancelled; no file was written");
}
async function writeRatesCsv(path, rows, job) {
  const out3 = createWriteStream3(path, { encoding: "utf8" });
  const done = new Promise((resolve, reject) => {
    out3.on("finish", resolve);
    out3.on("error", reject);
  });
  let buffer = RATES_EXPORT_COLUMNS.join(",") + "\n";
  let count = 0;
  try {
    for (const r of rows) {
      buffer += `${r.prefix},${csvField(r.destination)},${formatScaled(r.rateE8)},${r.currency},${isoInstant(r.from)},${r.to === null ? "" : isoInstant(r.to)},${r.first},${r.next},${r.min},${r.grace},${formatScaled(r.feeE8)}
`;
      count++;
      if (buffer.length > 1 << 20) {
        if (!out3.write(buffer)) await new Promise((resolve) => out3.once("drain", () => resolve()));
        buffer = "";
        job.progress("writing", count);
        if (job.signal.aborted) throw cancelled();
      }
    }
    out3.end(buffer);
    await done;
  } catch (e) {
    out3.destroy();
    throw e;
  }
  return count;
}
var RATE_FORMAT = "0.0000####";
async function writeRatesXlsx(path, rows, job) {
  const wb = new ExcelJS3.stream.xlsx.WorkbookWriter({ filename: path, useStyles: true, useSharedStrings: false });
  const ws = wb.addWorksheet("Rates", { views: [{ state: "frozen", ySplit: 1 }] });
  ws.columns = RATES_EXPORT_COLUMNS.map((c) => ({
    header: c,
    key: c,
    width: c === "destination" ? 36 : c.startsWith("effective") ? 22 : c === "prefix" ? 14 : 12,
    style: c === "rate" || c === "connection_fee" ? { numFmt: RATE_FORMAT } : {}
  }));
  ws.getRow(1).font = { bold: true };
  let count = 0;
  for (const r of rows) {
    ws.addRow([
      r.prefix,
      spreadsheetSafe(r.destination),
      Number(formatScaled(r.rateE8)),
      r.currency,
      isoInstant(r.from),
      r.to === null ? null : isoInstant(r.to),
      r.first,
      r.next,
      r.min,
      r.grace,
      Number(formatScaled(r.feeE8))
    ]).commit();
    count++;
    if (count % 2e4 === 0) {
      job.progress("writing", count);
      if (job.signal.aborted) throw cancelled();
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: RATES_EXPORT_COLUMNS.length } };
  ws.commit();
  await wb.commit();
  return count;
}

// core/rates/handlers.ts
function instantArg(ctx, text, zone, flag) {
  if (!text) return ctx.clock();
  const p = parseInstant(text, zone);
  if (!p.ok) throw new TrunklineError("INVALID_ARGUMENTS", `${flag} "${text}": ${p.reason}`);
  return p.ms;
}
function toLookup(number, digits, r) {
  return {
    number,
    normalised: digits,
    prefix: r.prefix,
    destination: r.destination,
    rate: formatScaled(r.rateE8 ?? 0),
    currency: r.currency,
    effectiveFrom: isoInstant(r.from),
    effectiveTo: r.to === null ? null : isoInstant(r.to),
    firstIncrement: r.first,
    nextIncrement: r.next,
    minDuration: r.min,
    grace: r.grace,
    connectionFee: formatScaled(r.feeE8),
    rateId: r.id,
    importId: r.importId
  };
}
function lookupRate(ctx, args) {
  const carrier = requireCarrier(ctx, args.carrier);
  const at = instantArg(ctx, args.at, carrier.timezone, "--at");
  const n = normaliseNumber(args.number, carrier.techPrefixes);
  if (!n.ok) throw new TrunklineError("INVALID_NUMBER", `"${args.number}": ${n.reason}`, { number: args.number, reason: "invalid number" });
  const candidates = [];
  for (let len = Math.min(n.digits.length, 15); len >= 1; len--) candidates.push(n.digits.slice(0, len));
  const r = ctx.rates.longestInForce(carrier.id, args.side, candidates, at);
  const where2 = `${carrier.name} ${args.side} deck at ${isoInstant(at)}`;
  if (!r) {
    throw new TrunklineError("RATE_NOT_FOUND", `no rate for ${n.digits} in the ${where2}`, { number: n.digits, reason: "no rate", at: isoInstant(at) });
  }
  if (r.kind === "closed") {
    throw new TrunklineError("RATE_NOT_FOUND", `${n.digits} matches prefix ${r.prefix}, closed since ${isoInstant(r.from)} in the ${where2}`, {
      number: n.digits,
      reason: "closed code",
      prefix: r.prefix,
      since: isoInstant(r.from),
      at: isoInstant(at)
    });
  }
  if (r.kind === "blocked") {
    throw new TrunklineError("RATE_NOT_FOUND", `${n.digits} matches prefix ${r.prefix}, blocked since ${isoInstant(r.from)} in the ${where2}`, {
      number: n.digits,
      reason: "blocked",
      prefix: r.prefix,
      since: isoInstant(r.from),
      at: isoInstant(at)
    });
  }
  return toLookup(args.number, n.digits, r);
}
async function exportRates(ctx, args, job) {
  const carrier = requireCarrier(ctx, args.carrier);
  const at = instantArg(ctx, args.at, carrier.timezone, "--at");
  const ext = extname2(args.out).toLowerCase();
  const format = args.format ?? (ext === ".xlsx" ? "xlsx" : ext === ".csv" ? "csv" : void 0);
  if (!format) throw new TrunklineError("INVALID_ARGUMENTS", `--out "${args.out}": the file must end in .csv or .xlsx`);
  const tmp = `${args.out}.partial-${process.pid}`;
  const rows = ctx.rates.inForceAt(carrier.id, args.side, at);
  const routable = (function* () {
    for (const r of rows) if (r.kind === "rate") yield r;
  })();
  try {
    const count = format === "csv" ? await writeRatesCsv(tmp, routable, job) : await writeRatesXlsx(tmp, routable, job);
    await rename2(tmp, args.out);
    return { file: args.out, format, rows: count, at: isoInstant(at) };
  } catch (e) {
    await rm2(tmp, { force: true });
    if (e instanceof TrunklineError) throw e;
    throw new TrunklineError("EXPORT_FAILED", `cannot write ${args.out}: ${e.message}`, { file: args.out });
  }
}

// core/rates/query.ts
function toRow2(r) {
  return {
    id: r.id,
    carrier: r.carrier,
    side: r.side,
    prefix: r.prefix,
    destination: r.destination,
    kind: r.kind,
    rate: r.rateE8 === null ? null : formatScaled(r.rateE8),
    currency: r.currency,
    effectiveFrom: isoInstant(r.from),
    effectiveTo: r.to === null ? null : isoInstant(r.to),
    firstIncrement: r.first,
    nextIncrement: r.next,
    minDuration: r.min,
    grace: r.grace,
    connectionFee: formatScaled(r.feeE8),
    changeClass: r.changeClass,
    noticeViolation: r.noticeViolation === 1,
    noticeUntil: r.noticeUntil === null ? null : isoInstant(r.noticeUntil),
    importId: r.importId
  };
}
function queryRates(ctx, args) {
  const carrier = args.carrier ? requireCarrier(ctx, args.carrier) : void 0;
  let at = ctx.clock();
  if (args.at) {
    const p = parseInstant(args.at, carrier?.timezone ?? "UTC");
    if (!p.ok) throw new TrunklineError("INVALID_ARGUMENTS", `at "${args.at}": ${p.reason}`);
    at = p.ms;
  }
  const limit = args.endRow - args.startRow;
  const rows = ctx.rates.page({
    carrierId: carrier?.id,
    side: args.side,
    at: args.scope === "in-force" ? at : void 0,
    prefix: args.prefix,
    destination: args.destination,
    sort: args.sort,
    offset: args.startRow,
    limit
  });
  return { rows: rows.map(toRow2), lastRow: rows.length < limit ? args.startRow + rows.length : null, at: isoInstant(at) };
}
function rateHistory(ctx, args) {
  const carrier = requireCarrier(ctx, args.carrier);
  return ctx.rates.history(carrier.id, args.side, args.prefix).map((r) => ({
    ...toRow2(r),
    deckChange: r.deckChange,
    fileName: r.fileName,
    importedAt: isoInstant(r.importedAt),
    supersededByImportId: r.supersededBy
  }));
}

// core/workspace/handlers.ts
import { existsSync as existsSync2 } from "node:fs";
import { rename as rename3, rm as rm3, stat as stat2 } from "node:fs/promises";
import { join } from "node:path";
function workspaceInfo(ctx) {
  const one = (sql) => ctx.db.prepare(sql).pluck().get();
  return {
    dbPath: ctx.dbPath,
    schemaVersion: one("SELECT max(id) FROM schema_migrations"),
    demo: ctx.meta.get("demo") === "1",
    carriers: one("SELECT count(*) FROM carriers"),
    deckImports: one("SELECT count(*) FROM deck_imports")
  };
}
async function backupWorkspace(ctx, args) {
  const tmp = `${args.out}.partial-${process.pid}`;
  try {
    await ctx.db.backup(tmp);
    await rename3(tmp, args.out);
  } catch (e) {
    await rm3(tmp, { force: true });
    throw new TrunklineError("EXPORT_FAILED", `cannot write the backup ${args.out}: ${e.message}`, { file: args.out });
  }
  return { file: args.out, bytes: (await stat2(args.out)).size };
}
var DEMO = [
  {
    carrier: "DEMO CarrierX",
    settings: { roles: "both", currency: "USD", timezone: "UTC" },
    decks: [
      { file: "carrierx-v1-full.csv", mode: "full", received: "2026-09-20" },
      { file: "carrierx-v2-partial.csv", mode: "partial", received: "2026-10-10" },
      { file: "carrierx-v3-full.csv", mode: "full", received: "2026-10-25" }
    ]
  },
  { carrier: "DEMO ACME Telecom", settings: { roles: "vendor", currency: "USD", timezone: "UTC" }, decks: [{ file: "acme-notes-block.xlsx", mode: "full", received: "2026-10-20" }] },
  { carrier: "DEMO EuroTel", settings: { roles: "vendor", currency: "EUR", timezone: "Europe/Berlin" }, decks: [{ file: "eurotel-semicolon.csv", mode: "full", received: "2026-10-20" }] }
];
async function seedDemo(ctx, args) {
  const imported = [];
  if (ctx.meta.get("demo") === "1") return { seeded: false, imported };
  if (ctx.carriers.list().length > 0) {
    throw new TrunklineError("INVALID_ARGUMENTS", `${ctx.dbPath} holds real work; the demo is only seeded into an empty workspace`);
  }
  for (const d of DEMO) {
    createCarrier(ctx, { name: d.carrier, settings: d.settings });
    for (const deck of d.decks) {
      const file = join(args.fixturesDir, deck.file);
      if (!existsSync2(file)) throw new TrunklineError("FILE_NOT_FOUND", `demo fixture ${file} is missing`, { file });
      const noJob = { id: "demo", signal: new AbortController().signal, progress: () => {
      } };
      const r = await importDeck(ctx, {
        file,
        carrier: d.carrier,
        side: "buy",
        mode: deck.mode,
        received: deck.received,
        map: {},
        dryRun: false,
        saveTemplate: true
      }, noJob);
      imported.push({ carrier: d.carrier, file: deck.file, prefixes: r.prefixes });
    }
  }
  ctx.meta.set("demo", "1");
  return { seeded: true, imported };
}

// core/util/logger.ts
var silentLogger = { debug() {
}, info() {
}, warn() {
}, error() {
} };

// core/settlement/money.ts
import { Decimal as Decimal5 } from "decimal.js";
var D = Decimal5.clone({ precision: 60, rounding: Decimal5.ROUND_HALF_UP });
var E8 = 100000000n;
function parseE8(text) {
  const m = /^(-?)(\d+)(?:\.(\d{0,8}))?$/.exec(text.trim());
  if (!m) throw new RangeError(`not an exact decimal with up to 8 decimals: ${text}`);
  const v = BigInt(m[2]) * E8 + BigInt((m[3] ?? "").padEnd(8, "0"));
  return m[1] ? -v : v;
}
function money(e82) {
  return formatAmountE8(e82, 2);
}
function convertE8(e82, rate, decimals) {
  const step = new D(10).pow(8 - decimals);
  const exact = new D(e82.toString()).times(rate);
  return BigInt(decimalText(exact.dividedBy(step).toDecimalPlaces(0, Decimal5.ROUND_HALF_UP).times(step), 0));
}

// core/settlement/period.ts
import { DateTime as DateTime3 } from "luxon";
function periodRange(period, zone) {
  const m = /^(\d{4})-(\d{2})$/.exec(period);
  if (!m) throw new TrunklineError("INVALID_ARGUMENTS", `period "${period}": write YYYY-MM, e.g. 2026-09`);
  const start = DateTime3.fromObject({ year: Number(m[1]), month: Number(m[2]), day: 1 }, { zone });
  if (!start.isValid) throw new TrunklineError("INVALID_ARGUMENTS", `period "${period}" is not a month`);
  const end = start.plus({ months: 1 });
  return { period, fromMs: start.toMillis(), toMs: end.toMillis(), firstDay: start.toISODate(), lastDay: end.minus({ days: 1 }).toISODate() };
}
function periodOfMs(ms2, zone) {
  return DateTime3.fromMillis(ms2, { zone }).toFormat("yyyy-MM");
}
function periodOfDay(day) {
  return day.slice(0, 7);
}
function dayOfMs(ms2, zone) {
  return DateTime3.fromMillis(ms2, { zone }).toISODate();
}
function addDays(day, days) {
  return DateTime3.fromISO(day, { zone: "UTC" }).plus({ days }).toISODate();
}
function daysBetween(from, to) {
  return Math.round(DateTime3.fromISO(to, { zone: "UTC" }).diff(DateTime3.fromISO(from, { zone: "UTC" }), "days").days);
}
var decimalsCache = /* @__PURE__ */ new Map();
function currencyDecimals(currency) {
  let d = decimalsCache.get(currency);
  if (d === void 0) {
    try {
      d = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
    } catch {
      d = 2;
    }
    decimalsCache.set(currency, d);
  }
  return d;
}

// core/settlement/fx.ts
function out(r) {
  return { id: r.id, from: r.from, to: r.to, date: r.rateOn, rate: r.rate, recordedAt: isoInstant(r.recordedAtMs) };
}
function setFx(ctx, a) {
  const rate = decimalText(new D(a.rate));
  const id = ctx.settlement.insertFx({ from: a.from, to: a.to, rateOn: a.date, rate, recordedAtMs: ctx.clock(), recordedBy: ctx.actor });
  return out({ id, from: a.from, to: a.to, rateOn: a.date, rate, recordedAtMs: ctx.clock(), recordedBy: ctx.actor });
}
function listFx(ctx, a) {
  return ctx.settlement.fxRates(a).map(out);
}
var FxConverter = class {
  constructor(ctx) {
    this.ctx = ctx;
  }
  ctx;
  convert(amountE8, from, to, day, what) {
    if (from === to) return { amountE8, rate: null, rateDate: null };
    const direct = this.ctx.settlement.fxOn(from, to, day);
    const inverse = direct ? void 0 : this.ctx.settlement.fxOn(to, from, day);
    if (!direct && !inverse) {
      throw new TrunklineError(
        "FX_RATE_MISSING",
        `no ${from}\u2192${to} exchange rate on or before ${day} (needed for ${what}): record one with \`trunkline fx set --from ${from} --to ${to} --rate R --date ${day}\``,
        { from, to, date: day, for: what }
      );
    }
    const rate = direct ? direct.rate : decimalText(new D(1).dividedBy(inverse.rate).toSignificantDigits(30));
    return { amountE8: convertE8(amountE8, rate, currencyDecimals(to)), rate, rateDate: (direct ?? inverse).rateOn };
  }
};

// core/settlement/invoices.ts
import { Decimal as Decimal6 } from "decimal.js";
var lineKey = (destination, rateE8) => `${destination}\0${rateE8}`;
function billedMinutes(billedS) {
  return decimalText(new Decimal6(billedS.toString()).dividedBy(60).toDecimalPlaces(4, Decimal6.ROUND_HALF_UP), 4);
}
function computeInvoiceLines(ctx, carrier, range) {
  const groups = ctx.db.prepare(`SELECT g.status, g.reason, g.n, g.billed, g.amount, g.x60,
      r.destination, r.prefix, r.rate_per_min_e8 AS rate, r.connection_fee_e8 AS fee, r.currency
    FROM (SELECT c.sell_status AS status, c.sell_reason AS reason, c.sell_rate_id AS rid, count(*) AS n, sum(c.sell_billed_s) AS billed,
            sum(c.sell_amount_e8) AS amount, sum(c.sell_exact_x60) AS x60
          FROM cdrs c WHERE c.customer_id = @carrier AND c.source = 0 AND c.start_ms >= @from AND c.start_ms < @to GROUP BY 1, 2, 3) g
    LEFT JOIN rates r ON r.id = g.rid AND g.status = 0`).safeIntegers(true).all({ carrier: carrier.id, from: range.fromMs, to: range.toMs });
  const unrated = groups.filter((g) => g.status === null || g.status === 2n);
  if (unrated.length > 0) throw unratedError(ctx, carrier, range, unrated.map((g) => ({ reason: g.status === null ? "not rated yet" : REASONS[Number(g.reason ?? 1n)], n: Number(g.n) })));
  const perLine = carrier.rounding.level === "per-line";
  const byKey = /* @__PURE__ */ new Map();
  const currencies = /* @__PURE__ */ new Set();
  for (const g of groups) {
    if (g.status !== 0n || g.destination === null || g.rate === null) continue;
    currencies.add(g.currency);
    const key = lineKey(g.destination, g.rate);
    let l = byKey.get(key);
    if (!l) byKey.set(key, l = { key, destination: g.destination, prefix: null, rateE8: g.rate, calls: 0, billedS: 0, amountE8: 0n, prefixes: /* @__PURE__ */ new Set(), x60: 0n, fees: 0n });
    l.prefixes.add(g.prefix);
    l.calls += Number(g.n);
    l.billedS += Number(g.billed ?? 0n);
    l.amountE8 += g.amount ?? 0n;
    l.x60 += g.x60 ?? 0n;
    l.fees += (g.fee ?? 0n) * g.n;
  }
  if (currencies.size > 1) {
    throw new TrunklineError(
      "INVOICE_MIXED_CURRENCIES",
      `${carrier.name}'s calls in ${range.period} were priced in ${[...currencies].sort().join(" and ")}: an invoice has one currency`,
      { customer: carrier.name, period: range.period, currencies: [...currencies].sort() }
    );
  }
  const lines = [...byKey.values()].map((l) => ({
    key: l.key,
    destination: l.destination,
    prefix: l.prefixes.size === 1 ? [...l.prefixes][0] : null,
    rateE8: l.rateE8,
    calls: l.calls,
    billedS: l.billedS,
    amountE8: perLine ? lineAmountE8(l.x60, carrier.rounding, l.fees) : l.amountE8
  }));
  lines.sort((a, b) => a.destination < b.destination ? -1 : a.destination > b.destination ? 1 : a.rateE8 < b.rateE8 ? -1 : a.rateE8 > b.rateE8 ? 1 : 0);
  return { lines, currency: [...currencies][0] ?? null };
}
function unratedError(ctx, carrier, range, byReason) {
  const merged = /* @__PURE__ */ new Map();
  for (const r of byReason) merged.set(r.reason, (merged.get(r.reason) ?? 0) + r.n);
  const total = [...merged.values()].reduce((a, b) => a + b, 0);
  const calls = ctx.db.prepare(`SELECT c.id, c.call_id AS callId, c.start_ms AS startMs, c.called, c.sell_status AS status, c.sell_reason AS reason
      FROM cdrs c WHERE c.customer_id = ? AND c.source = 0 AND c.start_ms >= ? AND c.start_ms < ? AND (c.sell_status IS NULL OR c.sell_status = 2)
      ORDER BY c.start_ms, c.id LIMIT 100`).all(carrier.id, range.fromMs, range.toMs).map((c) => ({ id: c.id, callId: c.callId, start: isoInstant(c.startMs), called: c.called, reason: c.status === null ? "not rated yet" : REASONS[c.reason ?? 1] }));
  const summary = [...merged].map(([r, n]) => `${n} ${r}`).join(", ");
  const first = calls[0];
  return new TrunklineError(
    "INVOICE_UNRATED_CALLS",
    `${total} call${total === 1 ? "" : "s"} of ${carrier.name} in ${range.period} ${total === 1 ? "is" : "are"} not rated on the sell deck (${summary}); nothing was issued. Fix the deck and run \`trunkline rate --carrier "${carrier.name}" --side sell\`.${first ? ` First: call ${first.callId ?? `#${first.id}`} at ${first.start} to ${first.called} (${first.reason})` : ""}`,
    { customer: carrier.name, period: range.period, unratedCount: total, byReason: Object.fromEntries(merged), calls }
  );
}
function lineOut(l) {
  return { lineNo: l.lineNo, destination: l.destination, prefix: l.prefix, rate: formatScaled(Number(l.rateE8)), calls: l.calls, billedMinutes: billedMinutes(l.billedS), amount: money(l.amountE8) };
}
function summaryOut(ctx, r, names, numbers) {
  let customer = names.get(r.carrierId);
  if (customer === void 0) names.set(r.carrierId, customer = ctx.carriers.byId(r.carrierId)?.name ?? `#${r.carrierId}`);
  return {
    id: r.id,
    number: r.number,
    kind: r.kind,
    customer,
    period: r.period,
    currency: r.currency,
    issuedOn: r.issuedOn,
    dueOn: r.dueOn,
    calls: r.calls,
    billedMinutes: billedMinutes(r.billedS),
    total: money(r.totalE8),
    corrects: r.correctsId === null ? null : numbers.get(r.correctsId) ?? ctx.settlement.invoices({}).find((x) => x.id === r.correctsId)?.number ?? null,
    issuedAt: isoInstant(r.issuedAtMs),
    issuedBy: r.issuedBy
  };
}
function documentOut(ctx, r, all) {
  const numbers = new Map(all.map((x) => [x.id, x.number]));
  return { ...summaryOut(ctx, r, /* @__PURE__ */ new Map(), numbers), lines: ctx.settlement.lines([r.id]).map(lineOut) };
}
function issueInvoice(ctx, a) {
  const carrier = requireCarrier(ctx, a.customer);
  if (carrier.roles === "vendor") {
    throw new TrunklineError("INVALID_ARGUMENTS", `${carrier.name} is a vendor only: we invoice customers (set its roles to customer or both)`, { customer: carrier.name });
  }
  const range = periodRange(a.period, carrier.timezone);
  return ctx.db.transaction(() => {
    const { lines, currency } = computeInvoiceLines(ctx, carrier, range);
    const existing = ctx.settlement.invoices({ carrierId: carrier.id, period: a.period });
    const original = existing.find((d) => d.kind === "invoice");
    let kind = "invoice";
    let docLines;
    let docCurrency = currency;
    if (!original) {
      if (lines.length === 0) {
        throw new TrunklineError(
          "INVOICE_NOTHING_TO_INVOICE",
          `${carrier.name} has no rated calls to invoice in ${a.period} (own CDRs, sell side); nothing was issued`,
          { customer: carrier.name, period: a.period }
        );
      }
      docLines = lines.map((l, i) => ({ lineNo: i + 1, destination: l.destination, prefix: l.prefix, rateE8: l.rateE8, calls: l.calls, billedS: l.billedS, amountE8: l.amountE8 }));
    } else {
      if (currency !== null && currency !== original.currency) {
        throw new TrunklineError(
          "INVOICE_MIXED_CURRENCIES",
          `${a.period} was invoiced in ${original.currency}; the calls are now priced in ${currency}: a note cannot change the currency`,
          { customer: carrier.name, period: a.period, currencies: [original.currency, currency] }
        );
      }
      docCurrency = original.currency;
      const issued = /* @__PURE__ */ new Map();
      for (const l of ctx.settlement.lines(existing.map((d) => d.id))) {
        const key = lineKey(l.destination, l.rateE8);
        const s = issued.get(key) ?? { destination: l.destination, prefix: l.prefix, rateE8: l.rateE8, calls: 0, billedS: 0, amountE8: 0n };
        s.calls += l.calls;
        s.billedS += l.billedS;
        s.amountE8 += l.amountE8;
        issued.set(key, s);
      }
      const now = new Map(lines.map((l) => [l.key, l]));
      const keys = [.../* @__PURE__ */ new Set([...issued.keys(), ...now.keys()])].sort((x, y) => {
        const [dx, rx] = [issued.get(x) ?? now.get(x), issued.get(y) ?? now.get(y)];
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
        const base = is ?? was;
        docLines.push({ lineNo: docLines.length + 1, destination: base.destination, prefix: is?.prefix ?? was?.prefix ?? null, rateE8: base.rateE8, calls, billedS, amountE8 });
      }
      if (docLines.length === 0) {
        return { outcome: "unchanged", document: documentOut(ctx, original, existing), periodTotal: money(existing.reduce((t, d) => t + d.totalE8, 0n)) };
      }
      kind = docLines.reduce((t, l) => t + l.amountE8, 0n) < 0n ? "credit-note" : "debit-note";
    }
    const issuedOn = dayOfMs(ctx.clock(), carrier.timezone);
    const year = Number(issuedOn.slice(0, 4));
    const seq = ctx.settlement.nextSeq(year);
    const record = {
      number: `TL-${year}-${String(seq).padStart(6, "0")}`,
      year,
      seq,
      kind,
      carrierId: carrier.id,
      period: a.period,
      periodFromMs: range.fromMs,
      periodToMs: range.toMs,
      currency: docCurrency ?? carrier.currency,
      correctsId: original?.id ?? null,
      calls: docLines.reduce((t, l) => t + l.calls, 0),
      billedS: docLines.reduce((t, l) => t + l.billedS, 0),
      totalE8: docLines.reduce((t, l) => t + l.amountE8, 0n),
      issuedOn,
      dueOn: addDays(issuedOn, carrier.paymentTermsDays),
      roundingJson: JSON.stringify(carrier.rounding),
      settingsVersion: carrier.settingsVersion,
      issuedAtMs: ctx.clock(),
      issuedBy: ctx.actor
    };
    const id = ctx.settlement.insertInvoice(record, docLines);
    const all = ctx.settlement.invoices({ carrierId: carrier.id, period: a.period });
    const doc = all.find((d) => d.id === id);
    return { outcome: kind === "invoice" ? "issued" : kind, document: documentOut(ctx, doc, all), periodTotal: money(all.reduce((t, d) => t + d.totalE8, 0n)) };
  }).immediate();
}
function listIssued(ctx, a) {
  const carrierId2 = a.customer ? requireCarrier(ctx, a.customer).id : void 0;
  const all = ctx.settlement.invoices({});
  const numbers = new Map(all.map((x) => [x.id, x.number]));
  const names = /* @__PURE__ */ new Map();
  return all.filter((r) => (carrierId2 === void 0 || r.carrierId === carrierId2) && (a.period === void 0 || r.period === a.period)).map((r) => summaryOut(ctx, r, names, numbers));
}
function getInvoice(ctx, a) {
  const r = ctx.settlement.invoices({ number: a.number })[0];
  if (!r) throw new TrunklineError("INVOICE_NOT_FOUND", `no invoice or note numbered "${a.number}"`, { number: a.number });
  return documentOut(ctx, r, ctx.settlement.invoices({ carrierId: r.carrierId }));
}

// core/settlement/vendor-side.ts
var OPEN_DISPUTE_STATES = /* @__PURE__ */ new Set(["submitted", "acknowledged", "escalated", "accepted", "partially-accepted"]);
var RESOLVED_DISPUTE_STATES = /* @__PURE__ */ new Set(["settled", "rejected", "closed"]);
function vendorInvoices(db2, carrierId2) {
  return db2.prepare(`SELECT id, number, period_from_ms AS periodFromMs, period_to_ms AS periodToMs, currency, issued_on AS issuedOn, due_on AS dueOn,
      total_e8 AS totalE8 FROM vendor_invoices WHERE carrier_id = ? ORDER BY period_from_ms, id`).safeIntegers(true).all(carrierId2).map((r) => ({
    id: Number(r.id),
    number: r.number,
    periodFromMs: Number(r.periodFromMs),
    periodToMs: Number(r.periodToMs),
    currency: r.currency,
    issuedOn: r.issuedOn,
    dueOn: r.dueOn,
    totalE8: r.totalE8
  }));
}
function vendorInvoiceLines(db2, invoiceIds) {
  if (invoiceIds.length === 0) return [];
  return db2.prepare(`SELECT invoice_id AS invoiceId, line_no AS lineNo, prefix, destination, calls, minutes_e8 AS minutesE8, rate_e8 AS rateE8, amount_e8 AS amountE8
      FROM vendor_invoice_lines WHERE invoice_id IN (${invoiceIds.map(() => "?").join(",")}) ORDER BY invoice_id, line_no`).safeIntegers(true).all(...invoiceIds).map((r) => ({
    invoiceId: Number(r.invoiceId),
    lineNo: Number(r.lineNo),
    prefix: r.prefix,
    destination: r.destination,
    calls: r.calls === null ? null : Number(r.calls),
    minutesE8: r.minutesE8,
    rateE8: r.rateE8,
    amountE8: r.amountE8
  }));
}
function vendorDisputes(db2, carrierId2) {
  return db2.prepare(`SELECT d.id, d.invoice_id AS invoiceId, i.number AS invoiceNumber, coalesce(i.period_from_ms, d.period_from_ms) AS periodFromMs,
        d.currency, d.state, d.claimed_e8 AS claimedE8, d.agreed_e8 AS agreedE8, d.credit_note AS creditNote, d.submitted_at_ms AS submittedAtMs,
        d.settled_at_ms AS settledAtMs,
        (SELECT min(e.at_ms) FROM dispute_events e WHERE e.dispute_id = d.id AND e.to_state IN ('settled', 'rejected', 'closed')) AS resolvedEventMs
      FROM disputes d LEFT JOIN vendor_invoices i ON i.id = d.invoice_id WHERE d.carrier_id = ? ORDER BY d.id`).safeIntegers(true).all(carrierId2).map((r) => {
    const n = (v) => v === null || v === void 0 ? null : Number(v);
    const state = r.state;
    const settledAtMs = n(r.settledAtMs);
    const resolvedEventMs = n(r.resolvedEventMs);
    let resolvedAtMs = null;
    if (RESOLVED_DISPUTE_STATES.has(state)) resolvedAtMs = settledAtMs ?? resolvedEventMs ?? n(r.submittedAtMs);
    return {
      id: Number(r.id),
      invoiceId: n(r.invoiceId),
      invoiceNumber: r.invoiceNumber,
      periodFromMs: Number(r.periodFromMs),
      currency: r.currency,
      state,
      claimedE8: r.claimedE8,
      agreedE8: r.agreedE8,
      creditNote: r.creditNote,
      submittedAtMs: n(r.submittedAtMs),
      settledAtMs,
      resolvedAtMs
    };
  });
}

// core/settlement/ledger.ts
var KIND_ORDER = ["invoice", "credit-note", "debit-note", "vendor-invoice", "withheld", "released", "dispute-credit", "payment-in", "payment-out"];
function buildLedger(ctx, carrier, fx = new FxConverter(ctx)) {
  const tz = carrier.timezone;
  const cur = carrier.currency;
  const entries = [];
  const add = (kind, period, date, reference, originalE8, currency, sign, conv) => {
    const c = conv ?? (() => {
      const x = fx.convert(originalE8, currency, cur, date, `${kind} ${reference}`);
      return { e8: x.amountE8, rate: x.rate, rateDate: x.rateDate };
    })();
    entries.push({
      kind,
      period,
      date,
      reference,
      originalAmount: money(originalE8),
      originalCurrency: currency,
      fxRate: c.rate,
      fxDate: c.rateDate,
      amount: money(c.e8),
      effect: money(sign * c.e8),
      amountE8: c.e8,
      effectE8: sign * c.e8
    });
    return c;
  };
  for (const d of ctx.settlement.invoices({ carrierId: carrier.id })) {
    const period = d.kind === "invoice" ? d.period : periodOfDay(d.issuedOn);
    add(d.kind, period, d.issuedOn, d.kind === "invoice" ? d.number : `${d.number} (corrects ${d.period})`, d.totalE8, d.currency, 1n);
  }
  const vendorInvs = vendorInvoices(ctx.db, carrier.id);
  const invoiceDay = /* @__PURE__ */ new Map();
  for (const v of vendorInvs) {
    const period = periodOfMs(v.periodFromMs, tz);
    const day = v.issuedOn ?? periodRange(period, tz).lastDay;
    invoiceDay.set(v.id, day);
    add("vendor-invoice", period, day, v.number, v.totalE8, v.currency, -1n);
  }
  const disputes = [];
  for (const d of vendorDisputes(ctx.db, carrier.id)) {
    const period = periodOfMs(d.periodFromMs, tz);
    const resolvedPeriod = d.resolvedAtMs === null ? null : periodOfMs(d.resolvedAtMs, tz);
    const withholds = (d.submittedAtMs !== null || OPEN_DISPUTE_STATES.has(d.state)) && (resolvedPeriod === null || resolvedPeriod > period);
    const ref = `dispute #${d.id}${d.invoiceNumber ? ` on ${d.invoiceNumber}` : ""}`;
    const track = {
      view: {
        id: d.id,
        invoice: d.invoiceNumber,
        period,
        state: d.state,
        currency: d.currency,
        claimed: money(d.claimedE8),
        agreed: d.agreedE8 === null ? null : money(d.agreedE8),
        creditNote: d.creditNote,
        submittedAt: d.submittedAtMs === null ? null : isoInstant(d.submittedAtMs),
        resolvedAt: d.resolvedAtMs === null ? null : isoInstant(d.resolvedAtMs)
      },
      withheldPeriod: null,
      releasedPeriod: null,
      creditPeriod: null,
      withheldE8: 0n,
      creditE8: 0n
    };
    if (withholds) {
      const day = (d.invoiceId !== null ? invoiceDay.get(d.invoiceId) : void 0) ?? periodRange(period, tz).lastDay;
      const c = add("withheld", period, day, ref, d.claimedE8, d.currency, 1n);
      track.withheldPeriod = period;
      track.withheldE8 = c.e8;
      if (resolvedPeriod !== null) {
        add("released", resolvedPeriod, dayOfMs(d.resolvedAtMs, tz), ref, d.claimedE8, d.currency, -1n, c);
        track.releasedPeriod = resolvedPeriod;
      }
    }
    if (d.settledAtMs !== null && d.agreedE8 !== null && d.agreedE8 !== 0n) {
      const settledPeriod = periodOfMs(d.settledAtMs, tz);
      const c = add("dispute-credit", settledPeriod, dayOfMs(d.settledAtMs, tz), d.creditNote ? `${d.creditNote} (${ref})` : ref, d.agreedE8, d.currency, 1n);
      track.creditPeriod = settledPeriod;
      track.creditE8 = c.e8;
    }
    disputes.push(track);
  }
  for (const p of ctx.settlement.payments({ carrierId: carrier.id })) {
    add(p.direction === "in" ? "payment-in" : "payment-out", periodOfDay(p.paidOn), p.paidOn, p.reference ?? `payment #${p.id}`, p.amountE8, p.currency, p.direction === "in" ? -1n : 1n);
  }
  entries.sort((a, b) => a.period < b.period ? -1 : a.period > b.period ? 1 : a.date < b.date ? -1 : a.date > b.date ? 1 : KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || (a.reference < b.reference ? -1 : a.reference > b.reference ? 1 : 0));
  return { carrier, entries, disputes };
}
function directionOf(netE8) {
  return netE8 > 0n ? "they-pay-us" : netE8 < 0n ? "we-pay-them" : "even";
}
function figures(ledger, period) {
  const { carrier, entries } = ledger;
  let opening = 0n;
  const sum = {};
  for (const e of entries) {
    if (e.period < period) opening += e.effectE8;
    else if (e.period === period) sum[e.kind] = (sum[e.kind] ?? 0n) + e.amountE8;
  }
  const s = (k) => sum[k] ?? 0n;
  const adj = s("debit-note") + s("credit-note") + s("dispute-credit");
  const payments = s("payment-in") - s("payment-out");
  const net = opening + s("invoice") - s("vendor-invoice") + s("withheld") - s("released") + adj - payments;
  const range = periodRange(period, carrier.timezone);
  return {
    carrier: carrier.name,
    period,
    currency: carrier.currency,
    opening: money(opening),
    receivable: money(s("invoice")),
    payable: money(s("vendor-invoice")),
    withheld: money(s("withheld")),
    released: money(s("released")),
    adjustments: money(adj),
    paymentsIn: money(s("payment-in")),
    paymentsOut: money(s("payment-out")),
    payments: money(payments),
    net: money(net),
    direction: directionOf(net),
    dueDate: addDays(range.lastDay, carrier.paymentTermsDays),
    netE8: net
  };
}
function position(ctx, a) {
  const carrier = requireCarrier(ctx, a.carrier);
  const ledger = buildLedger(ctx, carrier);
  const f = figures(ledger, a.period);
  const range = periodRange(a.period, carrier.timezone);
  const warnings = [];
  if (carrier.roles !== "vendor" && !ctx.settlement.invoices({ carrierId: carrier.id, period: a.period }).some((d) => d.kind === "invoice")) {
    const calls = ctx.db.prepare("SELECT count(*) FROM cdrs WHERE customer_id = ? AND source = 0 AND start_ms >= ? AND start_ms < ?").pluck().get(carrier.id, range.fromMs, range.toMs);
    if (calls > 0) warnings.push(`no invoice issued to ${carrier.name} for ${a.period} yet: receivable leaves out its ${calls} calls (issue it with \`trunkline invoices issue\`)`);
  }
  const { netE8: _net, ...rest } = f;
  void _net;
  return {
    ...rest,
    from: isoInstant(range.fromMs),
    to: isoInstant(range.toMs),
    asOf: isoInstant(ctx.clock()),
    entries: ledger.entries.filter((e) => e.period === a.period).map(({ effectE8: _e, amountE8: _a, ...e }) => e),
    disputes: disputesOf(ledger, a.period),
    warnings
  };
}
function disputesOf(ledger, period) {
  return ledger.disputes.filter((d) => d.view.period === period || d.releasedPeriod === period || d.creditPeriod === period).map((d) => ({
    ...d.view,
    withheld: money(d.withheldPeriod === period ? d.withheldE8 : 0n),
    released: money(d.releasedPeriod === period ? d.withheldE8 : 0n),
    credit: money(d.creditPeriod === period ? d.creditE8 : 0n)
  }));
}
function positions(ctx, a) {
  const fx = new FxConverter(ctx);
  const out3 = [];
  for (const c of ctx.carriers.list()) {
    const ledger = buildLedger(ctx, c, fx);
    if (!ledger.entries.some((e) => e.period <= a.period)) continue;
    const { netE8: _n, ...f } = figures(ledger, a.period);
    void _n;
    out3.push(f);
  }
  return out3;
}
var BUCKETS = ["0-30", "31-60", "61-90", "90+"];
function bucketOf(daysPastDue) {
  return daysPastDue <= 30 ? "0-30" : daysPastDue <= 60 ? "31-60" : daysPastDue <= 90 ? "61-90" : "90+";
}
function ageing(ctx, a) {
  const asOf = a.asOf ?? dayOfMs(ctx.clock(), "UTC");
  const fx = new FxConverter(ctx);
  const rows = [];
  for (const c of ctx.carriers.list()) {
    const ledger = buildLedger(ctx, c, fx);
    const entries = ledger.entries.filter((e) => e.date <= asOf);
    const balance = entries.reduce((t, e) => t + e.effectE8, 0n);
    if (balance === 0n && entries.length === 0) continue;
    const buckets = { "0-30": 0n, "31-60": 0n, "61-90": 0n, "90+": 0n };
    const byPeriod = /* @__PURE__ */ new Map();
    const movements = [];
    for (const e of entries) {
      if (e.kind === "payment-in" || e.kind === "payment-out") movements.push({ period: e.period, due: e.date, effectE8: e.effectE8 });
      else byPeriod.set(e.period, (byPeriod.get(e.period) ?? 0n) + e.effectE8);
    }
    for (const [p, effectE8] of byPeriod) movements.push({ period: p, due: addDays(periodRange(p, c.timezone).lastDay, c.paymentTermsDays), effectE8 });
    movements.sort((x, y) => x.due < y.due ? 1 : x.due > y.due ? -1 : x.period < y.period ? 1 : x.period > y.period ? -1 : 0);
    const sign = balance < 0n ? -1n : 1n;
    let remaining = balance * sign;
    let oldest = "";
    for (const mv of movements) {
      if (remaining === 0n) break;
      const m = mv.effectE8 * sign;
      if (m <= 0n) continue;
      const take = m < remaining ? m : remaining;
      buckets[bucketOf(daysBetween(mv.due, asOf))] += take * sign;
      remaining -= take;
      if (oldest === "" || mv.period < oldest) oldest = mv.period;
    }
    buckets["0-30"] += remaining * sign;
    rows.push({
      carrier: c.name,
      currency: c.currency,
      balance: money(balance),
      direction: directionOf(balance),
      buckets: Object.fromEntries(BUCKETS.map((b) => [b, money(buckets[b])])),
      oldestPeriod: balance === 0n || oldest === "" ? null : oldest
    });
  }
  return { asOf, rows, totals: ageingTotals(rows) };
}
function ageingTotals(rows) {
  const by = /* @__PURE__ */ new Map();
  for (const r of rows) {
    const t = by.get(r.currency) ?? { receivable: 0n, payable: 0n, buckets: { "0-30": 0n, "31-60": 0n, "61-90": 0n, "90+": 0n } };
    const bal = parseE8(r.balance);
    if (bal > 0n) t.receivable += bal;
    else t.payable -= bal;
    for (const b of BUCKETS) t.buckets[b] += parseE8(r.buckets[b]);
    by.set(r.currency, t);
  }
  return [...by].sort((x, y) => x[0] < y[0] ? -1 : 1).map(([currency, t]) => ({
    currency,
    receivable: money(t.receivable),
    payable: money(t.payable),
    buckets: Object.fromEntries(BUCKETS.map((b) => [b, money(t.buckets[b])]))
  }));
}

// core/settlement/payments.ts
function out2(p, name2) {
  return {
    id: p.id,
    carrier: name2,
    direction: p.direction,
    date: p.paidOn,
    amount: money(p.amountE8),
    currency: p.currency,
    reference: p.reference,
    recordedAt: isoInstant(p.recordedAtMs),
    recordedBy: p.recordedBy
  };
}
function addPayment(ctx, a) {
  const carrier = requireCarrier(ctx, a.carrier);
  const decimals = currencyDecimals(a.currency);
  const frac = a.amount.split(".")[1]?.replace(/0+$/, "") ?? "";
  if (frac.length > decimals) {
    throw new TrunklineError("INVALID_ARGUMENTS", `amount ${a.amount}: ${a.currency} has ${decimals} decimal${decimals === 1 ? "" : "s"}`, { amount: a.amount, currency: a.currency });
  }
  const rec = {
    carrierId: carrier.id,
    direction: a.direction,
    paidOn: a.date,
    amountE8: parseE8(a.amount),
    currency: a.currency,
    reference: a.reference && a.reference.length > 0 ? a.reference : null,
    recordedAtMs: ctx.clock(),
    recordedBy: ctx.actor
  };
  const id = ctx.settlement.insertPayment(rec);
  return out2({ ...rec, id }, carrier.name);
}
function listPayments(ctx, a) {
  const carrier = a.carrier ? requireCarrier(ctx, a.carrier) : void 0;
  const names = new Map(ctx.carriers.list().map((c) => [c.id, c.name]));
  const range = a.period ? { fromDay: `${a.period}-01`, toDay: `${a.period}-31` } : {};
  return ctx.settlement.payments({ carrierId: carrier?.id, ...range }).map((p) => out2(p, names.get(p.carrierId) ?? `#${p.carrierId}`));
}
function settlementLines(ctx, a) {
  const carrier = requireCarrier(ctx, a.carrier);
  if (a.side === "sell") {
    const docs = ctx.settlement.invoices({ carrierId: carrier.id, period: a.period }).filter((d) => d.kind === "invoice");
    const byId2 = new Map(docs.map((d) => [d.id, d]));
    return {
      carrier: carrier.name,
      period: a.period,
      side: a.side,
      documents: docs.map((d) => ({ number: d.number, kind: d.kind, currency: d.currency, total: money(d.totalE8), date: d.issuedOn })),
      lines: ctx.settlement.lines(docs.map((d) => d.id)).map((l) => ({
        document: byId2.get(l.invoiceId).number,
        destination: l.destination,
        prefix: l.prefix,
        calls: l.calls,
        minutes: billedMinutes(l.billedS),
        rate: formatScaled(Number(l.rateE8)),
        amount: money(l.amountE8),
        currency: byId2.get(l.invoiceId).currency
      }))
    };
  }
  const range = periodRange(a.period, carrier.timezone);
  const invs = vendorInvoices(ctx.db, carrier.id).filter((v) => periodOfMs(v.periodFromMs, carrier.timezone) === a.period);
  const byId = new Map(invs.map((v) => [v.id, v]));
  const lines = vendorInvoiceLines(ctx.db, invs.map((v) => v.id));
  const out3 = lines.map((l) => ({
    document: byId.get(l.invoiceId).number,
    destination: l.destination ?? l.prefix ?? "",
    prefix: l.prefix,
    calls: l.calls,
    minutes: l.minutesE8 === null ? null : money(l.minutesE8),
    rate: l.rateE8 === null ? null : formatScaled(Number(l.rateE8)),
    amount: money(l.amountE8),
    currency: byId.get(l.invoiceId).currency
  }));
  for (const v of invs) {
    const sum = lines.filter((l) => l.invoiceId === v.id).reduce((t, l) => t + l.amountE8, 0n);
    if (sum !== v.totalE8) {
      out3.push({
        document: v.number,
        destination: sum === 0n ? "(invoice total, not itemised)" : "(difference to the invoice total)",
        prefix: null,
        calls: null,
        minutes: null,
        rate: null,
        amount: money(v.totalE8 - sum),
        currency: v.currency
      });
    }
  }
  out3.sort((x, y) => x.document < y.document ? -1 : x.document > y.document ? 1 : 0);
  return {
    carrier: carrier.name,
    period: a.period,
    side: a.side,
    documents: invs.map((v) => ({ number: v.number, kind: "vendor-invoice", currency: v.currency, total: money(v.totalE8), date: v.issuedOn ?? range.lastDay })),
    lines: out3
  };
}

// core/settlement/statement.ts
import { rename as rename4, rm as rm4 } from "node:fs/promises";
import ExcelJS4 from "exceljs";
var EVIDENCE_LIMIT = 1e6;
var RATE_FMT = "0.0000####";
var DIRECTION_TEXT = { "they-pay-us": "the carrier pays us", "we-pay-them": "we pay the carrier", even: "nothing to pay either way" };
function moneyFmt(decimals, extra = false) {
  const base = decimals === 0 ? "#,##0" : `#,##0.${"0".repeat(decimals)}`;
  const more = extra ? "#".repeat(8 - decimals) : "";
  const pos = decimals === 0 && more ? `#,##0.${more}` : `${base}${more}`;
  return `${pos};-${pos}`;
}
var num = (text) => Number(text);
function cancelled2() {
  return new TrunklineError("JOB_CANCELLED", "the statement was cancelled; no file was written");
}
function sheet(wb, spec, footer, landscape = true) {
  const ws = wb.addWorksheet(spec.name, {
    views: [{ state: "frozen", ySplit: 1 }],
    pageSetup: { paperSize: 9, orientation: landscape ? "landscape" : "portrait", fitToPage: true, fitToWidth: 1, fitToHeight: 0, margins: { left: 0.5, right: 0.5, top: 0.6, bottom: 0.6, header: 0.3, footer: 0.3 } },
    headerFooter: { oddFooter: `&L${footer.replace(/&/g, "&&")}&C${spec.name}&RPage &P of &N` }
  });
  ws.columns = spec.columns.map((c, i) => ({ key: String(i), width: c.width, style: c.numFmt ? { numFmt: c.numFmt } : {} }));
  const header = ws.getRow(1);
  header.values = spec.columns.map((c) => c.header);
  header.font = { bold: true };
  header.fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFE8EEF5" } };
  header.commit();
  return ws;
}
async function writeStatement(ctx, a, job) {
  if (!/\.xlsx$/i.test(a.out)) throw new TrunklineError("INVALID_ARGUMENTS", `--out "${a.out}": a statement is an .xlsx workbook`);
  const carrier = requireCarrier(ctx, a.carrier);
  const ledger = buildLedger(ctx, carrier);
  const { netE8, ...fig } = figures(ledger, a.period);
  const range = periodRange(a.period, carrier.timezone);
  const cur = carrier.currency;
  const dec = currencyDecimals(cur);
  const totalFmt = moneyFmt(dec);
  const entriesOf = (kinds) => ledger.entries.filter((e) => e.period === a.period && kinds.includes(e.kind));
  const sell = settlementLines(ctx, { carrier: carrier.name, period: a.period, side: "sell" });
  const buy = settlementLines(ctx, { carrier: carrier.name, period: a.period, side: "buy" });
  const disputes = disputesOf(ledger, a.period);
  const payments = entriesOf(["payment-in", "payment-out"]);
  const adjustments = entriesOf(["credit-note", "debit-note", "dispute-credit"]);
  const docEntry = new Map(ledger.entries.filter((e) => e.kind === "invoice" || e.kind === "vendor-invoice").map((e) => [`${e.kind}:${e.reference}`, e]));
  const linesLayout = (lines, docs) => {
    const sorted = [...lines].sort((x, y) => x.document < y.document ? -1 : x.document > y.document ? 1 : 0);
    const first = 2;
    const last = first + sorted.length - 1;
    const totalsStart = Math.max(last, first) + 2;
    const docRows = docs.map((d, i) => ({ number: d.number, row: totalsStart + i }));
    const grandRow = totalsStart + docs.length;
    return { sorted, first, last, docRows, grandRow };
  };
  const sellL = linesLayout(sell.lines, sell.documents);
  const buyL = linesLayout(buy.lines, buy.documents);
  const dispTotal = disputes.length + 3;
  const payTotal = payments.length + 3;
  const adjTotal = adjustments.length + 3;
  const tmp = `${a.out}.partial-${process.pid}`;
  const wb = new ExcelJS4.stream.xlsx.WorkbookWriter({ filename: tmp, useStyles: true, useSharedStrings: false });
  wb.creator = "Trunkline";
  wb.created = new Date(ctx.clock());
  const footer = `${carrier.name} \u2014 ${a.period}`;
  const sheets = [];
  let evidenceRows = 0;
  let truncated = false;
  try {
    const cover = wb.addWorksheet("Statement", {
      pageSetup: { paperSize: 9, orientation: "portrait", fitToPage: true, fitToWidth: 1, fitToHeight: 1 },
      headerFooter: { oddFooter: `&L${footer.replace(/&/g, "&&")}&RPage &P of &N` }
    });
    sheets.push("Statement");
    cover.columns = [{ width: 34 }, { width: 22, style: { numFmt: totalFmt } }, { width: 60 }];
    const put = (values, style) => {
      const r = cover.addRow(values);
      style?.(r);
      r.commit();
    };
    const company = ctx.meta.get("company_name") ?? "Our company";
    put(["Settlement statement"], (r) => {
      r.font = { bold: true, size: 16 };
    });
    put([]);
    put(["From", company]);
    put(["Carrier", carrier.name]);
    put(["Period", `${a.period} (${range.firstDay} to ${range.lastDay}, ${carrier.timezone})`]);
    put(["Settlement currency", cur]);
    put(["Statement as of", isoInstant(ctx.clock())]);
    put(["Payment terms", `${carrier.paymentTermsDays} days after the period`]);
    put([]);
    put(["Figure", `Amount (${cur})`, "Where it comes from"], (r) => {
      r.font = { bold: true };
    });
    const F = (formula, value) => ({ formula, result: num(value) });
    const q = (name2) => `'${name2}'`;
    const first = 11;
    put(["Opening balance (carried)", num(fig.opening), "net of the periods before, positive: the carrier owed us"]);
    put(["Receivable (our invoice)", F(`${q("Sell lines")}!I${sellL.grandRow}`, fig.receivable), "Sell lines total"]);
    put(["Payable (their invoices)", F(`${q("Buy lines")}!I${buyL.grandRow}`, fig.payable), "Buy lines total"]);
    put(["Withheld in dispute", F(`Disputes!K${dispTotal}`, fig.withheld), "claimed in open disputes on this period's invoices, not paid"]);
    put(["Released from dispute", F(`Disputes!L${dispTotal}`, fig.released), "withheld before, payable again now its dispute is resolved"]);
    put(["Adjustments", F(`Adjustments!H${adjTotal}`, fig.adjustments), "credit and debit notes, dispute credit notes"]);
    put(["Payments received", F(`Payments!H${payTotal}`, fig.paymentsIn), ""]);
    put(["Payments made", F(`Payments!I${payTotal}`, fig.paymentsOut), ""]);
    const netRow = first + 8;
    put([
      "Net position",
      F(`B${first}+B${first + 1}-B${first + 2}+B${first + 3}-B${first + 4}+B${first + 5}-B${first + 6}+B${first + 7}`, fig.net),
      "opening + receivable \u2212 payable + withheld \u2212 released + adjustments \u2212 received + paid"
    ], (r) => {
      r.font = { bold: true };
    });
    put(["Direction", DIRECTION_TEXT[fig.direction]], (r) => {
      r.font = { bold: true };
    });
    put(
      ["Amount due", F(`ABS(B${netRow})`, money(netE8 < 0n ? -netE8 : netE8)), fig.direction === "even" ? "" : `${fig.direction === "they-pay-us" ? carrier.name : company} pays`],
      (r) => {
        r.font = { bold: true };
      }
    );
    put(["Due date", fig.dueDate]);
    const fxUsed = [...new Map(ledger.entries.filter((e) => e.period === a.period && e.fxRate).map((e) => [`${e.originalCurrency}@${e.fxDate}`, e])).values()];
    if (fxUsed.length) {
      put([]);
      put(["Exchange rates used"], (r) => {
        r.font = { bold: true };
      });
      for (const e of fxUsed) put([`1 ${e.originalCurrency} = ${e.fxRate} ${cur}`, null, `rate of ${e.fxDate}`]);
    }
    cover.commit();
    const lineSheet = async (name2, lines, docs, kind) => {
      const decLines = currencyDecimals(docs[0]?.currency ?? cur);
      const ws = sheet(wb, {
        name: name2,
        columns: [
          { header: "Document", width: 18 },
          { header: "Destination", width: 34 },
          { header: "Prefix", width: 12 },
          { header: "Calls", width: 10, numFmt: "#,##0" },
          { header: kind === "invoice" ? "Billed minutes" : "Minutes", width: 15, numFmt: "#,##0.0000" },
          { header: "Rate", width: 12, numFmt: RATE_FMT },
          { header: "Amount", width: 16, numFmt: moneyFmt(decLines, true) },
          { header: "Currency", width: 10 },
          { header: `Amount (${cur})`, width: 18, numFmt: totalFmt }
        ]
      }, footer);
      sheets.push(name2);
      let i = 0;
      for (const l of lines.sorted) {
        ws.addRow([l.document, spreadsheetSafe(l.destination), l.prefix ?? "", l.calls, l.minutes === null ? null : num(l.minutes), l.rate === null ? null : num(l.rate), num(l.amount), l.currency]).commit();
        if (++i % 2e4 === 0) {
          job.progress(`writing ${name2}`, i, lines.sorted.length);
          if (job.signal.aborted) throw cancelled2();
          await new Promise((resolve) => setImmediate(resolve));
        }
      }
      const lastLine = Math.max(lines.last, lines.first);
      ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: lastLine, column: 8 } };
      if (lines.sorted.length > 0) {
        for (let r = lastLine + 1; r < lines.docRows[0].row; r++) ws.getRow(r).commit();
      }
      for (const d of lines.docRows) {
        const doc = docs.find((x) => x.number === d.number);
        const rows = lines.sorted.map((l, k) => ({ l, row: lines.first + k })).filter((x) => x.l.document === d.number);
        const from = rows[0]?.row ?? lines.first;
        const to = rows[rows.length - 1]?.row ?? lines.first;
        const e = docEntry.get(`${kind}:${d.number}`);
        const conv = e.fxRate === null ? { formula: `G${d.row}`, result: num(e.amount) } : { formula: `ROUND(G${d.row}*${e.fxRate},${dec})`, result: num(e.amount) };
        const row = ws.getRow(d.row);
        row.values = [
          `Total ${d.number}`,
          e.fxRate === null ? "" : `at ${e.fxRate} ${cur} per ${doc.currency} (rate of ${e.fxDate})`,
          null,
          null,
          null,
          null,
          { formula: `SUM(G${from}:G${to})`, result: num(doc.total) },
          doc.currency,
          conv
        ];
        row.font = { bold: true };
        row.commit();
      }
      const grand = ws.getRow(lines.grandRow);
      const total = kind === "invoice" ? fig.receivable : fig.payable;
      grand.values = [
        `Total in ${cur}`,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        { formula: lines.docRows.length ? `SUM(I${lines.docRows[0].row}:I${lines.docRows[lines.docRows.length - 1].row})` : "0", result: num(total) }
      ];
      grand.font = { bold: true };
      grand.commit();
      ws.commit();
    };
    await lineSheet("Sell lines", sellL, sell.documents, "invoice");
    await lineSheet("Buy lines", buyL, buy.documents, "vendor-invoice");
    const dws = sheet(wb, {
      name: "Disputes",
      columns: [
        { header: "Dispute", width: 9 },
        { header: "Invoice", width: 18 },
        { header: "Invoice period", width: 13 },
        { header: "State", width: 18 },
        { header: "Submitted", width: 22 },
        { header: "Resolved", width: 22 },
        { header: "Currency", width: 10 },
        { header: "Claimed", width: 15, numFmt: totalFmt },
        { header: "Agreed", width: 15, numFmt: totalFmt },
        { header: "Credit note", width: 18 },
        { header: `Withheld (${cur})`, width: 16, numFmt: totalFmt },
        { header: `Released (${cur})`, width: 16, numFmt: totalFmt },
        { header: `Credited (${cur})`, width: 16, numFmt: totalFmt }
      ]
    }, footer);
    sheets.push("Disputes");
    for (const d of disputes) {
      dws.addRow([
        d.id,
        d.invoice ?? "",
        d.period,
        d.state,
        d.submittedAt ?? "",
        d.resolvedAt ?? "",
        d.currency,
        num(d.claimed),
        d.agreed === null ? null : num(d.agreed),
        d.creditNote ? spreadsheetSafe(d.creditNote) : "",
        num(d.withheld),
        num(d.released),
        num(d.credit)
      ]).commit();
    }
    dws.autoFilter = { from: { row: 1, column: 1 }, to: { row: Math.max(1, disputes.length + 1), column: 13 } };
    const dEnd = Math.max(2, disputes.length + 1);
    const dTot = dws.getRow(dispTotal);
    dTot.values = [
      "Total",
      null,
      null,
      null,
      null,
      null,
      null,
      null,
      null,
      null,
      { formula: `SUM(K2:K${dEnd})`, result: num(fig.withheld) },
      { formula: `SUM(L2:L${dEnd})`, result: num(fig.released) },
      { formula: `SUM(M2:M${dEnd})`, result: num(money(disputes.reduce((t, d) => t + parseE8(d.credit), 0n))) }
    ];
    dTot.font = { bold: true };
    dTot.commit();
    dws.commit();
    const entrySheet = (name2, list, totalRow, split) => {
      const cols = [
        { header: "Date", width: 12 },
        { header: "Kind", width: 16 },
        { header: "Reference", width: 36 },
        { header: "Amount", width: 16, numFmt: moneyFmt(2, true) },
        { header: "Currency", width: 10 },
        { header: "FX rate", width: 14, numFmt: "0.0000######" },
        { header: "FX date", width: 12 }
      ];
      if (split) cols.push({ header: `Received (${cur})`, width: 16, numFmt: totalFmt }, { header: `Paid (${cur})`, width: 16, numFmt: totalFmt });
      else cols.push({ header: `Effect on net (${cur})`, width: 18, numFmt: totalFmt });
      const ws = sheet(wb, { name: name2, columns: cols }, footer);
      sheets.push(name2);
      for (const e of list) {
        const base = [e.date, e.kind, spreadsheetSafe(e.reference), num(e.originalAmount), e.originalCurrency, e.fxRate === null ? null : num(e.fxRate), e.fxDate ?? ""];
        ws.addRow(split ? [...base, e.kind === "payment-in" ? num(e.amount) : null, e.kind === "payment-out" ? num(e.amount) : null] : [...base, num(e.effect)]).commit();
      }
      ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: Math.max(1, list.length + 1), column: cols.length } };
      const end = Math.max(2, list.length + 1);
      const t = ws.getRow(totalRow);
      t.values = split ? ["Total", null, null, null, null, null, null, { formula: `SUM(H2:H${end})`, result: num(fig.paymentsIn) }, { formula: `SUM(I2:I${end})`, result: num(fig.paymentsOut) }] : ["Total", null, null, null, null, null, null, { formula: `SUM(H2:H${end})`, result: num(fig.adjustments) }];
      t.font = { bold: true };
      t.commit();
      ws.commit();
    };
    entrySheet("Payments", payments, payTotal, true);
    entrySheet("Adjustments", adjustments, adjTotal, false);
    if (a.evidence) {
      const ews = sheet(wb, {
        name: "Calls",
        columns: [
          { header: "Direction", width: 10 },
          { header: "Call id", width: 26 },
          { header: "Start (UTC)", width: 21 },
          { header: "Calling", width: 16 },
          { header: "Called", width: 18 },
          { header: "Duration (s)", width: 12, numFmt: "0.###" },
          { header: "Billed (s)", width: 10 },
          { header: "Prefix", width: 10 },
          { header: "Destination", width: 30 },
          { header: "Rate", width: 12, numFmt: RATE_FMT },
          { header: "Amount", width: 14, numFmt: "0.00######" },
          { header: "Status", width: 10 },
          { header: "Reason", width: 14 }
        ]
      }, footer);
      sheets.push("Calls");
      for (const side of ["sell", "buy"]) {
        if (truncated) break;
        const perLine = carrier.rounding.level === "per-line";
        const legCol = side === "sell" ? "customer_id" : "vendor_id";
        const stmt = ctx.db.prepare(`SELECT c.call_id, c.start_ms, c.calling, c.called, c.duration_ms, c.${side}_billed_s, r.prefix, r.destination, r.rate_per_min_e8,
            c.${side}_amount_e8, c.${side}_exact_x60, c.${side}_status, c.${side}_reason
          FROM cdrs c LEFT JOIN rates r ON r.id = c.${side}_rate_id
          WHERE c.${legCol} = ? AND c.source = 0 AND c.start_ms >= ? AND c.start_ms < ? ORDER BY c.start_ms, c.id`).raw();
        const label = side === "sell" ? "sell" : "buy";
        for (const r of stmt.iterate(carrier.id, range.fromMs, range.toMs)) {
          if (evidenceRows >= EVIDENCE_LIMIT) {
            truncated = true;
            break;
          }
          const status = r[11];
          const amount = status !== 0 ? null : perLine ? new D(r[10] ?? 0).dividedBy(6e9).toDecimalPlaces(10).toNumber() : num(formatScaled(r[9] ?? 0));
          ews.addRow([
            label,
            r[0] ?? "",
            isoInstant(r[1]),
            r[2],
            r[3],
            r[4] / 1e3,
            r[5] ?? 0,
            r[6] ?? "",
            r[7] ? spreadsheetSafe(r[7]) : "",
            r[8] === null ? null : num(formatScaled(r[8])),
            amount,
            status === null ? "not rated" : ["rated", "free", "unrated"][status] ?? "",
            r[12] === null ? "" : REASONS[r[12]]
          ]).commit();
          if (++evidenceRows % 2e4 === 0) {
            job.progress("writing calls", evidenceRows);
            if (job.signal.aborted) throw cancelled2();
            await new Promise((resolve) => setImmediate(resolve));
          }
        }
      }
      ews.autoFilter = { from: { row: 1, column: 1 }, to: { row: Math.max(1, evidenceRows + 1), column: 13 } };
      ews.commit();
    }
    await wb.commit();
    await rename4(tmp, a.out);
  } catch (e) {
    await rm4(tmp, { force: true });
    if (e instanceof TrunklineError) throw e;
    throw new TrunklineError("EXPORT_FAILED", `the statement could not be written to ${a.out}: ${e.message}`, { file: a.out });
  }
  return {
    ...fig,
    file: a.out,
    sheets,
    rows: { sell: sell.lines.length, buy: buy.lines.length, disputes: disputes.length, payments: payments.length, adjustments: adjustments.length, evidence: evidenceRows },
    evidenceTruncated: truncated
  };
}

// core/settlement/handlers.ts
var settlementHandlers = {
  "invoices.issue": issueInvoice,
  "invoices.issued": listIssued,
  "invoices.get": getInvoice,
  "payments.add": addPayment,
  "payments.list": listPayments,
  "fx.set": setFx,
  "fx.list": listFx,
  "settlement.position": position,
  "settlement.positions": positions,
  "settlement.lines": settlementLines,
  "settlement.ageing": ageing,
  "settlement.statement": (ctx, a) => ctx.jobs.run("settlement.statement", a.jobId, (job) => writeStatement(ctx, a, job))
};
var SETTLEMENT_WRITERS = ["invoices.issue", "payments.add", "fx.set"];

// core/engine.ts
var handlers = {
  "carriers.create": createCarrier,
  "carriers.list": (ctx) => ctx.carriers.list(),
  "carriers.get": (ctx, a) => requireCarrier(ctx, a.name),
  "carriers.update": updateCarrier,
  "decks.inspect": inspectDeck,
  "decks.import": (ctx, a) => ctx.jobs.run("decks.import", a.jobId, (job) => importDeck(ctx, a, job)),
  "decks.list": (ctx, a) => {
    const c = a.carrier ? requireCarrier(ctx, a.carrier) : void 0;
    return ctx.decks.list(c?.id, a.side);
  },
  "rates.lookup": lookupRate,
  "rates.export": (ctx, a) => ctx.jobs.run("rates.export", a.jobId, (job) => exportRates(ctx, a, job)),
  "rates.query": queryRates,
  "rates.history": rateHistory,
  "workspace.info": workspaceInfo,
  "workspace.backup": backupWorkspace,
  "workspace.seedDemo": seedDemo,
  "cdrs.import": (ctx, a) => ctx.jobs.run("cdrs.import", a.jobId, (job) => importCdrs(ctx, a, job)),
  "cdrs.list": (ctx, a) => ctx.cdrs.list(a.carrier ? requireCarrier(ctx, a.carrier).id : void 0),
  "rating.run": (ctx, a) => ctx.jobs.run("rating.run", a.jobId, (job) => runRating(ctx, a, job)),
  "cdrs.summary": summariseCdrs,
  "cdrs.export": (ctx, a) => ctx.jobs.run("cdrs.export", a.jobId, (job) => exportCdrs(ctx, a, job)),
  "cdrs.query": queryCdrs,
  "cdrs.explain": explainCdr,
  "jobs.cancel": (ctx, a) => ({ cancelled: ctx.jobs.cancel(a.jobId) }),
  ...settlementHandlers
};
var WRITERS = /* @__PURE__ */ new Set([
  "carriers.create",
  "carriers.update",
  "decks.import",
  "cdrs.import",
  "rating.run",
  "workspace.seedDemo",
  ...SETTLEMENT_WRITERS
]);
function defaultActor() {
  try {
    return userInfo().username;
  } catch {
    return "unknown";
  }
}
function toErrorResult(e, log, method) {
  if (e instanceof TrunklineError) return { ok: false, error: e.toBody() };
  const code = e.code;
  if (code === "SQLITE_BUSY" || code === "SQLITE_LOCKED") {
    return { ok: false, error: { code: "DB_BUSY", message: "the workspace is busy with another program's write; try again in a moment" } };
  }
  if (code === "SQLITE_CORRUPT" || code === "SQLITE_NOTADB") {
    return { ok: false, error: { code: "DB_CORRUPT", message: `the workspace database is damaged: ${e.message}` } };
  }
  log.error("internal error", { method, error: e.message, stack: e.stack });
  return { ok: false, error: { code: "INTERNAL_ERROR", message: `internal error in ${method}: ${e.message}` } };
}
function createEngine(options) {
  const log = options.log ?? silentLogger;
  const clock3 = options.clock ?? Date.now;
  const db2 = openDatabase(options.dbPath, { beforeMigrate: options.beforeMigrate, now: clock3 });
  const listeners = /* @__PURE__ */ new Set();
  let writes = Promise.resolve();
  const emit = (e) => {
    for (const l of listeners) {
      try {
        l(e);
      } catch (err) {
        log.warn("event listener failed", { error: err.message });
      }
    }
  };
  const ctx = {
    db: db2,
    dbPath: options.dbPath,
    ...repositories(db2),
    clock: clock3,
    log,
    actor: options.actor ?? defaultActor(),
    jobs: new Jobs(emit)
  };
  return {
    dbPath: options.dbPath,
    context: ctx,
    async dispatch(method, args) {
      const schema = schemas[method];
      if (!schema) return { ok: false, error: { code: "UNKNOWN_METHOD", message: `no method "${String(method)}"` } };
      const parsed = schema.safeParse(args ?? {});
      if (!parsed.success) {
        const issues = parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
        return {
          ok: false,
          error: {
            code: "INVALID_ARGUMENTS",
            message: issues.map((i) => i.path ? `${i.path}: ${i.message}` : i.message).join("; "),
            details: { issues }
          }
        };
      }
      const handler = handlers[method];
      const run = async () => {
        try {
          return { ok: true, data: await handler(ctx, parsed.data) };
        } catch (e) {
          return toErrorResult(e, log, method);
        }
      };
      if (!WRITERS.has(method)) return run();
      const turn = writes.then(run);
      writes = turn.then(() => void 0);
      return turn;
    },
    on(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      db2.close();
    }
  };
}

// test/integration/helpers/vendor-side.ts
import Database2 from "better-sqlite3";
var E82 = 100000000n;
function e8(text) {
  const m = /^(-?)(\d+)(?:\.(\d{0,8}))?$/.exec(text);
  if (!m) throw new Error(`not a decimal: ${text}`);
  const v = BigInt(m[2]) * E82 + BigInt((m[3] ?? "").padEnd(8, "0"));
  return m[1] ? -v : v;
}
function withDb(dbPath, fn) {
  const db2 = new Database2(dbPath, { fileMustExist: true });
  db2.pragma("busy_timeout = 10000");
  db2.defaultSafeIntegers(true);
  try {
    return db2.transaction(() => fn(db2)).immediate();
  } finally {
    db2.close();
  }
}
function carrierId(db2, name2) {
  const id = db2.prepare("SELECT id FROM carriers WHERE name = ?").pluck().get(name2);
  if (id === void 0) throw new Error(`no carrier ${name2}`);
  return id;
}
function insertVendorInvoice(dbPath, v) {
  return withDb(dbPath, (db2) => {
    const id = db2.prepare(`INSERT INTO vendor_invoices (carrier_id, number, period_from_ms, period_to_ms, currency, issued_on, due_on, total_e8,
        file_name, file_sha256, file_bytes, mapping_json, imported_at_ms, imported_by) VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?, 'stand-in', 0, '{}', ?, 'stand-in')`).run(carrierId(db2, v.carrier), v.number, Date.parse(v.from), Date.parse(v.to), v.currency, v.issuedOn ?? null, e8(v.total), `${v.number}.csv`, Date.parse(v.to)).lastInsertRowid;
    const ins = db2.prepare(`INSERT INTO vendor_invoice_lines (invoice_id, line_no, row, prefix, destination, calls, minutes_e8, rate_e8, amount_e8)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    (v.lines ?? []).forEach((l, i) => ins.run(id, i + 1, i + 2, l.prefix ?? null, l.destination, l.calls ?? null, l.minutes ? e8(l.minutes) : null, l.rate ? e8(l.rate) : null, e8(l.amount)));
    return Number(id);
  });
}

// bench/generate.ts
import ExcelJS5 from "exceljs";
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = a + 1831565813 >>> 0;
    let t = a;
    t = Math.imul(t ^ t >>> 15, t | 1);
    t ^= t + Math.imul(t ^ t >>> 7, t | 61);
    return ((t ^ t >>> 14) >>> 0) / 4294967296;
  };
}

// bench/settlement.ts
var [name, db, a1, a2] = process.argv.slice(2);
var clock2 = () => Date.parse("2026-10-05T09:00:00Z");
var engine = createEngine({ dbPath: db, clock: clock2, actor: "bench" });
var SEP = Date.parse("2026-09-01T00:00:00Z");
var MONTH_MS = 30 * 864e5;
var POLICY = { level: "per-call", decimals: 6, mode: "half-up" };
async function must(p) {
  const r = await p;
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.data;
}
function deckCsv(destinations, seed) {
  const rnd = prng(seed);
  let csv = "Code,Destination,Rate,Effective Date,Billing Increment\n";
  for (let i = 0; i < destinations; i++) csv += `${1e4 + i},Destination ${String(i).padStart(5, "0")},0.${String(10 + Math.floor(rnd() * 9e3)).padStart(4, "0")},2026-01-01,1/1
`;
  return csv;
}
function writeCdrs(count, legs, seed) {
  const d = engine.context.db;
  const importId = Number(d.prepare(`INSERT INTO cdr_imports (carrier_id, source, format, file_name, file_sha256, file_bytes, timezone, rows_read, rows_imported,
      rows_duplicate, rows_rejected, mapping_json, report_json, imported_at_ms, imported_by) VALUES (NULL, 'own', 'generic', 'synthetic', '', 0, 'UTC', ?, ?, 0, 0, '{}', '{}', 0, 'bench')`).run(count, count).lastInsertRowid);
  const ins = d.prepare(`INSERT INTO cdrs (carrier_id, source, import_id, start_ms, dedupe_key, call_id, calling, called, duration_ms, answered,
      sell_status, sell_reason, sell_rate_id, sell_billed_s, sell_amount_e8, sell_exact_x60, customer_id, vendor_id)
    VALUES (?, 0, ?, ?, ?, NULL, '12025550100', ?, ?, 1, 0, NULL, ?, ?, ?, ?, ?, ?)`);
  const rnd = prng(seed);
  const terms = { first: 1, next: 1, min: 0, grace: 0 };
  const CHUNK = 2e5;
  for (let start = 0; start < count; start += CHUNK) {
    d.transaction(() => {
      for (let i = start; i < Math.min(count, start + CHUNK); i++) {
        const leg = legs[Math.floor(rnd() * legs.length)];
        const rate = leg.rates[Math.floor(rnd() * leg.rates.length)];
        const durationS = 1 + Math.floor(rnd() * 600);
        const c = chargeCall(durationS, rate.rateE8, 0, terms, POLICY);
        ins.run(
          leg.vendor ?? leg.customer,
          importId,
          SEP + Math.floor(i / count * MONTH_MS),
          i,
          `${1e4 + rate.id}5550100`,
          durationS * 1e3,
          rate.id,
          c.billedSeconds,
          c.amountE8,
          c.exactX60,
          leg.customer,
          leg.vendor
        );
      }
    })();
  }
  d.exec("ANALYZE");
}
function sellRates(carrierId2) {
  return engine.context.db.prepare("SELECT id, rate_per_min_e8 AS rateE8 FROM rates WHERE carrier_id = ? AND side = 'sell' AND kind = 'rate'").all(carrierId2);
}
var result = {};
var t0 = performance.now();
switch (name) {
  case "statement-seed": {
    const lines = Number(a1);
    const evidence = Number(a2);
    const deck = join2(tmpdir(), `trunkline-bench-stmt-${process.pid}.csv`);
    writeFileSync(deck, deckCsv(lines, 11));
    const c = await must(engine.dispatch("carriers.create", { name: "Statement Partner", settings: { roles: "both", timezone: "UTC", rounding: POLICY } }));
    const v = await must(engine.dispatch("carriers.create", { name: "Other Vendor", settings: { roles: "vendor", timezone: "UTC" } }));
    await must(engine.dispatch("decks.import", { file: deck, carrier: c.name, side: "sell", received: "2025-12-01" }));
    const rates = sellRates(c.id);
    writeCdrs(Math.max(evidence, lines), [{ customer: c.id, vendor: v.id, rates }], 12);
    const inv = await must(engine.dispatch("invoices.issue", { customer: c.name, period: "2026-09" }));
    const rnd = prng(13);
    const vlines = Array.from({ length: lines }, (_, i) => {
      const cents = 100 + Math.floor(rnd() * 1e5);
      return { prefix: String(1e4 + i), destination: `Destination ${String(i).padStart(5, "0")}`, calls: 20, minutes: "31.5", rate: "0.0123", amount: `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, "0")}` };
    });
    const total = vlines.reduce((t, l) => t + BigInt(l.amount.replace(".", "")), 0n);
    engine.close();
    insertVendorInvoice(db, { carrier: c.name, number: "SP-2026-09", from: "2026-09-01T00:00:00Z", to: "2026-10-01T00:00:00Z", currency: "USD", issuedOn: "2026-10-01", total: `${total / 100n}.${String(total % 100n).padStart(2, "0")}`, lines: vlines });
    result = { sellLines: inv.document.lines.length, buyLines: lines, evidence: Math.max(evidence, lines) };
    process.stdout.write(JSON.stringify({ case: name, ms: Math.round(performance.now() - t0), ...result }) + "\n");
    process.exit(0);
    break;
  }
  case "statement": {
    const out3 = join2(tmpdir(), `trunkline-bench-statement-${process.pid}.xlsx`);
    t0 = performance.now();
    const r = await must(engine.dispatch("settlement.statement", { carrier: "Statement Partner", period: "2026-09", out: out3 }));
    result = { rows: r.rows, net: r.net, file: out3 };
    break;
  }
  case "invoices-seed": {
    const customers = Number(a1);
    const cdrs = Number(a2);
    const deck = join2(tmpdir(), `trunkline-bench-inv-${process.pid}.csv`);
    const legs = [];
    const vendor = await must(engine.dispatch("carriers.create", { name: "Transit", settings: { roles: "vendor", timezone: "UTC" } }));
    for (let i = 0; i < customers; i++) {
      writeFileSync(deck, deckCsv(200, 100 + i));
      const c = await must(engine.dispatch("carriers.create", { name: `Customer ${String(i).padStart(2, "0")}`, settings: { roles: "customer", timezone: "UTC", rounding: POLICY } }));
      await must(engine.dispatch("decks.import", { file: deck, carrier: c.name, side: "sell", received: "2025-12-01" }));
      legs.push({ customer: c.id, vendor: vendor.id, rates: sellRates(c.id) });
    }
    writeCdrs(cdrs, legs, 21);
    result = { customers, cdrs };
    break;
  }
  case "invoices": {
    const customers = Number(a1);
    t0 = performance.now();
    let lines = 0;
    let calls = 0;
    for (let i = 0; i < customers; i++) {
      const r = await must(engine.dispatch("invoices.issue", { customer: `Customer ${String(i).padStart(2, "0")}`, period: "2026-09" }));
      lines += r.document.lines.length;
      calls += r.document.calls;
    }
    result = { customers, lines, calls };
    break;
  }
  default:
    throw new Error(`unknown case ${name}`);
}
var ms = performance.now() - t0;
engine.close();
process.stdout.write(JSON.stringify({ case: name, ms: Math.round(ms), maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024), ...result }) + "\n");
