import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  excelSerialToWall,
  isoInstant,
  parseDateCell,
  parseDateText,
  parseInstant,
  wallToInstant,
  type DateOrder,
  type DateParse,
  type WallTime,
} from '../../../core/time/parse-date.ts';

function wall(year: number, month: number, day: number, hour = 0, minute = 0, second = 0, zone?: string): WallTime {
  const w: WallTime = { year, month, day, hour, minute, second };
  if (zone !== undefined) w.zone = zone;
  return w;
}

const ok = (w: WallTime, order?: DateOrder): DateParse => (order ? { kind: 'ok', wall: w, order } : { kind: 'ok', wall: w });
const error = (reason: string): DateParse => ({ kind: 'error', reason });

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

describe('parseDateText', () => {
  const cases: { name: string; input: string; order?: DateOrder; expected: DateParse }[] = [
    // ISO
    { name: 'ISO date', input: '2026-11-01', expected: ok(wall(2026, 11, 1)) },
    { name: 'ISO date, one-digit month and day', input: '2026-1-5', expected: ok(wall(2026, 1, 5)) },
    { name: 'ISO date with slashes', input: '2026/11/01', expected: ok(wall(2026, 11, 1)) },
    { name: 'ISO date-time HH:MM', input: '2026-11-01 13:45', expected: ok(wall(2026, 11, 1, 13, 45)) },
    { name: 'ISO date-time HH:MM:SS', input: '2026-11-01 13:45:30', expected: ok(wall(2026, 11, 1, 13, 45, 30)) },
    { name: 'ISO date-time with one-digit hour', input: '2026-11-01 7:05', expected: ok(wall(2026, 11, 1, 7, 5)) },
    { name: 'ISO with T and Z', input: '2026-11-01T13:45:30Z', expected: ok(wall(2026, 11, 1, 13, 45, 30, 'UTC')) },
    { name: 'ISO with fractional seconds', input: '2026-11-01T13:45:30.123Z', expected: ok(wall(2026, 11, 1, 13, 45, 30, 'UTC')) },
    { name: 'ISO with UTC', input: '2026-11-01 00:00 UTC', expected: ok(wall(2026, 11, 1, 0, 0, 0, 'UTC')) },
    { name: 'ISO with lower-case utc', input: '2026-11-01 00:00 utc', expected: ok(wall(2026, 11, 1, 0, 0, 0, 'UTC')) },
    { name: 'ISO with GMT', input: '2026-11-01 00:00 GMT', expected: ok(wall(2026, 11, 1, 0, 0, 0, 'UTC')) },
    { name: 'ISO date only, with UTC', input: '2026-11-01 UTC', expected: ok(wall(2026, 11, 1, 0, 0, 0, 'UTC')) },
    { name: 'ISO with +01:00', input: '2026-11-01 00:00 +01:00', expected: ok(wall(2026, 11, 1, 0, 0, 0, 'UTC+1')) },
    { name: 'ISO with +0100', input: '2026-11-01T00:00+0100', expected: ok(wall(2026, 11, 1, 0, 0, 0, 'UTC+1')) },
    { name: 'ISO with -05:30', input: '2026-11-01 00:00-05:30', expected: ok(wall(2026, 11, 1, 0, 0, 0, 'UTC-5:30')) },
    { name: 'ISO with +00:00', input: '2026-11-01 00:00 +00:00', expected: ok(wall(2026, 11, 1, 0, 0, 0, 'UTC+0')) },
    { name: 'ISO with GMT+2', input: '2026-11-01 00:00 GMT+2', expected: ok(wall(2026, 11, 1, 0, 0, 0, 'UTC+2')) },
    { name: 'ISO with UTC-03:00', input: '2026-11-01 00:00 UTC-03:00', expected: ok(wall(2026, 11, 1, 0, 0, 0, 'UTC-3')) },
    { name: 'ISO with surrounding whitespace', input: '  2026-11-01  ', expected: ok(wall(2026, 11, 1)) },
    { name: 'end of day 24:00', input: '2026-11-01 24:00', expected: ok(wall(2026, 11, 1, 24, 0)) },

    // DD/MM/YYYY and MM/DD/YYYY
    { name: 'DMY: day above 12 is evidence', input: '25/12/2026', expected: ok(wall(2026, 12, 25), 'DMY') },
    { name: 'MDY: day above 12 is evidence', input: '12/25/2026', expected: ok(wall(2026, 12, 25), 'MDY') },
    { name: 'DMY with dashes', input: '25-12-2026', expected: ok(wall(2026, 12, 25), 'DMY') },
    { name: 'DMY with a two-digit year', input: '25/12/26', expected: ok(wall(2026, 12, 25), 'DMY') },
    { name: 'DMY with one-digit month', input: '13/1/2026', expected: ok(wall(2026, 1, 13), 'DMY') },
    { name: 'DMY with a time', input: '25/12/2026 14:30', expected: ok(wall(2026, 12, 25, 14, 30), 'DMY') },
    { name: 'DMY with a time and zone', input: '25/12/2026 14:30:15 UTC', expected: ok(wall(2026, 12, 25, 14, 30, 15, 'UTC'), 'DMY') },
    { name: 'ambiguous day and month', input: '03/04/2026', expected: { kind: 'ambiguous', first: 3, second: 4 } },
    { name: 'ambiguous with dashes', input: '01-11-2026', expected: { kind: 'ambiguous', first: 1, second: 11 } },
    { name: 'ambiguous with a time', input: '12/11/2026 10:00', expected: { kind: 'ambiguous', first: 12, second: 11 } },
    { name: 'ambiguous resolved as DMY', input: '03/04/2026', order: 'DMY', expected: ok(wall(2026, 4, 3)) },
    { name: 'ambiguous resolved as MDY', input: '03/04/2026', order: 'MDY', expected: ok(wall(2026, 3, 4)) },
    { name: 'equal day and month are not ambiguous, and not evidence', input: '04/04/2026', expected: ok(wall(2026, 4, 4)) },
    { name: 'given order is not reported back as evidence', input: '25/12/2026', order: 'DMY', expected: ok(wall(2026, 12, 25)) },
    { name: 'given order MDY that cannot fit', input: '25/12/2026', order: 'MDY', expected: error('month 25 does not exist') },
    { name: 'neither part can be a month', input: '25/13/2026', expected: error('neither part can be a month') },
    { name: 'DMY day that does not exist', input: '31/04/2026', expected: error('day 31 does not exist in 2026-04') },

    // DD.MM.YYYY
    { name: 'dotted', input: '01.11.2026', expected: ok(wall(2026, 11, 1)) },
    { name: 'dotted, short', input: '1.11.26', expected: ok(wall(2026, 11, 1)) },
    { name: 'dotted with a time', input: '01.11.2026 08:00', expected: ok(wall(2026, 11, 1, 8, 0)) },
    { name: 'dotted with a time and zone', input: '01.11.2026 08:00 +02:00', expected: ok(wall(2026, 11, 1, 8, 0, 0, 'UTC+2')) },
    { name: 'dotted is always day first', input: '03.04.2026', expected: ok(wall(2026, 4, 3)) },
    { name: 'dotted ignores a given MDY order', input: '03.04.2026', order: 'MDY', expected: ok(wall(2026, 4, 3)) },
    { name: 'dotted month 13', input: '01.13.2026', expected: error('month 13 does not exist') },

    // YYYYMMDD
    { name: 'compact', input: '20261101', expected: ok(wall(2026, 11, 1)) },
    { name: 'compact with HHMM', input: '20261101 1230', expected: ok(wall(2026, 11, 1, 12, 30)) },
    { name: 'compact with THHMMSS', input: '20261101T123045', expected: ok(wall(2026, 11, 1, 12, 30, 45)) },
    { name: 'compact month 13', input: '20261301', expected: error('month 13 does not exist') },

    // Month names
    { name: 'DD-Mon-YYYY', input: '01-Nov-2026', expected: ok(wall(2026, 11, 1)) },
    { name: 'DD-MON-YY', input: '01-NOV-26', expected: ok(wall(2026, 11, 1)) },
    { name: 'D Mon YYYY', input: '1 Nov 2026', expected: ok(wall(2026, 11, 1)) },
    { name: 'D Month YYYY', input: '1 November 2026', expected: ok(wall(2026, 11, 1)) },
    { name: 'D Mon, YYYY', input: '1 Nov, 2026', expected: ok(wall(2026, 11, 1)) },
    { name: 'DD-Sept-YYYY', input: '30-Sept-2026', expected: ok(wall(2026, 9, 30)) },
    { name: 'DD-Mon-YYYY with a time and zone', input: '01-Nov-2026 00:00 UTC', expected: ok(wall(2026, 11, 1, 0, 0, 0, 'UTC')) },
    { name: 'day-month with an unknown month', input: '1 Foo 2026', expected: error('unknown month "Foo"') },
    { name: 'Mon D, YYYY', input: 'Nov 1, 2026', expected: ok(wall(2026, 11, 1)) },
    { name: 'Month D YYYY', input: 'November 1 2026', expected: ok(wall(2026, 11, 1)) },
    { name: 'Mon. D, YYYY', input: 'Nov. 1, 2026', expected: ok(wall(2026, 11, 1)) },
    { name: 'Mon D, YYYY with a time', input: 'May 31, 2026 23:59', expected: ok(wall(2026, 5, 31, 23, 59)) },
    { name: 'month-day with an unknown month', input: 'Foo 1, 2026', expected: error('unknown month "Foo"') },
    { name: 'month name, day that does not exist', input: 'Feb 29, 2026', expected: error('day 29 does not exist in 2026-02') },

    // Excel serials written as text
    { name: 'serial as text', input: '45962', expected: ok(wall(2025, 11, 1)) },
    { name: 'serial with a time fraction as text', input: '45962.5', expected: ok(wall(2025, 11, 1, 12, 0)) },

    // Invalid
    { name: 'empty', input: '', expected: error('empty date') },
    { name: 'blank', input: '   ', expected: error('empty date') },
    { name: 'February 30', input: '2026-02-30', expected: error('day 30 does not exist in 2026-02') },
    { name: 'February 29 in a common year', input: '2026-02-29', expected: error('day 29 does not exist in 2026-02') },
    { name: 'February 29 in a leap year', input: '2028-02-29', expected: ok(wall(2028, 2, 29)) },
    { name: 'February 29 in 2100, not a leap year', input: '2100-02-29', expected: error('day 29 does not exist in 2100-02') },
    { name: 'April 31', input: '2026-04-31', expected: error('day 31 does not exist in 2026-04') },
    { name: 'day 0', input: '2026-11-00', expected: error('day 0 does not exist in 2026-11') },
    { name: 'month 0', input: '2026-00-10', expected: error('month 0 does not exist') },
    { name: 'month 13', input: '2026-13-01', expected: error('month 13 does not exist') },
    { name: 'year before 1970', input: '1969-12-31', expected: error('year 1969 is out of range') },
    { name: 'first year in range', input: '1970-01-01', expected: ok(wall(1970, 1, 1)) },
    { name: 'last year in range', input: '2199-12-31', expected: ok(wall(2199, 12, 31)) },
    { name: 'year after 2199', input: '2200-01-01', expected: error('year 2200 is out of range') },
    { name: 'hour 25', input: '2026-11-01 25:00', expected: error('time of day out of range') },
    { name: 'minute 60', input: '2026-11-01 12:60', expected: error('time of day out of range') },
    { name: 'past the end of the day', input: '2026-11-01 24:30', expected: error('time of day out of range') },
    { name: 'leap second', input: '2026-12-31 23:59:60', expected: error('time of day out of range') },
    { name: 'a word', input: 'tomorrow', expected: error('not a date in any known format') },
    { name: 'a named time zone', input: '2026-11-01 00:00 Europe/London', expected: error('not a date in any known format') },
    { name: 'a four-digit number', input: '2026', expected: error('not a date in any known format') },
    { name: 'a six-digit number', input: '202611', expected: error('not a date in any known format') },
  ];

  it.each(cases)('$name', ({ input, order, expected }) => {
    expect(parseDateText(input, order)).toEqual(expected);
  });

  it('reads every valid date the same in ISO, dotted, compact and month-name forms', () => {
    const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
    const date = fc.date({ min: new Date(Date.UTC(1970, 0, 1)), max: new Date(Date.UTC(2199, 11, 31)), noInvalidDate: true });
    fc.assert(
      fc.property(date, (d) => {
        const y = d.getUTCFullYear();
        const m = d.getUTCMonth() + 1;
        const day = d.getUTCDate();
        const expected = ok(wall(y, m, day));
        expect(parseDateText(`${y}-${pad(m)}-${pad(day)}`)).toEqual(expected);
        expect(parseDateText(`${pad(day)}.${pad(m)}.${y}`)).toEqual(expected);
        expect(parseDateText(`${y}${pad(m)}${pad(day)}`)).toEqual(expected);
        expect(parseDateText(`${pad(day)}-${months[m - 1]}-${y}`)).toEqual(expected);
        expect(parseDateText(`${months[m - 1]} ${day}, ${y}`)).toEqual(expected);
        expect(parseDateText(`${pad(day)}/${pad(m)}/${y}`, 'DMY')).toEqual(expected);
        expect(parseDateText(`${pad(m)}/${pad(day)}/${y}`, 'MDY')).toEqual(expected);
      }),
      { seed: 42, numRuns: 500 },
    );
  });

  it('never guesses a slashed date whose parts could be either way', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 12 }), (a, b) => {
        fc.pre(a !== b);
        expect(parseDateText(`${pad(a)}/${pad(b)}/2026`)).toEqual({ kind: 'ambiguous', first: a, second: b });
      }),
      { seed: 42, numRuns: 200 },
    );
  });
});

describe('excelSerialToWall', () => {
  it.each([
    { name: 'the 1970 epoch', serial: 25569, expected: ok(wall(1970, 1, 1)) },
    { name: '2025-11-01', serial: 45962, expected: ok(wall(2025, 11, 1)) },
    { name: '2026-11-01', serial: 46327, expected: ok(wall(2026, 11, 1)) },
    { name: 'a leap day', serial: 46812, expected: ok(wall(2028, 2, 29)) },
    { name: 'noon', serial: 45962.5, expected: ok(wall(2025, 11, 1, 12, 0, 0)) },
    { name: 'six in the evening', serial: 45962.75, expected: ok(wall(2025, 11, 1, 18, 0, 0)) },
    { name: 'a time rounds to the nearest second', serial: 45962 + (13 * 3600 + 45 * 60 + 30.4) / 86_400, expected: ok(wall(2025, 11, 1, 13, 45, 30)) },
    { name: 'the last second of a day', serial: 45962.999994, expected: ok(wall(2025, 11, 1, 23, 59, 59)) },
    { name: 'a fraction that rounds up to midnight', serial: 45962.999999, expected: ok(wall(2025, 11, 2, 0, 0, 0)) },
    { name: 'serial 60, the 1900-02-29 that never was', serial: 60, expected: error('Excel serial 60 is 1900-02-29, a day that does not exist') },
    { name: 'serial 60 with a time', serial: 60.5, expected: error('Excel serial 60 is 1900-02-29, a day that does not exist') },
    { name: 'serial 61, 1900-03-01, is before the supported years', serial: 61, expected: error('year 1900 is out of range') },
    { name: 'serial 59, 1900-02-28, is before the supported years', serial: 59, expected: error('year 1900 is out of range') },
    { name: 'serial 1, 1900-01-01, is before the supported years', serial: 1, expected: error('year 1900 is out of range') },
    { name: 'the day before the 1970 epoch', serial: 25568, expected: error('year 1969 is out of range') },
    { name: 'serial 0', serial: 0, expected: error('not a date serial') },
    { name: 'a fraction of day 0 (a bare time)', serial: 0.5, expected: error('not a date serial') },
    { name: 'negative', serial: -1, expected: error('not a date serial') },
    { name: 'NaN', serial: Number.NaN, expected: error('not a date serial') },
    { name: 'Infinity', serial: Number.POSITIVE_INFINITY, expected: error('not a date serial') },
  ])('$name', ({ serial, expected }) => {
    expect(excelSerialToWall(serial)).toEqual(expected);
  });

  it('agrees with the 1899-12-30 epoch for every serial in the supported years', () => {
    const dayMs = 86_400_000;
    const epoch = Date.UTC(1899, 11, 30);
    fc.assert(
      fc.property(fc.integer({ min: 25569, max: 109_572 }), (serial) => {
        const d = new Date(epoch + serial * dayMs);
        expect(excelSerialToWall(serial)).toEqual(ok(wall(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate())));
      }),
      { seed: 42, numRuns: 500 },
    );
  });
});

describe('parseDateCell', () => {
  const cases: { name: string; value: string | number | Date; order?: DateOrder; expected: DateParse }[] = [
    { name: 'a Date carrying wall time as UTC', value: new Date(Date.UTC(2026, 10, 1, 8, 30, 15)), expected: ok(wall(2026, 11, 1, 8, 30, 15)) },
    { name: 'a Date drops milliseconds', value: new Date(Date.UTC(2026, 10, 1, 8, 30, 15, 999)), expected: ok(wall(2026, 11, 1, 8, 30, 15)) },
    { name: 'a Date outside the supported years', value: new Date(Date.UTC(1900, 0, 1)), expected: error('year 1900 is out of range') },
    { name: 'an invalid Date', value: new Date(Number.NaN), expected: error('invalid date cell') },
    { name: 'a serial number', value: 45962, expected: ok(wall(2025, 11, 1)) },
    { name: 'serial 60', value: 60, expected: error('Excel serial 60 is 1900-02-29, a day that does not exist') },
    { name: 'text', value: '2026-11-01', expected: ok(wall(2026, 11, 1)) },
    { name: 'ambiguous text', value: '03/04/2026', expected: { kind: 'ambiguous', first: 3, second: 4 } },
    { name: 'ambiguous text with an order', value: '03/04/2026', order: 'DMY', expected: ok(wall(2026, 4, 3)) },
  ];
  it.each(cases)('$name', ({ value, order, expected }) => {
    expect(parseDateCell(value, order)).toEqual(expected);
  });
});

describe('wallToInstant', () => {
  it.each([
    { name: 'UTC', w: wall(2026, 11, 1), zone: 'UTC', expected: '2026-11-01T00:00:00Z' },
    { name: 'the text\'s own zone beats the default', w: wall(2026, 11, 1, 0, 0, 0, 'UTC'), zone: 'America/New_York', expected: '2026-11-01T00:00:00Z' },
    { name: 'a fixed offset', w: wall(2026, 11, 1, 0, 0, 0, 'UTC+1'), zone: 'UTC', expected: '2026-10-31T23:00:00Z' },
    { name: 'a negative offset with minutes', w: wall(2026, 11, 1, 0, 0, 0, 'UTC-5:30'), zone: 'UTC', expected: '2026-11-01T05:30:00Z' },
    { name: 'London in winter (GMT)', w: wall(2026, 1, 15, 12, 0), zone: 'Europe/London', expected: '2026-01-15T12:00:00Z' },
    { name: 'London in summer (BST)', w: wall(2026, 7, 15, 12, 0), zone: 'Europe/London', expected: '2026-07-15T11:00:00Z' },
    { name: 'London just before the spring-forward gap', w: wall(2026, 3, 29, 0, 59, 59), zone: 'Europe/London', expected: '2026-03-29T00:59:59Z' },
    { name: 'London inside the spring-forward gap moves forward', w: wall(2026, 3, 29, 1, 30), zone: 'Europe/London', expected: '2026-03-29T01:30:00Z' },
    { name: 'London just after the spring-forward gap', w: wall(2026, 3, 29, 2, 0), zone: 'Europe/London', expected: '2026-03-29T01:00:00Z' },
    { name: 'London fall-back overlap takes the later (GMT) instant', w: wall(2026, 10, 25, 1, 30), zone: 'Europe/London', expected: '2026-10-25T01:30:00Z' },
    { name: 'New York in winter (EST)', w: wall(2026, 12, 1), zone: 'America/New_York', expected: '2026-12-01T05:00:00Z' },
    { name: 'New York in summer (EDT)', w: wall(2026, 7, 1), zone: 'America/New_York', expected: '2026-07-01T04:00:00Z' },
    { name: 'New York inside the spring-forward gap moves forward', w: wall(2026, 3, 8, 2, 30), zone: 'America/New_York', expected: '2026-03-08T07:30:00Z' },
    { name: 'New York midnight on the fall-back day is still EDT', w: wall(2026, 11, 1), zone: 'America/New_York', expected: '2026-11-01T04:00:00Z' },
    { name: 'New York fall-back overlap takes the later (EST) instant', w: wall(2026, 11, 1, 1, 30), zone: 'America/New_York', expected: '2026-11-01T06:30:00Z' },
    { name: '24:00 is the next midnight', w: wall(2026, 12, 31, 24, 0), zone: 'UTC', expected: '2027-01-01T00:00:00Z' },
  ])('$name', ({ w, zone, expected }) => {
    expect(isoInstant(wallToInstant(w, zone))).toBe(expected);
  });

  it('throws for a zone luxon does not know', () => {
    expect(() => wallToInstant(wall(2026, 11, 1), 'Mars/Olympus')).toThrow('invalid wall time in zone Mars/Olympus');
  });

  it('is Date.UTC for every wall time in UTC', () => {
    const wallTime = fc.record({
      year: fc.integer({ min: 1970, max: 2199 }),
      month: fc.integer({ min: 1, max: 12 }),
      day: fc.integer({ min: 1, max: 28 }),
      hour: fc.integer({ min: 0, max: 23 }),
      minute: fc.integer({ min: 0, max: 59 }),
      second: fc.integer({ min: 0, max: 59 }),
    });
    fc.assert(
      fc.property(wallTime, (w) => {
        expect(wallToInstant(w, 'UTC')).toBe(Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second));
      }),
      { seed: 42, numRuns: 500 },
    );
  });
});

describe('parseInstant', () => {
  it.each([
    { name: 'a date in UTC', text: '2026-11-01', zone: 'UTC', order: undefined, expected: '2026-11-01T00:00:00Z' },
    { name: 'a date in the carrier\'s zone', text: '2026-11-01', zone: 'Europe/London', order: undefined, expected: '2026-11-01T00:00:00Z' },
    { name: 'a summer date in London', text: '2026-06-01 00:00', zone: 'Europe/London', order: undefined, expected: '2026-05-31T23:00:00Z' },
    { name: 'a stated offset beats the zone argument', text: '2026-11-01 00:00 +01:00', zone: 'America/New_York', order: undefined, expected: '2026-10-31T23:00:00Z' },
    { name: 'an ambiguous date with an order', text: '03/04/2026', zone: 'UTC', order: 'DMY' as const, expected: '2026-04-03T00:00:00Z' },
    { name: 'end of day 24:00', text: '2026-11-01 24:00', zone: 'UTC', order: undefined, expected: '2026-11-02T00:00:00Z' },
  ])('$name', ({ text, zone, order, expected }) => {
    const r = parseInstant(text, zone, order);
    expect(r.ok && isoInstant(r.ms)).toBe(expected);
  });

  it.each([
    { name: 'an ambiguous date', text: '03/04/2026', expected: 'ambiguous date 03/04/2026: day and month could be either way; write YYYY-MM-DD' },
    { name: 'an impossible date', text: '2026-02-30', expected: 'day 30 does not exist in 2026-02' },
    { name: 'not a date', text: 'soon', expected: 'not a date in any known format' },
    { name: 'a leap second', text: '2026-12-31 23:59:60', expected: 'time of day out of range' },
    { name: 'past the end of the day', text: '2026-11-01 24:30', expected: 'time of day out of range' },
  ])('refuses $name', ({ text, expected }) => {
    expect(parseInstant(text, 'UTC')).toEqual({ ok: false, reason: expected });
  });

  it('a zone luxon does not know is a reason, not a thrown error (fuzzing found "W5")', () => {
    const r = parseInstant('3-09-10', 'W5', 'DMY');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(/3-09-10: .*"W5" is not supported/);
  });
});
