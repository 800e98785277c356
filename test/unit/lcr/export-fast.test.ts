/**
 * The long CSV export's text path (longSheet().csvChunks) writes byte for byte what the generic
 * cell path (rows() through writeCsv's per-cell escaping) writes: random decks with names and
 * destinations that need quoting or formula guarding, closed codes, no-loss and depth views.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { DeckRows } from '../../../core/db/lcr-repo.ts';
import type { JobContext } from '../../../core/jobs/jobs.ts';
import { buildLcr, makeDeck, orderVendors } from '../../../core/lcr/build-lcr.ts';
import { longSheet, writeCsv } from '../../../core/lcr/export-lcr.ts';
import { filterRows } from '../../../core/lcr/lcr-rows.ts';

const dir = mkdtempSync(join(tmpdir(), 'trunkline-lcr-csv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const job: JobContext = { id: 't', signal: new AbortController().signal, progress: () => {} };

const NAMES = ['Alpha', 'Bravo, Ltd', '=Evil', 'Quote "Q"', '+Plus', 'Ünïcode'];
const DESTS = ['France', 'Côte d\'Ivoire, Mobile', '=cmd|calc', 'Line\nBreak', '-minus', '"quoted"', '@at', '+447'];

const deckArb = fc.array(fc.record({
  prefix: fc.stringMatching(/^[1-4]{1,4}$/),
  dest: fc.constantFrom(...DESTS),
  rate: fc.integer({ min: 0, max: 5_000_000_000 }),
  kind: fc.constantFrom(0, 0, 0, 0, 1, 2),
  first: fc.constantFrom(1, 30, 60),
  fee: fc.constantFrom(0, 0, 123_456),
}), { minLength: 0, maxLength: 25 });

function rows(list: { prefix: string; dest: string; rate: number; kind: number; first: number; fee: number }[]): DeckRows {
  const byPrefix = new Map(list.map((x) => [x.prefix, x]));
  const sorted = [...byPrefix.values()].sort((a, b) => (a.prefix < b.prefix ? -1 : 1));
  const n = sorted.length;
  const r: DeckRows = {
    count: n, ids: new Float64Array(n), prefixes: sorted.map((x) => x.prefix), destinations: sorted.map((x) => x.dest), kind: Uint8Array.from(sorted.map((x) => x.kind)),
    rateE8: Float64Array.from(sorted.map((x) => x.rate)), feeE8: Float64Array.from(sorted.map((x) => x.fee)), first: Int32Array.from(sorted.map((x) => x.first)),
    next: Int32Array.from(sorted.map((x) => (x.first === 30 ? 6 : x.first))), min: new Int32Array(n), grace: new Int32Array(n), fromMs: new Float64Array(n), currency: 'USD',
  };
  return r;
}

describe('long CSV export: text path = cell path', () => {
  it('on random decks and views', async () => {
    let run = 0;
    await fc.assert(fc.asyncProperty(fc.array(deckArb, { minLength: 1, maxLength: 5 }), fc.option(deckArb, { nil: undefined }),
      fc.boolean(), fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }), async (decks, sell, noLoss, depth) => {
        const vendors = orderVendors(decks.map((d, i) => makeDeck({ name: NAMES[i]!, carrierId: i + 1, lcrPreference: 100, policy: { level: 'per-call', decimals: 6, mode: 'half-up' } }, rows(d), 180)));
        const s = sell ? makeDeck({ name: 'Sell', carrierId: 99, lcrPreference: 100, policy: { level: 'per-call', decimals: 4, mode: 'half-up' } }, rows(sell), 180) : null;
        const t = buildLcr({ vendors, sell: s }, { atMs: 0, typicalS: 180, rankBy: 'rate' });
        const sheet = longSheet(t, filterRows(t, {}), { noLoss, depth });
        const fast = join(dir, `fast-${run}.csv`);
        const slow = join(dir, `slow-${run++}.csv`);
        const a = await writeCsv(fast, sheet, job);
        const b = await writeCsv(slow, { ...sheet, csvChunks: undefined }, job);
        expect(a).toBe(b);
        expect(readFileSync(fast, 'utf8')).toBe(readFileSync(slow, 'utf8'));
      }), { numRuns: 150 });
  });
});
