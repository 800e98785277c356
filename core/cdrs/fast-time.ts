/**
 * Instants from CDR time stamps at switch speed: a hand-written scanner (no regex, no Date, no
 * luxon per row) and a per-hour cache of the zone's offset. luxon is asked once per distinct local
 * hour of the file; everything else is integer arithmetic.
 *
 * Read forms: `YYYY-MM-DD HH:MM[:SS[.fff…]]`, the same with `T` or with `/` between the date
 * parts, optionally followed (with or without a space) by `Z`, `UTC`, `GMT`, `±HH:MM`, `±HHMM` or
 * `±HH` (which beat the zone; Go's `+0000 UTC` also reads), and epoch seconds (10 digits, optional
 * fraction) or epoch milliseconds (13 digits). Fractions past milliseconds are cut, as luxon does.
 *
 * Wall times without a zone are read in the parser's zone, DST-correctly:
 * - in a spring-forward gap (a wall time that never happened) the time moves forward by the gap,
 *   as luxon and the switches do (London 01:30 on the spring day is 02:30 BST, 01:30Z);
 * - in a fall-back overlap (a wall time that happened twice) the earlier instant wins, i.e. the
 *   offset in force before the change (daylight time). luxon itself picks by today's offset, so
 *   its answer for those hours depends on when it runs; ours never does. A switch writing local
 *   time cannot tell the two apart either; files that matter should be written in UTC.
 */
import { FixedOffsetZone, IANAZone, type Zone } from 'luxon';

const MS_PER_MINUTE = 60_000;
const MS_PER_HOUR = 3_600_000;
const MS_PER_DAY = 86_400_000;
/** Offsets run from −12:00 to +14:00: any interpretation of a wall time lies within this of it. */
const OFFSET_REACH_MS = 15 * MS_PER_HOUR;
const MIN_YEAR = 1970;
const MAX_YEAR = 2199;

/** Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = month > 2 ? month - 3 : month + 9;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** The digit at `i`, or −1. */
function digit(text: string, i: number): number {
  const c = text.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -1;
}

function two(text: string, i: number): number {
  const a = digit(text, i);
  const b = digit(text, i + 1);
  return a < 0 || b < 0 ? -1 : a * 10 + b;
}

function zoneObject(zone: string): Zone {
  const upper = zone.toUpperCase();
  if (upper === 'UTC' || upper === 'GMT' || upper === 'Z') return FixedOffsetZone.utcInstance;
  const fixed = FixedOffsetZone.parseSpecifier(zone);
  if (fixed) return fixed;
  const iana = IANAZone.create(zone);
  if (!iana.isValid) throw new Error(`unknown time zone "${zone}"`);
  return iana;
}

/**
 * The offset (ms) to subtract from a wall time, read as if it were UTC, to get its instant in
 * `zone`. At most one transition happens within a day of any instant in real zones, so the
 * offsets a day before and after are the only candidates.
 */
function wallOffsetMs(zone: Zone, localMs: number): number {
  const before = zone.offset(localMs - OFFSET_REACH_MS) * MS_PER_MINUTE;
  const after = zone.offset(localMs + OFFSET_REACH_MS) * MS_PER_MINUTE;
  if (before === after) return before;
  if (zone.offset(localMs - before) * MS_PER_MINUTE === before) return before; // unique, or the earlier of an overlap
  if (zone.offset(localMs - after) * MS_PER_MINUTE === after) return after;
  // A gap: luxon's answer (and the switch's) is the wall time moved forward by the gap.
  return Math.min(before, after);
}

/** Reads a time stamp into epoch ms; undefined when the text is not one (or names an impossible date). */
export type TimeParser = (text: string) => number | undefined;

/**
 * Turns a wall time in `zone`, given as ms since 1970-01-01 00:00 read as if it were UTC (see
 * daysFromCivil), into its instant, with the DST rules above.
 */
export type WallToInstant = (localMs: number) => number;

export function makeZoneResolver(zone: string): WallToInstant {
  const z = zoneObject(zone);
  if (z.isUniversal) {
    const fixedOffsetMs = z.offset(0) * MS_PER_MINUTE;
    return (localMs) => localMs - fixedOffsetMs;
  }
  // Keyed by hours since the epoch of the wall time read as UTC; NaN marks an hour holding a
  // transition, where each time is resolved on its own (a handful of rows a year).
  const hourOffsets = new Map<number, number>();
  let lastHour = Number.NaN;
  let lastOffset = 0;
  return (localMs) => {
    const hour = Math.floor(localMs / MS_PER_HOUR);
    if (hour === lastHour) return localMs - lastOffset;
    let offset = hourOffsets.get(hour);
    if (offset === undefined) {
      const start = hour * MS_PER_HOUR;
      const first = wallOffsetMs(z, start);
      offset = wallOffsetMs(z, start + MS_PER_HOUR - 1) === first ? first : Number.NaN;
      hourOffsets.set(hour, offset);
    }
    if (Number.isNaN(offset)) return localMs - wallOffsetMs(z, localMs);
    lastHour = hour;
    lastOffset = offset;
    return localMs - offset;
  };
}

/** A parser of the forms above; wall times without a zone are read in `zone` (IANA, "UTC" or "UTC+2"). */
export function makeLocalTimeParser(zone: string): TimeParser {
  const localToInstant = makeZoneResolver(zone);
  return (input: string): number | undefined => {
    let text = input;
    let len = text.length;
    if (len === 0) return undefined;
    if (text.charCodeAt(0) <= 32 || text.charCodeAt(len - 1) <= 32) {
      text = text.trim();
      len = text.length;
    }
    if (len < 10) return undefined;
    const sep = text.charCodeAt(4);
    if (sep !== 45 && sep !== 47) return epoch(text, len); // '-' or '/'
    const year = digit(text, 0) * 1000 + digit(text, 1) * 100 + two(text, 2);
    const month = two(text, 5);
    const day = two(text, 8);
    if (text.charCodeAt(7) !== sep || digit(text, 0) < 0 || digit(text, 1) < 0 || two(text, 2) < 0) return undefined;
    if (year < MIN_YEAR || year > MAX_YEAR || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
    let hour = 0;
    let minute = 0;
    let second = 0;
    let ms = 0;
    let i = 10;
    if (len > 10) {
      const t = text.charCodeAt(10);
      if (t !== 32 && t !== 84 && t !== 116) return undefined; // ' ', 'T', 't'
      hour = two(text, 11);
      minute = two(text, 14);
      if (text.charCodeAt(13) !== 58 || hour < 0 || hour > 23 || minute < 0 || minute > 59) return undefined;
      i = 16;
      if (text.charCodeAt(16) === 58) {
        second = two(text, 17);
        if (second < 0 || second > 59) return undefined;
        i = 19;
        if (text.charCodeAt(19) === 46 || text.charCodeAt(19) === 44) {
          i = 20;
          let scale = 100;
          while (i < len) {
            const d = digit(text, i);
            if (d < 0) break;
            ms += d * scale;
            scale /= 10;
            i++;
          }
          if (i === 20) return undefined;
          ms = Math.floor(ms);
        }
      }
    }
    const localMs = daysFromCivil(year, month, day) * MS_PER_DAY + hour * MS_PER_HOUR + minute * MS_PER_MINUTE + second * 1000 + ms;
    if (i === len) return localToInstant(localMs);
    const offset = textOffsetMs(text, i, len);
    return offset === undefined ? undefined : localMs - offset;
  };
}

/** A zone written after the time, from `i`: offset in ms, or undefined when it is not one. */
function textOffsetMs(text: string, start: number, len: number): number | undefined {
  let i = start;
  if (text.charCodeAt(i) === 32) i++;
  const c = text.charCodeAt(i);
  if (c === 90 || c === 122) return i + 1 === len ? 0 : undefined; // Z
  if (c === 43 || c === 45) {
    const hours = two(text, i + 1);
    if (hours < 0 || hours > 14) return undefined;
    i += 3;
    let minutes = 0;
    if (text.charCodeAt(i) === 58) i++;
    if (i < len && text.charCodeAt(i) !== 32) {
      minutes = two(text, i);
      if (minutes < 0 || minutes > 59) return undefined;
      i += 2;
    }
    const offset = (hours * 60 + minutes) * MS_PER_MINUTE;
    // Go writes "+0000 UTC": a name after a numeric offset adds nothing.
    if (i < len && !isZoneName(text, i + 1, len)) return undefined;
    return c === 45 ? -offset : offset;
  }
  return isUtcName(text, i, len) ? 0 : undefined;
}

function isUtcName(text: string, i: number, len: number): boolean {
  if (len - i !== 3) return false;
  const name = text.slice(i).toUpperCase();
  return name === 'UTC' || name === 'GMT';
}

function isZoneName(text: string, i: number, len: number): boolean {
  if (text.charCodeAt(i - 1) !== 32 || i >= len || len - i > 6) return false;
  for (let k = i; k < len; k++) {
    const c = text.charCodeAt(k) | 32;
    if (c < 97 || c > 122) return false;
  }
  return true;
}

function epoch(text: string, len: number): number | undefined {
  let whole = 0;
  let i = 0;
  while (i < len) {
    const d = digit(text, i);
    if (d < 0) break;
    whole = whole * 10 + d;
    i++;
  }
  if (i === 13 && len === 13) return whole;
  if (i !== 10) return undefined;
  let ms = 0;
  if (i < len) {
    if (text.charCodeAt(i) !== 46) return undefined;
    i++;
    let scale = 100;
    const fracStart = i;
    while (i < len) {
      const d = digit(text, i);
      if (d < 0) return undefined;
      ms += d * scale;
      scale /= 10;
      i++;
    }
    if (i === fracStart) return undefined;
  }
  return whole * 1000 + Math.floor(ms);
}
