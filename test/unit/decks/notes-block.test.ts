import { describe, expect, it } from 'vitest';
import { currencyInHeader, readNotes, type DeckNotes } from '../../../core/decks/notes-block.ts';
import type { WallTime } from '../../../core/time/parse-date.ts';

function wall(year: number, month: number, day: number, hour = 0, minute = 0, zone?: string): WallTime {
  const w: WallTime = { year, month, day, hour, minute, second: 0 };
  if (zone !== undefined) w.zone = zone;
  return w;
}

const none: DeckNotes = { effective: null, effectiveText: null, currency: null, zone: null };

describe('readNotes', () => {
  const cases: { name: string; lines: string[]; expected: DeckNotes }[] = [
    {
      name: 'an effective banner with a UTC time',
      lines: ['ACME TELECOM', '*** EFFECTIVE DATE 2026-11-01 00:00 UTC ***'],
      expected: { effective: wall(2026, 11, 1, 0, 0, 'UTC'), effectiveText: '2026-11-01 00:00 UTC', currency: null, zone: 'UTC' },
    },
    {
      name: 'rates in USD',
      lines: ['Rates in USD'],
      expected: { ...none, currency: 'USD' },
    },
    {
      name: 'Currency: EUR',
      lines: ['Currency: EUR'],
      expected: { ...none, currency: 'EUR' },
    },
    {
      name: 'a lower-case word is not read as a currency code ("rates in all destinations")',
      lines: ['All prices are quoted in gbp per minute', 'Rates in all destinations'],
      expected: { ...none, currency: null },
    },
    {
      name: 'a three-letter word that is not a currency is skipped',
      lines: ['Rates in the table below', 'Currency = CHF'],
      expected: { ...none, currency: 'CHF' },
    },
    {
      name: 'an effective line beats a print date above it',
      lines: ['Printed 2026-10-20', 'Effective from 01.11.2026'],
      expected: { ...none, effective: wall(2026, 11, 1), effectiveText: '01.11.2026' },
    },
    {
      name: 'valid from counts as an effective line',
      lines: ['Issued 20/10/2026', 'Valid from 1 Nov 2026'],
      expected: { ...none, effective: wall(2026, 11, 1), effectiveText: '1 Nov 2026' },
    },
    {
      name: 'as of counts as an effective line',
      lines: ['Contract signed 2025-01-15', 'Rates as of Nov 1, 2026'],
      expected: { ...none, effective: wall(2026, 11, 1), effectiveText: 'Nov 1, 2026' },
    },
    {
      name: 'a date with a month abbreviation and dashes',
      lines: ['Effective: 01-Nov-2026'],
      expected: { ...none, effective: wall(2026, 11, 1), effectiveText: '01-Nov-2026' },
    },
    {
      name: 'an ambiguous effective date gives no date rather than the print date',
      lines: ['Printed 2026-10-20', 'Effective 03/04/2026'],
      expected: none,
    },
    {
      name: 'an ambiguous date with no effective line gives no date',
      lines: ['Rate sheet 03/04/2026'],
      expected: none,
    },
    {
      name: 'a slashed effective date that can be read one way only',
      lines: ['Printed 2026-10-20', 'Effective 25/12/2026'],
      expected: { ...none, effective: wall(2026, 12, 25), effectiveText: '25/12/2026' },
    },
    {
      name: 'without an effective line, the first date is taken',
      lines: ['Rate sheet 2026-11-01', 'Printed 2026-10-20'],
      expected: { ...none, effective: wall(2026, 11, 1), effectiveText: '2026-11-01' },
    },
    {
      name: 'an effective date with an offset gives the zone',
      lines: ['Effective 2026-11-01T00:00+01:00'],
      expected: { ...none, effective: wall(2026, 11, 1, 0, 0, 'UTC+1'), effectiveText: '2026-11-01T00:00+01:00', zone: 'UTC+1' },
    },
    {
      name: 'a dotted date with UTC',
      lines: ['Effective 01.11.2026 00:00 UTC'],
      expected: { ...none, effective: wall(2026, 11, 1, 0, 0, 'UTC'), effectiveText: '01.11.2026 00:00 UTC', zone: 'UTC' },
    },
    {
      name: 'an impossible date is passed over for the next one',
      lines: ['Effective 2026-02-30, corrected: 2026-03-01'],
      expected: { ...none, effective: wall(2026, 3, 1), effectiveText: '2026-03-01' },
    },
    {
      name: 'a time zone statement',
      lines: ['Effective 2026-11-01 00:00', 'Time zone: Europe/London'],
      expected: { ...none, effective: wall(2026, 11, 1), effectiveText: '2026-11-01 00:00', zone: 'Europe/London' },
    },
    {
      name: 'a zone statement beats the effective date\'s own zone',
      lines: ['Effective 2026-11-01 00:00 UTC', 'All times are in GMT+1'],
      expected: { ...none, effective: wall(2026, 11, 1, 0, 0, 'UTC'), effectiveText: '2026-11-01 00:00 UTC', zone: 'UTC+1' },
    },
    {
      name: 'TZ= with an offset and minutes',
      lines: ['TZ=UTC+05:30'],
      expected: { ...none, zone: 'UTC+5:30' },
    },
    {
      name: 'a zone with zero minutes drops them',
      lines: ['Timezone: GMT-03:00'],
      expected: { ...none, zone: 'UTC-3' },
    },
    {
      name: 'everything together',
      lines: ['Carrier X A-Z', 'Rates in EUR', 'Printed 2026-10-20', '*** EFFECTIVE DATE 2026-11-01 00:00 UTC ***', 'Terms apply'],
      expected: { effective: wall(2026, 11, 1, 0, 0, 'UTC'), effectiveText: '2026-11-01 00:00 UTC', currency: 'EUR', zone: 'UTC' },
    },
    {
      name: 'nothing to find',
      lines: ['ACME TELECOM', 'Terms and conditions apply', ''],
      expected: none,
    },
    {
      name: 'no lines',
      lines: [],
      expected: none,
    },
  ];

  it.each(cases)('$name', ({ lines, expected }) => {
    expect(readNotes(lines)).toEqual(expected);
  });
});

describe('currencyInHeader', () => {
  it.each([
    { name: 'Rate (EUR/min)', header: 'Rate (EUR/min)', expected: 'EUR' },
    { name: 'Rate USD', header: 'Rate USD', expected: 'USD' },
    { name: 'lower case', header: 'price (gbp)', expected: 'GBP' },
    { name: 'Cost_CHF', header: 'Cost_CHF', expected: 'CHF' },
    { name: 'no currency', header: 'Rate', expected: null },
    { name: 'per and min are words, not currencies', header: 'Price per min', expected: null },
    { name: 'new rate', header: 'New Rate', expected: null },
    { name: 'old rate', header: 'Old Rate', expected: null },
    { name: 'ALL is a word, not Albanian lek', header: 'All Destinations', expected: null },
    { name: 'TOP is a word, not Tongan paanga', header: 'Top Rate', expected: null },
    { name: 'CUP is a word, not Cuban peso', header: 'Cup Rate', expected: null },
    { name: 'empty', header: '', expected: null },
  ])('$name', ({ header, expected }) => {
    expect(currencyInHeader(header)).toBe(expected);
  });
});
