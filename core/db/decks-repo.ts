import type { ChangeCounts, DeckImportRecord, Side } from '../api/contract.ts';
import type { DeckField } from '../api/deck-fields.ts';
import { isoInstant } from '../time/parse-date.ts';
import type { Db } from './open.ts';

export interface DeckImportInsert {
  carrierId: number;
  side: Side;
  mode: 'full' | 'partial';
  fileName: string;
  sha256: string;
  bytes: number;
  sheetsJson: string;
  rowsRead: number;
  prefixes: number;
  counts: ChangeCounts;
  revised: number;
  noticeViolations: number;
  currency: string;
  receivedAt: number;
  effectiveAt: number | null;
  closuresAt: number | null;
  settingsVersion: number;
  mappingJson: string;
  reportJson: string;
  importedAt: number;
  importedBy: string;
}

export interface DeckTemplate {
  mapping: Record<string, DeckField>;
  dateOrder: 'DMY' | 'MDY' | null;
}

interface ImportRow {
  id: number;
  carrier: string;
  side: Side;
  mode: 'full' | 'partial';
  file_name: string;
  file_sha256: string;
  file_bytes: number;
  rows_read: number;
  prefixes: number;
  count_new: number;
  count_increase: number;
  count_decrease: number;
  count_unchanged: number;
  count_closed: number;
  count_blocked: number;
  notice_violations: number;
  currency: string;
  received_at_ms: number;
  effective_at_ms: number | null;
  imported_at_ms: number;
  imported_by: string;
}

export class DecksRepo {
  constructor(private readonly db: Db) {}

  insertImport(i: DeckImportInsert): number {
    const info = this.db
      .prepare(
        `INSERT INTO deck_imports (carrier_id, side, mode, file_name, file_sha256, file_bytes, sheets_json, rows_read, prefixes,
           count_new, count_increase, count_decrease, count_unchanged, count_closed, count_blocked, count_revised, notice_violations,
           currency, received_at_ms, effective_at_ms, closures_at_ms, carrier_settings_version, mapping_json, report_json,
           imported_at_ms, imported_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(i.carrierId, i.side, i.mode, i.fileName, i.sha256, i.bytes, i.sheetsJson, i.rowsRead, i.prefixes,
        i.counts.new, i.counts.increase, i.counts.decrease, i.counts.unchanged, i.counts.closed, i.counts.blocked, i.revised,
        i.noticeViolations, i.currency, i.receivedAt, i.effectiveAt, i.closuresAt, i.settingsVersion, i.mappingJson, i.reportJson,
        i.importedAt, i.importedBy);
    return Number(info.lastInsertRowid);
  }

  list(carrierId?: number, side?: Side): DeckImportRecord[] {
    const rows = this.db
      .prepare(
        `SELECT d.*, c.name AS carrier FROM deck_imports d JOIN carriers c ON c.id = d.carrier_id
         WHERE (@carrier IS NULL OR d.carrier_id = @carrier) AND (@side IS NULL OR d.side = @side)
         ORDER BY d.imported_at_ms DESC, d.id DESC`,
      )
      .all({ carrier: carrierId ?? null, side: side ?? null }) as ImportRow[];
    return rows.map((r) => ({
      id: r.id, carrier: r.carrier, side: r.side, mode: r.mode, fileName: r.file_name, sha256: r.file_sha256, bytes: r.file_bytes,
      rowsRead: r.rows_read, prefixes: r.prefixes,
      counts: { new: r.count_new, increase: r.count_increase, decrease: r.count_decrease, unchanged: r.count_unchanged, closed: r.count_closed, blocked: r.count_blocked },
      noticeViolations: r.notice_violations, currency: r.currency,
      receivedAt: isoInstant(r.received_at_ms),
      effectiveAt: r.effective_at_ms === null ? null : isoInstant(r.effective_at_ms),
      importedAt: isoInstant(r.imported_at_ms), importedBy: r.imported_by,
    }));
  }

  hasImports(carrierId: number, side: Side): boolean {
    return this.db.prepare('SELECT 1 FROM deck_imports WHERE carrier_id = ? AND side = ? LIMIT 1').get(carrierId, side) !== undefined;
  }

  template(carrierId: number, side: Side): DeckTemplate | undefined {
    const r = this.db.prepare('SELECT mapping_json, date_order FROM deck_templates WHERE carrier_id = ? AND side = ?').get(carrierId, side) as
      | { mapping_json: string; date_order: 'DMY' | 'MDY' | null }
      | undefined;
    return r && { mapping: JSON.parse(r.mapping_json) as Record<string, DeckField>, dateOrder: r.date_order };
  }

  saveTemplate(carrierId: number, side: Side, t: DeckTemplate, nowMs: number): void {
    this.db
      .prepare(
        `INSERT INTO deck_templates (carrier_id, side, mapping_json, date_order, updated_at_ms) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (carrier_id, side) DO UPDATE SET mapping_json = excluded.mapping_json, date_order = excluded.date_order,
           updated_at_ms = excluded.updated_at_ms`,
      )
      .run(carrierId, side, JSON.stringify(t.mapping), t.dateOrder, nowMs);
  }
}
