import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeckImportReport } from '../../../core/api/contract.ts';
import { BROKEN, DECKS, count, err, ok, openWorkspace, query, type Workspace } from '../../helpers/workspace.ts';

const withoutIdentity = ({ importId: _id, dryRun: _dry, ...rest }: DeckImportReport) => rest;

describe('dry run', () => {
  let ws: Workspace;
  beforeEach(async () => {
    ws = openWorkspace();
    ok(await ws.engine.dispatch('carriers.create', { name: 'CarrierX' }));
  });
  afterEach(() => ws.cleanup());

  const v1 = { file: join(DECKS, 'carrierx-v1-full.csv'), carrier: 'CarrierX', side: 'buy', mode: 'full', received: '2026-09-20' } as const;
  const v2 = { file: join(DECKS, 'carrierx-v2-partial.csv'), carrier: 'CarrierX', side: 'buy', mode: 'partial', received: '2026-10-10' } as const;

  it('a first deck: the same report as the real import, and nothing written', async () => {
    const dry = ok(await ws.engine.dispatch('decks.import', { ...v1, dryRun: true }));
    expect(dry.dryRun).toBe(true);
    expect(dry.importId).toBeNull();
    expect(dry.counts.new).toBe(40);
    expect(ok(await ws.engine.dispatch('decks.list', {}))).toEqual([]);
    expect(count(ws.dbPath, 'rates')).toBe(0);
    expect(count(ws.dbPath, 'deck_imports')).toBe(0);
    expect(count(ws.dbPath, 'deck_templates')).toBe(0);
    const e = err(await ws.engine.dispatch('rates.lookup', { carrier: 'CarrierX', side: 'buy', number: '442071234567', at: '2026-10-05' }));
    expect(e.code).toBe('RATE_NOT_FOUND');
    expect(e.details).toMatchObject({ reason: 'no rate' });

    const real = ok(await ws.engine.dispatch('decks.import', v1));
    expect(real.dryRun).toBe(false);
    expect(real.importId).toBeTypeOf('number');
    expect(withoutIdentity(real)).toEqual(withoutIdentity(dry));
  });

  it('an update with a notice violation: the same report as the real import, and nothing written', async () => {
    ok(await ws.engine.dispatch('decks.import', v1));
    const ratesBefore = count(ws.dbPath, 'rates');
    const listBefore = ok(await ws.engine.dispatch('decks.list', {}));
    const dry = ok(await ws.engine.dispatch('decks.import', { ...v2, dryRun: true }));
    expect(dry.counts).toEqual({ new: 1, increase: 5, decrease: 1, unchanged: 1, closed: 0, blocked: 0 });
    expect(dry.noticeViolations.map((v) => v.prefix)).toEqual(['380']);
    expect(count(ws.dbPath, 'rates')).toBe(ratesBefore);
    expect(ok(await ws.engine.dispatch('decks.list', {}))).toEqual(listBefore);
    // Still the v1 rate: the dry run's increase was not written.
    const ua = ok(await ws.engine.dispatch('rates.lookup', { carrier: 'CarrierX', side: 'buy', number: '380441234567', at: '2026-10-15' }));
    expect(ua.rate).toBe('0.1450');

    const real = ok(await ws.engine.dispatch('decks.import', v2));
    expect(withoutIdentity(real)).toEqual(withoutIdentity(dry));
  });
});

describe('deck templates', () => {
  let ws: Workspace;
  beforeEach(() => {
    ws = openWorkspace();
  });
  afterEach(() => ws.cleanup());

  const template = (carrier: string, side = 'buy') =>
    query<{ mapping_json: string; date_order: string | null }>(
      ws.dbPath,
      'SELECT t.mapping_json, t.date_order FROM deck_templates t JOIN carriers c ON c.id = t.carrier_id WHERE c.name = ? AND t.side = ?',
      carrier, side,
    ).map((t) => ({ mapping: JSON.parse(t.mapping_json) as Record<string, string>, dateOrder: t.date_order }))[0];

  it('the mapping guessed on the first import is saved for the carrier and side', async () => {
    ok(await ws.engine.dispatch('carriers.create', { name: 'CarrierX' }));
    const r = ok(await ws.engine.dispatch('decks.import', { file: join(DECKS, 'carrierx-v1-full.csv'), carrier: 'CarrierX', side: 'buy', received: '2026-09-20' }));
    expect(r.mapping).toEqual([
      { column: 'A', header: 'Prefix', field: 'code' },
      { column: 'B', header: 'Destination', field: 'destination' },
      { column: 'C', header: 'Rate', field: 'rate' },
      { column: 'D', header: 'Effective Date', field: 'effective_from' },
      { column: 'E', header: 'Billing Increment', field: 'increment' },
      { column: 'F', header: 'Change', field: 'change' },
    ]);
    expect(template('CarrierX')).toEqual({
      mapping: { prefix: 'code', destination: 'destination', rate: 'rate', 'effective date': 'effective_from', 'billing increment': 'increment', change: 'change' },
      dateOrder: null,
    });
    expect(template('CarrierX', 'sell')).toBeUndefined();
  });

  it('map overrides a guess, and the override is reused by the next import without map', async () => {
    ok(await ws.engine.dispatch('carriers.create', { name: 'Promo Co' }));
    const header = 'Code,Destination,Rate,Promo,Effective Date,Billing Increment\n';
    const first = join(ws.dir, 'promo-nov.csv');
    const second = join(ws.dir, 'promo-dec.csv');
    writeFileSync(first, `${header}44,United Kingdom,0.0100,0.0080,2026-11-01,60/60\n49,Germany,0.0090,0.0070,2026-11-01,60/60\n`);
    writeFileSync(second, `${header}44,United Kingdom,0.0110,0.0085,2026-12-01,60/60\n49,Germany,0.0095,0.0072,2026-12-01,60/60\n`);

    const r1 = ok(await ws.engine.dispatch('decks.import', { file: first, carrier: 'Promo Co', side: 'buy', map: { Promo: 'rate', Rate: 'ignore' } }));
    expect(r1.mapping.filter((m) => m.header === 'Rate' || m.header === 'Promo')).toEqual([
      { column: 'C', header: 'Rate', field: 'ignore' },
      { column: 'D', header: 'Promo', field: 'rate' },
    ]);
    expect(template('Promo Co')?.mapping).toMatchObject({ promo: 'rate', rate: 'ignore' });

    const r2 = ok(await ws.engine.dispatch('decks.import', { file: second, carrier: 'Promo Co', side: 'buy', mode: 'partial', received: '2026-11-01' }));
    expect(r2.mapping.find((m) => m.header === 'Promo')?.field).toBe('rate');
    expect(r2.counts).toEqual({ new: 0, increase: 2, decrease: 0, unchanged: 0, closed: 0, blocked: 0 });
    const nov = ok(await ws.engine.dispatch('rates.lookup', { carrier: 'Promo Co', side: 'buy', number: '442071234567', at: '2026-11-15' }));
    const dec = ok(await ws.engine.dispatch('rates.lookup', { carrier: 'Promo Co', side: 'buy', number: '442071234567', at: '2026-12-15' }));
    expect([nov.rate, dec.rate]).toEqual(['0.0080', '0.0085']);
  });

  it('columns no synonym knows: refused until mapped ({ Tarif: "rate" }), then the saved mapping is reused', async () => {
    ok(await ws.engine.dispatch('carriers.create', { name: 'Tarif SA' }));
    const file = join(ws.dir, 'tarif.csv');
    writeFileSync(file, 'Indicatif,Pays,Tarif,Date\n33,France,0.0105,2026-11-01\n336,France - Mobile,0.0245,2026-11-01\n');
    const e = err(await ws.engine.dispatch('decks.import', { file, carrier: 'Tarif SA', side: 'buy' }));
    expect(e.code).toBe('DECK_NO_HEADER');
    expect(count(ws.dbPath, 'deck_templates')).toBe(0);

    const r1 = ok(await ws.engine.dispatch('decks.import', {
      file, carrier: 'Tarif SA', side: 'buy', headerRow: 1, map: { Indicatif: 'code', Pays: 'destination', Tarif: 'rate' },
    }));
    expect(r1.prefixes).toBe(2);
    expect(template('Tarif SA')?.mapping).toMatchObject({ indicatif: 'code', pays: 'destination', tarif: 'rate', date: 'effective_from' });

    const r2 = ok(await ws.engine.dispatch('decks.import', { file, carrier: 'Tarif SA', side: 'buy', headerRow: 1 }));
    expect(r2.counts.unchanged).toBe(2);
    const fr = ok(await ws.engine.dispatch('rates.lookup', { carrier: 'Tarif SA', side: 'buy', number: '33612345678', at: '2026-11-02' }));
    expect(fr).toMatchObject({ prefix: '336', destination: 'France - Mobile', rate: '0.0245' });
  });

  it('a saved mapping also finds the header row of the carrier\'s next deck, with no flags', async () => {
    ok(await ws.engine.dispatch('carriers.create', { name: 'Tarif SA' }));
    const file = join(ws.dir, 'tarif.csv');
    writeFileSync(file, 'Indicatif,Pays,Tarif,Date\n33,France,0.0105,2026-11-01\n336,France - Mobile,0.0245,2026-11-01\n');
    ok(await ws.engine.dispatch('decks.import', {
      file, carrier: 'Tarif SA', side: 'buy', headerRow: 1, map: { Indicatif: 'code', Pays: 'destination', Tarif: 'rate' },
    }));
    const again = ok(await ws.engine.dispatch('decks.import', { file, carrier: 'Tarif SA', side: 'buy' }));
    expect(again.sheets[0]?.headerRow).toBe(1);
    expect(again.counts.unchanged).toBe(2);
  });

  it('a date order given once is remembered in the template', async () => {
    ok(await ws.engine.dispatch('carriers.create', { name: 'US Carrier' }));
    ok(await ws.engine.dispatch('decks.import', { file: join(DECKS, 'us-style-mdy.csv'), carrier: 'US Carrier', side: 'buy', dateOrder: 'MDY' }));
    expect(template('US Carrier')?.dateOrder).toBe('MDY');

    // All-ambiguous dates, no date order given: the template's MDY reads 03/04/2026 as 4 March.
    const r = ok(await ws.engine.dispatch('decks.import', { file: join(BROKEN, 'ambiguous-date.csv'), carrier: 'US Carrier', side: 'buy', mode: 'partial', received: '2026-01-01' }));
    expect(r.prefixes).toBe(6);
    const uk = ok(await ws.engine.dispatch('rates.lookup', { carrier: 'US Carrier', side: 'buy', number: '442071234567', at: '2026-06-01' }));
    expect(uk.effectiveFrom).toBe('2026-03-04T00:00:00Z');
    expect(template('US Carrier')?.dateOrder).toBe('MDY');

    // The template is per side: the sell side has none, so the same file is refused there.
    const e = err(await ws.engine.dispatch('decks.import', { file: join(BROKEN, 'ambiguous-date.csv'), carrier: 'US Carrier', side: 'sell' }));
    expect(e.code).toBe('DECK_PARSE_ERROR');
  });

  it('saveTemplate: false leaves the template alone', async () => {
    ok(await ws.engine.dispatch('carriers.create', { name: 'US Carrier' }));
    ok(await ws.engine.dispatch('decks.import', { file: join(DECKS, 'us-style-mdy.csv'), carrier: 'US Carrier', side: 'buy', dateOrder: 'MDY', saveTemplate: false }));
    expect(template('US Carrier')).toBeUndefined();
  });
});
