import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { daysFromCivil, makeLocalTimeParser, makeZoneResolver } from '../../../core/cdrs/fast-time.ts';

const utc = (iso: string): number => Date.parse(iso);

describe('makeLocalTimeParser: forms', () => {
  const london = makeLocalTimeParser('Europe/London');
  it.each([
    { name: 'space-separated, winter', input: '2026-01-15 10:20:30', expected: utc('2026-01-15T10:20:30Z') },
    { name: 'space-separated, summer (BST)', input: '2026-07-15 10:20:30', expected: utc('2026-07-15T09:20:30Z') },
    { name: 'milliseconds', input: '2026-07-15 10:20:30.250', expected: utc('2026-07-15T09:20:30.250Z') },
    { name: 'one fraction digit', input: '2026-07-15 10:20:30.5', expected: utc('2026-07-15T09:20:30.500Z') },
    { name: 'microseconds are cut, not rounded', input: '2026-07-15 10:20:30.123999', expected: utc('2026-07-15T09:20:30.123Z') },
    { name: 'no seconds', input: '2026-07-15 10:20', expected: utc('2026-07-15T09:20:00Z') },
    { name: 'date only is midnight', input: '2026-07-15', expected: utc('2026-07-14T23:00:00Z') },
    { name: 'T separator, local', input: '2026-07-15T10:20:30', expected: utc('2026-07-15T09:20:30Z') },
    { name: 'T and Z', input: '2026-07-15T10:20:30Z', expected: utc('2026-07-15T10:20:30Z') },
    { name: 'T, fraction and Z', input: '2026-07-15T10:20:30.999Z', expected: utc('2026-07-15T10:20:30.999Z') },
    { name: 'nanosecond fraction and Z (Go)', input: '2026-07-15T10:20:30.123456789Z', expected: utc('2026-07-15T10:20:30.123Z') },
    { name: 'positive offset', input: '2026-07-15T10:20:30+05:30', expected: utc('2026-07-15T04:50:30Z') },
    { name: 'negative offset', input: '2026-07-15T10:20:30-05:00', expected: utc('2026-07-15T15:20:30Z') },
    { name: 'offset without colon', input: '2026-07-15T10:20:30+0200', expected: utc('2026-07-15T08:20:30Z') },
    { name: 'hour-only offset', input: '2026-07-15T10:20:30+02', expected: utc('2026-07-15T08:20:30Z') },
    { name: 'space then offset', input: '2026-07-15 10:20:30 +02:00', expected: utc('2026-07-15T08:20:30Z') },
    { name: "Go's default String()", input: '2026-07-15 10:20:30 +0000 UTC', expected: utc('2026-07-15T10:20:30Z') },
    { name: 'UTC suffix', input: '2026-07-15 10:20:30 UTC', expected: utc('2026-07-15T10:20:30Z') },
    { name: 'GMT suffix', input: '2026-07-15 10:20:30 GMT', expected: utc('2026-07-15T10:20:30Z') },
    { name: 'slashes', input: '2026/07/15 10:20:30', expected: utc('2026-07-15T09:20:30Z') },
    { name: 'surrounding spaces', input: '  2026-01-15 10:20:30 ', expected: utc('2026-01-15T10:20:30Z') },
    { name: 'epoch seconds', input: '1784100030', expected: 1_784_100_030_000 },
    { name: 'epoch seconds with fraction', input: '1784100030.25', expected: 1_784_100_030_250 },
    { name: 'epoch milliseconds', input: '1784100030123', expected: 1_784_100_030_123 },
    { name: 'leap day', input: '2028-02-29 12:00:00', expected: utc('2028-02-29T12:00:00Z') },
  ])('$name: $input', ({ input, expected }) => {
    expect(london(input)).toBe(expected);
  });

  it.each([
    { name: 'empty', input: '' },
    { name: 'words', input: 'yesterday' },
    { name: 'February 30', input: '2026-02-30 10:00:00' },
    { name: 'not a leap year', input: '2027-02-29 10:00:00' },
    { name: 'month 13', input: '2026-13-01 10:00:00' },
    { name: 'hour 24', input: '2026-07-15 24:00:00' },
    { name: 'minute 60', input: '2026-07-15 10:60:00' },
    { name: 'leap second', input: '2026-07-15 10:20:60' },
    { name: 'one-digit hour', input: '2026-07-15 9:20:30' },
    { name: 'mixed separators', input: '2026-07/15 10:20:30' },
    { name: 'trailing garbage', input: '2026-07-15 10:20:30 xyz1' },
    { name: 'Go zero time', input: '0001-01-01T00:00:00Z' },
    { name: 'day first', input: '15/07/2026 10:20:30' },
    { name: '11 digits', input: '17841000301' },
    { name: 'empty fraction', input: '2026-07-15 10:20:30.' },
    { name: 'offset past 14 h', input: '2026-07-15T10:20:30+15:00' },
  ])('$name → undefined', ({ input }) => {
    expect(london(input)).toBeUndefined();
  });
});

describe('makeLocalTimeParser: DST', () => {
  it.each([
    { name: 'London spring-forward gap moves forward', zone: 'Europe/London', input: '2026-03-29 01:30:00', expected: '2026-03-29T01:30:00Z' },
    { name: 'London just before the gap', zone: 'Europe/London', input: '2026-03-29 00:59:59', expected: '2026-03-29T00:59:59Z' },
    { name: 'London just after the gap', zone: 'Europe/London', input: '2026-03-29 02:00:00', expected: '2026-03-29T01:00:00Z' },
    { name: 'London fall-back hour takes BST (earlier)', zone: 'Europe/London', input: '2026-10-25 01:30:00', expected: '2026-10-25T00:30:00Z' },
    { name: 'London after the repeated hour', zone: 'Europe/London', input: '2026-10-25 02:00:00', expected: '2026-10-25T02:00:00Z' },
    { name: 'New York gap moves forward', zone: 'America/New_York', input: '2026-03-08 02:30:00', expected: '2026-03-08T07:30:00Z' },
    { name: 'New York fall-back hour takes EDT (earlier)', zone: 'America/New_York', input: '2026-11-01 01:30:00', expected: '2026-11-01T05:30:00Z' },
    { name: 'Kolkata, half-hour offset', zone: 'Asia/Kolkata', input: '2026-03-08 12:00:00', expected: '2026-03-08T06:30:00Z' },
    { name: 'Lord Howe half-hour gap, inside', zone: 'Australia/Lord_Howe', input: '2026-10-04 02:15:00', expected: '2026-10-03T15:45:00Z' },
    { name: 'Lord Howe half-hour gap, after, same hour', zone: 'Australia/Lord_Howe', input: '2026-10-04 02:50:00', expected: '2026-10-03T15:50:00Z' },
    { name: 'fixed zone UTC+2', zone: 'UTC+2', input: '2026-07-15 10:00:00', expected: '2026-07-15T08:00:00Z' },
    { name: 'UTC', zone: 'UTC', input: '2026-07-15 10:00:00', expected: '2026-07-15T10:00:00Z' },
  ])('$name', ({ zone, input, expected }) => {
    expect(makeLocalTimeParser(zone)(input)).toBe(utc(expected));
  });

  it('rejects an unknown zone when built', () => {
    expect(() => makeLocalTimeParser('Mars/Olympus_Mons')).toThrow(/unknown time zone/);
  });

  it('the gap rule is luxon’s', () => {
    for (const [zone, wall] of [['Europe/London', '2026-03-29T01:30:00'], ['America/New_York', '2026-03-08T02:30:00'], ['Australia/Lord_Howe', '2026-10-04T02:15:00']] as const) {
      expect(makeLocalTimeParser(zone)(wall)).toBe(DateTime.fromISO(wall, { zone }).toMillis());
    }
  });
});

describe('daysFromCivil', () => {
  it.each([
    { name: 'epoch', y: 1970, m: 1, d: 1, expected: 0 },
    { name: 'leap day 2000', y: 2000, m: 2, d: 29, expected: Date.UTC(2000, 1, 29) / 86_400_000 },
    { name: '2199-12-31', y: 2199, m: 12, d: 31, expected: Date.UTC(2199, 11, 31) / 86_400_000 },
  ])('$name', ({ y, m, d, expected }) => {
    expect(daysFromCivil(y, m, d)).toBe(expected);
  });
});

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
const ZONES = ['Europe/London', 'America/New_York', 'Asia/Kolkata', 'UTC'] as const;
/** Local midnights of DST change days (and a plain day for Kolkata/UTC), to concentrate cases there. */
const TRANSITION_DAYS = ['2024-03-31', '2024-10-27', '2026-03-29', '2026-10-25', '2024-03-10', '2024-11-03', '2026-03-08', '2026-11-01', '2025-06-30'];

describe('makeLocalTimeParser agrees with luxon (property)', () => {
  const parsers = new Map(ZONES.map((z) => [z, makeLocalTimeParser(z)]));

  const check = (zone: (typeof ZONES)[number], y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): void => {
    const text = `${y}-${pad(mo)}-${pad(d)} ${pad(h)}:${pad(mi)}:${pad(s)}.${pad(ms, 3)}`;
    const ours = parsers.get(zone)!(text);
    const lux = DateTime.fromObject({ year: y, month: mo, day: d, hour: h, minute: mi, second: s, millisecond: ms }, { zone });
    expect(ours, text).toBeTypeOf('number');
    if (ours === lux.toMillis()) return;
    // The only allowed difference: a repeated (fall-back) wall time, where luxon's pick depends on
    // today's offset and ours is always the earlier instant. Both must show the same wall time.
    const wall = (t: number): string => DateTime.fromMillis(t, { zone }).toFormat('yyyy-MM-dd HH:mm:ss.SSS');
    expect(wall(ours!), text).toBe(text);
    expect(wall(lux.toMillis()), text).toBe(text);
    expect(ours!, text).toBeLessThan(lux.toMillis());
  };

  it('random wall times 1990–2100', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2100, 0, 1) }),
        (zone, t) => {
          const dt = new Date(t);
          check(zone, dt.getUTCFullYear(), dt.getUTCMonth() + 1, dt.getUTCDate(), dt.getUTCHours(), dt.getUTCMinutes(), dt.getUTCSeconds(), dt.getUTCMilliseconds());
        },
      ),
      { seed: 20_260_301, numRuns: 3000 },
    );
  });

  it('wall times on DST change days', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        fc.constantFrom(...TRANSITION_DAYS),
        fc.integer({ min: 0, max: 86_399_999 }),
        (zone, day, msOfDay) => {
          const [y, mo, d] = day.split('-').map(Number) as [number, number, number];
          const s = Math.floor(msOfDay / 1000);
          check(zone, y, mo, d, Math.floor(s / 3600), Math.floor(s / 60) % 60, s % 60, msOfDay % 1000);
        },
      ),
      { seed: 20_261_025, numRuns: 4000 },
    );
  });

  it('every minute of the London and New York change days', () => {
    for (const zone of ['Europe/London', 'America/New_York'] as const) {
      for (const day of TRANSITION_DAYS.slice(0, 8)) {
        const [y, mo, d] = day.split('-').map(Number) as [number, number, number];
        for (let m = 0; m < 1440; m++) check(zone, y, mo, d, Math.floor(m / 60), m % 60, 0, 0);
      }
    }
  });
});

describe('makeZoneResolver', () => {
  it('resolves the same wall time the same way on every call (cache and slow path agree)', () => {
    const resolve = makeZoneResolver('Europe/London');
    const local = daysFromCivil(2026, 10, 25) * 86_400_000 + 90 * 60_000;
    const first = resolve(local);
    expect(resolve(local + 3_600_000)).toBe(utc('2026-10-25T02:30:00Z'));
    expect(resolve(local)).toBe(first);
    expect(first).toBe(utc('2026-10-25T00:30:00Z'));
  });
});
