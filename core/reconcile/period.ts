import { DateTime } from 'luxon';
import { TrunklineError } from '../api/errors.ts';
import { parseDateText, wallToInstant, type WallTime } from '../time/parse-date.ts';

/** A billing period: [fromMs, toMs) instants, cut in the carrier's zone, with the name people give it. */
export interface Period {
  fromMs: number;
  toMs: number;
  label: string;
}

function dayStart(w: WallTime): WallTime {
  return { year: w.year, month: w.month, day: w.day, hour: 0, minute: 0, second: 0, ...(w.zone ? { zone: w.zone } : {}) };
}

function hasTime(text: string): boolean {
  return /\d{1,2}:\d{2}/.test(text);
}

/** The period's name: YYYY-MM when it is one calendar month of the zone, else the first and last days. */
export function periodLabel(fromMs: number, toMs: number, zone: string): string {
  const a = DateTime.fromMillis(fromMs, { zone });
  const b = DateTime.fromMillis(toMs, { zone });
  const whole = (d: DateTime) => d.hour === 0 && d.minute === 0 && d.second === 0 && d.millisecond === 0;
  if (whole(a) && whole(b) && a.day === 1 && a.plus({ months: 1 }).toMillis() === toMs) return a.toFormat('yyyy-MM');
  const last = whole(b) ? b.minus({ days: 1 }) : b;
  return `${a.toFormat('yyyy-MM-dd')}..${last.toFormat('yyyy-MM-dd')}`;
}

export function monthPeriod(period: string, zone: string): Period {
  const [y, m] = period.split('-').map(Number) as [number, number];
  const from = DateTime.fromObject({ year: y, month: m, day: 1 }, { zone });
  return { fromMs: from.toMillis(), toMs: from.plus({ months: 1 }).toMillis(), label: period };
}

/** Inclusive wall dates (an invoice's "1 Sep – 30 Sep") as [from, to) instants in the zone. */
export function inclusiveDates(from: WallTime, to: WallTime, zone: string): Period {
  const fromMs = wallToInstant(dayStart(from), zone);
  const end = DateTime.fromObject({ year: to.year, month: to.month, day: to.day }, { zone: to.zone ?? zone }).plus({ days: 1 });
  const toMs = end.toMillis();
  return { fromMs, toMs, label: periodLabel(fromMs, toMs, zone) };
}

/**
 * The period a command names: `period` (YYYY-MM), or `from` and `to`. A bare date for `to` is
 * inclusive (the whole day); a date-time is the exclusive end instant.
 */
export function resolvePeriod(zone: string, a: { period?: string; from?: string; to?: string }): Period {
  if (a.period) return monthPeriod(a.period, zone);
  if (!a.from || !a.to) throw new TrunklineError('INVALID_ARGUMENTS', 'give a period (YYYY-MM) or both --from and --to');
  const f = parseDateText(a.from);
  const t = parseDateText(a.to);
  for (const [flag, p, text] of [['--from', f, a.from], ['--to', t, a.to]] as const) {
    if (p.kind === 'ambiguous') throw new TrunklineError('INVALID_ARGUMENTS', `${flag} "${text}": day and month could be either way; write YYYY-MM-DD`);
    if (p.kind === 'error') throw new TrunklineError('INVALID_ARGUMENTS', `${flag} "${text}": ${p.reason}`);
  }
  if (f.kind !== 'ok' || t.kind !== 'ok') throw new TrunklineError('INVALID_ARGUMENTS', 'bad period');
  const fromMs = wallToInstant(f.wall, zone);
  const toMs = hasTime(a.to) ? wallToInstant(t.wall, zone)
    : DateTime.fromObject({ year: t.wall.year, month: t.wall.month, day: t.wall.day }, { zone: t.wall.zone ?? zone }).plus({ days: 1 }).toMillis();
  if (toMs <= fromMs) throw new TrunklineError('INVALID_ARGUMENTS', `the period ends (${a.to}) before it starts (${a.from})`);
  return { fromMs, toMs, label: periodLabel(fromMs, toMs, zone) };
}
