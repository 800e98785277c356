import type { Side } from '../api/contract.ts';
import type { StoredRating } from '../db/cdrs-repo.ts';
import type { Statement } from 'better-sqlite3';
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
/** Day entries kept in memory before they are written (bounded memory on any file). */
const MAX_DAYS = 50_000;
/** Month entries kept across day write-outs (a month's entries are written once, not at every write-out of its days). */
const MAX_MONTHS = 200_000;

/** An entry's columns in its slot: the key (carrier, side, source, day or month, status, reason, rate) then the sums. */
const F_CARRIER = 0;
const F_SIDE = 1;
const F_SOURCE = 2;
const F_PERIOD = 3;
const F_STATUS = 4;
const F_REASON = 5;
const F_RATE = 6;
const F_CALLS = 7;
const F_ANSWERED = 8;
const F_MS = 9;
const F_BILLED = 10;
const F_AMOUNT = 11;
const F_X60 = 12;
const FIELDS = 13;

/**
 * Entries in flat slots (no object per entry: a CDR import can hold one per call), found by two
 * numeric keys, (carrier, side, source, period) and (rate, status, reason), in an open-addressing
 * hash table of slot numbers (two nested Maps cost a hash-map walk each per call).
 */
class Slots {
  readonly v: Float64Array;
  private readonly outerKey: Float64Array;
  private readonly innerKey: Float64Array;
  /** Slot + 1 per bucket, 0 when empty; linear probing, at most half full. */
  private readonly table: Int32Array;
  private readonly mask: number;
  size = 0;

  constructor(private readonly capacity: number) {
    this.v = new Float64Array(capacity * FIELDS);
    this.outerKey = new Float64Array(capacity);
    this.innerKey = new Float64Array(capacity);
    let buckets = 1024;
    while (buckets < capacity * 2) buckets *= 2;
    this.table = new Int32Array(buckets);
    this.mask = buckets - 1;
  }

  /** The slot of a key, made (zeroed) if new; −1 when full. */
  slot(carrierId: number, side: number, source: number, period: number, status: number, reason: number, rateId: number): number {
    // Periods stay below 2^20 (year 4840), statuses −1…2 and reasons 0…4 in 3 bits each: both keys are integers below 2^53.
    const outer = ((carrierId * 2 + side) * 2 + source) * 1_048_576 + period;
    const inner = rateId * 64 + (status + 1) * 8 + reason;
    let h = Math.imul((outer | 0) ^ Math.imul((outer / 4294967296) | 0, 0x9e3779b1), 0x85ebca6b)
      ^ Math.imul((inner | 0) ^ Math.imul((inner / 4294967296) | 0, 0xc2b2ae35), 0x27d4eb2f);
    h ^= h >>> 15;
    const table = this.table;
    const mask = this.mask;
    let b = h & mask;
    for (;;) {
      const at = table[b]!;
      if (at === 0) break;
      if (this.outerKey[at - 1] === outer && this.innerKey[at - 1] === inner) return at - 1;
      b = (b + 1) & mask;
    }
    if (this.size >= this.capacity) return -1;
    const k = this.size++;
    table[b] = k + 1;
    this.outerKey[k] = outer;
    this.innerKey[k] = inner;
    const v = this.v;
    const o = k * FIELDS;
    v[o + F_CARRIER] = carrierId; v[o + F_SIDE] = side; v[o + F_SOURCE] = source; v[o + F_PERIOD] = period;
    v[o + F_STATUS] = status; v[o + F_REASON] = reason; v[o + F_RATE] = rateId;
    v.fill(0, o + F_CALLS, o + FIELDS);
    return k;
  }

  clear(): void {
    if (this.size > 0) this.table.fill(0);
    this.size = 0;
  }
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
  private readonly days = new Slots(MAX_DAYS);
  private readonly months = new Slots(MAX_MONTHS);
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
    let k = this.days.slot(carrierId, sideCode, source, day, status, reason, rateId);
    if (k < 0) {
      this.flushDays();
      k = this.days.slot(carrierId, sideCode, source, day, status, reason, rateId);
    }
    const v = this.days.v;
    const o = k * FIELDS;
    if (typeof x60 === 'bigint' || Math.abs(v[o + F_X60]!) + Math.abs(x60) >= LIMIT || Math.abs(v[o + F_AMOUNT]!) + Math.abs(amountE8) >= LIMIT
      || Math.abs(v[o + F_MS]!) + durationMs >= LIMIT) {
      // Too big for an exact Number: what the entry holds is written, then this one call on its own, as BigInt.
      if (this.writeDay(o)) {
        this.upsertMonth.run(v[o + F_CARRIER], v[o + F_SIDE], v[o + F_SOURCE], monthOfDay(day), v[o + F_STATUS], v[o + F_REASON], v[o + F_RATE],
          v[o + F_CALLS], v[o + F_ANSWERED], v[o + F_MS], v[o + F_BILLED], v[o + F_AMOUNT], v[o + F_X60]);
      }
      v.fill(0, o + F_CALLS, o + FIELDS);
      const values = [carrierId, sideCode, source, status, reason, rateId, sign, answered ? sign : 0, BigInt(durationMs) * BigInt(sign),
        BigInt(billedS) * BigInt(sign), BigInt(amountE8) * BigInt(sign), BigInt(x60) * BigInt(sign)] as const;
      this.upsert.run(values[0], values[1], values[2], day, ...values.slice(3));
      this.upsertMonth.run(values[0], values[1], values[2], monthOfDay(day), ...values.slice(3));
      return;
    }
    v[o + F_CALLS] = v[o + F_CALLS]! + sign;
    if (answered) v[o + F_ANSWERED] = v[o + F_ANSWERED]! + sign;
    v[o + F_MS] = v[o + F_MS]! + sign * durationMs;
    v[o + F_BILLED] = v[o + F_BILLED]! + sign * billedS;
    v[o + F_AMOUNT] = v[o + F_AMOUNT]! + sign * amountE8;
    v[o + F_X60] = v[o + F_X60]! + sign * (x60 as number);
  }

  /** Writes what is held (call at the end, inside the writer's transaction). */
  flush(): void {
    this.flushDays();
    this.flushMonths();
  }

  /** Writes the day entries and adds them to the month entries. */
  private flushDays(): void {
    const d = this.days.v;
    let monthOf = -1;
    let month = 0;
    for (let k = 0; k < this.days.size; k++) {
      const o = k * FIELDS;
      if (!this.writeDay(o)) continue;
      // The month totals are the day totals summed, in Numbers kept below 2^52 (a month entry that would pass it is written out first).
      const day = d[o + F_PERIOD]!;
      if (day !== monthOf) {
        monthOf = day;
        month = monthOfDay(day);
      }
      let m = this.months.slot(d[o + F_CARRIER]!, d[o + F_SIDE]!, d[o + F_SOURCE]!, month, d[o + F_STATUS]!, d[o + F_REASON]!, d[o + F_RATE]!);
      if (m < 0) {
        this.flushMonths();
        m = this.months.slot(d[o + F_CARRIER]!, d[o + F_SIDE]!, d[o + F_SOURCE]!, month, d[o + F_STATUS]!, d[o + F_REASON]!, d[o + F_RATE]!);
      }
      const mv = this.months.v;
      const mo = m * FIELDS;
      let fits = true;
      for (let f = F_CALLS; f < FIELDS; f++) if (Math.abs(mv[mo + f]!) + Math.abs(d[o + f]!) >= LIMIT) fits = false;
      if (!fits) {
        this.writeMonth(mo);
        mv.fill(0, mo + F_CALLS, mo + FIELDS);
      }
      for (let f = F_CALLS; f < FIELDS; f++) mv[mo + f] = mv[mo + f]! + d[o + f]!;
    }
    this.days.clear();
  }

  private flushMonths(): void {
    for (let m = 0; m < this.months.size; m++) this.writeMonth(m * FIELDS);
    this.months.clear();
  }

  private writeDay(o: number): boolean {
    return this.write(this.upsert, this.days.v, o);
  }

  private writeMonth(o: number): boolean {
    return this.write(this.upsertMonth, this.months.v, o);
  }

  private write(stmt: Statement, v: Float64Array, o: number): boolean {
    if (v[o + F_CALLS] === 0 && v[o + F_ANSWERED] === 0 && v[o + F_MS] === 0 && v[o + F_BILLED] === 0 && v[o + F_AMOUNT] === 0 && v[o + F_X60] === 0) return false;
    stmt.run(v[o + F_CARRIER], v[o + F_SIDE], v[o + F_SOURCE], v[o + F_PERIOD], v[o + F_STATUS], v[o + F_REASON], v[o + F_RATE],
      v[o + F_CALLS], v[o + F_ANSWERED], v[o + F_MS], v[o + F_BILLED], v[o + F_AMOUNT], v[o + F_X60]);
    return true;
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
