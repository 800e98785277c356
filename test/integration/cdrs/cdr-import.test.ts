import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { count, err, ok, openWorkspace, ROOT, type Workspace } from '../../helpers/workspace.ts';

const CDRS = join(ROOT, 'fixtures', 'cdrs');
let ws: Workspace;

/** A vendor deck in force from 2026-01-01: UK fixed and mobile, US/Canada, and a code closed in March. */
const DECK = `Code,Destination,Rate,Effective Date,Billing Increment
44,United Kingdom,0.0100,2026-01-01,60/60
447,United Kingdom - Mobile,0.0200,2026-01-01,1/1
1,USA & Canada,0.0050,2026-01-01,6/6
1202,USA - Washington,0.0061,2026-01-01,6/6
33,France,0.0300,2026-01-01,60/60
`;

async function vendor(name: string, rounding?: { level: 'per-call' | 'per-increment' | 'per-line'; decimals: number; mode: 'half-up' | 'half-even' | 'up' | 'down' }): Promise<void> {
  ok(await ws.engine.dispatch('carriers.create', { name, settings: { roles: 'vendor', timezone: 'UTC', ...(rounding ? { rounding } : {}) } }));
  const deck = join(ws.dir, `${name}-deck.csv`);
  writeFileSync(deck, DECK);
  ok(await ws.engine.dispatch('decks.import', { file: deck, carrier: name, side: 'buy', received: '2025-12-01' }));
}

function csvRows(path: string): Record<string, string>[] {
  const [head, ...lines] = readFileSync(path, 'utf8').trim().split('\n');
  const cols = head!.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i]!, v])));
}

beforeEach(() => {
  ws = openWorkspace();
});
afterEach(() => ws.cleanup());

describe('CDR import: formats detected, calls stored and rated', () => {
  it.each([
    { name: 'Asterisk Master.csv', file: 'asterisk-master.csv', format: 'asterisk', rows: 32, timezone: 'Europe/London' },
    { name: 'FreeSWITCH cdr_csv', file: 'freeswitch-cdr.csv', format: 'freeswitch', rows: 26, timezone: 'America/New_York' },
    { name: 'CGRateS export', file: 'cgrates.csv', format: 'cgrates', rows: 8, timezone: 'UTC' },
    { name: "a carrier's CSV with a header", file: 'carrier-generic.csv', format: 'generic', rows: 10, timezone: 'UTC' },
    { name: 'separate date and time columns', file: 'carrier-date-time.csv', format: 'generic', rows: 8, timezone: 'Europe/London' },
  ])('$name', async ({ file, format, rows, timezone }) => {
    await vendor('Vendor');
    const r = ok(await ws.engine.dispatch('cdrs.import', { file: join(CDRS, file), carrier: 'Vendor', source: 'carrier', timezone }));
    expect(r).toMatchObject({ format, rowsRead: rows, rejected: 0 });
    expect(r.imported + r.duplicates).toBe(rows);
    const side = r.rating[0]!;
    expect(side.rated + side.free + Object.values(side.unrated).reduce((a, b) => a + b, 0)).toBe(r.imported);
    expect(count(ws.dbPath, 'cdrs')).toBe(r.imported);
  });

  it('rates each call exactly and says why; the summary adds up to the export', async () => {
    await vendor('Vendor');
    const r = ok(await ws.engine.dispatch('cdrs.import', { file: join(CDRS, 'carrier-generic.csv'), carrier: 'Vendor', source: 'carrier' }));
    expect(r.rating[0]!.side).toBe('buy');
    const out = join(ws.dir, 'calls.csv');
    ok(await ws.engine.dispatch('cdrs.export', { carrier: 'Vendor', source: 'carrier', side: 'buy', out }));
    const calls = csvRows(out);
    expect(Object.keys(calls[0]!)).toEqual(['call_id', 'start', 'calling', 'called', 'duration', 'billed_seconds', 'prefix', 'destination', 'rate', 'amount', 'currency', 'status', 'reason']);
    // 125 s to a UK mobile at 0.02/min, 1/1: 125 × 0.02 / 60 = 0.041666…, per call to 6 decimals half-up.
    expect(calls.find((c) => c.call_id === 'BV-20260302-000001')).toMatchObject({
      called: '447700900123', duration: '125', billed_seconds: '125', prefix: '447', rate: '0.0200', amount: '0.041667', status: 'rated',
    });
    for (const c of calls.filter((x) => x.status !== 'rated')) expect(['free', 'unrated']).toContain(c.status);
    const summary = ok(await ws.engine.dispatch('cdrs.summary', { carrier: 'Vendor', source: 'carrier', side: 'buy' }));
    const e8 = (text: string) => {
      const [whole, frac = ''] = text.split('.');
      return BigInt(whole!) * 100_000_000n + BigInt(frac.padEnd(8, '0'));
    };
    const sum = calls.filter((c) => c.status === 'rated').reduce((a, c) => a + e8(c.amount!), 0n);
    expect(sum).toBeGreaterThan(0n);
    expect(e8(summary.totals.amount)).toBe(sum);
    expect(summary.totals.amount).toBe(r.rating[0]!.amount);
    expect(summary.totals.calls).toBe(10);
    const linesTotal = summary.lines.reduce((a, l) => a + Number(l.calls), 0);
    expect(linesTotal).toBe(r.rating[0]!.rated);
  });

  it('re-importing the same file adds nothing and says so', async () => {
    await vendor('Vendor');
    const file = join(CDRS, 'asterisk-master.csv');
    const first = ok(await ws.engine.dispatch('cdrs.import', { file, carrier: 'Vendor', source: 'own', timezone: 'Europe/London' }));
    const again = ok(await ws.engine.dispatch('cdrs.import', { file, carrier: 'Vendor', source: 'own', timezone: 'Europe/London' }));
    expect(again.imported).toBe(0);
    expect(again.duplicates).toBe(first.imported);
    expect(again.warnings.join(' ')).toContain('already stored');
    expect(count(ws.dbPath, 'cdrs')).toBe(first.imported);
  });

  it('calling and called numbers are stored as the text written, whether or not they are plain integers', async () => {
    await vendor('Vendor');
    const odd = ['0', '0044207', '+442071234567', '123456789012345', '1234567890123456', '99999999999999999999', '4420 7123', 'sip:4420@gw', '00', '9'];
    // 130 plain numbers (whole statements of integers), then the odd ones among plain ones (statements of text).
    const pairs: [string, string][] = [];
    for (let i = 0; i < 130; i++) pairs.push([String(441632960100 + i), String(447700900000 + i * 7)]);
    for (const [i, o] of odd.entries()) pairs.push([o, String(447700900000 + i)], [String(12025550100 + i), o]);
    const file = join(ws.dir, 'numbers.csv');
    writeFileSync(file, 'Call ID,Start Time,A Number,B Number,Duration\n'
      + pairs.map(([a, b], i) => `n${i},2026-03-02 09:${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')},"${a}","${b}",60`).join('\n') + '\n');
    const r = ok(await ws.engine.dispatch('cdrs.import', { file, carrier: 'Vendor', source: 'carrier' }));
    expect(r.imported).toBe(pairs.length);
    const db = new Database(ws.dbPath, { readonly: true });
    try {
      const stored = db.prepare('SELECT typeof(calling) AS tc, calling, typeof(called) AS td, called FROM cdrs ORDER BY start_ms').all() as { tc: string; calling: string; td: string; called: string }[];
      expect(stored.map((s) => [s.calling, s.called])).toEqual(pairs);
      expect(new Set(stored.flatMap((s) => [s.tc, s.td]))).toEqual(new Set(['text']));
    } finally {
      db.close();
    }
  });

  it('a file with a bad row fails whole and writes nothing; --skip-bad-rows keeps the good rows and a rejects file', async () => {
    await vendor('Vendor');
    const bad = join(ws.dir, 'bad.csv');
    writeFileSync(bad, 'Call ID,Start Time,B Number,Duration\nc1,2026-03-02 09:00:00,447700900123,60\nc2,2026-03-02 09:01:00,447700900124,-5\nc3,2026-03-02 09:02:00,447700900125,30\n');
    const e = err(await ws.engine.dispatch('cdrs.import', { file: bad, carrier: 'Vendor', source: 'carrier' }));
    expect(e.code).toBe('CDR_PARSE_ERROR');
    const p = (e.details!.problems as { row: number; value: string }[])[0]!;
    expect(p.row).toBe(3);
    expect(p.value).toBe('-5');
    expect(count(ws.dbPath, 'cdrs')).toBe(0);
    expect(count(ws.dbPath, 'cdr_imports')).toBe(0);
    const rejects = join(ws.dir, 'bad.rejects.csv');
    const r = ok(await ws.engine.dispatch('cdrs.import', { file: bad, carrier: 'Vendor', source: 'carrier', skipBadRows: true, rejectsFile: rejects }));
    expect(r).toMatchObject({ imported: 2, rejected: 1, rejectsFile: rejects });
    expect(readFileSync(rejects, 'utf8')).toContain('3,Duration,-5');
  });

  it('an unknown file format is refused by name', async () => {
    await vendor('Vendor');
    const odd = join(ws.dir, 'odd.csv');
    writeFileSync(odd, 'a,b\n1,2\n');
    expect(err(await ws.engine.dispatch('cdrs.import', { file: odd, carrier: 'Vendor', source: 'carrier' })).code).toBe('CDR_FORMAT_UNKNOWN');
  });
});

describe('rating: unrated reasons, re-rating after a new deck, per-line rounding', () => {
  const calls = (rows: string[]) => `Call ID,Start Time,B Number,Duration,Status\n${rows.join('\n')}\n`;

  it('never a silent zero: free, no rate, closed code, invalid number', async () => {
    await vendor('Vendor');
    const closing = join(ws.dir, 'closing.csv');
    writeFileSync(closing, 'Code,Destination,Rate,Effective Date,Status\n33,France,0.03,2026-03-01,Closed\n');
    ok(await ws.engine.dispatch('decks.import', { file: closing, carrier: 'Vendor', side: 'buy', mode: 'partial', received: '2026-02-01' }));
    const file = join(ws.dir, 'calls.csv');
    writeFileSync(file, calls([
      'a,2026-03-02 10:00:00,447700900123,61,ANSWERED',
      'b,2026-03-02 10:01:00,447700900123,0,NO ANSWER',
      'c,2026-03-02 10:02:00,999123456,30,ANSWERED',
      'd,2026-03-02 10:03:00,33123456789,30,ANSWERED',
      'e,2026-02-20 10:03:00,33123456789,30,ANSWERED',
      'f,2026-03-02 10:04:00,abc,30,ANSWERED',
    ]));
    const r = ok(await ws.engine.dispatch('cdrs.import', { file, carrier: 'Vendor', source: 'carrier' }));
    expect(r.rating[0]).toMatchObject({ rated: 2, free: 1, unrated: { 'no rate': 1, 'closed code': 1, blocked: 0, 'invalid number': 1 } });
  });

  it('a new deck re-rates only the calls it changes, idempotently', async () => {
    await vendor('Vendor');
    const file = join(ws.dir, 'calls.csv');
    writeFileSync(file, calls([
      'a,2026-03-02 10:00:00,447700900123,61,ANSWERED',
      'b,2026-03-20 10:00:00,447700900123,61,ANSWERED',
      'c,2026-03-20 10:00:00,4420794600,61,ANSWERED',
    ]));
    ok(await ws.engine.dispatch('cdrs.import', { file, carrier: 'Vendor', source: 'carrier' }));
    const update = join(ws.dir, 'update.csv');
    writeFileSync(update, 'Code,Destination,Rate,Effective Date,Billing Increment\n447,United Kingdom - Mobile,0.0300,2026-03-15,1/1\n');
    ok(await ws.engine.dispatch('decks.import', { file: update, carrier: 'Vendor', side: 'buy', mode: 'partial', received: '2026-03-01' }));
    const run = ok(await ws.engine.dispatch('rating.run', { carrier: 'Vendor', side: 'buy' }));
    expect(run).toMatchObject({ calls: 3, changed: 1, unchanged: 2 });
    // 61 s at 0.02 (before the 15th) + 61 s at 0.03 + 120 s (60/60) at 0.01: 0.020333 + 0.0305 + 0.02.
    expect(run.amount).toBe('0.070833');
    expect(ok(await ws.engine.dispatch('rating.run', { carrier: 'Vendor', side: 'buy' })).changed).toBe(0);
  });

  it('per-line rounding rounds each destination line once, from exact sums', async () => {
    await vendor('LineVendor', { level: 'per-line', decimals: 2, mode: 'half-up' });
    const file = join(ws.dir, 'calls.csv');
    // Three 1-second calls at 0.02/min (1/1): 0.000333… each; per call at 2 decimals each would be 0.00, per line 0.001 → 0.00.
    writeFileSync(file, calls(Array.from({ length: 90 }, (_, i) => `c${i},2026-03-02 10:${String(i % 60).padStart(2, '0')}:${String(Math.floor(i / 60)).padStart(2, '0')},447700900123,1,ANSWERED`)));
    const imported = ok(await ws.engine.dispatch('cdrs.import', { file, carrier: 'LineVendor', source: 'carrier' }));
    const s = ok(await ws.engine.dispatch('cdrs.summary', { carrier: 'LineVendor', source: 'carrier', side: 'buy' }));
    // 90 × 1 s × 0.02 / 60 = 0.03 exactly: the line is 0.03, though each call rounded alone would be 0.00.
    expect(s.lines).toEqual([{ destination: 'United Kingdom - Mobile', prefix: '447', calls: 90, minutes: '1.5000', billedMinutes: '1.5000', amount: '0.03' }]);
    // The import's and the re-rate's totals (counted as they go) agree with the summary (summed from the table).
    expect(imported.rating[0]).toMatchObject({ rated: 90, amount: '0.03' });
    expect(ok(await ws.engine.dispatch('rating.run', { carrier: 'LineVendor', side: 'buy' }))).toMatchObject({ rated: 90, amount: '0.03', changed: 0 });
  });
});

describe('browsing calls: the CDR grid and one call explained', () => {
  it('pages calls in time order with their rating, filtered by status and destination', async () => {
    await vendor('Vendor');
    ok(await ws.engine.dispatch('cdrs.import', { file: join(CDRS, 'carrier-generic.csv'), carrier: 'Vendor', source: 'carrier' }));
    const all = ok(await ws.engine.dispatch('cdrs.query', { carrier: 'Vendor', side: 'buy', startRow: 0, endRow: 100 }));
    expect(all.lastRow).toBe(10);
    expect(all.rows.map((r) => r.start)).toEqual([...all.rows.map((r) => r.start)].sort());
    const first = ok(await ws.engine.dispatch('cdrs.query', { carrier: 'Vendor', side: 'buy', startRow: 0, endRow: 3 }));
    expect(first.lastRow).toBeNull();
    const rated = ok(await ws.engine.dispatch('cdrs.query', { carrier: 'Vendor', side: 'buy', status: 'rated', destination: 'mobile', startRow: 0, endRow: 100 }));
    expect(rated.rows.length).toBeGreaterThan(0);
    expect(rated.rows.every((r) => r.status === 'rated' && /mobile/i.test(r.destination!))).toBe(true);
  });

  it('explains one call step by step, and agrees with what is stored', async () => {
    await vendor('Vendor');
    ok(await ws.engine.dispatch('cdrs.import', { file: join(CDRS, 'carrier-generic.csv'), carrier: 'Vendor', source: 'carrier' }));
    const page = ok(await ws.engine.dispatch('cdrs.query', { carrier: 'Vendor', side: 'buy', startRow: 0, endRow: 100 }));
    const call = page.rows.find((r) => r.callId === 'BV-20260302-000001')!;
    const e = ok(await ws.engine.dispatch('cdrs.explain', { id: call.id, side: 'buy' }));
    expect(e.now).toEqual({ status: 'rated', reason: null, billedSeconds: 125, amount: '0.041667' });
    expect(e.storedMatchesNow).toBe(true);
    expect(e.candidates.find((c) => c.chosen)).toMatchObject({ prefix: '447', rate: '0.0200' });
    expect(e.candidates.map((c) => c.prefix)).toEqual(['447', '44']);
    expect(e.steps.map((s) => s.step)).toEqual(['call', 'number', 'match', 'billing', 'amount']);
    for (const r of page.rows) expect(ok(await ws.engine.dispatch('cdrs.explain', { id: r.id, side: 'buy' })).storedMatchesNow).toBe(true);
  });
});

describe('writes while a long import runs', () => {
  it('a carrier added during a CDR import that is then cancelled is kept: writes run one at a time', async () => {
    await vendor('Vendor');
    const file = join(ws.dir, 'many.csv');
    const lines = ['Call ID,Start Time,B Number,Duration'];
    for (let i = 0; i < 60_000; i++) lines.push(`c${i},2026-03-02 ${String(Math.floor(i / 3600) % 24).padStart(2, '0')}:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')},4477009${i},60`);
    writeFileSync(file, lines.join('\n') + '\n');
    let added: Promise<unknown> | undefined;
    ws.engine.on((e) => {
      if (e.type !== 'job.progress' || e.jobId !== 'long' || added) return;
      added = ws.engine.dispatch('carriers.create', { name: 'Added Meanwhile' });
      void ws.engine.dispatch('jobs.cancel', { jobId: 'long' });
    });
    const r = await ws.engine.dispatch('cdrs.import', { file, carrier: 'Vendor', source: 'carrier', jobId: 'long' });
    expect(err(r).code).toBe('JOB_CANCELLED');
    expect(added).toBeDefined();
    expect(await added).toMatchObject({ ok: true });
    expect(ok(await ws.engine.dispatch('carriers.get', { name: 'Added Meanwhile' })).name).toBe('Added Meanwhile');
    expect(count(ws.dbPath, 'cdrs')).toBe(0);
  });
});
