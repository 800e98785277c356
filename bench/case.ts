/**
 * One benchmark case in a fresh process, so its peak RSS is its own. Prints one JSON line.
 * Usage: node --import tsx bench/case.ts CASE DB [FILE] [OUT]
 */
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { createEngine } from '../core/engine.ts';
import { normaliseNumber } from '../core/rates/normalise-number.ts';
import { RateTable } from '../core/rates/rate-table.ts';
import { prng } from './generate.ts';

const [name, db, file, out] = process.argv.slice(2);
const clock = () => Date.parse('2026-10-25T00:00:00Z');
// As the CLI runs (writeAlone); TRUNKLINE_BENCH_SHARED=1 measures the app's import, through the WAL.
const engine = createEngine({ dbPath: db!, clock, writeAlone: process.env.TRUNKLINE_BENCH_SHARED !== '1' });

async function must<T>(p: Promise<{ ok: true; data: T } | { ok: false; error: { code: string; message: string } }>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.data;
}

/**
 * CPU time per thread (Linux /proc), sampled every 100 ms by a sampler thread of its own (the
 * engine's thread is too busy to run a timer on time, so a worker that ended kept a stale reading):
 * the engine's thread apart, the two busiest other threads (the workers) and all the rest (V8's
 * helpers, libuv's pool), the sampler excluded. Shows which thread of a multi-threaded case is its limit.
 */
const SAMPLER = `
const { workerData } = require('node:worker_threads');
const { readdirSync, readFileSync } = require('node:fs');
const ids = new Int32Array(workerData.sab, 0, 64);
const ms = new Float64Array(workerData.sab, 256, 64);
const self = String(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop());
const sample = () => {
  for (const id of readdirSync('/proc/self/task')) {
    if (id === self) continue;
    let stat;
    try { stat = readFileSync('/proc/self/task/' + id + '/stat', 'utf8'); } catch { continue; }
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpu = (Number(f[11]) + Number(f[12])) * 10;
    let k = 0;
    while (k < 64 && ids[k] !== 0 && ids[k] !== Number(id)) k++;
    if (k === 64) continue;
    ids[k] = Number(id);
    ms[k] = cpu;
  }
};
setInterval(sample, 100);
require('node:worker_threads').parentPort.on('message', () => { sample(); require('node:worker_threads').parentPort.postMessage('done'); });
`;

function threadCpu(): () => Promise<{ mainCpuMs: number; workersCpuMs: number[]; otherCpuMs: number } | null> {
  if (!existsSync('/proc/self/task')) return async () => null;
  const sab = new SharedArrayBuffer(256 + 64 * 8);
  const sampler = new Worker(SAMPLER, { eval: true, workerData: { sab } });
  sampler.unref();
  return async () => {
    await new Promise((resolve) => {
      sampler.once('message', resolve);
      sampler.postMessage('sample');
    });
    await sampler.terminate();
    const ids = new Int32Array(sab, 0, 64);
    const ms = new Float64Array(sab, 256, 64);
    let main = 0;
    const others: number[] = [];
    for (let k = 0; k < 64 && ids[k] !== 0; k++) {
      if (ids[k] === process.pid) main = ms[k]!;
      else others.push(ms[k]!);
    }
    others.sort((a, b) => b - a);
    return { mainCpuMs: main, workersCpuMs: others.slice(0, 2), otherCpuMs: others.slice(2).reduce((a, b) => a + b, 0) };
  };
}

let result: Record<string, unknown> = {};
const cpu = threadCpu();
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
  case 'grid-seed': {
    // 10M versions across 10 carriers, written by SQL (the importer's own speed is measured elsewhere).
    const rows = Number(file);
    await must(engine.dispatch('carriers.create', { name: 'Grid' }));
    const ids: number[] = [];
    for (let c = 0; c < 10; c++) ids.push((await must(engine.dispatch('carriers.create', { name: `Vendor ${c}` }))).id);
    const db = engine.context.db;
    db.exec(`INSERT INTO deck_imports (id, carrier_id, side, mode, file_name, file_sha256, file_bytes, sheets_json, rows_read, prefixes,
      count_new, count_increase, count_decrease, count_unchanged, count_closed, count_blocked, count_revised, notice_violations, currency,
      received_at_ms, carrier_settings_version, mapping_json, report_json, imported_at_ms, imported_by)
      VALUES (1000000, ${ids[0]}, 'buy', 'full', 'synthetic', '', 0, '[]', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 'USD', 0, 1, '[]', '{}', 0, 'bench')`);
    const perCarrier = Math.floor(rows / ids.length);
    db.transaction(() => {
      for (const id of ids) {
        db.prepare(`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?)
          INSERT INTO rates (carrier_id, side, prefix, effective_from_ms, kind, destination, rate_per_min_e8, currency,
            first_increment_s, next_increment_s, min_duration_s, grace_s, connection_fee_e8, change_class, import_id)
          SELECT ?, 'buy', CAST(10000000 + (i * 7919) % 90000000 AS TEXT), 1759276800000, 'rate', 'Destination ' || (i % 5000),
            100000 + (i * 104729) % 5000000, 'USD', 60, 60, 0, 0, 0, 'new', 1000000 FROM n`).run(perCarrier, id);
      }
    })();
    db.exec('ANALYZE');
    result = { rows: db.prepare('SELECT count(*) FROM rates').pluck().get() };
    break;
  }
  case 'grid': {
    const timings: Record<string, number> = {};
    const q = async (label: string, args: Record<string, unknown>) => {
      const t = performance.now();
      const page = await must(engine.dispatch('rates.query', { startRow: 0, endRow: 100, at: '2026-11-10', ...args }));
      timings[label] = Math.round(performance.now() - t);
      if (page.rows.length === 0) throw new Error(`${label}: empty page`);
    };
    await q('first page, whole store by prefix', {});
    await q('first page, one carrier', { carrier: 'Vendor 3' });
    await q('first page, prefix filter 4412', { prefix: '4412' });
    await q('first page, one carrier by rate desc', { carrier: 'Vendor 3', side: 'buy', sort: [{ colId: 'rate', sort: 'desc' }] });
    result = { timings, worstMs: Math.max(...Object.values(timings)) };
    break;
  }
  case 'cdr-import': {
    const r = await must(engine.dispatch('cdrs.import', { file, carrier: 'Bench', source: 'own' }));
    result = { rows: r.rowsRead, imported: r.imported, rated: r.rating[0]?.rated, perSecond: 0 };
    break;
  }
  case 'cdr-rerate': {
    const r = await must(engine.dispatch('rating.run', { carrier: 'Bench', side: 'buy' }));
    result = { calls: r.calls, changed: r.changed };
    break;
  }
  case 'cdr-summary': {
    const r = await must(engine.dispatch('cdrs.summary', { carrier: 'Bench', source: 'own', side: 'buy' }));
    result = { lines: r.lines.length, calls: r.totals.calls, amount: r.totals.amount };
    break;
  }
  default:
    throw new Error(`unknown case ${name}`);
}
const ms = performance.now() - t0;
if (name.startsWith('cdr-')) Object.assign(result, await cpu());
if ('perSecond' in result) result.perSecond = Math.round((Number(result.rows) / ms) * 1000);
if (name === 'cdr-rerate') result.perSecond = Math.round((Number(result.calls) / ms) * 1000);
engine.close();
process.stdout.write(JSON.stringify({ case: name, ms: Math.round(ms), maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024), ...result }) + '\n');
