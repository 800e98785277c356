/**
 * An independent reference for rating, written from DOMAIN's formulas in decimal.js on currency
 * amounts (rates and fees as decimal strings), for the rating tests only.
 */
import { Decimal } from 'decimal.js';
import type { BillingTerms } from '../../../core/rating/billing.ts';
import type { RoundingMode, RoundingPolicy } from '../../../core/rating/amount.ts';

/** Wide enough that no division is ever rounded before the policy's rounding. */
export const Dec = Decimal.clone({ precision: 100 });
export type Dec = InstanceType<typeof Dec>;

const MODE: Record<RoundingMode, Decimal.Rounding> = {
  'half-up': Decimal.ROUND_HALF_UP,
  'half-even': Decimal.ROUND_HALF_EVEN,
  up: Decimal.ROUND_UP,
  down: Decimal.ROUND_DOWN,
};

/** DOMAIN: duration 0 → 0; ≤ grace → 0; d' = max(d, min); a if d' ≤ a, else a + ceil((d' − a) / b) · b. */
export function refBilled(duration: number, t: BillingTerms): number {
  if (duration === 0 || duration <= t.grace) return 0;
  const d = Math.max(duration, t.min);
  if (d <= t.first) return t.first;
  return t.first + Math.ceil((d - t.first) / t.next) * t.next;
}

export function refRound(x: Dec, p: RoundingPolicy): Dec {
  return x.toDecimalPlaces(p.decimals, MODE[p.mode]);
}

export interface RefCharge {
  billed: number;
  /** Currency units; null per line. */
  amount: Dec | null;
  /** Exact billed × rate, currency units (no fee): 60 × the unrounded usage amount, kept undivided so sums stay exact. */
  usage60: Dec;
  /** Fee charged, currency units. */
  fee: Dec;
}

/** One call by DOMAIN's formulas; an unbilled call costs nothing (no fee) at every level. */
export function refCharge(duration: number, rate: Dec, fee: Dec, t: BillingTerms, p: RoundingPolicy): RefCharge {
  return refChargeBilled(refBilled(duration, t), rate, fee, t, p);
}

/** refCharge for a call already known to bill `billed` seconds by refBilled. */
export function refChargeBilled(billed: number, rate: Dec, fee: Dec, t: BillingTerms, p: RoundingPolicy): RefCharge {
  const zero = new Dec(0);
  if (billed === 0) return { billed, amount: p.level === 'per-line' ? null : zero, usage60: zero, fee: zero };
  const usage60 = rate.times(billed);
  let amount: Dec | null;
  if (p.level === 'per-call') {
    amount = refRound(usage60.div(60), p).plus(fee);
  } else if (p.level === 'per-increment') {
    const n = (billed - t.first) / t.next;
    if (!Number.isInteger(n)) throw new Error('reference: billed is not first + n·next');
    amount = refRound(rate.times(t.first).div(60), p).plus(refRound(rate.times(t.next).div(60), p).times(n)).plus(fee);
  } else {
    amount = null;
  }
  return { billed, amount, usage60, fee };
}

/** DOMAIN per line: round(Σ billed × rate / 60) + Σ fees, currency units, from Σ billed × rate. */
export function refLine(sumUsage60: Dec, sumFees: Dec, p: RoundingPolicy): Dec {
  return refRound(sumUsage60.div(60), p).plus(sumFees);
}

/** 60 × the exact amount (usage and fee) in e8, as exactX60 is defined. */
export function refExactX60(c: RefCharge): bigint {
  return e8(c.usage60.plus(c.fee.times(60)));
}

/** A currency amount in e8 as a BigInt; throws unless it is a whole number of e8. */
export function e8(x: Dec): bigint {
  const s = x.times(1e8);
  if (!s.isInteger()) throw new Error(`reference: ${x.toString()} is not a whole number of e8`);
  return BigInt(s.toFixed(0));
}
