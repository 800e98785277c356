import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import Papa from 'papaparse';
import type { Carrier, Side } from '../api/contract.ts';
import { TrunklineError } from '../api/errors.ts';
import type { Db } from '../db/open.ts';
import { hash53 } from '../util/hash52.ts';
import { createCdrParser, type CdrFormat } from './formats.ts';
import { carrierLegs, RaterCache, TrunkMap, type TrunkMiss } from './legs.ts';
import { BATCH_ROWS, newBatch, pushRow, type RowBatch } from './row-batch.ts';

/** What the reading side of a CDR import needs: all of it plain data, so it can cross to a worker thread. */
export interface ProducerSpec {
  path: string;
  /** The file's name, for messages. */
  file: string;
  delimiter: string;
  format: CdrFormat;
  hasHeader: boolean;
  header: string[] | null;
  zone: string;
  map: Record<string, string>;
  /** The named carrier (every call is its), or null: legs by trunk among `carriers`. */
  carrierId: number | null;
  carriers: Carrier[];
  /** Keep the text of bad rows (for the rejects file) and go on; else only count them once one is found. */
  skipBadRows: boolean;
  maxProblems: number;
}

export interface ProblemRow {
  row: number;
  column: string;
  value: string;
  message: string;
  /** The row as read, for the rejects file. */
  line?: string;
}

export interface BatchMessage {
  type: 'batch';
  batch: RowBatch;
  /** Data rows read so far (good and bad). */
  rowsRead: number;
  problems: ProblemRow[];
  problemCount: number;
}

export interface EndMessage {
  type: 'end';
  sha256: string;
  rowsRead: number;
  problemCount: number;
  unmatched: TrunkMiss[];
  missingDecks: { carrierId: number; side: Side }[];
}

/**
 * Reads, parses and rates a CDR file into row batches: the part of an import that needs no write
 * access, so it can run on its own thread beside the writer. `emit` returns false to ask for a
 * pause (the writer is behind); `resume()` goes on. Bounded memory for any file size.
 */
export class CdrProducer {
  private parser: { pause(): void; resume(): void; abort(): void } | null = null;
  /** The file stream: paused with the parser, or it would go on filling Papa's queue (memory grows with the file). */
  private input: { pause(): void; resume(): void; bytesRead: number } | null = null;
  private paused = false;
  private stopped: unknown;

  constructor(private readonly spec: ProducerSpec, private readonly db: Db, private readonly emit: (m: BatchMessage) => boolean) {}

  resume(): void {
    if (this.paused && this.parser && this.stopped === undefined) {
      this.paused = false;
      this.input?.resume();
      this.parser.resume();
    }
  }

  /** Bytes of the file read so far. */
  bytesRead(): number {
    return this.input?.bytesRead ?? 0;
  }

  abort(reason: unknown): void {
    this.stopped ??= reason;
    this.parser?.abort();
  }

  run(): Promise<EndMessage> {
    const spec = this.spec;
    const created = createCdrParser(spec.format, { header: spec.header, zone: spec.zone, map: spec.map });
    if ('error' in created) return Promise.reject(new TrunklineError('DECK_MAPPING_INCOMPLETE', `${spec.file}: ${created.error}`, { file: spec.file }));
    const parse = created.parse;
    const byId = new Map(spec.carriers.map((c) => [c.id, c]));
    const carrier = spec.carrierId === null ? null : byId.get(spec.carrierId)!;
    const fixedLegs = carrier ? carrierLegs(carrier) : null;
    const trunks = carrier ? null : new TrunkMap(spec.carriers);
    const hasDeck = this.db.prepare('SELECT 1 FROM deck_imports WHERE carrier_id = ? AND side = ? LIMIT 1');
    const raters = new RaterCache(this.db, (id, side) => hasDeck.get(id, side) !== undefined);
    const hash = createHash('sha256');
    let batch = newBatch();
    let problems: ProblemRow[] = [];
    let problemCount = 0;
    let kept = 0;
    let rowsRead = 0;
    let row = 0;

    const bad = (column: string, value: string, message: string, cells: string[]): void => {
      problemCount++;
      if (spec.skipBadRows) problems.push({ row, column, value, message, line: cells.join(spec.delimiter) });
      else if (kept < spec.maxProblems) {
        kept++;
        problems.push({ row, column, value, message });
      }
    };
    const onRow = (cells: string[]): void => {
      row++;
      if (row === 1 && spec.hasHeader) return;
      if (cells.length === 1 && cells[0]!.trim() === '') return;
      rowsRead++;
      const c = parse(cells, row);
      if ('error' in c) {
        bad(c.column, c.value, c.message, cells);
        return;
      }
      if (problemCount > 0 && !spec.skipBadRows) return;
      const legs = fixedLegs ?? trunks!.legs(c.ingress, c.egress);
      const filing = carrier ?? legs.vendor ?? legs.customer;
      if (filing === null) {
        const value = `${c.ingress ?? ''} / ${c.egress ?? ''}`;
        bad('ingress/egress', value, c.ingress === null && c.egress === null ? 'the call names no ingress or egress trunk'
          : 'neither trunk belongs to a carrier (carriers set NAME --trunks …)', cells);
        return;
      }
      const key = hash53(c.callId ?? `${c.startMs}|${c.calling}|${c.called}|${c.durationMs}`);
      const buyRater = legs.vendor ? raters.get(legs.vendor, 'buy') : null;
      const sellRater = legs.customer ? raters.get(legs.customer, 'sell') : null;
      pushRow(batch, c, key, filing.id, legs.customer?.id ?? null, legs.vendor?.id ?? null,
        buyRater ? buyRater(c.called, c.startMs, c.durationMs, c.answered) : null,
        sellRater ? sellRater(c.called, c.startMs, c.durationMs, c.answered) : null);
    };
    const send = (): boolean => {
      const more = this.emit({ type: 'batch', batch, rowsRead, problems, problemCount });
      batch = newBatch();
      problems = [];
      return more;
    };

    return new Promise<EndMessage>((resolve, reject) => {
      const input = createReadStream(spec.path);
      this.input = input;
      input.on('data', (chunk) => {
        if (this.stopped === undefined) hash.update(chunk as Buffer);
      });
      input.on('error', (e) => reject(new TrunklineError('FILE_UNREADABLE', `${spec.file}: ${e.message}`, { file: spec.file })));
      // Papa's abort() ends with complete(): a stop must be remembered, or it would look like the end of the file.
      Papa.parse<string[]>(input as unknown as File, {
        delimiter: spec.delimiter,
        skipEmptyLines: true,
        chunkSize: 1 << 20,
        chunk: (results, p) => {
          this.parser = p;
          if (this.stopped !== undefined) return;
          let more = true;
          try {
            for (const cells of results.data) {
              onRow(cells);
              if (batch.count === BATCH_ROWS) more = send() && more;
            }
            more = send() && more;
          } catch (e) {
            this.abort(e);
            input.destroy();
            return;
          }
          if (!more && this.stopped === undefined) {
            this.paused = true;
            // Papa's handle stops parsing but leaves its stream flowing into its queue: stop the stream too.
            input.pause();
            p.pause();
          }
        },
        complete: () => {
          if (this.stopped !== undefined) {
            input.destroy();
            reject(this.stopped);
            return;
          }
          resolve({
            type: 'end', sha256: hash.digest('hex'), rowsRead, problemCount,
            unmatched: trunks ? trunks.unmatched() : [], missingDecks: raters.missingDecks.map((m) => ({ carrierId: m.carrier.id, side: m.side })),
          });
        },
        error: (e) => reject(new TrunklineError('FILE_UNREADABLE', `${spec.file}: ${e.message}`, { file: spec.file })),
      });
    });
  }
}

export interface ProduceOptions {
  /** The writer's connection: the rates are read through it when the reading runs on this thread. */
  db: Db;
  dbPath: string;
  /** The built worker (dist/cdr-import-worker.mjs); null or missing: read on this thread. */
  workerPath: string | null;
}

/**
 * Runs the reading side of an import and hands each batch to `onBatch` (on this thread, in order),
 * on a worker thread when one is built (the writer and the reader then use both cores), else here.
 * A throw from `onBatch` (a cancel, a write error) stops the reader and rejects.
 */
export function produceRows(spec: ProducerSpec, o: ProduceOptions, onBatch: (m: BatchMessage) => void, signal: AbortSignal): Promise<EndMessage> {
  if (!o.workerPath || !existsSync(o.workerPath)) {
    const producer: CdrProducer = new CdrProducer(spec, o.db, (m) => {
      onBatch(m);
      return true;
    });
    return producer.run();
  }
  return new Promise<EndMessage>((resolve, reject) => {
    // A small old generation keeps the reader's garbage collected early: the import's memory stays bounded.
    const worker = new Worker(o.workerPath!, { resourceLimits: { maxOldGenerationSizeMb: 256 } });
    let settled = false;
    const finish = (e: unknown, end?: EndMessage): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      void worker.terminate();
      if (end) resolve(end);
      else reject(e);
    };
    const onAbort = (): void => finish(new TrunklineError('JOB_CANCELLED', 'the CDR import was cancelled; nothing was written'));
    signal.addEventListener('abort', onAbort);
    worker.on('message', (m: BatchMessage | EndMessage | { type: 'error'; error: { code: string; message: string; details?: Record<string, unknown> } }) => {
      if (settled) return;
      heard = true;
      if (m.type === 'batch') {
        try {
          onBatch(m);
        } catch (e) {
          finish(e);
          return;
        }
        worker.postMessage({ type: 'ack' });
      } else if (m.type === 'end') finish(null, m);
      else finish(new TrunklineError(m.error.code as never, m.error.message, m.error.details));
    });
    // A reader that cannot start (a packaged app that cannot load it, say) leaves the import to this thread.
    let heard = false;
    const fallBack = (): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      void worker.terminate();
      produceRows(spec, { ...o, workerPath: null }, onBatch, signal).then(resolve, reject);
    };
    worker.on('error', (e) => (heard ? finish(new TrunklineError('INTERNAL_ERROR', `the CDR reader stopped: ${e.message}`)) : fallBack()));
    worker.on('exit', (code) => (heard ? finish(new TrunklineError('INTERNAL_ERROR', `the CDR reader exited (${code}) before the end of the file`)) : fallBack()));
    worker.postMessage({ type: 'start', spec, dbPath: o.dbPath });
  });
}
