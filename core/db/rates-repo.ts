import type { ChangeClass, RATE_SORT_COLUMNS, Side } from '../api/contract.ts';
import { containsPattern, LIKE_ESCAPE } from './like.ts';
import type { Db } from './open.ts';

/**
 * A rate version as the import planner needs it. The four billing-term seconds (each at most
 * 3600) travel packed in one integer: reading a column into JS costs more than SQLite's arithmetic.
 */
export interface RateVersion {
  id: number;
  prefix: string;
  from: number;
  kind: 'rate' | 'closed' | 'blocked';
  rateE8: number | null;
  feeE8: number;
  terms: number;
}

const T1 = 2 ** 36;
const T2 = 2 ** 24;
const T3 = 2 ** 12;
const KINDS = ['rate', 'closed', 'blocked'] as const;

/** first, next, min and grace (each < 4096 s) in one safe integer that compares equal exactly when all four do. */
export function packTerms(first: number, next: number, min: number, grace: number): number {
  return first * T1 + next * T2 + min * T3 + grace;
}

export function unpackTerms(terms: number): { first: number; next: number; min: number; grace: number } {
  const grace = terms % T3;
  const min = ((terms - grace) / T3) % T3;
  const next = ((terms - grace - min * T3) / T2) % T3;
  const first = (terms - grace - min * T3 - next * T2) / T1;
  return { first, next, min, grace };
}

/** A version to write, with why it is there (its class, the notice it needed) and where it came from. */
export interface NewRateVersion {
  prefix: string;
  from: number;
  to: number | null;
  kind: 'rate' | 'closed' | 'blocked';
  destination: string;
  rateE8: number | null;
  first: number;
  next: number;
  min: number;
  grace: number;
  feeE8: number;
  deckSays: string | null;
  /** Set by the planner before the version is written. */
  changeClass: ChangeClass | null;
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

/** A version as the rates grid shows it. */
export interface RateGridRow {
  id: number;
  carrier: string;
  side: Side;
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
  changeClass: ChangeClass;
  noticeViolation: number;
  noticeUntil: number | null;
  importId: number;
}

export interface RatePageQuery {
  carrierId?: number;
  side?: Side;
  /** Only versions in force at this instant (closed ones are not in force); all current versions if absent. */
  at?: number;
  prefix?: string;
  destination?: string;
  sort: { colId: (typeof RATE_SORT_COLUMNS)[number]; sort: 'asc' | 'desc' }[];
  offset: number;
  limit: number;
}

const GRID_COLUMNS = `r.id, c.name AS carrier, r.side, r.prefix, r.destination, r.kind, r.rate_per_min_e8 AS rateE8, r.currency,
  r.effective_from_ms AS "from", r.effective_to_ms AS "to", r.first_increment_s AS first, r.next_increment_s AS next,
  r.min_duration_s AS min, r.grace_s AS grace, r.connection_fee_e8 AS feeE8, r.change_class AS changeClass,
  r.notice_violation AS noticeViolation, r.notice_until_ms AS noticeUntil, r.import_id AS importId`;

const SORT_SQL: Record<(typeof RATE_SORT_COLUMNS)[number], string> = {
  carrier: 'c.name COLLATE NOCASE',
  side: 'r.side',
  prefix: 'r.prefix',
  destination: 'r.destination COLLATE NOCASE',
  rate: 'r.rate_per_min_e8',
  effectiveFrom: 'r.effective_from_ms',
  effectiveTo: 'r.effective_to_ms',
  changeClass: 'r.change_class',
};

export class RatesRepo {
  constructor(private readonly db: Db) {}

  /**
   * The current (not superseded) versions of a carrier's deck still in force at or after `sinceMs`
   * (versions that ended before cannot be touched), streamed in (prefix, effective) order.
   */
  *currentVersions(carrierId: number, side: Side, sinceMs: number = Number.MIN_SAFE_INTEGER): Generator<RateVersion> {
    // Kind and terms share one integer (terms × 4 + kind): six columns instead of nine.
    const stmt = this.db
      .prepare(
        `SELECT id, prefix, effective_from_ms, rate_per_min_e8, connection_fee_e8,
           (first_increment_s * ${T1} + next_increment_s * ${T2} + min_duration_s * ${T3} + grace_s) * 4
             + CASE kind WHEN 'rate' THEN 0 WHEN 'closed' THEN 1 ELSE 2 END
         FROM rates WHERE carrier_id = ? AND side = ? AND superseded_by_import_id IS NULL
           AND (effective_to_ms IS NULL OR effective_to_ms > ?)
         ORDER BY prefix, effective_from_ms`,
      )
      .raw();
    for (const r of stmt.iterate(carrierId, side, sinceMs) as Iterable<[number, string, number, number | null, number, number]>) {
      const kind = r[5] % 4;
      yield { id: r[0], prefix: r[1], from: r[2], rateE8: r[3], feeE8: r[4], kind: KINDS[kind]!, terms: (r[5] - kind) / 4 };
    }
  }

  destinationOf(id: number): string {
    return (this.db.prepare('SELECT destination FROM rates WHERE id = ?').pluck().get(id) as string | undefined) ?? '';
  }

  insertVersions(carrierId: number, side: Side, importId: number, currency: string, rows: NewRateVersion[]): void {
    const stmt = this.db.prepare(
      `INSERT INTO rates (carrier_id, side, prefix, effective_from_ms, effective_to_ms, kind, destination, rate_per_min_e8, currency,
         first_increment_s, next_increment_s, min_duration_s, grace_s, connection_fee_e8, change_class, deck_change,
         notice_until_ms, notice_violation, import_id, source_sheet, source_row)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const r of rows) {
      stmt.run(carrierId, side, r.prefix, r.from, r.to, r.kind, r.destination, r.rateE8, currency, r.first, r.next, r.min, r.grace,
        r.feeE8, r.changeClass, r.deckSays, r.noticeUntil, r.noticeViolation ? 1 : 0, importId, r.sheet || null, r.row);
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

  /** One page of versions, filtered and sorted in SQLite; every order ends on a full tie-breaker. */
  page(q: RatePageQuery): RateGridRow[] {
    const where = ['r.superseded_by_import_id IS NULL'];
    const params: Record<string, unknown> = { limit: q.limit, offset: q.offset };
    if (q.carrierId !== undefined) {
      where.push('r.carrier_id = @carrier');
      params.carrier = q.carrierId;
    }
    if (q.side) {
      where.push('r.side = @side');
      params.side = q.side;
    }
    if (q.at !== undefined) {
      where.push("r.effective_from_ms <= @at AND (r.effective_to_ms IS NULL OR r.effective_to_ms > @at) AND r.kind <> 'closed'");
      params.at = q.at;
    }
    if (q.prefix) {
      // A range on the index rather than LIKE: ':' sorts right after '9'.
      where.push('r.prefix >= @prefixFrom AND r.prefix < @prefixTo');
      params.prefixFrom = q.prefix;
      params.prefixTo = q.prefix + ':';
    }
    if (q.destination) {
      where.push(`r.destination LIKE @destination ${LIKE_ESCAPE}`);
      params.destination = containsPattern(q.destination);
    }
    // The tie-breakers follow an index, so the default order needs no sort step: one carrier's
    // versions in its (side, prefix, from) key, the whole store in (prefix, from).
    const tail = q.carrierId !== undefined ? ['r.side', 'r.prefix', 'r.effective_from_ms', 'r.id'] : ['r.prefix', 'r.effective_from_ms', 'r.id'];
    const order = [...q.sort.map((s) => `${SORT_SQL[s.colId]} ${s.sort === 'desc' ? 'DESC' : 'ASC'}`), ...tail];
    return this.db
      .prepare(`SELECT ${GRID_COLUMNS} FROM rates r JOIN carriers c ON c.id = r.carrier_id WHERE ${where.join(' AND ')}
        ORDER BY ${order.join(', ')} LIMIT @limit OFFSET @offset`)
      .all(params) as RateGridRow[];
  }

  history(carrierId: number, side: Side, prefix: string): (RateGridRow & { deckChange: string | null; fileName: string; importedAt: number; supersededBy: number | null })[] {
    return this.db
      .prepare(`SELECT ${GRID_COLUMNS}, r.deck_change AS deckChange, d.file_name AS fileName, d.imported_at_ms AS importedAt,
          r.superseded_by_import_id AS supersededBy
        FROM rates r JOIN carriers c ON c.id = r.carrier_id JOIN deck_imports d ON d.id = r.import_id
        WHERE r.carrier_id = ? AND r.side = ? AND r.prefix = ?
        ORDER BY r.effective_from_ms, r.id`)
      .all(carrierId, side, prefix) as (RateGridRow & { deckChange: string | null; fileName: string; importedAt: number; supersededBy: number | null })[];
  }
}
