import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chargeCall, formatAmountE8, lineAmountE8, type CallCharge, type RoundingMode, type RoundingPolicy } from '../../../core/rating/amount.ts';
import type { BillingTerms } from '../../../core/rating/billing.ts';
import { ExactSum } from '../../../core/rating/exact-sum.ts';
import { Dec, e8, refCharge, refExactX60, refLine } from './reference.ts';

const MODES: RoundingMode[] = ['half-up', 'half-even', 'up', 'down'];
const LEVELS: RoundingPolicy['level'][] = ['per-call', 'per-increment', 'per-line'];
const terms = (first: number, next: number, min = 0, grace = 0): BillingTerms => ({ first, next, min, grace });
const policy = (level: RoundingPolicy['level'], decimals: number, mode: RoundingMode): RoundingPolicy => ({ level, decimals, mode });

describe('chargeCall', () => {
  it('per call: 61 s on 60/60 at 0.0123/min bills 120 s = 0.0246, plus the fee', () => {
    expect(chargeCall(61, 1_230_000, 0, terms(60, 60), policy('per-call', 4, 'half-up'))).toEqual<CallCharge>({
      billedSeconds: 120, amountE8: 2_460_000, exactX60: 120 * 1_230_000, feeE8: 0,
    });
    expect(chargeCall(61, 1_230_000, 1_000_000, terms(60, 60), policy('per-call', 4, 'half-up'))).toEqual<CallCharge>({
      billedSeconds: 120, amountE8: 3_460_000, exactX60: 120 * 1_230_000 + 60 * 1_000_000, feeE8: 1_000_000,
    });
  });

  it('per call and per increment differ as DOMAIN says (7 s on 6/6 at 0.0101/min, 3 dp up)', () => {
    // exact 12 × 0.0101 / 60 = 0.00202; per call → 0.003; per increment 2 × round(0.00101) = 2 × 0.002
    expect(chargeCall(7, 1_010_000, 0, terms(6, 6), policy('per-call', 3, 'up')).amountE8).toBe(300_000);
    expect(chargeCall(7, 1_010_000, 0, terms(6, 6), policy('per-increment', 3, 'up')).amountE8).toBe(400_000);
    expect(chargeCall(7, 1_010_000, 0, terms(6, 6), policy('per-line', 3, 'up'))).toEqual<CallCharge>({
      billedSeconds: 12, amountE8: null, exactX60: 12 * 1_010_000, feeE8: 0,
    });
  });

  it('per increment: the first increment, then n increments of next (75 s on 30/6: 30 + 8 × 6)', () => {
    // rate 0.07/min: first = round(0.035) = 0.04 (2 dp half-up), next = round(0.007) = 0.01, × 8
    expect(chargeCall(75, 7_000_000, 500_000, terms(30, 6), policy('per-increment', 2, 'half-up')).amountE8).toBe(4_000_000 + 8 * 1_000_000 + 500_000);
    // half-even: 0.035 → 0.04 (4 even), 0.007 → 0.01
    expect(chargeCall(75, 7_000_000, 0, terms(30, 6), policy('per-increment', 2, 'half-even')).amountE8).toBe(12_000_000);
    // down: 0.03 + 8 × 0.00
    expect(chargeCall(75, 7_000_000, 0, terms(30, 6), policy('per-increment', 2, 'down')).amountE8).toBe(3_000_000);
  });

  it.each(LEVELS)('an unbilled call costs nothing, fee included (%s)', (level) => {
    const amount = level === 'per-line' ? null : 0;
    const t = terms(60, 60, 0, 5);
    for (const d of [0, 1, 5]) {
      expect(chargeCall(d, 1_230_000, 5_000_000, t, policy(level, 4, 'up'))).toEqual<CallCharge>({ billedSeconds: 0, amountE8: amount, exactX60: 0, feeE8: 0 });
    }
    expect(chargeCall(6, 1_230_000, 5_000_000, t, policy(level, 4, 'up')).feeE8).toBe(5_000_000);
  });

  it('a fee with more decimals than the policy is added as it is (DOMAIN: round(…) + fee)', () => {
    expect(chargeCall(60, 100_000_000, 123, terms(60, 60), policy('per-call', 2, 'half-up')).amountE8).toBe(100_000_123);
  });

  it('48 h at 1000/min: billed × rate is beyond 2^53 and is charged exactly on BigInt', () => {
    const c = chargeCall(172_800, 100_000_000_000, 0, terms(1, 1), policy('per-call', 8, 'half-up'));
    expect(c.amountE8).toBe(288_000_000_000_000);
    expect(c.exactX60).toBe(17_280_000_000_000_000n);
    const l = chargeCall(172_800, 100_000_000_000, 700, terms(1, 1), policy('per-line', 2, 'half-up'));
    expect(l.exactX60).toBe(17_280_000_000_000_000n + 42_000n);
    expect(lineAmountE8(BigInt(l.exactX60), policy('per-line', 2, 'half-up'), 700n)).toBe(288_000_000_000_700n);
  });

  it.each(LEVELS)('beyond 2^53 (%s): every decimals and mode agree with the reference', (level) => {
    const rate = '999.99999999';
    const rateE8 = 99_999_999_999;
    for (const duration of [90_073, 100_001, 172_799, 172_800]) {
      for (const decimals of [0, 2, 5, 8]) {
        for (const mode of MODES) {
          const t = terms(30, 6);
          const p = policy(level, decimals, mode);
          const c = chargeCall(duration, rateE8, 1_234_567, t, p);
          const ref = refCharge(duration, new Dec(rate), new Dec('0.01234567'), t, p);
          expect(c.billedSeconds).toBe(ref.billed);
          expect(typeof c.exactX60).toBe('bigint');
          expect(c.exactX60).toBe(refExactX60(ref));
          if (ref.amount === null) expect(c.amountE8).toBeNull();
          else expect(BigInt(c.amountE8 ?? -1)).toBe(e8(ref.amount));
        }
      }
    }
  });

  it('exactX60 is a Number right up to 2^53 − 1', () => {
    // 90,071,992,547,409.91 = 2^53 − 1 = billed × rate with billed 1, on 1/1: the largest safe product
    const c = chargeCall(1, Number.MAX_SAFE_INTEGER, 0, terms(1, 1), policy('per-call', 8, 'down'));
    expect(c.exactX60).toBe(Number.MAX_SAFE_INTEGER);
    expect(c.amountE8).toBe(Math.floor(Number.MAX_SAFE_INTEGER / 60));
  });

  it.each([
    { name: 'negative rate', rate: -1, fee: 0, p: policy('per-call', 2, 'up'), msg: /rate/ },
    { name: 'fractional rate', rate: 1.5, fee: 0, p: policy('per-call', 2, 'up'), msg: /rate/ },
    { name: 'unsafe rate', rate: 2 ** 53, fee: 0, p: policy('per-call', 2, 'up'), msg: /rate/ },
    { name: 'negative fee', rate: 1, fee: -1, p: policy('per-call', 2, 'up'), msg: /fee/ },
    { name: 'NaN fee', rate: 1, fee: Number.NaN, p: policy('per-call', 2, 'up'), msg: /fee/ },
    { name: 'decimals 9', rate: 1, fee: 0, p: policy('per-call', 9, 'up'), msg: /decimals/ },
    { name: 'unknown mode', rate: 1, fee: 0, p: policy('per-call', 2, 'nearest' as RoundingMode), msg: /mode/ },
    { name: 'unknown level', rate: 1, fee: 0, p: policy('per-day' as RoundingPolicy['level'], 2, 'up'), msg: /level/ },
  ])('refuses $name', ({ rate, fee, p, msg }) => {
    expect(() => chargeCall(61, rate, fee, terms(60, 60), p)).toThrow(msg);
    expect(() => chargeCall(0, rate, fee, terms(60, 60), p)).toThrow(msg);
  });

  it('refuses an amount of one call beyond 2^53 − 1 e8', () => {
    expect(() => chargeCall(172_800, Number.MAX_SAFE_INTEGER, 0, terms(1, 1), policy('per-call', 8, 'up'))).toThrow(/beyond/);
    // per line has no per-call amount: exactX60 stays exact
    const l = chargeCall(172_800, Number.MAX_SAFE_INTEGER, 0, terms(1, 1), policy('per-line', 8, 'up'));
    expect(l.exactX60).toBe(172_800n * BigInt(Number.MAX_SAFE_INTEGER));
  });
});

/** A rate or fee as decks write it: up to 8 decimals, as a string. */
function decimalText(maxInt: fc.Arbitrary<number>): fc.Arbitrary<string> {
  return fc
    .tuple(maxInt, fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 8 }))
    .map(([i, digits]) => (digits.length === 0 ? String(i) : `${i}.${digits.join('')}`));
}

const rateText = decimalText(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 1000 })));
const feeText = fc.oneof(fc.constant('0'), decimalText(fc.integer({ min: 0, max: 2 })));
const increment = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom<[number, number]>([1, 1], [6, 6], [30, 6], [60, 60], [60, 1], [1, 60]) },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 1, max: 3600 }), fc.integer({ min: 1, max: 3600 })) },
);
const billingTerms = fc
  .tuple(
    increment,
    fc.oneof({ weight: 2, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 3600 }) }),
    fc.oneof({ weight: 2, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 60 }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 3600 }) }),
  )
  .map(([[first, next], min, grace]): BillingTerms => ({ first, next, min, grace }));
const duration = fc.oneof(
  fc.constant(0),
  fc.integer({ min: 1, max: 10 }),
  fc.integer({ min: 0, max: 600 }),
  fc.integer({ min: 0, max: 7200 }),
  fc.integer({ min: 0, max: 172_800 }),
);
const roundingPolicy = fc
  .tuple(fc.constantFrom(...LEVELS), fc.integer({ min: 0, max: 8 }), fc.constantFrom(...MODES))
  .map(([level, decimals, mode]): RoundingPolicy => ({ level, decimals, mode }));

describe('chargeCall against an independent decimal.js reference', () => {
  it('100,000 random calls: every increment, minimum, grace, level, decimals and mode, zero mismatches', () => {
    let runs = 0;
    let bigPath = 0;
    const levels = new Map<string, number>();
    fc.assert(
      fc.property(duration, rateText, feeText, billingTerms, roundingPolicy, (d, rate, fee, t, p) => {
        runs++;
        const rateE8 = new Dec(rate).times(1e8).toNumber();
        const feeE8 = new Dec(fee).times(1e8).toNumber();
        const c = chargeCall(d, rateE8, feeE8, t, p);
        const ref = refCharge(d, new Dec(rate), new Dec(fee), t, p);
        expect(c.billedSeconds).toBe(ref.billed);
        expect(BigInt(c.exactX60)).toBe(refExactX60(ref));
        expect(typeof c.exactX60).toBe(BigInt(c.exactX60) > BigInt(Number.MAX_SAFE_INTEGER) ? 'bigint' : 'number');
        expect(c.feeE8).toBe(Number(e8(ref.fee)));
        if (ref.amount === null) {
          expect(c.amountE8).toBeNull();
          // a line of this one call, rounded once
          expect(lineAmountE8(BigInt(c.exactX60), p, BigInt(c.feeE8))).toBe(e8(refLine(ref.usage60, ref.fee, p)));
        } else {
          expect(c.amountE8).toBe(Number(e8(ref.amount)));
        }
        if (ref.billed * rateE8 > Number.MAX_SAFE_INTEGER) bigPath++;
        levels.set(p.level, (levels.get(p.level) ?? 0) + 1);
      }),
      { numRuns: 100_000, seed: 20_261_101 },
    );
    console.log(`property: ${runs} calls, ${bigPath} on the BigInt path, by level ${JSON.stringify(Object.fromEntries(levels))}`);
    expect(runs).toBe(100_000);
    expect(bigPath).toBeGreaterThan(100); // the BigInt path was exercised
    for (const level of LEVELS) expect(levels.get(level)).toBeGreaterThan(25_000);
  });

  it('20,000 random per-line lines of up to 50 calls: round(Σ billed × rate / 60) + Σ fees', () => {
    fc.assert(
      fc.property(
        rateText, feeText, billingTerms, fc.integer({ min: 0, max: 8 }), fc.constantFrom(...MODES), fc.array(duration, { minLength: 1, maxLength: 50 }),
        (rate, fee, t, decimals, mode, durations) => {
          const p = policy('per-line', decimals, mode);
          const rateE8 = new Dec(rate).times(1e8).toNumber();
          const feeE8 = new Dec(fee).times(1e8).toNumber();
          const sumX60 = new ExactSum();
          const sumFees = new ExactSum();
          let refUsage = new Dec(0);
          let refFees = new Dec(0);
          for (const d of durations) {
            const c = chargeCall(d, rateE8, feeE8, t, p);
            sumX60.add(c.exactX60);
            sumFees.add(c.feeE8);
            const r = refCharge(d, new Dec(rate), new Dec(fee), t, p);
            refUsage = refUsage.plus(r.usage60);
            refFees = refFees.plus(r.fee);
          }
          expect(sumX60.value).toBe(e8(refUsage.plus(refFees.times(60))));
          expect(lineAmountE8(sumX60.value, p, sumFees.value)).toBe(e8(refLine(refUsage, refFees, p)));
        },
      ),
      { numRuns: 20_000, seed: 4242 },
    );
  });
});

describe('lineAmountE8', () => {
  it('keeps the fees out of the rounding, as DOMAIN writes it', () => {
    // usage 0.004, fees 0.003, 2 dp half-up: round(0.004) + 0.003 = 0.003 (rounding both together would give 0.01)
    const p = policy('per-line', 2, 'half-up');
    expect(lineAmountE8(400_000n * 60n + 300_000n * 60n, p, 300_000n)).toBe(300_000n);
    expect(lineAmountE8(400_000n * 60n + 300_000n * 60n, p, 0n)).toBe(1_000_000n);
  });

  it('refuses fees above the line or negative', () => {
    const p = policy('per-line', 2, 'half-up');
    expect(() => lineAmountE8(60n, p, 2n)).toThrow(RangeError);
    expect(() => lineAmountE8(60n, p, -1n)).toThrow(RangeError);
  });
});

describe('formatAmountE8', () => {
  it.each<[number | bigint, number, string]>([
    [0, 2, '0.00'],
    [3_460_000, 2, '0.0346'],
    [3_460_000, 4, '0.0346'],
    [100_000_000, 2, '1.00'],
    [123, 2, '0.00000123'],
    [288_000_000_000_700n, 2, '2880000.000007'],
    [10n ** 30n + 5n, 2, '10000000000000000000000.00000005'],
    [-(10n ** 20n) - 50_000_000n, 2, '-1000000000000.50'],
    [Number.MAX_SAFE_INTEGER, 0, '90071992.54740991'],
  ])('%s at %s decimals → %s', (v, min, s) => {
    expect(formatAmountE8(v, min)).toBe(s);
  });
});

describe('ExactSum', () => {
  it('sums Numbers past 2^53 and bigints exactly', () => {
    const s = new ExactSum();
    let ref = 0n;
    for (let i = 0; i < 1000; i++) {
      const v = Number.MAX_SAFE_INTEGER - i * 7;
      s.add(v);
      ref += BigInt(v);
    }
    s.add(10n ** 25n);
    ref += 10n ** 25n;
    s.add(0);
    expect(s.value).toBe(ref);
  });

  it('refuses negative, fractional and unsafe values', () => {
    const s = new ExactSum();
    expect(() => s.add(-1)).toThrow(RangeError);
    expect(() => s.add(0.5)).toThrow(RangeError);
    expect(() => s.add(2 ** 53)).toThrow(RangeError);
    expect(() => s.add(-1n)).toThrow(RangeError);
    expect(s.value).toBe(0n);
  });
});
