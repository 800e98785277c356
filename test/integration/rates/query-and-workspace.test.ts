import { LATEST_SCHEMA } from '../../../core/db/migrations.ts';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DECKS, err, ok, openWorkspace, type Workspace } from '../../helpers/workspace.ts';

let ws: Workspace;
beforeEach(async () => {
  ws = openWorkspace();
  for (const name of ['CarrierX', 'Other']) ok(await ws.engine.dispatch('carriers.create', { name, settings: { timezone: 'UTC' } }));
  const imp = (file: string, carrier: string, mode: 'full' | 'partial', received: string) =>
    ws.engine.dispatch('decks.import', { file: join(DECKS, file), carrier, side: 'buy', mode, received });
  ok(await imp('carrierx-v1-full.csv', 'CarrierX', 'full', '2026-09-20'));
  ok(await imp('carrierx-v2-partial.csv', 'CarrierX', 'partial', '2026-10-10'));
  ok(await imp('carrierx-v3-full.csv', 'CarrierX', 'full', '2026-10-25'));
  ok(await imp('eurotel-semicolon.csv', 'Other', 'full', '2026-10-20'));
});
afterEach(() => ws.cleanup());

describe('rates.query: the rates grid pages from SQLite', () => {
  it('pages in prefix order across carriers, with a full tie-breaker, and says where it ends', async () => {
    const all = ok(await ws.engine.dispatch('rates.query', { startRow: 0, endRow: 1000, at: '2026-11-02' }));
    expect(all.lastRow).toBe(all.rows.length);
    for (let i = 1; i < all.rows.length; i++) {
      const a = all.rows[i - 1]!;
      const b = all.rows[i]!;
      const order = a.prefix < b.prefix ? -1 : a.prefix > b.prefix ? 1 : a.effectiveFrom < b.effectiveFrom ? -1 : a.effectiveFrom > b.effectiveFrom ? 1 : a.id - b.id;
      expect(order, `${a.prefix}/${a.id} before ${b.prefix}/${b.id}`).toBeLessThan(0);
    }
    const first = ok(await ws.engine.dispatch('rates.query', { startRow: 0, endRow: 10, at: '2026-11-02' }));
    const second = ok(await ws.engine.dispatch('rates.query', { startRow: 10, endRow: 20, at: '2026-11-02' }));
    expect(first.lastRow).toBeNull();
    expect([...first.rows, ...second.rows].map((r) => r.id)).toEqual(all.rows.slice(0, 20).map((r) => r.id));
  });

  it('filters by carrier, side, prefix (a range, not a pattern) and destination text', async () => {
    const page = ok(await ws.engine.dispatch('rates.query', { carrier: 'CarrierX', side: 'buy', prefix: '44', startRow: 0, endRow: 100, at: '2026-11-02' }));
    expect(page.rows.length).toBeGreaterThan(0);
    expect(page.rows.every((r) => r.carrier === 'CarrierX' && r.prefix.startsWith('44'))).toBe(true);
    const dest = ok(await ws.engine.dispatch('rates.query', { destination: 'king', startRow: 0, endRow: 100, at: '2026-11-02' }));
    expect(dest.rows.length).toBeGreaterThan(0);
    expect(dest.rows.every((r) => /king/i.test(r.destination))).toBe(true);
    const literal = ok(await ws.engine.dispatch('rates.query', { destination: '%', startRow: 0, endRow: 100 }));
    expect(literal.rows).toEqual([]);
  });

  it('shows what was in force "as of" an instant: closed codes drop out after their closure', async () => {
    const before = ok(await ws.engine.dispatch('rates.query', { carrier: 'CarrierX', startRow: 0, endRow: 1000, at: '2026-10-15' }));
    const after = ok(await ws.engine.dispatch('rates.query', { carrier: 'CarrierX', startRow: 0, endRow: 1000, at: '2026-11-02' }));
    expect(before.rows.map((r) => r.prefix)).toContain('355');
    expect(after.rows.map((r) => r.prefix)).not.toContain('355');
    expect(after.rows.find((r) => r.prefix === '9370')?.kind).toBe('blocked');
    const every = ok(await ws.engine.dispatch('rates.query', { carrier: 'CarrierX', scope: 'all', prefix: '355', startRow: 0, endRow: 100 }));
    expect(every.rows.map((r) => r.kind)).toEqual(['rate', 'closed']);
  });

  it('sorts server-side by rate (exact integers, not text) and by destination', async () => {
    const page = ok(await ws.engine.dispatch('rates.query', { carrier: 'CarrierX', startRow: 0, endRow: 1000, at: '2026-11-02', sort: [{ colId: 'rate', sort: 'desc' }] }));
    const rates = page.rows.filter((r) => r.rate !== null).map((r) => r.rate!);
    const scaled = rates.map((r) => BigInt(r.replace('.', '').padEnd(10, '0')));
    for (let i = 1; i < scaled.length; i++) expect(scaled[i - 1]! >= scaled[i]!).toBe(true);
  });

  it('refuses a page larger than 1000 rows or an unknown sort column', async () => {
    expect(err(await ws.engine.dispatch('rates.query', { startRow: 0, endRow: 5000 })).code).toBe('INVALID_ARGUMENTS');
    expect(err(await ws.engine.dispatch('rates.query', { startRow: 0, endRow: 10, sort: [{ colId: 'id; DROP TABLE rates', sort: 'asc' }] } as never)).code).toBe('INVALID_ARGUMENTS');
  });
});

describe('rates.history: every version of one prefix', () => {
  it('lists versions oldest first, with the file each came from and the closure', async () => {
    const h = ok(await ws.engine.dispatch('rates.history', { carrier: 'CarrierX', side: 'buy', prefix: '355' }));
    expect(h.map((v) => [v.kind, v.changeClass, v.fileName])).toEqual([
      ['rate', 'new', 'carrierx-v1-full.csv'],
      ['closed', 'closed', 'carrierx-v3-full.csv'],
    ]);
    expect(h[0]!.effectiveTo).toBe(h[1]!.effectiveFrom);
  });
});

describe('workspace', () => {
  it('describes itself', async () => {
    const info = ok(await ws.engine.dispatch('workspace.info', {}));
    expect(info).toEqual({ dbPath: ws.dbPath, schemaVersion: LATEST_SCHEMA, demo: false, carriers: 2, deckImports: 4 });
  });

  it('backs up online to a file that opens with the same data', async () => {
    const out = join(ws.dir, 'backup.db');
    const r = ok(await ws.engine.dispatch('workspace.backup', { out }));
    expect(r.bytes).toBeGreaterThan(0);
    const copy = new Database(out, { readonly: true });
    const n = (sql: string) => copy.prepare(sql).pluck().get();
    expect(n('SELECT count(*) FROM deck_imports')).toBe(4);
    expect(n('PRAGMA integrity_check')).toBe('ok');
    copy.close();
    expect(existsSync(`${out}.partial-${process.pid}`)).toBe(false);
  });

  it('seeds the demo only into an empty workspace, once, and marks it', async () => {
    expect(err(await ws.engine.dispatch('workspace.seedDemo', { fixturesDir: DECKS })).code).toBe('INVALID_ARGUMENTS');
    const fresh = openWorkspace();
    try {
      const first = ok(await fresh.engine.dispatch('workspace.seedDemo', { fixturesDir: DECKS }));
      expect(first.seeded).toBe(true);
      expect(first.imported.map((i) => i.file)).toEqual([
        'carrierx-v1-full.csv', 'carrierx-v2-partial.csv', 'carrierx-v3-full.csv', 'acme-notes-block.xlsx', 'eurotel-semicolon.csv',
      ]);
      expect(ok(await fresh.engine.dispatch('workspace.seedDemo', { fixturesDir: DECKS })).seeded).toBe(false);
      expect(ok(await fresh.engine.dispatch('workspace.info', {})).demo).toBe(true);
    } finally {
      fresh.cleanup();
    }
  });
});
