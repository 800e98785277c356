import { DateTime, IANAZone } from 'luxon';

export type DateOrder = 'DMY' | 'MDY';

/** A wall-clock reading as a file wrote it, before any time zone is applied. */
export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** A zone the text itself named ("UTC", "Z", "+01:00"), which beats the carrier's. */
  zone?: string;
}

export type DateParse =
  | { kind: 'ok'; wall: WallTime; order?: DateOrder }
  | { kind: 'ambiguous'; first: number; second: number }
  | { kind: 'error'; reason: string };

const MONTHS: Record<string, number> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, sept: 9, oct: 10, nov: 11, dec: 12,
  january: 1, february: 2, march: 3, april: 4, june: 6, july: 7, august: 8, september: 9, october: 10, november: 11, december: 12,
};

const TIME = String.raw`(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?`;
const ZONE = String.raw`\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2}|(?:UTC|GMT)\s*[+-]\d{1,2}(?::?\d{2})?)?`;
const ISO = new RegExp(String.raw`^(\d{4})[-/](\d{1,2})[-/](\d{1,2})${TIME}${ZONE}$`, 'i');
const SLASHED = new RegExp(String.raw`^(\d{1,2})([/-])(\d{1,2})\2(\d{4}|\d{2})${TIME}${ZONE}$`, 'i');
const DOTTED = new RegExp(String.raw`^(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})${TIME}${ZONE}$`, 'i');
const COMPACT = /^(\d{4})(\d{2})(\d{2})(?:[ T]?(\d{2})(\d{2})(\d{2})?)?$/;
// The hyphen goes last in [ ,-]: written as [ -,] it is the range space..comma, which misses "01-Nov-2026".
const DAY_MON_YEAR = new RegExp(String.raw`^(\d{1,2})[ -]([A-Za-z]{3,9})\.?[ ,-]*(\d{4}|\d{2})${TIME}${ZONE}$`, 'i');
const MON_DAY_YEAR = new RegExp(String.raw`^([A-Za-z]{3,9})\.? (\d{1,2}),? (\d{4})${TIME}${ZONE}$`, 'i');
const SERIAL = /^\d{5}(?:\.\d+)?$/;

const MIN_YEAR = 1970;
const MAX_YEAR = 2199;

function year4(text: string): number {
  const y = Number(text);
  return text.length === 2 ? 2000 + y : y;
}

function zoneOf(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const t = text.toUpperCase().replace(/\s+/g, '');
  if (t === 'Z' || t === 'UTC' || t === 'GMT') return 'UTC';
  const m = /^(?:UTC|GMT)?([+-])(\d{1,2}):?(\d{2})?$/.exec(t);
  if (!m) return undefined;
  const hours = Number(m[2]);
  const minutes = Number(m[3] ?? '0');
  return `UTC${m[1]}${hours}${minutes ? ':' + String(minutes).padStart(2, '0') : ''}`;
}

function build(y: number, mo: number, d: number, h?: string, mi?: string, s?: string, zone?: string): DateParse {
  const wall: WallTime = { year: y, month: mo, day: d, hour: Number(h ?? 0), minute: Number(mi ?? 0), second: Number(s ?? 0) };
  const z = zoneOf(zone);
  if (z) wall.zone = z;
  return checkWall(wall);
}

function checkWall(wall: WallTime): DateParse {
  if (wall.year < MIN_YEAR || wall.year > MAX_YEAR) return { kind: 'error', reason: `year ${wall.year} is out of range` };
  if (wall.month < 1 || wall.month > 12) return { kind: 'error', reason: `month ${wall.month} does not exist` };
  const probe = DateTime.utc(wall.year, wall.month, wall.day);
  if (!probe.isValid || probe.day !== wall.day) return { kind: 'error', reason: `day ${wall.day} does not exist in ${wall.year}-${String(wall.month).padStart(2, '0')}` };
  // 24:00 ends a day (luxon reads it as the next midnight); luxon has no leap seconds, so :60 and
  // anything past 24:00 would pass here and then throw in wallToInstant.
  const endOfDay = wall.hour === 24 && wall.minute === 0 && wall.second === 0;
  if ((wall.hour > 23 && !endOfDay) || wall.minute > 59 || wall.second > 59) return { kind: 'error', reason: 'time of day out of range' };
  return { kind: 'ok', wall };
}

/**
 * Excel's day serials count from 1899-12-31 as day 1 and include 1900-02-29, a day that never
 * existed (Lotus 1-2-3's leap-year bug, kept for compatibility): from day 61 on, day 0 is 1899-12-30.
 */
export function excelSerialToWall(serial: number): DateParse {
  if (!Number.isFinite(serial) || serial < 1) return { kind: 'error', reason: 'not a date serial' };
  const days = Math.floor(serial);
  if (days === 60) return { kind: 'error', reason: 'Excel serial 60 is 1900-02-29, a day that does not exist' };
  const base = days < 60 ? DateTime.utc(1899, 12, 31) : DateTime.utc(1899, 12, 30);
  const seconds = Math.floor((serial - days) * 86_400 + 0.5);
  const dt = base.plus({ days, seconds });
  return checkWall({ year: dt.year, month: dt.month, day: dt.day, hour: dt.hour, minute: dt.minute, second: dt.second });
}

/** Reads a date (or date-time) in any of the forms rate decks use. */
export function parseDateText(input: string, order?: DateOrder): DateParse {
  const text = input.trim();
  if (text === '') return { kind: 'error', reason: 'empty date' };
  let m = ISO.exec(text);
  if (m) return build(Number(m[1]), Number(m[2]), Number(m[3]), m[4], m[5], m[6], m[7]);
  m = SLASHED.exec(text);
  if (m) {
    const a = Number(m[1]);
    const b = Number(m[3]);
    const y = year4(m[4]!);
    let dmy: boolean;
    if (order) dmy = order === 'DMY';
    else if (a > 12 && b <= 12) dmy = true;
    else if (b > 12 && a <= 12) dmy = false;
    else if (a === b) dmy = true;
    else if (a > 12 && b > 12) return { kind: 'error', reason: 'neither part can be a month' };
    else return { kind: 'ambiguous', first: a, second: b };
    const parsed = dmy ? build(y, b, a, m[5], m[6], m[7], m[8]) : build(y, a, b, m[5], m[6], m[7], m[8]);
    // Only a date that could not be read the other way is evidence of the file's order.
    if (parsed.kind === 'ok' && !order && a !== b) parsed.order = dmy ? 'DMY' : 'MDY';
    return parsed;
  }
  m = DOTTED.exec(text);
  if (m) return build(year4(m[3]!), Number(m[2]), Number(m[1]), m[4], m[5], m[6], m[7]);
  m = COMPACT.exec(text);
  if (m) return build(Number(m[1]), Number(m[2]), Number(m[3]), m[4], m[5], m[6]);
  m = DAY_MON_YEAR.exec(text);
  if (m) {
    const month = MONTHS[m[2]!.toLowerCase()];
    if (!month) return { kind: 'error', reason: `unknown month "${m[2]}"` };
    return build(year4(m[3]!), month, Number(m[1]), m[4], m[5], m[6], m[7]);
  }
  m = MON_DAY_YEAR.exec(text);
  if (m) {
    const month = MONTHS[m[1]!.toLowerCase()];
    if (!month) return { kind: 'error', reason: `unknown month "${m[1]}"` };
    return build(Number(m[3]), month, Number(m[2]), m[4], m[5], m[6], m[7]);
  }
  if (SERIAL.test(text)) return excelSerialToWall(Number(text));
  return { kind: 'error', reason: 'not a date in any known format' };
}

/** A cell as a spreadsheet hands it over: text, a serial number, or a Date carrying wall-clock time as UTC. */
export function parseDateCell(value: string | number | Date, order?: DateOrder): DateParse {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return { kind: 'error', reason: 'invalid date cell' };
    return checkWall({
      year: value.getUTCFullYear(), month: value.getUTCMonth() + 1, day: value.getUTCDate(),
      hour: value.getUTCHours(), minute: value.getUTCMinutes(), second: value.getUTCSeconds(),
    });
  }
  if (typeof value === 'number') return excelSerialToWall(value);
  return parseDateText(value, order);
}

export function isValidZone(zone: string): boolean {
  return IANAZone.isValidZone(zone) || zone === 'UTC' || /^UTC[+-]\d{1,2}(:\d{2})?$/.test(zone);
}

/**
 * The UTC instant (epoch ms) of a wall-clock time in a zone. A time inside a spring-forward gap
 * does not exist; luxon moves it forward by the gap, which is what a switch does too.
 */
export function wallToInstant(wall: WallTime, defaultZone: string): number {
  const zone = wall.zone ?? defaultZone;
  const dt = DateTime.fromObject(
    { year: wall.year, month: wall.month, day: wall.day, hour: wall.hour, minute: wall.minute, second: wall.second },
    { zone },
  );
  if (!dt.isValid) throw new Error(`invalid wall time in zone ${zone}: ${dt.invalidExplanation ?? ''}`);
  return dt.toMillis();
}

export function isoInstant(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/** Parses an instant given on the command line or through the contract: a date or date-time, in a zone. */
export function parseInstant(text: string, zone: string, order?: DateOrder): { ok: true; ms: number } | { ok: false; reason: string } {
  const p = parseDateText(text, order);
  if (p.kind === 'ambiguous') return { ok: false, reason: `ambiguous date ${text}: day and month could be either way; write YYYY-MM-DD` };
  if (p.kind === 'error') return { ok: false, reason: p.reason };
  try {
    return { ok: true, ms: wallToInstant(p.wall, zone) };
  } catch (e) {
    // A zone luxon does not know ("W5", found by fuzzing): a reason, not a crash.
    return { ok: false, reason: `${text}: ${(e as Error).message}` };
  }
}
