import { join } from 'node:path';
import type { Engine } from '../../../core/engine.ts';
import { ok, ROOT } from '../../helpers/workspace.ts';

export const SCENARIO = join(ROOT, 'fixtures', 'scenarios', 'recon-basic');

/** Loads the recon-basic scenario (carrier, deck history, own and carrier CDRs, invoice) through the contract. */
export async function loadReconBasic(engine: Engine, withInvoice = true): Promise<void> {
  ok(await engine.dispatch('carriers.create', {
    name: 'Voxa',
    settings: {
      roles: 'vendor', currency: 'USD', timezone: 'UTC', rounding: { level: 'per-call', decimals: 4, mode: 'half-up' },
      notice: { increaseDays: 7 }, disputeThreshold: { absolute: '0.005', percent: '1' },
    },
  }));
  ok(await engine.dispatch('decks.import', { file: join(SCENARIO, 'deck-v1.csv'), carrier: 'Voxa', side: 'buy', received: '2026-07-20' }));
  ok(await engine.dispatch('decks.import', { file: join(SCENARIO, 'deck-v2-increase.csv'), carrier: 'Voxa', side: 'buy', mode: 'partial', received: '2026-09-08' }));
  ok(await engine.dispatch('cdrs.import', { file: join(SCENARIO, 'own-cdrs.csv'), carrier: 'Voxa', source: 'own' }));
  ok(await engine.dispatch('cdrs.import', { file: join(SCENARIO, 'carrier-cdrs.csv'), carrier: 'Voxa', source: 'carrier' }));
  if (withInvoice) ok(await engine.dispatch('invoices.import', { file: join(SCENARIO, 'invoice.csv'), carrier: 'Voxa' }));
}
