import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { baseDeck, writeAsteriskCdrs, writeDeckCsv } from '../../../bench/generate.ts';
import { createEngine, type Engine } from '../../../core/engine.ts';
import { backgroundSync, openDatabase, writeAlone } from '../../../core/db/open.ts';
import { fixedClock, ok, tempDir } from '../../helpers/workspace.ts';

/**
 * The CLI's CDR import writes the workspace alone when no other connection has it open: a rollback
 * journal for its one transaction instead of the WAL, with the file's pages synced as it goes.
 */
let dir: ReturnType<typeof tempDir>;
beforeEach(() => {
  dir = tempDir('trunkline-alone-');
});
afterEach(() => dir.cleanup());

describe('writing a workspace alone', () => {
  it('leaves the WAL only when no other connection has the workspace open, and goes back', () => {
    const path = join(dir.dir, 'w.db');
    const db = openDatabase(path);
    try {
      const other = new Database(path, { readonly: true });
      other.prepare('SELECT count(*) FROM carriers').get();
      expect(writeAlone(db)).toBeNull();
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      other.close();
      const alone = writeAlone(db);
      expect(alone).not.toBeNull();
      expect(db.pragma('journal_mode', { simple: true })).toBe('delete');
      expect(alone!.back()).toBe(true);
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      db.close();
    }
  });

  it('background syncs are harmless: ticks, a close that waits, and a file that cannot be opened', async () => {
    const path = join(dir.dir, 'w.db');
    openDatabase(path).close();
    const s = backgroundSync(path, 2);
    for (let i = 0; i < 10; i++) s.tick();
    await s.close();
    s.tick();
    await s.close();
    const none = backgroundSync(join(dir.dir, 'missing.db'), 1);
    none.tick();
    await none.close();
  });

  it('a CDR import with writeAlone imports the same calls as through the WAL, and leaves the workspace in WAL', async () => {
    const rows = baseDeck(2_000, 4);
    const deck = join(dir.dir, 'deck.csv');
    await writeDeckCsv(deck, rows);
    // More than 64 batches of 4,096 calls: the file's pages are synced in the background at least once.
    const calls = join(dir.dir, 'calls.csv');
    await writeAsteriskCdrs(calls, 300_000, rows, 5);
    const run = async (writeAloneOption: boolean): Promise<{ report: unknown; rows: unknown; mode: string }> => {
      const path = join(dir.dir, `w-${String(writeAloneOption)}.db`);
      const engine: Engine = createEngine({ dbPath: path, clock: fixedClock, actor: 'tester', writeAlone: writeAloneOption });
      try {
        ok(await engine.dispatch('carriers.create', { name: 'V', settings: { roles: 'vendor', timezone: 'UTC' } }));
        ok(await engine.dispatch('decks.import', { file: deck, carrier: 'V', side: 'buy', received: '2026-09-20' }));
        const report = ok(await engine.dispatch('cdrs.import', { file: calls, carrier: 'V', source: 'own' }));
        const db = engine.context.db;
        return {
          report: { ...report, importId: 0 },
          rows: db.prepare('SELECT count(*) AS n, sum(buy_amount_e8) AS amount, sum(start_ms % 1000003) AS starts FROM cdrs').get(),
          mode: db.pragma('journal_mode', { simple: true }) as string,
        };
      } finally {
        engine.close();
        expect(existsSync(`${path}-journal`)).toBe(false);
      }
    };
    const alone = await run(true);
    const shared = await run(false);
    expect(alone.mode).toBe('wal');
    expect(alone).toEqual(shared);
    expect((alone.report as { imported: number }).imported).toBe(300_000);
  }, 120_000);
});
