/**
 * A call's charge under a carrier's rounding policy (DOMAIN "Rating a call"), exactly.
 *
 * Rates and fees are integers of 1e-8 currency units (e8, core/money/scaled-decimal.ts). The fast
 * path is safe-integer Number arithmetic; a call whose exact amount × 60 is beyond 2^53 − 1 (e.g.
 * 48 h at more than ~521/min) is charged on a BigInt path, with the same results.
 *
 * Decisions:
 * - An unbilled call (duration 0, unanswered, or within grace) costs nothing at every level: amount 0
 *   and no connection fee. DOMAIN: "duration 0 (or unanswered) → 0 and no charge"; grace seconds are
 *   free seconds (a fee on them would make grace meaningless on routes with a fee); per increment
 *   says "for billed = 0 nothing"; and the same rule at every level means switching a carrier's
 *   rounding level never changes which calls are charged.
 * - The connection fee is added as it is, never rounded (DOMAIN: `round(…) + fee`). A fee with more
 *   decimals than the policy therefore keeps them in the amount.
 * - Per line, the fees stay outside the rounding too (DOMAIN: `round(Σ billed × rate / 60) + Σ fees`):
 *   see lineAmountE8.
 */
import { formatScaled } from '../money/scaled-decimal.ts';
import { billedSeconds, type BillingTerms } from './billing.ts';
import { roundingUnitE8, roundRatioBig, roundRatioUnchecked, type RoundingMode } from './rounding.ts';

export type { BillingTerms } from './billing.ts';
export type { RoundingMode } from './rounding.ts';

export interface RoundingPolicy {
  level: 'per-call' | 'per-increment' | 'per-line';
  decimals: number;
  mode: RoundingMode;
}

export interface CallCharge {
  billedSeconds: number;
  /**
   * The call's amount in e8 as the policy rounds it: per call or per increment (fee included); for
   * per-line, null: the exact amount truncated to e8 is NOT stored — see exactX60.
   */
  amountE8: number | null;
  /**
   * 60 × the exact unrounded amount in e8 (billed × rateE8 + 60 × feeE8): an integer, so lines and
   * totals can be summed exactly and rounded once. A Number whenever it is a safe integer; a bigint
   * only beyond 2^53 − 1 (never for rates below ~521/min on calls up to 48 h). Sum with BigInt(x)
   * or ExactSum.
   */
  exactX60: number | bigint;
  /** The connection fee charged for this call in e8: the rate row's fee, or 0 for an unbilled call. */
  feeE8: number;
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const MAX_SAFE_BIG = BigInt(MAX_SAFE);

function isMode(m: RoundingMode): boolean {
  return m === 'half-up' || m === 'half-even' || m === 'up' || m === 'down';
}

/**
 * Charges one call: billed seconds from the terms, then the amount by the policy's level.
 * - per-call: round(billed × rate / 60) + fee
 * - per-increment: round(rate × first / 60) + n · round(rate × next / 60) + fee, n = (billed − first) / next
 * - per-line: amountE8 null; the line is lineAmountE8(Σ exactX60, policy, Σ feeE8)
 * An unbilled call has amount 0 (null per line), exactX60 0 and fee 0.
 *
 * Throws RangeError for bad input (negative or non-integer rate or fee, bad terms, duration, decimals,
 * level or mode) and for an amount beyond 2^53 − 1 e8 (≈ 90 million currency units for one call).
 */
export function chargeCall(durationS: number, rateE8: number, feeE8: number, t: BillingTerms, p: RoundingPolicy): CallCharge {
  const billed = billedSeconds(durationS, t);
  if (!(Number.isSafeInteger(rateE8) && rateE8 >= 0 && Number.isSafeInteger(feeE8) && feeE8 >= 0)) {
    throw new RangeError(`rate ${String(rateE8)} and fee ${String(feeE8)} must be safe integers ≥ 0 (e8 units)`);
  }
  const unit = roundingUnitE8(p.decimals);
  const mode = p.mode;
  if (!isMode(mode)) throw new RangeError(`rounding mode ${String(mode)} is not half-up, half-even, up or down`);
  const level = p.level;
  if (billed === 0) {
    if (level === 'per-line') return { billedSeconds: 0, amountE8: null, exactX60: 0, feeE8: 0 };
    if (level === 'per-call' || level === 'per-increment') return { billedSeconds: 0, amountE8: 0, exactX60: 0, feeE8: 0 };
    throw badLevel(level);
  }
  const product = billed * rateE8;
  const exactX60 = product + feeE8 * 60;
  // Float arithmetic is monotone: if the true value exceeds 2^53 − 1, the computed one does too.
  if (!(exactX60 <= MAX_SAFE)) return chargeCallBig(billed, rateE8, feeE8, t, p);
  let amountE8: number | null;
  switch (level) {
    case 'per-call':
      amountE8 = roundRatioUnchecked(product, 60, unit, mode) + feeE8;
      break;
    case 'per-increment': {
      // rate × first ≤ product; and when n ≥ 1, next ≤ billed: both products are safe.
      const n = (billed - t.first) / t.next;
      amountE8 = roundRatioUnchecked(rateE8 * t.first, 60, unit, mode) + feeE8;
      if (n !== 0) amountE8 += n * roundRatioUnchecked(rateE8 * t.next, 60, unit, mode);
      // Every partial result is ≤ the final one: if that is safe, all were exact.
      if (!(amountE8 <= MAX_SAFE)) return chargeCallBig(billed, rateE8, feeE8, t, p);
      break;
    }
    case 'per-line':
      amountE8 = null;
      break;
    default:
      throw badLevel(level);
  }
  return { billedSeconds: billed, amountE8, exactX60, feeE8 };
}

function badLevel(level: unknown): RangeError {
  return new RangeError(`rounding level ${String(level)} is not per-call, per-increment or per-line`);
}

/** The same charge, every intermediate in BigInt (inputs already validated by chargeCall). */
function chargeCallBig(billed: number, rateE8: number, feeE8: number, t: BillingTerms, p: RoundingPolicy): CallCharge {
  const B = BigInt(billed);
  const R = BigInt(rateE8);
  const F = BigInt(feeE8);
  const product = B * R;
  const x60 = product + 60n * F;
  const exactX60 = x60 <= MAX_SAFE_BIG ? Number(x60) : x60;
  let amount: bigint | null;
  switch (p.level) {
    case 'per-call':
      amount = roundRatioBig(product, 60n, p.decimals, p.mode) + F;
      break;
    case 'per-increment': {
      const first = BigInt(t.first);
      const next = BigInt(t.next);
      const n = (B - first) / next;
      amount = roundRatioBig(R * first, 60n, p.decimals, p.mode) + F;
      if (n !== 0n) amount += n * roundRatioBig(R * next, 60n, p.decimals, p.mode);
      break;
    }
    case 'per-line':
      amount = null;
      break;
    default:
      throw badLevel(p.level);
  }
  if (amount !== null && amount > MAX_SAFE_BIG) {
    throw new RangeError(`the amount of one call (${formatAmountE8(amount)}) is beyond the exact range of 2^53 − 1 e8`);
  }
  return { billedSeconds: billed, amountE8: amount === null ? null : Number(amount), exactX60, feeE8 };
}

/**
 * A per-line invoice line's amount in e8 (DOMAIN): round(Σ billed × rate / 60) + Σ fees, from the
 * line's Σ exactX60 and Σ feeE8 of its calls (CallCharge). The fees are taken back out of Σ exactX60
 * and added after rounding, as DOMAIN writes it and as per call and per increment do.
 *
 * Passing sumFeesE8 = 0n instead rounds the fees together with the usage; the two agree whenever the
 * fees are whole multiples of the policy's step (e.g. a 0.01 fee with 2 or more decimals).
 */
export function lineAmountE8(sumExactX60: bigint, p: RoundingPolicy, sumFeesE8: bigint): bigint {
  if (sumFeesE8 < 0n) throw new RangeError(`the sum of fees ${sumFeesE8} is negative`);
  const usageX60 = sumExactX60 - 60n * sumFeesE8;
  if (usageX60 < 0n) throw new RangeError('the sum of fees is more than the line\'s exact amount');
  return roundRatioBig(usageX60, 60n, p.decimals, p.mode) + sumFeesE8;
}

/**
 * Formats an amount in e8 as a decimal string with at least `minDecimals` decimals (trailing zeros
 * beyond them trimmed), through core/money's formatScaled; BigInt amounts of any size.
 */
export function formatAmountE8(amountE8: number | bigint, minDecimals = 2): string {
  if (typeof amountE8 === 'number') return formatScaled(amountE8, minDecimals);
  if (amountE8 >= -MAX_SAFE_BIG && amountE8 <= MAX_SAFE_BIG) return formatScaled(Number(amountE8), minDecimals);
  const negative = amountE8 < 0n;
  const abs = negative ? -amountE8 : amountE8;
  const whole = abs / 100_000_000n;
  // The fraction alone is < 1e8 e8: formatScaled writes "0.xxxx"; its integer part is replaced.
  const frac = formatScaled(Number(abs - whole * 100_000_000n), minDecimals).slice(1);
  return `${negative ? '-' : ''}${whole}${frac}`;
}
