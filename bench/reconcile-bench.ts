/**
 * Reconciliation at scale, in its own process (peak RSS is its own). Seeds a vendor with a deck,
 * N own CDRs and N carrier CDRs (injected discrepancies of every class) written straight into
 * SQLite from a seed, then times `reconcile.run`: CDR level (own vs carrier) and summary level
 * (a 5k-line invoice over M own CDRs, no carrier CDRs). Prints one JSON line.
 * Usage: node bench/out/recon.mjs DB OWN_CDRS SUMMARY_CDRS
 */
import { rebuildDailyTotals } from '../core/cdrs/daily.ts';
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { createEngine } from '../core/engine.ts';
import { VersionedRateTable } from '../core/rates/versioned-table.ts';
import { makeCallRater } from '../core/rating/rate-call.ts';
import { prng } from './generate.ts';

const [db, ownArg, summaryArg] = process.argv.slice(2);
const OWN = Number(ownArg ?? 1_000_000);
const SUMMARY = Number(summaryArg ?? 10_000_000);
const LINES = 5000;
const engine = createEngine({ dbPath: db!, clock: () => Date.parse('2026-10-25T00:00:00Z') });
const ctx = engine.context;

async function must<T>(p: Promise<{ ok: true; data: T } | { ok: false; error: { code: string; message: string } }>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.data;
}

/** A deck of LINES destinations (one prefix each), per-call rounding. */
async function vendor(name: string): Promise<number> {
  await must(engine.dispatch('carriers.create', { name, settings: { roles: 'vendor', timezone: 'UTC', disputeThreshold: { absolute: '1', percent: '0.5' } } }));
  const rows = ['Prefix,Destination,Rate,Effective Date,Billing Increment'];
  for (let i = 0; i < LINES; i++) rows.push(`${4400000 + i},Destination ${i},0.${String(100 + (i % 900)).padStart(4, '0')},2026-08-01,1/1`);
  const file = `${db}.${name}.csv`;
  writeFileSync(file, rows.join('\n') + '\n');
  await must(engine.dispatch('decks.import', { file, carrier: name, side: 'buy', received: '2026-07-01' }));
  return ctx.carriers.byName(name)!.id;
}

const MONTH_START = Date.parse('2026-09-01T00:00:00Z');
const MONTH_MS = 30 * 86_400_000;

/** Writes calls straight into the store, rated as an import would rate them. Returns rows/s. */
function seed(carrierId: number, own: number, withCarrier: boolean, seedNo: number): { seedMs: number; carrierRows: number } {
  const t = performance.now();
  const carrier = ctx.carriers.list().find((c) => c.id === carrierId)!;
  const rate = makeCallRater(VersionedRateTable.load(ctx.db, carrierId, 'buy'), carrier);
  const imp = (source: 'own' | 'carrier') => ctx.cdrs.startImport({ carrierId, source, format: 'generic', fileName: `bench-${source}`, sha256: '', bytes: 0, timezone: 'UTC', mappingJson: '{}', importedAt: 0, importedBy: 'bench' });
  const rnd = prng(seedNo);
  const ins = ctx.db.prepare(`INSERT INTO cdrs (carrier_id, source, import_id, start_ms, dedupe_key, call_id, calling, called, duration_ms, answered, carrier_charge_e8,
    vendor_id, buy_status, buy_reason, buy_rate_id, buy_billed_s, buy_amount_e8, buy_exact_x60) VALUES (?, ?, ?, ?, ?, NULL, '1', ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const carrierCalls: [number, string, number, number][] = [];
  ctx.db.exec('BEGIN');
  const ownImport = imp('own');
  const step = MONTH_MS / own;
  for (let i = 0; i < own; i++) {
    const start = MONTH_START + Math.floor(i * step);
    const called = `${4400000 + Math.floor(rnd() * LINES)}${String(Math.floor(rnd() * 1e5)).padStart(5, '0')}`;
    const dur = 1000 * (1 + Math.floor(rnd() * 300));
    const r = rate(called, start, dur, true);
    ins.run(carrierId, 0, ownImport, start, i, called, dur, null, carrierId, r.status, r.reason, r.rateId, r.billedS, r.amountE8, r.exactX60);
    if (!withCarrier) continue;
    const x = rnd();
    if (x < 0.01) continue; // own-only
    let cStart = start + Math.floor(rnd() * 2000) - 1000;
    let cDur = dur;
    let charge = r.amountE8 ?? 0;
    if (x < 0.03) cDur = dur + 1000;
    else if (x < 0.04) cDur = dur + 30_000;
    if (cDur !== dur) charge = rate(called, start, cDur, true).amountE8 ?? 0;
    if (x >= 0.04 && x < 0.05) charge += 500_000;
    carrierCalls.push([cStart, called, cDur, charge]);
    if (x >= 0.05 && x < 0.06) carrierCalls.push([cStart, called, cDur, charge]); // duplicate
    if (x >= 0.06 && x < 0.07) {
      cStart = start + 3_600_000;
      carrierCalls.push([cStart, `${called.slice(0, -1)}9`, cDur, charge]); // carrier-only
    }
  }
  if (withCarrier) {
    const carrierImport = imp('carrier');
    carrierCalls.sort((a, b) => a[0] - b[0]);
    carrierCalls.forEach(([s, called, d, charge], k) => {
      const r = rate(called, s, d, true);
      ins.run(carrierId, 1, carrierImport, s, k, called, d, charge, carrierId, r.status, r.reason, r.rateId, r.billedS, r.amountE8, r.exactX60);
    });
  }
  ctx.db.exec('COMMIT');
  // Written around the engine: the per-day totals its writers keep are computed once here.
  rebuildDailyTotals(ctx.db);
  return { seedMs: Math.round(performance.now() - t), carrierRows: carrierCalls.length };
}

const cdrVendor = await vendor('ReconCdr');
const s1 = seed(cdrVendor, OWN, true, 7);
const t1 = performance.now();
const cdr = await must(engine.dispatch('reconcile.run', { carrier: 'ReconCdr', period: '2026-09' }));
const cdrMs = Math.round(performance.now() - t1);
const cdrRss = Math.round(process.resourceUsage().maxRSS / 1024);

const sumVendor = await vendor('ReconSum');
const s2 = seed(sumVendor, SUMMARY, false, 11);
// A 5k-line invoice: one line per destination, as a carrier would bill it.
const inv = ['Invoice No: B-1', 'Billing period: 2026-09', 'Destination,Prefix,Calls,Minutes,Rate,Amount'];
for (let i = 0; i < LINES; i++) inv.push(`Destination ${i},${4400000 + i},100,100.5,0.0100,1.${String(i % 100).padStart(2, '0')}`);
const invFile = `${db}.invoice.csv`;
writeFileSync(invFile, inv.join('\n') + '\n');
await must(engine.dispatch('invoices.import', { file: invFile, carrier: 'ReconSum' }));
const t2 = performance.now();
const sum = await must(engine.dispatch('reconcile.run', { carrier: 'ReconSum', period: '2026-09' }));
const sumMs = Math.round(performance.now() - t2);
console.log(JSON.stringify({
  own: OWN, carrier: s1.carrierRows, cdrMs, cdrRssMb: cdrRss, classes: cdr.classes, causes: cdr.causes.length, seedCdrMs: s1.seedMs,
  summaryCdrs: SUMMARY, invoiceLines: LINES, summaryMs: sumMs, summaryLevel: sum.level, seedSummaryMs: s2.seedMs,
  maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
}));
engine.close();
