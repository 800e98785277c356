import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { APPLICATION_ID } from '../../../core/db/open.ts';
import { LATEST_SCHEMA, MIGRATIONS } from '../../../core/db/migrations.ts';
import { createEngineSession } from '../../../electron/engine-session.ts';
import type { HostReply, HostRequest } from '../../../electron/engine-protocol.ts';
import { DECKS, fixedClock } from '../../helpers/workspace.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function session() {
  const dir = mkdtempSync(join(tmpdir(), 'trunkline-host-'));
  dirs.push(dir);
  const replies: HostReply[] = [];
  const waiters: { match: (r: HostReply) => boolean; resolve: (r: HostReply) => void }[] = [];
  let exitCode: number | null = null;
  const handle = createEngineSession({
    post: (m) => {
      // Whatever crosses the parent port is structured-cloned: so is it here.
      const r = structuredClone(m);
      replies.push(r);
      for (const w of waiters.splice(0)) {
        if (w.match(r)) w.resolve(r);
        else waiters.push(w);
      }
    },
    exit: (code) => {
      exitCode = code;
    },
    clock: fixedClock,
  });
  const next = (match: (r: HostReply) => boolean) =>
    new Promise<HostReply>((resolve) => {
      const seen = replies.find(match);
      if (seen) resolve(seen);
      else waiters.push({ match, resolve });
    });
  let id = 0;
  const call = async (method: string, args: unknown) => {
    const n = ++id;
    handle({ type: 'call', id: n, method, args });
    const r = await next((m) => m.type === 'result' && m.id === n);
    return (r as Extract<HostReply, { type: 'result' }>).result;
  };
  const send = (m: HostRequest) => handle(m);
  return { dir, replies, next, call, send, exitCode: () => exitCode };
}

describe('engine session', () => {
  it('opens a workspace, answers calls, and validates arguments at dispatch', async () => {
    const s = session();
    const dbPath = join(s.dir, 'w.db');
    s.send({ type: 'start', dbPath, backupsDir: join(s.dir, 'backups') });
    // A call sent while the workspace opens waits for it.
    const early = s.call('carriers.create', { name: 'Acme', settings: { currency: 'usd' } });
    const ready = await s.next((m) => m.type !== 'event');
    expect(ready).toMatchObject({ type: 'ready', info: { dbPath, demo: false, carriers: 0 } });
    expect(await early).toMatchObject({ ok: true, data: { name: 'Acme', currency: 'USD' } });
    expect(await s.call('carriers.list', {})).toMatchObject({ ok: true, data: [{ name: 'Acme' }] });
    expect(await s.call('carriers.create', { name: '' })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENTS' } });
    expect(await s.call('carriers.drop', {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    s.send({ type: 'stop' });
    await new Promise((r) => setTimeout(r, 10));
    expect(s.exitCode()).toBe(0);
    expect(existsSync(`${dbPath}-wal`) ? 'wal left' : 'closed').toBe('closed');
  });

  it('reports a workspace it cannot open as fatal, and answers calls with that error', async () => {
    const s = session();
    const dbPath = join(s.dir, 'not-a-db.db');
    writeFileSync(dbPath, 'carrier,prefix,rate\n'.repeat(10));
    s.send({ type: 'start', dbPath, backupsDir: join(s.dir, 'backups') });
    expect(await s.next(() => true)).toMatchObject({ type: 'fatal', error: { code: 'DB_NOT_TRUNKLINE' } });
    expect(await s.call('carriers.list', {})).toMatchObject({ ok: false, error: { code: 'DB_NOT_TRUNKLINE' } });
  });

  it('backs the workspace up before a migration changes it', async () => {
    const s = session();
    const dbPath = join(s.dir, 'old.db');
    const backupsDir = join(s.dir, 'backups');
    // A workspace written by the first release: schema 1 only, with a carrier in it.
    const first = MIGRATIONS[0]!;
    const old = new Database(dbPath);
    old.pragma('journal_mode = WAL');
    old.exec('CREATE TABLE schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at_ms INTEGER NOT NULL)');
    old.exec(first.sql);
    old.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?, ?)').run(first.id, first.name, createHash('sha256').update(first.sql).digest('hex').slice(0, 16), 0);
    old.pragma(`application_id = ${APPLICATION_ID}`);
    old.close();
    expect(LATEST_SCHEMA).toBeGreaterThan(1);

    s.send({ type: 'start', dbPath, backupsDir });
    const backup = await s.next((m) => m.type === 'backup');
    expect(backup).toMatchObject({ type: 'backup', file: join(backupsDir, 'old-2026-10-28T12-00-00-000Z.db') });
    expect(await s.next((m) => m.type === 'ready')).toMatchObject({ info: { schemaVersion: LATEST_SCHEMA } });
    expect(readdirSync(backupsDir)).toEqual(['old-2026-10-28T12-00-00-000Z.db']);
    const copy = new Database(join(backupsDir, 'old-2026-10-28T12-00-00-000Z.db'), { readonly: true });
    expect(copy.prepare('SELECT max(id) FROM schema_migrations').pluck().get()).toBe(1);
    copy.close();
    s.send({ type: 'stop' });
  });

  it('does not upgrade a workspace it could not back up', async () => {
    const s = session();
    const dbPath = join(s.dir, 'old.db');
    const first = MIGRATIONS[0]!;
    const old = new Database(dbPath);
    old.exec('CREATE TABLE schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at_ms INTEGER NOT NULL)');
    old.exec(first.sql);
    old.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?, ?)').run(first.id, first.name, createHash('sha256').update(first.sql).digest('hex').slice(0, 16), 0);
    old.pragma(`application_id = ${APPLICATION_ID}`);
    old.close();
    // The backups folder cannot be made: a file is in its way.
    const blocker = join(s.dir, 'blocker');
    writeFileSync(blocker, '');
    s.send({ type: 'start', dbPath, backupsDir: join(blocker, 'backups') });
    expect(await s.next(() => true)).toMatchObject({ type: 'fatal', error: { code: 'EXPORT_FAILED' } });
    const after = new Database(dbPath, { readonly: true });
    expect(after.prepare('SELECT max(id) FROM schema_migrations').pluck().get()).toBe(1);
    after.close();
  });

  it('seeds the demo from the fixtures once, and marks it as the demo', async () => {
    const s = session();
    const dbPath = join(s.dir, 'demo.db');
    s.send({ type: 'start', dbPath, backupsDir: join(s.dir, 'backups'), fixturesDir: DECKS });
    const ready = await s.next((m) => m.type === 'ready' || m.type === 'fatal');
    expect(ready).toMatchObject({ type: 'ready', info: { demo: true, carriers: 3 } });
    expect((ready as { seedError?: unknown }).seedError).toBeUndefined();
    const decks = await s.call('decks.list', {});
    expect(decks.ok && (decks.data as unknown[]).length).toBe(5);
    s.send({ type: 'stop' });
  });
});
