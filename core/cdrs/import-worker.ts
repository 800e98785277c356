/**
 * Worker-thread entry of a CDR import: reads, parses and rates the file (CdrProducer) on its own
 * thread and posts row batches to the writer, which stores them in its open transaction. Built to
 * dist/cdr-import-worker.mjs (scripts/build.mjs); the import runs in one thread when it is absent.
 */
import { parentPort } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { TrunklineError } from '../api/errors.ts';
import { CdrProducer, type ProducerSpec } from './produce.ts';

/** Batches posted and not yet stored: beyond this the reader waits for the writer. */
const IN_FLIGHT = 4;

const port = parentPort!;
let producer: CdrProducer | null = null;
let inFlight = 0;

port.on('message', (m: { type: 'start'; spec: ProducerSpec; dbPath: string } | { type: 'ack' } | { type: 'stop' }) => {
  if (m.type === 'ack') {
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
    port.postMessage(batch, [batch.batch.nums.buffer as ArrayBuffer]);
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
