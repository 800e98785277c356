import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ok, openWorkspace, type Workspace } from '../../helpers/workspace.ts';

/**
 * The per-day totals (cdr_daily) are kept by every writer of calls; summaries read them for whole
 * days. The invariant: they always equal the calls summed afresh, after imports, duplicates and
 * re-rates; and a summary over any period (partial days, one day, everything) equals the calls.
 */
let ws: Workspace;
beforeEach(() => {
  ws = openWorkspace();
});
afterEach(() => ws.cleanup());

const V1 = `Code,Destination,Rate,Effective Date,Billing Increment
44,United Kingdom,0.0100,2026-01-01,60/60
447,United Kingdom - Mobile,0.0200,2026-01-01,1/1
33,France,0.0300,2026-01-01,60/60
336,France - Mobile,0.0450,2026-01-01,30/6
`;
// Mobile rates rise from 3 March 10:00 London time; France mobile closes.
const V2 = `Code,Destination,Rate,Effective Date,Billing Increment
44,United Kingdom,0.0100,2026-01-01,60/60
447,United Kingdom - Mobile,0.0250,2026-03-03 10:00,1/1
33,France,0.0300,2026-01-01,60/60
`;

function rnd(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

function callsFile(path: string, n: number, seed: number): void {
  const r = rnd(seed);
  const numbers = ['447700900', '441632960', '336120045', '33145678', '99912345', 'abc', '1202555'];
  const lines = ['call_id,start,called,duration,disposition'];
  // 26 February to 5 March: the calls cross a month's end.
  const base = Date.UTC(2026, 1, 26, 0, 0, 0);
  for (let i = 0; i < n; i++) {
    const t = new Date(base + Math.floor(r() * 8 * 86_400_000));
    const stamp = t.toISOString().slice(0, 19).replace('T', ' ');
    const num = numbers[Math.floor(r() * numbers.length)]! + String(Math.floor(r() * 1000)).padStart(3, '0');
    const answered = r() > 0.2;
    lines.push(`c${seed}-${i}${i % 97 === 0 ? '-Жé✓' : ''},${stamp},${num},${answered ? 1 + Math.floor(r() * 900) : 0},${answered ? 'ANSWERED' : 'NO ANSWER'}`);
  }
  writeFileSync(path, lines.join('\n') + '\n');
}

function fresh(): unknown[] {
  const db = new Database(ws.dbPath, { readonly: true });
  try {
    const kept = db.prepare('SELECT * FROM cdr_daily WHERE calls <> 0 ORDER BY 1, 2, 3, 4, 5, 6, 7').all();
    const again = db.prepare(`SELECT * FROM (
        SELECT vendor_id AS carrier_id, 0 AS side, source, start_ms / 86400000 AS day, coalesce(buy_status, -1) AS status, coalesce(buy_reason, 0) AS reason,
          coalesce(buy_rate_id, 0) AS rate_id, count(*) AS calls, sum(answered) AS answered, sum(duration_ms) AS duration_ms, coalesce(sum(buy_billed_s), 0) AS billed_s,
          coalesce(sum(buy_amount_e8), 0) AS amount_e8, coalesce(sum(buy_exact_x60), 0) AS exact_x60
        FROM cdrs WHERE vendor_id IS NOT NULL GROUP BY 1, 2, 3, 4, 5, 6, 7) ORDER BY 1, 2, 3, 4, 5, 6, 7`).all();
    expect(kept.length).toBeGreaterThan(0);
    expect(kept).toEqual(again);
    // The month totals are the day totals of each UTC month.
    const months = db.prepare('SELECT * FROM cdr_monthly WHERE calls <> 0 ORDER BY 1, 2, 3, 4, 5, 6, 7').all() as { month: number }[];
    const byMonth = db.prepare(`SELECT carrier_id, side, source, (CAST(strftime('%Y', day * 86400, 'unixepoch') AS INTEGER) - 1970) * 12 + CAST(strftime('%m', day * 86400, 'unixepoch') AS INTEGER) - 1 AS month,
        status, reason, rate_id, sum(calls) AS calls, sum(answered) AS answered, sum(duration_ms) AS duration_ms, sum(billed_s) AS billed_s, sum(amount_e8) AS amount_e8,
        sum(exact_x60) AS exact_x60 FROM cdr_daily GROUP BY 1, 2, 3, 4, 5, 6, 7 HAVING sum(calls) <> 0 ORDER BY 1, 2, 3, 4, 5, 6, 7`).all();
    expect(months).toEqual(byMonth);
    expect(new Set(months.map((m) => m.month))).toEqual(new Set([(2026 - 1970) * 12 + 1, (2026 - 1970) * 12 + 2]));
    return kept;
  } finally {
    db.close();
  }
}

function direct(fromMs: number, toMs: number): { calls: number; amount: bigint } {
  const db = new Database(ws.dbPath, { readonly: true });
  try {
    const r = db.prepare('SELECT count(*) AS calls, coalesce(sum(CASE WHEN buy_status = 0 THEN buy_amount_e8 END), 0) AS amount FROM cdrs WHERE start_ms >= ? AND start_ms < ?')
      .safeIntegers(true).get(fromMs, toMs) as { calls: bigint; amount: bigint };
    return { calls: Number(r.calls), amount: r.amount };
  } finally {
    db.close();
  }
}

const e8 = (text: string): bigint => {
  const neg = text.startsWith('-');
  const [whole, frac = ''] = text.replace('-', '').split('.');
  const v = BigInt(whole!) * 100_000_000n + BigInt(frac.padEnd(8, '0'));
  return neg ? -v : v;
};

describe('per-day totals', () => {
  it('equal the calls after imports, duplicates and re-rates, and summaries of any period equal the calls', async () => {
    ok(await ws.engine.dispatch('carriers.create', { name: 'V', settings: { roles: 'vendor', timezone: 'Europe/London' } }));
    const deck = join(ws.dir, 'v1.csv');
    writeFileSync(deck, V1);
    ok(await ws.engine.dispatch('decks.import', { file: deck, carrier: 'V', side: 'buy', received: '2025-12-01' }));
    const a = join(ws.dir, 'a.csv');
    const b = join(ws.dir, 'b.csv');
    callsFile(a, 600, 1);
    callsFile(b, 400, 2);
    ok(await ws.engine.dispatch('cdrs.import', { file: a, carrier: 'V', source: 'carrier' }));
    fresh();
    ok(await ws.engine.dispatch('cdrs.import', { file: b, carrier: 'V', source: 'own' }));
    const again = ok(await ws.engine.dispatch('cdrs.import', { file: a, carrier: 'V', source: 'carrier' }));
    expect(again.duplicates).toBe(600);
    // The report counts what was stored: nothing, though the reader rated all 600.
    expect(again.rating[0]).toMatchObject({ rated: 0, free: 0, unrated: { 'no rate': 0, 'closed code': 0, blocked: 0, 'invalid number': 0 } });
    expect(e8(again.rating[0]!.amount)).toBe(0n);
    fresh();
    // Half old calls, half new: the report and the totals count the new half only.
    const c = join(ws.dir, 'c.csv');
    callsFile(c, 500, 3);
    writeFileSync(c, readFileSync(a, 'utf8').split('\n').slice(0, 301).join('\n') + '\n' + readFileSync(c, 'utf8').split('\n').slice(1).join('\n'));
    const mixed = ok(await ws.engine.dispatch('cdrs.import', { file: c, carrier: 'V', source: 'carrier' }));
    expect([mixed.rowsRead, mixed.duplicates, mixed.imported]).toEqual([800, 300, 500]);
    const stored = (() => {
      const db = new Database(ws.dbPath, { readonly: true });
      try {
        return db.prepare(`SELECT count(*) FILTER (WHERE buy_status = 0) AS rated, count(*) FILTER (WHERE buy_status = 1) AS free,
            count(*) FILTER (WHERE buy_status = 2) AS unrated, coalesce(sum(CASE WHEN buy_status = 0 THEN buy_amount_e8 END), 0) AS amount
          FROM cdrs WHERE import_id = ?`).safeIntegers(true).get(mixed.importId) as { rated: bigint; free: bigint; unrated: bigint; amount: bigint };
      } finally {
        db.close();
      }
    })();
    const r = mixed.rating[0]!;
    expect([r.rated, r.free, Object.values(r.unrated).reduce((x, y) => x + y, 0)]).toEqual([Number(stored.rated), Number(stored.free), Number(stored.unrated)]);
    expect(e8(r.amount)).toBe(stored.amount);
    fresh();

    const deck2 = join(ws.dir, 'v2.csv');
    writeFileSync(deck2, V2);
    ok(await ws.engine.dispatch('decks.import', { file: deck2, carrier: 'V', side: 'buy', mode: 'full', received: '2026-02-01' }));
    const rerated = ok(await ws.engine.dispatch('rating.run', { carrier: 'V', side: 'buy' }));
    expect(rerated.changed).toBeGreaterThan(0);
    fresh();
    // A partial re-rate, then everything again: nothing changes the second time.
    ok(await ws.engine.dispatch('rating.run', { carrier: 'V', side: 'buy', from: '2026-03-02 13:00', to: '2026-03-04' }));
    expect(ok(await ws.engine.dispatch('rating.run', { carrier: 'V', side: 'buy' })).changed).toBe(0);
    fresh();

    const periods: [string, string, number, number][] = [
      ['2026-03-01T10:17:00Z', '2026-03-03T15:43:00Z', Date.UTC(2026, 2, 1, 10, 17), Date.UTC(2026, 2, 3, 15, 43)],
      ['2026-03-02T00:00:00Z', '2026-03-04T00:00:00Z', Date.UTC(2026, 2, 2), Date.UTC(2026, 2, 4)],
      ['2026-03-02T01:00:00Z', '2026-03-02T05:30:00Z', Date.UTC(2026, 2, 2, 1), Date.UTC(2026, 2, 2, 5, 30)],
      ['2026-02-01T00:00:00Z', '2026-04-01T00:00:00Z', Date.UTC(2026, 1, 1), Date.UTC(2026, 3, 1)],
      // Across a month's end: days of two partial months and partial days at both edges.
      ['2026-02-27T13:00:00Z', '2026-03-02T04:00:00Z', Date.UTC(2026, 1, 27, 13), Date.UTC(2026, 2, 2, 4)],
      // One whole month; a whole month and the days of the next; a month and a partial day before it.
      ['2026-03-01T00:00:00Z', '2026-04-01T00:00:00Z', Date.UTC(2026, 2, 1), Date.UTC(2026, 3, 1)],
      ['2026-02-01T00:00:00Z', '2026-03-03T00:00:00Z', Date.UTC(2026, 1, 1), Date.UTC(2026, 2, 3)],
      ['2026-02-26T08:00:00Z', '2026-04-01T00:00:00Z', Date.UTC(2026, 1, 26, 8), Date.UTC(2026, 3, 1)],
      ['2026-02-01T00:00:00Z', '2026-03-02T09:00:00Z', Date.UTC(2026, 1, 1), Date.UTC(2026, 2, 2, 9)],
      ['2026-02-27T22:00:00Z', '2026-04-01T00:00:00Z', Date.UTC(2026, 1, 27, 22), Date.UTC(2026, 3, 1)],
    ];
    for (const [from, to, fromMs, toMs] of periods) {
      const own = ok(await ws.engine.dispatch('cdrs.summary', { carrier: 'V', source: 'own', side: 'buy', from, to }));
      const theirs = ok(await ws.engine.dispatch('cdrs.summary', { carrier: 'V', source: 'carrier', side: 'buy', from, to }));
      const want = direct(fromMs, toMs);
      expect(own.totals.calls + theirs.totals.calls).toBe(want.calls);
      expect(e8(own.totals.amount) + e8(theirs.totals.amount)).toBe(want.amount);
    }
    // Open-ended periods: from an instant on, and up to one.
    for (const [args, fromMs, toMs] of [[{ from: '2026-02-28T06:00:00Z' }, Date.UTC(2026, 1, 28, 6), Date.UTC(2100, 0, 1)], [{ to: '2026-03-03T07:00:00Z' }, 0, Date.UTC(2026, 2, 3, 7)]] as const) {
      const own = ok(await ws.engine.dispatch('cdrs.summary', { carrier: 'V', source: 'own', side: 'buy', ...args }));
      const theirs = ok(await ws.engine.dispatch('cdrs.summary', { carrier: 'V', source: 'carrier', side: 'buy', ...args }));
      const want = direct(fromMs, toMs);
      expect(own.totals.calls + theirs.totals.calls).toBe(want.calls);
      expect(e8(own.totals.amount) + e8(theirs.totals.amount)).toBe(want.amount);
    }
    const all = ok(await ws.engine.dispatch('cdrs.summary', { carrier: 'V', source: 'own', side: 'buy' }));
    expect(all.totals.calls).toBe(400);
    expect(all.unrated.map((u) => u.reason).sort()).toEqual(['closed code', 'invalid number', 'no rate']);
  });
});

describe('a file with more day entries than the reader sums at once', () => {
  it('reports and totals exactly what is stored', async () => {
    ok(await ws.engine.dispatch('carriers.create', { name: 'V', settings: { roles: 'vendor', timezone: 'UTC' } }));
    // 2,000 prefixes and 90,000 calls over 50 days (February and March): some 60,000 (day, rate) entries, past the 50,000 the reader holds.
    const deck = join(ws.dir, 'wide.csv');
    writeFileSync(deck, ['Code,Destination,Rate,Effective Date,Billing Increment',
      ...Array.from({ length: 2000 }, (_, i) => `44${1000 + i},Dest ${i},0.0${String(100 + (i % 900)).padStart(3, '0')},2026-01-01,60/60`)].join('\n') + '\n');
    ok(await ws.engine.dispatch('decks.import', { file: deck, carrier: 'V', side: 'buy', received: '2025-12-01' }));
    const r = rnd(11);
    const lines = ['call_id,start,called,duration,disposition'];
    for (let i = 0; i < 90_000; i++) {
      const t = new Date(Date.UTC(2026, 1, 1) + Math.floor((i / 90_000) * 50 * 86_400_000)).toISOString().slice(0, 19).replace('T', ' ');
      const answered = r() > 0.15;
      lines.push(`w-${i},${t},44${1000 + Math.floor(r() * 2000)}${String(Math.floor(r() * 1e6)).padStart(6, '0')},${answered ? 1 + Math.floor(r() * 600) : 0},${answered ? 'ANSWERED' : 'NO ANSWER'}`);
    }
    const file = join(ws.dir, 'wide-calls.csv');
    writeFileSync(file, lines.join('\n') + '\n');
    const report = ok(await ws.engine.dispatch('cdrs.import', { file, carrier: 'V', source: 'own' }));
    const days = fresh();
    expect(days.length).toBeGreaterThan(50_000);
    const db = new Database(ws.dbPath, { readonly: true });
    try {
      const stored = db.prepare(`SELECT count(*) FILTER (WHERE buy_status = 0) AS rated, count(*) FILTER (WHERE buy_status = 1) AS free,
          count(*) FILTER (WHERE buy_status = 2) AS unrated, coalesce(sum(CASE WHEN buy_status = 0 THEN buy_amount_e8 END), 0) AS amount FROM cdrs`)
        .safeIntegers(true).get() as { rated: bigint; free: bigint; unrated: bigint; amount: bigint };
      const got = report.rating[0]!;
      expect([got.rated, got.free, Object.values(got.unrated).reduce((x, y) => x + y, 0)]).toEqual([Number(stored.rated), Number(stored.free), Number(stored.unrated)]);
      expect(got.rated + got.free).toBe(90_000);
      expect(e8(got.amount)).toBe(stored.amount);
    } finally {
      db.close();
    }
  });
});

describe('the reader on its own thread', () => {
  it('stores exactly what the one-thread import stores', async () => {
    const { existsSync } = await import('node:fs');
    const worker = join(process.cwd(), 'dist', 'cdr-import-worker.mjs');
    if (!existsSync(worker)) {
      console.warn(`skipped: ${worker} is not built (npm run build)`);
      return;
    }
    const { createEngine } = await import('../../../core/engine.ts');
    const run = async (importWorker: string | false) => {
      const w2 = openWorkspace();
      const engine = createEngine({ dbPath: join(w2.dir, 'x.db'), importWorker, clock: () => Date.parse('2026-03-10T00:00:00Z') });
      try {
        ok(await engine.dispatch('carriers.create', { name: 'V', settings: { roles: 'both', timezone: 'Europe/London' } }));
        const deck = join(w2.dir, 'v1.csv');
        writeFileSync(deck, V1);
        ok(await engine.dispatch('decks.import', { file: deck, carrier: 'V', side: 'buy', received: '2025-12-01' }));
        const file = join(w2.dir, 'a.csv');
        // Enough calls for several batches: the reader builds later batches on buffers the writer handed back.
        callsFile(file, 30_000, 7);
        const r = ok(await engine.dispatch('cdrs.import', { file, carrier: 'V', source: 'own' }));
        const db = engine.context.db;
        const rows = db.prepare('SELECT * FROM cdrs ORDER BY id').raw().all();
        const daily = db.prepare('SELECT * FROM cdr_daily ORDER BY 1, 2, 3, 4, 5, 6, 7').raw().all();
        return { r: { ...r, importId: 0 }, rows, daily };
      } finally {
        engine.close();
        w2.cleanup();
      }
    };
    const threaded = await run(worker);
    const single = await run(false);
    expect(threaded.r.rowsRead).toBe(30_000);
    expect(threaded).toEqual(single);
    // Texts beyond Latin-1 (they travel apart from the batch's bytes) are stored as written.
    const ids = new Set(threaded.rows.map((r) => (r as unknown[])[6]));
    expect(ids.has('c7-0-Жé✓')).toBe(true);
    expect(ids.has('c7-97-Жé✓')).toBe(true);
    expect(ids.has('c7-1')).toBe(true);
  });
});

describe('the re-rate on worker threads', () => {
  it('writes exactly what the one-thread re-rate writes, and reports the same', async () => {
    const { existsSync } = await import('node:fs');
    const worker = join(process.cwd(), 'dist', 'cdr-import-worker.mjs');
    if (!existsSync(worker)) {
      console.warn(`skipped: ${worker} is not built (npm run build)`);
      return;
    }
    const { createEngine } = await import('../../../core/engine.ts');
    const run = async (parallelFrom: string, workerPath = worker) => {
      const w2 = openWorkspace();
      const engine = createEngine({ dbPath: join(w2.dir, 'x.db'), importWorker: workerPath, clock: () => Date.parse('2026-03-10T00:00:00Z') });
      const before = process.env.TRUNKLINE_RERATE_PARALLEL_FROM;
      try {
        // Single-thread import; only the re-rate differs between the two runs.
        process.env.TRUNKLINE_RERATE_PARALLEL_FROM = '1000000000';
        ok(await engine.dispatch('carriers.create', { name: 'V', settings: { roles: 'both', timezone: 'Europe/London', rounding: { level: 'per-line', decimals: 4, mode: 'half-even' } } }));
        const deck = join(w2.dir, 'v1.csv');
        writeFileSync(deck, V1);
        ok(await engine.dispatch('decks.import', { file: deck, carrier: 'V', side: 'buy', received: '2025-12-01' }));
        const file = join(w2.dir, 'a.csv');
        callsFile(file, 12_000, 9);
        ok(await engine.dispatch('cdrs.import', { file, carrier: 'V', source: 'own' }));
        const deck2 = join(w2.dir, 'v2.csv');
        writeFileSync(deck2, V2);
        ok(await engine.dispatch('decks.import', { file: deck2, carrier: 'V', side: 'buy', mode: 'full', received: '2026-02-01' }));
        process.env.TRUNKLINE_RERATE_PARALLEL_FROM = parallelFrom;
        const first = ok(await engine.dispatch('rating.run', { carrier: 'V', side: 'buy' }));
        const again = ok(await engine.dispatch('rating.run', { carrier: 'V', side: 'buy', from: '2026-03-01', to: '2026-03-04' }));
        const db = engine.context.db;
        const rows = db.prepare('SELECT * FROM cdrs ORDER BY id').raw().all();
        const daily = db.prepare('SELECT * FROM cdr_daily ORDER BY 1, 2, 3, 4, 5, 6, 7').raw().all();
        const monthly = db.prepare('SELECT * FROM cdr_monthly ORDER BY 1, 2, 3, 4, 5, 6, 7').raw().all();
        return { first, again, rows, daily, monthly };
      } finally {
        if (before === undefined) delete process.env.TRUNKLINE_RERATE_PARALLEL_FROM;
        else process.env.TRUNKLINE_RERATE_PARALLEL_FROM = before;
        engine.close();
        w2.cleanup();
      }
    };
    // Ranges of 1,000 ids: twelve ranges shared by the two threads.
    process.env.TRUNKLINE_RERATE_RANGE = '1000';
    const threaded = await run('1');
    delete process.env.TRUNKLINE_RERATE_RANGE;
    const single = await run('1000000000');
    expect(threaded.first.calls).toBe(12_000);
    expect(threaded.first.changed).toBeGreaterThan(0);
    expect(threaded.again.changed).toBe(0);
    expect(threaded).toEqual(single);
    // Workers that cannot start hand their ranges back: the re-rate runs on this thread, the same.
    const dir = openWorkspace();
    try {
      const broken = join(dir.dir, 'broken-worker.mjs');
      writeFileSync(broken, 'throw new Error("this worker cannot start");\n');
      process.env.TRUNKLINE_RERATE_RANGE = '1000';
      const fellBack = await run('1', broken);
      expect(fellBack).toEqual(single);
    } finally {
      delete process.env.TRUNKLINE_RERATE_RANGE;
      dir.cleanup();
    }
  });
});
