/**
 * Least-cost routing benchmark cases, each run in a fresh process (so peak RSS is its own).
 * Usage: node lcr-case.mjs CASE DB [OUT]
 *   seed:   VENDORS buy decks of PREFIXES codes (each the base deck less 5 %, plus 3 % deeper codes of its
 *           own, 10 % re-priced from mid-November) and a PREFIXES-code sell deck, written by SQL; then CDRS
 *           own calls of one customer spread over the vendors in November, each rated on its vendor's deck by the
 *           engine's call rater and written straight into SQLite (as a re-rate would leave them).
 *   build:  the LCR table at an instant with margins against the sell deck, and the previous week.
 *   export: the long format to CSV (the table built first, timed apart).
 *   whatif: the what-if over every call of the customer in November.
 */
import { rebuildDailyTotals } from '../core/cdrs/daily.ts';
import { VersionedRateTable } from '../core/rates/versioned-table.ts';
import { makeCallRater } from '../core/rating/rate-call.ts';
import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { createEngine } from '../core/engine.ts';
import { Jobs } from '../core/jobs/jobs.ts';
import { lcrExport } from '../core/lcr/handlers.ts';
import { loadLcr } from '../core/lcr/load-lcr.ts';
import { baseDeck, prng } from './generate.ts';

const [name, dbPath, out] = process.argv.slice(2);
const PREFIXES = Number(process.env.BENCH_LCR_PREFIXES ?? 75_000);
const VENDORS = Number(process.env.BENCH_LCR_VENDORS ?? 10);
const CDRS = Number(process.env.BENCH_LCR_CDRS ?? 10_000_000);
const engine = createEngine({ dbPath: dbPath!, clock: () => Date.parse('2026-11-20T00:00:00Z') });
const ctx = engine.context;
const jobs = new Jobs(() => {});

async function must<T>(p: Promise<{ ok: true; data: T } | { ok: false; error: { code: string; message: string } }>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.data;
}

const OCT = Date.parse('2026-10-01T00:00:00Z');
const MID_NOV = Date.parse('2026-11-15T00:00:00Z');
const INCREMENTS: [number, number][] = [[60, 60], [1, 1], [30, 6], [60, 1]];

/** CPU time of this process (user + system), ms: on a shared machine it varies less than the wall clock. */
const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

let result: Record<string, unknown> = {};
const t0 = performance.now();
const c0 = cpuMs();
switch (name) {
  case 'seed': {
    const db = ctx.db;
    const base = baseDeck(PREFIXES, 11);
    const ids: number[] = [];
    for (let v = 0; v < VENDORS; v++) {
      ids.push((await must(engine.dispatch('carriers.create', { name: `Vendor ${String(v).padStart(2, '0')}`, settings: { roles: 'vendor', lcrPreference: 100 + (v % 3) } }))).id);
    }
    const customer = (await must(engine.dispatch('carriers.create', { name: 'Customer', settings: { roles: 'customer' } }))).id;
    const importRow = db.prepare(`INSERT INTO deck_imports (carrier_id, side, mode, file_name, file_sha256, file_bytes, sheets_json, rows_read, prefixes,
      count_new, count_increase, count_decrease, count_unchanged, count_closed, count_blocked, count_revised, notice_violations, currency,
      received_at_ms, carrier_settings_version, mapping_json, report_json, imported_at_ms, imported_by)
      VALUES (?, ?, 'full', 'synthetic', '', 0, '[]', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 'USD', 0, 1, '[]', '{}', 0, 'bench')`);
    const insert = db.prepare(`INSERT INTO rates (carrier_id, side, prefix, effective_from_ms, effective_to_ms, kind, destination, rate_per_min_e8, currency,
      first_increment_s, next_increment_s, min_duration_s, grace_s, connection_fee_e8, change_class, import_id)
      VALUES (?, ?, ?, ?, ?, 'rate', ?, ?, 'USD', ?, ?, 0, 0, 0, 'new', ?)`);
    let rows = 0;
    db.transaction(() => {
      const sellImport = Number(importRow.run(customer, 'sell').lastInsertRowid);
      const sorted = [...base].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
      for (const r of sorted) {
        insert.run(customer, 'sell', r.code, OCT, null, r.destination, Math.round(r.rateE8 * 1.15), 60, 60, sellImport);
        rows++;
      }
      ids.forEach((id, v) => {
        const rnd = prng(100 + v);
        const imp = Number(importRow.run(id, 'buy').lastInsertRowid);
        const mine = new Map<string, { destination: string; rateE8: number }>();
        for (const r of base) {
          if (rnd() < 0.05) continue;
          mine.set(r.code, { destination: r.destination, rateE8: Math.max(1000, Math.round(r.rateE8 * (0.8 + rnd() * 0.4))) });
          if (rnd() < 0.03) mine.set(r.code + String(Math.floor(rnd() * 10)), { destination: `${r.destination} ${v}`, rateE8: Math.round(r.rateE8 * 0.9) });
        }
        for (const [code, r] of [...mine].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
          const [first, next] = INCREMENTS[Math.floor(rnd() * INCREMENTS.length)]!;
          const repriced = rnd() < 0.1;
          insert.run(id, 'buy', code, OCT, repriced ? MID_NOV : null, r.destination, r.rateE8, first, next, imp);
          if (repriced) insert.run(id, 'buy', code, MID_NOV, null, r.destination, Math.round(r.rateE8 * (0.9 + rnd() * 0.2)), first, next, imp);
          rows++;
        }
      });
    })();
    // Own calls of the customer, rated as routed (each on its vendor's buy deck, by the engine's own
    // call rater, as the re-rate would) and written straight into SQLite: numbers under the base
    // deck's codes, 20 % unanswered, the vendors in turn.
    const cdrImport = Number(db.prepare(`INSERT INTO cdr_imports (carrier_id, source, format, file_name, file_sha256, file_bytes, timezone, rows_read,
      rows_imported, rows_duplicate, rows_rejected, mapping_json, report_json, imported_at_ms, imported_by)
      VALUES (?, 'own', 'generic', 'synthetic', '', 0, 'UTC', 0, 0, 0, 0, '{}', '{}', 0, 'bench')`).run(customer).lastInsertRowid);
    const raters = ids.map((id) => {
      const c = ctx.carriers.byId(id)!;
      return makeCallRater(VersionedRateTable.load(db, id, 'buy'), c);
    });
    const start = Date.parse('2026-11-01T00:00:00Z');
    const span = 29 * 86_400_000;
    const ROWS = 50;
    const COLS = 18;
    const values = `(${new Array(COLS).fill('?').join(',')})`;
    const many = db.prepare(`INSERT INTO cdrs (carrier_id, source, import_id, start_ms, dedupe_key, call_id, calling, called, duration_ms, answered, customer_id, vendor_id,
        buy_status, buy_reason, buy_rate_id, buy_billed_s, buy_amount_e8, buy_exact_x60) VALUES ${new Array(ROWS).fill(values).join(',')}`);
    const one = db.prepare(`INSERT INTO cdrs (carrier_id, source, import_id, start_ms, dedupe_key, call_id, calling, called, duration_ms, answered, customer_id, vendor_id,
        buy_status, buy_reason, buy_rate_id, buy_billed_s, buy_amount_e8, buy_exact_x60) VALUES ${values}`);
    const params: unknown[] = [];
    const chunk = 500_000;
    for (let from = 0; from < CDRS; from += chunk) {
      db.transaction(() => {
        for (let i = from; i < Math.min(CDRS, from + chunk); i++) {
          const startMs = start + Math.floor((i / CDRS) * span);
          const called = base[(i * 7919) % base.length]!.code + String((i * 104729) % 10_000_000_000).padStart(10, '0').slice(-8);
          const answered = (i * 31) % 10 >= 2;
          const durationMs = answered ? 1000 * (1 + ((i * 613) % 600)) : 0;
          const v = i % VENDORS;
          const r = raters[v]!(called, startMs, durationMs, answered);
          params.push(customer, 0, cdrImport, startMs, i, null, `4420${i % 100_000}`, called, durationMs, answered ? 1 : 0, customer, ids[v],
            r.status, r.reason, r.rateId, r.billedS, r.amountE8, r.exactX60);
          if (params.length === ROWS * COLS) {
            many.run(params);
            params.length = 0;
          }
        }
        for (let k = 0; k < params.length; k += COLS) one.run(params.slice(k, k + COLS));
        params.length = 0;
      })();
    }
    // Written around the engine: the per-day totals its writers keep are computed once here.
    rebuildDailyTotals(db);
    db.exec('ANALYZE');
    result = { rates: rows, cdrs: db.prepare('SELECT count(*) FROM cdrs').pluck().get() };
    break;
  }
  case 'build': {
    const built = loadLcr(ctx, { at: '2026-11-20', customer: 'Customer', typicalDuration: 180, rankBy: 'rate' });
    const buildMs = performance.now() - t0;
    const buildCpuMs = cpuMs() - c0;
    const t1 = performance.now();
    const withSince = loadLcr(ctx, { at: '2026-11-20', customer: 'Customer', typicalDuration: 180, rankBy: 'rate', since: '2026-11-10' });
    result = { prefixes: built.table.n, vendors: built.table.vendors.length, buildMs: Math.round(buildMs), buildCpuMs: Math.round(buildCpuMs), sinceBuildMs: Math.round(performance.now() - t1), changed: withSince.table.flags.filter((f) => f & 24).length };
    break;
  }
  case 'export': {
    const args = { at: '2026-11-20', customer: 'Customer', typicalDuration: 180, rankBy: 'rate' as const, noLoss: false, format: 'long' as const, matrixBy: 'destination' as const, out: out! };
    const built = loadLcr(ctx, args);
    const buildMs = performance.now() - t0;
    const t1 = performance.now();
    const c1 = cpuMs();
    const r = await jobs.run('lcr.export', undefined, (j) => lcrExport(ctx, args, j));
    result = { rows: r.rows, prefixes: built.table.n, buildMs: Math.round(buildMs), exportMs: Math.round(performance.now() - t1), exportCpuMs: Math.round(cpuMs() - c1) };
    break;
  }
  case 'whatif': {
    // CPU time of each of this process's threads (Linux: /proc/self/task), sampled while the what-if
    // runs: on a loaded machine the wall clock says little, and the busiest thread's CPU time is what
    // the wall clock would be on an idle one (the threads run side by side).
    const threadCpu = new Map<string, number>();
    const tick = Number(process.env.BENCH_CLK_TCK ?? 100);
    const sample = (): void => {
      try {
        for (const tid of readdirSync('/proc/self/task')) {
          const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
          const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
          threadCpu.set(tid, Math.max(threadCpu.get(tid) ?? 0, ((Number(f[11]) + Number(f[12])) * 1000) / tick));
        }
      } catch {
        // Not Linux, or a thread that ended between the listing and the read.
      }
    };
    const sampler = setInterval(sample, 100);
    const r = await must(engine.dispatch('lcr.whatif', { customer: 'Customer', from: '2026-11-01', to: '2026-12-01' }));
    clearInterval(sampler);
    sample();
    const busiest = [...threadCpu.values()].sort((a, b) => b - a).slice(0, 3).map(Math.round);
    result = { calls: r.totals.calls, lines: r.lines.length, actual: r.totals.actual, cheapest: r.totals.cheapest, notCompared: r.notCompared, busiestThreadsCpuMs: busiest };
    break;
  }
  default:
    throw new Error(`unknown case ${name}`);
}
const ms = performance.now() - t0;
engine.close();
process.stdout.write(JSON.stringify({ case: name, ms: Math.round(ms), cpuMs: Math.round(cpuMs() - c0), maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024), ...result }) + '\n');
