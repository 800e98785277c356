/**
 * The what-if's single-scan fast path (core/lcr/whatif.ts) against the straightforward version it
 * replaced (whatif-reference.ts: a GROUP BY, then every call priced on every candidate), on random
 * small worlds: nested prefixes across vendors, closed and blocked codes, versions changing inside
 * the period, the four rounding levels and modes, fees, minimums, grace, ties on rate and
 * preference, numbers with "+", "00", "011", spaces, tech prefixes and letters, unrated and free
 * calls, calls rated on versions a later deck shadowed, and per-day totals missing (a re-scan).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { JobContext } from '../../../core/jobs/jobs.ts';
import { rebuildDailyTotals } from '../../../core/cdrs/daily.ts';
import { whatIf } from '../../../core/lcr/whatif.ts';
import { ok, openWorkspace, type Workspace } from '../../helpers/workspace.ts';
import { referenceWhatIf } from './whatif-reference.ts';
import { prng } from '../../../bench/generate.ts';

const OCT = Date.parse('2026-10-01T00:00:00Z');
const NOV = Date.parse('2026-11-01T00:00:00Z');
const DEC = Date.parse('2026-12-01T00:00:00Z');
const job = (): JobContext => ({ id: 'test', signal: new AbortController().signal, progress: () => {} });

let ws: Workspace | undefined;
afterEach(() => ws?.cleanup());

async function world(seed: number): Promise<Workspace> {
  ws = openWorkspace('trunkline-whatif-');
  const w = ws;
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const vendors = [
    { name: 'Alpha', rounding: { level: 'per-call', decimals: 4, mode: 'half-up' }, lcrPreference: 100 },
    { name: 'Bravo', rounding: { level: 'per-line', decimals: 2, mode: 'down' }, lcrPreference: 100 },
    { name: 'Charlie', rounding: { level: 'per-increment', decimals: 5, mode: 'up' }, lcrPreference: 50 },
    { name: 'Delta', rounding: { level: 'per-call', decimals: 6, mode: 'half-even' }, lcrPreference: 100, techPrefixes: ['777#'] },
  ] as const;
  const ids: number[] = [];
  for (const v of vendors) ids.push(ok(await w.engine.dispatch('carriers.create', { name: v.name, settings: { roles: 'vendor', ...v } })).id);
  const customers = [ok(await w.engine.dispatch('carriers.create', { name: 'Xenon', settings: { roles: 'customer' } })).id,
    ok(await w.engine.dispatch('carriers.create', { name: 'Yarrow', settings: { roles: 'customer' } })).id];
  const db = w.engine.context.db;
  const importRow = db.prepare(`INSERT INTO deck_imports (carrier_id, side, mode, file_name, file_sha256, file_bytes, sheets_json, rows_read, prefixes,
    count_new, count_increase, count_decrease, count_unchanged, count_closed, count_blocked, count_revised, notice_violations, currency,
    received_at_ms, carrier_settings_version, mapping_json, report_json, imported_at_ms, imported_by)
    VALUES (?, 'buy', 'full', 'random', '', 0, '[]', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 'USD', 0, 1, '[]', '{}', 0, 'test')`);
  const rate = db.prepare(`INSERT INTO rates (carrier_id, side, prefix, effective_from_ms, effective_to_ms, kind, destination, rate_per_min_e8, currency,
    first_increment_s, next_increment_s, min_duration_s, grace_s, connection_fee_e8, change_class, import_id)
    VALUES (?, 'buy', ?, ?, ?, ?, ?, ?, 'USD', ?, ?, ?, ?, ?, 'new', ?)`);
  // Nested prefixes from few digits, so vendors of different depth cover each other's codes.
  const pool = [...new Set(Array.from({ length: 40 }, () => Array.from({ length: 1 + Math.floor(rnd() * 4) }, () => pick(['1', '4', '7'])).join('')))].sort();
  const RATES = [1_000_000, 1_500_000, 2_000_000, 2_500_000, 3_000_000];
  const TERMS = [[60, 60], [1, 1], [30, 6], [60, 1]] as const;
  const version = (carrier: number, prefix: string, from: number, to: number | null, imp: number) => {
    const kind = rnd() < 0.08 ? 'closed' : rnd() < 0.05 ? 'blocked' : 'rate';
    const [first, next] = pick(TERMS);
    rate.run(carrier, prefix, from, to, kind, `Dest ${prefix.slice(0, 2)}`, kind === 'rate' ? pick(RATES) : null, first, next,
      rnd() < 0.2 ? pick([30, 90]) : 0, rnd() < 0.2 ? pick([3, 6]) : 0, rnd() < 0.2 ? pick([100_000, 250_000]) : 0, imp);
  };
  db.transaction(() => {
    for (const id of ids) {
      const imp = Number(importRow.run(id).lastInsertRowid);
      for (const prefix of pool) {
        if (rnd() < 0.3) continue;
        if (rnd() < 0.3) {
          // Re-priced (or closed, or newly opened) inside the period.
          const change = NOV + Math.floor(rnd() * 29) * 86_400_000 + Math.floor(rnd() * 86_400_000);
          version(id, prefix, OCT, change, imp);
          version(id, prefix, change, null, imp);
        } else if (rnd() < 0.1) version(id, prefix, NOV + 10 * 86_400_000, null, imp);
        else version(id, prefix, OCT, null, imp);
      }
    }
  })();
  const cdrImport = Number(db.prepare(`INSERT INTO cdr_imports (carrier_id, source, format, file_name, file_sha256, file_bytes, timezone, rows_read,
    rows_imported, rows_duplicate, rows_rejected, mapping_json, report_json, imported_at_ms, imported_by)
    VALUES (?, 'own', 'generic', 'random', '', 0, 'UTC', 0, 0, 0, 0, '{}', '{}', 0, 'test')`).run(ids[0]).lastInsertRowid);
  const call = db.prepare(`INSERT INTO cdrs (carrier_id, source, import_id, start_ms, dedupe_key, call_id, calling, called, duration_ms, answered, customer_id, vendor_id)
    VALUES (?, 0, ?, ?, ?, NULL, '4420', ?, ?, ?, ?, ?)`);
  db.transaction(() => {
    for (let i = 0; i < 600; i++) {
      const vendor = pick(ids);
      const digits = pick(pool) + String(Math.floor(rnd() * 1e6));
      const called = pick([digits, digits, `+${digits}`, `00${digits}`, `011${digits}`, `+${digits.slice(0, 2)} ${digits.slice(2)}`, `777#${digits}`, 'anonymous', `${digits}${'9'.repeat(20)}`]);
      const answered = rnd() < 0.85;
      const duration = answered ? pick([0, 1, 2, 5, 29, 30, 31, 59, 60, 61, 125, 600, 3600]) * 1000 + pick([0, 0, 1, 400]) : 0;
      call.run(vendor, cdrImport, NOV - 3_600_000 + Math.floor(rnd() * (DEC - NOV + 7_200_000)), i, called, duration, answered ? 1 : 0, pick(customers), rnd() < 0.03 ? null : vendor);
    }
  })();
  rebuildDailyTotals(db);
  for (const v of vendors) ok(await w.engine.dispatch('rating.run', { carrier: v.name, side: 'buy', source: 'own' }));
  // A later deck shadows some codes with closed deeper ones: calls already rated keep their versions.
  db.transaction(() => {
    const imp = Number(importRow.run(ids[0]).lastInsertRowid);
    for (const prefix of pool.slice(0, 5)) {
      rate.run(ids[0], `${prefix}1`, OCT + 1234, null, 'closed', 'Shadow', null, 60, 60, 0, 0, 0, imp);
    }
  })();
  return w;
}

describe('what-if fast path = the straightforward what-if', () => {
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    it(`random world ${seed}`, async () => {
      const w = await world(seed);
      const ctx = w.engine.context;
      const cases = [
        { customer: 'Xenon', from: '2026-11-01', to: '2026-12-01' },
        { customer: 'Yarrow', from: '2026-10-31', to: '2026-12-02', vendors: ['Alpha', 'Charlie'] },
        { carrier: 'Bravo', from: '2026-11-01', to: '2026-12-01' },
        { carrier: 'Delta', from: '2026-11-03T05:00:00Z', to: '2026-11-21T17:30:00Z', vendors: ['Bravo'] },
        { customer: 'Xenon', from: '2026-11-12', to: '2026-11-13' },
      ];
      for (const args of cases) {
        const fast = await whatIf(ctx, args as never, job());
        expect(fast, JSON.stringify(args)).toEqual(await referenceWhatIf(ctx, args as never, job()));
        expect(fast.totals.calls).toBeGreaterThan(0);
      }
      // Without per-day totals the vendors outside the candidates are found by the scan itself (a second pass).
      ctx.db.exec('DELETE FROM cdr_daily');
      const narrowed = { customer: 'Xenon', from: '2026-11-01', to: '2026-12-01', vendors: ['Charlie'] };
      expect(await whatIf(ctx, narrowed as never, job())).toEqual(await referenceWhatIf(ctx, narrowed as never, job()));
    });
  }
});

describe('the what-if on two worker threads', () => {
  it('gives exactly what the one-thread what-if gives, and falls back to this thread when the worker cannot start', async () => {
    const { existsSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const worker = join(process.cwd(), 'dist', 'cdr-import-worker.mjs');
    if (!existsSync(worker)) {
      console.warn(`skipped: ${worker} is not built (npm run build)`);
      return;
    }
    const before = process.env.TRUNKLINE_WHATIF_PARALLEL_FROM;
    try {
      for (const seed of [1, 4]) {
        const w = await world(seed);
        const ctx = w.engine.context;
        const broken = join(w.dir, 'broken-worker.mjs');
        writeFileSync(broken, 'throw new Error("this worker cannot start");\n');
        const cases = [
          { customer: 'Xenon', from: '2026-11-01', to: '2026-12-01' },
          { customer: 'Yarrow', from: '2026-10-31', to: '2026-12-02', vendors: ['Alpha', 'Charlie'] },
          { carrier: 'Delta', from: '2026-11-03T05:00:00Z', to: '2026-11-21T17:30:00Z', vendors: ['Bravo'] },
          { customer: 'Xenon', from: '2026-11-12', to: '2026-11-13' },
        ];
        // Half an hour around a call: one range, so one of the two threads is given none.
        const at = ctx.db.prepare(`SELECT start_ms FROM cdrs WHERE customer_id = (SELECT id FROM carriers WHERE name = 'Xenon') AND buy_status = 0 ORDER BY start_ms LIMIT 1 OFFSET 100`).pluck().get() as number;
        cases.push({ customer: 'Xenon', from: new Date(at - 600_000).toISOString(), to: new Date(at + 1_200_000).toISOString() });
        for (const args of cases) {
          process.env.TRUNKLINE_WHATIF_PARALLEL_FROM = '1000000000';
          const single = await whatIf({ ...ctx, importWorker: worker }, args as never, job());
          process.env.TRUNKLINE_WHATIF_PARALLEL_FROM = '1';
          // Prefixes are matched on this thread only when it scans: the phases tell where the scan ran.
          const phases = (seen: Set<string>): JobContext => ({ ...job(), progress: (phase: string) => seen.add(phase) });
          const onThreads = new Set<string>();
          const threaded = await whatIf({ ...ctx, importWorker: worker }, args as never, phases(onThreads));
          expect(threaded, JSON.stringify(args)).toEqual(single);
          expect([...onThreads]).not.toContain('matching prefixes');
          const here = new Set<string>();
          expect(await whatIf({ ...ctx, importWorker: broken }, args as never, phases(here)), JSON.stringify(args)).toEqual(single);
          expect([...here]).toContain('matching prefixes');
        }
        // Cancelled before the threads start, or once they report calls: it stops with JOB_CANCELLED.
        for (const when of ['loading decks', 'rating on every route']) {
          const controller = new AbortController();
          const cancelling: JobContext = { id: 'test', signal: controller.signal, progress: (phase: string) => phase === when && controller.abort() };
          await expect(whatIf({ ...ctx, importWorker: worker }, cases[0] as never, cancelling), when).rejects.toMatchObject({ code: 'JOB_CANCELLED' });
        }
        // Without per-day totals a thread finds vendors outside the loaded decks: the pass runs again with them, on the threads.
        ctx.db.exec('DELETE FROM cdr_daily');
        const narrowed = { customer: 'Xenon', from: '2026-11-01', to: '2026-12-01', vendors: ['Charlie'] };
        expect(await whatIf({ ...ctx, importWorker: worker }, narrowed as never, job())).toEqual(await referenceWhatIf(ctx, narrowed as never, job()));
        ws?.cleanup();
        ws = undefined;
      }
    } finally {
      if (before === undefined) delete process.env.TRUNKLINE_WHATIF_PARALLEL_FROM;
      else process.env.TRUNKLINE_WHATIF_PARALLEL_FROM = before;
    }
  });
});
