import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schemas } from '../../../core/api/contract.ts';
import { createEngine, type Engine } from '../../../core/engine.ts';
import { DECKS, ROOT, fixedClock, ok } from '../../helpers/workspace.ts';
import { BUDGET } from '../helpers/budget.ts';

/**
 * The audit trail is append-only: deck imports, rate versions, carrier settings history, CDR
 * imports and calls as recorded (and dispute events, migration 5). Migration 9's triggers refuse
 * edits in SQL itself; and no contract method, whatever it is sent, changes a recorded row.
 * Another append-only table is one entry in AUDIT (with the columns later work may recompute).
 */
const AUDIT: { table: string; key: string; recomputed: string[] }[] = [
  { table: 'deck_imports', key: 'id', recomputed: [] },
  // A later import may mark a version superseded and move its derived end; nothing else.
  { table: 'rates', key: 'id', recomputed: ['superseded_by_import_id', 'effective_to_ms'] },
  { table: 'carrier_settings_history', key: 'carrier_id, version', recomputed: [] },
  { table: 'cdr_imports', key: 'id', recomputed: [] },
  // A call as recorded; its rating on each side (and its legs) is what re-rating recomputes.
  { table: 'cdrs', key: 'id', recomputed: ['buy_status', 'buy_reason', 'buy_rate_id', 'buy_billed_s', 'buy_amount_e8', 'buy_exact_x60', 'sell_status', 'sell_reason', 'sell_rate_id', 'sell_billed_s', 'sell_amount_e8', 'sell_exact_x60', 'customer_id', 'vendor_id'] },
  { table: 'dispute_events', key: 'dispute_id, seq', recomputed: [] },
];

let tmp: string;
let dbPath: string;
let engine: Engine;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'trunkline-audit-'));
  dbPath = join(tmp, 'ws.db');
  engine = createEngine({ dbPath, clock: fixedClock, actor: 'auditor' });
  ok(await engine.dispatch('carriers.create', { name: 'Audit', settings: { roles: 'both', timezone: 'UTC' } }));
  ok(await engine.dispatch('carriers.update', { name: 'Audit', settings: { paymentTermsDays: 45 }, note: 'terms' }));
  ok(await engine.dispatch('decks.import', { file: join(DECKS, 'carrierx-v1-full.csv'), carrier: 'Audit', side: 'buy', received: '2026-09-20' }));
  ok(await engine.dispatch('decks.import', { file: join(DECKS, 'carrierx-v3-full.csv'), carrier: 'Audit', side: 'buy', received: '2026-10-25' }));
  ok(await engine.dispatch('cdrs.import', { file: join(ROOT, 'fixtures', 'cdrs', 'carrier-generic.csv'), carrier: 'Audit', source: 'carrier', timezone: 'UTC' }));
  // A dispute with its events, through the dispute workflow: opened by hand (a draft), then submitted.
  const dispute = ok(await engine.dispatch('disputes.open', { carrier: 'Audit', period: '2026-10', lines: [{ cause: 'volume', destination: 'United Kingdom', amount: '1.00' }] }));
  ok(await engine.dispatch('disputes.set', { id: dispute.id, state: 'submitted' }));
});
afterAll(() => {
  engine.close();
  rmSync(tmp, { recursive: true, force: true });
});

function snapshot(db: Database.Database): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  for (const a of AUDIT) {
    const cols = (db.prepare(`PRAGMA table_info(${a.table})`).all() as { name: string }[]).map((c) => c.name).filter((c) => !a.recomputed.includes(c));
    const rows = new Map<string, string>();
    for (const r of db.prepare(`SELECT ${a.key.split(', ').map((k) => `${k} AS "k_${k}"`).join(', ')}, ${cols.join(', ')} FROM ${a.table}`).all() as Record<string, unknown>[]) {
      const key = a.key.split(', ').map((k) => String(r[`k_${k}`])).join('/');
      rows.set(key, JSON.stringify(cols.map((c) => r[c])));
    }
    out.set(a.table, rows);
  }
  return out;
}

function expectUnchanged(before: Map<string, Map<string, string>>, after: Map<string, Map<string, string>>): void {
  for (const [table, rows] of before) {
    const now = after.get(table)!;
    expect(rows.size, `${table} has rows to protect`).toBeGreaterThan(0);
    for (const [key, value] of rows) expect(now.get(key), `${table} row ${key}`).toBe(value);
  }
}

describe('append-only in SQL (migration 8 and migration 5 triggers)', () => {
  const refused: [string, string][] = [
    ['a deck import edited', 'UPDATE deck_imports SET file_name = \'other.csv\' WHERE id = 1'],
    ['a deck import deleted', 'DELETE FROM deck_imports WHERE id = 1'],
    ['a rate version re-priced', 'UPDATE rates SET rate_per_min_e8 = 1 WHERE id = 1'],
    ['a rate version moved to another prefix', 'UPDATE rates SET prefix = \'999\' WHERE id = 1'],
    ['a rate version deleted', 'DELETE FROM rates WHERE id = 1'],
    ['a superseded version revived', 'UPDATE rates SET superseded_by_import_id = import_id + 1 WHERE id = 1; UPDATE rates SET superseded_by_import_id = NULL WHERE id = 1'],
    ['a superseded version handed to another import', 'UPDATE rates SET superseded_by_import_id = import_id + 1 WHERE id = 1; UPDATE rates SET superseded_by_import_id = import_id + 2 WHERE id = 1'],
    ['a version superseded by its own or an earlier import', 'UPDATE rates SET superseded_by_import_id = import_id WHERE superseded_by_import_id IS NULL'],
    ['a settings version rewritten', 'UPDATE carrier_settings_history SET settings_json = \'{}\''],
    ['a settings version deleted', 'DELETE FROM carrier_settings_history'],
    ['a finished CDR import edited', 'UPDATE cdr_imports SET rows_imported = 0'],
    ['a CDR import deleted', 'DELETE FROM cdr_imports'],
    ['a call re-dated', 'UPDATE cdrs SET start_ms = start_ms + 1'],
    ['a call\'s number changed', 'UPDATE cdrs SET called = \'1\''],
    ['a call\'s carrier charge changed', 'UPDATE cdrs SET carrier_charge_e8 = 0'],
    ['a call deleted', 'DELETE FROM cdrs'],
    ['a dispute event edited', 'UPDATE dispute_events SET note = \'x\''],
    ['a dispute event deleted', 'DELETE FROM dispute_events'],
  ];
  it.each(refused.map(([name, sql]) => ({ name, sql })))('refused: $name', ({ sql }) => {
    const db = new Database(dbPath);
    try {
      const before = snapshot(db);
      db.exec('BEGIN');
      try {
        expect(() => db.exec(sql)).toThrow(/append-only|superseded once/);
      } finally {
        if (db.inTransaction) db.exec('ROLLBACK');
      }
      expectUnchanged(before, snapshot(db));
    } finally {
      db.close();
    }
  });

  it('allowed: what imports and re-rating do (supersede once, move an end, re-rate a call)', () => {
    const db = new Database(dbPath);
    try {
      db.exec('BEGIN');
      const live = db.prepare('SELECT id, import_id FROM rates WHERE superseded_by_import_id IS NULL LIMIT 1').get() as { id: number; import_id: number };
      db.prepare('UPDATE rates SET superseded_by_import_id = ? WHERE id = ?').run(live.import_id + 1, live.id);
      db.prepare('UPDATE rates SET effective_to_ms = 1 WHERE id = ?').run(live.id);
      db.exec('UPDATE cdrs SET buy_status = 2, buy_reason = 1, customer_id = NULL');
      db.exec('ROLLBACK');
    } finally {
      db.close();
    }
  });
});

describe('append-only through the contract', () => {
  it('no method, sent hostile arguments, changes a recorded row', async () => {
    const before = snapshot(engine.context.db);
    const methods = Object.keys(schemas);
    const hostileValue = fc.oneof(
      fc.constantFrom('Audit', 'buy', 'sell', 'own', 'carrier', 'full', 'partial', "Audit'; DELETE FROM rates; --", '1; DROP TABLE deck_imports',
        '2026-11-01', '0', '-1', '', null, 1, -1, 0, 1e308, true, { id: 1 }, [1], 'rate', 'superseded_by_import_id'),
      fc.string({ maxLength: 8 }), fc.integer(),
    );
    // Inputs may be real files (the workspace itself included); outputs only the workspace's own files
    // (which must be refused) or scratch files: never a fixture of the repository.
    const files = fc.constantFrom(dbPath, join(DECKS, 'carrierx-v2-partial.csv'), join(ROOT, 'fixtures', 'cdrs', 'carrier-generic.csv'), join(tmp, 'missing.csv'));
    const outs = fc.constantFrom(dbPath, `${dbPath}-wal`, `${dbPath}-shm`, join(tmp, 'out.csv'), join(tmp, 'out.xlsx'));
    const keys = ['skipBadRows', 'dryRun', 'name', 'carrier', 'side', 'source', 'mode', 'number', 'at', 'from', 'to', 'jobId', 'id', 'prefix', 'rename', 'note', 'startRow', 'endRow', 'received', 'effective', 'format', 'timezone'];
    const called = new Set<string>();
    for (const method of methods) {
      await fc.assert(fc.asyncProperty(fc.dictionary(fc.constantFrom(...keys), hostileValue, { maxKeys: 8 }), files, outs, async (args, file, out) => {
        called.add(method);
        const r = await engine.dispatch(method as never, { ...args, file, out, rejectsFile: out, settings: args.settings ?? {} });
        expect(typeof r.ok).toBe('boolean');
      }), { numRuns: Math.max(10, Math.floor(BUDGET.fuzzRuns / 10)), seed: BUDGET.seed });
    }
    expect([...called].sort()).toEqual([...methods].sort());
    expectUnchanged(before, snapshot(engine.context.db));
    expect((engine.context.db.pragma('integrity_check') as { integrity_check: string }[])[0]!.integrity_check).toBe('ok');
  }, 300_000);
});
