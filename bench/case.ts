/**
 * One benchmark case in a fresh process, so its peak RSS is its own. Prints one JSON line.
 * Usage: node --import tsx bench/case.ts CASE DB [FILE] [OUT]
 */
import { performance } from 'node:perf_hooks';
import { createEngine } from '../core/engine.ts';
import { normaliseNumber } from '../core/rates/normalise-number.ts';
import { RateTable } from '../core/rates/rate-table.ts';
import { prng } from './generate.ts';

const [name, db, file, out] = process.argv.slice(2);
const clock = () => Date.parse('2026-10-25T00:00:00Z');
const engine = createEngine({ dbPath: db!, clock });

async function must<T>(p: Promise<{ ok: true; data: T } | { ok: false; error: { code: string; message: string } }>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.data;
}

let result: Record<string, unknown> = {};
const t0 = performance.now();
switch (name) {
  case 'baseline': {
    // A carrier's first deck, into an empty store: every row is new and written.
    const carrier = out!;
    await must(engine.dispatch('carriers.create', { name: carrier, settings: { timezone: 'UTC' } }));
    const r = await must(engine.dispatch('decks.import', { file, carrier, side: 'buy', mode: 'full', received: '2026-09-20' }));
    result = { prefixes: r.prefixes };
    break;
  }
  case 'import': {
    const carrier = out ?? 'Bench';
    const r = await must(engine.dispatch('decks.import', { file, carrier, side: 'buy', mode: 'full', received: '2026-10-25' }));
    result = { rows: r.rowsRead, counts: r.counts, violations: r.noticeViolationCount };
    break;
  }
  case 'export': {
    const r = await must(engine.dispatch('rates.export', { carrier: 'Bench', side: 'buy', at: '2026-11-10', out }));
    result = { rows: r.rows };
    break;
  }
  case 'lookup': {
    const table = RateTable.load(engine.context.rates, 1, 'buy', Date.parse('2026-11-10T00:00:00Z'));
    const loadMs = performance.now() - t0;
    // Numbers built from the deck's own prefixes plus subscriber digits, and some that match nothing.
    const rnd = prng(7);
    const numbers: string[] = [];
    for (let i = 0; i < 1_000_000; i++) {
      const r = table.rates[Math.floor(rnd() * table.rates.length)]!;
      let n = r.prefix;
      while (n.length < 12) n += String(Math.floor(rnd() * 10));
      numbers.push(rnd() < 0.05 ? '999' + n : n);
    }
    const t1 = performance.now();
    let matched = 0;
    for (let pass = 0; pass < 3; pass++) {
      for (const raw of numbers) {
        const n = normaliseNumber(raw);
        if (n.ok && table.matchIndex(n.digits) >= 0) matched++;
      }
    }
    const seconds = (performance.now() - t1) / 1000;
    result = { loadMs: Math.round(loadMs), lookupsPerSecond: Math.round((3 * numbers.length) / seconds), matched: matched / 3 };
    break;
  }
  default:
    throw new Error(`unknown case ${name}`);
}
const ms = performance.now() - t0;
engine.close();
process.stdout.write(JSON.stringify({ case: name, ms: Math.round(ms), maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024), ...result }) + '\n');
