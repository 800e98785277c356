import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Args, ChangeCounts, RateLookup } from '../../../core/api/contract.ts';
import { BROKEN, DECKS, err, ok, openWorkspace, type Workspace } from '../../helpers/workspace.ts';

interface LookupCase {
  number: string;
  at: string;
  expected: Partial<RateLookup>;
}

interface DeckCase {
  name: string;
  file: string;
  carrierCurrency?: string;
  options?: Partial<Args<'decks.import'>>;
  rowsRead: number;
  prefixes: number;
  counts: Partial<ChangeCounts>;
  currency: string;
  effectiveAt: string | null;
  closuresAt: string;
  sheets?: { name: string; headerRow: number; rowsRead: number }[];
  warnings?: RegExp[];
  lookups: LookupCase[];
}

const NONE: ChangeCounts = { new: 0, increase: 0, decrease: 0, unchanged: 0, closed: 0, blocked: 0 };

const CASES: DeckCase[] = [
  {
    name: 'acme: notes block, code lists, ranges, serial dates',
    file: 'acme-notes-block.xlsx',
    rowsRead: 48, prefixes: 157, counts: { new: 157 }, currency: 'USD',
    effectiveAt: '2026-11-01T00:00:00Z', closuresAt: '2026-11-01T00:00:00Z',
    sheets: [{ name: 'A-Z Rates', headerRow: 8, rowsRead: 48 }],
    warnings: [/row 61 was skipped as a note/, /row 62 was skipped as a note/],
    lookups: [
      { number: '213612345678', at: '2026-11-10', expected: { prefix: '2136', destination: 'Algeria - Mobile', rate: '0.4185', effectiveFrom: '2026-11-08T00:00:00Z' } },
      { number: '447512345678', at: '2026-11-10', expected: { prefix: '4475', destination: 'United Kingdom - Mobile', rate: '0.0162' } },
      { number: '35387123456', at: '2026-11-10', expected: { prefix: '35387', destination: 'Ireland - Mobile', rate: '0.0275' } },
      { number: '14165551234', at: '2026-11-10', expected: { prefix: '1416', destination: 'Canada', rate: '0.0052', firstIncrement: 6, nextIncrement: 6 } },
      { number: '8613512345678', at: '2026-11-10', expected: { prefix: '86135', destination: 'China - Mobile', rate: '0.0084' } },
      { number: '34612345678', at: '2026-11-10', expected: { prefix: '346', destination: 'Spain - Mobile', rate: '0.0198', firstIncrement: 60, nextIncrement: 60 } },
      // Serial 46334 = 2026-11-08: before it, 9377 falls back to 93 by longest match.
      { number: '93771234567', at: '2026-11-05', expected: { prefix: '93', destination: 'Afghanistan', rate: '0.2195' } },
      { number: '93771234567', at: '2026-11-08', expected: { prefix: '9377', rate: '0.2425', effectiveFrom: '2026-11-08T00:00:00Z' } },
      { number: '91112345678', at: '2026-11-10', expected: { prefix: '91', destination: 'India', rate: '0.018875' } },
    ],
  },
  {
    name: 'eurotel: BOM, semicolons, decimal commas, DD/MM/YYYY',
    file: 'eurotel-semicolon.csv', carrierCurrency: 'EUR',
    rowsRead: 59, prefixes: 59, counts: { new: 59 }, currency: 'EUR',
    effectiveAt: null, closuresAt: '2026-11-01T00:00:00Z',
    warnings: [/read day-first/],
    lookups: [
      { number: '4915212345678', at: '2026-11-20', expected: { prefix: '49152', destination: 'Germany Mobile Vodafone', rate: '0.029875', effectiveFrom: '2026-11-08T00:00:00Z', firstIncrement: 1, nextIncrement: 1 } },
      { number: '4366012345', at: '2026-11-20', expected: { prefix: '43660', rate: '0.0310', effectiveFrom: '2026-11-15T00:00:00Z' } },
      { number: '34912345678', at: '2026-11-20', expected: { prefix: '34', destination: 'Spain', rate: '0.0086', currency: 'EUR' } },
      { number: '447912345678', at: '2026-11-20', expected: { prefix: '447', destination: 'United Kingdom Mobile', rate: '0.0152', firstIncrement: 30, nextIncrement: 6 } },
    ],
  },
  {
    name: 'globalvoice: three rate sheets and a notes sheet, EUR',
    file: 'globalvoice-multisheet.xlsx',
    rowsRead: 81, prefixes: 81, counts: { new: 81 }, currency: 'EUR',
    effectiveAt: '2026-11-01T00:00:00Z', closuresAt: '2026-11-01T00:00:00Z',
    sheets: [{ name: 'Europe', headerRow: 4, rowsRead: 29 }, { name: 'Asia', headerRow: 1, rowsRead: 26 }, { name: 'Americas', headerRow: 2, rowsRead: 26 }],
    warnings: [/sheet "Notes" has no rate table/, /the deck is in EUR/],
    lookups: [
      { number: '628123456789', at: '2026-11-10', expected: { prefix: '628', destination: 'Indonesia Mobile', rate: '0.0418', effectiveFrom: '2026-11-08T00:00:00Z', currency: 'EUR' } },
      { number: '5511987654321', at: '2026-11-10', expected: { prefix: '5511', destination: 'Brazil Sao Paulo', rate: '0.0052' } },
      { number: '447700900123', at: '2026-11-10', expected: { prefix: '447', destination: 'United Kingdom Mobile', rate: '0.0148', firstIncrement: 1, nextIncrement: 1 } },
    ],
  },
  {
    name: 'ozlink: country code + area codes in two columns',
    file: 'ozlink-country-area.csv',
    rowsRead: 30, prefixes: 49, counts: { new: 49 }, currency: 'USD',
    effectiveAt: null, closuresAt: '2026-11-01T00:00:00Z',
    lookups: [
      { number: '61712345678', at: '2026-11-01', expected: { prefix: '617', destination: 'Australia - Fixed', rate: '0.0098' } },
      { number: '61412345678', at: '2026-11-01', expected: { prefix: '614', destination: 'Australia - Mobile', rate: '0.0146' } },
      { number: '61512345678', at: '2026-11-01', expected: { prefix: '61', destination: 'Australia - Other', rate: '0.0350' } },
      { number: '6421123456', at: '2026-11-01', expected: { prefix: '6421', destination: 'New Zealand - Mobile', rate: '0.0298' } },
      { number: '6798123456', at: '2026-11-01', expected: { prefix: '6798', destination: 'Fiji - Mobile', rate: '0.3650' } },
    ],
  },
  {
    name: 'carrierx v1 alone: plain CSV',
    file: 'carrierx-v1-full.csv',
    rowsRead: 40, prefixes: 40, counts: { new: 40 }, currency: 'USD',
    effectiveAt: null, closuresAt: '2026-10-01T00:00:00Z',
    lookups: [{ number: '442071234567', at: '2026-10-01', expected: { prefix: '44', rate: '0.0065', firstIncrement: 1, nextIncrement: 1 } }],
  },
  {
    name: 'telco: UTF-16LE, tabs, setup fee, grace, end date',
    file: 'telco-utf16.csv',
    rowsRead: 28, prefixes: 28, counts: { new: 28, closed: 1 }, currency: 'USD',
    effectiveAt: null, closuresAt: '2026-11-01T00:00:00Z',
    lookups: [
      { number: '2251234567', at: '2026-11-15', expected: { prefix: '225', destination: 'Côte d\u2019Ivoire', rate: '0.1465', connectionFee: '0.0050' } },
      { number: '4915112345678', at: '2026-11-15', expected: { prefix: '4915', destination: 'Germany \u2013 Mobile', rate: '0.0318', grace: 5, firstIncrement: 1, nextIncrement: 1 } },
      { number: '35818123456', at: '2026-11-15', expected: { prefix: '35818', destination: 'Åland Islands' } },
      { number: '59991234567', at: '2026-11-15', expected: { prefix: '5999', destination: 'Curaçao', rate: '0.1820' } },
      { number: '262123456', at: '2026-11-15', expected: { prefix: '262', destination: 'Réunion' } },
      { number: '9051234567', at: '2026-11-15', expected: { prefix: '905', destination: 'Türkiye \u2013 Mobile', rate: '0.1275' } },
      { number: '298123456', at: '2026-12-15', expected: { prefix: '298', destination: 'Faroe Islands', rate: '0.0890' } },
    ],
  },
  {
    name: 'latin1: Windows-1252, notes lines, country code then area codes',
    file: 'latin1-windows1252.csv', carrierCurrency: 'EUR',
    rowsRead: 29, prefixes: 34, counts: { new: 34 }, currency: 'EUR',
    effectiveAt: '2026-12-01T00:00:00Z', closuresAt: '2026-12-01T00:00:00Z',
    sheets: [{ name: 'latin1-windows1252', headerRow: 4, rowsRead: 29 }],
    lookups: [
      { number: '2250712345678', at: '2026-12-01', expected: { prefix: '22507', destination: 'Côte d\'Ivoire - Mobile', rate: '0.1685' } },
      { number: '262692123456', at: '2026-12-01', expected: { prefix: '262692', destination: 'Réunion - Mobile', rate: '0.2150' } },
      { number: '590590123456', at: '2026-12-01', expected: { prefix: '590590', destination: 'Saint-Barthélemy', rate: '0.0540' } },
      { number: '594694123456', at: '2026-12-01', expected: { prefix: '594694', destination: 'Guyane française - Mobile', rate: '0.1950' } },
      { number: '8221234567', at: '2026-12-01', expected: { prefix: '82', destination: 'Korea, Republic of', rate: '0.0195' } },
      { number: '2391234567', at: '2026-12-01', expected: { prefix: '239', destination: 'São Tomé and Príncipe', rate: '0.4850' } },
      { number: '5091234567', at: '2026-12-01', expected: { prefix: '509', destination: 'Haïti' } },
    ],
  },
  {
    name: 'codes-as-numbers: numeric codes, merged country, float rates, two increment columns',
    file: 'codes-as-numbers.xlsx',
    rowsRead: 30, prefixes: 30, counts: { new: 30 }, currency: 'USD',
    effectiveAt: null, closuresAt: '2026-11-01T00:00:00Z',
    lookups: [
      { number: '447700900123', at: '2026-11-20', expected: { prefix: '447700900123', destination: 'United Kingdom - Mobile - Test Number', rate: '0.0159' } },
      { number: '447700900124', at: '2026-11-20', expected: { prefix: '447', destination: 'United Kingdom - Mobile', rate: '0.0159' } },
      { number: '442071234567', at: '2026-11-20', expected: { prefix: '4420', destination: 'United Kingdom - London', rate: '0.00671' } },
      { number: '88161234567', at: '2026-11-20', expected: { prefix: '8816', destination: 'Satellite - Iridium', rate: '5.8500', connectionFee: '0.5000' } },
      { number: '919812345678', at: '2026-11-20', expected: { prefix: '919', destination: 'India - Mobile', rate: '0.019125', effectiveFrom: '2026-11-15T00:00:00Z' } },
      { number: '61412345678', at: '2026-11-20', expected: { prefix: '614', rate: '0.0147', firstIncrement: 30, nextIncrement: 30 } },
    ],
  },
  {
    name: 'us-style: MM/DD/YYYY with --date-order MDY',
    file: 'us-style-mdy.csv', options: { dateOrder: 'MDY' },
    rowsRead: 31, prefixes: 31, counts: { new: 31 }, currency: 'USD',
    effectiveAt: null, closuresAt: '2026-11-01T00:00:00Z',
    lookups: [
      { number: '16841234567', at: '2026-12-05', expected: { prefix: '1684', destination: 'American Samoa', rate: '0.1450', effectiveFrom: '2026-12-01T00:00:00Z' } },
      { number: '19071234567', at: '2026-12-05', expected: { prefix: '1907', destination: 'USA - Alaska', rate: '0.0385', effectiveFrom: '2026-11-01T00:00:00Z', firstIncrement: 6, nextIncrement: 6 } },
    ],
  },
  {
    name: 'peak-offpeak: GBP, peak rate used, footer lines',
    file: 'peak-offpeak.csv', carrierCurrency: 'GBP',
    rowsRead: 29, prefixes: 29, counts: { new: 29 }, currency: 'GBP',
    effectiveAt: null, closuresAt: '2026-11-01T00:00:00Z',
    warnings: [/peak rate is used/],
    lookups: [
      { number: '441211234567', at: '2026-11-15', expected: { prefix: '44121', destination: 'UK - Birmingham', rate: '0.00495', currency: 'GBP', firstIncrement: 60, nextIncrement: 1 } },
    ],
  },
  {
    name: 'switch-export: pipes, YYYYMMDD, end dates, no increment column',
    file: 'switch-export-pipe.csv',
    rowsRead: 26, prefixes: 26, counts: { new: 26, closed: 2 }, currency: 'USD',
    effectiveAt: null, closuresAt: '2026-11-01T00:00:00Z',
    warnings: [/no billing increment column; 60\/60/],
    lookups: [
      { number: '50412345678', at: '2026-11-15', expected: { prefix: '504', destination: 'Honduras', rate: '0.1185', effectiveTo: '2026-11-30T00:00:00Z', firstIncrement: 60, nextIncrement: 60 } },
      { number: '5931234567', at: '2026-11-10', expected: { prefix: '593', destination: 'Ecuador', rate: '0.1120', effectiveFrom: '2026-11-08T00:00:00Z' } },
      { number: '5957654321', at: '2026-11-10', expected: { prefix: '595', destination: 'Paraguay', rate: '0.0620' } },
    ],
  },
];

describe('importing every deck in fixtures/decks', () => {
  let ws: Workspace;
  beforeEach(() => {
    ws = openWorkspace();
  });
  afterEach(() => ws.cleanup());

  it.each(CASES)('$name', async (c) => {
    ok(await ws.engine.dispatch('carriers.create', { name: 'Vendor', settings: c.carrierCurrency ? { currency: c.carrierCurrency } : {} }));
    const report = ok(await ws.engine.dispatch('decks.import', { file: join(DECKS, c.file), carrier: 'Vendor', side: 'buy', ...c.options }));
    expect(report.rowsRead).toBe(c.rowsRead);
    expect(report.prefixes).toBe(c.prefixes);
    expect(report.counts).toEqual({ ...NONE, ...c.counts });
    expect(report.currency).toBe(c.currency);
    expect(report.effectiveAt).toBe(c.effectiveAt);
    expect(report.closuresAt).toBe(c.closuresAt);
    expect(report.file).toBe(c.file);
    expect(report.importId).toBeTypeOf('number');
    if (c.sheets) expect(report.sheets.map((s) => ({ name: s.name, headerRow: s.headerRow, rowsRead: s.rowsRead }))).toEqual(c.sheets);
    for (const w of c.warnings ?? []) expect(report.warnings.some((x) => w.test(x)), `a warning matching ${w}`).toBe(true);

    for (const l of c.lookups) {
      const found = ok(await ws.engine.dispatch('rates.lookup', { carrier: 'Vendor', side: 'buy', number: l.number, at: l.at }));
      expect(found, `${l.number} at ${l.at}`).toMatchObject({ number: l.number, ...l.expected });
    }

    const list = ok(await ws.engine.dispatch('decks.list', { carrier: 'Vendor' }));
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ fileName: c.file, rowsRead: c.rowsRead, prefixes: c.prefixes, currency: c.currency, counts: { ...NONE, ...c.counts } });
  });

  it('an end date closes the code then (telco Faroe Islands, switch Honduras)', async () => {
    ok(await ws.engine.dispatch('carriers.create', { name: 'Telco' }));
    ok(await ws.engine.dispatch('decks.import', { file: join(DECKS, 'telco-utf16.csv'), carrier: 'Telco', side: 'buy' }));
    ok(await ws.engine.dispatch('decks.import', { file: join(DECKS, 'switch-export-pipe.csv'), carrier: 'Telco', side: 'sell' }));
    const faroe = err(await ws.engine.dispatch('rates.lookup', { carrier: 'Telco', side: 'buy', number: '298123456', at: '2027-01-05' }));
    expect(faroe.code).toBe('RATE_NOT_FOUND');
    expect(faroe.details).toMatchObject({ reason: 'closed code', prefix: '298' });
    const honduras = err(await ws.engine.dispatch('rates.lookup', { carrier: 'Telco', side: 'sell', number: '50412345678', at: '2026-12-01' }));
    expect(honduras.details).toMatchObject({ reason: 'closed code', prefix: '504', since: '2026-11-30T00:00:00Z' });
    // Before its start, Ecuador has no rate at all (no shorter prefix either).
    const ecuador = err(await ws.engine.dispatch('rates.lookup', { carrier: 'Telco', side: 'sell', number: '5931234567', at: '2026-11-05' }));
    expect(ecuador.code).toBe('RATE_NOT_FOUND');
    expect(ecuador.details).toMatchObject({ reason: 'no rate' });
  });

  it('us-style-mdy.csv without a date order is refused: every row\'s date is ambiguous', async () => {
    ok(await ws.engine.dispatch('carriers.create', { name: 'US Carrier' }));
    const e = err(await ws.engine.dispatch('decks.import', { file: join(DECKS, 'us-style-mdy.csv'), carrier: 'US Carrier', side: 'buy' }));
    expect(e.code).toBe('DECK_PARSE_ERROR');
    expect(e.details?.problemCount).toBe(31);
    const problems = e.details?.problems as { row: number; column: string; value: string }[];
    expect(problems[0]).toMatchObject({ file: 'us-style-mdy.csv', row: 2, column: 'Effective Date', value: '11/01/2026' });
    expect(problems.map((p) => p.row)).toEqual(Array.from({ length: 31 }, (_, i) => i + 2));
    expect(ok(await ws.engine.dispatch('decks.list', {}))).toEqual([]);
  });

  it('us-style-mdy.csv with DMY reads (wrongly, as the user asked) 2026-01-11 / 2026-01-12', async () => {
    ok(await ws.engine.dispatch('carriers.create', { name: 'US Carrier' }));
    ok(await ws.engine.dispatch('decks.import', { file: join(DECKS, 'us-style-mdy.csv'), carrier: 'US Carrier', side: 'buy', dateOrder: 'DMY' }));
    const samoa = ok(await ws.engine.dispatch('rates.lookup', { carrier: 'US Carrier', side: 'buy', number: '16841234567', at: '2026-02-01' }));
    expect(samoa).toMatchObject({ prefix: '1684', effectiveFrom: '2026-01-12T00:00:00Z' });
  });

  it('one sheet of a workbook: --sheet Asia imports its 26 rows only', async () => {
    ok(await ws.engine.dispatch('carriers.create', { name: 'GlobalVoice', settings: { currency: 'EUR' } }));
    const r = ok(await ws.engine.dispatch('decks.import', { file: join(DECKS, 'globalvoice-multisheet.xlsx'), carrier: 'GlobalVoice', side: 'buy', sheet: 'Asia', mode: 'partial' }));
    expect(r.rowsRead).toBe(26);
    expect(r.prefixes).toBe(26);
    expect(r.sheets.map((s) => s.name)).toEqual(['Asia']);
    expect(r.mapping.map((m) => m.field)).toEqual(['code', 'destination', 'rate', 'effective_from', 'increment', 'change']);
    const e = err(await ws.engine.dispatch('rates.lookup', { carrier: 'GlobalVoice', side: 'buy', number: '4930123456', at: '2026-11-10' }));
    expect(e.code).toBe('RATE_NOT_FOUND');
  });

  it('wrong-sheet.xlsx without --sheet is valid: 7 prefixes, "Code changes" skipped with a warning', async () => {
    ok(await ws.engine.dispatch('carriers.create', { name: 'Nordic' }));
    const r = ok(await ws.engine.dispatch('decks.import', { file: join(BROKEN, 'wrong-sheet.xlsx'), carrier: 'Nordic', side: 'buy' }));
    expect(r.prefixes).toBe(7);
    expect(r.counts).toEqual({ ...NONE, new: 7 });
    expect(r.warnings).toContain('sheet "Code changes" has no rate table and was skipped');
  });
});
