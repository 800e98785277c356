import { describe, expect, it } from 'vitest';
import { mapCdrColumns, type CdrField } from '../../../core/cdrs/cdr-fields.ts';
import {
  asteriskRowParser,
  cgratesRowParser,
  createCdrParser,
  freeswitchRowParser,
  genericRowParser,
  isCdrRowError,
  type CdrRowError,
  type ParsedCdr,
} from '../../../core/cdrs/formats.ts';

const utc = (iso: string): number => Date.parse(iso);

function ok(r: ParsedCdr | CdrRowError): ParsedCdr {
  if (isCdrRowError(r)) throw new Error(`row error: ${r.column} "${r.value}": ${r.message}`);
  return r;
}

// ---------------------------------------------------------------------------------------------
// Asterisk

interface AsteriskRow {
  accountcode: string; src: string; dst: string; start: string; answer: string; end: string; duration: string; billsec: string;
  disposition: string; uniqueid?: string; peeraccount?: string;
}

const AST: AsteriskRow = {
  accountcode: 'acme-in', src: '+441632960100', dst: '+447700900123', start: '2026-07-01 10:00:00', answer: '2026-07-01 10:00:07',
  end: '2026-07-01 10:02:12', duration: '132', billsec: '125', disposition: 'ANSWERED', uniqueid: '1782900000.17', peeraccount: 'vendorx',
};

function asteriskCells(r: AsteriskRow, columns: 16 | 17 | 18 | 21 = 21): string[] {
  const all = [r.accountcode, r.src, r.dst, 'from-trunk', `"Acme" <${r.src}>`, 'SIP/acme-00000001', 'SIP/vendorx-00000002', 'Dial',
    `SIP/vendorx/${r.dst},60`, r.start, r.answer, r.end, r.duration, r.billsec, r.disposition, 'DOCUMENTATION',
    r.uniqueid ?? '', '', r.peeraccount ?? '', r.uniqueid ?? '', '17'];
  return all.slice(0, columns);
}

describe('asteriskRowParser (Europe/London)', () => {
  const parse = asteriskRowParser('Europe/London');

  it('reads a full 21-column answered row', () => {
    expect(ok(parse(asteriskCells(AST), 1))).toEqual({
      callId: '1782900000.17',
      startMs: utc('2026-07-01T09:00:07Z'),
      calling: '+441632960100',
      called: '+447700900123',
      durationMs: 125_000,
      answered: true,
      ingress: 'acme-in',
      egress: 'vendorx',
      carrierChargeE8: null,
    });
  });

  it.each([
    { name: 'answered: starts at answer', row: AST, expected: { answered: true, startMs: utc('2026-07-01T09:00:07Z'), durationMs: 125_000 } },
    { name: 'NO ANSWER: starts at start', row: { ...AST, answer: '', billsec: '0', disposition: 'NO ANSWER' }, expected: { answered: false, startMs: utc('2026-07-01T09:00:00Z'), durationMs: 0 } },
    { name: 'BUSY', row: { ...AST, answer: '', billsec: '0', disposition: 'BUSY' }, expected: { answered: false, startMs: utc('2026-07-01T09:00:00Z'), durationMs: 0 } },
    { name: 'FAILED', row: { ...AST, answer: '', billsec: '0', disposition: 'FAILED' }, expected: { answered: false, startMs: utc('2026-07-01T09:00:00Z'), durationMs: 0 } },
    { name: 'CONGESTION', row: { ...AST, answer: '', billsec: '0', disposition: 'CONGESTION' }, expected: { answered: false, startMs: utc('2026-07-01T09:00:00Z'), durationMs: 0 } },
    { name: 'ANSWERED with billsec 0 is not answered', row: { ...AST, billsec: '0' }, expected: { answered: false, startMs: utc('2026-07-01T09:00:00Z'), durationMs: 0 } },
    { name: 'ANSWERED with an empty answer time starts at start', row: { ...AST, answer: '' }, expected: { answered: true, startMs: utc('2026-07-01T09:00:00Z'), durationMs: 125_000 } },
    { name: 'billsec with spaces', row: { ...AST, billsec: ' 61 ' }, expected: { answered: true, startMs: utc('2026-07-01T09:00:07Z'), durationMs: 61_000 } },
  ])('$name', ({ row, expected }) => {
    expect(ok(parse(asteriskCells(row), 1))).toMatchObject(expected);
  });

  it.each([
    { name: '16 columns: no call id, no egress', columns: 16 as const, expected: { callId: null, egress: null } },
    { name: '17 columns: uniqueid only', columns: 17 as const, expected: { callId: '1782900000.17', egress: null } },
    { name: '18 columns: uniqueid and userfield', columns: 18 as const, expected: { callId: '1782900000.17', egress: null } },
    { name: '21 columns: peeraccount is egress', columns: 21 as const, expected: { callId: '1782900000.17', egress: 'vendorx' } },
  ])('$name', ({ columns, expected }) => {
    expect(ok(parse(asteriskCells(AST, columns), 1))).toMatchObject(expected);
  });

  it.each([
    { name: 'empty accountcode is no ingress', row: { ...AST, accountcode: '' }, expected: { ingress: null } },
    { name: 'empty peeraccount is no egress', row: { ...AST, peeraccount: '' }, expected: { egress: null } },
    { name: 'numbers are kept raw', row: { ...AST, dst: '1234#447700900123', src: '' }, expected: { called: '1234#447700900123', calling: '' } },
  ])('$name', ({ row, expected }) => {
    expect(ok(parse(asteriskCells(row), 1))).toMatchObject(expected);
  });

  it.each([
    { name: 'bad billsec', cells: asteriskCells({ ...AST, billsec: 'abc' }), expected: { column: 'billsec', value: 'abc', message: 'not a duration' } },
    { name: 'negative billsec', cells: asteriskCells({ ...AST, billsec: '-3' }), expected: { column: 'billsec', value: '-3', message: 'negative duration' } },
    { name: 'bad answer time', cells: asteriskCells({ ...AST, answer: '2026-07-01 25:00:00' }), expected: { column: 'answer', value: '2026-07-01 25:00:00' } },
    { name: 'bad start time on an unanswered row', cells: asteriskCells({ ...AST, start: 'x', answer: '', billsec: '0', disposition: 'NO ANSWER' }), expected: { column: 'start', value: 'x' } },
    { name: 'too few columns', cells: asteriskCells(AST).slice(0, 12), expected: { column: '', value: '12' } },
  ])('$name → row error', ({ cells, expected }) => {
    expect(parse(cells, 1)).toMatchObject({ error: true, ...expected });
  });
});

// ---------------------------------------------------------------------------------------------
// FreeSWITCH

const FS = ['Acme Corp', '+12025550143', '011447700900123', 'public', '2026-01-10 09:00:00', '2026-01-10 09:00:05', '2026-01-10 09:01:06',
  '66', '61', 'NORMAL_CLEARING', '73ab4876-7734-47c1-87fd-e805ec99108d', '309d6b79-965e-4a32-9ae4-45508201e2bd', 'acme', 'PCMA', 'PCMA'];
const fs = (changes: Record<number, string>): string[] => FS.map((c, i) => changes[i] ?? c);

describe('freeswitchRowParser (America/New_York)', () => {
  const parse = freeswitchRowParser('America/New_York');

  it('reads an answered row', () => {
    expect(ok(parse(FS, 1))).toEqual({
      callId: '73ab4876-7734-47c1-87fd-e805ec99108d',
      startMs: utc('2026-01-10T14:00:05Z'),
      calling: '+12025550143',
      called: '011447700900123',
      durationMs: 61_000,
      answered: true,
      ingress: 'acme',
      egress: null,
      carrierChargeE8: null,
    });
  });

  it.each([
    { name: 'NORMAL_CLEARING with billsec', cells: FS, expected: { answered: true, startMs: utc('2026-01-10T14:00:05Z') } },
    { name: 'another cause with billsec > 0 is answered', cells: fs({ 9: 'RECOVERY_ON_TIMER_EXPIRE' }), expected: { answered: true } },
    { name: 'NO_ANSWER', cells: fs({ 5: '', 8: '0', 9: 'NO_ANSWER', 11: '' }), expected: { answered: false, startMs: utc('2026-01-10T14:00:00Z'), durationMs: 0 } },
    { name: 'NORMAL_CLEARING with billsec 0 is not answered', cells: fs({ 8: '0' }), expected: { answered: false, startMs: utc('2026-01-10T14:00:00Z') } },
    { name: 'empty accountcode', cells: fs({ 12: '' }), expected: { ingress: null } },
  ])('$name', ({ cells, expected }) => {
    expect(ok(parse(cells, 1))).toMatchObject(expected);
  });

  it.each([
    { name: 'bad billsec', cells: fs({ 8: '1:00:00:00' }), expected: { column: 'billsec' } },
    { name: 'bad answer stamp', cells: fs({ 5: 'soon' }), expected: { column: 'answer_stamp', value: 'soon' } },
    { name: 'bad start stamp', cells: fs({ 4: '', 5: '', 8: '0' }), expected: { column: 'start_stamp' } },
    { name: 'short row', cells: FS.slice(0, 10), expected: { column: '', value: '10' } },
  ])('$name → row error', ({ cells, expected }) => {
    expect(parse(cells, 1)).toMatchObject({ error: true, ...expected });
  });
});

// ---------------------------------------------------------------------------------------------
// CGRateS

const CG_HEADER = ['CGRID', 'RunID', 'ToR', 'OriginID', 'RequestType', 'Direction', 'Tenant', 'Category', 'Account', 'Subject',
  'Destination', 'SetupTime', 'AnswerTime', 'Usage', 'Cost'];
const CG = ['abc123', '*default', '*voice', 'orig-1', '*postpaid', '*out', 'tl', 'call', 'acme', 'acme', '447700900123',
  '2026-03-02T09:15:02Z', '2026-03-02T09:15:09Z', '2m5s', '0.0125'];
const cg = (changes: Record<string, string>): string[] => CG.map((c, i) => changes[CG_HEADER[i]!] ?? c);

describe('cgratesRowParser', () => {
  const parse = cgratesRowParser(CG_HEADER, 'UTC');

  it('reads a rated call', () => {
    expect(ok(parse(CG, 2))).toEqual({
      callId: 'abc123',
      startMs: utc('2026-03-02T09:15:09Z'),
      calling: '',
      called: '447700900123',
      durationMs: 125_000,
      answered: true,
      ingress: 'acme',
      egress: null,
      carrierChargeE8: 1_250_000,
    });
  });

  it.each([
    { name: 'Usage as minutes', row: cg({ Usage: '5m' }), expected: { durationMs: 300_000, answered: true } },
    { name: 'Usage as seconds suffix', row: cg({ Usage: '300s' }), expected: { durationMs: 300_000 } },
    { name: 'Usage as bare nanoseconds', row: cg({ Usage: '45000000000' }), expected: { durationMs: 45_000 } },
    { name: 'Usage as bare seconds (older exports)', row: cg({ Usage: '125' }), expected: { durationMs: 125_000 } },
    { name: 'Usage as decimal seconds (older exports)', row: cg({ Usage: '12.5' }), expected: { durationMs: 12_500 } },
    { name: 'zero usage is not answered', row: cg({ Usage: '0s', AnswerTime: '0001-01-01T00:00:00Z' }), expected: { durationMs: 0, answered: false, startMs: utc('2026-03-02T09:15:02Z') } },
    { name: 'empty AnswerTime starts at SetupTime', row: cg({ AnswerTime: '' }), expected: { startMs: utc('2026-03-02T09:15:02Z') } },
    { name: 'AnswerTime with an offset', row: cg({ AnswerTime: '2026-03-02T10:15:09+01:00' }), expected: { startMs: utc('2026-03-02T09:15:09Z') } },
    { name: 'Cost -1 is not rated', row: cg({ Cost: '-1' }), expected: { carrierChargeE8: null } },
    { name: 'empty Cost', row: cg({ Cost: '' }), expected: { carrierChargeE8: null } },
    { name: 'Cost float noise rounds at 8 decimals', row: cg({ Cost: '0.30000000000000004' }), expected: { carrierChargeE8: 30_000_000 } },
    { name: 'Cost with 9 decimals rounds half up', row: cg({ Cost: '0.000000015' }), expected: { carrierChargeE8: 2 } },
    { name: 'Subject naming another party is the egress', row: cg({ Subject: 'vendorx' }), expected: { egress: 'vendorx', ingress: 'acme' } },
    { name: 'a derived run gets its own call id', row: cg({ RunID: 'supplier_cost' }), expected: { callId: 'abc123#supplier_cost' } },
    { name: 'no CGRID: OriginID', row: cg({ CGRID: '' }), expected: { callId: 'orig-1' } },
  ])('$name', ({ row, expected }) => {
    expect(ok(parse(row, 2))).toMatchObject(expected);
  });

  it('a Supplier column is the egress, whatever the Subject', () => {
    const p = cgratesRowParser([...CG_HEADER, 'Supplier'], 'UTC');
    expect(ok(p([...cg({ Subject: 'rating-plan-x' }), 'tier1-uk'], 2)).egress).toBe('tier1-uk');
  });

  it('a caller column from the extra fields is read', () => {
    const p = cgratesRowParser([...CG_HEADER, 'Caller'], 'UTC');
    expect(ok(p([...CG, '+441632960100'], 2)).calling).toBe('+441632960100');
  });

  it('local SetupTime text is read in the zone', () => {
    const p = cgratesRowParser(CG_HEADER, 'Europe/London');
    expect(ok(p(cg({ AnswerTime: '2026-07-01 10:00:00' }), 2)).startMs).toBe(utc('2026-07-01T09:00:00Z'));
  });

  it.each([
    { name: 'bad usage', row: cg({ Usage: 'long' }), expected: { column: 'Usage', value: 'long' } },
    { name: 'usage over 48 h', row: cg({ Usage: '49h' }), expected: { column: 'Usage', message: 'longer than 48 hours' } },
    { name: 'bad answer time', row: cg({ AnswerTime: 'noon' }), expected: { column: 'AnswerTime' } },
    { name: 'no times at all', row: cg({ AnswerTime: '', SetupTime: '' }), expected: { column: 'SetupTime' } },
    { name: 'bad cost', row: cg({ Cost: 'n/a' }), expected: { column: 'Cost', value: 'n/a' } },
    { name: 'short row', row: CG.slice(0, 5), expected: { column: 'Usage' } },
  ])('$name → row error', ({ row, expected }) => {
    expect(parse(row, 2)).toMatchObject({ error: true, ...expected });
  });

  it('refuses a header without Usage', () => {
    expect(() => cgratesRowParser(CG_HEADER.filter((h) => h !== 'Usage'), 'UTC')).toThrow(/Usage/);
  });
});

// ---------------------------------------------------------------------------------------------
// Generic

function generic(headers: string[], zone = 'UTC', overrides: Record<string, CdrField> = {}) {
  return genericRowParser(mapCdrColumns(headers, undefined, overrides), { zone });
}

describe('genericRowParser', () => {
  const H = ['Call ID', 'Start Time', 'Answer Time', 'A Number', 'B Number', 'Duration', 'Status', 'Cost', 'Customer', 'Vendor'];
  const row = ['C1', '2026-03-02 09:15:02', '2026-03-02 09:15:09', '441632960100', '447700900123', '125', 'ANSWERED', '0.0125', 'acme', 'vendorx'];
  const withCells = (changes: Record<string, string>): string[] => row.map((c, i) => changes[H[i]!] ?? c);
  const parse = generic(H);

  it('reads every mapped field', () => {
    expect(ok(parse(row, 2))).toEqual({
      callId: 'C1', startMs: utc('2026-03-02T09:15:09Z'), calling: '441632960100', called: '447700900123', durationMs: 125_000,
      answered: true, ingress: 'acme', egress: 'vendorx', carrierChargeE8: 1_250_000,
    });
  });

  it.each(['ANSWERED', 'answered', 'ANSWER', 'NORMAL_CLEARING', '16', 'OK', 'Connected', 'success', '1', 'TRUE', 'yes', ' Answered '])(
    'disposition "%s" is answered',
    (status) => {
      expect(ok(parse(withCells({ Status: status }), 2)).answered).toBe(true);
    },
  );

  it.each(['NO ANSWER', 'BUSY', 'FAILED', 'CANCEL', '0', 'false', 'no', '17', 'USER_BUSY', ''])('disposition "%s" is not answered', (status) => {
    expect(ok(parse(withCells({ Status: status }), 2)).answered).toBe(false);
  });

  it.each([
    { name: 'empty answer time: start time', cells: withCells({ 'Answer Time': '', Status: 'NO ANSWER', Duration: '0' }), expected: { startMs: utc('2026-03-02T09:15:02Z') } },
    { name: 'hh:mm:ss duration', cells: withCells({ Duration: '00:02:05' }), expected: { durationMs: 125_000 } },
    { name: 'empty duration reads 0', cells: withCells({ Duration: '' }), expected: { durationMs: 0 } },
    { name: 'empty optional fields are null', cells: withCells({ 'Call ID': '', Cost: '', Customer: ' ', Vendor: '' }), expected: { callId: null, carrierChargeE8: null, ingress: null, egress: null } },
    { name: 'decimal-comma cost', cells: withCells({ Cost: '0,0125' }), expected: { carrierChargeE8: 1_250_000 } },
    { name: 'negative cost (a credit) is kept', cells: withCells({ Cost: '-0.5' }), expected: { carrierChargeE8: -50_000_000 } },
    { name: 'a day-first date the fast reader does not take', cells: withCells({ 'Answer Time': '25/12/2026 10:00:00' }), expected: { startMs: utc('2026-12-25T10:00:00Z') } },
  ])('$name', ({ cells, expected }) => {
    expect(ok(parse(cells, 2))).toMatchObject(expected);
  });

  it.each([
    { name: 'bad answer time', cells: withCells({ 'Answer Time': 'later' }), expected: { column: 'Answer Time', value: 'later' } },
    { name: 'ambiguous day/month', cells: withCells({ 'Answer Time': '03/04/2026 10:00:00' }), expected: { column: 'Answer Time' } },
    { name: 'no start at all', cells: withCells({ 'Answer Time': '', 'Start Time': '' }), expected: { column: 'Start Time', message: 'no start time' } },
    { name: 'bad duration', cells: withCells({ Duration: '1m?' }), expected: { column: 'Duration', value: '1m?' } },
    { name: 'bad cost', cells: withCells({ Cost: 'free' }), expected: { column: 'Cost', value: 'free' } },
  ])('$name → row error', ({ cells, expected }) => {
    expect(parse(cells, 2)).toMatchObject({ error: true, ...expected });
  });

  it('without a disposition column, answered is duration > 0', () => {
    const p = generic(['To', 'Start', 'Seconds']);
    expect(ok(p(['447700900123', '2026-03-02 09:00:00', '12'], 2)).answered).toBe(true);
    expect(ok(p(['447700900123', '2026-03-02 09:00:00', '0'], 2)).answered).toBe(false);
  });

  it('duration in milliseconds', () => {
    const p = generic(['To', 'Start', 'Duration (ms)']);
    expect(ok(p(['447700900123', '2026-03-02 09:00:00', '1500'], 2)).durationMs).toBe(1500);
  });

  it.each([
    { name: 'end − start', headers: ['To', 'Start', 'End'], cells: ['4477', '2026-03-02 09:00:00', '2026-03-02 09:02:05.5'], expected: { durationMs: 125_500, answered: true } },
    { name: 'end − answer', headers: ['To', 'Start', 'Answer', 'End'], cells: ['4477', '2026-03-02 09:00:00', '2026-03-02 09:00:10', '2026-03-02 09:02:10'], expected: { durationMs: 120_000, startMs: utc('2026-03-02T09:00:10Z') } },
    { name: 'no answer: ringing is not talk', headers: ['To', 'Start', 'Answer', 'End'], cells: ['4477', '2026-03-02 09:00:00', '', '2026-03-02 09:00:30'], expected: { durationMs: 0, answered: false } },
    { name: 'empty end', headers: ['To', 'Start', 'End'], cells: ['4477', '2026-03-02 09:00:00', ''], expected: { durationMs: 0 } },
    { name: 'across a spring-forward gap', headers: ['To', 'Start', 'End'], cells: ['4477', '2026-03-29 00:59:00', '2026-03-29 02:01:00'], zone: 'Europe/London', expected: { durationMs: 120_000 } },
  ])('$name', ({ headers, cells, zone, expected }) => {
    expect(ok(generic(headers, zone)(cells, 2))).toMatchObject(expected);
  });

  it('an end before the start is a row error', () => {
    expect(generic(['To', 'Start', 'End'])(['4477', '2026-03-02 09:00:00', '2026-03-02 08:59:00'], 2)).toMatchObject({ error: true, column: 'End', message: 'ends before it starts' });
  });

  it.each([
    { name: 'Date + Time', headers: ['Date', 'Time', 'To', 'Duration'], cells: ['2026-07-01', '10:00:00', '4477', '60'], expected: utc('2026-07-01T09:00:00Z') },
    { name: 'Call Date (start) + Time', headers: ['Call Date', 'Time', 'To', 'Duration'], cells: ['2026-07-01', '10:00:00', '4477', '60'], expected: utc('2026-07-01T09:00:00Z') },
    { name: 'Date + one-digit hour Time', headers: ['Date', 'Time', 'To', 'Duration'], cells: ['2026-07-01', '9:05:00', '4477', '60'], expected: utc('2026-07-01T08:05:00Z') },
    { name: 'a Date column holding date-times', headers: ['Date', 'To', 'Duration'], cells: ['2026-07-01 10:00:00', '4477', '60'], expected: utc('2026-07-01T09:00:00Z') },
    { name: 'a Time column holding date-times', headers: ['Time', 'To', 'Duration'], cells: ['2026-07-01 10:00:00', '4477', '60'], expected: utc('2026-07-01T09:00:00Z') },
    { name: 'epoch seconds', headers: ['Start', 'To', 'Duration'], cells: ['1782900000', '4477', '60'], expected: 1_782_900_000_000 },
  ])('start from $name', ({ headers, cells, expected }) => {
    expect(ok(generic(headers, 'Europe/London')(cells, 2)).startMs).toBe(expected);
  });

  it('refuses an incomplete mapping', () => {
    expect(() => generic(['Start', 'Duration'])).toThrow(/called number/);
  });
});

// ---------------------------------------------------------------------------------------------
// createCdrParser

describe('createCdrParser', () => {
  it.each<{ name: string; format: 'generic' | 'asterisk' | 'cgrates'; header: string[] | null; map: Record<string, string>; error: RegExp }>([
    { name: 'generic without a header', format: 'generic', header: null, map: {}, error: /needs a header/ },
    { name: 'generic missing the called number', format: 'generic', header: ['Start', 'Duration'], map: {}, error: /called number/ },
    { name: 'generic with an unknown field', format: 'generic', header: ['X', 'Start', 'Duration'], map: { X: 'number' }, error: /"number" \(for column "X"\) is not a CDR field/ },
    { name: 'a mapping on a fixed format', format: 'asterisk', header: null, map: { A: 'called' }, error: /fixed columns/ },
    { name: 'CGRateS without a header', format: 'cgrates', header: null, map: {}, error: /header row/ },
    { name: 'CGRateS header without Usage', format: 'cgrates', header: ['CGRID', 'Destination', 'SetupTime'], map: {}, error: /Usage/ },
  ])('$name → error', ({ format, header, map, error }) => {
    const r = createCdrParser(format, { header, zone: 'UTC', map });
    expect('error' in r && r.error).toMatch(error);
  });

  it('a generic parser with a user mapping, and the mapping it used (JSON-safe)', () => {
    const r = createCdrParser('generic', { header: ['Numero', 'Inizio', 'Secondi', 'Note'], zone: 'UTC', map: { Numero: 'called', Inizio: 'start', Secondi: 'duration' } });
    if ('error' in r) throw new Error(r.error);
    expect(r.mapping).toEqual({ Numero: 'called', Inizio: 'start', Secondi: 'duration' });
    expect(JSON.parse(JSON.stringify(r.mapping))).toEqual(r.mapping);
    expect(ok(r.parse(['447700900123', '2026-03-02 09:00:00', '61', ''], 2))).toMatchObject({ called: '447700900123', durationMs: 61_000 });
  });

  it.each(['asterisk', 'freeswitch'] as const)('%s needs no header', (format) => {
    const r = createCdrParser(format, { header: null, zone: 'UTC' });
    expect('parse' in r).toBe(true);
  });
});
