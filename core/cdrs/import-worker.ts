/**
 * Worker-thread entry of a CDR import: reads, parses and rates the file (CdrProducer) on its own
 * thread and posts row batches to the writer, which stores them in its open transaction. Built to
 * dist/cdr-import-worker.mjs (scripts/build.mjs); the import runs in one thread when it is absent.
 * The same worker runs the reading half of a re-rate: ranges of stored calls read, rated and
 * compared (core/rating/rerate-range.ts), the changed calls posted to the writer. And the LCR
 * what-if's ranges (core/lcr/whatif-workers.ts): each range scanned and added to this thread's sums,
 * which are posted once, when the engine says there is no range left.
 */
import { parentPort } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { TrunklineError } from '../api/errors.ts';
import { rerateRange, tableFor, type RerateSpec } from '../rating/rerate-range.ts';
import type { VersionedRateTable } from '../rates/versioned-table.ts';
import { CdrProducer, type ProducerSpec } from './produce.ts';
import type { BatchBuffers } from './row-batch.ts';
import { ScanBuilder, scanBuffers, scanData, whatIfScanner, type WhatIfScan } from '../lcr/whatif-scan.ts';
import type { WhatIfMessage } from '../lcr/whatif-workers.ts';

/** Batches posted and not yet stored: beyond this the reader waits for the writer. */
const IN_FLIGHT = 4;

const port = parentPort!;
let producer: CdrProducer | null = null;
let inFlight = 0;

let rerateDb: InstanceType<typeof Database> | null = null;
let rerateTable: { key: string; table: VersionedRateTable } | null = null;
/** Change batches posted and not yet written; beyond IN_FLIGHT the range waits for the writer. */
let rerateInFlight = 0;
let rerateWake: (() => void) | null = null;

type RerateMessage = { type: 'rerate'; dbPath: string; spec: RerateSpec; lo: number; hi: number } | { type: 'rerate-ack' };

async function rerate(m: Extract<RerateMessage, { type: 'rerate' }>): Promise<void> {
  // A read-only connection: its snapshot is the committed table, which the writer's open
  // transaction (holding the write lock for the whole re-rate) changes only after we have read it.
  rerateDb ??= new Database(m.dbPath, { readonly: true, fileMustExist: true });
  rerateTable = tableFor(rerateDb as never, m.spec, rerateTable);
  const result = await rerateRange(rerateDb as never, m.spec, rerateTable.table, m.lo, m.hi, async (batch) => {
    rerateInFlight++;
    port.postMessage({ type: 'rerate-changes', batch }, [batch.rows.buffer as ArrayBuffer]);
    while (rerateInFlight >= IN_FLIGHT) await new Promise<void>((resolve) => (rerateWake = resolve));
  }, (calls) => port.postMessage({ type: 'rerate-page', calls }));
  port.postMessage({ type: 'rerate-end', result });
}

// The what-if: one read-only connection and one scanner (the decks loaded once) for all this thread's ranges, their sums added up in one builder.
let whatIfDb: InstanceType<typeof Database> | null = null;
let whatIfState: { key: string; scan: WhatIfScan; into: ScanBuilder } | null = null;

async function whatIfRange(m: Extract<WhatIfMessage, { type: 'whatif' }>): Promise<void> {
  whatIfDb ??= new Database(m.dbPath, { readonly: true, fileMustExist: true });
  const db = whatIfDb;
  const key = JSON.stringify([m.slots.map((s) => [s.carrier.id, s.candidate]), m.filter.fromMs, m.filter.toMs]);
  if (whatIfState?.key !== key) {
    const carrier = db.prepare('SELECT 1 FROM carriers WHERE id = ?').pluck();
    whatIfState = { key, scan: whatIfScanner(db as never, m.slots, m.filter.fromMs, m.filter.toMs, (id) => carrier.get(id) !== undefined), into: new ScanBuilder(m.slots.length) };
  }
  let calls = 0;
  await whatIfState.scan(m.filter, m.lo, m.hi, {
    epoch: () => {},
    page: (done) => {
      calls = done;
      port.postMessage({ type: 'whatif-page', calls: done });
    },
  }, whatIfState.into);
  port.postMessage({ type: 'whatif-range', calls });
}

port.on('message', (m: { type: 'start'; spec: ProducerSpec; dbPath: string } | { type: 'ack'; recycle?: BatchBuffers } | { type: 'stop' } | RerateMessage | WhatIfMessage) => {
  if (m.type === 'whatif') {
    whatIfRange(m).catch((e: unknown) => port.postMessage({
      type: 'error',
      error: e instanceof TrunklineError ? e.toBody() : { code: 'INTERNAL_ERROR', message: (e as Error).message ?? String(e) },
    }));
    return;
  }
  if (m.type === 'whatif-finish') {
    // A thread given no range (a period of fewer ranges than threads) has nothing to add.
    const data = scanData((whatIfState?.into ?? new ScanBuilder(1)).r);
    whatIfState = null;
    port.postMessage({ type: 'whatif-end', scan: data }, scanBuffers(data));
    return;
  }
  if (m.type === 'rerate') {
    rerate(m).catch((e: unknown) => port.postMessage({
      type: 'error',
      error: e instanceof TrunklineError ? e.toBody() : { code: 'INTERNAL_ERROR', message: (e as Error).message ?? String(e) },
    }));
    return;
  }
  if (m.type === 'rerate-ack') {
    rerateInFlight--;
    const wake = rerateWake;
    rerateWake = null;
    wake?.();
    return;
  }
  if (m.type === 'ack') {
    if (m.recycle) producer?.recycle(m.recycle);
    inFlight--;
    if (inFlight < IN_FLIGHT) producer?.resume();
    return;
  }
  if (m.type === 'stop') {
    producer?.abort(new TrunklineError('JOB_CANCELLED', 'stopped'));
    return;
  }
  // A read-only connection of its own: the rates it rates with are committed, and the writer's open
  // transaction does not touch them.
  const db = new Database(m.dbPath, { readonly: true, fileMustExist: true });
  producer = new CdrProducer(m.spec, db as never, (batch) => {
    inFlight++;
    port.postMessage(batch, [batch.batch.nums.buffer as ArrayBuffer, batch.batch.ends.buffer as ArrayBuffer, batch.batch.bytes.buffer as ArrayBuffer]);
    return inFlight < IN_FLIGHT;
  });
  producer.run().then(
    (end) => port.postMessage(end),
    (e: unknown) => port.postMessage({
      type: 'error',
      error: e instanceof TrunklineError ? e.toBody() : { code: 'INTERNAL_ERROR', message: (e as Error).message ?? String(e) },
    }),
  ).finally(() => db.close());
});
