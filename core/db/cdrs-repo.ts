import type { CdrImportRecord, CdrSource, Side } from '../api/contract.ts';
import { isoInstant } from '../time/parse-date.ts';
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

  finishImport(id: number, f: { sha256: string; rowsRead: number; imported: number; duplicates: number; rejected: number; rejectsFile: string | null; firstStart: number | null; lastStart: number | null; reportJson: string }): void {
    this.db.prepare(
      `UPDATE cdr_imports SET file_sha256 = ?, rows_read = ?, rows_imported = ?, rows_duplicate = ?, rows_rejected = ?, rejects_file = ?,
         first_start_ms = ?, last_start_ms = ?, report_json = ? WHERE id = ?`,
    ).run(f.sha256, f.rowsRead, f.imported, f.duplicates, f.rejected, f.rejectsFile, f.firstStart, f.lastStart, f.reportJson, id);
  }

  /**
   * A prepared insert for one import: the call, the carrier it is filed under (for de-duplication),
   * its customer and vendor legs, and its rating on each side (null: not rated, no leg or no deck).
   * INSERT OR IGNORE on the dedupe index: a call already stored adds nothing, and says so.
   */
  inserter(source: CdrSource, importId: number): (c: CdrRow, filingId: number, customerId: number | null, vendorId: number | null, buy: StoredRating | null, sell: StoredRating | null) => boolean {
    const stmt = this.db.prepare(
      `INSERT OR IGNORE INTO cdrs (carrier_id, source, import_id, start_ms, dedupe_key, call_id, calling, called, duration_ms, answered,
         ingress, egress, carrier_charge_e8, customer_id, vendor_id,
         buy_status, buy_reason, buy_rate_id, buy_billed_s, buy_amount_e8, buy_exact_x60,
         sell_status, sell_reason, sell_rate_id, sell_billed_s, sell_amount_e8, sell_exact_x60)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const src = SOURCE_CODE[source];
    return (c, filingId, customerId, vendorId, b, s) => stmt.run(filingId, src, importId, c.startMs, c.dedupeKey, c.callId, c.calling, c.called,
      c.durationMs, c.answered ? 1 : 0, c.ingress, c.egress, c.carrierChargeE8, customerId, vendorId,
      b ? b.status : null, b ? b.reason : null, b ? b.rateId : null, b ? b.billedS : null, b ? b.amountE8 : null, b ? b.exactX60 : null,
      s ? s.status : null, s ? s.reason : null, s ? s.rateId : null, s ? s.billedS : null, s ? s.amountE8 : null, s ? s.exactX60 : null).changes > 0;
  }

  /** The carriers and sides an import's calls were rated for (its legs). */
  importLegs(importId: number): { carrierId: number; side: Side }[] {
    return this.db.prepare(
      `SELECT DISTINCT vendor_id AS carrierId, 'buy' AS side FROM cdrs WHERE import_id = @id AND vendor_id IS NOT NULL
       UNION SELECT DISTINCT customer_id, 'sell' FROM cdrs WHERE import_id = @id AND customer_id IS NOT NULL ORDER BY 1, 2`,
    ).all({ id: importId }) as { carrierId: number; side: Side }[];
  }

  list(carrierId?: number): CdrImportRecord[] {
    const rows = this.db.prepare(
      `SELECT i.*, c.name AS carrier FROM cdr_imports i LEFT JOIN carriers c ON c.id = i.carrier_id
       WHERE (@carrier IS NULL OR i.carrier_id = @carrier OR (i.carrier_id IS NULL AND EXISTS (
         SELECT 1 FROM cdrs x WHERE x.import_id = i.id AND (x.vendor_id = @carrier OR x.customer_id = @carrier)))) ORDER BY i.imported_at_ms DESC, i.id DESC`,
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
