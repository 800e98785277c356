import { copyFileSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import type { MethodName } from '../core/api/contract.ts';
import { TrunklineError, type ErrorBody } from '../core/api/errors.ts';
import { createEngine, toErrorResult, type Engine, type EngineOptions } from '../core/engine.ts';
import type { Db } from '../core/db/open.ts';
import { silentLogger, type Logger } from '../core/util/logger.ts';
import { automaticBackupPath } from './backup-name.ts';
import type { HostReply, HostRequest, StartOptions } from './engine-protocol.ts';

export interface SessionDeps {
  post(message: HostReply): void;
  exit(code: number): void;
  log?: Logger;
  clock?: () => number;
  createEngine?: (options: EngineOptions) => Engine;
  /** The built CDR reader worker (dist/cdr-import-worker.mjs beside the engine host's folder). */
  importWorker?: string;
}

/**
 * The engine host's logic, apart from the utilityProcess plumbing (engine-host.ts) so it runs and
 * is tested under plain Node. Calls are answered concurrently: a long import never blocks a
 * `jobs.cancel` or a grid page.
 */
export function createEngineSession(deps: SessionDeps): (message: HostRequest) => void {
  const log = deps.log ?? silentLogger;
  const clock = deps.clock ?? Date.now;
  const make = deps.createEngine ?? createEngine;
  let engine: Engine | null = null;
  let fatal: ErrorBody | null = null;
  let starting: Promise<void> | null = null;

  const start = async (options: StartOptions): Promise<void> => {
    try {
      engine = make({
        dbPath: options.dbPath,
        ...(deps.importWorker ? { importWorker: deps.importWorker } : {}),
        log,
        clock,
        ...(options.actor ? { actor: options.actor } : {}),
        beforeMigrate: (db, from, to) => backupBeforeMigrate(db, options, from, to),
      });
    } catch (e) {
      fatal = errorBody(e, log);
      deps.post({ type: 'fatal', error: fatal });
      return;
    }
    engine.on((event) => deps.post({ type: 'event', event }));
    let seedError: ErrorBody | undefined;
    if (options.fixturesDir) {
      const seeded = await engine.dispatch('workspace.seedDemo', { fixturesDir: options.fixturesDir });
      if (!seeded.ok) seedError = seeded.error;
    }
    const info = await engine.dispatch('workspace.info', {});
    if (!info.ok) {
      fatal = info.error;
      deps.post({ type: 'fatal', error: fatal });
      return;
    }
    deps.post(seedError ? { type: 'ready', info: info.data, seedError } : { type: 'ready', info: info.data });
  };

  /**
   * Runs inside the migration's open, synchronously: checkpoint the WAL into the main file, copy
   * it beside the others, rename when whole. If the copy fails the upgrade does not happen.
   */
  const backupBeforeMigrate = (db: Db, options: StartOptions, from: number, to: number): void => {
    const file = automaticBackupPath(options.backupsDir, options.dbPath, clock());
    const tmp = `${file}.partial`;
    try {
      mkdirSync(dirname(file), { recursive: true });
      db.pragma('wal_checkpoint(TRUNCATE)');
      copyFileSync(options.dbPath, tmp);
      renameSync(tmp, file);
    } catch (e) {
      try {
        rmSync(tmp, { force: true });
      } catch {
        // The folder itself is unusable: nothing was written to remove.
      }
      throw new TrunklineError('EXPORT_FAILED', `cannot back up ${options.dbPath} before upgrading it (schema ${from} → ${to}), so it was not upgraded: ${(e as Error).message}`, { file });
    }
    deps.post({ type: 'backup', file, reason: `before upgrading the workspace from schema ${from} to ${to}` });
  };

  const call = async (id: number, method: string, args: unknown): Promise<void> => {
    if (starting) await starting;
    if (!engine) {
      deps.post({ type: 'result', id, result: { ok: false, error: fatal ?? { code: 'INTERNAL_ERROR', message: 'the engine has not been started' } } });
      return;
    }
    let result;
    try {
      // dispatch validates the method and its arguments with the contract's schemas: the single edge.
      result = await engine.dispatch(method as MethodName, args);
    } catch (e) {
      result = toErrorResult(e, log, method);
    }
    deps.post({ type: 'result', id, result });
  };

  return (message) => {
    switch (message.type) {
      case 'start':
        if (engine || starting || fatal) {
          log.warn('engine host started twice; ignored');
          return;
        }
        starting = start(message).finally(() => {
          starting = null;
        });
        return;
      case 'call':
        void call(message.id, message.method, message.args);
        return;
      case 'stop':
        // Closing checkpoints the WAL: the workspace is one whole file again when the host exits.
        void (starting ?? Promise.resolve()).then(() => {
          try {
            engine?.close();
          } catch (e) {
            log.warn('closing the workspace failed', { error: (e as Error).message });
          }
          engine = null;
          deps.exit(0);
        });
        return;
    }
  };
}

function errorBody(e: unknown, log: Logger): ErrorBody {
  const r = toErrorResult(e, log, 'workspace.open');
  return r.ok ? { code: 'INTERNAL_ERROR', message: String(e) } : r.error;
}
