import type { RoundingPolicyLike, Side, SideRatingCounts } from '../api/contract.ts';
import { STATUS_FREE, STATUS_RATED, STATUS_UNRATED } from '../db/cdrs-repo.ts';
import type { Db } from '../db/open.ts';
import { formatAmountE8, lineAmountE8 } from '../rating/amount.ts';
import { REASONS } from './totals.ts';

/** A tally as plain data, to cross from a worker thread and be merged. */
export interface TallyData {
  rated: number;
  free: number;
  unrated: number[];
  amount: string;
  perLine: [rateId: number, n: number, x60: string][] | null;
}

/** Above this a Number sum is flushed into a BigInt: every partial sum stays an exact integer. */
const FLUSH = 2 ** 52;

/**
 * What one side's calls come to, counted as they are written (an import, a re-rate) instead of
 * summed again from the table afterwards. Exact: amounts are integer e8 sums; a per-line policy
 * keeps Σ exact×60 per rate version and rounds each line (destination and rate) once at the end.
 */
export class SideTally {
  rated = 0;
  free = 0;
  readonly unrated = [0, 0, 0, 0, 0];
  private amount = 0;
  private amountBig = 0n;
  private readonly perLine: Map<number, { n: number; x60: bigint }> | null;

  constructor(readonly carrierId: number, readonly side: Side, private readonly policy: RoundingPolicyLike) {
    this.perLine = policy.level === 'per-line' ? new Map() : null;
  }

  add(status: number, reason: number | null, rateId: number | null, amountE8: number | null, exactX60: number | bigint): void {
    if (status === STATUS_RATED) {
      this.rated++;
      if (this.perLine) {
        const l = this.perLine.get(rateId!);
        if (l) {
          l.n++;
          l.x60 += BigInt(exactX60);
        } else this.perLine.set(rateId!, { n: 1, x60: BigInt(exactX60) });
      } else {
        this.amount += amountE8 ?? 0;
        if (this.amount > FLUSH || this.amount < -FLUSH) {
          this.amountBig += BigInt(this.amount);
          this.amount = 0;
        }
      }
    } else if (status === STATUS_FREE) this.free++;
    else if (status === STATUS_UNRATED) this.unrated[reason ?? 1]!++;
  }

  data(): TallyData {
    return {
      rated: this.rated, free: this.free, unrated: [...this.unrated], amount: (this.amountBig + BigInt(this.amount)).toString(),
      perLine: this.perLine ? [...this.perLine].map(([id, l]) => [id, l.n, l.x60.toString()]) : null,
    };
  }

  /** Adds another tally of the same carrier and side (a range counted on another thread). */
  merge(d: TallyData): void {
    this.rated += d.rated;
    this.free += d.free;
    for (let r = 0; r < this.unrated.length; r++) this.unrated[r]! += d.unrated[r] ?? 0;
    this.amountBig += BigInt(d.amount);
    if (this.perLine && d.perLine) {
      for (const [id, n, x60] of d.perLine) {
        const l = this.perLine.get(id);
        if (l) {
          l.n += n;
          l.x60 += BigInt(x60);
        } else this.perLine.set(id, { n, x60: BigInt(x60) });
      }
    }
  }

  /** The totals, with the deck's currency and, for per-line policies, each line rounded once. */
  result(db: Db): SideRatingCounts {
    const currency = (db.prepare('SELECT currency FROM rates WHERE carrier_id = ? AND side = ? LIMIT 1').pluck().get(this.carrierId, this.side) as string | undefined) ?? '';
    let total = this.amountBig + BigInt(this.amount);
    if (this.perLine && this.perLine.size > 0) {
      total = 0n;
      const lines = new Map<string, { x60: bigint; fees: bigint }>();
      const meta = db.prepare('SELECT destination, rate_per_min_e8, connection_fee_e8 FROM rates WHERE id = ?').raw();
      for (const [rateId, l] of this.perLine) {
        const [destination, rate, fee] = meta.get(rateId) as [string, number, number];
        const key = `${destination}\u0000${rate}`;
        const line = lines.get(key) ?? { x60: 0n, fees: 0n };
        line.x60 += l.x60;
        line.fees += BigInt(fee) * BigInt(l.n);
        lines.set(key, line);
      }
      for (const l of lines.values()) total += lineAmountE8(l.x60, this.policy, l.fees);
    }
    const unrated = { 'no rate': 0, 'closed code': 0, blocked: 0, 'invalid number': 0 } as SideRatingCounts['unrated'];
    for (let r = 1; r < this.unrated.length; r++) if (this.unrated[r]) unrated[REASONS[r]!] += this.unrated[r]!;
    return { side: this.side, rated: this.rated, free: this.free, unrated, amount: formatAmountE8(total), currency };
  }
}
