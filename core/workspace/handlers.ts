import { existsSync } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ParsedArgs, WorkspaceInfo } from '../api/contract.ts';
import { TrunklineError } from '../api/errors.ts';
import type { EngineContext } from '../context.ts';
import { importDeck } from '../decks/import-deck.ts';
import { createCarrier } from '../carriers/handlers.ts';

export function workspaceInfo(ctx: EngineContext): WorkspaceInfo {
  const one = (sql: string) => ctx.db.prepare(sql).pluck().get() as number;
  return {
    dbPath: ctx.dbPath,
    schemaVersion: one('SELECT max(id) FROM schema_migrations'),
    demo: ctx.meta.get('demo') === '1',
    carriers: one('SELECT count(*) FROM carriers'),
    deckImports: one('SELECT count(*) FROM deck_imports'),
  };
}

/** SQLite's online backup: a consistent copy while the workspace stays open, renamed into place when whole. */
export async function backupWorkspace(ctx: EngineContext, args: ParsedArgs<'workspace.backup'>): Promise<{ file: string; bytes: number }> {
  const tmp = `${args.out}.partial-${process.pid}`;
  try {
    await ctx.db.backup(tmp);
    await rename(tmp, args.out);
  } catch (e) {
    await rm(tmp, { force: true });
    throw new TrunklineError('EXPORT_FAILED', `cannot write the backup ${args.out}: ${(e as Error).message}`, { file: args.out });
  }
  return { file: args.out, bytes: (await stat(args.out)).size };
}

/** The demo workspace: a few carriers and their decks from the bundled fixtures, imported once and marked as demo. */
const DEMO: { carrier: string; settings: { roles: 'vendor' | 'both'; currency: string; timezone: string }; decks: { file: string; mode: 'full' | 'partial'; received: string }[] }[] = [
  {
    carrier: 'DEMO CarrierX',
    settings: { roles: 'both', currency: 'USD', timezone: 'UTC' },
    decks: [
      { file: 'carrierx-v1-full.csv', mode: 'full', received: '2026-09-20' },
      { file: 'carrierx-v2-partial.csv', mode: 'partial', received: '2026-10-10' },
      { file: 'carrierx-v3-full.csv', mode: 'full', received: '2026-10-25' },
    ],
  },
  { carrier: 'DEMO ACME Telecom', settings: { roles: 'vendor', currency: 'USD', timezone: 'UTC' }, decks: [{ file: 'acme-notes-block.xlsx', mode: 'full', received: '2026-10-20' }] },
  { carrier: 'DEMO EuroTel', settings: { roles: 'vendor', currency: 'EUR', timezone: 'Europe/Berlin' }, decks: [{ file: 'eurotel-semicolon.csv', mode: 'full', received: '2026-10-20' }] },
];

export async function seedDemo(ctx: EngineContext, args: ParsedArgs<'workspace.seedDemo'>) {
  const imported: { carrier: string; file: string; prefixes: number }[] = [];
  if (ctx.meta.get('demo') === '1') return { seeded: false, imported };
  if (ctx.carriers.list().length > 0) {
    throw new TrunklineError('INVALID_ARGUMENTS', `${ctx.dbPath} holds real work; the demo is only seeded into an empty workspace`);
  }
  for (const d of DEMO) {
    createCarrier(ctx, { name: d.carrier, settings: d.settings });
    for (const deck of d.decks) {
      const file = join(args.fixturesDir, deck.file);
      if (!existsSync(file)) throw new TrunklineError('FILE_NOT_FOUND', `demo fixture ${file} is missing`, { file });
      const noJob = { id: 'demo', signal: new AbortController().signal, progress: () => {} };
      const r = await importDeck(ctx, {
        file, carrier: d.carrier, side: 'buy', mode: deck.mode, received: deck.received, map: {}, dryRun: false, saveTemplate: true,
      }, noJob);
      imported.push({ carrier: d.carrier, file: deck.file, prefixes: r.prefixes });
    }
  }
  ctx.meta.set('demo', '1');
  return { seeded: true, imported };
}
