/**
 * The settlement section of `npm run bench` (bench/run.ts calls it); alone:
 * `node --import tsx bench/settlement-run.ts` prints its rows. Sizes: BENCH_SETTLE_LINES (5,000
 * destination lines per side), BENCH_SETTLE_EVIDENCE (100,000 CDR rows in the statement),
 * BENCH_SETTLE_CUSTOMERS (50) and BENCH_SETTLE_CDRS (10,000,000 CDRs to invoice).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export interface BenchRow {
  name: string;
  target: string;
  value: string;
  rss: unknown;
  detail: Record<string, unknown>;
}

export async function settlementBench(dir: string): Promise<BenchRow[]> {
  const LINES = Number(process.env.BENCH_SETTLE_LINES ?? 5_000);
  const EVIDENCE = Number(process.env.BENCH_SETTLE_EVIDENCE ?? 100_000);
  const CUSTOMERS = Number(process.env.BENCH_SETTLE_CUSTOMERS ?? 50);
  const CDRS = Number(process.env.BENCH_SETTLE_CDRS ?? 10_000_000);
  mkdirSync(dir, { recursive: true });
  const bundle = join(dir, 'settlement.mjs');
  await build({ entryPoints: [join(import.meta.dirname, 'settlement.ts')], outfile: bundle, bundle: true, platform: 'node', format: 'esm', packages: 'external', logLevel: 'warning' });
  const run = (...args: string[]): Record<string, unknown> => {
    const out = execFileSync(process.execPath, [bundle, ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
    return JSON.parse(out.trim().split('\n').pop()!) as Record<string, unknown>;
  };
  const sdb = join(dir, 'statement.db');
  const idb = join(dir, 'invoices.db');
  rmSync(sdb, { force: true });
  rmSync(idb, { force: true });
  run('statement-seed', sdb, String(LINES), String(EVIDENCE));
  const statement = run('statement', sdb);
  rmSync(String(statement.file), { force: true });
  run('invoices-seed', idb, String(CUSTOMERS), String(CDRS));
  const invoices = run('invoices', idb, String(CUSTOMERS));
  rmSync(sdb, { force: true });
  rmSync(idb, { force: true });
  return [
    {
      name: `Statement workbook: ${LINES / 1000}k destination lines per side + ${EVIDENCE / 1000}k CDR evidence rows`, target: '≤ 10 s, ≤ 500 MB',
      value: `${(Number(statement.ms) / 1000).toFixed(2)} s`, rss: statement.maxRssMb, detail: statement,
    },
    {
      name: `Issuing invoices for ${CUSTOMERS} customers over ${CDRS / 1e6}M CDRs`, target: '≤ 15 s',
      value: `${(Number(invoices.ms) / 1000).toFixed(2)} s`, rss: invoices.maxRssMb, detail: invoices,
    },
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const rows = await settlementBench(join(import.meta.dirname, 'out', 'settlement'));
  for (const r of rows) console.log(`| ${r.name} | ${r.target} | ${r.value} | ${String(r.rss)} MB |`);
  console.log(JSON.stringify(rows.map((r) => r.detail)));
}
