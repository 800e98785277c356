import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import type { ErrorBody } from '../../core/api/errors.ts';
import type { Result } from '../../core/api/result.ts';
import { createEngine, type Engine } from '../../core/engine.ts';

export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const DECKS = join(ROOT, 'fixtures', 'decks');
export const BROKEN = join(ROOT, 'fixtures', 'decks-broken');

/** The instant every test engine believes it is: after all the fixture decks were received. */
export const NOW_ISO = '2026-10-28T12:00:00Z';
export const NOW_MS = Date.parse(NOW_ISO);
export const fixedClock = (): number => NOW_MS;

export interface Workspace {
  dir: string;
  dbPath: string;
  engine: Engine;
  /** Closes the engine (if still open) and removes the folder. */
  cleanup(): void;
}

/** A fresh folder and a real SQLite workspace file in it, opened with the fixed clock (or the test's own). */
export function openWorkspace(prefix = 'trunkline-it-', clock: () => number = fixedClock): Workspace {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const dbPath = join(dir, 'workspace.db');
  const engine = createEngine({ dbPath, clock, actor: 'tester' });
  let closed = false;
  return {
    dir,
    dbPath,
    engine,
    cleanup() {
      if (!closed) {
        closed = true;
        try {
          engine.close();
        } catch {
          // already closed by the test
        }
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function tempDir(prefix = 'trunkline-it-'): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The data of a successful call; a failed one fails the test with its error. */
export function ok<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`expected success, got ${r.error.code}: ${r.error.message}`);
  return r.data;
}

/** The error of a failed call; a successful one fails the test. */
export function err<T>(r: Result<T>): ErrorBody {
  if (r.ok) throw new Error(`expected an error, got success: ${JSON.stringify(r.data).slice(0, 300)}`);
  return r.error;
}

/** Runs a read-only query on the workspace file, beside the open engine. */
export function query<T>(dbPath: string, sql: string, ...params: unknown[]): T[] {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

export function count(dbPath: string, table: string): number {
  return query<{ n: number }>(dbPath, `SELECT count(*) AS n FROM ${table}`)[0]!.n;
}

export function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}
