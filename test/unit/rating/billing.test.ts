import { describe, expect, it } from 'vitest';
import { billedSeconds, billingTermsError, durationSecondsFromMs, type BillingTerms } from '../../../core/rating/billing.ts';

const terms = (first: number, next: number, min = 0, grace = 0): BillingTerms => ({ first, next, min, grace });

describe('billedSeconds', () => {
  const cases: { name: string; duration: number; t: BillingTerms; billed: number }[] = [
    // DOMAIN's examples
    { name: '60/60 bills 61 s as 120 s', duration: 61, t: terms(60, 60), billed: 120 },
    { name: '1/1 bills 61 s as 61 s', duration: 61, t: terms(1, 1), billed: 61 },
    { name: '30/6 bills 31 s as 36 s', duration: 31, t: terms(30, 6), billed: 36 },
    { name: '30/6 bills 75 s as 78 s', duration: 75, t: terms(30, 6), billed: 78 },
    // zero and short calls
    { name: 'duration 0 on 60/60', duration: 0, t: terms(60, 60), billed: 0 },
    { name: 'duration 0 on 1/1', duration: 0, t: terms(1, 1), billed: 0 },
    { name: 'duration 0 with a minimum', duration: 0, t: terms(1, 1, 30), billed: 0 },
    { name: '1 s on 60/60 is the first increment', duration: 1, t: terms(60, 60), billed: 60 },
    { name: '1 s on 1/1', duration: 1, t: terms(1, 1), billed: 1 },
    { name: '1 s on 30/6', duration: 1, t: terms(30, 6), billed: 30 },
    // boundaries of increments
    { name: '60 s on 60/60', duration: 60, t: terms(60, 60), billed: 60 },
    { name: '120 s on 60/60', duration: 120, t: terms(60, 60), billed: 120 },
    { name: '121 s on 60/60', duration: 121, t: terms(60, 60), billed: 180 },
    { name: '30 s on 30/6', duration: 30, t: terms(30, 6), billed: 30 },
    { name: '36 s on 30/6', duration: 36, t: terms(30, 6), billed: 36 },
    { name: '37 s on 30/6', duration: 37, t: terms(30, 6), billed: 42 },
    { name: '6 s on 6/6', duration: 6, t: terms(6, 6), billed: 6 },
    { name: '7 s on 6/6', duration: 7, t: terms(6, 6), billed: 12 },
    { name: '59 s on 60/1', duration: 59, t: terms(60, 1), billed: 60 },
    { name: '61 s on 60/1', duration: 61, t: terms(60, 1), billed: 61 },
    { name: '1 s on 1/60', duration: 1, t: terms(1, 60), billed: 1 },
    { name: '2 s on 1/60', duration: 2, t: terms(1, 60), billed: 61 },
    { name: '61 s on 1/60', duration: 61, t: terms(1, 60), billed: 61 },
    { name: '62 s on 1/60', duration: 62, t: terms(1, 60), billed: 121 },
    { name: '48 h on 1/1', duration: 172_800, t: terms(1, 1), billed: 172_800 },
    { name: '48 h + 1 s on 60/60', duration: 172_801, t: terms(60, 60), billed: 172_860 },
    // minimum duration
    { name: 'minimum 30 on 1/1 lifts 10 s to 30 s', duration: 10, t: terms(1, 1, 30), billed: 30 },
    { name: 'minimum 30 on 1/1 leaves 31 s', duration: 31, t: terms(1, 1, 30), billed: 31 },
    { name: 'minimum 30 on 6/6 lifts 1 s to 30 s', duration: 1, t: terms(6, 6, 30), billed: 30 },
    { name: 'minimum 31 on 6/6 lifts 1 s to 36 s (then the increments)', duration: 1, t: terms(6, 6, 31), billed: 36 },
    { name: 'minimum below the first increment changes nothing', duration: 5, t: terms(30, 6, 10), billed: 30 },
    { name: 'minimum 90 on 60/60 bills 120', duration: 5, t: terms(60, 60, 90), billed: 120 },
    // grace
    { name: 'within grace: 3 s with grace 5', duration: 3, t: terms(60, 60, 0, 5), billed: 0 },
    { name: 'at grace: 5 s with grace 5', duration: 5, t: terms(60, 60, 0, 5), billed: 0 },
    { name: 'past grace: 6 s with grace 5 bills the whole call', duration: 6, t: terms(60, 60, 0, 5), billed: 60 },
    { name: 'past grace on 1/1 bills every second, grace included', duration: 6, t: terms(1, 1, 0, 5), billed: 6 },
    { name: 'grace is checked before the minimum', duration: 4, t: terms(1, 1, 30, 5), billed: 0 },
    { name: 'past grace, the minimum applies', duration: 6, t: terms(1, 1, 30, 5), billed: 30 },
    { name: 'grace longer than the first increment', duration: 100, t: terms(30, 6, 0, 100), billed: 0 },
    { name: 'just past a long grace', duration: 101, t: terms(30, 6, 0, 100), billed: 102 },
  ];
  it.each(cases)('$name', ({ duration, t, billed }) => {
    expect(billedSeconds(duration, t)).toBe(billed);
  });

  it.each([
    { duration: 0.001, t: terms(60, 60) },
    { duration: 60.2, t: terms(60, 60) },
    { duration: 61.5, t: terms(1, 1) },
    { duration: 30.0001, t: terms(30, 6) },
    { duration: 4.5, t: terms(1, 1, 0, 5) },
    { duration: 5.5, t: terms(1, 1, 0, 5) },
    { duration: 29.9, t: terms(1, 1, 30) },
  ])('a fractional duration $duration is its started second', ({ duration, t }) => {
    expect(billedSeconds(duration, t)).toBe(billedSeconds(Math.ceil(duration), t));
  });

  it.each([-1, -0.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 32])('refuses duration %s', (d) => {
    expect(() => billedSeconds(d, terms(60, 60))).toThrow(RangeError);
  });

  it.each([
    { t: terms(0, 60), msg: /first increment/ },
    { t: terms(60, 0), msg: /next increment/ },
    { t: terms(1.5, 1), msg: /first increment/ },
    { t: terms(60, 60, -1), msg: /minimum/ },
    { t: terms(60, 60, 0, Number.NaN), msg: /grace/ },
    { t: terms(60, 60, 0, 0.5), msg: /grace/ },
  ])('refuses invalid terms %j', ({ t, msg }) => {
    expect(billingTermsError(t)).toMatch(msg);
    expect(() => billedSeconds(61, t)).toThrow(msg);
    expect(() => billedSeconds(0, t)).toThrow(RangeError);
  });

  it('accepts valid terms', () => {
    expect(billingTermsError(terms(30, 6, 60, 5))).toBeNull();
  });
});

describe('durationSecondsFromMs', () => {
  it.each([
    [0, 0],
    [1, 1],
    [999, 1],
    [1000, 1],
    [1001, 2],
    [59_999, 60],
    [60_000, 60],
    [60_001, 61],
    [0.4, 1],
    [999.5, 1],
    [1000.5, 2],
    [172_800_000, 172_800],
    [Number.MAX_SAFE_INTEGER, 9_007_199_254_741],
  ])('%s ms → %s s', (ms, s) => {
    expect(durationSecondsFromMs(ms)).toBe(s);
  });

  it.each([-1, -0.1, Number.NaN, Number.POSITIVE_INFINITY])('refuses %s', (ms) => {
    expect(() => durationSecondsFromMs(ms)).toThrow(RangeError);
  });
});
