import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { baseDeck, nextDeck, writeAsteriskCdrs, writeDeckCsv, type DeckRowSpec } from '../../../bench/generate.ts';
import { createEngine } from '../../../core/engine.ts';
import { fixedClock } from '../../helpers/workspace.ts';
import { RECON_INVOICE, RECON_PERIOD, writeReconFiles } from './recon-data.ts';

export const CARRIER = 'Crash Carrier';

/** Seeded inputs and the prepared workspaces the operations start from, built once per run. */
export interface Stage {
  work: string;
  deckRows: number;
  cdrRows: number;
  /** Own calls of the reconciliation's month (the vendor's file has about as many). */
  reconRows: number;
  seed: number;
  v1: DeckRowSpec[];
  files: { v1: string; v2: string; cdrs: string; reconOwn: string; reconCarrier: string; reconInvoice: string };
  /** Workspace files by stage name, built on first use from the one before. */
  dbs: Map<string, string>;
}

async function must<T>(p: Promise<{ ok: true; data: T } | { ok: false; error: { code: string; message: string } }>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.data;
}

export async function makeStage(work: string, deckRows: number, cdrRows: number, seed: number, reconRows = cdrRows): Promise<Stage> {
  const v1 = baseDeck(deckRows, seed);
  const files = {
    v1: join(work, 'deck-v1.csv'), v2: join(work, 'deck-v2.csv'), cdrs: join(work, 'cdrs-master.csv'),
    reconOwn: join(work, 'recon-own.csv'), reconCarrier: join(work, 'recon-carrier.csv'), reconInvoice: join(work, 'recon-invoice.csv'),
  };
  await writeDeckCsv(files.v1, v1);
  await writeDeckCsv(files.v2, nextDeck(v1, seed + 1));
  return { work, deckRows, cdrRows, reconRows, seed, v1, files, dbs: new Map() };
}

/** Each stage: the stage it starts from, and what is done to it in-process (fixed clock). */
const STAGES: Record<string, { from?: string; build: (s: Stage, dbPath: string) => Promise<void> }> = {
  'deck-v1': {
    build: async (s, dbPath) => {
      const e = createEngine({ dbPath, clock: fixedClock, actor: 'crash' });
      try {
        await must(e.dispatch('carriers.create', { name: CARRIER, settings: { roles: 'vendor', timezone: 'UTC' } }));
        await must(e.dispatch('decks.import', { file: s.files.v1, carrier: CARRIER, side: 'buy', mode: 'full', received: '2026-09-20' }));
      } finally {
        e.close();
      }
    },
  },
  'deck-v1+cdrs+v2': {
    from: 'deck-v1',
    build: async (s, dbPath) => {
      if (!existsSync(s.files.cdrs)) await writeAsteriskCdrs(s.files.cdrs, s.cdrRows, s.v1, s.seed + 2);
      const e = createEngine({ dbPath, clock: fixedClock, actor: 'crash' });
      try {
        await must(e.dispatch('cdrs.import', { file: s.files.cdrs, carrier: CARRIER, source: 'own', format: 'asterisk', timezone: 'UTC' }));
        await must(e.dispatch('decks.import', { file: s.files.v2, carrier: CARRIER, side: 'buy', mode: 'full', received: '2026-10-25' }));
      } finally {
        e.close();
      }
    },
  },
  // A reconciliation month: own CDRs for the vendor, the vendor's CDR file and its invoice, all
  // imported through the contract as a user would (the deck of deck-v1 prices both sides).
  'recon': {
    from: 'deck-v1',
    build: async (s, dbPath) => {
      const e = createEngine({ dbPath, clock: fixedClock, actor: 'crash' });
      try {
        const carrier = e.context.carriers.list().find((c) => c.name === CARRIER)!;
        const f = s.files;
        await writeReconFiles(e.context.db, carrier, s.v1, s.reconRows, s.seed + 3, { own: f.reconOwn, carrier: f.reconCarrier, invoice: f.reconInvoice });
        await must(e.dispatch('cdrs.import', { file: f.reconOwn, carrier: CARRIER, source: 'own', timezone: 'UTC' }));
        await must(e.dispatch('cdrs.import', { file: f.reconCarrier, carrier: CARRIER, source: 'carrier', timezone: 'UTC' }));
        await must(e.dispatch('invoices.import', { file: f.reconInvoice, carrier: CARRIER }));
      } finally {
        e.close();
      }
    },
  },
};

export async function stageDb(s: Stage, name: string): Promise<string> {
  const have = s.dbs.get(name);
  if (have) return have;
  const def = STAGES[name]!;
  const dbPath = join(s.work, `stage-${name}.db`);
  if (def.from) copyFileSync(await stageDb(s, def.from), dbPath);
  await def.build(s, dbPath);
  s.dbs.set(name, dbPath);
  return dbPath;
}

/**
 * The operations the harness kills. Adding one (a reconciliation run, an invoice import) is one
 * entry: the stage it starts from (add a stage above if it needs new data) and its CLI arguments.
 */
export interface CrashOperation {
  name: string;
  stage: string;
  args: (s: Stage) => Promise<string[]> | string[];
  /**
   * Tables a clean run must change: the harness checks the fingerprint sees each change, so the
   * before/after/never-between check really covers what the operation writes.
   */
  writes: string[];
}

export const OPERATIONS: CrashOperation[] = [
  {
    name: 'deck import (full A–Z deck classified against the stored one)',
    stage: 'deck-v1',
    args: (s) => ['decks', 'import', s.files.v2, '--carrier', CARRIER, '--side', 'buy', '--mode', 'full', '--received', '2026-10-25'],
    writes: ['deck_imports', 'rates'],
  },
  {
    name: 'CDR import (Asterisk Master.csv, rated on import)',
    stage: 'deck-v1',
    args: async (s) => {
      if (!existsSync(s.files.cdrs)) await writeAsteriskCdrs(s.files.cdrs, s.cdrRows, s.v1, s.seed + 2);
      return ['cdrs', 'import', s.files.cdrs, '--carrier', CARRIER, '--source', 'own', '--format', 'asterisk', '--timezone', 'UTC'];
    },
    writes: ['cdr_imports', 'cdrs', 'cdr_daily'],
  },
  {
    name: 're-rate (trunkline rate after a new deck)',
    stage: 'deck-v1+cdrs+v2',
    args: () => ['rate', '--carrier', CARRIER, '--side', 'buy'],
    writes: ['cdrs', 'cdr_daily'],
  },
  {
    name: 'reconciliation run (invoice and vendor CDRs against own CDRs, CDR level, stored)',
    stage: 'recon',
    args: () => ['reconcile', '--carrier', CARRIER, '--period', RECON_PERIOD, '--invoice', RECON_INVOICE],
    writes: ['reconciliations', 'reconciliation_items', 'reconciliation_cdrs'],
  },
];
