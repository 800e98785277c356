/**
 * An exact running total of non-negative integers (amountE8, exactX60, feeE8 of many calls):
 * adds on a Number while the total stays a safe integer and carries into a BigInt only when it
 * would not, so summing millions of calls costs little more than a Number addition each.
 */
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

export class ExactSum {
  private small = 0;
  private big = 0n;

  /** Adds a safe integer ≥ 0 or a bigint ≥ 0 (CallCharge.exactX60 may be either). */
  add(value: number | bigint): void {
    if (typeof value === 'number') {
      if (!(Number.isSafeInteger(value) && value >= 0)) throw new RangeError(`${String(value)} is not a safe integer ≥ 0`);
      const s = this.small + value;
      if (s <= MAX_SAFE) {
        this.small = s;
      } else {
        this.big += BigInt(this.small) + BigInt(value);
        this.small = 0;
      }
    } else {
      if (value < 0n) throw new RangeError(`${value} is negative`);
      this.big += value;
    }
  }

  /** The exact total. */
  get value(): bigint {
    return this.big + BigInt(this.small);
  }
}
