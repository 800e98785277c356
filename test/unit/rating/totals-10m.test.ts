import { describe, expect, it } from 'vitest';
import { chargeCall, lineAmountE8, type RoundingMode, type RoundingPolicy } from '../../../core/rating/amount.ts';
import type { BillingTerms } from '../../../core/rating/billing.ts';
import { Dec, e8, refBilled, refChargeBilled, refLine } from './reference.ts';

/**
 * 10,000,000 calls streamed from a seeded PRNG (no array of calls), rated through chargeCall and
 * summed per invoice line as BigInt: Σ amountE8 per call and per increment, Σ exactX60 and Σ fees
 * per line (then lineAmountE8). The reference rates each call's duration to billed seconds by
 * DOMAIN's formula and counts the calls per (line, billed seconds); each line's exact total is then
 * Σ count × the decimal.js charge of that billed duration (per-line: round once over
 * Σ count × billed × rate / 60, + Σ fees). Counting is exact, so the two totals must agree to the
 * last e8, yet the reference costs one decimal.js charge per distinct duration, not per call.
 */

const CALLS = 10_000_000;
const MODES: RoundingMode[] = ['half-up', 'half-even', 'up', 'down'];
const LEVELS: RoundingPolicy['level'][] = ['per-call', 'per-increment', 'per-line'];
const INCREMENTS: [number, number][] = [[1, 1], [6, 6], [30, 6], [60, 60], [60, 1], [1, 60]];
const MAX_BILLED = 172_800 + 3600;

/** mulberry32: a small, fast, seeded 32-bit PRNG. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (t ^ (t >>> 14)) >>> 0;
  };
}

interface Line {
  name: string;
  rateE8: number;
  feeE8: number;
  t: BillingTerms;
  p: RoundingPolicy;
  minDuration: number;
  maxDuration: number;
  counts: Uint32Array; // calls per reference billed seconds
  sumAmount: bigint;
  sumX60: bigint;
  sumFees: bigint;
}

function makeLines(rng: () => number): Line[] {
  const lines: Line[] = [];
  const add = (l: Omit<Line, 'counts' | 'sumAmount' | 'sumX60' | 'sumFees' | 'name'>): void => {
    lines.push({ ...l, name: `${l.p.level} ${l.p.decimals}dp ${l.p.mode} ${l.t.first}/${l.t.next} min ${l.t.min} grace ${l.t.grace} rate ${l.rateE8} fee ${l.feeE8}`, counts: new Uint32Array(MAX_BILLED + 1), sumAmount: 0n, sumX60: 0n, sumFees: 0n });
  };
  for (let i = 0; i < 36; i++) {
    const [first, next] = INCREMENTS[i % 6]!;
    const rateE8 = i % 3 === 0 ? (rng() % 5000) * 1_000_000 + (rng() % 1_000_000) : rng() % 100_000_000; // up to 50/min, 8 decimals
    add({
      rateE8,
      feeE8: i % 4 === 1 ? rng() % 5_000_000 : i % 4 === 3 ? 1_000_000 : 0,
      t: { first, next, min: i % 5 === 0 ? 30 : i % 5 === 1 ? 90 : 0, grace: i % 7 === 0 ? 5 : i % 7 === 1 ? 45 : 0 },
      p: { level: LEVELS[i % 3]!, decimals: (i * 5) % 9, mode: MODES[Math.floor(i / 3) % 4]! },
      minDuration: 0,
      maxDuration: 3600,
    });
  }
  // Long calls at ~1000/min: billed × rate beyond 2^53, the BigInt path.
  for (let i = 0; i < 3; i++) {
    const [first, next] = ([[1, 1], [30, 6], [60, 60]] as const)[i]!;
    add({
      rateE8: 99_999_999_999 - rng() % 1_000_000,
      feeE8: 1_234_567,
      t: { first, next, min: 0, grace: 0 },
      p: { level: LEVELS[i]!, decimals: [2, 5, 0][i]!, mode: MODES[i + 1]! },
      minDuration: i === 0 ? 90_000 : 0,
      maxDuration: 172_800,
    });
  }
  return lines;
}

describe('totals over 10,000,000 streamed calls', () => {
  it('equal an independent decimal.js reference to the last e8, per line and overall', () => {
    const started = performance.now();
    const rng = mulberry32(0x7472_756e);
    const lines = makeLines(rng);
    const L = lines.length;
    let billedMismatches = 0;
    let bigPath = 0;
    for (let i = 0; i < CALLS; i++) {
      const line = lines[rng() % L]!;
      const r = rng();
      const d = r % 10 === 0 ? 0 : line.minDuration + (r >>> 4) % (line.maxDuration - line.minDuration + 1);
      const c = chargeCall(d, line.rateE8, line.feeE8, line.t, line.p);
      const billed = refBilled(d, line.t);
      if (c.billedSeconds !== billed) billedMismatches++;
      line.counts[billed]!++;
      if (c.amountE8 !== null) {
        line.sumAmount += BigInt(c.amountE8);
      } else {
        line.sumX60 += BigInt(c.exactX60);
        line.sumFees += BigInt(c.feeE8);
      }
      if (typeof c.exactX60 === 'bigint') bigPath++;
    }
    const rated = performance.now();
    expect(billedMismatches).toBe(0);
    expect(bigPath).toBeGreaterThan(10_000);

    const mismatches: string[] = [];
    let total = 0n;
    let refTotal = 0n;
    let distinct = 0;
    for (const line of lines) {
      const rate = new Dec(line.rateE8).div(1e8);
      const fee = new Dec(line.feeE8).div(1e8);
      let refAmount = 0n;
      let refUsage60 = new Dec(0);
      let refFees = new Dec(0);
      for (let billed = 0; billed <= MAX_BILLED; billed++) {
        const n = line.counts[billed]!;
        if (n === 0) continue;
        distinct++;
        const ref = refChargeBilled(billed, rate, fee, line.t, line.p);
        if (ref.amount !== null) refAmount += e8(ref.amount) * BigInt(n);
        refUsage60 = refUsage60.plus(ref.usage60.times(n));
        refFees = refFees.plus(ref.fee.times(n));
      }
      let amount: bigint;
      if (line.p.level === 'per-line') {
        const refX60 = e8(refUsage60.plus(refFees.times(60)));
        if (line.sumX60 !== refX60) mismatches.push(`${line.name}: Σ exactX60 ${line.sumX60} ≠ ${refX60}`);
        if (line.sumFees !== e8(refFees)) mismatches.push(`${line.name}: Σ fees ${line.sumFees} ≠ ${e8(refFees)}`);
        amount = lineAmountE8(line.sumX60, line.p, line.sumFees);
        refAmount = e8(refLine(refUsage60, refFees, line.p));
      } else {
        amount = line.sumAmount;
      }
      if (amount !== refAmount) mismatches.push(`${line.name}: ${amount} ≠ ${refAmount}`);
      total += amount;
      refTotal += refAmount;
    }
    expect(mismatches).toEqual([]);
    expect(total).toBe(refTotal);
    const done = performance.now();
    console.log(
      `10M calls: rated and summed in ${((rated - started) / 1000).toFixed(2)} s, reference (${distinct} distinct billed durations) in ${((done - rated) / 1000).toFixed(2)} s; ` +
        `${bigPath} calls on the BigInt path; total ${total} e8`,
    );
  }, 120_000);
});
