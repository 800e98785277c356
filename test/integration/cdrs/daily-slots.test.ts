import { afterEach, beforeEach, expect, it } from 'vitest';
import { DailyTotals, monthOfDay } from '../../../core/cdrs/daily.ts';
import { openDatabase } from '../../../core/db/open.ts';
import type { Db } from '../../../core/db/open.ts';
import { tempDir } from '../../helpers/workspace.ts';

/**
 * DailyTotals against a BigInt reference: more entries than it holds at once (so it writes out
 * mid-way, days and months alike), calls added and taken away, and sums past 2^53 (a single call
 * worth more than a Number holds exactly, and many large ones on one day and one month).
 */
let dir: ReturnType<typeof tempDir>;
let db: Db;
beforeEach(() => {
  dir = tempDir('trunkline-daily-');
  db = openDatabase(`${dir.dir}/w.db`);
});
afterEach(() => {
  db.close();
  dir.cleanup();
});

function rnd(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

type Sums = [bigint, bigint, bigint, bigint, bigint, bigint];

function table(name: 'cdr_daily' | 'cdr_monthly', period: 'day' | 'month'): Map<string, Sums> {
  const out = new Map<string, Sums>();
  const rows = db.prepare(`SELECT carrier_id, side, source, ${period} AS p, status, reason, rate_id, calls, answered, duration_ms, billed_s, amount_e8, exact_x60 FROM ${name}`)
    .safeIntegers(true).raw().all() as bigint[][];
  for (const r of rows) {
    const sums = r.slice(7) as Sums;
    if (sums.every((x) => x === 0n)) continue;
    out.set(r.slice(0, 7).join('|'), sums);
  }
  return out;
}

it('keeps day and month totals exact through write-outs, take-aways and sums past 2^53', () => {
  const daily = new DailyTotals(db);
  const r = rnd(7);
  const want = { day: new Map<string, Sums>(), month: new Map<string, Sums>() };
  const add = (m: Map<string, Sums>, key: string, v: Sums): void => {
    const s = m.get(key) ?? [0n, 0n, 0n, 0n, 0n, 0n];
    m.set(key, s.map((x, i) => x + v[i]!) as Sums);
  };
  const base = Date.UTC(2026, 0, 30);
  // 130k calls over 5 days across a month's end and 40k rates: more distinct entries than are held at once.
  for (let i = 0; i < 130_000; i++) {
    // The huge calls (below) share one key with ordinary ones, so they land on entries already holding sums.
    const shared = i % 1000 === 0 || i % 777 === 0 || i % 50 === 0;
    const carrier = shared ? 1 : 1 + Math.floor(r() * 2);
    const side = shared || r() < 0.5 ? 'buy' : 'sell';
    const source = shared ? 0 : Math.floor(r() * 2);
    const start = base + Math.floor(r() * 5 * 86_400_000);
    const rate = shared ? 7 : Math.floor(r() * 40_000);
    const status = shared ? 0 : Math.floor(r() * 4) - 1;
    const reason = shared ? 0 : Math.floor(r() * 5);
    const duration = Math.floor(r() * 3_600_000);
    const answered = r() < 0.7;
    const billed = Math.floor(duration / 1000);
    let amount = Math.floor(r() * 1e9);
    let x60: number | bigint = amount * 60;
    // Every 1000th call is huge: exact ×60 past 2^53 (as BigInt), amounts close to 2^52.
    if (i % 1000 === 0) x60 = 2n ** 54n + BigInt(i);
    if (i % 777 === 0) amount = 2 ** 52 - 1 - i;
    const sign = r() < 0.1 ? -1 : 1;
    daily.addRating(carrier, side, source, start, duration, answered, status, reason, rate, billed, amount, x60, sign);
    const day = Math.floor(start / 86_400_000);
    const s = BigInt(sign);
    const v: Sums = [s, answered ? s : 0n, BigInt(duration) * s, BigInt(billed) * s, BigInt(amount) * s, BigInt(x60) * s];
    const key = (p: number): string => [carrier, side === 'buy' ? 0 : 1, source, p, status, reason, rate].join('|');
    add(want.day, key(day), v);
    add(want.month, key(monthOfDay(day)), v);
  }
  daily.flush();
  const drop = (m: Map<string, Sums>): Map<string, Sums> => new Map([...m].filter(([, v]) => v.some((x) => x !== 0n)));
  const gotDays = table('cdr_daily', 'day');
  const gotMonths = table('cdr_monthly', 'month');
  expect(gotDays.size).toBeGreaterThan(100_000);
  expect(new Set([...gotMonths.keys()].map((k) => k.split('|')[3]))).toEqual(new Set([String((2026 - 1970) * 12), String((2026 - 1970) * 12 + 1)]));
  expect(gotDays).toEqual(drop(want.day));
  expect(gotMonths).toEqual(drop(want.month));
});
