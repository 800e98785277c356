import { createHash } from 'node:crypto';
import { existsSync, fdatasync, mkdirSync, openSync, readSync, closeSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { TrunklineError } from '../api/errors.ts';
import { LATEST_SCHEMA, MIGRATIONS } from './migrations.ts';

export type Db = Database.Database;

/** The page size of a new workspace (see openDatabase). */
export const PAGE_SIZE = 16_384;

/** 'TRKL': marks a SQLite file as a Trunkline workspace. */
export const APPLICATION_ID = 0x54524b4c;
const SQLITE_MAGIC = 'SQLite format 3\u0000';

function checksum(sql: string): string {
  return createHash('sha256').update(sql).digest('hex').slice(0, 16);
}

function looksLikeSqlite(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(16);
    const n = readSync(fd, buf, 0, 16, 0);
    return n === 16 && buf.toString('latin1') === SQLITE_MAGIC;
  } finally {
    closeSync(fd);
  }
}

function busyTimeoutMs(): number {
  const v = process.env.TRUNKLINE_BUSY_TIMEOUT_MS;
  return v !== undefined && /^\d{1,6}$/.test(v) ? Number(v) : 10_000;
}

export interface OpenOptions {
  /** Called before pending migrations touch an existing workspace, to take a backup. */
  beforeMigrate?: (db: Db, from: number, to: number) => void;
  readonly?: boolean;
  now?: () => number;
}

/**
 * Opens (or creates) a workspace database. Refuses, without changing it, a file that is not SQLite,
 * a SQLite file of another application, one written by a newer Trunkline, or one whose migration
 * history differs from ours.
 */
export function openDatabase(path: string, options: OpenOptions = {}): Db {
  const exists = path !== ':memory:' && existsSync(path) && statSync(path).size > 0;
  if (exists && !looksLikeSqlite(path)) {
    throw new TrunklineError('DB_NOT_TRUNKLINE', `${path} is not a Trunkline workspace (it is not a SQLite database)`, { path });
  }
  if (path !== ':memory:' && !exists) mkdirSync(dirname(path), { recursive: true });
  let db: Db;
  try {
    db = new Database(path, { readonly: options.readonly ?? false });
  } catch (e) {
    throw new TrunklineError('DB_CORRUPT', `cannot open ${path}: ${(e as Error).message}`, { path });
  }
  try {
    // Writers from other processes (the app and a CLI run) take turns: wait up to 10 s for the
    // write lock, then answer DB_BUSY. TRUNKLINE_BUSY_TIMEOUT_MS changes the wait (tests shorten it).
    db.pragma(`busy_timeout = ${busyTimeoutMs()}`);
    const appId = db.pragma('application_id', { simple: true }) as number;
    const hasTables = (db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number }).n > 0;
    if (appId !== APPLICATION_ID && (appId !== 0 || hasTables)) {
      throw new TrunklineError('DB_NOT_TRUNKLINE', `${path} is a SQLite database of another application, not a Trunkline workspace`, { path });
    }
    if (!options.readonly) {
      // A new workspace gets 16 KiB pages (SQLite's default is 4 KiB): its big writes are appends of
      // wide calls and deck rows, which with four times fewer pages to fill, split and write insert
      // 10-15 % faster (27-column calls with their indexes: 3.2 against 3.6 us a call). Only an empty
      // file takes it (before the WAL and the first table); an existing workspace keeps its own.
      if (!hasTables) db.pragma(`page_size = ${PAGE_SIZE}`);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
    }
    db.pragma('foreign_keys = ON');
    db.pragma('cache_size = -32768');
    db.pragma('temp_store = MEMORY');
    migrate(db, path, options);
    return db;
  } catch (e) {
    db.close();
    if ((e as { code?: string }).code === 'SQLITE_BUSY') {
      // Another program holds the workspace (as a command-line CDR import writing it alone does) longer than the busy timeout.
      throw new TrunklineError('DB_BUSY', `${path} is busy: another program holds it (a CDR import run from the command line writes it alone); try again when it has finished`, { path });
    }
    throw e;
  }
}

/**
 * For one big write (a CDR import) when no other connection has the workspace open: leaves the WAL
 * for a rollback journal until `back()` is called. New pages are then written once, to the file
 * itself, where the WAL writes every page twice (the log, then the checkpoint into the file, each
 * synced): a 10M-call import spent a fifth of its time in that second copy. The write stays one
 * transaction, undone whole on failure and, after a crash, by the journal the next open finds. While
 * it runs, others wait for it (up to the busy timeout). Returns null, and changes nothing, when
 * another connection has the workspace open (the write then goes through the WAL as always).
 */
export function writeAlone(db: Db): { back(): boolean } | null {
  if (db.pragma('journal_mode', { simple: true }) !== 'wal') return null;
  const wait = db.pragma('busy_timeout', { simple: true }) as number;
  db.pragma('busy_timeout = 0');
  try {
    if (db.pragma('journal_mode = DELETE', { simple: true }) !== 'delete') return null;
  } catch {
    return null;
  } finally {
    db.pragma(`busy_timeout = ${wait}`);
  }
  return {
    /** Back to the WAL; false when a reader that came meanwhile held on past the busy timeout (the next open goes back). */
    back() {
      try {
        return db.pragma('journal_mode = WAL', { simple: true }) === 'wal';
      } catch {
        return false;
      }
    },
  };
}

/**
 * Has the kernel write a file's pages out now and then while a long write goes on (an fdatasync on
 * libuv's thread pool, never on the caller's thread), so the commit's own sync at the end does not
 * wait for all of them at once. Only an earlier durability: it changes nothing SQLite relies on, and
 * a failure (a system where a read-only handle cannot be synced) only turns it off.
 */
export function backgroundSync(path: string, every: number): { tick(): void; close(): Promise<void> } {
  let fd: number | null = null;
  try {
    fd = openSync(path, 'r');
  } catch {
    fd = null;
  }
  let ticks = 0;
  let running: Promise<void> | null = null;
  return {
    tick() {
      if (fd === null || running !== null || ++ticks % every !== 0) return;
      const handle = fd;
      running = new Promise<void>((resolve) => fdatasync(handle, (e) => {
        if (e) fd = null;
        running = null;
        resolve();
      }));
    },
    async close() {
      if (running) await running;
      if (fd !== null) closeSync(fd);
      fd = null;
    },
  };
}

function migrate(db: Db, path: string, options: OpenOptions): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at_ms INTEGER NOT NULL)`);
  const applied = db.prepare('SELECT id, checksum FROM schema_migrations ORDER BY id').all() as { id: number; checksum: string }[];
  const newest = applied.length ? applied[applied.length - 1]!.id : 0;
  if (newest > LATEST_SCHEMA) {
    throw new TrunklineError(
      'DB_NEWER_VERSION',
      `${path} was written by a newer Trunkline (schema ${newest}; this version knows up to ${LATEST_SCHEMA}). Update Trunkline to open it; the file was not changed.`,
      { path, schema: newest, supported: LATEST_SCHEMA },
    );
  }
  for (const row of applied) {
    const ours = MIGRATIONS.find((m) => m.id === row.id);
    if (!ours || checksum(ours.sql) !== row.checksum) {
      throw new TrunklineError(
        'DB_DIVERGED',
        `${path} has schema migration ${row.id} from a different build of Trunkline; it was not changed. Open it with the build that created it.`,
        { path, migration: row.id },
      );
    }
  }
  const pending = MIGRATIONS.filter((m) => m.id > newest);
  if (pending.length === 0) return;
  if (options.readonly) {
    throw new TrunklineError('DB_NEWER_VERSION', `${path} needs an upgrade, which a read-only open cannot do`, { path });
  }
  if (newest > 0) options.beforeMigrate?.(db, newest, LATEST_SCHEMA);
  const insert = db.prepare('INSERT INTO schema_migrations (id, name, checksum, applied_at_ms) VALUES (?, ?, ?, ?)');
  const run = db.transaction(() => {
    for (const m of pending) {
      db.exec(m.sql);
      insert.run(m.id, m.name, checksum(m.sql), (options.now ?? Date.now)());
    }
    db.pragma(`application_id = ${APPLICATION_ID}`);
    db.pragma(`user_version = ${LATEST_SCHEMA}`);
  });
  run.immediate();
}

/**
 * Checks, read-only and without changing it, that a file is a sound Trunkline workspace this
 * version can open: SQLite, ours (application_id), not newer, same migration history, intact.
 * Returns its schema version. Used before a backup is restored over the open workspace.
 */
export function checkWorkspaceFile(path: string): { schema: number } {
  if (!existsSync(path)) throw new TrunklineError('FILE_NOT_FOUND', `${path}: no such file`, { file: path });
  if (statSync(path).size === 0 || !looksLikeSqlite(path)) {
    throw new TrunklineError('DB_NOT_TRUNKLINE', `${path} is not a Trunkline workspace (it is not a SQLite database)`, { path });
  }
  let db: Db;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch (e) {
    throw new TrunklineError('DB_CORRUPT', `cannot open ${path}: ${(e as Error).message}`, { path });
  }
  try {
    const appId = db.pragma('application_id', { simple: true }) as number;
    if (appId !== APPLICATION_ID) {
      throw new TrunklineError('DB_NOT_TRUNKLINE', `${path} is a SQLite database of another application, not a Trunkline workspace`, { path });
    }
    const applied = db.prepare('SELECT id, checksum FROM schema_migrations ORDER BY id').all() as { id: number; checksum: string }[];
    const newest = applied.length ? applied[applied.length - 1]!.id : 0;
    if (newest > LATEST_SCHEMA) {
      throw new TrunklineError('DB_NEWER_VERSION', `${path} was written by a newer Trunkline (schema ${newest}; this version knows up to ${LATEST_SCHEMA})`, { path, schema: newest, supported: LATEST_SCHEMA });
    }
    for (const row of applied) {
      const ours = MIGRATIONS.find((m) => m.id === row.id);
      if (!ours || checksum(ours.sql) !== row.checksum) {
        throw new TrunklineError('DB_DIVERGED', `${path} has schema migration ${row.id} from a different build of Trunkline`, { path, migration: row.id });
      }
    }
    const integrity = (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check);
    if (integrity.join() !== 'ok') {
      throw new TrunklineError('DB_CORRUPT', `${path} is damaged: ${integrity.slice(0, 3).join('; ')}`, { path });
    }
    return { schema: newest };
  } catch (e) {
    if (e instanceof TrunklineError) throw e;
    throw new TrunklineError('DB_CORRUPT', `${path} cannot be read as a workspace: ${(e as Error).message}`, { path });
  } finally {
    db.close();
  }
}

