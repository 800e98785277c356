/**
 * Micro-benchmark of the rating arithmetic: 10M synthetic calls (seeded, in typed-array columns as
 * the pipeline holds them) through chargeCall, once per rounding level, summed exactly.
 * Run: node --import tsx bench/rating-micro.ts [calls]. Figures vary ±30–60 % on a shared machine.
 */
import { cpus } from 'node:os';
import { chargeCall, type RoundingPolicy } from '../core/rating/amount.ts';
import type { BillingTerms } from '../core/rating/billing.ts';
import { ExactSum } from '../core/rating/exact-sum.ts';

const CALLS = Number(process.argv[2] ?? 10_000_000);

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (t ^ (t >>> 14)) >>> 0;
  };
}

const rng = mulberry32(42);
const INCREMENTS: [number, number][] = [[1, 1], [6, 6], [30, 6], [60, 60], [60, 1], [1, 60]];
const RATE_ROWS = 4096;
const rateE8 = new Float64Array(RATE_ROWS);
const feeE8 = new Float64Array(RATE_ROWS);
const terms: BillingTerms[] = [];
for (let i = 0; i < RATE_ROWS; i++) {
  const [first, next] = INCREMENTS[i % INCREMENTS.length]!;
  rateE8[i] = i % 50 === 0 ? (rng() % 1000) * 100_000_000 + (rng() % 100_000_000) : rng() % 50_000_000; // mostly < 0.5/min, some up to 1000/min
  feeE8[i] = i % 8 === 0 ? rng() % 2_000_000 : 0;
  terms.push({ first, next, min: i % 10 === 0 ? 30 : 0, grace: i % 7 === 0 ? 3 : 0 });
}

// A CDR-like mix: ~35 % unanswered (0 s), short and long answered calls, a few up to 48 h.
const duration = new Uint32Array(CALLS);
const rateRow = new Uint16Array(CALLS);
for (let i = 0; i < CALLS; i++) {
  const r = rng();
  const kind = r % 100;
  duration[i] = kind < 35 ? 0 : kind < 85 ? (r >>> 7) % 300 : kind < 99 ? (r >>> 7) % 3600 : (r >>> 7) % 172_801;
  rateRow[i] = rng() % RATE_ROWS;
}

const policies: RoundingPolicy[] = [
  { level: 'per-call', decimals: 6, mode: 'half-up' },
  { level: 'per-increment', decimals: 4, mode: 'half-even' },
  { level: 'per-line', decimals: 2, mode: 'up' },
];

function run(p: RoundingPolicy, n: number): { seconds: number; check: bigint } {
  const amounts = new ExactSum();
  const exact = new ExactSum();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const row = rateRow[i]!;
    const c = chargeCall(duration[i]!, rateE8[row]!, feeE8[row]!, terms[row]!, p);
    if (c.amountE8 !== null) amounts.add(c.amountE8);
    exact.add(c.exactX60);
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { seconds, check: amounts.value + exact.value };
}

console.log(`rating micro-benchmark: ${CALLS.toLocaleString('en')} calls, ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), node ${process.version}`);
for (const p of policies) run(p, Math.min(CALLS, 1_000_000)); // warm up every path
for (const p of policies) {
  const { seconds, check } = run(p, CALLS);
  console.log(`${p.level.padEnd(14)} ${p.decimals} dp ${p.mode.padEnd(9)} ${(CALLS / seconds / 1e6).toFixed(2)} M calls/s  (${(seconds * 1e9 / CALLS).toFixed(1)} ns/call, ${seconds.toFixed(2)} s; check ${check})`);
}
