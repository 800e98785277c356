import type { Side } from '../api/contract.ts';
import type { StoredRating } from '../db/cdrs-repo.ts';
import type { Db } from '../db/open.ts';

/**
 * Per-day totals of each leg's calls (table cdr_daily), kept by every writer of calls in the same
 * transaction as the calls: a CDR import adds its stored calls, a re-rate moves each changed call
 * from its old rating to its new one. Summaries over a period then read thousands of day rows and
 * scan only the partial days at its edges, instead of millions of calls.
 */
export const DAY_MS = 86_400_000;
const SIDE_CODE: Record<Side, number> = { buy: 0, sell: 1 };
/** Sums stay exact Numbers below this; an entry that would pass it is written out first. */
const LIMIT = 2 ** 52;
/** Entries kept in memory before they are written (bounded memory on any file). */
const MAX_ENTRIES = 50_000;

interface Entry {
  carrierId: number;
  side: number;
  source: number;
  day: number;
  status: number;
  reason: number;
  rateId: number;
  calls: number;
  answered: number;
  ms: number;
  billed: number;
  amount: number;
  x60: number;
}

/** A UTC day number's month: (year − 1970) × 12 + month (0-based), the key of cdr_monthly. */
export function monthOfDay(day: number): number {
  const d = new Date(day * DAY_MS);
  return (d.getUTCFullYear() - 1970) * 12 + d.getUTCMonth();
}

/** The first UTC day number of a month key. */
export function firstDayOfMonth(month: number): number {
  return Date.UTC(1970 + Math.floor(month / 12), month % 12, 1) / DAY_MS;
}

/** The SQL of monthOfDay over a day column. */
export const MONTH_OF_DAY_SQL = (day: string): string =>
  `((CAST(strftime('%Y', ${day} * 86400, 'unixepoch') AS INTEGER) - 1970) * 12 + CAST(strftime('%m', ${day} * 86400, 'unixepoch') AS INTEGER) - 1)`;

const UPSERT = (table: 'cdr_daily' | 'cdr_monthly', period: 'day' | 'month'): string =>
  `INSERT INTO ${table} (carrier_id, side, source, ${period}, status, reason, rate_id, calls, answered, duration_ms, billed_s, amount_e8, exact_x60)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (carrier_id, side, source, ${period}, status, reason, rate_id) DO UPDATE SET calls = calls + excluded.calls,
        answered = answered + excluded.answered, duration_ms = duration_ms + excluded.duration_ms, billed_s = billed_s + excluded.billed_s,
        amount_e8 = amount_e8 + excluded.amount_e8, exact_x60 = exact_x60 + excluded.exact_x60`;

/**
 * Per-day and per-month totals of each leg's calls (tables cdr_daily and cdr_monthly, UTC days and
 * months), kept by every writer of calls in the same transaction as the calls: a CDR import adds
 * its stored calls, a re-rate moves each changed call from its old rating to its new one. Summaries
 * over a period then read whole months and days from them and scan only the partial days at its
 * edges, instead of millions of calls.
 */
export class DailyTotals {
  /** (carrier, side, source, day) → (rate, status, reason) → entry: numeric keys, no string per call. */
  private readonly entries = new Map<number, Map<number, Entry>>();
  private size = 0;
  private readonly upsert;
  private readonly upsertMonth;

  constructor(db: Db) {
    this.upsert = db.prepare(UPSERT('cdr_daily', 'day'));
    this.upsertMonth = db.prepare(UPSERT('cdr_monthly', 'month'));
  }

  /** Adds (sign 1) or takes away (sign −1) one call's rating on one leg; a leg not rated yet counts with status −1. */
  add(carrierId: number, side: Side, source: number, startMs: number, durationMs: number, answered: boolean, r: StoredRating | null, sign: 1 | -1 = 1): void {
    if (r) this.addRating(carrierId, side, source, startMs, durationMs, answered, r.status, r.reason ?? 0, r.rateId ?? 0, r.billedS, r.amountE8 ?? 0, r.exactX60, sign);
    else this.addRating(carrierId, side, source, startMs, durationMs, answered, -1, 0, 0, 0, 0, 0, sign);
  }

  /** add() with the rating as numbers (status −1: not rated; reason, rate and amounts 0 where there are none). */
  addRating(carrierId: number, side: Side, source: number, startMs: number, durationMs: number, answered: boolean,
    status: number, reason: number, rateId: number, billedS: number, amountE8: number, x60: number | bigint, sign: 1 | -1 = 1): void {
    const day = Math.floor(startMs / DAY_MS);
    const sideCode = SIDE_CODE[side];
    // Day numbers stay below 2^20 (year 4840), statuses −1…2 and reasons 0…4 in 3 bits each.
    const outer = ((carrierId * 2 + sideCode) * 2 + source) * 1_048_576 + day;
    const inner = rateId * 64 + (status + 1) * 8 + reason;
    let byRate = this.entries.get(outer);
    if (!byRate) this.entries.set(outer, (byRate = new Map()));
    let e = byRate.get(inner);
    if (!e) {
      if (this.size >= MAX_ENTRIES) {
        this.flush();
        this.entries.set(outer, (byRate = new Map()));
      }
      e = { carrierId, side: sideCode, source, day, status, reason, rateId, calls: 0, answered: 0, ms: 0, billed: 0, amount: 0, x60: 0 };
      byRate.set(inner, e);
      this.size++;
    }
    if (typeof x60 === 'bigint' || Math.abs(e.x60) + Math.abs(x60) >= LIMIT || Math.abs(e.amount) + Math.abs(amountE8) >= LIMIT || Math.abs(e.ms) + durationMs >= LIMIT) {
      // Too big for an exact Number: this one call is written on its own, as BigInt.
      if (this.write(e)) this.upsertMonth.run(e.carrierId, e.side, e.source, monthOfDay(e.day), e.status, e.reason, e.rateId, e.calls, e.answered, e.ms, e.billed, e.amount, e.x60);
      this.reset(e);
      const values = [carrierId, e.side, source, status, reason, rateId, sign, answered ? sign : 0, BigInt(durationMs) * BigInt(sign),
        BigInt(billedS) * BigInt(sign), BigInt(amountE8) * BigInt(sign), BigInt(x60) * BigInt(sign)] as const;
      this.upsert.run(values[0], values[1], values[2], day, ...values.slice(3));
      this.upsertMonth.run(values[0], values[1], values[2], monthOfDay(day), ...values.slice(3));
      return;
    }
    e.calls += sign;
    if (answered) e.answered += sign;
    e.ms += sign * durationMs;
    e.billed += sign * billedS;
    e.amount += sign * amountE8;
    e.x60 += sign * (x60 as number);
  }

  /** Writes what is held (call at the end, inside the writer's transaction). */
  flush(): void {
    // The month totals are the day totals summed: in BigInt, as many days may pass 2^53 together.
    const months = new Map<string, bigint[] & { key?: number[] }>();
    for (const byRate of this.entries.values()) {
      for (const e of byRate.values()) {
        if (!this.write(e)) continue;
        const month = monthOfDay(e.day);
        const key = `${e.carrierId}|${e.side}|${e.source}|${month}|${e.status}|${e.reason}|${e.rateId}`;
        let m = months.get(key);
        if (!m) {
          m = Object.assign([0n, 0n, 0n, 0n, 0n, 0n], { key: [e.carrierId, e.side, e.source, month, e.status, e.reason, e.rateId] });
          months.set(key, m);
        }
        m[0]! += BigInt(e.calls);
        m[1]! += BigInt(e.answered);
        m[2]! += BigInt(e.ms);
        m[3]! += BigInt(e.billed);
        m[4]! += BigInt(e.amount);
        m[5]! += BigInt(e.x60);
      }
    }
    for (const m of months.values()) this.upsertMonth.run(...m.key!, ...m);
    this.entries.clear();
    this.size = 0;
  }

  private write(e: Entry): boolean {
    if (e.calls === 0 && e.answered === 0 && e.ms === 0 && e.billed === 0 && e.amount === 0 && e.x60 === 0) return false;
    this.upsert.run(e.carrierId, e.side, e.source, e.day, e.status, e.reason, e.rateId, e.calls, e.answered, e.ms, e.billed, e.amount, e.x60);
    return true;
  }

  private reset(e: Entry): void {
    e.calls = 0;
    e.answered = 0;
    e.ms = 0;
    e.billed = 0;
    e.amount = 0;
    e.x60 = 0;
  }
}

export function sideCode(side: Side): number {
  return SIDE_CODE[side];
}

/**
 * Recomputes every per-day and per-month total from the calls, in one transaction: for data written
 * around the engine (a benchmark's seeded calls) and as a repair. The writers keep them in step otherwise.
 */
export function rebuildDailyTotals(db: Db): void {
  db.transaction(() => {
    db.exec('DELETE FROM cdr_daily');
    db.exec('DELETE FROM cdr_monthly');
    for (const [side, leg] of [['buy', 'vendor_id'], ['sell', 'customer_id']] as const) {
      db.exec(`INSERT INTO cdr_daily
        SELECT ${leg}, ${SIDE_CODE[side]}, source, start_ms / ${DAY_MS}, coalesce(${side}_status, -1), coalesce(${side}_reason, 0), coalesce(${side}_rate_id, 0),
          count(*), sum(answered), sum(duration_ms), coalesce(sum(${side}_billed_s), 0), coalesce(sum(${side}_amount_e8), 0), coalesce(sum(${side}_exact_x60), 0)
        FROM cdrs WHERE ${leg} IS NOT NULL GROUP BY 1, 2, 3, 4, 5, 6, 7`);
    }
    db.exec(MONTHLY_FROM_DAILY);
  }).immediate();
}

/** Fills cdr_monthly from cdr_daily (migration 9 and a rebuild). */
export const MONTHLY_FROM_DAILY = `INSERT INTO cdr_monthly
  SELECT carrier_id, side, source, ${MONTH_OF_DAY_SQL('day')}, status, reason, rate_id,
    sum(calls), sum(answered), sum(duration_ms), sum(billed_s), sum(amount_e8), sum(exact_x60)
  FROM cdr_daily GROUP BY 1, 2, 3, 4, 5, 6, 7`;
