import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Engine } from '../core/engine.ts';

const FIXTURES = fileURLToPath(new URL('../fixtures/decks/', import.meta.url));

/** The demo workspace: a few carriers and their decks from the bundled fixtures, imported once. */
const DEMO: { carrier: string; settings: Record<string, unknown>; decks: { file: string; mode: 'full' | 'partial'; received: string; dateOrder?: string }[] }[] = [
  {
    carrier: 'DEMO CarrierX',
    settings: { roles: 'both', currency: 'USD', timezone: 'UTC' },
    decks: [
      { file: 'carrierx-v1-full.csv', mode: 'full', received: '2026-09-25' },
      { file: 'carrierx-v2-partial.csv', mode: 'partial', received: '2026-10-10' },
      { file: 'carrierx-v3-full.csv', mode: 'full', received: '2026-10-25' },
    ],
  },
  { carrier: 'DEMO ACME Telecom', settings: { roles: 'vendor', currency: 'USD', timezone: 'UTC' }, decks: [{ file: 'acme-notes-block.xlsx', mode: 'full', received: '2026-10-20' }] },
  { carrier: 'DEMO EuroTel', settings: { roles: 'vendor', currency: 'EUR', timezone: 'Europe/Berlin' }, decks: [{ file: 'eurotel-semicolon.csv', mode: 'full', received: '2026-10-20' }] },
];

export async function seedDemo(engine: Engine, out: (s: string) => void, json: boolean): Promise<number> {
  const existing = await engine.dispatch('carriers.list', {});
  const seeded = existing.ok && existing.data.some((c) => c.name.startsWith('DEMO '));
  const imported: { carrier: string; file: string; ok: boolean; message: string }[] = [];
  if (!seeded) {
    for (const d of DEMO) {
      const c = await engine.dispatch('carriers.create', { name: d.carrier, settings: d.settings });
      if (!c.ok) return fail(out, c.error.message);
      for (const deck of d.decks) {
        const file = FIXTURES + deck.file;
        if (!existsSync(file)) continue;
        const r = await engine.dispatch('decks.import', { file, carrier: d.carrier, side: 'buy', mode: deck.mode, received: deck.received });
        imported.push({ carrier: d.carrier, file: deck.file, ok: r.ok, message: r.ok ? `${r.data.prefixes} prefixes` : r.error.message });
      }
    }
  }
  if (json) {
    out(JSON.stringify({ db: engine.dbPath, seeded: !seeded, imported }, null, 2) + '\n');
    return 0;
  }
  out(`DEMO workspace: ${engine.dbPath}${seeded ? ' (already seeded)' : ' (seeded now from fixtures/decks)'}\n`);
  for (const i of imported) out(`  ${i.ok ? 'imported' : 'FAILED  '} ${i.file} → ${i.carrier}: ${i.message}\n`);
  out(`\nTry:\n  npx trunkline --db "${engine.dbPath}" carriers list\n  npx trunkline --db "${engine.dbPath}" decks list\n`
    + `  npx trunkline --db "${engine.dbPath}" rates lookup --carrier "DEMO CarrierX" --side buy --number +447700900123\n`
    + `  npx trunkline --db "${engine.dbPath}" rates export --carrier "DEMO CarrierX" --side buy --out rates.xlsx\n`);
  return 0;
}

function fail(out: (s: string) => void, message: string): number {
  out(`trunkline demo: ${message}\n`);
  return 3;
}
