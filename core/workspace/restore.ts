import { copyFileSync, mkdirSync, realpathSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { ParsedArgs } from '../api/contract.ts';
import { TrunklineError } from '../api/errors.ts';
import type { EngineContext } from '../context.ts';
import { checkWorkspaceFile, openDatabase, type Db } from '../db/open.ts';

/** `<folder of the workspace>/<name>-backups/<name>-<UTC stamp>-<why>.db`: beside it, sorted by time. */
export function automaticBackupPath(dbPath: string, nowMs: number, why: string): string {
  const name = basename(dbPath, extname(dbPath)) || 'workspace';
  const stamp = new Date(nowMs).toISOString().replace(/[:.]/g, '-');
  return join(dirname(resolve(dbPath)), `${name}-backups`, `${name}-${stamp}-${why}.db`);
}

/**
 * Before a migration touches an existing workspace (any host: the CLI and the web host too; the
 * desktop app passes its own folder): checkpoint, copy, rename when whole. If the copy fails, the
 * upgrade does not happen.
 */
export function backupBeforeMigrate(db: Db, dbPath: string, from: number, to: number, nowMs: number): void {
  const file = automaticBackupPath(dbPath, nowMs, `schema-${from}`);
  const tmp = `${file}.partial`;
  try {
    mkdirSync(dirname(file), { recursive: true });
    db.pragma('wal_checkpoint(TRUNCATE)');
    copyFileSync(dbPath, tmp);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new TrunklineError('EXPORT_FAILED', `cannot back up ${dbPath} before upgrading it (schema ${from} → ${to}), so it was not upgraded: ${(e as Error).message}`, { file });
  }
}

function same(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return resolve(a) === resolve(b);
  }
}

/**
 * Replaces the open workspace's content with a backup: the file is checked first (a Trunkline
 * workspace, not newer, not diverged, intact: anything else is refused and nothing changes), the
 * current content is backed up beside the workspace, then the backup's pages are copied in with
 * SQLite's online backup (the open connection sees the new content) and an older backup is
 * migrated to this version.
 */
export async function restoreWorkspace(ctx: EngineContext, args: ParsedArgs<'workspace.restore'>): Promise<{ restored: string; backup: string; schemaVersion: number }> {
  if (same(args.file, ctx.dbPath)) {
    throw new TrunklineError('INVALID_ARGUMENTS', `${args.file} is the open workspace itself; choose a backup file`, { file: args.file });
  }
  checkWorkspaceFile(args.file);
  const backup = automaticBackupPath(ctx.dbPath, ctx.clock(), 'before-restore');
  mkdirSync(dirname(backup), { recursive: true });
  try {
    await ctx.db.backup(`${backup}.partial`);
    renameSync(`${backup}.partial`, backup);
  } catch (e) {
    rmSync(`${backup}.partial`, { force: true });
    throw new TrunklineError('EXPORT_FAILED', `cannot back up ${ctx.dbPath} before restoring over it, so nothing was restored: ${(e as Error).message}`, { file: backup });
  }
  const source = new Database(args.file, { readonly: true, fileMustExist: true });
  try {
    await source.backup(ctx.dbPath);
  } finally {
    source.close();
  }
  // A backup from an older version: bring it up to this one (with its own backup first).
  const upgrade = openDatabase(ctx.dbPath, {
    now: ctx.clock,
    beforeMigrate: (db, from, to) => backupBeforeMigrate(db, ctx.dbPath, from, to, ctx.clock()),
  });
  upgrade.close();
  const schemaVersion = ctx.db.prepare('SELECT max(id) FROM schema_migrations').pluck().get() as number;
  ctx.log.info('workspace restored', { from: args.file, backup });
  return { restored: args.file, backup, schemaVersion };
}
