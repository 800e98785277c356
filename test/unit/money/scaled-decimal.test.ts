import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatScaled,
  parseScaledDecimal,
  spreadsheetNumberToDecimalString,
  type ParsedDecimal,
} from '../../../core/money/scaled-decimal.ts';

const MAX = Number.MAX_SAFE_INTEGER;

describe('parseScaledDecimal', () => {
  const cases: { name: string; input: string; expected: ParsedDecimal }[] = [
    { name: 'plain rate', input: '0.0123', expected: { ok: true, scaled: 1_230_000 } },
    { name: 'decimal comma', input: '0,0123', expected: { ok: true, scaled: 1_230_000 } },
    { name: 'comma is always a decimal comma, never thousands', input: '1,234', expected: { ok: true, scaled: 123_400_000 } },
    { name: 'no integer part', input: '.5', expected: { ok: true, scaled: 50_000_000 } },
    { name: 'no fraction digits after the point', input: '7.', expected: { ok: true, scaled: 700_000_000 } },
    { name: 'integer', input: '12', expected: { ok: true, scaled: 1_200_000_000 } },
    { name: 'leading zeros', input: '007', expected: { ok: true, scaled: 700_000_000 } },
    { name: 'zero', input: '0', expected: { ok: true, scaled: 0 } },
    { name: 'zero with decimals', input: '0.00000000', expected: { ok: true, scaled: 0 } },
    { name: 'smallest unit', input: '0.00000001', expected: { ok: true, scaled: 1 } },
    { name: 'exactly 8 decimals', input: '1.23456789', expected: { ok: true, scaled: 123_456_789 } },
    { name: 'trailing zeros beyond 8 decimals are harmless', input: '1.2345678900', expected: { ok: true, scaled: 123_456_789 } },
    { name: 'surrounding whitespace', input: '  0.05 \t', expected: { ok: true, scaled: 5_000_000 } },
    { name: 'explicit plus sign', input: '+0.5', expected: { ok: true, scaled: 50_000_000 } },
    { name: 'negative', input: '-0.5', expected: { ok: true, scaled: -50_000_000 } },
    { name: 'negative decimal comma', input: '-0,0001', expected: { ok: true, scaled: -10_000 } },
    { name: 'dollar sign', input: '$0.0123', expected: { ok: true, scaled: 1_230_000 } },
    { name: 'euro sign with decimal comma', input: '€0,5', expected: { ok: true, scaled: 50_000_000 } },
    { name: 'pound sign', input: '£1.25', expected: { ok: true, scaled: 125_000_000 } },
    { name: 'currency code suffix', input: '0.0123 USD', expected: { ok: true, scaled: 1_230_000 } },
    { name: 'lower-case currency code suffix', input: '0.0123 eur', expected: { ok: true, scaled: 1_230_000 } },
    { name: 'scientific, negative exponent', input: '1.2E-02', expected: { ok: true, scaled: 1_200_000 } },
    { name: 'scientific, lower-case e', input: '1.5e-7', expected: { ok: true, scaled: 15 } },
    { name: 'scientific, half a unit', input: '1.5e-8', expected: { ok: false, reason: 'more than 8 decimals' } },
    { name: 'scientific, positive exponent', input: '1.5e3', expected: { ok: true, scaled: 150_000_000_000 } },
    { name: 'scientific, explicit plus exponent', input: '2E+0', expected: { ok: true, scaled: 200_000_000 } },
    { name: 'scientific, negative value', input: '-1.2E-02', expected: { ok: true, scaled: -1_200_000 } },
    { name: 'scientific, no integer part', input: '.5E-1', expected: { ok: true, scaled: 5_000_000 } },
    { name: 'largest safe value', input: '90071992.54740991', expected: { ok: true, scaled: MAX } },
    { name: 'largest safe value, negative', input: '-90071992.54740991', expected: { ok: true, scaled: -MAX } },
    { name: 'one unit above the safe range', input: '90071992.54740992', expected: { ok: false, reason: 'too large' } },
    { name: 'too many integer digits', input: '100000000', expected: { ok: false, reason: 'too large' } },
    { name: 'scientific above the safe range', input: '1e8', expected: { ok: false, reason: 'too large' } },
    { name: 'nine decimals', input: '0.123456789', expected: { ok: false, reason: 'more than 8 decimals' } },
    { name: 'nine decimals with a comma', input: '0,000000001', expected: { ok: false, reason: 'more than 8 decimals' } },
    { name: 'scientific below one unit', input: '1E-9', expected: { ok: false, reason: 'more than 8 decimals' } },
    { name: 'empty', input: '', expected: { ok: false, reason: 'empty' } },
    { name: 'only spaces', input: '   ', expected: { ok: false, reason: 'empty' } },
    { name: 'currency sign alone', input: '$', expected: { ok: false, reason: 'empty' } },
    { name: 'lone point', input: '.', expected: { ok: false, reason: 'not a number' } },
    { name: 'lone sign', input: '-', expected: { ok: false, reason: 'not a number' } },
    { name: 'words', input: 'n/a', expected: { ok: false, reason: 'not a number' } },
    { name: 'thousands and decimal separators together', input: '1,234.5', expected: { ok: false, reason: 'not a number' } },
    { name: 'space inside the number', input: '1 000', expected: { ok: false, reason: 'not a number' } },
    { name: 'two points', input: '1.2.3', expected: { ok: false, reason: 'not a number' } },
    { name: 'hexadecimal', input: '0x10', expected: { ok: false, reason: 'not a number' } },
    { name: 'Infinity', input: 'Infinity', expected: { ok: false, reason: 'not a number' } },
    { name: 'scientific without mantissa digits', input: 'E5', expected: { ok: false, reason: 'not a number' } },
  ];

  it.each(cases)('$name', ({ input, expected }) => {
    expect(parseScaledDecimal(input)).toEqual(expected);
  });

  it.each([
    { name: 'negative zero', input: '-0' },
    { name: 'negative zero with decimals', input: '-0.0000' },
    { name: 'negative zero in scientific notation', input: '-0E0' },
  ])('$name is plain zero', ({ input }) => {
    const parsed = parseScaledDecimal(input);
    expect(parsed.ok).toBe(true);
    expect(parsed.ok && Object.is(parsed.scaled, 0)).toBe(true);
  });

  it.each([
    { name: 'cents at scale 2', input: '1.5', scale: 2, expected: { ok: true, scaled: 150 } },
    { name: 'whole units at scale 0', input: '42', scale: 0, expected: { ok: true, scaled: 42 } },
    { name: 'too precise for scale 2', input: '1.555', scale: 2, expected: { ok: false, reason: 'more than 2 decimals' } },
    { name: 'scientific at scale 2', input: '1.25E1', scale: 2, expected: { ok: true, scaled: 1250 } },
    { name: 'scientific too precise for scale 2', input: '1.255E0', scale: 2, expected: { ok: false, reason: 'more than 2 decimals' } },
  ] satisfies { name: string; input: string; scale: number; expected: ParsedDecimal }[])('$name', ({ input, scale, expected }) => {
    expect(parseScaledDecimal(input, scale)).toEqual(expected);
  });

  it('round-trips formatScaled for every safe integer', () => {
    fc.assert(
      fc.property(fc.integer({ min: -MAX, max: MAX }), (n) => {
        expect(parseScaledDecimal(formatScaled(n))).toEqual({ ok: true, scaled: n });
      }),
      { seed: 42, numRuns: 2000 },
    );
  });

  it('round-trips formatScaled with minDecimals 0 and 8', () => {
    fc.assert(
      fc.property(fc.integer({ min: -MAX, max: MAX }), fc.constantFrom(0, 8), (n, minDecimals) => {
        expect(parseScaledDecimal(formatScaled(n, minDecimals))).toEqual({ ok: true, scaled: n });
      }),
      { seed: 42, numRuns: 1000 },
    );
  });

  it('agrees with decimal.js on decimal strings of up to 8 decimals', () => {
    const digits = (maxLength: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), maxLength });
    const decimalText = fc
      .record({
        sign: fc.constantFrom('', '-', '+'),
        intPart: digits(9),
        separator: fc.constantFrom('.', ','),
        fracPart: digits(8),
      })
      .filter(({ intPart, fracPart }) => intPart !== '' || fracPart !== '');
    fc.assert(
      fc.property(decimalText, ({ sign, intPart, separator, fracPart }) => {
        const text = `${sign}${intPart}${fracPart === '' ? '' : separator + fracPart}`;
        const exact = new Decimal(`${sign === '-' ? '-' : ''}${intPart || '0'}.${fracPart || '0'}`).times(1e8);
        const parsed = parseScaledDecimal(text);
        if (exact.abs().greaterThan(MAX)) {
          expect(parsed).toEqual({ ok: false, reason: 'too large' });
        } else {
          expect(parsed.ok).toBe(true);
          expect(parsed.ok && new Decimal(parsed.scaled).equals(exact)).toBe(true);
        }
      }),
      { seed: 42, numRuns: 3000 },
    );
  });

  it('reads numbers written in scientific notation as decimal.js writes them', () => {
    fc.assert(
      fc.property(fc.integer({ min: -MAX, max: MAX }), (n) => {
        const text = new Decimal(n).dividedBy(1e8).toExponential();
        expect(parseScaledDecimal(text)).toEqual({ ok: true, scaled: n });
      }),
      { seed: 42, numRuns: 1000 },
    );
  });

  it('refuses every decimal with a ninth significant decimal', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99_999_999 }), fc.integer({ min: 1, max: 9 }), (frac8, ninth) => {
        const text = `0.${String(frac8).padStart(8, '0')}${ninth}`;
        expect(parseScaledDecimal(text)).toEqual({ ok: false, reason: 'more than 8 decimals' });
      }),
      { seed: 42, numRuns: 500 },
    );
  });
});

describe('formatScaled', () => {
  it.each([
    { name: 'a typical rate', scaled: 1_230_000, minDecimals: undefined, expected: '0.0123' },
    { name: 'zero keeps four decimals', scaled: 0, minDecimals: undefined, expected: '0.0000' },
    { name: 'one unit of currency', scaled: 100_000_000, minDecimals: undefined, expected: '1.0000' },
    { name: 'all 8 decimals', scaled: 123_456_789, minDecimals: undefined, expected: '1.23456789' },
    { name: 'smallest unit', scaled: 1, minDecimals: undefined, expected: '0.00000001' },
    { name: 'trailing zeros trimmed down to four', scaled: 12_345_000, minDecimals: undefined, expected: '0.12345' },
    { name: 'negative', scaled: -50_000_000, minDecimals: undefined, expected: '-0.5000' },
    { name: 'negative smallest unit', scaled: -1, minDecimals: undefined, expected: '-0.00000001' },
    { name: 'large integer part', scaled: 1_234_567_800_000_000, minDecimals: undefined, expected: '12345678.0000' },
    { name: 'largest safe integer', scaled: MAX, minDecimals: undefined, expected: '90071992.54740991' },
    { name: 'minDecimals 0 drops the point', scaled: 100_000_000, minDecimals: 0, expected: '1' },
    { name: 'minDecimals 0 keeps significant decimals', scaled: 150_000_000, minDecimals: 0, expected: '1.5' },
    { name: 'minDecimals 2', scaled: 150_000_000, minDecimals: 2, expected: '1.50' },
    { name: 'minDecimals 8 pads fully', scaled: 150_000_000, minDecimals: 8, expected: '1.50000000' },
  ])('$name', ({ scaled, minDecimals, expected }) => {
    expect(formatScaled(scaled, minDecimals)).toBe(expected);
  });
});

describe('spreadsheetNumberToDecimalString', () => {
  it.each([
    { name: 'binary noise beyond 15 digits is dropped', value: 0.1 + 0.2, expected: '0.3' },
    { name: 'a typical rate', value: 0.0123, expected: '0.0123' },
    { name: 'a rate with 8 decimals', value: 0.01234567, expected: '0.01234567' },
    { name: 'one third keeps 15 significant digits', value: 1 / 3, expected: '0.333333333333333' },
    { name: 'an integer', value: 42, expected: '42' },
    { name: 'zero', value: 0, expected: '0' },
    { name: 'negative zero', value: -0, expected: '0' },
    { name: 'negative', value: -0.5, expected: '-0.5' },
    { name: 'a long dial code stored as a number', value: 447120000000, expected: '447120000000' },
    { name: 'more than 15 digits is rounded like Excel shows it', value: 123456789012345678, expected: '123456789012346000' },
    { name: 'tiny values are written without exponent', value: 1.2e-10, expected: '0.00000000012' },
    { name: 'huge values are written without exponent', value: 1e21, expected: '1000000000000000000000' },
    { name: 'NaN', value: Number.NaN, expected: 'NaN' },
    { name: 'Infinity', value: Number.POSITIVE_INFINITY, expected: 'Infinity' },
  ])('$name', ({ value, expected }) => {
    expect(spreadsheetNumberToDecimalString(value)).toBe(expected);
  });

  it('feeds parseScaledDecimal the rate a spreadsheet shows', () => {
    expect(parseScaledDecimal(spreadsheetNumberToDecimalString(0.07 * 3))).toEqual({ ok: true, scaled: 21_000_000 });
  });
});
