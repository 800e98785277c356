/**
 * Settlement benchmarks (issue 7), one case per process so its peak RSS is its own.
 * Usage: node bench-bundle CASE DB [N]
 *   statement-seed DB LINES EVIDENCE   a carrier with LINES sell destinations (invoice issued through the
 *                                      engine), its invoice to us of LINES lines (a CSV imported with
 *                                      `invoices.import`) with three disputes on it (`disputes.open`,
 *                                      `disputes.set`), and EVIDENCE own CDRs written straight into SQLite
 *                                      from a seed (seeding, not the product)
 *   statement DB                       timed: the statement workbook with every sheet and the evidence
 *   invoices-seed DB CUSTOMERS CDRS    CUSTOMERS customers with 200-destination sell decks (imported), and
 *                                      CDRS rated own CDRs spread over them, written straight into SQLite
 *   invoices DB CUSTOMERS              timed: issuing every customer's invoice for 2026-09
 */
import { rebuildDailyTotals } from '../core/cdrs/daily.ts';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { DisputeState } from '../core/api/recon-types.ts';
import { createEngine } from '../core/engine.ts';
import { chargeCall } from '../core/rating/amount.ts';
import { prng } from './generate.ts';

const [name, db, a1, a2] = process.argv.slice(2);
const clock = () => Date.parse('2026-10-05T09:00:00Z');
const engine = createEngine({ dbPath: db!, clock, actor: 'bench' });
const SEP = Date.parse('2026-09-01T00:00:00Z');
const MONTH_MS = 30 * 86_400_000;
const POLICY = { level: 'per-call', decimals: 6, mode: 'half-up' } as const;

async function must<T>(p: Promise<{ ok: true; data: T } | { ok: false; error: { code: string; message: string } }>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.data;
}

function deckCsv(destinations: number, seed: number): string {
  const rnd = prng(seed);
  let csv = 'Code,Destination,Rate,Effective Date,Billing Increment\n';
  for (let i = 0; i < destinations; i++) csv += `${10000 + i},Destination ${String(i).padStart(5, '0')},0.${String(10 + Math.floor(rnd() * 9000)).padStart(4, '0')},2026-01-01,1/1\n`;
  return csv;
}

/** Writes `count` rated own CDRs in time order, each to one of `legs` (customer, vendor, its sell rates), straight into SQLite. */
function writeCdrs(count: number, legs: { customer: number; vendor: number | null; rates: { id: number; rateE8: number }[] }[], seed: number): void {
  const d = engine.context.db;
  const importId = Number(d.prepare(`INSERT INTO cdr_imports (carrier_id, source, format, file_name, file_sha256, file_bytes, timezone, rows_read, rows_imported,
      rows_duplicate, rows_rejected, mapping_json, report_json, imported_at_ms, imported_by) VALUES (NULL, 'own', 'generic', 'synthetic', '', 0, 'UTC', ?, ?, 0, 0, '{}', '{}', 0, 'bench')`)
    .run(count, count).lastInsertRowid);
  const ins = d.prepare(`INSERT INTO cdrs (carrier_id, source, import_id, start_ms, dedupe_key, call_id, calling, called, duration_ms, answered,
      sell_status, sell_reason, sell_rate_id, sell_billed_s, sell_amount_e8, sell_exact_x60, customer_id, vendor_id)
    VALUES (?, 0, ?, ?, ?, NULL, '12025550100', ?, ?, 1, 0, NULL, ?, ?, ?, ?, ?, ?)`);
  const rnd = prng(seed);
  const terms = { first: 1, next: 1, min: 0, grace: 0 };
  const CHUNK = 200_000;
  for (let start = 0; start < count; start += CHUNK) {
    d.transaction(() => {
      for (let i = start; i < Math.min(count, start + CHUNK); i++) {
        const leg = legs[Math.floor(rnd() * legs.length)]!;
        const rate = leg.rates[Math.floor(rnd() * leg.rates.length)]!;
        const durationS = 1 + Math.floor(rnd() * 600);
        const c = chargeCall(durationS, rate.rateE8, 0, terms, POLICY);
        ins.run(leg.vendor ?? leg.customer, importId, SEP + Math.floor((i / count) * MONTH_MS), i, `${10000 + rate.id}5550100`, durationS * 1000, rate.id,
          c.billedSeconds, c.amountE8, c.exactX60, leg.customer, leg.vendor);
      }
    })();
  }
  // Written around the engine: the per-day totals its writers keep are computed once here.
  rebuildDailyTotals(d);
  d.exec('ANALYZE');
}

const ZONES = ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Singapore', 'Europe/London'];

function sellRates(carrierId: number): { id: number; rateE8: number }[] {
  return engine.context.db.prepare("SELECT id, rate_per_min_e8 AS rateE8 FROM rates WHERE carrier_id = ? AND side = 'sell' AND kind = 'rate'").all(carrierId) as { id: number; rateE8: number }[];
}

let result: Record<string, unknown> = {};
let t0 = performance.now();
switch (name) {
  case 'statement-seed': {
    const lines = Number(a1);
    const evidence = Number(a2);
    const deck = join(tmpdir(), `trunkline-bench-stmt-${process.pid}.csv`);
    writeFileSync(deck, deckCsv(lines, 11));
    const c = await must(engine.dispatch('carriers.create', { name: 'Statement Partner', settings: { roles: 'both', timezone: 'UTC', rounding: POLICY } }));
    const v = await must(engine.dispatch('carriers.create', { name: 'Other Vendor', settings: { roles: 'vendor', timezone: 'UTC' } }));
    await must(engine.dispatch('decks.import', { file: deck, carrier: c.name, side: 'sell', received: '2025-12-01' }));
    const rates = sellRates(c.id);
    // Every destination gets calls first (so the invoice has `lines` lines), then the rest at random.
    writeCdrs(Math.max(evidence, lines), [{ customer: c.id, vendor: v.id, rates }], 12);
    const inv = await must(engine.dispatch('invoices.issue', { customer: c.name, period: '2026-09' }));
    // The carrier's invoice to us, as its billing system exports it: a header block, then LINES lines and a total.
    const rnd = prng(13);
    let invoiceCsv = 'Statement Partner Ltd\nInvoice No: SP-2026-09\nInvoice Date: 2026-10-01\nBilling Period: 2026-09-01 to 2026-09-30\nAll amounts in USD\n\nDestination,Code,Calls,Minutes,Rate,Amount\n';
    let totalCents = 0n;
    for (let i = 0; i < lines; i++) {
      const cents = 100 + Math.floor(rnd() * 100000);
      totalCents += BigInt(cents);
      invoiceCsv += `Destination ${String(i).padStart(5, '0')},${10000 + i},20,31.5,0.0123,${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}\n`;
    }
    invoiceCsv += `Total,,,,,${totalCents / 100n}.${String(totalCents % 100n).padStart(2, '0')}\n`;
    const invoiceFile = join(tmpdir(), `trunkline-bench-sp-2026-09-${process.pid}.csv`);
    writeFileSync(invoiceFile, invoiceCsv);
    await must(engine.dispatch('invoices.import', { file: invoiceFile, carrier: c.name }));
    // Three disputes on it through the workflow: one submitted, one partially accepted, one rejected.
    const dispute = async (k: number, amount: string, steps: { state: DisputeState; agreed?: string }[]) => {
      const d = await must(engine.dispatch('disputes.open', {
        carrier: c.name, period: '2026-09', invoice: 'SP-2026-09',
        lines: [{ cause: 'rate', destination: `Destination ${String(k).padStart(5, '0')}`, prefix: String(10000 + k), calls: 20, minutes: '31.5', amount }],
      }));
      for (const step of [{ state: 'submitted' as const }, ...steps]) await must(engine.dispatch('disputes.set', { id: d.id, state: step.state, agreed: step.agreed }));
    };
    await dispute(1, '12.50', []);
    await dispute(2, '40.00', [{ state: 'acknowledged' }, { state: 'partially-accepted', agreed: '25.00' }]);
    await dispute(3, '7.25', [{ state: 'acknowledged' }, { state: 'rejected' }]);
    engine.close();
    result = { sellLines: inv.document.lines.length, buyLines: lines, evidence: Math.max(evidence, lines) };
    process.stdout.write(JSON.stringify({ case: name, ms: Math.round(performance.now() - t0), ...result }) + '\n');
    process.exit(0);
    break;
  }
  case 'statement': {
    const out = join(tmpdir(), `trunkline-bench-statement-${process.pid}.xlsx`);
    t0 = performance.now();
    const r = await must(engine.dispatch('settlement.statement', { carrier: 'Statement Partner', period: '2026-09', out }));
    result = { rows: r.rows, net: r.net, file: out };
    break;
  }
  case 'invoices-seed': {
    const customers = Number(a1);
    const cdrs = Number(a2);
    const deck = join(tmpdir(), `trunkline-bench-inv-${process.pid}.csv`);
    const legs: { customer: number; vendor: number | null; rates: { id: number; rateE8: number }[] }[] = [];
    const vendor = await must(engine.dispatch('carriers.create', { name: 'Transit', settings: { roles: 'vendor', timezone: 'UTC' } }));
    for (let i = 0; i < customers; i++) {
      writeFileSync(deck, deckCsv(200, 100 + i));
      // Customers bill in their own time zones: a period's edges are then partial UTC days, read from the calls.
      const timezone = ZONES[i % ZONES.length]!;
      const c = await must(engine.dispatch('carriers.create', { name: `Customer ${String(i).padStart(2, '0')}`, settings: { roles: 'customer', timezone, rounding: POLICY } }));
      await must(engine.dispatch('decks.import', { file: deck, carrier: c.name, side: 'sell', received: '2025-12-01' }));
      legs.push({ customer: c.id, vendor: vendor.id, rates: sellRates(c.id) });
    }
    writeCdrs(cdrs, legs, 21);
    result = { customers, cdrs };
    break;
  }
  case 'invoices': {
    const customers = Number(a1);
    t0 = performance.now();
    let lines = 0;
    let calls = 0;
    for (let i = 0; i < customers; i++) {
      const r = await must(engine.dispatch('invoices.issue', { customer: `Customer ${String(i).padStart(2, '0')}`, period: '2026-09' }));
      lines += r.document.lines.length;
      calls += r.document.calls;
    }
    result = { customers, lines, calls };
    break;
  }
  default:
    throw new Error(`unknown case ${name}`);
}
const ms = performance.now() - t0;
engine.close();
process.stdout.write(JSON.stringify({ case: name, ms: Math.round(ms), maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024), ...result }) + '\n');
