import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TrunklineError, type ErrorCode } from '../../../core/api/errors.ts';
import { createEngine } from '../../../core/engine.ts';
import { PAGE_SIZE } from '../../../core/db/open.ts';
import { DECKS, fixedClock, ok, sha256, tempDir } from '../../helpers/workspace.ts';

function openError(dbPath: string): TrunklineError {
  try {
    const e = createEngine({ dbPath, clock: fixedClock });
    e.close();
  } catch (e) {
    if (e instanceof TrunklineError) return e;
    throw e;
  }
  throw new Error(`createEngine opened ${dbPath}`);
}

/** A real workspace with a carrier and a deck in it, closed again. */
async function makeWorkspace(dbPath: string): Promise<void> {
  const engine = createEngine({ dbPath, clock: fixedClock });
  ok(await engine.dispatch('carriers.create', { name: 'CarrierX' }));
  ok(await engine.dispatch('decks.import', { file: join(DECKS, 'carrierx-v1-full.csv'), carrier: 'CarrierX', side: 'buy', received: '2026-09-20' }));
  engine.close();
}

function tamper(dbPath: string, sql: string): void {
  const db = new Database(dbPath);
  db.exec(sql);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

describe('database lifecycle', () => {
  let tmp: { dir: string; cleanup(): void };
  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(() => tmp.cleanup());

  it('a new file becomes a workspace; reopening it keeps its data', async () => {
    const dbPath = join(tmp.dir, 'sub', 'folder', 'ws.db');
    await makeWorkspace(dbPath);
    const engine = createEngine({ dbPath, clock: fixedClock });
    try {
      expect(ok(await engine.dispatch('decks.list', {}))).toHaveLength(1);
      expect(ok(await engine.dispatch('rates.lookup', { carrier: 'CarrierX', side: 'buy', number: '4420', at: '2026-10-02' })).rate).toBe('0.0065');
    } finally {
      engine.close();
    }
  });

  it('a new workspace has 16 KiB pages; one made with 4 KiB pages keeps them, and its data', async () => {
    const fresh = join(tmp.dir, 'fresh.db');
    await makeWorkspace(fresh);
    const pageSize = (path: string): number => {
      const db = new Database(path, { readonly: true });
      try {
        return db.pragma('page_size', { simple: true }) as number;
      } finally {
        db.close();
      }
    };
    expect(pageSize(fresh)).toBe(PAGE_SIZE);
    // An older workspace: the same data on 4 KiB pages (as every workspace was made before).
    const old = join(tmp.dir, 'old.db');
    const copy = new Database(fresh);
    copy.exec(`VACUUM INTO '${old}'`);
    copy.close();
    const small = new Database(old);
    small.pragma('journal_mode = DELETE');
    small.pragma('page_size = 4096');
    small.exec('VACUUM');
    small.close();
    expect(pageSize(old)).toBe(4096);
    const engine = createEngine({ dbPath: old, clock: fixedClock });
    try {
      expect(ok(await engine.dispatch('rates.lookup', { carrier: 'CarrierX', side: 'buy', number: '4420', at: '2026-10-02' })).rate).toBe('0.0065');
      ok(await engine.dispatch('carriers.create', { name: 'CarrierY' }));
    } finally {
      engine.close();
    }
    expect(pageSize(old)).toBe(4096);
  });

  it.each([
    { name: 'a text file', content: 'prefix,rate\n44,0.01\n' },
    { name: 'random bytes', content: Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)) },
  ])('DB_NOT_TRUNKLINE for a file that is not SQLite ($name), unchanged', ({ content }) => {
    const dbPath = join(tmp.dir, 'not-a-db.db');
    writeFileSync(dbPath, content);
    const before = sha256(dbPath);
    const e = openError(dbPath);
    expect(e.code satisfies ErrorCode).toBe('DB_NOT_TRUNKLINE');
    expect(e.message).toContain(dbPath);
    expect(sha256(dbPath)).toBe(before);
  });

  it('DB_NOT_TRUNKLINE for a SQLite database of another application, unchanged', () => {
    const dbPath = join(tmp.dir, 'other-app.db');
    const db = new Database(dbPath);
    db.exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('hello');");
    db.close();
    const before = sha256(dbPath);
    expect(openError(dbPath).code).toBe('DB_NOT_TRUNKLINE');
    expect(sha256(dbPath)).toBe(before);
    const check = new Database(dbPath, { readonly: true });
    expect(check.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all()).toEqual([{ name: 'notes' }]);
    check.close();
  });

  it('DB_NEWER_VERSION for a workspace whose schema is newer than ours; the file\'s bytes are unchanged', async () => {
    const dbPath = join(tmp.dir, 'newer.db');
    await makeWorkspace(dbPath);
    tamper(dbPath, "INSERT INTO schema_migrations (id, name, checksum, applied_at_ms) VALUES (999, 'from the future', 'ffffffffffffffff', 0)");
    const before = sha256(dbPath);
    const e = openError(dbPath);
    expect(e.code).toBe('DB_NEWER_VERSION');
    expect(e.details).toMatchObject({ schema: 999 });
    expect(sha256(dbPath)).toBe(before);
    // Refused again, the same way: the first refusal left no trace.
    expect(openError(dbPath).code).toBe('DB_NEWER_VERSION');
    expect(sha256(dbPath)).toBe(before);
  });

  it('DB_DIVERGED for a workspace whose migration checksum differs from ours; unchanged', async () => {
    const dbPath = join(tmp.dir, 'diverged.db');
    await makeWorkspace(dbPath);
    tamper(dbPath, "UPDATE schema_migrations SET checksum = '0000000000000000' WHERE id = 1");
    const before = sha256(dbPath);
    const e = openError(dbPath);
    expect(e.code).toBe('DB_DIVERGED');
    expect(e.details).toMatchObject({ migration: 1 });
    expect(sha256(dbPath)).toBe(before);
  });
});
