import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import type { z } from 'zod';
import { schemas, type MethodName, type Output, type ParsedArgs } from './api/contract.ts';
import { TrunklineError } from './api/errors.ts';
import type { EngineEvent } from './api/events.ts';
import type { Result } from './api/result.ts';
import { createCarrier, requireCarrier, updateCarrier } from './carriers/handlers.ts';
import { repositories, type EngineContext } from './context.ts';
import { importDeck } from './decks/import-deck.ts';
import { explainCdr, queryCdrs } from './cdrs/browse.ts';
import { exportCdrs, summariseCdrs } from './cdrs/handlers.ts';
import { importCdrs } from './cdrs/import-cdrs.ts';
import { marginByDestination } from './cdrs/margin.ts';
import { runRating } from './rating/rerate.ts';
import { inspectDeck } from './decks/inspect-deck.ts';
import { openDatabase, type OpenOptions } from './db/open.ts';
import { Jobs } from './jobs/jobs.ts';
import { exportRates, lookupRate } from './rates/handlers.ts';
import { queryRates, rateHistory } from './rates/query.ts';
import { backupWorkspace, seedDemo, workspaceInfo } from './workspace/handlers.ts';
import { backupBeforeMigrate, restoreWorkspace } from './workspace/restore.ts';
import { silentLogger, type Logger } from './util/logger.ts';
import { getInvoice, importInvoice, inspectInvoice, periodNamer } from './invoices/handlers.ts';
import { runReconciliation } from './reconcile/run-reconciliation.ts';
import { exportReconciliation } from './reconcile/export-reconciliation.ts';
import { getDispute, listDisputes, openDispute, setDispute } from './disputes/handlers.ts';
import { exportDispute } from './disputes/export-dispute.ts';
import { SETTLEMENT_WRITERS, settlementHandlers } from './settlement/handlers.ts';
import { lcrExport, lcrMatrix, lcrTable } from './lcr/handlers.ts';
import { whatIf } from './lcr/whatif.ts';
import { refuseWorkspaceTarget } from './util/target-path.ts';

export interface EngineOptions {
  dbPath: string;
  clock?: () => number;
  log?: Logger;
  /** Who is acting: recorded with every import and change. */
  actor?: string;
  beforeMigrate?: OpenOptions['beforeMigrate'];
  /**
   * The built CDR reader worker (dist/cdr-import-worker.mjs): CDR imports read and rate on it while
   * this thread writes. Default: TRUNKLINE_IMPORT_WORKER, else dist/ under the working folder; false: never.
   */
  importWorker?: string | false;
  /**
   * A CDR import of one carrier's file may hold the workspace alone, without the WAL, when no other
   * connection has it open (core/db/open.ts writeAlone): faster, but a program that opens the
   * workspace meanwhile waits for it. For one-command runs (the CLI); the app and `serve` leave it
   * off, so their other screens and jobs keep reading while an import runs.
   */
  writeAlone?: boolean;
}

function findImportWorker(option: string | false | undefined): string | null {
  if (option === false) return null;
  for (const candidate of [option, process.env.TRUNKLINE_IMPORT_WORKER, join(process.cwd(), 'dist', 'cdr-import-worker.mjs')]) {
    if (candidate && existsSync(candidate)) return candidate;
  }
  return null;
}

export interface Engine {
  readonly dbPath: string;
  dispatch<M extends MethodName>(method: M, args: unknown): Promise<Result<Output<M>>>;
  /** Subscribes to engine events; returns the unsubscribe function. */
  on(listener: (e: EngineEvent) => void): () => void;
  close(): void;
  /** For in-process callers (benchmarks, later capabilities): the context the handlers use. */
  readonly context: EngineContext;
}

type Handlers = { [M in MethodName]: (ctx: EngineContext, args: ParsedArgs<M>) => Output<M> | Promise<Output<M>> };

const handlers: Handlers = {
  'carriers.create': createCarrier,
  'carriers.list': (ctx) => ctx.carriers.list(),
  'carriers.get': (ctx, a) => requireCarrier(ctx, a.name),
  'carriers.update': updateCarrier,
  'decks.inspect': inspectDeck,
  'decks.import': (ctx, a) => ctx.jobs.run('decks.import', a.jobId, (job) => importDeck(ctx, a, job)),
  'decks.list': (ctx, a) => {
    const c = a.carrier ? requireCarrier(ctx, a.carrier) : undefined;
    return ctx.decks.list(c?.id, a.side);
  },
  'rates.lookup': lookupRate,
  'rates.export': (ctx, a) => ctx.jobs.run('rates.export', a.jobId, (job) => exportRates(ctx, a, job)),
  'rates.query': queryRates,
  'rates.history': rateHistory,
  'workspace.info': workspaceInfo,
  'workspace.backup': backupWorkspace,
  'workspace.restore': restoreWorkspace,
  'workspace.seedDemo': seedDemo,
  'cdrs.import': (ctx, a) => ctx.jobs.run('cdrs.import', a.jobId, (job) => importCdrs(ctx, a, job)),
  'cdrs.list': (ctx, a) => ctx.cdrs.list(a.carrier ? requireCarrier(ctx, a.carrier).id : undefined),
  'rating.run': (ctx, a) => ctx.jobs.run('rating.run', a.jobId, (job) => runRating(ctx, a, job)),
  'cdrs.summary': summariseCdrs,
  'cdrs.margin': marginByDestination,
  'cdrs.export': (ctx, a) => ctx.jobs.run('cdrs.export', a.jobId, (job) => exportCdrs(ctx, a, job)),
  'cdrs.query': queryCdrs,
  'cdrs.explain': explainCdr,
  // Least-cost routing (issue 5): reads only.
  'lcr.table': lcrTable,
  'lcr.export': (ctx, a) => ctx.jobs.run('lcr.export', a.jobId, (job) => lcrExport(ctx, a, job)),
  'lcr.matrix': lcrMatrix,
  'lcr.whatif': (ctx, a) => ctx.jobs.run('lcr.whatif', a.jobId, (job) => whatIf(ctx, a, job)),
  'jobs.cancel': (ctx, a) => ({ cancelled: ctx.jobs.cancel(a.jobId) }),
  'invoices.inspect': inspectInvoice,
  'invoices.import': (ctx, a) => ctx.jobs.run('invoices.import', a.jobId, () => importInvoice(ctx, a)),
  'invoices.list': (ctx, a) => ctx.invoices.list(a.carrier ? requireCarrier(ctx, a.carrier).id : undefined, periodNamer(ctx)),
  'invoices.get': (ctx, a) => getInvoice(ctx, a.id),
  'reconcile.run': (ctx, a) => ctx.jobs.run('reconcile.run', a.jobId, (job) => runReconciliation(ctx, a, job)),
  'reconcile.get': (ctx, a) => {
    const r = ctx.reconciliations.get(a.id);
    if (!r) throw new TrunklineError('RECONCILIATION_NOT_FOUND', `no reconciliation #${a.id}`, { id: a.id });
    return r;
  },
  'reconcile.list': (ctx, a) => ctx.reconciliations.list(a.carrier ? requireCarrier(ctx, a.carrier).id : undefined),
  'reconcile.discrepancies': (ctx, a) => {
    const rows = ctx.reconciliations.discrepancies(a.id, a.class, a.startRow, a.endRow - a.startRow + 1);
    const more = rows.length > a.endRow - a.startRow;
    return { rows: rows.slice(0, a.endRow - a.startRow), lastRow: more ? null : a.startRow + rows.length };
  },
  'reconcile.export': (ctx, a) => ctx.jobs.run('reconcile.export', a.jobId, (job) => exportReconciliation(ctx, a, job)),
  'disputes.open': openDispute,
  'disputes.list': listDisputes,
  'disputes.get': (ctx, a) => getDispute(ctx, a.id, a.evidenceLimit),
  'disputes.set': setDispute,
  'disputes.export': (ctx, a) => ctx.jobs.run('disputes.export', a.jobId, () => exportDispute(ctx, a)),
  ...settlementHandlers,
};

/**
 * Methods that write. They run one at a time: a CDR import keeps its transaction open across
 * many event-loop turns, and another write arriving meanwhile (a carrier edit from the window)
 * would otherwise land inside that transaction and share its fate on cancel. Reads never wait.
 */
const WRITERS: ReadonlySet<MethodName> = new Set<MethodName>([
  'carriers.create', 'carriers.update', 'decks.import', 'cdrs.import', 'rating.run', 'workspace.seedDemo', 'workspace.restore',
  'invoices.import', 'reconcile.run', 'disputes.open', 'disputes.set',
  ...SETTLEMENT_WRITERS,
]);

/** Arguments naming a file the method writes: never the workspace itself (issue 8). */
const WRITTEN_FILES: Partial<Record<MethodName, string>> = {
  'rates.export': 'out', 'cdrs.export': 'out', 'workspace.backup': 'out', 'cdrs.import': 'rejectsFile',
};

function defaultActor(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

export function toErrorResult(e: unknown, log: Logger, method: string): Result<never> {
  if (e instanceof TrunklineError) return { ok: false, error: e.toBody() };
  const code = (e as { code?: string }).code;
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
    return { ok: false, error: { code: 'DB_BUSY', message: 'the workspace is busy with another program\'s write; try again in a moment' } };
  }
  if (code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB') {
    return { ok: false, error: { code: 'DB_CORRUPT', message: `the workspace database is damaged: ${(e as Error).message}` } };
  }
  log.error('internal error', { method, error: (e as Error).message, stack: (e as Error).stack });
  return { ok: false, error: { code: 'INTERNAL_ERROR', message: `internal error in ${method}: ${(e as Error).message}` } };
}

export function createEngine(options: EngineOptions): Engine {
  const log = options.log ?? silentLogger;
  const clock = options.clock ?? Date.now;
  const db = openDatabase(options.dbPath, {
    beforeMigrate: options.beforeMigrate ?? ((d, from, to) => backupBeforeMigrate(d, options.dbPath, from, to, clock())),
    now: clock,
  });
  const listeners = new Set<(e: EngineEvent) => void>();
  let writes: Promise<void> = Promise.resolve();
  const emit = (e: EngineEvent): void => {
    for (const l of listeners) {
      try {
        l(e);
      } catch (err) {
        log.warn('event listener failed', { error: (err as Error).message });
      }
    }
  };
  const ctx: EngineContext = {
    db, dbPath: options.dbPath, importWorker: findImportWorker(options.importWorker), writeAlone: options.writeAlone ?? false, ...repositories(db), clock, log, actor: options.actor ?? defaultActor(), jobs: new Jobs(emit),
  };
  return {
    dbPath: options.dbPath,
    context: ctx,
    async dispatch<M extends MethodName>(method: M, args: unknown): Promise<Result<Output<M>>> {
      const schema = (schemas as Record<string, z.ZodType>)[method];
      if (!schema) return { ok: false, error: { code: 'UNKNOWN_METHOD', message: `no method "${String(method)}"` } };
      const parsed = schema.safeParse(args ?? {});
      if (!parsed.success) {
        const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
        return {
          ok: false,
          error: {
            code: 'INVALID_ARGUMENTS',
            message: issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; '),
            details: { issues },
          },
        };
      }
      const handler = handlers[method] as (c: EngineContext, a: unknown) => Output<M> | Promise<Output<M>>;
      const run = async (): Promise<Result<Output<M>>> => {
        try {
          const target = WRITTEN_FILES[method];
          if (target) refuseWorkspaceTarget(ctx.dbPath, (parsed.data as Record<string, string | undefined>)[target], target);
          return { ok: true, data: await handler(ctx, parsed.data) };
        } catch (e) {
          return toErrorResult(e, log, method);
        }
      };
      if (!WRITERS.has(method)) return run();
      const turn = writes.then(run);
      writes = turn.then(() => undefined);
      return turn;
    },
    on(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      db.close();
    },
  };
}
