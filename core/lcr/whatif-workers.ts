import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { TrunklineError } from '../api/errors.ts';
import type { WhatIfFilter } from '../db/lcr-repo.ts';
import type { ScanBuilder, ScanData, SlotSpec } from './whatif-scan.ts';

/** What the main thread asks of a what-if worker (core/cdrs/import-worker.ts): a range to scan, or its sums so far. */
export type WhatIfMessage =
  | { type: 'whatif'; dbPath: string; slots: SlotSpec[]; filter: WhatIfFilter; lo: number; hi: number }
  | { type: 'whatif-finish' };

type WorkerReply =
  | { type: 'whatif-page'; calls: number }
  | { type: 'whatif-range'; calls: number }
  | { type: 'whatif-end'; scan: ScanData }
  | { type: 'error'; error: { code: string; message: string; details?: Record<string, unknown> } };

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
  const threads = Math.max(1, Math.min(2, availableParallelism()));
  const ranges = whatIfRanges(filter.fromMs, filter.toMs, threads);
  if (signal.aborted) return Promise.reject(cancelled());
  return new Promise<void>((resolve, reject) => {
    const workers: Worker[] = [];
    const done = new Array<number>(threads).fill(0);
    const current = new Array<number>(threads).fill(0);
    const heard = new Array<boolean>(threads).fill(false);
    const given = new Array<[number, number] | null>(threads).fill(null);
    const retired = new Set<Worker>();
    let running = 0;
    let settled = false;
    const finish = (e: unknown): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      for (const w of workers) void w.terminate();
      if (e === null) resolve();
      else reject(e);
    };
    const onAbort = (): void => finish(cancelled());
    signal.addEventListener('abort', onAbort);
    const next = (w: Worker, k: number): void => {
      const range = ranges.shift();
      given[k] = range ?? null;
      if (range) w.postMessage({ type: 'whatif', dbPath, slots, filter, lo: range[0], hi: range[1] } satisfies WhatIfMessage);
      else w.postMessage({ type: 'whatif-finish' } satisfies WhatIfMessage);
    };
    const lost = (w: Worker, k: number, e: Error): void => {
      if (settled || retired.has(w)) return;
      if (heard[k]) {
        // Its sums so far went with it.
        finish(new TrunklineError('INTERNAL_ERROR', `a what-if thread stopped: ${e.message}`));
        return;
      }
      retired.add(w);
      running--;
      if (given[k]) ranges.unshift(given[k]!);
      if (running === 0) drain();
    };
    // When no thread is left, what ranges remain (a range handed back late) are read here.
    const drain = (): void => {
      void (async () => {
        for (let range = ranges.shift(); range; range = ranges.shift()) await fallback(range[0], range[1]);
      })().then(() => finish(null), finish);
    };
    for (let k = 0; k < threads; k++) {
      const w = new Worker(workerPath, { resourceLimits: { maxOldGenerationSizeMb: 512 } });
      workers.push(w);
      running++;
      w.on('message', (m: WorkerReply) => {
        if (settled) return;
        heard[k] = true;
        try {
          if (m.type === 'whatif-page') {
            current[k] = m.calls;
            progress(done.reduce((a, b) => a + b, 0) + current.reduce((a, b) => a + b, 0));
          } else if (m.type === 'whatif-range') {
            done[k]! += m.calls;
            current[k] = 0;
            next(w, k);
          } else if (m.type === 'whatif-end') {
            into.merge(m.scan);
            retired.add(w);
            running--;
            void w.terminate();
            if (running === 0) drain();
          } else finish(new TrunklineError(m.error.code as never, m.error.message, m.error.details));
        } catch (e) {
          finish(e);
        }
      });
      w.on('error', (e) => lost(w, k, e));
      w.on('exit', (code) => lost(w, k, new Error(`exited (${code}) before its ranges were done`)));
      next(w, k);
    }
  });
}
