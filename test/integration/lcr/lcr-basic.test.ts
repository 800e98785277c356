import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LCR_EXPORT_COLUMNS, type LcrPage } from '../../../core/api/contract.ts';
import { err, ok, openWorkspace, type Workspace } from '../../helpers/workspace.ts';
import { SCENARIO, setUpLcrBasic } from './lcr-scenario.ts';

const expected = (name: string) => readFileSync(join(SCENARIO, name), 'utf8');

describe('lcr-basic scenario', () => {
  let ws: Workspace;
  beforeAll(async () => {
    ws = openWorkspace('trunkline-lcr-');
    await setUpLcrBasic(ws.engine, ws.dbPath);
  });
  afterAll(() => ws.cleanup());

  const table = async (args: Record<string, unknown> = {}): Promise<LcrPage> =>
    ok(await ws.engine.dispatch('lcr.table', { at: '2026-11-10', customer: 'Delta', startRow: 0, endRow: 100, ...args }));
  const order = (page: LcrPage) => Object.fromEntries(page.rows.map((r) => [r.prefix, r.routes.map((x) => `${x.vendor} ${x.rate}`).join(', ')]));

  it('the export columns are the issue\'s', () => {
    expect(LCR_EXPORT_COLUMNS.join(',')).toBe('prefix,destination,rank,vendor,rate,first_increment,next_increment,effective_cost,sell_rate,margin');
  });

  it('long, routing and matrix CSV exports equal the expected files', async () => {
    for (const format of ['long', 'routing', 'matrix'] as const) {
      const out = join(ws.dir, `lcr-${format}.csv`);
      const r = ok(await ws.engine.dispatch('lcr.export', { at: '2026-11-10', customer: 'Delta', format, out }));
      expect(readFileSync(out, 'utf8'), format).toBe(expected(`expected-${format}.csv`));
      expect(r).toMatchObject({ format, fileFormat: 'csv', at: '2026-11-10T00:00:00Z', currency: 'USD', customer: 'Delta' });
    }
  });

  it('the table: ranking, longest-prefix coverage, closed and blocked codes, margins and flags', async () => {
    const page = await table();
    expect(page.counts).toEqual({ prefixes: 8, uncovered: 1, unprofitable: 1, single: 1, changed: 0 });
    expect(page.vendors.map((v) => v.name)).toEqual(['Bravo', 'Alpha', 'Charlie']);
    expect(order(page)).toEqual({
      33: 'Bravo 0.0150, Alpha 0.0150, Charlie 0.0150',
      44: 'Bravo 0.0090, Alpha 0.0100',
      447: 'Bravo 0.0090, Charlie 0.0250, Alpha 0.0300',
      49: 'Bravo 0.0120, Alpha 0.0120',
      4915: 'Charlie 0.0650, Bravo 0.0700',
      4930: 'Charlie 0.0100, Bravo 0.0120, Alpha 0.0120',
      86: '',
      91: 'Alpha 0.0180',
    });
    const uk = page.rows.find((r) => r.prefix === '447')!;
    expect(uk.routes[0]).toMatchObject({ vendor: 'Bravo', matchedPrefix: '44', destination: 'UK', margin: '0.0190', effectiveCost: '0.0270', loss: false });
    expect(uk.routes[2]).toMatchObject({ vendor: 'Alpha', margin: '-0.0020', loss: true });
    expect(page.rows.find((r) => r.prefix === '33')!.flags).toEqual(['unprofitable']);
    expect(page.rows.find((r) => r.prefix === '86')!.flags).toEqual(['uncovered']);
    expect(page.rows.find((r) => r.prefix === '91')!.flags).toEqual(['single']);
  });

  it('a rate not yet in force is not used; on its date it ranks', async () => {
    expect(order(await table({ prefix: '91' }))).toEqual({ 91: 'Alpha 0.0180' });
    expect(order(await table({ at: '2026-12-02', prefix: '91' }))).toEqual({ 91: 'Bravo 0.0050, Alpha 0.0180' });
  });

  it('before the closure Alpha still routed 4915; --since flags what the new decks changed', async () => {
    expect(order(await table({ at: '2026-10-15', prefix: '4915' }))).toEqual({ 4915: 'Charlie 0.0650, Bravo 0.0700, Alpha 0.0800' });
    const changed = await table({ since: '2026-10-15', flag: 'changed' });
    expect(changed.rows.map((r) => r.prefix)).toEqual(['4915', '91']);
    expect(changed.rows[0]!.previousOrder).toEqual(['Charlie', 'Bravo', 'Alpha']);
    expect(changed.rows[1]!.routes[0]!.previousRate).toBe('0.0200');
  });

  it('no-loss drops the dearer routes; depth cuts; rank by cost of a 61 s call reorders 447', async () => {
    expect(order(await table({ noLoss: true, prefix: '44' }))).toEqual({ 44: 'Bravo 0.0090, Alpha 0.0100', 447: 'Bravo 0.0090, Charlie 0.0250' });
    expect(order(await table({ noLoss: true, prefix: '33' }))).toEqual({ 33: '' });
    expect(order(await table({ depth: 1, prefix: '49' }))).toEqual({ 49: 'Bravo 0.0120', 4915: 'Charlie 0.0650', 4930: 'Charlie 0.0100' });
    const byCost = await table({ rankBy: 'cost', typicalDuration: 61, prefix: '447' });
    expect(byCost.rows[0]!.routes.map((r) => `${r.vendor} ${r.effectiveCost} r${r.rank}c${r.costRank}`)).toEqual([
      'Bravo 0.00915 r1c1', 'Alpha 0.0305 r3c2', 'Charlie 0.0500 r2c3',
    ]);
  });

  it('filters and sorts the grid in the engine; pages report the whole count', async () => {
    const germany = await table({ destination: 'germ', sort: [{ colId: 'bestRate', sort: 'desc' }] });
    expect(germany.rows.map((r) => r.prefix)).toEqual(['4915', '49', '4930']);
    expect(germany.lastRow).toBe(3);
    const page = await table({ startRow: 2, endRow: 4 });
    expect(page.rows.map((r) => r.prefix)).toEqual(['447', '49']);
    expect(page.lastRow).toBe(8);
  });

  it('the matrix pages and filters by country text or by prefix digits', async () => {
    const m = ok(await ws.engine.dispatch('lcr.matrix', { at: '2026-11-10', filter: 'germany', startRow: 0, endRow: 50 }));
    expect(m.vendors).toEqual(['Bravo', 'Alpha', 'Charlie']);
    expect(m.rows.map((r) => [r.destination, r.cheapest.join('|'), r.spread])).toEqual([
      ['GERMANY', 'Bravo|Alpha', '0.0000'], ['Germany - Berlin', 'Charlie', '0.0020'], ['GERMANY MOBILE', 'Charlie', '0.0050'],
    ]);
    const byPrefix = ok(await ws.engine.dispatch('lcr.matrix', { at: '2026-11-10', by: 'prefix', filter: '44', startRow: 0, endRow: 50 }));
    expect(byPrefix.rows.map((r) => [r.prefix, r.cells.map((c) => c?.max ?? '-').join(' ')])).toEqual([['44', '0.0090 0.0100 -'], ['447', '0.0090 0.0300 0.0250']]);
  });

  it('XLSX exports read back: long with numbers, routing with vendors in order, matrix', async () => {
    const out = join(ws.dir, 'lcr.xlsx');
    ok(await ws.engine.dispatch('lcr.export', { at: '2026-11-10', customer: 'Delta', out, noLoss: true, depth: 2 }));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(out);
    const sheet = wb.worksheets[0]!;
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual([...LCR_EXPORT_COLUMNS]);
    const rows = (sheet.getSheetValues().slice(2) as unknown[][]).map((r) => r.slice(1));
    expect(rows.find((r) => r[0] === '447' && r[2] === 2)).toEqual(['447', 'United Kingdom - Mobile', 2, 'Charlie', 0.025, 60, 60, 0.075, 0.028, 0.003]);
    expect(rows.filter((r) => r[0] === '33')).toEqual([['33', 'France', undefined, undefined, undefined, undefined, undefined, undefined, 0.014]]);
    const routing = join(ws.dir, 'routing.xlsx');
    ok(await ws.engine.dispatch('lcr.export', { at: '2026-11-10', out: routing, format: 'routing' }));
    const rb = new ExcelJS.Workbook();
    await rb.xlsx.readFile(routing);
    const r2 = (rb.worksheets[0]!.getSheetValues().slice(1) as unknown[][]).map((r) => r.slice(1).filter((c) => c !== undefined));
    expect(r2[0]).toEqual(['prefix', 'route_1', 'route_2', 'route_3']);
    expect(r2.find((r) => r[0] === '447')).toEqual(['447', 'Bravo', 'Charlie', 'Alpha']);
  });

  it('what-if for Delta\'s calls equals the expected file', async () => {
    const w = ok(await ws.engine.dispatch('lcr.whatif', { customer: 'Delta', from: '2026-10-01', to: '2026-12-01' }));
    expect(w).toEqual(JSON.parse(expected('expected-whatif.json')));
    expect(w.totals).toMatchObject({ calls: 3, actual: '0.1085', cheapest: '0.06475', saving: '0.04375' });
    expect(w.notCompared).toEqual({ free: 1, unratedAsRouted: 1, notRated: 0 });
    // By vendor (the calls routed to Alpha): the same figures.
    const byCarrier = ok(await ws.engine.dispatch('lcr.whatif', { carrier: 'Alpha', from: '2026-10-01', to: '2026-12-01' }));
    expect(byCarrier.totals).toEqual(w.totals);
    // Only Charlie as an alternative: the calls stay where they are unless Charlie is cheaper.
    const charlie = ok(await ws.engine.dispatch('lcr.whatif', { customer: 'Delta', from: '2026-10-01', to: '2026-12-01', vendors: ['Charlie'] }));
    expect(charlie.totals).toMatchObject({ actual: '0.1085', cheapest: '0.1085', saving: '0.00', alreadyCheapest: 3 });
  });

  it('bad requests: unknown vendor, no sell deck, since after at, mixed currencies', async () => {
    expect(err(await ws.engine.dispatch('lcr.table', { vendors: ['Nobody'], startRow: 0, endRow: 10 })).code).toBe('CARRIER_NOT_FOUND');
    expect(err(await ws.engine.dispatch('lcr.table', { customer: 'Alpha', startRow: 0, endRow: 10 })).code).toBe('INVALID_ARGUMENTS');
    expect(err(await ws.engine.dispatch('lcr.table', { at: '2026-10-01', since: '2026-11-01', startRow: 0, endRow: 10 })).code).toBe('INVALID_ARGUMENTS');
    expect(err(await ws.engine.dispatch('lcr.whatif', { customer: 'Delta', carrier: 'Alpha', from: '2026-10-01', to: '2026-12-01' })).code).toBe('INVALID_ARGUMENTS');
    ok(await ws.engine.dispatch('carriers.create', { name: 'Euro', settings: { currency: 'EUR' } }));
    ok(await ws.engine.dispatch('decks.import', { file: join(SCENARIO, 'delta-sell.csv'), carrier: 'Euro', side: 'buy', received: '2026-09-20' }));
    const e = err(await ws.engine.dispatch('lcr.table', { at: '2026-11-10', startRow: 0, endRow: 10 }));
    expect(e.code).toBe('CURRENCY_MISMATCH');
    expect(e.message).toContain('EUR: Euro');
  });
});
