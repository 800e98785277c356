/**
 * How much the reliability suites do. `npm test` runs the CI budget; `npm run test:reliability`
 * sets TRUNKLINE_RELIABILITY=full for the full sizes. Single knobs override either.
 */
export const FULL = process.env.TRUNKLINE_RELIABILITY === 'full';

function num(name: string, ci: number, full: number): number {
  const v = process.env[name];
  if (v !== undefined && /^\d+$/.test(v)) return Number(v);
  return FULL ? full : ci;
}

export const BUDGET = {
  /** Kills that must land inside each operation. */
  kills: num('CRASH_KILLS', 25, 50),
  /** Re-run the job after every Nth kill that left the before-state (1 = after each). */
  rerunEvery: num('CRASH_RERUN_EVERY', 5, 5),
  deckRows: num('CRASH_DECK_ROWS', 20_000, 300_000),
  cdrRows: num('CRASH_CDRS', 50_000, 1_000_000),
  /** Own calls of the reconciliation's month; the vendor's CDR file has about as many. */
  reconRows: num('CRASH_RECON_CDRS', 20_000, 300_000),
  seed: num('RELIABILITY_SEED', 20261108, 20261108),
  /** fast-check runs per property. */
  fuzzRuns: num('FUZZ_RUNS', 300, 5_000),
  /** Size of the generated huge bad files (the 100 MB line, the zip bomb). */
  hugeBytes: num('BAD_HUGE_BYTES', 100 * 1024 * 1024, 100 * 1024 * 1024),
} as const;
