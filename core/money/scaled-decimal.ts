import { Decimal } from 'decimal.js';

/**
 * Rates and fees are stored as integers of 1e-8 currency units ("e8"): exact for the 8 decimals
 * decks carry, and inside Number's safe-integer range for any per-minute rate below 90 million.
 */
export const RATE_SCALE = 8;
const SCALE_FACTOR = 100_000_000;
const MAX_SCALED = Number.MAX_SAFE_INTEGER;

export type ParsedDecimal = { ok: true; scaled: number } | { ok: false; reason: string };

const PLAIN = /^([+-]?)(\d*)(?:[.,](\d*))?$/;

/**
 * Parses a decimal written by a person or a spreadsheet ("0.0123", "0,0123", ".5", "1.2E-02")
 * into an exact integer of 10^-scale units. Refuses what it cannot hold exactly.
 */
export function parseScaledDecimal(input: string, scale = RATE_SCALE): ParsedDecimal {
  const text = input.trim().replace(/^[$€£¥]|\s*(USD|EUR|GBP)$/i, '').trim();
  if (text === '') return { ok: false, reason: 'empty' };
  const m = PLAIN.exec(text);
  if (m) {
    const [, sign, intPart = '', fracRaw = ''] = m;
    if (intPart === '' && fracRaw === '') return { ok: false, reason: 'not a number' };
    const frac = fracRaw.replace(/0+$/, '');
    if (frac.length > scale) return { ok: false, reason: `more than ${scale} decimals` };
    const digits = (intPart.replace(/^0+/, '') || '0') + frac.padEnd(scale, '0');
    if (digits.length > 16) return { ok: false, reason: 'too large' };
    const scaled = Number(digits);
    if (scaled > MAX_SCALED) return { ok: false, reason: 'too large' };
    // "-0" must not become -0: it is not Object.is-equal to 0 and leaks into comparisons and output.
    return { ok: true, scaled: sign === '-' && scaled !== 0 ? -scaled : scaled };
  }
  if (/^[+-]?(\d+\.?\d*|\.\d+)[eE][+-]?\d+$/.test(text)) {
    const d = new Decimal(text);
    const s = d.times(new Decimal(10).pow(scale));
    if (!s.isInteger()) return { ok: false, reason: `more than ${scale} decimals` };
    if (s.abs().greaterThan(MAX_SCALED)) return { ok: false, reason: 'too large' };
    return { ok: true, scaled: s.isZero() ? 0 : s.toNumber() };
  }
  return { ok: false, reason: 'not a number' };
}

/**
 * A number read from a spreadsheet cell is a binary double; Excel shows (and means) its first
 * 15 significant digits, so that is the decimal we take, exactly.
 */
export function spreadsheetNumberToDecimalString(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return decimalText(new Decimal(value).toSignificantDigits(15));
}

/** Formats an e8 integer as a decimal string, trimming zeros but keeping at least `minDecimals`. */
export function formatScaled(scaled: number, minDecimals = 4): string {
  const negative = scaled < 0;
  const abs = negative ? -scaled : scaled;
  const fracUnits = abs % SCALE_FACTOR;
  const intPart = (abs - fracUnits) / SCALE_FACTOR;
  let frac = String(fracUnits).padStart(RATE_SCALE, "0");
  let end = frac.length;
  while (end > minDecimals && frac[end - 1] === '0') end--;
  frac = frac.slice(0, end);
  return `${negative ? '-' : ''}${intPart}${frac ? '.' + frac : ''}`;
}

export function scaledToDecimal(scaled: number): Decimal {
  return new Decimal(scaled).dividedBy(SCALE_FACTOR);
}

/** A decimal.js value as plain decimal text (never exponent notation), to `places` decimals if given. */
export function decimalText(d: Decimal, places?: number): string {
  // decimal.js's toFixed is exact decimal formatting, not Number's.
  // eslint-disable-next-line no-restricted-syntax
  return places === undefined ? d.toFixed() : d.toFixed(places);
}
