import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { roundRatio, roundRatioBig, roundingUnitE8, type RoundingMode } from '../../../core/rating/rounding.ts';

const MODES: RoundingMode[] = ['half-up', 'half-even', 'up', 'down'];
const DECIMALS = [0, 1, 2, 3, 4, 5, 6, 7, 8];

interface Case { name: string; num: number; den: number; decimals: number; mode: RoundingMode; expected: number }

/**
 * For every decimals and mode: a value k + f steps of u = 10^(8 − decimals) e8 for fractions f in
 * {0, tiny, just below ½, ½, just above ½, just below 1}, with k even and odd, over denominators 1, 2 and 60.
 * The expected step count is written out per mode, not computed by the code under test.
 */
function generatedCases(): Case[] {
  const cases: Case[] = [];
  for (const decimals of DECIMALS) {
    const u = 10 ** (8 - decimals);
    for (const den of [1, 2, 60]) {
      for (const k of [0, 1, 2, 7, 12_345, 10_000_001]) {
        const D = den * u; // one step in numerator units
        const odd = k % 2 === 1;
        const base = k * D;
        const fractions: { label: string; add: number; exp: Record<RoundingMode, number> }[] = [
          { label: 'exact', add: 0, exp: { 'half-up': k, 'half-even': k, up: k, down: k } },
          { label: 'one unit above', add: 1, exp: D === 1 ? { 'half-up': k + 1, 'half-even': k + 1, up: k + 1, down: k + 1 } : { 'half-up': k + (D <= 2 ? 1 : 0), 'half-even': D < 2 ? k + 1 : D === 2 ? (odd ? k + 1 : k) : k, up: k + 1, down: k } },
          { label: 'one unit below the next step', add: D - 1, exp: D === 1 ? { 'half-up': k, 'half-even': k, up: k, down: k } : { 'half-up': k + (2 * (D - 1) >= D ? 1 : 0), 'half-even': 2 * (D - 1) > D ? k + 1 : 2 * (D - 1) === D ? (odd ? k + 1 : k) : k, up: k + 1, down: k } },
        ];
        if (D % 2 === 0) {
          fractions.push(
            { label: 'tie', add: D / 2, exp: { 'half-up': k + 1, 'half-even': odd ? k + 1 : k, up: k + 1, down: k } },
          );
          if (D > 2) {
            fractions.push(
              { label: 'just below the tie', add: D / 2 - 1, exp: { 'half-up': k, 'half-even': k, up: k + 1, down: k } },
              { label: 'just above the tie', add: D / 2 + 1, exp: { 'half-up': k + 1, 'half-even': k + 1, up: k + 1, down: k } },
            );
          }
        }
        for (const f of fractions) {
          const num = base + f.add;
          if (num > Number.MAX_SAFE_INTEGER) continue;
          for (const mode of MODES) {
            cases.push({ name: `${decimals} dp, /${den}, k=${k}, ${f.label}, ${mode}`, num, den, decimals, mode, expected: f.exp[mode] * u });
          }
        }
      }
    }
  }
  return cases;
}

describe('roundRatio', () => {
  const hand: Case[] = [
    // 0.125 to 2 decimals: a tie, even below
    { name: '0.125 half-up', num: 12_500_000, den: 1, decimals: 2, mode: 'half-up', expected: 13_000_000 },
    { name: '0.125 half-even', num: 12_500_000, den: 1, decimals: 2, mode: 'half-even', expected: 12_000_000 },
    { name: '0.125 up', num: 12_500_000, den: 1, decimals: 2, mode: 'up', expected: 13_000_000 },
    { name: '0.125 down', num: 12_500_000, den: 1, decimals: 2, mode: 'down', expected: 12_000_000 },
    // 0.135 to 2 decimals: a tie, odd below
    { name: '0.135 half-even', num: 13_500_000, den: 1, decimals: 2, mode: 'half-even', expected: 14_000_000 },
    // 61 s at 0.0123/min = 0.012505: a tie at 5 decimals, not at 4
    { name: '61 s × 0.0123 / 60, 5 dp half-up', num: 61 * 1_230_000, den: 60, decimals: 5, mode: 'half-up', expected: 1_251_000 },
    { name: '61 s × 0.0123 / 60, 5 dp half-even', num: 61 * 1_230_000, den: 60, decimals: 5, mode: 'half-even', expected: 1_250_000 },
    { name: '61 s × 0.0123 / 60, 5 dp up', num: 61 * 1_230_000, den: 60, decimals: 5, mode: 'up', expected: 1_251_000 },
    { name: '61 s × 0.0123 / 60, 5 dp down', num: 61 * 1_230_000, den: 60, decimals: 5, mode: 'down', expected: 1_250_000 },
    { name: '61 s × 0.0123 / 60, 4 dp half-up', num: 61 * 1_230_000, den: 60, decimals: 4, mode: 'half-up', expected: 1_250_000 },
    { name: '61 s × 0.0123 / 60, 4 dp up', num: 61 * 1_230_000, den: 60, decimals: 4, mode: 'up', expected: 1_260_000 },
    // a third of a unit at 8 decimals
    { name: '1/3 e8 half-up', num: 20, den: 60, decimals: 8, mode: 'half-up', expected: 0 },
    { name: '1/3 e8 up', num: 20, den: 60, decimals: 8, mode: 'up', expected: 1 },
    { name: '2/3 e8 half-even', num: 40, den: 60, decimals: 8, mode: 'half-even', expected: 1 },
    // zero
    ...MODES.map((mode): Case => ({ name: `zero ${mode}`, num: 0, den: 60, decimals: 0, mode, expected: 0 })),
    // the top of the safe range
    { name: 'MAX_SAFE / 1 at 8 dp', num: Number.MAX_SAFE_INTEGER, den: 1, decimals: 8, mode: 'up', expected: Number.MAX_SAFE_INTEGER },
    { name: 'MAX_SAFE / 60 half-even 0 dp', num: Number.MAX_SAFE_INTEGER, den: 60, decimals: 0, mode: 'half-even', expected: 150_120_000_000_000 },
    // a denominator so large that denominator × step leaves the safe range (BigInt inside)
    { name: 'huge denominator, half-up', num: 9_000_000_000_000_000, den: 1_000_000_000_000, decimals: 0, mode: 'half-up', expected: 0 },
    { name: 'huge denominator, up', num: 9_000_000_000_000_000, den: 1_000_000_000_000, decimals: 0, mode: 'up', expected: 100_000_000 },
  ];
  it.each(hand)('$name', ({ num, den, decimals, mode, expected }) => {
    expect(roundRatio(num, den, decimals, mode)).toBe(expected);
    expect(roundRatioBig(BigInt(num), BigInt(den), decimals, mode)).toBe(BigInt(expected));
  });

  const generated = generatedCases();
  it(`${generated.length} generated cases: every mode × decimals 0–8 at ties and non-ties`, () => {
    const failures: string[] = [];
    for (const c of generated) {
      const got = roundRatio(c.num, c.den, c.decimals, c.mode);
      const gotBig = roundRatioBig(BigInt(c.num), BigInt(c.den), c.decimals, c.mode);
      if (got !== c.expected || gotBig !== BigInt(c.expected)) failures.push(`${c.name}: ${got} / ${gotBig}, expected ${c.expected}`);
    }
    expect(failures).toEqual([]);
    expect(generated.length).toBeGreaterThan(1000);
  });

  it('agrees with decimal.js on 20,000 random ratios', () => {
    const Dec = Decimal.clone({ precision: 80 });
    const dm: Record<RoundingMode, Decimal.Rounding> = { 'half-up': Decimal.ROUND_HALF_UP, 'half-even': Decimal.ROUND_HALF_EVEN, up: Decimal.ROUND_UP, down: Decimal.ROUND_DOWN };
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 2 ** 40 }), fc.maxSafeNat()),
        fc.oneof(fc.constantFrom(1, 2, 3, 60), fc.integer({ min: 1, max: 1_000_000 })),
        fc.integer({ min: 0, max: 8 }),
        fc.constantFrom(...MODES),
        (num, den, decimals, mode) => {
          const expected = new Dec(num).div(den).div(1e8).toDecimalPlaces(decimals, dm[mode]).times(1e8);
          if (expected.greaterThan(Number.MAX_SAFE_INTEGER)) expect(() => roundRatio(num, den, decimals, mode)).toThrow(/roundRatioBig/);
          else expect(roundRatio(num, den, decimals, mode)).toBe(expected.toNumber());
          expect(roundRatioBig(BigInt(num), BigInt(den), decimals, mode)).toBe(BigInt(expected.toFixed()));
        },
      ),
      { numRuns: 20_000, seed: 7 },
    );
  });

  it('roundRatioBig handles values far beyond 2^53', () => {
    const big = 10n ** 30n + 30n; // /60 → …0.5 e8 at 8 dp
    expect(roundRatioBig(big * 60n + 30n, 60n, 8, 'half-even')).toBe(big + (big % 2n === 1n ? 1n : 0n));
    expect(roundRatioBig(big * 60n + 30n, 60n, 8, 'half-up')).toBe(big + 1n);
    expect(roundRatioBig(big * 60n + 30n, 60n, 8, 'down')).toBe(big);
    expect(roundRatioBig(10n ** 30n + 1n, 1n, 0, 'up')).toBe(10n ** 30n + 100_000_000n);
  });

  it.each([
    { num: -1, den: 1, decimals: 2, mode: 'half-up' as const, msg: /numerator/ },
    { num: 1.5, den: 1, decimals: 2, mode: 'half-up' as const, msg: /numerator/ },
    { num: 2 ** 53, den: 1, decimals: 2, mode: 'half-up' as const, msg: /numerator/ },
    { num: 1, den: 0, decimals: 2, mode: 'half-up' as const, msg: /denominator/ },
    { num: 1, den: 1, decimals: 9, mode: 'half-up' as const, msg: /decimals/ },
    { num: 1, den: 1, decimals: 1.5, mode: 'half-up' as const, msg: /decimals/ },
    { num: 1, den: 3, decimals: 2, mode: 'nearest' as RoundingMode, msg: /mode/ },
  ])('refuses $num / $den at $decimals dp $mode', ({ num, den, decimals, mode, msg }) => {
    expect(() => roundRatio(num, den, decimals, mode)).toThrow(msg);
  });

  it('refuses a result beyond the safe range', () => {
    expect(() => roundRatio(Number.MAX_SAFE_INTEGER, 1, 0, 'up')).toThrow(/roundRatioBig/);
    expect(roundRatioBig(BigInt(Number.MAX_SAFE_INTEGER), 1n, 0, 'up')).toBe(9_007_199_300_000_000n);
  });

  it('roundRatioBig refuses bad arguments', () => {
    expect(() => roundRatioBig(-1n, 1n, 2, 'up')).toThrow(RangeError);
    expect(() => roundRatioBig(1n, 0n, 2, 'up')).toThrow(RangeError);
    expect(() => roundRatioBig(1n, 1n, -1, 'up')).toThrow(RangeError);
    expect(() => roundRatioBig(1n, 3n, 2, 'nearest' as RoundingMode)).toThrow(/mode/);
  });

  it('roundingUnitE8', () => {
    expect(DECIMALS.map(roundingUnitE8)).toEqual([1e8, 1e7, 1e6, 1e5, 1e4, 1e3, 100, 10, 1]);
  });
});
