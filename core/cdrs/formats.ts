/**
 * Row parsers for the CDR formats Trunkline reads. Each turns the cells of one CSV row (quotes
 * already removed) into a ParsedCdr or a CdrRowError, allocating nothing but the result: these run
 * for every row of 20M-row files.
 *
 * Per format, who is who:
 * - Asterisk cdr_csv: ingress = accountcode, egress = peeraccount (column 19, when the file has
 *   it), callId = uniqueid (column 17, when logged). Answered = disposition ANSWERED and billsec > 0.
 * - FreeSWITCH mod_cdr_csv default template: ingress = accountcode, egress = none (the default
 *   template names no gateway), callId = uuid. Answered = billsec > 0, whatever the hangup cause
 *   (NORMAL_CLEARING, but also e.g. a call answered and then dropped with another cause).
 * - CGRateS: ingress = Account; egress = the Supplier (or Route) column when the export has one,
 *   else Subject when it differs from Account (Subject defaults to Account, and then says nothing
 *   about the vendor), else none. callId = CGRID (else OriginID), with the RunID appended for runs
 *   other than *default, since each charging run is its own row. Answered = Usage > 0.
 * - Generic (carrier exports): columns as mapped (cdr-fields.ts); answered from the disposition
 *   column when mapped, else duration > 0.
 * durationMs is the billable duration as the file states it, also on unanswered rows: rating
 * bills nothing for a call that was not answered, so it does not need zeroing here.
 */

import { duplicateHeader, duplicateHeaderMessage, explicitColumns } from '../util/headers.ts';
import { Decimal } from 'decimal.js';
import { parseScaledDecimal } from '../money/scaled-decimal.ts';
import { parseDateText, wallToInstant, type DateOrder } from '../time/parse-date.ts';
import { CDR_FIELDS, guessCdrField, mapCdrColumns, missingCdrFields, type CdrColumnMapping, type CdrField } from './cdr-fields.ts';
import { parseDurationMs, type DurationUnit } from './durations.ts';
import { daysFromCivil, makeLocalTimeParser, makeZoneResolver, type TimeParser } from './fast-time.ts';

export type CdrFormat = 'generic' | 'asterisk' | 'freeswitch' | 'cgrates';

export interface ParsedCdr {
  /** null when the format/file has none (dedupe then uses start + numbers + duration). */
  callId: string | null;
  /** The instant the call is rated at: answer time when known and answered, else start (billing by connect time). */
  startMs: number;
  /** Raw, as in the file. */
  calling: string;
  /** Raw, as in the file. */
  called: string;
  /** Billable duration: billsec for Asterisk/FreeSWITCH, Usage for CGRateS. */
  durationMs: number;
  answered: boolean;
  /** The account or trunk the call came in on (customer side). */
  ingress: string | null;
  /** The account or trunk it was routed out to (vendor side). */
  egress: string | null;
  /** The file's own charge for the call, in 1e-8 currency units; kept for reconciliation. */
  carrierChargeE8: number | null;
}

export interface CdrRowError {
  error: true;
  column: string;
  value: string;
  message: string;
}

export type CdrRowParser = (cells: string[], row: number) => ParsedCdr | CdrRowError;

export function isCdrRowError(r: ParsedCdr | CdrRowError): r is CdrRowError {
  return 'error' in r;
}

function rowError(column: string, value: string | undefined, message: string): CdrRowError {
  return { error: true, column, value: value ?? '', message };
}

/** Trimmed text; the common case (nothing to trim) returns the same string without copying. */
function clean(s: string | undefined): string {
  if (s === undefined) return '';
  const len = s.length;
  if (len === 0) return s;
  return s.charCodeAt(0) <= 32 || s.charCodeAt(len - 1) <= 32 ? s.trim() : s;
}

function optional(s: string | undefined): string | null {
  const t = clean(s);
  return t === '' ? null : t;
}

/**
 * An exact e8 amount; a charge with more than 8 decimals is float noise from the exporter
 * ("0.30000000000000004") and is rounded half up at the 8th.
 */
function chargeE8(text: string): number | string {
  const p = parseScaledDecimal(text);
  if (p.ok) return p.scaled;
  if (p.reason.startsWith('more than')) {
    try {
      const rounded = parseScaledDecimal(new Decimal(text.trim()).toDecimalPlaces(8, Decimal.ROUND_HALF_UP).toString());
      if (rounded.ok) return rounded.scaled;
    } catch {
      // falls through to the original reason
    }
  }
  return p.reason;
}

const ASTERISK_COLUMNS = ['accountcode', 'src', 'dst', 'dcontext', 'clid', 'channel', 'dstchannel', 'lastapp', 'lastdata', 'start',
  'answer', 'end', 'duration', 'billsec', 'disposition', 'amaflags', 'uniqueid', 'userfield', 'peeraccount', 'linkedid', 'sequence'] as const;

/** Asterisk cdr_csv Master.csv rows (16 to 21 columns, no header), times in `zone`. */
export function asteriskRowParser(zone: string): CdrRowParser {
  const parseTime = makeLocalTimeParser(zone);
  return (cells) => {
    const n = cells.length;
    if (n < 16 || n > 21) return rowError('', String(n), `an Asterisk CDR has 16 to 21 columns; this row has ${n}`);
    const billsecText = cells[13]!;
    const billsec = parseDurationMs(billsecText, 's');
    if (typeof billsec === 'string') return rowError('billsec', billsecText, billsec);
    const answered = clean(cells[14]) === 'ANSWERED' && billsec > 0;
    let startMs: number | undefined;
    const answerText = cells[10]!;
    if (answered && answerText !== '') {
      startMs = parseTime(answerText);
      if (startMs === undefined) return rowError('answer', answerText, 'not a date-time');
    } else {
      startMs = parseTime(cells[9]!);
      if (startMs === undefined) return rowError('start', cells[9], 'not a date-time');
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
      carrierChargeE8: null,
    };
  };
}

const FREESWITCH_COLUMNS = ['caller_id_name', 'caller_id_number', 'destination_number', 'context', 'start_stamp', 'answer_stamp',
  'end_stamp', 'duration', 'billsec', 'hangup_cause', 'uuid', 'bleg_uuid', 'accountcode', 'read_codec', 'write_codec'] as const;

/** FreeSWITCH mod_cdr_csv rows in the default template (15 columns, no header), times in `zone`. */
export function freeswitchRowParser(zone: string): CdrRowParser {
  const parseTime = makeLocalTimeParser(zone);
  return (cells) => {
    const n = cells.length;
    if (n < 15) return rowError('', String(n), `a FreeSWITCH CDR (default template) has 15 columns; this row has ${n}`);
    const billsecText = cells[8]!;
    const billsec = parseDurationMs(billsecText, 's');
    if (typeof billsec === 'string') return rowError('billsec', billsecText, billsec);
    const answered = billsec > 0;
    let startMs: number | undefined;
    const answerText = cells[5]!;
    if (answered && answerText !== '') {
      startMs = parseTime(answerText);
      if (startMs === undefined) return rowError('answer_stamp', answerText, 'not a date-time');
    } else {
      startMs = parseTime(cells[4]!);
      if (startMs === undefined) return rowError('start_stamp', cells[4], 'not a date-time');
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
      carrierChargeE8: null,
    };
  };
}

/** CGRateS column names, compared without case, spaces or punctuation. */
const CGRATES_NAMES = {
  cgrid: 'cgrid', runid: 'runid', originid: 'originid', account: 'account', subject: 'subject', destination: 'destination',
  setuptime: 'setuptime', answertime: 'answertime', usage: 'usage', cost: 'cost', supplier: 'supplier', route: 'route',
} as const;
type CgratesColumn = keyof typeof CGRATES_NAMES;

function compact(header: string): string {
  return header.replace(/^\uFEFF/, '').toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** Where the CGRateS columns are in a header; missing ones are −1. */
export function cgratesColumns(headers: string[]): Record<CgratesColumn, number> & { calling: number } {
  const at = (name: string): number => headers.findIndex((h) => compact(h) === name);
  const cols = Object.fromEntries(Object.keys(CGRATES_NAMES).map((k) => [k, at(k)])) as Record<CgratesColumn, number>;
  // The base set has no caller column, but exports often add one from the extra fields.
  const calling = headers.findIndex((h, i) => !Object.values(cols).includes(i) && guessCdrField(h) === 'calling');
  return { ...cols, calling };
}

export function cgratesMissingColumns(headers: string[]): string[] {
  const c = cgratesColumns(headers);
  const missing: string[] = [];
  if (c.destination < 0) missing.push('Destination');
  if (c.usage < 0) missing.push('Usage');
  if (c.answertime < 0 && c.setuptime < 0) missing.push('AnswerTime or SetupTime');
  return missing;
}

/**
 * Go's zero time ("0001-01-01T00:00:00Z"): what CGRateS writes for a call never answered.
 */
function isGoZeroTime(text: string): boolean {
  return text.startsWith('0001-01-01');
}

/**
 * A bare integer of 7+ digits is Go nanoseconds (what CGRateS writes for a time.Duration); below
 * that it is seconds, as older CGRateS exports wrote Usage (a 1 ms call is 1,000,000 ns, and a
 * million seconds is no call). Fractions ("12.5") are seconds; "5m", "300s" read as written.
 */
function cgratesUsageMs(text: string): number | string {
  const t = clean(text);
  let digits = true;
  for (let i = 0; i < t.length && digits; i++) {
    const c = t.charCodeAt(i);
    digits = c >= 48 && c <= 57;
  }
  return parseDurationMs(t, digits && t.length >= 7 ? 'go' : 'auto');
}

/** CGRateS CSV exports (with a header). Times carry their own zone (RFC 3339); `zone` reads those that do not. */
export function cgratesRowParser(headers: string[], zone: string): CdrRowParser {
  const missing = cgratesMissingColumns(headers);
  if (missing.length > 0) throw new Error(`not a CGRateS CDR header: no ${missing.join(', ')} column`);
  const c = cgratesColumns(headers);
  const parseTime = makeLocalTimeParser(zone);
  const egressCol = c.supplier >= 0 ? c.supplier : c.route;
  return (cells) => {
    const usageText = cells[c.usage];
    if (usageText === undefined) return rowError('Usage', '', `the row has ${cells.length} columns; the header has ${headers.length}`);
    const usage = cgratesUsageMs(usageText);
    if (typeof usage === 'string') return rowError('Usage', usageText, usage);
    let startMs: number | undefined;
    const answerText = c.answertime >= 0 ? clean(cells[c.answertime]) : '';
    if (answerText !== '' && !isGoZeroTime(answerText)) {
      startMs = parseTime(answerText);
      if (startMs === undefined) return rowError('AnswerTime', answerText, 'not a date-time');
    } else {
      const setupText = c.setuptime >= 0 ? clean(cells[c.setuptime]) : '';
      startMs = parseTime(setupText);
      if (startMs === undefined) return rowError(c.setuptime >= 0 ? 'SetupTime' : 'AnswerTime', setupText, 'no answer or setup time');
    }
    let carrierChargeE8: number | null = null;
    if (c.cost >= 0) {
      const costText = clean(cells[c.cost]);
      if (costText !== '' && costText !== '-1') {
        const charge = chargeE8(costText);
        if (typeof charge === 'string') return rowError('Cost', costText, charge);
        carrierChargeE8 = charge;
      }
    }
    let callId = c.cgrid >= 0 ? optional(cells[c.cgrid]) : null;
    if (callId === null && c.originid >= 0) callId = optional(cells[c.originid]);
    if (callId !== null && c.runid >= 0) {
      const run = clean(cells[c.runid]);
      if (run !== '' && run !== '*default') callId = `${callId}#${run}`;
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
      calling: c.calling >= 0 ? clean(cells[c.calling]) : '',
      called: clean(cells[c.destination]),
      durationMs: usage,
      answered: usage > 0,
      ingress: account,
      egress,
      carrierChargeE8,
    };
  };
}

/** Disposition values (upper-cased) that mean the call was answered; anything else means it was not. */
export const ANSWERED_DISPOSITIONS: ReadonlySet<string> = new Set([
  'ANSWERED', 'ANSWER', 'NORMAL_CLEARING', 'NORMAL CLEARING', '16', 'OK', 'CONNECTED', 'SUCCESS', 'SUCCESSFUL', '1', 'TRUE', 'YES', 'Y',
  '200',
]);

export interface GenericParserOptions {
  zone: string;
  /** How a bare number in the duration column reads; default 'auto' (seconds, or h:mm:ss). */
  durationUnit?: DurationUnit;
  /** For dates the fast reader does not take (DD/MM/YYYY …): which way round, when the text cannot tell. */
  dateOrder?: DateOrder;
}

/**
 * Generic carrier CDRs, by a header mapping (mapCdrColumns). The start instant is the answer
 * column when it has a value, else the start column, else the date and time columns together. A
 * start column beside a time column and no date column is taken as the date ("Call Date" +
 * "Call Time"); a lone date or time column is taken as a full date-time. Duration: the duration
 * column (empty reads as 0), else duration_ms, else end − start (0 when an answer column is
 * mapped and empty: ringing is not talk).
 * Throws when the mapping lacks a field (check missingCdrFields first).
 */
export function genericRowParser(mapping: CdrColumnMapping, options: GenericParserOptions): CdrRowParser {
  const missing = missingCdrFields(mapping);
  if (missing.length > 0) throw new Error(`the column mapping has no ${missing.join(', ')}`);
  const col: Record<CdrField, number> = Object.fromEntries(CDR_FIELDS.map((f) => [f, -1])) as Record<CdrField, number>;
  for (const [i, f] of mapping.byIndex) if (col[f] < 0) col[f] = i;
  const name = (f: CdrField): string => mapping.headers[col[f]] ?? f;
  const durationUnit = options.durationUnit ?? 'auto';
  const fast = makeLocalTimeParser(options.zone);
  const resolve = makeZoneResolver(options.zone);
  const parseTime: TimeParser = (text) => {
    const t = fast(text);
    if (t !== undefined) return t;
    const p = parseDateText(text, options.dateOrder);
    if (p.kind !== 'ok') return undefined;
    const w = p.wall;
    if (w.zone) return wallToInstant(w, options.zone);
    return resolve(daysFromCivil(w.year, w.month, w.day) * 86_400_000 + w.hour * 3_600_000 + w.minute * 60_000 + w.second * 1000);
  };

  const dayCol = col.date >= 0 ? col.date : col.start >= 0 && col.time >= 0 ? col.start : -1;
  const timeCol = dayCol >= 0 ? col.time : -1;
  const startCol = dayCol >= 0 && timeCol >= 0 ? -1 : col.start >= 0 ? col.start : col.date >= 0 ? col.date : col.time;
  const startName = startCol >= 0 ? (mapping.headers[startCol] ?? 'start') : `${mapping.headers[dayCol] ?? 'date'} + ${mapping.headers[timeCol] ?? 'time'}`;

  return (cells) => {
    let startMs: number | undefined;
    const answerText = col.answer >= 0 ? clean(cells[col.answer]) : '';
    if (answerText !== '') {
      startMs = parseTime(answerText);
      if (startMs === undefined) return rowError(name('answer'), answerText, 'not a date-time');
    }
    if (startMs === undefined) {
      let text: string;
      if (startCol >= 0) {
        text = clean(cells[startCol]);
      } else {
        const day = clean(cells[dayCol]);
        const time = clean(cells[timeCol]);
        text = time === '' ? day : `${day} ${time}`;
      }
      if (text === '') return rowError(startName, text, 'no start time');
      startMs = parseTime(text);
      if (startMs === undefined) return rowError(startName, text, 'not a date-time');
    }

    let durationMs: number;
    if (col.duration >= 0 || col.duration_ms >= 0) {
      const f: CdrField = col.duration >= 0 ? 'duration' : 'duration_ms';
      const text = clean(cells[col[f]]);
      const d = text === '' ? 0 : parseDurationMs(text, f === 'duration' ? durationUnit : 'ms');
      if (typeof d === 'string') return rowError(name(f), text, d);
      durationMs = d;
    } else {
      const endText = clean(cells[col.end]);
      if (endText === '' || (col.answer >= 0 && answerText === '')) {
        durationMs = 0;
      } else {
        const endMs = parseTime(endText);
        if (endMs === undefined) return rowError(name('end'), endText, 'not a date-time');
        durationMs = endMs - startMs;
        if (durationMs < 0) return rowError(name('end'), endText, 'ends before it starts');
        if (durationMs > 48 * 3_600_000) return rowError(name('end'), endText, 'longer than 48 hours');
      }
    }

    let answered = durationMs > 0;
    if (col.disposition >= 0) {
      const d = clean(cells[col.disposition]);
      answered = ANSWERED_DISPOSITIONS.has(d) || ANSWERED_DISPOSITIONS.has(d.toUpperCase());
    }
    let carrierChargeE8: number | null = null;
    if (col.charge >= 0) {
      const text = clean(cells[col.charge]);
      if (text !== '') {
        const charge = chargeE8(text);
        if (typeof charge === 'string') return rowError(name('charge'), text, charge);
        carrierChargeE8 = charge;
      }
    }
    return {
      callId: col.call_id >= 0 ? optional(cells[col.call_id]) : null,
      startMs,
      calling: col.calling >= 0 ? clean(cells[col.calling]) : '',
      called: clean(cells[col.called]),
      durationMs,
      answered,
      ingress: col.ingress >= 0 ? optional(cells[col.ingress]) : null,
      egress: col.egress >= 0 ? optional(cells[col.egress]) : null,
      carrierChargeE8,
    };
  };
}

export interface CreateCdrParserOptions {
  /** The header row when the file has one (generic and CGRateS need it). */
  header: string[] | null;
  zone: string;
  /** The user's column choices for generic files: header, column letter or `#n` → field. */
  map?: Record<string, string>;
  /** A saved template for generic files: normalised header → field. */
  template?: Record<string, CdrField>;
  durationUnit?: DurationUnit;
  dateOrder?: DateOrder;
}

export type CreatedCdrParser =
  | { parse: CdrRowParser; /** What each column was read as (JSON-safe, for the import record). */ mapping: Record<string, CdrField> }
  | { error: string };

const FIELD_SET: ReadonlySet<string> = new Set(CDR_FIELDS);

/**
 * A row with text beyond the columns its header names is misaligned (a delimiter inside an
 * unquoted field, rows glued together): refused rather than read by position. Trailing empty
 * fields are common and harmless.
 */
function withinHeader(parse: CdrRowParser, width: number): CdrRowParser {
  return (cells, row) => {
    if (cells.length > width) {
      for (let i = width; i < cells.length; i++) {
        if (cells[i]!.trim() !== '') {
          return { error: true, column: `#${i + 1}`, value: cells[i]!.slice(0, 60), message: `the row has ${cells.length} fields but the header names ${width} columns` };
        }
      }
    }
    return parse(cells, row);
  };
}

/** The one entry point: a row parser for a format, or why there cannot be one. */
export function createCdrParser(format: CdrFormat, options: CreateCdrParserOptions): CreatedCdrParser {
  const map = options.map ?? {};
  if (format !== 'generic' && Object.keys(map).length > 0) {
    return { error: `column mappings apply to generic CSV files; ${format} files have fixed columns` };
  }
  switch (format) {
    case 'asterisk':
      return {
        parse: asteriskRowParser(options.zone),
        mapping: { accountcode: 'ingress', src: 'calling', dst: 'called', start: 'start', answer: 'answer', billsec: 'duration',
          disposition: 'disposition', uniqueid: 'call_id', peeraccount: 'egress' },
      };
    case 'freeswitch':
      return {
        parse: freeswitchRowParser(options.zone),
        mapping: { caller_id_number: 'calling', destination_number: 'called', start_stamp: 'start', answer_stamp: 'answer',
          billsec: 'duration', hangup_cause: 'disposition', uuid: 'call_id', accountcode: 'ingress' },
      };
    case 'cgrates': {
      const header = options.header;
      if (!header) return { error: 'a CGRateS CDR file needs its header row' };
      const missing = cgratesMissingColumns(header);
      if (missing.length > 0) return { error: `not a CGRateS CDR header: no ${missing.join(', ')} column` };
      const c = cgratesColumns(header);
      const mapping: Record<string, CdrField> = {};
      const put = (i: number, f: CdrField): void => {
        if (i >= 0) mapping[header[i]!] = f;
      };
      put(c.cgrid >= 0 ? c.cgrid : c.originid, 'call_id');
      put(c.account, 'ingress');
      put(c.supplier >= 0 ? c.supplier : c.route >= 0 ? c.route : c.subject, 'egress');
      put(c.destination, 'called');
      put(c.calling, 'calling');
      put(c.setuptime, 'start');
      put(c.answertime, 'answer');
      put(c.usage, 'duration');
      put(c.cost, 'charge');
      return { parse: cgratesRowParser(header, options.zone), mapping };
    }
    case 'generic': {
      const header = options.header;
      if (!header) return { error: 'a generic CDR file needs a header row naming its columns' };
      for (const [column, field] of Object.entries(map)) {
        if (!FIELD_SET.has(field)) return { error: `"${field}" (for column "${column}") is not a CDR field; fields: ${CDR_FIELDS.join(', ')}` };
      }
      const columns = mapCdrColumns(header, options.template, map as Record<string, CdrField>);
      const dup = duplicateHeader(header, columns.byIndex, explicitColumns(header, undefined, map as Record<string, CdrField>));
      if (dup) return { error: duplicateHeaderMessage(dup) };
      const missing = missingCdrFields(columns);
      if (missing.length > 0) return { error: `no column for the ${missing.join(', ')}; name it with a mapping (column=field)` };
      const mapping: Record<string, CdrField> = {};
      for (const [i, f] of [...columns.byIndex].sort((a, b) => a[0] - b[0])) mapping[header[i] ?? `#${i + 1}`] = f;
      const opts: GenericParserOptions = { zone: options.zone };
      if (options.durationUnit) opts.durationUnit = options.durationUnit;
      if (options.dateOrder) opts.dateOrder = options.dateOrder;
      return { parse: withinHeader(genericRowParser(columns, opts), header.length), mapping };
    }
  }
}

export { ASTERISK_COLUMNS, FREESWITCH_COLUMNS };
