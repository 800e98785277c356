import type { Db } from '../db/open.ts';
import { chargeCall, type RoundingPolicy } from '../rating/amount.ts';
import { durationSecondsFromMs } from '../rating/billing.ts';
import { roundingUnitE8 } from '../rating/rounding.ts';
import { KIND_RATE, VersionedRateTable } from '../rates/versioned-table.ts';

/** Rounds a non-negative ×60 amount to whole e8, half up: a per-line carrier's call shown unrounded, to the 8th decimal. */
export function x60ToE8(x60: number | bigint): number {
  const v = BigInt(x60);
  return Number((v * 2n + 60n) / 120n);
}

/**
 * A vendor's buy deck as reconciliation sees it: every version, its destination, and the notice
 * rule: an increase that came with less notice than the contract gives is expected at the version
 * before it until the notice has run.
 */
export class DeckView {
  private constructor(
    readonly table: VersionedRateTable,
    private readonly indexById: Map<number, number>,
    readonly destination: string[],
    /** Per version: the instant until which the previous version applies instead (NaN: none). */
    readonly noticeUntil: Float64Array,
    readonly policy: RoundingPolicy,
  ) {}

  static load(db: Db, carrierId: number, policy: RoundingPolicy): DeckView {
    const table = VersionedRateTable.load(db, carrierId, 'buy');
    const indexById = new Map<number, number>();
    for (let v = 0; v < table.size; v++) indexById.set(table.ids[v]!, v);
    const destination: string[] = new Array<string>(table.size).fill('');
    const noticeUntil = new Float64Array(table.size).fill(Number.NaN);
    const rows = db.prepare(`SELECT id, destination, notice_violation, notice_until_ms, change_class FROM rates
      WHERE carrier_id = ? AND side = 'buy' AND superseded_by_import_id IS NULL`).raw().iterate(carrierId) as Iterable<[number, string, number, number | null, string]>;
    for (const [id, dest, violation, until, cls] of rows) {
      const v = indexById.get(id);
      if (v === undefined) continue;
      destination[v] = dest;
      if (violation === 1 && cls === 'increase' && until !== null && v > 0 && table.versionPrefix[v - 1] === table.versionPrefix[v] && table.kind[v - 1] === KIND_RATE) {
        noticeUntil[v] = until;
      }
    }
    return new DeckView(table, indexById, destination, noticeUntil, policy);
  }

  indexOf(rateId: number | null): number {
    return rateId === null ? -1 : (this.indexById.get(rateId) ?? -1);
  }

  /** The version a call is expected at: the stored one, or the one before it while an increase's notice runs. */
  expected(v: number, startMs: number): number {
    return v >= 0 && startMs < this.noticeUntil[v]! ? v - 1 : v;
  }

  isRate(v: number): boolean {
    return v >= 0 && this.table.kind[v] === KIND_RATE;
  }

  /** A call's charge at version v for a duration, in e8 under the carrier's policy (per line: unrounded, to e8). */
  charge(v: number, durationMs: number): { e8: number; billed: number; x60: number } {
    if (!this.isRate(v) || durationMs <= 0) return { e8: 0, billed: 0, x60: 0 };
    const t = this.table;
    const c = chargeCall(durationSecondsFromMs(durationMs), t.rateE8[v]!, t.feeE8[v]!, { first: t.first[v]!, next: t.next[v]!, min: t.min[v]!, grace: t.grace[v]! }, this.policy);
    const x60 = Number(c.exactX60);
    return { e8: c.amountE8 ?? x60ToE8(c.exactX60), billed: c.billedSeconds, x60 };
  }

  /**
   * Whether a charge differs from the exact amount at version v by no more than rounding can
   * explain: one step of the policy's decimals per rounding (per increment: one per increment).
   */
  withinRounding(v: number, billed: number, x60: number, chargedE8: number): boolean {
    const unit = roundingUnitE8(this.policy.decimals);
    const t = this.table;
    const steps = this.policy.level === 'per-increment' && v >= 0 && billed > 0 ? 1 + Math.max(0, (billed - t.first[v]!) / t.next[v]!) : 1;
    return Math.abs(chargedE8 * 60 - x60) <= unit * steps * 60;
  }

  prefixOf(v: number): string | null {
    return v >= 0 ? this.table.prefixes[this.table.versionPrefix[v]!]! : null;
  }

  rateOf(v: number): number {
    return this.isRate(v) ? this.table.rateE8[v]! : 0;
  }

  feeOf(v: number): number {
    return this.isRate(v) ? this.table.feeE8[v]! : 0;
  }
}
