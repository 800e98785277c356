import type { Side } from '../api/contract.ts';
import type { Db } from './open.ts';

/** A rate version as the import planner and rating need it. */
export interface RateVersion {
  id: number;
  prefix: string;
  destination: string;
  from: number;
  to: number | null;
  kind: 'rate' | 'closed' | 'blocked';
  rateE8: number | null;
  first: number;
  next: number;
  min: number;
  grace: number;
  feeE8: number;
}

export interface NewRateVersion {
  prefix: string;
  from: number;
  to: number | null;
  kind: 'rate' | 'closed' | 'blocked';
  destination: string;
  rateE8: number | null;
  currency: string;
  first: number;
  next: number;
  min: number;
  grace: number;
  feeE8: number;
  changeClass: string;
  deckChange: string | null;
  noticeUntil: number | null;
  noticeViolation: boolean;
  sheet: string | null;
  row: number | null;
}

export interface InForceRate {
  id: number;
  prefix: string;
  destination: string;
  kind: 'rate' | 'closed' | 'blocked';
  rateE8: number | null;
  currency: string;
  from: number;
  to: number | null;
  first: number;
  next: number;
  min: number;
  grace: number;
  feeE8: number;
  importId: number;
}

const IN_FORCE_COLUMNS = `id, prefix, destination, kind, rate_per_min_e8, currency, effective_from_ms, effective_to_ms,
  first_increment_s, next_increment_s, min_duration_s, grace_s, connection_fee_e8, import_id`;

type InForceRaw = [number, string, string, InForceRate['kind'], number | null, string, number, number | null, number, number, number, number, number, number];

function inForce(r: InForceRaw): InForceRate {
  return {
    id: r[0], prefix: r[1], destination: r[2], kind: r[3], rateE8: r[4], currency: r[5], from: r[6], to: r[7],
    first: r[8], next: r[9], min: r[10], grace: r[11], feeE8: r[12], importId: r[13],
  };
}

export class RatesRepo {
  constructor(private readonly db: Db) {}

  /** Every current (not superseded) version of a carrier's deck, grouped by prefix in effective order. */
  currentVersions(carrierId: number, side: Side): Map<string, RateVersion[]> {
    const stmt = this.db
      .prepare(
        `SELECT id, prefix, effective_from_ms, effective_to_ms, kind, rate_per_min_e8, first_increment_s, next_increment_s,
           min_duration_s, grace_s, connection_fee_e8, destination
         FROM rates WHERE carrier_id = ? AND side = ? AND superseded_by_import_id IS NULL
         ORDER BY prefix, effective_from_ms`,
      )
      .raw();
    const out = new Map<string, RateVersion[]>();
    for (const r of stmt.iterate(carrierId, side) as Iterable<[number, string, number, number | null, RateVersion['kind'], number | null, number, number, number, number, number, string]>) {
      const v: RateVersion = { id: r[0], prefix: r[1], destination: r[11], from: r[2], to: r[3], kind: r[4], rateE8: r[5], first: r[6], next: r[7], min: r[8], grace: r[9], feeE8: r[10] };
      const list = out.get(v.prefix);
      if (list) list.push(v);
      else out.set(v.prefix, [v]);
    }
    return out;
  }

  insertVersions(carrierId: number, side: Side, importId: number, rows: NewRateVersion[]): void {
    const stmt = this.db.prepare(
      `INSERT INTO rates (carrier_id, side, prefix, effective_from_ms, effective_to_ms, kind, destination, rate_per_min_e8, currency,
         first_increment_s, next_increment_s, min_duration_s, grace_s, connection_fee_e8, change_class, deck_change,
         notice_until_ms, notice_violation, import_id, source_sheet, source_row)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const r of rows) {
      stmt.run(carrierId, side, r.prefix, r.from, r.to, r.kind, r.destination, r.rateE8, r.currency, r.first, r.next, r.min, r.grace,
        r.feeE8, r.changeClass, r.deckChange, r.noticeUntil, r.noticeViolation ? 1 : 0, importId, r.sheet, r.row);
    }
  }

  supersede(ids: number[], importId: number): void {
    const stmt = this.db.prepare('UPDATE rates SET superseded_by_import_id = ? WHERE id = ? AND superseded_by_import_id IS NULL');
    for (const id of ids) stmt.run(importId, id);
  }

  setEffectiveTo(updates: { id: number; to: number | null }[]): void {
    const stmt = this.db.prepare('UPDATE rates SET effective_to_ms = ? WHERE id = ?');
    for (const u of updates) stmt.run(u.to, u.id);
  }

  /** The versions in force at an instant (closed and blocked ones too: they shadow shorter prefixes). */
  *inForceAt(carrierId: number, side: Side, atMs: number): Generator<InForceRate> {
    const stmt = this.db
      .prepare(
        `SELECT ${IN_FORCE_COLUMNS} FROM rates
         WHERE carrier_id = ? AND side = ? AND superseded_by_import_id IS NULL
           AND effective_from_ms <= ? AND (effective_to_ms IS NULL OR effective_to_ms > ?)
         ORDER BY prefix`,
      )
      .raw();
    for (const r of stmt.iterate(carrierId, side, atMs, atMs) as Iterable<InForceRaw>) yield inForce(r);
  }

  /** The longest of the given prefixes with a version in force at the instant. */
  longestInForce(carrierId: number, side: Side, prefixes: string[], atMs: number): InForceRate | undefined {
    if (prefixes.length === 0) return undefined;
    const marks = prefixes.map(() => '?').join(', ');
    const r = this.db
      .prepare(
        `SELECT ${IN_FORCE_COLUMNS} FROM rates
         WHERE carrier_id = ? AND side = ? AND superseded_by_import_id IS NULL AND prefix IN (${marks})
           AND effective_from_ms <= ? AND (effective_to_ms IS NULL OR effective_to_ms > ?)
         ORDER BY length(prefix) DESC LIMIT 1`,
      )
      .raw()
      .get(carrierId, side, ...prefixes, atMs, atMs) as InForceRaw | undefined;
    return r && inForce(r);
  }
}
