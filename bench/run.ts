/**
 * `npm run bench`: generates the seeded data, runs each case in its own process, prints a table
 * and writes bench/results.json. Figures vary ±30–60 % run to run on a shared 2-core machine.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { baseDeck, nextDeck, writeAsteriskCdrs, writeDeckCsv, writeDeckXlsx } from './generate.ts';
import { settlementBench } from './settlement-run.ts';

const ROWS = Number(process.env.BENCH_ROWS ?? 300_000);
const dir = join(import.meta.dirname, 'out');
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });

const base = baseDeck(ROWS, 1);
const next = nextDeck(base, 2);
await writeDeckCsv(join(dir, 'deck-v1.csv'), base);
await writeDeckCsv(join(dir, 'deck-v2.csv'), next);
await writeDeckXlsx(join(dir, 'deck-v2.xlsx'), next);

// Cases run bundled, as the shipped CLI and app do (a dev-time TypeScript loader costs time of its own).
const caseBundle = join(dir, 'case.mjs');
await build({ entryPoints: [join(import.meta.dirname, 'case.ts')], outfile: caseBundle, bundle: true, platform: 'node', format: 'esm', packages: 'external', logLevel: 'warning' });

function run(...args: string[]): Record<string, unknown> {
  const out = execFileSync(process.execPath, [caseBundle, ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
  return JSON.parse(out.trim().split('\n').pop()!) as Record<string, unknown>;
}

/** BENCH_ONLY=decks,cdrs,grid,settlement,reconcile,lcr runs only those sections (default: all). */
const only = (process.env.BENCH_ONLY ?? '').split(',').map((x) => x.trim()).filter(Boolean);
const want = (section: string): boolean => only.length === 0 || only.includes(section);
const rows: { name: string; target: string; value: string; rss: unknown; detail: unknown }[] = [];

if (want('decks')) {
  const db = join(dir, 'bench.db');
  const setup = run('baseline', db, join(dir, 'deck-v1.csv'), 'Bench');
  run('baseline', db, join(dir, 'deck-v1.csv'), 'BenchX');
  const csv = run('import', db, join(dir, 'deck-v2.csv'), 'Bench');
  const xlsx = run('import', db, join(dir, 'deck-v2.xlsx'), 'BenchX');
  const exportCsv = run('export', db, '', join(dir, 'rates.csv'));
  const exportXlsx = run('export', db, '', join(dir, 'rates.xlsx'));
  const lookup = run('lookup', db);
  rows.push(
    { name: `CSV full deck import, ${ROWS / 1000}k rows, classified against an existing ${ROWS / 1000}k deck`, target: '≤ 3 s', value: `${(Number(csv.ms) / 1000).toFixed(2)} s`, rss: csv.maxRssMb, detail: csv },
    { name: `XLSX full deck import, ${ROWS / 1000}k rows, against an existing ${ROWS / 1000}k deck`, target: '≤ 10 s', value: `${(Number(xlsx.ms) / 1000).toFixed(2)} s`, rss: xlsx.maxRssMb, detail: xlsx },
    { name: `Rates export to CSV, ${Number(exportCsv.rows) / 1000}k rows`, target: '≤ 2 s', value: `${(Number(exportCsv.ms) / 1000).toFixed(2)} s`, rss: exportCsv.maxRssMb, detail: exportCsv },
    { name: `Rates export to XLSX, ${Number(exportXlsx.rows) / 1000}k rows`, target: '—', value: `${(Number(exportXlsx.ms) / 1000).toFixed(2)} s`, rss: exportXlsx.maxRssMb, detail: exportXlsx },
    { name: 'Rate look-up in-process (normalise + longest prefix match)', target: '≥ 1M/s', value: `${(Number(lookup.lookupsPerSecond) / 1e6).toFixed(2)} M/s`, rss: lookup.maxRssMb, detail: lookup },
    { name: `First deck of a carrier, ${ROWS / 1000}k rows, all written`, target: '—', value: `${(Number(setup.ms) / 1000).toFixed(2)} s`, rss: setup.maxRssMb, detail: setup },
  );
}

if (want('cdrs')) {
  // CDRs: an own-switch file rated on the buy side against the 300k-prefix deck, then re-rated and summarised.
  const CDR_ROWS = Number(process.env.BENCH_CDRS ?? 10_000_000);
  const cdrFile = join(dir, 'cdrs.csv');
  await writeAsteriskCdrs(cdrFile, CDR_ROWS, base, 3);
  const cdrDb = join(dir, 'cdrs.db');
  run('baseline', cdrDb, join(dir, 'deck-v1.csv'), 'Bench');
  const cdrImport = run('cdr-import', cdrDb, cdrFile);
  // The peer: DuckDB doing the same load and longest-prefix rating, when @duckdb/node-api can be loaded.
  const peerBundle = join(dir, 'duckdb-peer.mjs');
  await build({ entryPoints: [join(import.meta.dirname, 'duckdb-peer.ts')], outfile: peerBundle, bundle: true, platform: 'node', format: 'esm', packages: 'external', logLevel: 'warning' });
  const peer = JSON.parse(execFileSync(process.execPath, [peerBundle, join(dir, 'deck-v1.csv'), cdrFile, join(dir, 'peer.duckdb')], { encoding: 'utf8', maxBuffer: 1 << 24 }).trim().split('\n').pop()!) as Record<string, unknown>;
  rmSync(join(dir, 'peer.duckdb'), { force: true });
  rmSync(cdrFile, { force: true });
  const cdrRerate = run('cdr-rerate', cdrDb);
  const cdrSummary = run('cdr-summary', cdrDb);
  rmSync(cdrDb, { force: true });
  rows.push(
    { name: `CDR import, ${CDR_ROWS / 1e6}M Asterisk CDRs from CSV to rated rows (buy side, 300k-prefix deck)`, target: '≥ 300,000/s', value: `${Number(cdrImport.perSecond).toLocaleString('en-US')}/s (${(Number(cdrImport.ms) / 1000).toFixed(1)} s)`, rss: cdrImport.maxRssMb, detail: cdrImport },
    peer.skipped
      ? { name: 'DuckDB peer, same CSV load + longest-prefix rating', target: '—', value: `not run: ${String(peer.skipped)} (npm i --no-save @duckdb/node-api, or TRUNKLINE_DUCKDB_DIR)`, rss: 0, detail: peer }
      : { name: `DuckDB peer, same ${CDR_ROWS / 1e6}M CDRs: CSV load + longest-prefix rating into a file`, target: 'Trunkline ≥ peer', value: `${Number(peer.perSecond).toLocaleString('en-US')}/s (${(Number(peer.ms) / 1000).toFixed(1)} s); Trunkline/DuckDB = ${(Number(cdrImport.perSecond) / Number(peer.perSecond)).toFixed(2)}×`, rss: peer.maxRssMb, detail: peer },
    { name: `Re-rating ${CDR_ROWS / 1e6}M stored CDRs`, target: '≥ 500,000/s', value: `${Number(cdrRerate.perSecond).toLocaleString('en-US')}/s (${(Number(cdrRerate.ms) / 1000).toFixed(1)} s)`, rss: cdrRerate.maxRssMb, detail: cdrRerate },
    { name: `cdrs summary over ${CDR_ROWS / 1e6}M CDRs`, target: '≤ 2 s', value: `${(Number(cdrSummary.ms) / 1000).toFixed(2)} s`, rss: cdrSummary.maxRssMb, detail: cdrSummary },
  );
}

if (want('grid')) {
  const GRID_ROWS = Number(process.env.BENCH_GRID_ROWS ?? 10_000_000);
  const gridDb = join(dir, 'grid.db');
  run('grid-seed', gridDb, String(GRID_ROWS));
  const grid = run('grid', gridDb);
  const gridTimings = grid.timings as Record<string, number>;
  rows.push(
    ...Object.entries(gridTimings).map(([label, ms]) => ({
      name: `Rates grid over ${GRID_ROWS / 1e6}M versions: ${label}`, target: label.includes('by rate') ? '—' : '≤ 300 ms', value: `${ms} ms`, rss: grid.maxRssMb, detail: { ms },
    })),
  );
}

if (want('settlement')) {
  // Settlement (issue 7): the statement workbook and issuing invoices over 10M CDRs.
  const settlement = await settlementBench(join(dir, 'settlement'));
  rows.push(
    ...settlement,
  );
}

if (want('reconcile')) {
  // Reconciliation: 1M own vs 1M carrier CDRs (CDR level), and a 5k-line invoice over 10M own CDRs (summary level).
  const RECON_OWN = Number(process.env.BENCH_RECON_CDRS ?? 1_000_000);
  const RECON_SUMMARY = Number(process.env.BENCH_RECON_SUMMARY_CDRS ?? 10_000_000);
  const reconBundle = join(dir, 'recon.mjs');
  await build({ entryPoints: [join(import.meta.dirname, 'reconcile-bench.ts')], outfile: reconBundle, bundle: true, platform: 'node', format: 'esm', packages: 'external', logLevel: 'warning' });
  const recon = JSON.parse(execFileSync(process.execPath, [reconBundle, join(dir, 'recon.db'), String(RECON_OWN), String(RECON_SUMMARY)], { encoding: 'utf8', maxBuffer: 1 << 24 }).trim().split('\n').pop()!) as Record<string, number>;
  rmSync(join(dir, 'recon.db'), { force: true });
  rows.push(
    { name: `Reconciliation, CDR level: ${RECON_OWN / 1e6}M own vs ${(recon.carrier! / 1e6).toFixed(2)}M carrier CDRs (stored), matched and explained`, target: '≤ 8 s, ≤ 800 MB', value: `${(recon.cdrMs! / 1000).toFixed(2)} s`, rss: recon.cdrRssMb, detail: recon },
    { name: `Reconciliation, summary level: ${recon.invoiceLines} invoice lines over ${RECON_SUMMARY / 1e6}M own CDRs`, target: '≤ 5 s', value: `${(recon.summaryMs! / 1000).toFixed(2)} s`, rss: recon.maxRssMb, detail: recon },
  );
}

if (want('lcr')) {
  // Least-cost routing: 10 vendors × 75k prefixes + a 75k sell deck; 10M own CDRs for the what-if (bench/lcr-case.ts).
  const lcrBundle = join(dir, 'lcr-case.mjs');
  await build({ entryPoints: [join(import.meta.dirname, 'lcr-case.ts')], outfile: lcrBundle, bundle: true, platform: 'node', format: 'esm', packages: 'external', logLevel: 'warning' });
  let lcrEnv: NodeJS.ProcessEnv = process.env;
  const runLcr = (...args: string[]): Record<string, unknown> =>
    JSON.parse(execFileSync(process.execPath, [lcrBundle, ...args], { encoding: 'utf8', maxBuffer: 1 << 24, env: lcrEnv }).trim().split('\n').pop()!) as Record<string, unknown>;
  const lcrDb = join(dir, 'lcr.db');
  const lcrSeed = runLcr('seed', lcrDb);
  const lcrBuild = runLcr('build', lcrDb);
  const lcrExport = runLcr('export', lcrDb, join(dir, 'lcr.csv'));
  // On two worker threads (the built CDR worker, over 200k calls); BENCH_LCR_ONE_THREAD=1 also times it on one thread, for the detail.
  const lcrWhatIf = runLcr('whatif', lcrDb);
  if (process.env.BENCH_LCR_ONE_THREAD === '1') {
    lcrEnv = { ...process.env, TRUNKLINE_WHATIF_PARALLEL_FROM: String(Number.MAX_SAFE_INTEGER) };
    const one = runLcr('whatif', lcrDb);
    lcrWhatIf.oneThread = { ms: one.ms, cpuMs: one.cpuMs, maxRssMb: one.maxRssMb, same: one.actual === lcrWhatIf.actual && one.cheapest === lcrWhatIf.cheapest };
    lcrEnv = process.env;
  }
  rmSync(lcrDb, { force: true });
  const LCR_VENDORS = Number(process.env.BENCH_LCR_VENDORS ?? 10);
  const LCR_PREFIXES = Number(process.env.BENCH_LCR_PREFIXES ?? 75_000);
  rows.push(
    { name: `LCR table built, ${LCR_VENDORS} vendors × ${LCR_PREFIXES / 1000}k prefixes + a ${LCR_PREFIXES / 1000}k sell deck (${lcrBuild.prefixes} prefixes)`, target: '≤ 3 s', value: `${(Number(lcrBuild.buildMs) / 1000).toFixed(2)} s`, rss: lcrBuild.maxRssMb, detail: lcrBuild },
    { name: `LCR long format to CSV (${lcrExport.rows} rows)`, target: '≤ 2 s', value: `${(Number(lcrExport.exportMs) / 1000).toFixed(2)} s`, rss: lcrExport.maxRssMb, detail: lcrExport },
    { name: `LCR what-if over ${Number(lcrSeed.cdrs) / 1e6}M own CDRs (${lcrWhatIf.calls} rated calls, each against every vendor, on two threads)`, target: '≤ 40 s', value: `${(Number(lcrWhatIf.ms) / 1000).toFixed(1)} s`, rss: lcrWhatIf.maxRssMb, detail: lcrWhatIf },
  );
}

const peak = Math.max(0, ...rows.filter((r) => !r.name.startsWith('DuckDB')).map((r) => Number(r.rss)));
console.log(`Trunkline benchmarks — ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}\n`);
console.log('| benchmark | target | measured | peak RSS |');
console.log('|---|---|---|---|');
for (const r of rows) console.log(`| ${r.name} | ${r.target} | ${r.value} | ${r.rss} MB |`);
console.log(`\nPeak RSS of any case: ${peak} MB (targets: decks ≤ 400 MB, CDRs ≤ 500 MB)`);
writeFileSync(join(import.meta.dirname, 'results.json'), JSON.stringify({ date: new Date().toISOString(), cores: cpus().length, node: process.version, rows, peakRssMb: peak }, null, 2) + '\n');
