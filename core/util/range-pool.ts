import { availableParallelism } from 'node:os';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { TrunklineError } from '../api/errors.ts';

/** What a pool's worker may say besides its own messages: a failure, as an error body. */
export type WorkerError = { type: 'error'; error: { code: string; message: string; details?: Record<string, unknown> } };

/** What a message handler can tell the pool about the worker that sent the message. */
export interface RangeWorker {
  readonly worker: Worker;
  /** Calls done so far in its current range (progress). */
  page(calls: number): void;
  /** Its range is done, with this many calls: it is given the next one. */
  rangeDone(calls: number): void;
  /** It has nothing more to say (after `finishWorker`): it is stopped. */
  retire(): void;
}

export interface RangePoolOptions<M> {
  /** The built worker script (dist/cdr-import-worker.mjs). */
  workerPath: string;
  resourceLimits: ResourceLimits;
  ranges: [number, number][];
  /** For messages: "a re-rating thread stopped: …". */
  what: string;
  signal: AbortSignal;
  cancelled: () => TrunklineError;
  /** Sends a range to a worker. */
  start(w: Worker, lo: number, hi: number): void;
  /** No range left for a worker: true when it has more to send (it then calls retire()); else it is stopped now. */
  finishWorker?(w: Worker): boolean;
  /** One of the worker's own messages. */
  onMessage(m: M, from: RangeWorker): void;
  progress(calls: number): void;
  /** Reads a range on this thread: ranges no worker could take. */
  fallback(lo: number, hi: number): Promise<void>;
}

/** At most two worker threads on the machines Trunkline runs on (one core stays the writer's). */
export function poolThreads(): number {
  return Math.max(1, Math.min(2, availableParallelism()));
}

/**
 * Runs ranges on worker threads, each taking the next range when it has finished one (so one that
 * finishes early takes more). A worker that fails before it has said anything (so it did nothing)
 * hands its range back to the others, or, when none is left, to this thread (`fallback`); one that
 * fails later fails the whole run. Cancelling stops every worker.
 */
export function runRangePool<M extends { type: string }>(o: RangePoolOptions<M>): Promise<void> {
  if (o.signal.aborted) return Promise.reject(o.cancelled());
  const threads = poolThreads();
  const ranges = [...o.ranges];
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
      o.signal.removeEventListener('abort', onAbort);
      for (const w of workers) void w.terminate();
      if (e === null) resolve();
      else reject(e);
    };
    const onAbort = (): void => finish(o.cancelled());
    o.signal.addEventListener('abort', onAbort);
    // When no worker is left, what ranges remain (one handed back late) are read here.
    const drain = (): void => {
      void (async () => {
        for (let range = ranges.shift(); range; range = ranges.shift()) await o.fallback(range[0], range[1]);
      })().then(() => finish(null), finish);
    };
    const retire = (w: Worker): void => {
      if (retired.has(w)) return;
      retired.add(w);
      running--;
      void w.terminate();
      if (running === 0) drain();
    };
    const next = (w: Worker, k: number): void => {
      const range = ranges.shift();
      given[k] = range ?? null;
      current[k] = 0;
      if (range) o.start(w, range[0], range[1]);
      else if (!o.finishWorker?.(w)) retire(w);
    };
    const lost = (w: Worker, k: number, e: Error): void => {
      if (settled || retired.has(w)) return;
      if (heard[k]) {
        // What it did went with it.
        finish(new TrunklineError('INTERNAL_ERROR', `a ${o.what} thread stopped: ${e.message}`));
        return;
      }
      retired.add(w);
      running--;
      if (given[k]) ranges.unshift(given[k]!);
      if (running === 0) drain();
    };
    for (let k = 0; k < threads; k++) {
      const w = new Worker(o.workerPath, { resourceLimits: o.resourceLimits });
      workers.push(w);
      running++;
      const from: RangeWorker = {
        worker: w,
        page: (calls) => {
          current[k] = calls;
          o.progress(done.reduce((a, b) => a + b, 0) + current.reduce((a, b) => a + b, 0));
        },
        rangeDone: (calls) => {
          done[k]! += calls;
          next(w, k);
        },
        retire: () => retire(w),
      };
      w.on('message', (m: M | WorkerError) => {
        if (settled) return;
        heard[k] = true;
        try {
          if (m.type === 'error') {
            const body = (m as WorkerError).error;
            finish(new TrunklineError(body.code as never, body.message, body.details));
          } else o.onMessage(m as M, from);
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
