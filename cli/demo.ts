import { fileURLToPath } from 'node:url';
import type { Engine } from '../core/engine.ts';

export const FIXTURE_DECKS = fileURLToPath(new URL('../fixtures/decks/', import.meta.url));

/** Seeds (once) and describes the demo workspace. */
export async function seedDemo(engine: Engine, out: (s: string) => void, json: boolean): Promise<number> {
  const r = await engine.dispatch('workspace.seedDemo', { fixturesDir: FIXTURE_DECKS });
  if (!r.ok) {
    out(json ? JSON.stringify({ error: r.error }, null, 2) + '\n' : `trunkline demo: ${r.error.message}\n`);
    return 3;
  }
  if (json) {
    out(JSON.stringify({ db: engine.dbPath, ...r.data }, null, 2) + '\n');
    return 0;
  }
  const db = JSON.stringify(engine.dbPath);
  out(`DEMO workspace: ${engine.dbPath}${r.data.seeded ? ' (seeded now from fixtures/decks)' : ' (already seeded)'}\n`);
  for (const i of r.data.imported) out(`  imported ${i.file} → ${i.carrier}: ${i.prefixes} prefixes\n`);
  out(`\nTry:\n  npx trunkline --db ${db} serve            (the app in a browser)\n  npx trunkline --db ${db} decks list\n`
    + `  npx trunkline --db ${db} rates lookup --carrier "DEMO CarrierX" --side buy --number +447700900123\n`
    + `  npx trunkline --db ${db} rates export --carrier "DEMO CarrierX" --side buy --out rates.xlsx\n`);
  return 0;
}
