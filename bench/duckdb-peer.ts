/**
 * The peer to beat: DuckDB doing the same job as `trunkline cdrs import` on the same files — load
 * the deck and the Asterisk CSV, longest-prefix match each answered call, bill it (first/next
 * increments, exact DECIMAL arithmetic, 6 decimals half-up) and store the rated rows in a database
 * file. Runs only when `@duckdb/node-api` can be loaded: it is not a project dependency (install it
 * by hand, e.g. `npm i --no-save @duckdb/node-api`, or in a folder named by TRUNKLINE_DUCKDB_DIR).
 * Usage: node bench/out/duckdb-peer.mjs DECK.csv CDRS.csv OUT.duckdb  → one JSON line.
 */
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

interface DuckConnection {
  run(sql: string): Promise<unknown>;
  runAndReadAll(sql: string): Promise<{ getRows(): unknown[][] }>;
}
interface DuckApi {
  DuckDBInstance: { create(path: string): Promise<{ connect(): Promise<DuckConnection> }> };
}

export async function loadDuckDb(): Promise<DuckApi | null> {
  const dirs = [process.env.TRUNKLINE_DUCKDB_DIR, process.cwd()].filter((d): d is string => Boolean(d));
  for (const dir of dirs) {
    try {
      const path = createRequire(join(dir, 'package.json')).resolve('@duckdb/node-api');
      return (await import(pathToFileURL(path).href)) as DuckApi;
    } catch {
      // not installed there
    }
  }
  return null;
}

const sq = (s: string) => `'${s.replace(/'/g, "''")}'`;

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [deck, cdrs, out] = process.argv.slice(2) as [string, string, string];
  const duck = await loadDuckDb();
  if (!duck) {
    process.stdout.write(JSON.stringify({ case: 'duckdb', skipped: '@duckdb/node-api is not installed' }) + '\n');
    process.exit(0);
  }
  rmSync(out, { force: true });
  const t0 = performance.now();
  const db = await duck.DuckDBInstance.create(out);
  const c = await db.connect();
  await c.run(`CREATE TABLE deck AS SELECT CAST(Code AS VARCHAR) AS prefix, Destination AS destination, CAST(Rate AS DECIMAL(18, 8)) AS rate,
      CAST(split_part("Billing Increment", '/', 1) AS INTEGER) AS first_s, CAST(split_part("Billing Increment", '/', 2) AS INTEGER) AS next_s
    FROM read_csv(${sq(deck)}, skip = 3, header = true, all_varchar = true)`);
  await c.run(`CREATE TABLE calls AS SELECT row_number() OVER () AS id, column02 AS called, column09 AS start, column13::INTEGER AS billsec,
      column14 AS disposition, column16 AS call_id
    FROM read_csv(${sq(cdrs)}, header = false, all_varchar = true)`);
  // Every prefix of every called number, joined to the deck; the longest that exists wins.
  await c.run(`CREATE TABLE rated AS
    WITH cand AS (
      SELECT k.id, d.prefix, d.destination, d.rate, d.first_s, d.next_s, length(d.prefix) AS l
      FROM (SELECT id, substr(called, 1, l) AS p FROM calls, range(1, 16) t(l) WHERE l <= length(called) AND disposition = 'ANSWERED') k
      JOIN deck d ON d.prefix = k.p),
    best AS (SELECT id, arg_max(prefix, l) AS prefix, arg_max(destination, l) AS destination, arg_max(rate, l) AS rate,
               arg_max(first_s, l) AS first_s, arg_max(next_s, l) AS next_s FROM cand GROUP BY id),
    billed AS (SELECT c.id, c.call_id, c.start, c.called, c.billsec, b.prefix, b.destination, b.rate,
               CASE WHEN b.prefix IS NULL OR c.billsec <= 0 THEN 0
                    WHEN c.billsec <= b.first_s THEN b.first_s
                    ELSE b.first_s + CAST(ceil((c.billsec - b.first_s) / b.next_s) AS INTEGER) * b.next_s END AS billed_s
               FROM calls c LEFT JOIN best b USING (id))
    SELECT *, round(CAST(billed_s AS DECIMAL(38, 8)) * CAST(rate AS DECIMAL(38, 8)) / 60, 6) AS amount,
      CASE WHEN billsec <= 0 THEN 'free' WHEN prefix IS NULL THEN 'unrated' ELSE 'rated' END AS status
    FROM billed`);
  const [[rows, rated]] = (await c.runAndReadAll(`SELECT count(*), count(*) FILTER (WHERE status = 'rated') FROM rated`)).getRows() as [[bigint, bigint]];
  const ms = performance.now() - t0;
  process.stdout.write(JSON.stringify({
    case: 'duckdb', ms: Math.round(ms), rows: Number(rows), rated: Number(rated), perSecond: Math.round((Number(rows) / ms) * 1000),
    maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  }) + '\n');
}
