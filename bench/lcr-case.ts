/**
 * Least-cost routing benchmark cases, each run in a fresh process (so peak RSS is its own).
 * Usage: node lcr-case.mjs CASE DB [OUT]
 *   seed:   VENDORS buy decks of PREFIXES codes (each the base deck less 5 %, plus 3 % deeper codes of its
 *           own, 10 % re-priced from mid-November) and a PREFIXES-code sell deck, written by SQL; then CDRS
 *           own calls of one customer spread over the vendors in November, rated by the real re-rater.
 *   build:  the LCR table at an instant with margins against the sell deck, and the previous week.
 *   export: the long format to CSV (the table built first, timed apart).
 *   whatif: the what-if over every call of the customer in November.
 */
import { rebuildDailyTotals } from '../core/cdrs/daily.ts';
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
    // Own calls of the customer, generated inside SQLite: numbers under the base deck's codes, 20 % unanswered.
    // (The counter is cast to an integer: a bound Number is a REAL, and the numbers would end in ".0".)
    db.exec('CREATE TEMP TABLE bench_codes (i INTEGER PRIMARY KEY, code TEXT NOT NULL)');
    const code = db.prepare('INSERT INTO bench_codes (i, code) VALUES (?, ?)');
    db.transaction(() => base.forEach((r, i) => code.run(i, r.code)))();
    const cdrImport = Number(db.prepare(`INSERT INTO cdr_imports (carrier_id, source, format, file_name, file_sha256, file_bytes, timezone, rows_read,
      rows_imported, rows_duplicate, rows_rejected, mapping_json, report_json, imported_at_ms, imported_by)
      VALUES (?, 'own', 'generic', 'synthetic', '', 0, 'UTC', 0, 0, 0, 0, '{}', '{}', 0, 'bench')`).run(customer).lastInsertRowid);
    const start = Date.parse('2026-11-01T00:00:00Z');
    const span = 29 * 86_400_000;
    const chunk = 1_000_000;
    for (let from = 0; from < CDRS; from += chunk) {
      const n = Math.min(chunk, CDRS - from);
      db.prepare(`WITH RECURSIVE s(i) AS (SELECT CAST(? AS INTEGER) UNION ALL SELECT i + 1 FROM s WHERE i + 1 < ?)
        INSERT INTO cdrs (carrier_id, source, import_id, start_ms, dedupe_key, call_id, calling, called, duration_ms, answered, customer_id, vendor_id)
        SELECT ?, 0, ?, ? + (i * ?) / ?, i, NULL, '4420' || (i % 100000),
          (SELECT code FROM bench_codes WHERE i = (s.i * 7919) % ?) || substr('0000000000' || ((s.i * 104729) % 10000000000), -8),
          CASE WHEN (s.i * 31) % 10 < 2 THEN 0 ELSE 1000 * (1 + (s.i * 613) % 600) END, CASE WHEN (s.i * 31) % 10 < 2 THEN 0 ELSE 1 END,
          ?, ? + s.i % ?
        FROM s`).run(from, from + n, customer, cdrImport, start, span, CDRS, base.length, customer, ids[0], VENDORS);
    }
    // Written around the engine: the per-day totals its writers keep are computed once here.
    rebuildDailyTotals(db);
    // Rated as routed by the engine's own re-rater (each vendor's calls on its buy deck).
    for (let v = 0; v < VENDORS; v++) await must(engine.dispatch('rating.run', { carrier: `Vendor ${String(v).padStart(2, '0')}`, side: 'buy', source: 'own' }));
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
    const r = await must(engine.dispatch('lcr.whatif', { customer: 'Customer', from: '2026-11-01', to: '2026-12-01' }));
    result = { calls: r.totals.calls, lines: r.lines.length, actual: r.totals.actual, cheapest: r.totals.cheapest, notCompared: r.notCompared };
    break;
  }
  default:
    throw new Error(`unknown case ${name}`);
}
const ms = performance.now() - t0;
engine.close();
process.stdout.write(JSON.stringify({ case: name, ms: Math.round(ms), cpuMs: Math.round(cpuMs() - c0), maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024), ...result }) + '\n');
