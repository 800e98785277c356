/**
 * Rounding of a non-negative ratio of e8 amounts to a carrier's decimals (0–8) and mode, exactly:
 * with safe-integer Numbers on the fast path and BigInt when a value is outside that range.
 *
 * All amounts here are ≥ 0, so "up" means away from zero (ceiling) and "down" truncation.
 */

export type RoundingMode = 'half-up' | 'half-even' | 'up' | 'down';

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** The rounding step in e8 units for `decimals` 0–8: 10^(8 − decimals). */
const UNITS: readonly number[] = [1e8, 1e7, 1e6, 1e5, 1e4, 1e3, 100, 10, 1];
const UNITS_BIG: readonly bigint[] = UNITS.map((u) => BigInt(u));

/** The step 10^(8 − decimals) in e8 units; throws RangeError unless decimals is a whole number 0–8. */
export function roundingUnitE8(decimals: number): number {
  const unit = UNITS[decimals];
  if (unit === undefined) throw new RangeError(`rounding decimals ${String(decimals)} is not a whole number from 0 to 8`);
  return unit;
}

/**
 * Rounds the quotient q + r/d (0 ≤ r < d) to a whole number by mode. Exact on safe integers:
 * 2·r is a doubling, exact in binary floating point.
 */
function roundQuotient(q: number, r: number, d: number, mode: RoundingMode): number {
  if (r === 0) return q;
  switch (mode) {
    case 'half-up':
      return r * 2 >= d ? q + 1 : q;
    case 'half-even': {
      const twice = r * 2;
      return twice > d || (twice === d && q % 2 === 1) ? q + 1 : q;
    }
    case 'up':
      return q + 1;
    case 'down':
      return q;
    default:
      throw new RangeError(`rounding mode ${String(mode as unknown)} is not half-up, half-even, up or down`);
  }
}

/**
 * Internal fast path: numerator and denominator × unit are safe integers ≥ 0 (unchecked).
 * Returns the rounded value in e8 units.
 */
export function roundRatioUnchecked(numerator: number, denominator: number, unit: number, mode: RoundingMode): number {
  const d = denominator * unit;
  // numerator % d is exact (fmod), and numerator − r is an exact multiple of d: no float division error.
  const r = numerator % d;
  return roundQuotient((numerator - r) / d, r, d, mode) * unit;
}

/**
 * numerator / denominator (both integers ≥ 0, denominator > 0, numerator a safe integer) in e8
 * units, rounded to `decimals` (0–8) by mode; returns e8 units, a safe integer.
 * Throws RangeError for invalid arguments or a result beyond the safe range (use roundRatioBig).
 */
export function roundRatio(numerator: number, denominator: number, decimals: number, mode: RoundingMode): number {
  const unit = roundingUnitE8(decimals);
  if (!(Number.isSafeInteger(numerator) && numerator >= 0)) {
    throw new RangeError(`numerator ${String(numerator)} is not a safe integer ≥ 0`);
  }
  if (!(Number.isSafeInteger(denominator) && denominator > 0)) {
    throw new RangeError(`denominator ${String(denominator)} is not a safe integer > 0`);
  }
  let result: number;
  if (denominator * unit <= MAX_SAFE) {
    result = roundRatioUnchecked(numerator, denominator, unit, mode);
  } else {
    // The step in units of the numerator is beyond 2^53: exact in BigInt, and the result is small.
    result = Number(roundRatioBig(BigInt(numerator), BigInt(denominator), decimals, mode));
  }
  if (result > MAX_SAFE) throw new RangeError('rounded value is beyond the safe-integer range: use roundRatioBig');
  return result;
}

/** roundRatio on BigInt, for any size: numerator ≥ 0, denominator > 0, decimals 0–8. */
export function roundRatioBig(numerator: bigint, denominator: bigint, decimals: number, mode: RoundingMode): bigint {
  const unit = UNITS_BIG[decimals];
  if (unit === undefined) throw new RangeError(`rounding decimals ${String(decimals)} is not a whole number from 0 to 8`);
  if (numerator < 0n) throw new RangeError(`numerator ${numerator} is negative`);
  if (denominator <= 0n) throw new RangeError(`denominator ${denominator} is not > 0`);
  const d = denominator * unit;
  const q = numerator / d; // truncation = floor for non-negative values
  const r = numerator - q * d;
  if (r === 0n) return q * unit;
  let up: boolean;
  switch (mode) {
    case 'half-up':
      up = r * 2n >= d;
      break;
    case 'half-even': {
      const twice = r * 2n;
      up = twice > d || (twice === d && (q & 1n) === 1n);
      break;
    }
    case 'up':
      up = true;
      break;
    case 'down':
      up = false;
      break;
    default:
      throw new RangeError(`rounding mode ${String(mode as unknown)} is not half-up, half-even, up or down`);
  }
  return (up ? q + 1n : q) * unit;
}
