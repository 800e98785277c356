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

export class DailyTotals {
  private readonly entries = new Map<string, Entry>();
  private readonly upsert;

  constructor(db: Db) {
    this.upsert = db.prepare(`INSERT INTO cdr_daily (carrier_id, side, source, day, status, reason, rate_id, calls, answered, duration_ms, billed_s, amount_e8, exact_x60)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (carrier_id, side, source, day, status, reason, rate_id) DO UPDATE SET calls = calls + excluded.calls,
        answered = answered + excluded.answered, duration_ms = duration_ms + excluded.duration_ms, billed_s = billed_s + excluded.billed_s,
        amount_e8 = amount_e8 + excluded.amount_e8, exact_x60 = exact_x60 + excluded.exact_x60`);
  }

  /** Adds (sign 1) or takes away (sign −1) one call's rating on one leg; a leg not rated yet counts with status −1. */
  add(carrierId: number, side: Side, source: number, startMs: number, durationMs: number, answered: boolean, r: StoredRating | null, sign: 1 | -1 = 1): void {
    const day = Math.floor(startMs / DAY_MS);
    const status = r ? r.status : -1;
    const reason = r?.reason ?? 0;
    const rateId = r?.rateId ?? 0;
    const key = `${carrierId}|${side}|${source}|${day}|${status}|${reason}|${rateId}`;
    let e = this.entries.get(key);
    if (!e) {
      if (this.entries.size >= MAX_ENTRIES) this.flush();
      e = { carrierId, side: SIDE_CODE[side], source, day, status, reason, rateId, calls: 0, answered: 0, ms: 0, billed: 0, amount: 0, x60: 0 };
      this.entries.set(key, e);
    }
    const x60 = r ? r.exactX60 : 0;
    if (typeof x60 === 'bigint' || Math.abs(e.x60) + Math.abs(x60) >= LIMIT || Math.abs(e.amount) + Math.abs(r?.amountE8 ?? 0) >= LIMIT || Math.abs(e.ms) + durationMs >= LIMIT) {
      // Too big for an exact Number: this one call is written on its own, as BigInt.
      this.write(e);
      this.reset(e);
      this.upsert.run(carrierId, e.side, source, day, status, reason, rateId, sign, answered ? sign : 0, BigInt(durationMs) * BigInt(sign),
        BigInt(r?.billedS ?? 0) * BigInt(sign), BigInt(r?.amountE8 ?? 0) * BigInt(sign), BigInt(x60) * BigInt(sign));
      return;
    }
    e.calls += sign;
    if (answered) e.answered += sign;
    e.ms += sign * durationMs;
    if (r) {
      e.billed += sign * r.billedS;
      e.amount += sign * (r.amountE8 ?? 0);
      e.x60 += sign * (x60 as number);
    }
  }

  /** Writes what is held (call at the end, inside the writer's transaction). */
  flush(): void {
    for (const e of this.entries.values()) this.write(e);
    this.entries.clear();
  }

  private write(e: Entry): void {
    if (e.calls === 0 && e.answered === 0 && e.ms === 0 && e.billed === 0 && e.amount === 0 && e.x60 === 0) return;
    this.upsert.run(e.carrierId, e.side, e.source, e.day, e.status, e.reason, e.rateId, e.calls, e.answered, e.ms, e.billed, e.amount, e.x60);
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
 * Recomputes every per-day total from the calls, in one transaction: for data written around the
 * engine (a benchmark's seeded calls) and as a repair. The writers keep them in step otherwise.
 */
export function rebuildDailyTotals(db: Db): void {
  db.transaction(() => {
    db.exec('DELETE FROM cdr_daily');
    for (const [side, leg] of [['buy', 'vendor_id'], ['sell', 'customer_id']] as const) {
      db.exec(`INSERT INTO cdr_daily
        SELECT ${leg}, ${SIDE_CODE[side]}, source, start_ms / ${DAY_MS}, coalesce(${side}_status, -1), coalesce(${side}_reason, 0), coalesce(${side}_rate_id, 0),
          count(*), sum(answered), sum(duration_ms), coalesce(sum(${side}_billed_s), 0), coalesce(sum(${side}_amount_e8), 0), coalesce(sum(${side}_exact_x60), 0)
        FROM cdrs WHERE ${leg} IS NOT NULL GROUP BY 1, 2, 3, 4, 5, 6, 7`);
    }
  }).immediate();
}
