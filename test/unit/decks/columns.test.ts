import { describe, expect, it } from 'vitest';
import {
  columnLetter,
  guessField,
  headerScore,
  mapColumns,
  normaliseHeader,
  type DeckField,
} from '../../../core/decks/columns.ts';

describe('normaliseHeader', () => {
  it.each([
    { name: 'unit in brackets', input: 'Rate (USD/min)', expected: 'rate usd min' },
    { name: 'case and spacing', input: '  Effective   DATE ', expected: 'effective date' },
    { name: 'hyphen and underscore', input: 'effective-date_utc', expected: 'effective date utc' },
    { name: 'accents', input: 'Préfixe Numéro', expected: 'prefixe numero' },
    { name: 'dotted abbreviation', input: 'E.164', expected: 'e 164' },
    { name: 'BOM and punctuation only', input: '\uFEFF#', expected: '' },
    { name: 'empty', input: '', expected: '' },
    { name: 'full-width letters', input: 'Ｒａｔｅ', expected: 'rate' },
  ])('$name', ({ input, expected }) => {
    expect(normaliseHeader(input)).toBe(expected);
  });
});

describe('guessField', () => {
  it.each([
    { name: 'Code', input: 'Code', expected: 'code' },
    { name: 'Prefix', input: 'Prefix', expected: 'code' },
    { name: 'Dial Code', input: 'Dial Code', expected: 'code' },
    { name: 'Dst code', input: 'Dst code', expected: 'code' },
    { name: 'DialCode', input: 'DialCode', expected: 'code' },
    { name: 'E.164', input: 'E.164', expected: 'code' },
    { name: 'Destination Code', input: 'Destination Code', expected: 'code' },
    { name: 'Country Code', input: 'Country Code', expected: 'country_code' },
    { name: 'CC', input: 'CC', expected: 'country_code' },
    { name: 'Area Codes', input: 'Area Codes', expected: 'area_codes' },
    { name: 'City Code', input: 'City Code', expected: 'area_codes' },
    { name: 'Destination', input: 'Destination', expected: 'destination' },
    { name: 'Description', input: 'Description', expected: 'destination' },
    { name: 'Code Name', input: 'Code Name', expected: 'destination' },
    { name: 'Country', input: 'Country', expected: 'country' },
    { name: 'Rate', input: 'Rate', expected: 'rate' },
    { name: 'Rate (USD/min)', input: 'Rate (USD/min)', expected: 'rate' },
    { name: 'Rate per minute (USD)', input: 'Rate per minute (USD)', expected: 'rate' },
    { name: 'Price/Min', input: 'Price/Min', expected: 'rate' },
    { name: 'New Rate', input: 'New Rate', expected: 'rate' },
    { name: 'USD/min', input: 'USD/min', expected: 'rate' },
    { name: 'Peak', input: 'Peak', expected: 'rate_peak' },
    { name: 'Off-Peak Rate', input: 'Off-Peak Rate', expected: 'rate_offpeak' },
    { name: 'Effective Date', input: 'Effective Date', expected: 'effective_from' },
    { name: 'Effective Date (UTC)', input: 'Effective Date (UTC)', expected: 'effective_from' },
    { name: 'Effective Date (GMT+1)', input: 'Effective Date (GMT+1)', expected: 'effective_from' },
    { name: 'Valid From', input: 'Valid From', expected: 'effective_from' },
    { name: 'Eff. Date', input: 'Eff. Date', expected: 'effective_from' },
    { name: 'End Date', input: 'End Date', expected: 'effective_to' },
    { name: 'Valid Until', input: 'Valid Until', expected: 'effective_to' },
    { name: 'Expiry Date', input: 'Expiry Date', expected: 'effective_to' },
    { name: 'Status', input: 'Status', expected: 'change' },
    { name: 'Change', input: 'Change', expected: 'change' },
    { name: 'Rate Change', input: 'Rate Change', expected: 'change' },
    { name: 'Billing Increment', input: 'Billing Increment', expected: 'increment' },
    { name: 'Billing Increment (sec)', input: 'Billing Increment (sec)', expected: 'increment' },
    { name: 'Increment', input: 'Increment', expected: 'increment' },
    { name: 'Min Time', input: 'Min Time', expected: 'first_increment' },
    { name: 'Min Time (s)', input: 'Min Time (s)', expected: 'first_increment' },
    { name: 'First Interval', input: 'First Interval', expected: 'first_increment' },
    { name: 'Interval', input: 'Interval', expected: 'next_increment' },
    { name: 'Next Interval', input: 'Next Interval', expected: 'next_increment' },
    { name: 'Minimum Duration', input: 'Minimum Duration', expected: 'min_duration' },
    { name: 'Grace Period', input: 'Grace Period', expected: 'grace' },
    { name: 'Free Seconds', input: 'Free Seconds', expected: 'grace' },
    { name: 'Setup Fee', input: 'Setup Fee', expected: 'connection_fee' },
    { name: 'Connection Fee (USD)', input: 'Connection Fee (USD)', expected: 'connection_fee' },
    { name: 'Currency', input: 'Currency', expected: 'currency' },
    { name: 'Ccy', input: 'Ccy', expected: 'currency' },
    { name: 'upper case', input: 'DIAL CODE', expected: 'code' },
    { name: 'an unknown header', input: 'Sales Rep', expected: undefined },
    { name: 'a header that only ends like a synonym', input: 'Old Code', expected: undefined },
    { name: 'a qualifying head loses to a longer known tail', input: 'Rate Effective Date', expected: 'effective_from' },
    { name: 'a unit tail does not beat the head', input: 'Rate per minute (USD)', expected: 'rate' },
    { name: 'an empty header', input: '', expected: undefined },
    { name: 'punctuation only', input: '---', expected: undefined },
  ] satisfies { name: string; input: string; expected: DeckField | undefined }[])('$name', ({ input, expected }) => {
    expect(guessField(input)).toBe(expected);
  });
});

describe('columnLetter', () => {
  it.each([
    { name: 'first', index: 0, expected: 'A' },
    { name: 'third', index: 2, expected: 'C' },
    { name: 'last single letter', index: 25, expected: 'Z' },
    { name: 'first double letter', index: 26, expected: 'AA' },
    { name: 'AZ', index: 51, expected: 'AZ' },
    { name: 'BA', index: 52, expected: 'BA' },
    { name: 'last double letter', index: 701, expected: 'ZZ' },
    { name: 'first triple letter', index: 702, expected: 'AAA' },
    { name: 'Excel\'s last column', index: 16_383, expected: 'XFD' },
  ])('$name', ({ index, expected }) => {
    expect(columnLetter(index)).toBe(expected);
  });
});

describe('headerScore', () => {
  it.each([
    {
      name: 'a full header row',
      cells: ['Dial Code', 'Destination', 'Rate (USD/min)', 'Effective Date', 'Billing Increment', 'Status'],
      expected: { score: 6, hasCode: true, hasRate: true },
    },
    {
      name: 'country code and area codes count as a code',
      cells: ['Country Code', 'Area Codes', 'Country', 'Peak'],
      expected: { score: 4, hasCode: true, hasRate: true },
    },
    {
      name: 'two columns of the same field count once',
      cells: ['Code', 'Prefix', 'Rate'],
      expected: { score: 2, hasCode: true, hasRate: true },
    },
    {
      name: 'a notes line',
      cells: ['Rates in USD', '', ''],
      expected: { score: 1, hasCode: false, hasRate: true },
    },
    {
      name: 'a data row',
      cells: ['44', 'United Kingdom', '0.0123', '2026-11-01'],
      expected: { score: 0, hasCode: false, hasRate: false },
    },
    {
      name: 'an empty row',
      cells: [],
      expected: { score: 0, hasCode: false, hasRate: false },
    },
  ])('$name', ({ cells, expected }) => {
    expect(headerScore(cells)).toEqual(expected);
  });
});

describe('mapColumns', () => {
  const entries = (m: Map<number, DeckField>): [number, DeckField][] => [...m.entries()].sort((a, b) => a[0] - b[0]);

  const cases: {
    name: string;
    headers: string[];
    template?: Record<string, DeckField>;
    overrides?: Record<string, DeckField>;
    expected: [number, DeckField][];
  }[] = [
    {
      name: 'synonyms',
      headers: ['Dial Code', 'Destination', 'Rate (USD/min)', 'Effective Date (UTC)', 'End Date', 'Status', 'Billing Increment'],
      expected: [[0, 'code'], [1, 'destination'], [2, 'rate'], [3, 'effective_from'], [4, 'effective_to'], [5, 'change'], [6, 'increment']],
    },
    {
      name: 'country code and area codes in two columns',
      headers: ['Country', 'Country Code', 'Area Codes', 'Rate'],
      expected: [[0, 'country'], [1, 'country_code'], [2, 'area_codes'], [3, 'rate']],
    },
    {
      name: 'separate first and next increments, grace and setup fee',
      headers: ['Prefix', 'Price', 'Min Time', 'Interval', 'Grace', 'Setup Fee'],
      expected: [[0, 'code'], [1, 'rate'], [2, 'first_increment'], [3, 'next_increment'], [4, 'grace'], [5, 'connection_fee']],
    },
    {
      name: 'the first column wins a field',
      headers: ['Rate', 'Price', 'Code', 'Prefix'],
      expected: [[0, 'rate'], [2, 'code']],
    },
    {
      name: 'unknown and blank headers stay unmapped',
      headers: ['', 'Code', 'Sales Rep', 'Rate'],
      expected: [[1, 'code'], [3, 'rate']],
    },
    {
      name: 'a template keyed by normalised header',
      headers: ['Tarif', 'Indicatif', 'Rate'],
      template: { tarif: 'rate', indicatif: 'code' },
      expected: [[0, 'rate'], [1, 'code']],
    },
    {
      name: 'a template mapping takes the field from a later synonym',
      headers: ['Code', 'Old Price', 'Price'],
      template: { 'old price': 'ignore', price: 'rate' },
      expected: [[0, 'code'], [1, 'ignore'], [2, 'rate']],
    },
    {
      name: 'an override by header text',
      headers: ['Code', 'Tarif HT', 'Rate'],
      overrides: { 'Tarif HT': 'rate' },
      expected: [[0, 'code'], [1, 'rate']],
    },
    {
      name: 'an override by header text ignores case and punctuation',
      headers: ['Code', 'Tarif (HT)', 'Rate'],
      overrides: { 'tarif ht': 'rate' },
      expected: [[0, 'code'], [1, 'rate']],
    },
    {
      name: 'an override by column letter',
      headers: ['Code', 'Destination', 'Tarif', 'Rate'],
      overrides: { C: 'rate' },
      expected: [[0, 'code'], [1, 'destination'], [2, 'rate']],
    },
    {
      name: 'an override by lower-case column letter',
      headers: ['Code', 'Destination', 'Tarif'],
      overrides: { c: 'rate' },
      expected: [[0, 'code'], [1, 'destination'], [2, 'rate']],
    },
    {
      name: 'an override by column number',
      headers: ['Code', 'Destination', 'Tarif'],
      overrides: { '#3': 'rate' },
      expected: [[0, 'code'], [1, 'destination'], [2, 'rate']],
    },
    {
      name: 'an override to ignore a column lets a later synonym take its field',
      headers: ['Code', 'Rate', 'Price'],
      overrides: { B: 'ignore' },
      expected: [[0, 'code'], [1, 'ignore'], [2, 'rate']],
    },
    {
      name: 'an override beats the template',
      headers: ['Code', 'Tarif'],
      template: { tarif: 'rate_peak' },
      overrides: { Tarif: 'rate' },
      expected: [[0, 'code'], [1, 'rate']],
    },
    {
      name: 'an override moves a field away from its synonym column',
      headers: ['Code', 'Effective Date', 'Start'],
      overrides: { '#3': 'effective_from' },
      expected: [[0, 'code'], [2, 'effective_from']],
    },
  ];

  it.each(cases)('$name', ({ headers, template, overrides, expected }) => {
    const mapping = mapColumns(headers, template, overrides ?? {});
    expect(entries(mapping.byIndex)).toEqual(expected);
    expect(mapping.headers).toEqual(headers);
  });
});
