import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeckImportReport } from '../../../core/api/contract.ts';
import { DECKS, count, err, ok, openWorkspace, query, type Workspace } from '../../helpers/workspace.ts';

/** fixtures/decks/README.md, "CarrierX: expected import results": v1 full → v2 partial → v3 full, side buy. */
describe('CarrierX v1 → v2 (partial) → v3 (full)', () => {
  let ws: Workspace;
  let v1: DeckImportReport;
  let v2: DeckImportReport;
  let v3: DeckImportReport;
  const carrier = 'CarrierX';
  const lookup = (number: string, at: string) => ws.engine.dispatch('rates.lookup', { carrier, side: 'buy', number, at });

  beforeAll(async () => {
    ws = openWorkspace();
    ok(await ws.engine.dispatch('carriers.create', { name: carrier }));
    v1 = ok(await ws.engine.dispatch('decks.import', { file: join(DECKS, 'carrierx-v1-full.csv'), carrier, side: 'buy', mode: 'full', received: '2026-09-20' }));
    v2 = ok(await ws.engine.dispatch('decks.import', { file: join(DECKS, 'carrierx-v2-partial.csv'), carrier, side: 'buy', mode: 'partial', received: '2026-10-10' }));
    v3 = ok(await ws.engine.dispatch('decks.import', { file: join(DECKS, 'carrierx-v3-full.csv'), carrier, side: 'buy', mode: 'full', received: '2026-10-25' }));
  });
  afterAll(() => ws.cleanup());

  it.each([
    { name: 'v1 full', get: () => v1, counts: { new: 40, increase: 0, decrease: 0, unchanged: 0, closed: 0, blocked: 0 }, prefixes: 40, violations: 0, disagreements: 0 },
    { name: 'v2 partial', get: () => v2, counts: { new: 1, increase: 5, decrease: 1, unchanged: 1, closed: 0, blocked: 0 }, prefixes: 8, violations: 1, disagreements: 0 },
    { name: 'v3 full', get: () => v3, counts: { new: 2, increase: 6, decrease: 4, unchanged: 26, closed: 4, blocked: 1 }, prefixes: 40, violations: 0, disagreements: 3 },
  ])('$name: counts per class, prefixes, violations, disagreements', ({ get, counts, prefixes, violations, disagreements }) => {
    const r = get();
    expect(r.counts).toEqual(counts);
    expect(r.prefixes).toBe(prefixes);
    expect(r.noticeViolationCount).toBe(violations);
    expect(r.noticeViolations).toHaveLength(violations);
    expect(r.disagreementCount).toBe(disagreements);
    expect(r.disagreements).toHaveLength(disagreements);
    expect(r.currency).toBe('USD');
    expect(r.dryRun).toBe(false);
  });

  it('received and closure instants are the README\'s', () => {
    expect(v1.receivedAt).toBe('2026-09-20T00:00:00Z');
    expect(v1.closuresAt).toBe('2026-10-01T00:00:00Z');
    expect(v2.receivedAt).toBe('2026-10-10T00:00:00Z');
    expect(v2.closuresAt).toBeNull();
    expect(v3.receivedAt).toBe('2026-10-25T00:00:00Z');
    expect(v3.closuresAt).toBe('2026-11-01T00:00:00Z');
  });

  it('v2: the one notice violation is Ukraine 380, effective 2026-10-12, notice until 2026-10-17', () => {
    expect(v2.noticeViolations).toEqual([
      { prefix: '380', destination: 'Ukraine', changeClass: 'increase', effectiveFrom: '2026-10-12T00:00:00Z', noticeUntil: '2026-10-17T00:00:00Z', row: 8 },
    ]);
  });

  it('v3: the deck\'s change column disagrees on 93, 234 and 380', () => {
    // The order of the list is not part of the contract; its content is.
    expect([...v3.disagreements].sort((a, b) => a.row - b.row)).toEqual([
      { prefix: '93', row: 2, deckSays: 'Increase', computed: 'unchanged' },
      { prefix: '234', row: 30, deckSays: 'Unchanged', computed: 'increase' },
      { prefix: '380', row: 36, deckSays: 'Unchanged', computed: 'decrease' },
    ]);
  });

  it('the stored classes of v3\'s rows are the README\'s lists', () => {
    const rows = query<{ prefix: string; change_class: string }>(
      ws.dbPath,
      'SELECT prefix, change_class FROM rates WHERE import_id = ? AND superseded_by_import_id IS NULL ORDER BY prefix',
      v3.importId,
    );
    const of = (cls: string) => rows.filter((r) => r.change_class === cls).map((r) => r.prefix).sort();
    expect(of('new')).toEqual(['254', '2547']);
    expect(of('increase')).toEqual(['234', '4915', '4916', '4917', '49', '54'].sort());
    expect(of('decrease')).toEqual(['380', '44', '614', '86'].sort());
    expect(of('closed')).toEqual(['2010', '355', '852', '971'].sort());
    expect(of('blocked')).toEqual(['9370']);
    // Unchanged rows are not stored again: the version in force carries on.
    expect(of('unchanged')).toEqual([]);
  });

  it.each([
    { name: 'UK before v3', number: '442071234567', at: '2026-10-31T23:59:59Z', prefix: '44', rate: '0.0065' },
    { name: 'UK from v3', number: '442071234567', at: '2026-11-01T00:00:00Z', prefix: '44', rate: '0.0061' },
    { name: 'UK under v2\'s unchanged row', number: '442071234567', at: '2026-10-25', prefix: '44', rate: '0.0065' },
    { name: 'Ukraine during the v2 increase', number: '380441234567', at: '2026-10-15', prefix: '380', rate: '0.1580' },
    { name: 'Ukraine before v2', number: '380441234567', at: '2026-10-11T23:59:59Z', prefix: '380', rate: '0.1450' },
    { name: 'Ukraine after v3\'s decrease', number: '380441234567', at: '2026-11-02', prefix: '380', rate: '0.1450' },
    { name: 'Afghanistan MTN is 93 before v2', number: '93771234567', at: '2026-10-19', prefix: '93', rate: '0.2150' },
    { name: 'Afghanistan MTN is its own code from v2', number: '93771234567', at: '2026-10-20', prefix: '9377', rate: '0.2410' },
    { name: 'Kenya mobile is new in v3', number: '254712345678', at: '2026-11-01', prefix: '2547', rate: '0.0960' },
    { name: 'France written 0.01050', number: '33123456789', at: '2026-11-05', prefix: '33', rate: '0.0105' },
    { name: 'UAE before its closure', number: '97141234567', at: '2026-10-31T23:59:59Z', prefix: '971', rate: '0.1520' },
    { name: 'Albania before its closure by omission', number: '35541234567', at: '2026-10-31T23:59:59Z', prefix: '355', rate: '0.1340' },
    { name: 'AWCC before it was blocked', number: '93701234567', at: '2026-10-31', prefix: '9370', rate: '0.2290' },
  ])('any past instant is re-rated exactly: $name', async ({ number, at, prefix, rate }) => {
    expect(ok(await lookup(number, at))).toMatchObject({ number, prefix, rate, currency: 'USD' });
  });

  it.each([
    { name: 'UAE, closed explicitly', number: '97141234567', prefix: '971' },
    { name: 'Albania, closed by omission', number: '35541234567', prefix: '355' },
    { name: 'Egypt Vodafone, closed by omission', number: '201012345678', prefix: '2010' },
    { name: 'Hong Kong, closed by omission', number: '85212345678', prefix: '852' },
  ])('a closed code has no rate from 2026-11-01: $name', async ({ number, prefix }) => {
    const e = err(await lookup(number, '2026-11-01T00:00:00Z'));
    expect(e.code).toBe('RATE_NOT_FOUND');
    expect(e.details).toMatchObject({ reason: 'closed code', prefix, since: '2026-11-01T00:00:00Z' });
  });

  it('a blocked code is refused with reason "blocked"', async () => {
    const e = err(await lookup('93701234567', '2026-11-02'));
    expect(e.code).toBe('RATE_NOT_FOUND');
    expect(e.details).toMatchObject({ reason: 'blocked', prefix: '9370', since: '2026-11-01T00:00:00Z' });
  });

  it('re-importing v3 adds nothing: every row unchanged, no new rate rows, an identical export', async () => {
    const outA = join(ws.dir, 'before.csv');
    const outB = join(ws.dir, 'after.csv');
    ok(await ws.engine.dispatch('rates.export', { carrier, side: 'buy', at: '2026-11-01', out: outA }));
    const ratesBefore = count(ws.dbPath, 'rates');
    const listBefore = ok(await ws.engine.dispatch('decks.list', { carrier }));
    expect(listBefore.map((d) => d.fileName)).toEqual(['carrierx-v3-full.csv', 'carrierx-v2-partial.csv', 'carrierx-v1-full.csv']);

    const again = ok(await ws.engine.dispatch('decks.import', { file: join(DECKS, 'carrierx-v3-full.csv'), carrier, side: 'buy', mode: 'full', received: '2026-10-25' }));
    expect(again.counts).toEqual({ new: 0, increase: 0, decrease: 0, unchanged: 40, closed: 0, blocked: 0 });
    expect(again.revised).toBe(0);
    expect(again.noticeViolationCount).toBe(0);
    expect(count(ws.dbPath, 'rates')).toBe(ratesBefore);
    expect(query(ws.dbPath, 'SELECT id FROM rates WHERE import_id = ?', again.importId)).toEqual([]);

    // The re-import is on record (who loaded what, when) but it changed nothing.
    const listAfter = ok(await ws.engine.dispatch('decks.list', { carrier }));
    expect(listAfter.slice(1)).toEqual(listBefore);
    expect(listAfter[0]).toMatchObject({ fileName: 'carrierx-v3-full.csv', counts: again.counts, noticeViolations: 0 });

    ok(await ws.engine.dispatch('rates.export', { carrier, side: 'buy', at: '2026-11-01', out: outB }));
    expect(readFileSync(outB, 'utf8')).toBe(readFileSync(outA, 'utf8'));
  });
});
