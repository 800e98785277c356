import type { TrunklineError } from '../api/errors.ts';
import { poolThreads, runRangePool } from '../util/range-pool.ts';
import type { WhatIfFilter } from '../db/lcr-repo.ts';
import type { ScanBuilder, ScanData, SlotSpec } from './whatif-scan.ts';

/** What the main thread asks of a what-if worker (core/cdrs/import-worker.ts): a range to scan, or its sums so far. */
export type WhatIfMessage =
  | { type: 'whatif'; dbPath: string; slots: SlotSpec[]; filter: WhatIfFilter; lo: number; hi: number }
  | { type: 'whatif-finish' };

type WorkerReply =
  | { type: 'whatif-page'; calls: number }
  | { type: 'whatif-range'; calls: number }
  | { type: 'whatif-end'; scan: ScanData };

/** The period cut into about eight time ranges per thread (whole hours), so a thread that finishes early takes more. */
export function whatIfRanges(fromMs: number, toMs: number, threads: number): [number, number][] {
  const hour = 3_600_000;
  const span = Math.max(hour, Math.ceil((toMs - fromMs) / (threads * 8) / hour) * hour);
  const ranges: [number, number][] = [];
  for (let lo = fromMs; lo < toMs; lo += span) ranges.push([lo, Math.min(toMs, lo + span)]);
  return ranges;
}

/**
 * Scans the period's ranges on two worker threads, each with its own read-only connection and its
 * own decks (loaded once, kept for all its ranges), each adding its ranges up; when a thread has no
 * range left its sums are merged into `into` here (exactly: groups by key, BigInt beyond 2^52). A
 * thread that cannot start hands its range back to the other one, or to this thread (`fallback`).
 */
export function whatIfOnWorkers(
  workerPath: string, dbPath: string, slots: SlotSpec[], filter: WhatIfFilter, into: ScanBuilder,
  progress: (calls: number) => void, signal: AbortSignal, cancelled: () => TrunklineError, fallback: (lo: number, hi: number) => Promise<void>,
): Promise<void> {
  return runRangePool<WorkerReply>({
    workerPath, resourceLimits: { maxOldGenerationSizeMb: 512 }, ranges: whatIfRanges(filter.fromMs, filter.toMs, poolThreads()), what: 'what-if',
    signal, cancelled, progress, fallback,
    start: (w, lo, hi) => w.postMessage({ type: 'whatif', dbPath, slots, filter, lo, hi } satisfies WhatIfMessage),
    // Its sums so far come back in one message.
    finishWorker: (w) => {
      w.postMessage({ type: 'whatif-finish' } satisfies WhatIfMessage);
      return true;
    },
    onMessage: (m, from) => {
      if (m.type === 'whatif-page') from.page(m.calls);
      else if (m.type === 'whatif-range') from.rangeDone(m.calls);
      else {
        into.merge(m.scan);
        from.retire();
      }
    },
  });
}
