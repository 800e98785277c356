import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CsvRecords, type CsvProblem, type CsvRecord } from '../../../core/cdrs/csv-records.ts';
import { endsWholeUtf8, wholeUtf8Length } from '../../../core/util/utf8.ts';
import { err, ok, openWorkspace, type Workspace } from '../../helpers/workspace.ts';

/**
 * The CDR file reader: encodings and line ends as switches and spreadsheets write them, quoted
 * fields with delimiters, quotes and line breaks inside, and hostile lines bounded.
 */
let ws: Workspace;
beforeEach(() => {
  ws = openWorkspace();
});
afterEach(() => ws.cleanup());

const HEAD = 'Call ID,Start Time,A Number,B Number,Duration (sec),Status';
const CALLS = [
  'C-1,2026-11-02 09:15:02,441632960100,447700900123,125,ANSWERED',
  'C-2,2026-11-02 09:16:00,441632960100,33145678901,61,ANSWERED',
  'C-3,2026-11-02 09:17:30,441632960101,12025550123,0,NO ANSWER',
];

function stored(): { call_id: string; called: string; duration_ms: number; start_ms: number }[] {
  const db = new Database(ws.dbPath, { readonly: true });
  try {
    return db.prepare('SELECT call_id, called, duration_ms, start_ms FROM cdrs ORDER BY call_id').all() as never;
  } finally {
    db.close();
  }
}

async function importBytes(name: string, bytes: Buffer): Promise<ReturnType<typeof stored>> {
  const file = join(ws.dir, name);
  writeFileSync(file, bytes);
  ok(await ws.engine.dispatch('cdrs.import', { file, carrier: 'V', source: 'carrier' }));
  return stored();
}

beforeEach(async () => {
  ok(await ws.engine.dispatch('carriers.create', { name: 'V', settings: { roles: 'vendor', timezone: 'UTC' } }));
});

const EXPECTED = [
  { call_id: 'C-1', called: '447700900123', duration_ms: 125_000, start_ms: Date.UTC(2026, 10, 2, 9, 15, 2) },
  { call_id: 'C-2', called: '33145678901', duration_ms: 61_000, start_ms: Date.UTC(2026, 10, 2, 9, 16, 0) },
  { call_id: 'C-3', called: '12025550123', duration_ms: 0, start_ms: Date.UTC(2026, 10, 2, 9, 17, 30) },
];

describe('CDR files in the encodings and line ends they come in', () => {
  const text = [HEAD, ...CALLS].join('\r\n') + '\r\n';
  it.each([
    ['UTF-8 with CRLF', Buffer.from(text, 'utf8')],
    ['UTF-8 with a BOM', Buffer.from('\ufeff' + text, 'utf8')],
    ['UTF-16LE with a BOM (Excel "Unicode text")', Buffer.from('\ufeff' + text, 'utf16le')],
    ['UTF-16BE with a BOM', Buffer.from('\ufeff' + text, 'utf16le').swap16()],
    ['CR alone ending lines (old Mac)', Buffer.from(text.replaceAll('\r\n', '\r'), 'utf8')],
    ['no line end after the last call', Buffer.from(text.trimEnd(), 'utf8')],
  ])('%s', async (name, bytes) => {
    expect(await importBytes('calls.csv', bytes)).toEqual(EXPECTED);
  });

  it('Windows-1252 text (accented names) is read as such', async () => {
    const body = `${HEAD},Note\n${CALLS[0]},Côte d'Ivoire\n`;
    const bytes = Buffer.from(body, 'latin1');
    const file = join(ws.dir, 'latin.csv');
    writeFileSync(file, bytes);
    const r = ok(await ws.engine.dispatch('cdrs.import', { file, carrier: 'V', source: 'carrier' }));
    expect(r.imported).toBe(1);
  });

  it('a file that turns from UTF-8 into another encoding after its first 64 KB is refused, naming where, and writes nothing', async () => {
    const lines = [HEAD + ',Note'];
    for (let i = 0; i < 2000; i++) lines.push(`X-${i},2026-11-02 09:15:02,441632960100,447700900123,125,ANSWERED,Zürich`);
    const head = Buffer.from(lines.join('\n') + '\n', 'utf8');
    const tail = Buffer.from('Y-1,2026-11-02 09:15:02,441632960100,447700900123,125,ANSWERED,Z\xfcrich\n', 'latin1');
    const file = join(ws.dir, 'mixed.csv');
    writeFileSync(file, Buffer.concat([head, tail]));
    const e = err(await ws.engine.dispatch('cdrs.import', { file, carrier: 'V', source: 'carrier' }));
    expect(e.code).toBe('FILE_UNREADABLE');
    expect(e.message).toMatch(/not UTF-8/);
    expect(stored()).toEqual([]);
  });

  // ASCII pieces of a UTF-8 file skip the decoder: a character cut by a 64 KiB piece's end must still
  // be joined whole, and a BOM is still dropped.
  it.each([['é', ''], ['✓', ''], ['😀', ''], ['✓', '\ufeff']])('UTF-8 characters cut by the reader\'s pieces (%s) are read whole %s', async (ch, bom) => {
    const bytesOf = (s: string): number => Buffer.byteLength(s, 'utf8');
    const chLen = bytesOf(ch);
    const lines: string[] = [];
    const expected: string[] = [];
    let at = bytesOf(bom + HEAD + '\n');
    let n = 0;
    const add = (id: string): void => {
      const line = `${id},2026-11-02 09:15:02,441632960100,447700900123,125,ANSWERED\n`;
      lines.push(line);
      expected.push(id);
      at += bytesOf(line);
    };
    // Boundaries 1..6 × 64 KiB; at each, the character starts 1..len−1 bytes before it (cut inside it).
    for (let k = 1; k <= 6; k++) {
      const boundary = k * 65536;
      const cut = 1 + (k % (chLen - 1));
      while (at < boundary - 200) add(`A-${n++}`);
      const pad = boundary - cut - at - bytesOf(`W-${n}-`);
      add(`W-${n++}-${'x'.repeat(pad)}${ch}y`);
    }
    while (at < 7 * 65536 + 100) add(`A-${n++}`);
    const file = join(ws.dir, 'cut.csv');
    writeFileSync(file, Buffer.from(bom + HEAD + '\n' + lines.join(''), 'utf8'));
    const r = ok(await ws.engine.dispatch('cdrs.import', { file, carrier: 'V', source: 'carrier' }));
    expect(r.imported).toBe(expected.length);
    expect(stored().map((c) => c.call_id).sort()).toEqual(expected.sort());
    expect(expected.filter((id) => id.includes(ch))).toHaveLength(6);
  });

  it('a UTF-8 character cut short before ASCII text is refused where it is, not at the end of the file', async () => {
    const lines = [HEAD];
    for (let i = 0; i < 1000; i++) lines.push(`A-${i},2026-11-02 09:15:02,441632960100,447700900123,125,ANSWERED`);
    const head = Buffer.from(lines.join('\n') + '\n', 'utf8');
    // The first two of the three bytes of "✓", ending the reader's first 64 KiB piece; ASCII after.
    const cut = Buffer.from('✓', 'utf8').subarray(0, 2);
    const padTo = 65536 - head.length - cut.length;
    const bad = Buffer.concat([Buffer.from('B-1-' + 'x'.repeat(padTo - 4), 'utf8'), cut]);
    const tail: string[] = [',2026-11-02 09:15:02,441632960100,447700900123,125,ANSWERED'];
    for (let i = 0; i < 3000; i++) tail.push(`C-${i},2026-11-02 09:15:02,441632960100,447700900123,125,ANSWERED`);
    const file = join(ws.dir, 'cut-short.csv');
    writeFileSync(file, Buffer.concat([head, bad, Buffer.from(tail.join('\n') + '\n', 'utf8')]));
    expect(head.length + bad.length).toBe(65536);
    const e = err(await ws.engine.dispatch('cdrs.import', { file, carrier: 'V', source: 'carrier' }));
    expect(e.code).toBe('FILE_UNREADABLE');
    expect(e.message).toMatch(/after line (9\d\d|1,0\d\d) is not UTF-8/);
    expect(stored()).toEqual([]);
  });

  it('tells whether bytes end on a whole UTF-8 character', () => {
    const b = (s: string): Uint8Array => Buffer.from(s, 'utf8');
    expect(endsWholeUtf8(b(''))).toBe(true);
    expect(endsWholeUtf8(b('abc'))).toBe(true);
    for (const ch of ['é', '✓', '😀']) {
      const whole = b(`ab${ch}`);
      expect(endsWholeUtf8(whole)).toBe(true);
      for (let cut = 1; cut < Buffer.byteLength(ch); cut++) {
        expect(endsWholeUtf8(whole.subarray(0, 2 + cut))).toBe(false);
        expect(wholeUtf8Length(whole.subarray(0, 2 + cut))).toBe(2);
      }
    }
  });

  it('a header and no calls is refused', async () => {
    const file = join(ws.dir, 'empty.csv');
    writeFileSync(file, `${HEAD}\n\n`);
    const e = err(await ws.engine.dispatch('cdrs.import', { file, carrier: 'V', source: 'carrier' }));
    expect(e.code).toBe('DECK_EMPTY');
    expect(e.message).toMatch(/no calls/);
  });
});

describe('the record splitter', () => {
  function split(text: string, pieces = 1, max = 1000): { records: CsvRecord[]; problems: CsvProblem[] } {
    const records: CsvRecord[] = [];
    const problems: CsvProblem[] = [];
    const r = new CsvRecords(',', max, (x) => records.push({ line: x.line, cells: [...x.cells] }), (p) => problems.push(p));
    const size = Math.ceil(text.length / pieces);
    for (let i = 0; i < text.length; i += size) r.push(text.slice(i, i + size));
    r.end();
    return { records, problems };
  }

  it('reads quoted fields with delimiters, doubled quotes and line breaks, the same however the text is cut', () => {
    const text = 'a,"b,1","say ""hi""",""\n"multi\nline",x,"",y\r\nplain,"quoted",last\n\nafter,blank\n';
    const want = [
      { line: 1, cells: ['a', 'b,1', 'say "hi"', ''] },
      { line: 2, cells: ['multi\nline', 'x', '', 'y'] },
      { line: 4, cells: ['plain', 'quoted', 'last'] },
      { line: 6, cells: ['after', 'blank'] },
    ];
    for (let pieces = 1; pieces <= text.length; pieces++) {
      expect(split(text, pieces), `cut in ${pieces}`).toEqual({ records: want, problems: [] });
    }
  });

  it('reads back any well-formed CSV as written, fields plain, plainly quoted or with doubled quotes and line breaks, however it is cut', () => {
    const field = fc.string({ unit: fc.constantFrom('a', '7', ' ', ',', '"', '\n', '\r', 'é', ';'), maxLength: 8 });
    const record = fc.array(field, { minLength: 1, maxLength: 6 }).filter((r) => r.length > 1 || r[0] !== '');
    fc.assert(fc.property(fc.array(fc.tuple(record, fc.array(fc.boolean(), { minLength: 6, maxLength: 6 })), { minLength: 1, maxLength: 8 }),
      fc.boolean(), fc.integer({ min: 1, max: 40 }), (rows, crlf, pieces) => {
        // A field is quoted when it must be, and otherwise when the coin says so.
        const text = rows.map(([cells, coins]) => cells.map((c, i) => (/[",\n\r]/.test(c) || coins[i] ? `"${c.replaceAll('"', '""')}"` : c)).join(',')).join(crlf ? '\r\n' : '\n') + (crlf ? '\r\n' : '\n');
        const got = split(text, pieces);
        expect(got.problems).toEqual([]);
        expect(got.records.map((r) => r.cells)).toEqual(rows.map(([cells]) => cells));
        // Each record's line is the file line it starts on.
        let line = 1;
        rows.forEach(([cells], i) => {
          expect(got.records[i]!.line).toBe(line);
          line += 1 + cells.join('').split('\n').length - 1;
        });
      }), { numRuns: 2000 });
  });

  it('a quote that never closes is reported at its line; a line past the limit is skipped, not held', () => {
    expect(split('a,b\nc,"open\nd,e\n').problems).toEqual([{ line: 2, value: 'c,"open\nd,e\n', message: 'a quote opened on this line never closes' }]);
    const long = 'x'.repeat(5000);
    const r = split(`a,b\n${long}\nc,d\n`, 50, 1000);
    expect(r.records).toEqual([{ line: 1, cells: ['a', 'b'] }, { line: 3, cells: ['c', 'd'] }]);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatchObject({ line: 2, value: 'x'.repeat(60) });
    expect(r.problems[0]!.message).toMatch(/5,000 characters long/);
  });
});
