import type { CdrImportRecord, CdrSource } from '../api/contract.ts';
import { isoInstant } from '../time/parse-date.ts';
import type { Statement } from 'better-sqlite3';
import { NUMS, nullableNumber, O_ANSWERED, O_BUY, O_CALLED_NUM, O_CALLING_NUM, O_CHARGE, O_CUSTOMER, O_DURATION, O_FILING, O_KEY, O_SELL, O_START, O_VENDOR, STRS, textOf, type RowBatch } from '../cdrs/row-batch.ts';
import type { Db } from './open.ts';

export const SOURCE_CODE: Record<CdrSource, number> = { own: 0, carrier: 1 };
export const STATUS_RATED = 0;
export const STATUS_FREE = 1;
export const STATUS_UNRATED = 2;
export const REASON_NO_RATE = 1;
export const REASON_CLOSED = 2;
export const REASON_BLOCKED = 3;
export const REASON_INVALID_NUMBER = 4;

/** One side's rating of one call, as stored beside it. */
export interface StoredRating {
  status: number;
  reason: number | null;
  rateId: number | null;
  billedS: number;
  amountE8: number | null;
  exactX60: number | bigint;
}

export interface CdrRow {
  startMs: number;
  dedupeKey: number;
  callId: string | null;
  calling: string;
  called: string;
  durationMs: number;
  answered: boolean;
  ingress: string | null;
  egress: string | null;
  carrierChargeE8: number | null;
}

export interface CdrImportStart {
  /** null: a switch-wide file, whose rows name their carriers by trunk. */
  carrierId: number | null;
  source: CdrSource;
  format: string;
  fileName: string;
  sha256: string;
  bytes: number;
  timezone: string;
  mappingJson: string;
  importedAt: number;
  importedBy: string;
}

export class CdrsRepo {
  constructor(private readonly db: Db) {}

  startImport(i: CdrImportStart): number {
    return Number(this.db.prepare(
      `INSERT INTO cdr_imports (carrier_id, source, format, file_name, file_sha256, file_bytes, timezone, rows_read, rows_imported,
         rows_duplicate, rows_rejected, mapping_json, report_json, imported_at_ms, imported_by)
       VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0, 0, 0, ?, '{}', ?, ?)`,
    ).run(i.carrierId, i.source, i.format, i.fileName, i.sha256, i.bytes, i.timezone, i.mappingJson, i.importedAt, i.importedBy).lastInsertRowid);
  }

  finishImport(id: number, f: { sha256: string; rowsRead: number; imported: number; duplicates: number; rejected: number; rejectsFile: string | null; firstStart: number | null; lastStart: number | null; reportJson: string; legCarriers: number[] }): void {
    this.db.prepare(
      `UPDATE cdr_imports SET file_sha256 = ?, rows_read = ?, rows_imported = ?, rows_duplicate = ?, rows_rejected = ?, rejects_file = ?,
         first_start_ms = ?, last_start_ms = ?, report_json = ?, leg_carriers = ? WHERE id = ?`,
    ).run(f.sha256, f.rowsRead, f.imported, f.duplicates, f.rejected, f.rejectsFile, f.firstStart, f.lastStart, f.reportJson,
      f.legCarriers.length ? `,${[...new Set(f.legCarriers)].sort((x, y) => x - y).join(',')},` : '', id);
  }

  /** A batched writer of one import's calls (see CdrWriter). */
  writer(source: CdrSource, importId: number): CdrWriter {
    return new CdrWriter(this.db, SOURCE_CODE[source], importId);
  }

  list(carrierId?: number): CdrImportRecord[] {
    const rows = this.db.prepare(
      `SELECT i.*, c.name AS carrier FROM cdr_imports i LEFT JOIN carriers c ON c.id = i.carrier_id
       WHERE (@carrier IS NULL OR i.carrier_id = @carrier OR (i.carrier_id IS NULL AND i.leg_carriers LIKE '%,' || CAST(@carrier AS INTEGER) || ',%')) ORDER BY i.imported_at_ms DESC, i.id DESC`,
    ).all({ carrier: carrierId ?? null }) as {
      id: number; carrier: string | null; source: CdrSource; format: string; file_name: string; file_sha256: string; file_bytes: number;
      rows_read: number; rows_imported: number; rows_duplicate: number; rows_rejected: number; first_start_ms: number | null;
      last_start_ms: number | null; imported_at_ms: number; imported_by: string;
    }[];
    return rows.map((r) => ({
      id: r.id, carrier: r.carrier, source: r.source, format: r.format, fileName: r.file_name, sha256: r.file_sha256, bytes: r.file_bytes,
      rowsRead: r.rows_read, imported: r.rows_imported, duplicates: r.rows_duplicate, rejected: r.rows_rejected,
      firstStart: r.first_start_ms === null ? null : isoInstant(r.first_start_ms), lastStart: r.last_start_ms === null ? null : isoInstant(r.last_start_ms),
      importedAt: isoInstant(r.imported_at_ms), importedBy: r.imported_by,
    }));
  }
}

const BATCH = 64;
const INSERT = `INSERT OR IGNORE INTO cdrs (carrier_id, source, import_id, start_ms, dedupe_key, call_id, calling, called, duration_ms, answered,
  ingress, egress, carrier_charge_e8, customer_id, vendor_id,
  buy_status, buy_reason, buy_rate_id, buy_billed_s, buy_amount_e8, buy_exact_x60,
  sell_status, sell_reason, sell_rate_id, sell_billed_s, sell_amount_e8, sell_exact_x60) VALUES `;
/** A row's optional parts, one bit each: a statement binds only the parts some row of its rows has, the rest are literal NULLs. */
const M_CALL_ID = 1;
const M_INGRESS = 2;
const M_EGRESS = 4;
const M_CHARGE = 8;
const M_CUSTOMER = 16;
const M_VENDOR = 32;
const M_BUY = 64;
const M_SELL = 128;
/** Some row's calling (called) number is not an integer's exact text (see O_CALLING_NUM): that column is bound as text. */
const M_CALLING_TEXT = 256;
const M_CALLED_TEXT = 512;

function rowSql(mask: number, source: number, importId: number): string {
  const q = (bit: number, n = 1): string => Array(n).fill(mask & bit ? '?' : 'NULL').join(', ');
  const number = (bit: number): string => (mask & bit ? '?' : 'CAST(? AS INTEGER)');
  return `(?, ${source}, ${importId}, ?, ?, ${q(M_CALL_ID)}, ${number(M_CALLING_TEXT)}, ${number(M_CALLED_TEXT)}, ?, ?, ${q(M_INGRESS)}, ${q(M_EGRESS)}, ${q(M_CHARGE)}, ${q(M_CUSTOMER)}, ${q(M_VENDOR)}, ${q(M_BUY, 6)}, ${q(M_SELL, 6)})`;
}

/** One side's six columns of row i from `base` in its numbers, into p from k; returns the next k. */
function putSide(p: unknown[], k: number, b: RowBatch, i: number, base: number, tag: 'b' | 's'): number {
  const nums = b.nums;
  if (Number.isNaN(nums[base]!)) {
    p[k++] = null; p[k++] = null; p[k++] = null; p[k++] = null; p[k++] = null; p[k++] = null;
    return k;
  }
  p[k++] = nums[base]; p[k++] = nullableNumber(nums[base + 1]!); p[k++] = nullableNumber(nums[base + 2]!); p[k++] = nums[base + 3];
  p[k++] = nullableNumber(nums[base + 4]!);
  const big = b.bigX60?.[`${i}:${tag}`];
  p[k++] = big === undefined ? nums[base + 5] : BigInt(big);
  return k;
}

function rowMask(b: RowBatch, i: number): number {
  const o = i * NUMS;
  const n = b.nums;
  const e = b.ends;
  const t = i * STRS;
  return (e[t]! >= 0 ? M_CALL_ID : 0) | (e[t + 3]! >= 0 ? M_INGRESS : 0) | (e[t + 4]! >= 0 ? M_EGRESS : 0)
    | (Number.isNaN(n[o + O_CHARGE]!) ? 0 : M_CHARGE) | (Number.isNaN(n[o + O_CUSTOMER]!) ? 0 : M_CUSTOMER) | (Number.isNaN(n[o + O_VENDOR]!) ? 0 : M_VENDOR)
    | (Number.isNaN(n[o + O_BUY]!) ? 0 : M_BUY) | (Number.isNaN(n[o + O_SELL]!) ? 0 : M_SELL)
    | (Number.isNaN(n[o + O_CALLING_NUM]!) ? M_CALLING_TEXT : 0) | (Number.isNaN(n[o + O_CALLED_NUM]!) ? M_CALLED_TEXT : 0);
}

/** Told about each call that was stored (not a duplicate): row i of batch b. */
export type OnStored = (b: RowBatch, i: number) => void;

/**
 * Writes one import's calls many rows per statement (binding and stepping one row at a time costs
 * more than the insert itself). INSERT OR IGNORE on the dedupe index: a call already stored adds
 * nothing. When a statement stores fewer rows than it had (a re-import, an overlap, a repeated row),
 * each of its rows is looked up: it was stored now if its id is new and not already claimed.
 */
export class CdrWriter {
  /** The rows waiting for the next statement: batch and row index (no object per row). */
  private readonly pendingB: RowBatch[] = [];
  private readonly pendingI = new Int32Array(BATCH);
  private n = 0;
  private mask = 0;
  /** Full-size statements (and their parameter arrays) by mask. */
  private readonly statements = new Map<number, { stmt: Statement; params: unknown[] }>();
  private readonly find: Statement;
  private lastId: number;
  private onStored: OnStored | undefined;
  inserted = 0;
  duplicates = 0;

  constructor(private readonly db: Db, private readonly source: number, private readonly importId: number) {
    this.find = db.prepare('SELECT id FROM cdrs WHERE carrier_id = ? AND source = ? AND start_ms = ? AND dedupe_key = ?').pluck();
    this.lastId = (db.prepare('SELECT coalesce(max(id), 0) FROM cdrs').pluck().get() as number);
  }

  listen(onStored: OnStored): this {
    this.onStored = onStored;
    return this;
  }

  /** Queues every row of a batch (written BATCH rows per statement; flush() writes the rest). */
  addBatch(b: RowBatch): void {
    for (let i = 0; i < b.count; i++) {
      this.mask |= rowMask(b, i);
      this.pendingB[this.n] = b;
      this.pendingI[this.n++] = i;
      if (this.n === BATCH) this.flush();
    }
  }

  /** Whether a row of batch b waits for the next statement. */
  holds(b: RowBatch): boolean {
    for (let r = 0; r < this.n; r++) if (this.pendingB[r] === b) return true;
    return false;
  }

  private statement(n: number): { stmt: Statement; params: unknown[] } {
    const mask = this.mask;
    const cached = n === BATCH ? this.statements.get(mask) : undefined;
    if (cached) return cached;
    const row = rowSql(mask, this.source, this.importId);
    const stmt = this.db.prepare(INSERT + Array(n).fill(row).join(', '));
    const made = { stmt, params: new Array<unknown>(n * (row.split('?').length - 1)) };
    if (n === BATCH) this.statements.set(mask, made);
    return made;
  }

  /** Writes what is pending (call it once more at the end). */
  flush(): void {
    const n = this.n;
    if (n === 0) return;
    const { stmt, params: p } = this.statement(n);
    const mask = this.mask;
    let k = 0;
    for (let r = 0; r < n; r++) {
      const b = this.pendingB[r]!;
      const i = this.pendingI[r]!;
      const nums = b.nums;
      const o = i * NUMS;
      p[k++] = nums[o + O_FILING]; p[k++] = nums[o + O_START]; p[k++] = nums[o + O_KEY];
      if (mask & M_CALL_ID) p[k++] = textOf(b, i, 0);
      p[k++] = mask & M_CALLING_TEXT ? textOf(b, i, 1) : nums[o + O_CALLING_NUM];
      p[k++] = mask & M_CALLED_TEXT ? textOf(b, i, 2) : nums[o + O_CALLED_NUM];
      p[k++] = nums[o + O_DURATION]; p[k++] = nums[o + O_ANSWERED];
      if (mask & M_INGRESS) p[k++] = textOf(b, i, 3);
      if (mask & M_EGRESS) p[k++] = textOf(b, i, 4);
      if (mask & M_CHARGE) p[k++] = nullableNumber(nums[o + O_CHARGE]!);
      if (mask & M_CUSTOMER) p[k++] = nullableNumber(nums[o + O_CUSTOMER]!);
      if (mask & M_VENDOR) p[k++] = nullableNumber(nums[o + O_VENDOR]!);
      if (mask & M_BUY) k = putSide(p, k, b, i, o + O_BUY, 'b');
      if (mask & M_SELL) k = putSide(p, k, b, i, o + O_SELL, 's');
    }
    const info = stmt.run(...p);
    const before = this.lastId;
    if (info.changes > 0) this.lastId = Number(info.lastInsertRowid);
    if (info.changes === n) {
      this.inserted += n;
      if (this.onStored) for (let r = 0; r < n; r++) this.onStored(this.pendingB[r]!, this.pendingI[r]!);
    } else {
      const claimed = new Set<number>();
      for (let i = 0; i < n; i++) {
        const b = this.pendingB[i]!;
        const row = this.pendingI[i]!;
        const o = row * NUMS;
        const id = this.find.get(b.nums[o + O_FILING], this.source, b.nums[o + O_START], b.nums[o + O_KEY]) as number | undefined;
        // OR IGNORE also skips a row that breaks a NOT NULL: a row neither stored now nor already there
        // is a fault of ours, never a duplicate (the import fails whole instead of losing the call).
        if (id === undefined) throw new Error(`a call was not stored (row ${row + 1} of its batch, start ${b.nums[o + O_START]}): a value the table refuses`);
        if (id > before && !claimed.has(id)) {
          claimed.add(id);
          this.inserted++;
          this.onStored?.(b, row);
        } else this.duplicates++;
      }
    }
    this.n = 0;
    this.mask = 0;
  }
}
