/**
 * Billed seconds from a carrier's billing terms (DOMAIN "Rating a call"). Pure integer arithmetic on
 * Numbers: every value here is a whole number of seconds far inside the safe-integer range.
 */

/** A rate row's billing terms, all in whole seconds: increment first/next ("30/6"), minimum, grace. */
export interface BillingTerms {
  first: number;
  next: number;
  min: number;
  grace: number;
}

/**
 * Largest duration or term accepted, in seconds (2^32 − 1 ≈ 136 years): any real value is far below,
 * and it keeps `billed ≤ duration + next` (≤ 2^33) exact with room to spare.
 */
export const MAX_SECONDS = 0xffff_ffff;

/** Why terms cannot be billed with, or null when they can: first and next ≥ 1; min and grace ≥ 0; whole seconds. */
export function billingTermsError(t: BillingTerms): string | null {
  const { first, next, min, grace } = t;
  if (!isSeconds(first) || first < 1) return `first increment ${String(first)} is not a whole number of seconds ≥ 1`;
  if (!isSeconds(next) || next < 1) return `next increment ${String(next)} is not a whole number of seconds ≥ 1`;
  if (!isSeconds(min)) return `minimum duration ${String(min)} is not a whole number of seconds ≥ 0`;
  if (!isSeconds(grace)) return `grace ${String(grace)} is not a whole number of seconds ≥ 0`;
  return null;
}

/** A whole number in [0, MAX_SECONDS]; false for NaN, ±Infinity, fractions and negatives. */
function isSeconds(x: number): boolean {
  return x >>> 0 === x;
}

/**
 * Billed seconds for a call of `durationS` seconds (DOMAIN): duration 0 → 0; duration ≤ grace → 0;
 * otherwise d' = max(duration, min), billed = first if d' ≤ first, else first + ceil((d' − first) / next) · next.
 *
 * `durationS` should be whole seconds (see durationSecondsFromMs). A fractional duration is taken as
 * its started second, ceil(durationS), which gives the same result as the formula applied to the
 * fraction itself because all terms are whole seconds.
 *
 * Throws RangeError for a negative, non-finite or over-large duration and for invalid terms
 * (billingTermsError): bad data is reported, never billed as a silent zero.
 */
export function billedSeconds(durationS: number, t: BillingTerms): number {
  const a = t.first;
  const b = t.next;
  const m = t.min;
  const g = t.grace;
  // x >>> 0 === x: a whole number in [0, 2^32 − 1]; one cheap test each.
  if (!(a >>> 0 === a && b >>> 0 === b && m >>> 0 === m && g >>> 0 === g && a > 0 && b > 0)) {
    throw new RangeError(billingTermsError(t) ?? 'invalid billing terms');
  }
  const d0 = Math.ceil(durationS);
  if (!(durationS >= 0) || d0 >>> 0 !== d0) throw new RangeError(`call duration ${String(durationS)} s is not a number of seconds in [0, ${MAX_SECONDS}]`);
  if (d0 <= g) return 0; // also duration 0: grace ≥ 0
  const d = d0 < m ? m : d0;
  if (d <= a) return a;
  // ceil((d − a) / b) · b without a float division: exact for every safe integer.
  const r = (d - a) % b;
  return r === 0 ? d : d + (b - r);
}

/**
 * Whole seconds of a duration given in milliseconds, for billing: a started second counts (ceil),
 * so 1 ms → 1 s, 1000 ms → 1 s, 1001 ms → 2 s, 0 → 0. Switches bill whole seconds this way (a
 * call of 60.2 s on 60/60 is a call longer than 60 s). A fractional millisecond count (from
 * microsecond CDRs) is handled the same way. Throws RangeError for a negative or non-finite value.
 */
export function durationSecondsFromMs(durationMs: number): number {
  if (!(durationMs >= 0 && durationMs <= Number.MAX_SAFE_INTEGER)) {
    throw new RangeError(`call duration ${String(durationMs)} ms is not a non-negative number`);
  }
  if (Number.isInteger(durationMs)) {
    // Integer path without float division, exact for every safe integer.
    const r = durationMs % 1000;
    return (durationMs - r) / 1000 + (r === 0 ? 0 : 1);
  }
  const whole = Math.floor(durationMs);
  const r = whole % 1000;
  // whole < durationMs, so the duration has started the second after floor(whole / 1000).
  return (whole - r) / 1000 + 1;
}
