import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
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
 * a crash.
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
