import { DateTime } from 'luxon';
import { TrunklineError } from '../api/errors.ts';

/**
 * Settlement periods are calendar months in the carrier's time zone ('YYYY-MM'), as half-open
 * instant ranges [fromMs, toMs). Dates (issue, due, payment value dates, FX dates) are plain
 * 'YYYY-MM-DD' days, read in the carrier's zone when they come from an instant.
 */
export interface PeriodRange {
  period: string;
  fromMs: number;
  toMs: number;
  /** The first and last day of the period, 'YYYY-MM-DD'. */
  firstDay: string;
  lastDay: string;
}

export function periodRange(period: string, zone: string): PeriodRange {
  const m = /^(\d{4})-(\d{2})$/.exec(period);
  if (!m) throw new TrunklineError('INVALID_ARGUMENTS', `period "${period}": write YYYY-MM, e.g. 2026-09`);
  const start = DateTime.fromObject({ year: Number(m[1]), month: Number(m[2]), day: 1 }, { zone });
  if (!start.isValid) throw new TrunklineError('INVALID_ARGUMENTS', `period "${period}" is not a month`);
  const end = start.plus({ months: 1 });
  return { period, fromMs: start.toMillis(), toMs: end.toMillis(), firstDay: start.toISODate()!, lastDay: end.minus({ days: 1 }).toISODate()! };
}

/** The period an instant falls in, in a zone. */
export function periodOfMs(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone }).toFormat('yyyy-MM');
}

/** The period of a 'YYYY-MM-DD' day. */
export function periodOfDay(day: string): string {
  return day.slice(0, 7);
}

/** The day an instant falls on, in a zone. */
export function dayOfMs(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone }).toISODate()!;
}

export function addDays(day: string, days: number): string {
  return DateTime.fromISO(day, { zone: 'UTC' }).plus({ days }).toISODate()!;
}

/** Whole days from one day to another (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round(DateTime.fromISO(to, { zone: 'UTC' }).diff(DateTime.fromISO(from, { zone: 'UTC' }), 'days').days);
}

export function previousPeriod(period: string): string {
  return DateTime.fromISO(`${period}-01`, { zone: 'UTC' }).minus({ months: 1 }).toFormat('yyyy-MM');
}

export function isValidDay(day: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(day) && DateTime.fromISO(day, { zone: 'UTC' }).isValid;
}

const decimalsCache = new Map<string, number>();

/** Minor-unit decimals of a currency (USD 2, JPY 0, BHD 3), from the ISO 4217 data Intl carries. */
export function currencyDecimals(currency: string): number {
  let d = decimalsCache.get(currency);
  if (d === undefined) {
    try {
      d = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    } catch {
      d = 2;
    }
    decimalsCache.set(currency, d);
  }
  return d;
}
