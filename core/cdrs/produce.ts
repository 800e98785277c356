import { isAscii } from 'node:buffer';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import type { Carrier, Side } from '../api/contract.ts';
import { TrunklineError } from '../api/errors.ts';
import type { Db } from '../db/open.ts';
import { hash53 } from '../util/hash52.ts';
import { endsWholeUtf8 } from '../util/utf8.ts';
import { MAX_COLUMNS, MAX_LINE_CHARS } from '../excel/read-table.ts';
import { CsvRecords } from './csv-records.ts';
import { createCdrParser, type CdrFormat } from './formats.ts';
import { carrierLegs, RaterCache, TrunkMap, type TrunkMiss } from './legs.ts';
import { BATCH_ROWS, batchBuffers, newBatch, pushRow, type BatchBuffers, type RowBatch } from './row-batch.ts';

/** Read a MiB at a time: a few thousand calls per batch handed to the writer. */
const CHUNK_BYTES = 1 << 20;
const DECODE_BYTES = 1 << 16;

/** What the reading side of a CDR import needs: all of it plain data, so it can cross to a worker thread. */
export interface ProducerSpec {
  path: string;
  /** The file's name, for messages. */
  file: string;
  delimiter: string;
  /** The text encoding the file's head was read in (utf-8, utf-16le, utf-16be, windows-1252). */
  encoding: string;
  /** Lines end with CR alone (old Mac files). */
  crOnly: boolean;
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
  private paused = false;
  private wake: (() => void) | null = null;
  private stopped: unknown;
  private read = 0;
  /** Buffers of batches the writer is done with, for the next batches. */
  private readonly pool: BatchBuffers[] = [];

  constructor(private readonly spec: ProducerSpec, private readonly db: Db, private readonly emit: (m: BatchMessage) => boolean) {}

  /** The writer has caught up: reading goes on. */
  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  /** The writer is done with a batch: its buffers make a later one. */
  recycle(buffers: BatchBuffers): void {
    if (this.pool.length < 8) this.pool.push(buffers);
  }

  /** Bytes of the file read so far. */
  bytesRead(): number {
    return this.read;
  }

  abort(reason: unknown): void {
    this.stopped ??= reason;
    this.resume();
  }

  async run(): Promise<EndMessage> {
    const spec = this.spec;
    const created = createCdrParser(spec.format, { header: spec.header, zone: spec.zone, map: spec.map });
    if ('error' in created) throw new TrunklineError('DECK_MAPPING_INCOMPLETE', `${spec.file}: ${created.error}`, { file: spec.file });
    const parse = created.parse;
    const byId = new Map(spec.carriers.map((c) => [c.id, c]));
    const carrier = spec.carrierId === null ? null : byId.get(spec.carrierId)!;
    const fixedLegs = carrier ? carrierLegs(carrier) : null;
    const trunks = carrier ? null : new TrunkMap(spec.carriers);
    const hasDeck = this.db.prepare('SELECT 1 FROM deck_imports WHERE carrier_id = ? AND side = ? LIMIT 1');
    const raters = new RaterCache(this.db, (id, side) => hasDeck.get(id, side) !== undefined);
    // A named carrier's decks are loaded before the first call is read: the writer may then hold the
    // workspace alone (writeAlone) and nothing more is read from it here.
    if (fixedLegs?.vendor) raters.get(fixedLegs.vendor, 'buy');
    if (fixedLegs?.customer) raters.get(fixedLegs.customer, 'sell');
    const hash = createHash('sha256');
    let batch = newBatch(this.pool.pop());
    let problems: ProblemRow[] = [];
    let problemCount = 0;
    let kept = 0;
    let rowsRead = 0;
    let row = 0;
    let header = spec.hasHeader;
    let more = true;

    const bad = (column: string, value: string, message: string, cells: string[] | null): void => {
      problemCount++;
      if (spec.skipBadRows) problems.push({ row, column, value, message, line: cells ? cells.join(spec.delimiter) : value });
      else if (kept < spec.maxProblems) {
        kept++;
        problems.push({ row, column, value, message });
      }
    };
    const send = (): void => {
      more = this.emit({ type: 'batch', batch, rowsRead, problems, problemCount }) && more;
      batch = newBatch(this.pool.pop());
      problems = [];
    };
    const onRow = (cells: string[]): void => {
      if (header) {
        header = false;
        return;
      }
      if (cells.length === 1 && cells[0]!.trim() === '') return;
      rowsRead++;
      if (cells.length > MAX_COLUMNS) {
        bad('(row)', `${cells.length.toLocaleString('en-US')} columns`, `the row has ${cells.length.toLocaleString('en-US')} columns; a CDR row has at most ${MAX_COLUMNS.toLocaleString('en-US')}`, null);
        return;
      }
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
      if (batch.count === BATCH_ROWS) send();
    };
    const records = new CsvRecords(spec.delimiter, MAX_LINE_CHARS, (r) => {
      row = r.line;
      onRow(r.cells);
    }, (p) => {
      row = p.line;
      if (header) header = false;
      else rowsRead++;
      bad('(line)', p.value, p.message, null);
    });
    // UTF-8 is decoded strictly: a file that turns into another encoding after its first 64 KB is refused.
    const decoder = new TextDecoder(spec.encoding, { fatal: spec.encoding === 'utf-8' });
    // Most CDR files are ASCII: a UTF-8 piece that is all ASCII (checked by SIMD) is copied as
    // one-byte text, where the decoder would convert it to UTF-16 and back. Only once the decoder
    // has seen the file's start (its BOM) and when it holds no unfinished character.
    const asciiFast = spec.encoding === 'utf-8';
    let decoderClean = false;
    const decode = (bytes: Buffer | undefined, stream: boolean): string => {
      try {
        let text: string;
        if (bytes && asciiFast && decoderClean && isAscii(bytes)) text = bytes.toString('latin1');
        else {
          text = bytes ? decoder.decode(bytes, { stream }) : decoder.decode();
          decoderClean = bytes !== undefined && endsWholeUtf8(bytes);
        }
        return spec.crOnly ? text.replaceAll('\r', '\n') : text;
      } catch {
        throw new TrunklineError('FILE_UNREADABLE', `${spec.file}: the text after line ${row.toLocaleString('en-US')} is not UTF-8 like the lines before it (two encodings mixed in one file); save the file as UTF-8`, { file: spec.file, row });
      }
    };
    let fh: FileHandle;
    try {
      fh = await open(spec.path, 'r');
    } catch (e) {
      throw new TrunklineError('FILE_UNREADABLE', `${spec.file}: ${(e as Error).message}`, { file: spec.file });
    }
    try {
      const buf = Buffer.allocUnsafe(CHUNK_BYTES);
      for (;;) {
        if (this.stopped !== undefined) throw this.stopped;
        let n: number;
        try {
          n = (await fh.read(buf, 0, CHUNK_BYTES, null)).bytesRead;
        } catch (e) {
          throw new TrunklineError('FILE_UNREADABLE', `${spec.file}: ${(e as Error).message}`, { file: spec.file });
        }
        if (n === 0) break;
        this.read += n;
        const bytes = buf.subarray(0, n);
        hash.update(bytes);
        // Decoded 64 KiB at a time: texts that small are young-generation strings, where a MiB string
        // is mapped, faulted in and unmapped afresh for every chunk.
        for (let at = 0; at < n; at += DECODE_BYTES) records.push(decode(bytes.subarray(at, Math.min(n, at + DECODE_BYTES)), true));
        // Full batches went as they filled; what is left goes on filling unless bad rows wait to be reported.
        if (problems.length > 0 || batch.count >= BATCH_ROWS / 2) send();
        if (!more && this.stopped === undefined) {
          // The writer is behind: nothing more is read until it says so.
          this.paused = true;
          await new Promise<void>((resolve) => (this.wake = resolve));
          more = true;
        }
      }
      records.push(decode(undefined, false));
      records.end();
      send();
      if (this.stopped !== undefined) throw this.stopped;
    } finally {
      await fh.close();
    }
    return {
      type: 'end', sha256: hash.digest('hex'), rowsRead, problemCount,
      unmatched: trunks ? trunks.unmatched() : [], missingDecks: raters.missingDecks.map((m) => ({ carrierId: m.carrier.id, side: m.side })),
    };
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
/**
 * `onBatch` may hand back, through `release`, a batch it holds no row of any more: its buffers go
 * back to the reader for a later batch.
 */
export function produceRows(spec: ProducerSpec, o: ProduceOptions, onBatch: (m: BatchMessage, release: (b: RowBatch) => void) => void, signal: AbortSignal): Promise<EndMessage> {
  if (!o.workerPath || !existsSync(o.workerPath)) {
    const producer: CdrProducer = new CdrProducer(spec, o.db, (m) => {
      onBatch(m, (b) => producer.recycle(batchBuffers(b)));
      return true;
    });
    return producer.run();
  }
  return new Promise<EndMessage>((resolve, reject) => {
    // The reader's memory is bounded by its design (a MiB read at a time, lines of at most a MiB, a
    // few batches in flight), not by a heap limit: a 256 MB old generation made V8 collect so often
    // that a 2M-call import took 35 % longer. A larger young generation lets a batch's short-lived
    // strings die young instead of being promoted (10M calls: 211,000/s at 470 MB peak RSS).
    const worker = new Worker(o.workerPath!, { resourceLimits: { maxYoungGenerationSizeMb: 48 } });
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
        let released: BatchBuffers | null = null;
        try {
          onBatch(m, (b) => (released = batchBuffers(b)));
        } catch (e) {
          finish(e);
          return;
        }
        if (released) worker.postMessage({ type: 'ack', recycle: released }, released);
        else worker.postMessage({ type: 'ack' });
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
