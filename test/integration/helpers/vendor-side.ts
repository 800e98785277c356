/**
 * STAND-IN for issue 6 (carrier invoice import, reconciliation and the dispute workflow), which is
 * built on another branch. Settlement reads vendor invoices and disputes only from the migration-5
 * tables (core/settlement/vendor-side.ts); until issue 6 lands, tests put rows there through this
 * one file, directly in SQLite, the way issue 6's importer and dispute workflow will.
 *
 * When issue 6 is merged, replace each function's body with the real flow:
 *   insertVendorInvoice → `invoices.import` of an invoice file (or its contract method),
 *   openDispute         → the dispute created from a reconciliation (or by hand) and submitted,
 *   moveDispute         → the dispute state changes (acknowledge / accept / settle with credit note / reject).
 * Used by: test/integration/settlement/*.test.ts, test/cli/settlement-cli.test.ts,
 * test/e2e/settlement.spec.ts and bench/settlement.ts.
 */
import Database from 'better-sqlite3';

const E8 = 100_000_000n;

/** An exact decimal string ("2.64", "-0.4") as e8. */
export function e8(text: string): bigint {
  const m = /^(-?)(\d+)(?:\.(\d{0,8}))?$/.exec(text);
  if (!m) throw new Error(`not a decimal: ${text}`);
  const v = BigInt(m[2]!) * E8 + BigInt((m[3] ?? '').padEnd(8, '0'));
  return m[1] ? -v : v;
}

function withDb<T>(dbPath: string, fn: (db: Database.Database) => T): T {
  const db = new Database(dbPath, { fileMustExist: true });
  db.pragma('busy_timeout = 10000');
  db.defaultSafeIntegers(true);
  try {
    return db.transaction(() => fn(db)).immediate();
  } finally {
    db.close();
  }
}

function carrierId(db: Database.Database, name: string): bigint {
  const id = db.prepare('SELECT id FROM carriers WHERE name = ?').pluck().get(name) as bigint | undefined;
  if (id === undefined) throw new Error(`no carrier ${name}`);
  return id;
}

export interface VendorInvoiceInput {
  carrier: string;
  number: string;
  /** [from, to) as ISO instants. */
  from: string;
  to: string;
  currency: string;
  issuedOn?: string;
  total: string;
  lines?: { prefix?: string; destination: string; calls?: number; minutes?: string; rate?: string; amount: string }[];
}

/** A carrier's invoice to us, as issue 6's `invoices import` would store it. Returns its id. */
export function insertVendorInvoice(dbPath: string, v: VendorInvoiceInput): number {
  return withDb(dbPath, (db) => {
    const id = db.prepare(`INSERT INTO vendor_invoices (carrier_id, number, period_from_ms, period_to_ms, currency, issued_on, due_on, total_e8,
        file_name, file_sha256, file_bytes, mapping_json, imported_at_ms, imported_by) VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?, 'stand-in', 0, '{}', ?, 'stand-in')`)
      .run(carrierId(db, v.carrier), v.number, Date.parse(v.from), Date.parse(v.to), v.currency, v.issuedOn ?? null, e8(v.total), `${v.number}.csv`, Date.parse(v.to)).lastInsertRowid;
    const ins = db.prepare(`INSERT INTO vendor_invoice_lines (invoice_id, line_no, row, prefix, destination, calls, minutes_e8, rate_e8, amount_e8)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    (v.lines ?? []).forEach((l, i) => ins.run(id, i + 1, i + 2, l.prefix ?? null, l.destination, l.calls ?? null, l.minutes ? e8(l.minutes) : null, l.rate ? e8(l.rate) : null, e8(l.amount)));
    return Number(id);
  });
}

export interface DisputeInput {
  carrier: string;
  invoice: string;
  claimed: string;
  currency: string;
  /** The instant it was submitted to the carrier. */
  submittedAt: string;
}

/** A dispute against a carrier's invoice, created and submitted (two events). Returns its id. */
export function openDispute(dbPath: string, d: DisputeInput): number {
  return withDb(dbPath, (db) => {
    const inv = db.prepare('SELECT id, period_from_ms, period_to_ms FROM vendor_invoices WHERE number = ?').get(d.invoice) as { id: bigint; period_from_ms: bigint; period_to_ms: bigint };
    const at = Date.parse(d.submittedAt);
    const id = db.prepare(`INSERT INTO disputes (carrier_id, invoice_id, reconciliation_id, period_from_ms, period_to_ms, currency, state, claimed_e8,
        agreed_e8, credit_note, submitted_at_ms, settled_at_ms, created_at_ms, created_by) VALUES (?, ?, NULL, ?, ?, ?, 'submitted', ?, NULL, NULL, ?, NULL, ?, 'stand-in')`)
      .run(carrierId(db, d.carrier), inv.id, inv.period_from_ms, inv.period_to_ms, d.currency, e8(d.claimed), at, at).lastInsertRowid;
    const ev = db.prepare('INSERT INTO dispute_events (dispute_id, seq, at_ms, actor, from_state, to_state, claimed_e8, agreed_e8, credit_note, note) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?)');
    ev.run(id, 1, at, 'stand-in', null, 'draft', e8(d.claimed), 'created');
    ev.run(id, 2, at, 'stand-in', 'draft', 'submitted', e8(d.claimed), 'submitted to the carrier');
    return Number(id);
  });
}

/** A state change of a dispute (acknowledged, accepted, settled with its credit note, rejected, closed), with its event. */
export function moveDispute(dbPath: string, id: number, change: { to: string; at: string; agreed?: string; creditNote?: string }): void {
  withDb(dbPath, (db) => {
    const cur = db.prepare('SELECT state FROM disputes WHERE id = ?').pluck().get(id) as string;
    const seq = (db.prepare('SELECT max(seq) FROM dispute_events WHERE dispute_id = ?').pluck().get(id) as bigint) + 1n;
    const at = Date.parse(change.at);
    db.prepare(`UPDATE disputes SET state = ?, agreed_e8 = coalesce(?, agreed_e8), credit_note = coalesce(?, credit_note),
        settled_at_ms = CASE WHEN ? = 'settled' THEN ? ELSE settled_at_ms END WHERE id = ?`)
      .run(change.to, change.agreed ? e8(change.agreed) : null, change.creditNote ?? null, change.to, at, id);
    db.prepare('INSERT INTO dispute_events (dispute_id, seq, at_ms, actor, from_state, to_state, claimed_e8, agreed_e8, credit_note, note) VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?, NULL)')
      .run(id, seq, at, 'stand-in', cur, change.to, change.agreed ? e8(change.agreed) : null, change.creditNote ?? null);
  });
}
