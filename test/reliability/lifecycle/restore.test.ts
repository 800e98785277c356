import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../../core/engine.ts';
import { LATEST_SCHEMA, MIGRATIONS } from '../../../core/db/migrations.ts';
import { DECKS, err, fixedClock, ok, sha256, tempDir } from '../../helpers/workspace.ts';
import { ensureCliBuilt, runCli } from '../helpers/cli.ts';
import { fingerprintFile, samePrint } from '../helpers/fingerprint.ts';

/**
 * The workspace's life: an automatic backup before a migration (every host, not only the desktop
 * app), backups restored through the contract and the CLI, and files that are not sound Trunkline
 * workspaces refused with the workspace left as it was.
 */
let tmp: { dir: string; cleanup(): void };
beforeEach(() => {
  tmp = tempDir('trunkline-life-');
});
afterEach(() => tmp.cleanup());

async function workspace(path: string, carriers: string[]): Promise<Engine> {
  const e = createEngine({ dbPath: path, clock: fixedClock, actor: 'tester' });
  for (const c of carriers) ok(await e.dispatch('carriers.create', { name: c }));
  if (carriers.length) ok(await e.dispatch('decks.import', { file: join(DECKS, 'carrierx-v1-full.csv'), carrier: carriers[0]!, side: 'buy', received: '2026-09-20' }));
  return e;
}

/** Rewinds a workspace to how the previous migration left it (drops what the latest one made). */
function rewindLatestMigration(path: string): void {
  const db = new Database(path);
  const latest = MIGRATIONS[MIGRATIONS.length - 1]!;
  for (const m of latest.sql.matchAll(/CREATE TRIGGER (\w+)/g)) db.exec(`DROP TRIGGER ${m[1]}`);
  for (const m of latest.sql.matchAll(/CREATE (?:UNIQUE )?INDEX (\w+)/g)) db.exec(`DROP INDEX ${m[1]}`);
  for (const m of latest.sql.matchAll(/CREATE TABLE (\w+)/g)) db.exec(`DROP TABLE ${m[1]}`);
  // An index it dropped (to re-create it otherwise) comes back as an earlier migration defined it.
  const earlier = MIGRATIONS.slice(0, -1).map((m) => m.sql).join('\n');
  for (const m of latest.sql.matchAll(/DROP INDEX (\w+)/g)) {
    const defs = [...earlier.matchAll(new RegExp(`CREATE (?:UNIQUE )?INDEX ${m[1]} ON [^;]+;`, 'g'))];
    expect(defs.length, `index ${m[1]} dropped by the latest migration is defined by an earlier one`).toBeGreaterThan(0);
    db.exec(defs[defs.length - 1]![0]);
  }
  expect(latest.sql.replace(/DROP INDEX \w+;/g, ''), 'the latest migration only adds tables, indexes and triggers, and re-creates indexes (else teach this helper to undo it)').not.toMatch(/ALTER|DROP/);
  db.prepare('DELETE FROM schema_migrations WHERE id = ?').run(latest.id);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

function backupsOf(dir: string): string[] {
  const folder = join(dir, 'ws-backups');
  return existsSync(folder) ? readdirSync(folder).map((f) => join(folder, f)) : [];
}

describe('automatic backup before a migration', () => {
  it('an older workspace opened by the engine (CLI or web host) is backed up first, as it was', async () => {
    const path = join(tmp.dir, 'ws.db');
    (await workspace(path, ['CarrierX'])).close();
    rewindLatestMigration(path);
    const before = fingerprintFile(path);
    const e = createEngine({ dbPath: path, clock: fixedClock });
    expect(ok(await e.dispatch('workspace.info', {})).schemaVersion).toBe(LATEST_SCHEMA);
    e.close();
    const backups = backupsOf(tmp.dir);
    expect(backups).toHaveLength(1);
    expect(backups[0]).toMatch(/ws-2026-10-28T12-00-00-000Z-schema-\d+\.db$/);
    expect(samePrint(fingerprintFile(backups[0]!), before)).toBe(true);
  });
});

describe('workspace.restore', () => {
  it('restores a backup: the content comes back, the replaced content is kept beside the workspace', async () => {
    const path = join(tmp.dir, 'ws.db');
    const e = await workspace(path, ['CarrierX']);
    const saved = join(tmp.dir, 'saved.db');
    ok(await e.dispatch('workspace.backup', { out: saved }));
    ok(await e.dispatch('carriers.create', { name: 'Added Later' }));
    const r = ok(await e.dispatch('workspace.restore', { file: saved }));
    expect(r.schemaVersion).toBe(LATEST_SCHEMA);
    expect(ok(await e.dispatch('carriers.list', {})).map((c) => c.name)).toEqual(['CarrierX']);
    expect(ok(await e.dispatch('rates.lookup', { carrier: 'CarrierX', side: 'buy', number: '4420', at: '2026-10-02' })).rate).toBe('0.0065');
    // The engine keeps working on the restored content, and the file stays sound.
    ok(await e.dispatch('carriers.create', { name: 'After Restore' }));
    e.close();
    const kept = new Database(r.backup, { readonly: true });
    expect(kept.prepare('SELECT name FROM carriers ORDER BY id').pluck().all()).toEqual(['CarrierX', 'Added Later']);
    kept.close();
    const check = new Database(path, { readonly: true });
    expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
    check.close();
  });

  it('an older backup is brought up to this version after it is restored', async () => {
    const old = join(tmp.dir, 'old.db');
    (await workspace(old, ['Old Carrier'])).close();
    rewindLatestMigration(old);
    const e = await workspace(join(tmp.dir, 'ws.db'), []);
    const r = ok(await e.dispatch('workspace.restore', { file: old }));
    expect(r.schemaVersion).toBe(LATEST_SCHEMA);
    expect(ok(await e.dispatch('carriers.list', {})).map((c) => c.name)).toEqual(['Old Carrier']);
    e.close();
  });

  const refusals: { name: string; code: string; make: (file: string, dir: string) => Promise<void> | void }[] = [
    { name: 'a text file', code: 'DB_NOT_TRUNKLINE', make: (f) => writeFileSync(f, 'prefix,rate\n44,0.01\n') },
    { name: 'a missing file', code: 'FILE_NOT_FOUND', make: () => {} },
    { name: 'another application\'s SQLite database', code: 'DB_NOT_TRUNKLINE', make: (f) => { const d = new Database(f); d.exec('CREATE TABLE notes (body TEXT)'); d.close(); } },
    {
      name: 'a workspace from a newer Trunkline', code: 'DB_NEWER_VERSION', make: async (f) => {
        (await workspace(f, ['Newer'])).close();
        const d = new Database(f);
        d.prepare('INSERT INTO schema_migrations (id, name, checksum, applied_at_ms) VALUES (?, ?, ?, 0)').run(LATEST_SCHEMA + 50, 'from the future', 'x');
        d.close();
      },
    },
    {
      name: 'a workspace of a diverged build', code: 'DB_DIVERGED', make: async (f) => {
        (await workspace(f, ['Diverged'])).close();
        const d = new Database(f);
        d.exec("UPDATE schema_migrations SET checksum = 'different' WHERE id = 1");
        d.close();
      },
    },
    {
      name: 'a damaged workspace', code: 'DB_CORRUPT', make: async (f) => {
        (await workspace(f, ['Damaged'])).close();
        const b = readFileSync(f);
        for (let i = 4096 * 3; i < Math.min(b.length, 4096 * 12); i++) b[i] = (i * 31) & 0xff;
        writeFileSync(f, b);
      },
    },
  ];
  it.each(refusals)('refuses $name ($code): the workspace and the file are left as they were', async ({ code, make }) => {
    const path = join(tmp.dir, 'ws.db');
    const e = await workspace(path, ['Current']);
    const file = join(tmp.dir, 'candidate.db');
    await make(file, tmp.dir);
    const fileBefore = existsSync(file) ? sha256(file) : null;
    const before = fingerprintFile(path);
    const error = err(await e.dispatch('workspace.restore', { file }));
    expect(error.code).toBe(code);
    expect(error.message).toContain(file);
    expect(samePrint(fingerprintFile(path), before)).toBe(true);
    expect(backupsOf(tmp.dir)).toEqual([]);
    if (fileBefore) expect(sha256(file)).toBe(fileBefore);
    e.close();
  });

  it('refuses to restore the workspace onto itself, and to back up or export over it', async () => {
    const path = join(tmp.dir, 'ws.db');
    const e = await workspace(path, ['Current']);
    expect(err(await e.dispatch('workspace.restore', { file: path })).code).toBe('INVALID_ARGUMENTS');
    expect(err(await e.dispatch('workspace.backup', { out: path })).code).toBe('INVALID_ARGUMENTS');
    expect(err(await e.dispatch('workspace.backup', { out: `${path}-wal` })).code).toBe('INVALID_ARGUMENTS');
    expect(ok(await e.dispatch('carriers.list', {}))).toHaveLength(1);
    e.close();
  });
});

describe('trunkline workspace backup / restore', () => {
  it('round trip from the command line; a foreign file exits 3 and changes nothing', async () => {
    ensureCliBuilt();
    const db = join(tmp.dir, 'ws.db');
    const cli = (...args: string[]) => runCli(['--db', db, ...args], { cwd: tmp.dir });
    expect((await cli('carriers', 'add', 'First')).code).toBe(0);
    const saved = join(tmp.dir, 'saved.db');
    expect((await cli('workspace', 'backup', saved)).code).toBe(0);
    expect((await cli('carriers', 'add', 'Second')).code).toBe(0);
    const restored = await cli('--json', 'workspace', 'restore', saved);
    expect(restored.code, restored.stderr).toBe(0);
    expect(JSON.parse(restored.stdout)).toMatchObject({ restored: saved, schemaVersion: LATEST_SCHEMA });
    expect(JSON.parse((await cli('--json', 'carriers', 'list')).stdout).map((c: { name: string }) => c.name)).toEqual(['First']);
    const foreign = join(tmp.dir, 'notes.db');
    writeFileSync(foreign, 'not a database');
    const refused = await cli('workspace', 'restore', foreign);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('not a Trunkline workspace');
    expect(JSON.parse((await cli('--json', 'carriers', 'list')).stdout)).toHaveLength(1);
  });
});
