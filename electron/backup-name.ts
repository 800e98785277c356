import { basename, extname, join } from 'node:path';

/** `<backupsDir>/<workspace name>-<UTC timestamp>.db`: sorts by time, safe on every file system. */
export function automaticBackupPath(backupsDir: string, dbPath: string, nowMs: number): string {
  const name = basename(dbPath, extname(dbPath)) || 'workspace';
  const stamp = new Date(nowMs).toISOString().replace(/[:.]/g, '-');
  return join(backupsDir, `${name}-${stamp}.db`);
}
