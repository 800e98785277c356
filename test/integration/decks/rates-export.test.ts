import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RATES_EXPORT_COLUMNS } from '../../../core/api/contract.ts';
import { DECKS, err, ok, openWorkspace, type Workspace } from '../../helpers/workspace.ts';

const HEADER = 'prefix,destination,rate,currency,effective_from,effective_to,first_increment,next_increment,min_duration,grace,connection_fee';

describe('rates.export', () => {
  let ws: Workspace;
  const carrier = 'CarrierX';

  beforeAll(async () => {
    ws = openWorkspace();
    ok(await ws.engine.dispatch('carriers.create', { name: carrier }));
    ok(await ws.engine.dispatch('decks.import', { file: join(DECKS, 'carrierx-v1-full.csv'), carrier, side: 'buy', received: '2026-09-20' }));
    ok(await ws.engine.dispatch('decks.import', { file: join(DECKS, 'carrierx-v2-partial.csv'), carrier, side: 'buy', mode: 'partial', received: '2026-10-10' }));
    ok(await ws.engine.dispatch('decks.import', { file: join(DECKS, 'carrierx-v3-full.csv'), carrier, side: 'buy', received: '2026-10-25' }));
    // A sell deck whose destinations a spreadsheet would run as formulas.
    const risky = join(ws.dir, 'risky.csv');
    writeFileSync(risky, [
      'Prefix,Destination,Rate,Effective Date,Billing Increment',
      '8816,=HYPERLINK("http://x.example"),5.8500,2026-11-01,60/60',
      '8817,+Iridium,5.12345678,2026-11-01,60/60',
      '8818,@Thuraya,4.2,2026-11-01,60/60',
      '8819,Inmarsat,6.95,2026-11-01,60/60',
      '',
    ].join('\n'));
    ok(await ws.engine.dispatch('carriers.create', { name: 'Sat' }));
    ok(await ws.engine.dispatch('decks.import', { file: risky, carrier: 'Sat', side: 'sell' }));
  });
  afterAll(() => ws.cleanup());

  it('the contract\'s column list is the spec\'s', () => {
    expect(RATES_EXPORT_COLUMNS.join(',')).toBe(HEADER);
  });

  it('CSV at 2026-11-01: header, one row per routable prefix, exact decimals, ISO instants', async () => {
    const out = join(ws.dir, 'cx-2026-11-01.csv');
    const report = ok(await ws.engine.dispatch('rates.export', { carrier, side: 'buy', at: '2026-11-01', out }));
    // 40 v3 rows minus the closed 971 = 39 with a rate; 9370 is blocked, so not routable.
    expect(report).toEqual({ file: out, format: 'csv', rows: 38, at: '2026-11-01T00:00:00Z' });
    const lines = readFileSync(out, 'utf8').split('\n');
    expect(lines[0]).toBe(HEADER);
    expect(lines.at(-1)).toBe('');
    const rows = lines.slice(1, -1);
    expect(rows).toHaveLength(38);
    const byPrefix = new Map(rows.map((l) => [l.split(',')[0]!, l]));
    expect(byPrefix.size).toBe(38);
    for (const gone of ['971', '355', '2010', '852', '9370']) expect(byPrefix.has(gone), gone).toBe(false);
    expect(byPrefix.get('44')).toBe('44,United Kingdom,0.0061,USD,2026-11-01T00:00:00Z,,1,1,0,0,0.0000');
    expect(byPrefix.get('33')).toBe('33,France,0.0105,USD,2026-10-01T00:00:00Z,,60,60,0,0,0.0000');
    expect(byPrefix.get('1')).toBe('1,USA & Canada,0.0045,USD,2026-10-01T00:00:00Z,,6,6,0,0,0.0000');
    expect(byPrefix.get('614')).toBe('614,Australia - Mobile,0.0139,USD,2026-11-01T00:00:00Z,,30,30,0,0,0.0000');
    expect(byPrefix.get('9377')).toBe('9377,Afghanistan - Mobile MTN,0.2410,USD,2026-10-20T00:00:00Z,,60,60,0,0,0.0000');
    expect(byPrefix.get('91')).toBe('91,India,0.0172,USD,2026-10-12T00:00:00Z,,60,60,0,0,0.0000');
  });

  it('CSV at a past instant: the versions then, with their ends', async () => {
    const out = join(ws.dir, 'cx-2026-10-15.csv');
    const report = ok(await ws.engine.dispatch('rates.export', { carrier, side: 'buy', at: '2026-10-15T00:00:00Z', out }));
    expect(report.rows).toBe(40);
    const rows = readFileSync(out, 'utf8').trimEnd().split('\n').slice(1);
    const byPrefix = new Map(rows.map((l) => [l.split(',')[0]!, l]));
    expect(byPrefix.get('380')).toBe('380,Ukraine,0.1580,USD,2026-10-12T00:00:00Z,2026-11-01T00:00:00Z,60,60,0,0,0.0000');
    expect(byPrefix.get('971')).toBe('971,United Arab Emirates,0.1520,USD,2026-10-01T00:00:00Z,2026-11-01T00:00:00Z,60,60,0,0,0.0000');
    expect(byPrefix.get('93')).toBe('93,Afghanistan,0.2150,USD,2026-10-01T00:00:00Z,2026-10-20T00:00:00Z,60,60,0,0,0.0000');
    expect(byPrefix.has('9377')).toBe(false);
  });

  it('CSV: a destination a spreadsheet would run as a formula gets a leading apostrophe; decimals stay exact', async () => {
    const out = join(ws.dir, 'sat.csv');
    ok(await ws.engine.dispatch('rates.export', { carrier: 'Sat', side: 'sell', at: '2026-11-02', out }));
    expect(readFileSync(out, 'utf8')).toBe([
      HEADER,
      '8816,"\'=HYPERLINK(""http://x.example"")",5.8500,USD,2026-11-01T00:00:00Z,,60,60,0,0,0.0000',
      '8817,\'+Iridium,5.12345678,USD,2026-11-01T00:00:00Z,,60,60,0,0,0.0000',
      '8818,\'@Thuraya,4.2000,USD,2026-11-01T00:00:00Z,,60,60,0,0,0.0000',
      '8819,Inmarsat,6.9500,USD,2026-11-01T00:00:00Z,,60,60,0,0,0.0000',
      '',
    ].join('\n'));
    // The stored name is the carrier's: only the export is made safe.
    const r = ok(await ws.engine.dispatch('rates.lookup', { carrier: 'Sat', side: 'sell', number: '88161234', at: '2026-11-02' }));
    expect(r.destination).toBe('=HYPERLINK("http://x.example")');
  });

  it('XLSX: the same header, rows and values, formula-safe destinations', async () => {
    const out = join(ws.dir, 'cx.xlsx');
    const report = ok(await ws.engine.dispatch('rates.export', { carrier, side: 'buy', at: '2026-11-01', out }));
    expect(report).toMatchObject({ format: 'xlsx', rows: 38 });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(out);
    const sheet = wb.worksheets[0]!;
    const values = (n: number) => (sheet.getRow(n).values as unknown[]).slice(1);
    expect(values(1)).toEqual([...RATES_EXPORT_COLUMNS]);
    expect(sheet.actualRowCount).toBe(39);
    const rows = Array.from({ length: 38 }, (_, i) => values(i + 2));
    const ukRow = 2 + rows.findIndex((r) => r[0] === '44');
    expect(ukRow).toBeGreaterThan(1);
    const uk = Array.from({ length: 11 }, (_, i) => sheet.getRow(ukRow).getCell(i + 1).value);
    expect(uk).toEqual(['44', 'United Kingdom', 0.0061, 'USD', '2026-11-01T00:00:00Z', null, 1, 1, 0, 0, 0]);
    expect(rows.every((r) => typeof r[0] === 'string')).toBe(true);

    const satOut = join(ws.dir, 'sat.xlsx');
    ok(await ws.engine.dispatch('rates.export', { carrier: 'Sat', side: 'sell', at: '2026-11-02', out: satOut }));
    const satWb = new ExcelJS.Workbook();
    await satWb.xlsx.readFile(satOut);
    const sat = satWb.worksheets[0]!;
    expect(sat.actualRowCount).toBe(5);
    const cell = (row: number, col: number) => sat.getRow(row).getCell(col).value;
    expect([cell(2, 2), cell(3, 2), cell(4, 2), cell(5, 2)]).toEqual(['\'=HYPERLINK("http://x.example")', '\'+Iridium', '\'@Thuraya', 'Inmarsat']);
    expect(cell(3, 3)).toBe(5.12345678);
    expect(cell(2, 11)).toBe(0);
  });

  it('an unknown extension is INVALID_ARGUMENTS and writes no file', async () => {
    const out = join(ws.dir, 'rates.txt');
    const e = err(await ws.engine.dispatch('rates.export', { carrier, side: 'buy', out }));
    expect(e.code).toBe('INVALID_ARGUMENTS');
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(ws.dir).filter((f) => f.includes('.partial-'))).toEqual([]);
  });
});
