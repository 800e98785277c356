import { existsSync, realpathSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { TrunklineError } from '../api/errors.ts';

function canonical(path: string): string {
  const abs = resolve(path);
  // The file may not exist yet: resolve its folder (symlinks included) and keep the name.
  try {
    return existsSync(abs) ? realpathSync(abs) : join(realpathSync(dirname(abs)), basename(abs));
  } catch {
    return abs;
  }
}

/**
 * A file the engine is asked to write (an export, a backup, a rejects file) must not be the
 * workspace database or one of SQLite's files beside it: writing there would destroy the
 * workspace while it is open.
 */
export function refuseWorkspaceTarget(dbPath: string, target: string | undefined, what: string): void {
  if (target === undefined || dbPath === ':memory:') return;
  const db = canonical(dbPath);
  const t = canonical(target);
  if ([db, `${db}-wal`, `${db}-shm`, `${db}-journal`].includes(t)) {
    throw new TrunklineError('INVALID_ARGUMENTS', `${what} "${target}" is the workspace database itself (or its journal); choose another file`, { file: target });
  }
}
