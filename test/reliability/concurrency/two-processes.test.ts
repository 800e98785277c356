import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseDeck, writeAsteriskCdrs, writeDeckCsv } from '../../../bench/generate.ts';
import { BIN, ensureCliBuilt, runCli } from '../helpers/cli.ts';

/**
 * Two processes on one workspace, as people run them: the app (here `trunkline serve`, the same
 * engine over HTTP) open all day while a CLI script imports. Readers are never blocked by a
 * writer (WAL); writers take turns within the busy timeout; past it the answer is DB_BUSY, never
 * a crash. A CLI import that finds no one else on the workspace writes it alone (no WAL, twice
 * as little written): a program that comes meanwhile waits, then is told DB_BUSY.
 */
let dir: string;
let db: string;
let deck: string;
let cdrs: string;
let server: ChildProcess;
let url: string;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function rpc(method: string, args: unknown): Promise<{ result: { ok: boolean; data?: unknown; error?: { code: string; message: string } }; ms: number }> {
  const t0 = performance.now();
  const r = await fetch(`${url}/rpc`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ method, args }) });
  expect(r.status).toBe(200);
  return { result: await r.json() as never, ms: performance.now() - t0 };
}

const cli = (args: string[], env: Record<string, string> = {}) => runCli(['--db', db, '--json', ...args], { cwd: dir, env });

beforeAll(async () => {
  ensureCliBuilt();
  dir = mkdtempSync(join(tmpdir(), 'trunkline-conc-'));
  db = join(dir, 'ws.db');
  deck = join(dir, 'deck.csv');
  cdrs = join(dir, 'cdrs.csv');
  const rows = baseDeck(20_000, 5);
  await writeDeckCsv(deck, rows);
  await writeAsteriskCdrs(cdrs, 150_000, rows, 6);
  expect((await cli(['carriers', 'add', 'Shared', '--roles', 'vendor'])).code).toBe(0);
  expect((await cli(['decks', 'import', deck, '--carrier', 'Shared', '--side', 'buy', '--received', '2026-09-20'])).code).toBe(0);
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  server = spawn(process.execPath, [BIN, '--db', db, 'serve', '--port', String(port)], { cwd: dir, env: { PATH: process.env.PATH ?? '', HOME: dir }, stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    server.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('open http')) resolve();
    });
    server.on('exit', (code) => reject(new Error(`serve exited ${code}: ${out}`)));
  });
}, 180_000);

afterAll(() => {
  server?.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

describe('the app (trunkline serve) and a CLI import on one workspace', () => {
  it('reads through the app stay fast while the CLI holds the write lock; the app\'s write waits its turn', async () => {
    const importing = cli(['cdrs', 'import', cdrs, '--carrier', 'Shared', '--source', 'own']);
    // Wait until the import holds its transaction (its import row is not visible yet: WAL readers see the last commit).
    const started = performance.now();
    const latencies: number[] = [];
    let reads = 0;
    let write: Promise<Awaited<ReturnType<typeof rpc>>> | undefined;
    while (performance.now() - started < 60_000) {
      const list = await rpc('carriers.list', {});
      expect(list.result.ok).toBe(true);
      const page = await rpc('rates.query', { startRow: 0, endRow: 100 });
      expect(page.result.ok, JSON.stringify(page.result.error)).toBe(true);
      latencies.push(list.ms, page.ms);
      reads++;
      if (reads === 3) write = rpc('carriers.create', { name: 'Made In The App' });
      const done = await Promise.race([importing.then(() => true), new Promise((r) => setTimeout(() => r(false), 100))]);
      if (done && write) break;
    }
    const imported = await importing;
    expect(imported.code, imported.stderr).toBe(0);
    expect((JSON.parse(imported.stdout) as { imported: number }).imported).toBe(150_000);
    const w = await write!;
    // Within the 10 s busy timeout the write simply waited for the import to commit.
    expect(w.result.ok, JSON.stringify(w.result.error)).toBe(true);
    latencies.sort((a, b) => a - b);
    console.log(`[concurrency] ${latencies.length} reads through the app during a 150k-CDR CLI import: median ${Math.round(latencies[latencies.length >> 1]!)} ms, max ${Math.round(latencies[latencies.length - 1]!)} ms`);
    expect(reads).toBeGreaterThan(1);
    const names = (await rpc('carriers.list', {})).result.data as { name: string }[];
    expect(names.map((c) => c.name)).toContain('Made In The App');
    const check = new Database(db, { readonly: true });
    expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(check.prepare('SELECT count(*) FROM cdrs').pluck().get()).toBe(150_000);
    check.close();
  }, 180_000);

  it('two CLI writers at once: both complete, one after the other', async () => {
    const a = cli(['carriers', 'add', 'Writer A']);
    const b = cli(['decks', 'import', deck, '--carrier', 'Shared', '--side', 'buy', '--mode', 'partial', '--received', '2026-10-25']);
    const [ra, rb] = await Promise.all([a, b]);
    expect(ra.code, ra.stderr).toBe(0);
    expect(rb.code, rb.stderr).toBe(0);
  }, 120_000);

  it('a writer kept waiting past the busy timeout answers DB_BUSY (exit 3), not a crash; readers still read', async () => {
    const holder = new Database(db);
    holder.exec('BEGIN IMMEDIATE');
    try {
      const blocked = await cli(['carriers', 'add', 'Too Late'], { TRUNKLINE_BUSY_TIMEOUT_MS: '300' });
      expect(blocked.code, blocked.stdout + blocked.stderr).toBe(3);
      expect(JSON.parse(blocked.stdout).error.code).toBe('DB_BUSY');
      expect(blocked.stderr).not.toMatch(/\n\s+at /);
      const read = await cli(['carriers', 'list'], { TRUNKLINE_BUSY_TIMEOUT_MS: '300' });
      expect(read.code, read.stderr).toBe(0);
      const viaApp = await rpc('cdrs.list', {});
      expect(viaApp.result.ok).toBe(true);
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
  }, 60_000);
});

describe('a CLI import with the workspace to itself', () => {
  let aloneDir: string;
  let aloneDb: string;
  let big: string;
  const run = (args: string[], env: Record<string, string> = {}) => runCli(['--db', aloneDb, '--json', ...args], { cwd: aloneDir, env });
  const journalMode = (): string => {
    const d = new Database(aloneDb);
    try {
      expect(d.pragma('integrity_check', { simple: true })).toBe('ok');
      return d.pragma('journal_mode', { simple: true }) as string;
    } finally {
      d.close();
    }
  };

  beforeAll(async () => {
    ensureCliBuilt();
    aloneDir = mkdtempSync(join(tmpdir(), 'trunkline-alone-'));
    aloneDb = join(aloneDir, 'ws.db');
    const rows = baseDeck(20_000, 8);
    const aloneDeck = join(aloneDir, 'deck.csv');
    await writeDeckCsv(aloneDeck, rows);
    // Enough calls to outgrow the page cache: the import then holds the file's exclusive lock.
    big = join(aloneDir, 'big.csv');
    await writeAsteriskCdrs(big, 400_000, rows, 9);
    expect((await run(['carriers', 'add', 'Alone', '--roles', 'vendor'])).code).toBe(0);
    expect((await run(['decks', 'import', aloneDeck, '--carrier', 'Alone', '--side', 'buy', '--received', '2026-09-20'])).code).toBe(0);
  }, 180_000);

  afterAll(() => rmSync(aloneDir, { recursive: true, force: true }));

  it('writes without the WAL; a program that opens the workspace meanwhile reads or is told DB_BUSY (exit 3), never crashes; then the workspace is back in WAL', async () => {
    const importing = run(['cdrs', 'import', big, '--carrier', 'Alone', '--source', 'own']);
    let done = false;
    void importing.then(() => (done = true));
    let sawJournal = false;
    let busy = 0;
    let reads = 0;
    while (!done) {
      sawJournal ||= existsSync(`${aloneDb}-journal`);
      const r = await run(['carriers', 'list'], { TRUNKLINE_BUSY_TIMEOUT_MS: '200' });
      if (done) break;
      if (r.code === 3) {
        expect(JSON.parse(r.stdout).error.code).toBe('DB_BUSY');
        expect(r.stderr).not.toMatch(/\n\s+at /);
        busy++;
      } else {
        expect(r.code, r.stdout + r.stderr).toBe(0);
        reads++;
      }
    }
    const imported = await importing;
    expect(imported.code, imported.stderr).toBe(0);
    expect((JSON.parse(imported.stdout) as { imported: number }).imported).toBe(400_000);
    console.log(`[concurrency] during a 400k-CDR CLI import alone: ${reads} reads got through (before it held the file), ${busy} were told DB_BUSY`);
    expect(sawJournal).toBe(true);
    expect(busy).toBeGreaterThan(0);
    expect(journalMode()).toBe('wal');
    expect(existsSync(`${aloneDb}-journal`)).toBe(false);
    // And the app opened afterwards reads and writes as always.
    expect((await run(['carriers', 'add', 'After'])).code).toBe(0);
  }, 300_000);

  it('an import that fails after writing much leaves the workspace exactly as it was, back in WAL', async () => {
    const d0 = new Database(aloneDb, { readonly: true });
    const before = d0.prepare('SELECT count(*) AS calls, (SELECT count(*) FROM cdr_imports) AS imports, (SELECT count(*) FROM cdr_daily) AS days FROM cdrs').get();
    d0.close();
    const bad = join(aloneDir, 'bad-at-end.csv');
    rmSync(bad, { force: true });
    await writeAsteriskCdrs(bad, 300_000, baseDeck(20_000, 8), 10);
    appendFileSync(bad, '"x","y","z"\n');
    const r = await run(['cdrs', 'import', bad, '--carrier', 'Alone', '--source', 'own']);
    expect(r.code, r.stdout).not.toBe(0);
    expect(JSON.parse(r.stdout).error.code).toBe('CDR_PARSE_ERROR');
    expect(journalMode()).toBe('wal');
    const d1 = new Database(aloneDb, { readonly: true });
    expect(d1.prepare('SELECT count(*) AS calls, (SELECT count(*) FROM cdr_imports) AS imports, (SELECT count(*) FROM cdr_daily) AS days FROM cdrs').get()).toEqual(before);
    d1.close();
    expect(existsSync(`${aloneDb}-journal`)).toBe(false);
  }, 300_000);
});
