import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { detectCdrFormat } from '../../../core/cdrs/detect-format.ts';
import { createCdrParser, isCdrRowError, type ParsedCdr } from '../../../core/cdrs/formats.ts';
import { decodeText, guessDelimiter } from '../../../core/excel/read-table.ts';

const DIR = join(import.meta.dirname, '../../../fixtures/cdrs');
const utc = (iso: string): number => Date.parse(iso);

/** Reads a fixture as the import does: decode, guess the delimiter, CSV-parse, detect, parse every row. */
function parseFixture(file: string, zone: string): { format: string; hasHeader: boolean; calls: ParsedCdr[] } {
  const { text } = decodeText(readFileSync(join(DIR, file)), file);
  const rows = Papa.parse<string[]>(text, { delimiter: guessDelimiter(text), skipEmptyLines: true }).data;
  const detected = detectCdrFormat(rows);
  if (!detected) throw new Error(`${file}: format not detected`);
  const parser = createCdrParser(detected.format, { header: detected.hasHeader ? rows[0]! : null, zone });
  if ('error' in parser) throw new Error(parser.error);
  const calls = rows.slice(detected.hasHeader ? 1 : 0).map((cells, i) => {
    const r = parser.parse(cells, i + 1);
    if (isCdrRowError(r)) throw new Error(`${file} row ${i + 1}: ${r.column} "${r.value}": ${r.message}`);
    return r;
  });
  return { ...detected, calls };
}

describe('fixtures/cdrs/asterisk-master.csv (Europe/London)', () => {
  const { format, hasHeader, calls } = parseFixture('asterisk-master.csv', 'Europe/London');

  it('is detected as Asterisk without a header, and every row parses', () => {
    expect({ format, hasHeader }).toEqual({ format: 'asterisk', hasHeader: false });
    expect(calls).toHaveLength(32);
    expect(calls.filter((c) => c.answered)).toHaveLength(19); // 20 ANSWERED, one with billsec 0
    expect(new Set(calls.map((c) => c.callId)).size).toBe(32);
  });

  it.each([
    {
      name: 'row 1: answered, billed from answer time (GMT)', index: 0,
      expected: { callId: '1774736829.100', startMs: utc('2026-03-28T22:27:24Z'), calling: '+441632960100', called: '+447700900123', durationMs: 125_000, answered: true, ingress: 'acme-in', egress: 'vendorx', carrierChargeE8: null },
    },
    {
      name: 'row 5: tech prefix kept raw', index: 4,
      expected: { called: '1234#447700900123', durationMs: 1000, answered: true, ingress: 'globex-in', egress: 'bluecarrier' },
    },
    {
      name: 'row 7: NO ANSWER starts at start', index: 6,
      expected: { startMs: utc('2026-03-29T00:01:39Z'), durationMs: 0, answered: false },
    },
    {
      name: 'row 10: CONGESTION has no peeraccount', index: 9,
      expected: { egress: null, answered: false, ingress: 'acme-in' },
    },
    {
      name: 'row 12: first call after the spring-forward gap is BST', index: 11,
      expected: { startMs: utc('2026-03-29T01:05:07Z'), durationMs: 301_000, answered: true },
    },
    {
      name: 'row 23: ANSWERED with billsec 0 is not answered, starts at start', index: 22,
      expected: { startMs: utc('2026-03-29T03:56:10Z'), durationMs: 0, answered: false, called: '1234#33612345678' },
    },
  ])('$name', ({ index, expected }) => {
    expect(calls[index]).toEqual(expect.objectContaining(expected));
  });
});

describe('fixtures/cdrs/freeswitch-cdr.csv (America/New_York)', () => {
  const { format, hasHeader, calls } = parseFixture('freeswitch-cdr.csv', 'America/New_York');

  it('is detected as FreeSWITCH without a header, and every row parses', () => {
    expect({ format, hasHeader }).toEqual({ format: 'freeswitch', hasHeader: false });
    expect(calls).toHaveLength(26);
    expect(calls.every((c) => c.egress === null && c.carrierChargeE8 === null)).toBe(true);
  });

  it.each([
    {
      name: 'row 1: answered', index: 0,
      expected: { callId: '73ab4876-7734-47c1-87fd-e805ec99108d', startMs: utc('2026-03-08T06:31:14Z'), calling: '+12025550143', called: '011447700900123', durationMs: 1000, answered: true, ingress: 'acme', egress: null, carrierChargeE8: null },
    },
    { name: 'row 3: empty accountcode', index: 2, expected: { ingress: null, durationMs: 240_000 } },
    { name: 'row 6: spans the spring-forward: billsec, not the wall clock', index: 5, expected: { startMs: utc('2026-03-08T06:58:40Z'), durationMs: 160_000, answered: true } },
    { name: 'row 7: NO_ANSWER, in EDT', index: 6, expected: { startMs: utc('2026-03-08T07:00:48Z'), durationMs: 0, answered: false } },
    { name: 'row 26: RECOVERY_ON_TIMER_EXPIRE with billsec is answered', index: 25, expected: { durationMs: 42_000, answered: true, startMs: utc('2026-03-08T10:40:19Z') } },
  ])('$name', ({ index, expected }) => {
    expect(calls[index]).toEqual(expect.objectContaining(expected));
  });
});

describe('fixtures/cdrs/cgrates.csv', () => {
  const { format, hasHeader, calls } = parseFixture('cgrates.csv', 'UTC');

  it('is detected as CGRateS with a header, and every row parses', () => {
    expect({ format, hasHeader }).toEqual({ format: 'cgrates', hasHeader: true });
    expect(calls).toHaveLength(8);
  });

  it.each([
    {
      name: 'row 1: *default run', index: 0,
      expected: { callId: '3f2a1b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f30', startMs: utc('2026-03-02T09:15:09Z'), calling: '', called: '447700900123', durationMs: 125_000, answered: true, ingress: 'acme', egress: null, carrierChargeE8: 1_250_000 },
    },
    { name: 'row 2: derived run, Subject is the vendor', index: 1, expected: { callId: '3f2a1b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f30#supplier_cost', egress: 'vendorx', carrierChargeE8: 980_000 } },
    { name: 'row 3: +01:00 answer time, 300s', index: 2, expected: { startMs: utc('2026-03-02T09:00:07Z'), durationMs: 300_000, ingress: 'globex', egress: 'vendorx' } },
    { name: 'row 4: Go zero answer time', index: 3, expected: { startMs: utc('2026-03-02T11:20:30Z'), durationMs: 0, answered: false, carrierChargeE8: 0 } },
    { name: 'row 5: nanoseconds, fraction, Cost -1', index: 4, expected: { startMs: utc('2026-03-02T12:01:18.750Z'), durationMs: 45_000, carrierChargeE8: null } },
    { name: 'row 6: -05:00 and 1m30.5s', index: 5, expected: { startMs: utc('2026-03-02T18:45:12Z'), durationMs: 90_500, called: '1234#447700900123' } },
    { name: 'row 7: 1h2m3s and float-noise cost', index: 6, expected: { durationMs: 3_723_000, carrierChargeE8: 30_000_000 } },
    { name: 'row 8: empty answer time', index: 7, expected: { startMs: utc('2026-03-02T15:30:00Z'), answered: false, egress: null } },
  ])('$name', ({ index, expected }) => {
    expect(calls[index]).toEqual(expect.objectContaining(expected));
  });
});

describe('fixtures/cdrs/carrier-generic.csv', () => {
  const { format, hasHeader, calls } = parseFixture('carrier-generic.csv', 'UTC');

  it('is detected as generic with a header, and every row parses', () => {
    expect({ format, hasHeader }).toEqual({ format: 'generic', hasHeader: true });
    expect(calls).toHaveLength(10);
    expect(calls.filter((c) => c.answered)).toHaveLength(7);
  });

  it.each([
    {
      name: 'row 1', index: 0,
      expected: { callId: 'BV-20260302-000001', startMs: utc('2026-03-02T09:15:09Z'), calling: '441632960100', called: '447700900123', durationMs: 125_000, answered: true, ingress: null, egress: null, carrierChargeE8: 1_250_000 },
    },
    { name: 'row 3: no answer, start time', index: 2, expected: { startMs: utc('2026-03-02T09:31:00Z'), answered: false, called: '011447700900123' } },
    { name: 'row 7: milliseconds in the answer time', index: 6, expected: { startMs: utc('2026-03-02T10:30:06.250Z'), carrierChargeE8: 12_768_000 } },
    { name: 'row 9: empty cost', index: 8, expected: { carrierChargeE8: null, answered: false } },
  ])('$name', ({ index, expected }) => {
    expect(calls[index]).toEqual(expect.objectContaining(expected));
  });
});

describe('fixtures/cdrs/carrier-date-time.csv (Europe/London)', () => {
  const { format, hasHeader, calls } = parseFixture('carrier-date-time.csv', 'Europe/London');

  it('is detected as generic with a header (BOM, CRLF, semicolons), and every row parses', () => {
    expect({ format, hasHeader }).toEqual({ format: 'generic', hasHeader: true });
    expect(calls).toHaveLength(8);
  });

  it.each([
    {
      name: 'row 1: BST evening, hh:mm:ss, decimal comma', index: 0,
      expected: { callId: null, startMs: utc('2026-10-24T22:58:10Z'), calling: '+441632960100', called: '+447700900123', durationMs: 125_000, answered: true, ingress: null, egress: null, carrierChargeE8: 1_250_000 },
    },
    { name: 'row 2: h:mm:ss', index: 1, expected: { durationMs: 61_000, startMs: utc('2026-10-24T23:30:00Z') } },
    { name: 'row 3: repeated hour read as BST', index: 2, expected: { startMs: utc('2026-10-25T00:15:00Z'), durationMs: 3_725_000, carrierChargeE8: 37_210_000 } },
    { name: 'row 4: repeated hour, No Answer', index: 3, expected: { startMs: utc('2026-10-25T00:45:30Z'), answered: false, durationMs: 0 } },
    { name: 'row 5: after the change, GMT', index: 4, expected: { startMs: utc('2026-10-25T02:10:00Z'), durationMs: 301_000 } },
    { name: 'row 7: m:ss', index: 6, expected: { durationMs: 125_000 } },
    { name: 'row 8: Busy, empty charge', index: 7, expected: { answered: false, carrierChargeE8: null } },
  ])('$name', ({ index, expected }) => {
    expect(calls[index]).toEqual(expect.objectContaining(expected));
  });
});
