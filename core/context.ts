import { CarriersRepo } from './db/carriers-repo.ts';
import { CdrsRepo } from './db/cdrs-repo.ts';
import { DecksRepo } from './db/decks-repo.ts';
import { DisputesRepo } from './db/disputes-repo.ts';
import { InvoicesRepo } from './db/invoices-repo.ts';
import { ReconcileRepo } from './db/reconcile-repo.ts';
import { LcrRepo } from './db/lcr-repo.ts';
import { MetaRepo } from './db/meta-repo.ts';
import type { Db } from './db/open.ts';
import { RatesRepo } from './db/rates-repo.ts';
import { SettlementRepo } from './db/settlement-repo.ts';
import type { Jobs } from './jobs/jobs.ts';
import type { Logger } from './util/logger.ts';

/** What every handler gets: the store, the injected clock and logger, who is acting, and the job runner. */
export interface EngineContext {
  db: Db;
  dbPath: string;
  /** The built CDR reader worker, when there is one (see core/cdrs/produce.ts); null: imports read on the engine's thread. */
  importWorker: string | null;
  /** CDR imports may hold the workspace alone (see EngineOptions.writeAlone). */
  writeAlone: boolean;
  carriers: CarriersRepo;
  decks: DecksRepo;
  rates: RatesRepo;
  meta: MetaRepo;
  cdrs: CdrsRepo;
  invoices: InvoicesRepo;
  reconciliations: ReconcileRepo;
  disputes: DisputesRepo;
  settlement: SettlementRepo;
  lcr: LcrRepo;
  clock: () => number;
  log: Logger;
  actor: string;
  jobs: Jobs;
}

export function repositories(db: Db): Pick<EngineContext, 'carriers' | 'decks' | 'rates' | 'meta' | 'cdrs' | 'invoices' | 'reconciliations' | 'disputes' | 'settlement' | 'lcr'> {
  return { carriers: new CarriersRepo(db), decks: new DecksRepo(db), rates: new RatesRepo(db), meta: new MetaRepo(db), cdrs: new CdrsRepo(db),
    invoices: new InvoicesRepo(db), reconciliations: new ReconcileRepo(db), disputes: new DisputesRepo(db), settlement: new SettlementRepo(db), lcr: new LcrRepo(db) };
}
