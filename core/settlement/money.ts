import { Decimal } from 'decimal.js';
import { decimalText } from '../money/scaled-decimal.ts';
import { formatAmountE8 } from '../rating/amount.ts';

/** decimal.js with room for e8 sums of any size times an FX rate (the default 20 digits is not). */
export const D = Decimal.clone({ precision: 60, rounding: Decimal.ROUND_HALF_UP });

const E8 = 100_000_000n;

/** An exact decimal string ("1250.5", "-0.00012") as an e8 BigInt; the contract has validated it. */
export function parseE8(text: string): bigint {
  const m = /^(-?)(\d+)(?:\.(\d{0,8}))?$/.exec(text.trim());
  if (!m) throw new RangeError(`not an exact decimal with up to 8 decimals: ${text}`);
  const v = BigInt(m[2]!) * E8 + BigInt((m[3] ?? '').padEnd(8, '0'));
  return m[1] ? -v : v;
}

/** An e8 amount as an exact decimal string with at least 2 decimals. */
export function money(e8: bigint): string {
  return formatAmountE8(e8, 2);
}

/** An e8 amount rounded half-up (away from zero) to a number of decimals. */
export function roundE8(e8: bigint, decimals: number): bigint {
  const unit = 10n ** BigInt(8 - decimals);
  const neg = e8 < 0n;
  const abs = neg ? -e8 : e8;
  const r = ((abs + unit / 2n) / unit) * unit;
  return neg ? -r : r;
}

/** amount × rate, rounded half-up (away from zero) to `decimals`, in e8. */
export function convertE8(e8: bigint, rate: string, decimals: number): bigint {
  const step = new D(10).pow(8 - decimals);
  const exact = new D(e8.toString()).times(rate);
  return BigInt(decimalText(exact.dividedBy(step).toDecimalPlaces(0, Decimal.ROUND_HALF_UP).times(step), 0));
}

/** A number for a spreadsheet cell from an e8 amount (the cell holds a double; the text is exact). */
export function cellNumber(e8: bigint): number {
  return Number(formatAmountE8(e8, 0));
}
