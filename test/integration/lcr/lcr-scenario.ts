import { join } from 'node:path';
import type { Engine } from '../../../core/engine.ts';
import { ROOT, ok, query } from '../../helpers/workspace.ts';

export const SCENARIO = join(ROOT, 'fixtures', 'scenarios', 'lcr-basic');

/**
 * The lcr-basic scenario (fixtures/scenarios/lcr-basic/README.md): three vendors of different
 * depth and terms, a customer's sell deck, a closed code, a blocked code, a future-dated rate, and
 * our own switch's calls routed to Alpha for the customer Delta.
 */
export async function setUpLcrBasic(engine: Engine, dbPath: string): Promise<void> {
  const d = (file: string) => join(SCENARIO, file);
  ok(await engine.dispatch('carriers.create', { name: 'Alpha', settings: { roles: 'vendor', rounding: { level: 'per-call', decimals: 4, mode: 'half-up' } } }));
  ok(await engine.dispatch('carriers.create', { name: 'Bravo', settings: { roles: 'vendor', lcrPreference: 50 } }));
  ok(await engine.dispatch('carriers.create', { name: 'Charlie', settings: { roles: 'both', rounding: { level: 'per-increment', decimals: 5, mode: 'up' } } }));
  ok(await engine.dispatch('carriers.create', { name: 'Delta', settings: { roles: 'customer' } }));
  ok(await engine.dispatch('decks.import', { file: d('alpha-v1-full.csv'), carrier: 'Alpha', side: 'buy', received: '2026-09-20' }));
  ok(await engine.dispatch('decks.import', { file: d('alpha-v2-partial.csv'), carrier: 'Alpha', side: 'buy', mode: 'partial', received: '2026-10-20' }));
  ok(await engine.dispatch('decks.import', { file: d('bravo-v1-full.csv'), carrier: 'Bravo', side: 'buy', received: '2026-09-20' }));
  ok(await engine.dispatch('decks.import', { file: d('bravo-v2-partial.csv'), carrier: 'Bravo', side: 'buy', mode: 'partial', received: '2026-11-01' }));
  ok(await engine.dispatch('decks.import', { file: d('charlie-v1-full.csv'), carrier: 'Charlie', side: 'buy', received: '2026-09-20' }));
  ok(await engine.dispatch('decks.import', { file: d('delta-sell.csv'), carrier: 'Delta', side: 'sell', received: '2026-09-20' }));
  ok(await engine.dispatch('cdrs.import', { file: d('own-cdrs-alpha.csv'), carrier: 'Alpha', source: 'own' }));
  // Until switch-wide files map trunks to both legs, the calls' customer leg is set as the switch would have it.
  const delta = query<{ id: number }>(dbPath, "SELECT id FROM carriers WHERE name = 'Delta'")[0]!.id;
  const Database = (await import('better-sqlite3')).default;
  const db = new Database(dbPath);
  try {
    db.prepare('UPDATE cdrs SET customer_id = ? WHERE source = 0').run(delta);
  } finally {
    db.close();
  }
}
