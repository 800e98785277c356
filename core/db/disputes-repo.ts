import type { DisputeEvent, DisputeLine, DisputeState, DisputeSummary } from '../api/recon-types.ts';
import { formatAmountE8 } from '../rating/amount.ts';
import { isoInstant } from '../time/parse-date.ts';
import type { Db } from './open.ts';

export interface DisputeRow {
  id: number; carrier_id: number; carrier: string; invoice: string | null; invoice_id: number | null; reconciliation_id: number | null; period_from_ms: number;
  period_to_ms: number; currency: string; state: DisputeState; claimed_e8: number; agreed_e8: number | null; credit_note: string | null;
  submitted_at_ms: number | null; settled_at_ms: number | null; created_at_ms: number; created_by: string; line_count: number;
}

export interface NewDispute {
  carrierId: number; invoiceId: number | null; reconciliationId: number | null; fromMs: number; toMs: number; currency: string;
  at: number; actor: string; note: string | null;
  lines: { cause: string; prefix: string | null; destination: string | null; calls: number; minutesE8: number; claimedE8: number;
    evidence: { class: string; ownId: number | null; carrierId: number | null; expectedE8: number; chargedE8: number }[] }[];
}

const SELECT = `SELECT d.*, c.name AS carrier, i.number AS invoice, (SELECT count(*) FROM dispute_lines l WHERE l.dispute_id = d.id) AS line_count
  FROM disputes d JOIN carriers c ON c.id = d.carrier_id LEFT JOIN vendor_invoices i ON i.id = d.invoice_id`;

/** Disputes: the current state on the row, the history in append-only events (the only writes are inserts, and the row's current fields). */
export class DisputesRepo {
  constructor(private readonly db: Db) {}

  create(d: NewDispute): number {
    const claimed = d.lines.reduce((s, l) => s + l.claimedE8, 0);
    const id = Number(this.db.prepare(`INSERT INTO disputes (carrier_id, invoice_id, reconciliation_id, period_from_ms, period_to_ms, currency, state, claimed_e8,
        created_at_ms, created_by) VALUES (?, ?, ?, ?, ?, ?, 'draft', ?, ?, ?)`)
      .run(d.carrierId, d.invoiceId, d.reconciliationId, d.fromMs, d.toMs, d.currency, claimed, d.at, d.actor).lastInsertRowid);
    const line = this.db.prepare('INSERT INTO dispute_lines (dispute_id, line_no, cause, prefix, destination, calls, minutes_e8, claimed_e8) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    const ev = this.db.prepare(`INSERT INTO dispute_evidence (dispute_id, line_no, seq, class, own_cdr_id, carrier_cdr_id, expected_e8, charged_e8) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
    d.lines.forEach((l, k) => {
      line.run(id, k + 1, l.cause, l.prefix, l.destination, l.calls, l.minutesE8, l.claimedE8);
      l.evidence.forEach((e, j) => ev.run(id, k + 1, j + 1, e.class, e.ownId, e.carrierId, e.expectedE8, e.chargedE8));
    });
    this.event(id, { at: d.at, actor: d.actor, from: null, to: 'draft', claimedE8: claimed, agreedE8: null, creditNote: null, note: d.note });
    return id;
  }

  row(id: number): DisputeRow | undefined {
    return this.db.prepare(`${SELECT} WHERE d.id = ?`).get(id) as DisputeRow | undefined;
  }

  list(f: { carrierId?: number; state?: DisputeState }): DisputeRow[] {
    return this.db.prepare(`${SELECT} WHERE (@c IS NULL OR d.carrier_id = @c) AND (@s IS NULL OR d.state = @s) ORDER BY d.id DESC`)
      .all({ c: f.carrierId ?? null, s: f.state ?? null }) as DisputeRow[];
  }

  event(id: number, e: { at: number; actor: string; from: DisputeState | null; to: DisputeState; claimedE8: number | null; agreedE8: number | null; creditNote: string | null; note: string | null }): void {
    const seq = (this.db.prepare('SELECT coalesce(max(seq), 0) + 1 FROM dispute_events WHERE dispute_id = ?').pluck().get(id) as number);
    this.db.prepare(`INSERT INTO dispute_events (dispute_id, seq, at_ms, actor, from_state, to_state, claimed_e8, agreed_e8, credit_note, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(id, seq, e.at, e.actor, e.from, e.to, e.claimedE8, e.agreedE8, e.creditNote, e.note);
  }

  /** The row's current fields follow the latest event. */
  setCurrent(id: number, c: { state: DisputeState; agreedE8: number | null; creditNote: string | null; submittedAt: number | null; settledAt: number | null }): void {
    this.db.prepare('UPDATE disputes SET state = ?, agreed_e8 = ?, credit_note = ?, submitted_at_ms = ?, settled_at_ms = ? WHERE id = ?')
      .run(c.state, c.agreedE8, c.creditNote, c.submittedAt, c.settledAt, id);
  }

  lines(id: number): DisputeLine[] {
    return (this.db.prepare(`SELECT l.*, (SELECT count(*) FROM dispute_evidence e WHERE e.dispute_id = l.dispute_id AND e.line_no = l.line_no) AS ev
      FROM dispute_lines l WHERE l.dispute_id = ? ORDER BY l.line_no`).all(id) as {
      line_no: number; cause: string; prefix: string | null; destination: string | null; calls: number; minutes_e8: number; claimed_e8: number; ev: number;
    }[]).map((l) => ({ lineNo: l.line_no, cause: l.cause, destination: l.destination, prefix: l.prefix, calls: l.calls, minutes: formatAmountE8(l.minutes_e8, 2), claimed: formatAmountE8(l.claimed_e8), evidenceCount: l.ev }));
  }

  events(id: number): DisputeEvent[] {
    return (this.db.prepare('SELECT * FROM dispute_events WHERE dispute_id = ? ORDER BY seq').all(id) as {
      seq: number; at_ms: number; actor: string; from_state: DisputeState | null; to_state: DisputeState; claimed_e8: number | null; agreed_e8: number | null; credit_note: string | null; note: string | null;
    }[]).map((e) => ({
      seq: e.seq, at: isoInstant(e.at_ms), actor: e.actor, fromState: e.from_state, toState: e.to_state,
      claimed: e.claimed_e8 === null ? null : formatAmountE8(e.claimed_e8), agreed: e.agreed_e8 === null ? null : formatAmountE8(e.agreed_e8), creditNote: e.credit_note, note: e.note,
    }));
  }

  evidence(id: number, limit: number): Iterable<{
    line_no: number; seq: number; class: string; own_cdr_id: number | null; carrier_cdr_id: number | null; expected_e8: number; charged_e8: number;
    called: string | null; start_ms: number | null; own_ms: number | null; carrier_ms: number | null;
  }> {
    return this.db.prepare(`SELECT e.*, coalesce(o.called, k.called) AS called, coalesce(o.start_ms, k.start_ms) AS start_ms, o.duration_ms AS own_ms, k.duration_ms AS carrier_ms
      FROM dispute_evidence e LEFT JOIN cdrs o ON o.id = e.own_cdr_id LEFT JOIN cdrs k ON k.id = e.carrier_cdr_id
      WHERE e.dispute_id = ? ORDER BY e.line_no, e.seq LIMIT ?`).iterate(id, limit) as never;
  }

  evidenceCount(id: number): number {
    return this.db.prepare('SELECT count(*) FROM dispute_evidence WHERE dispute_id = ?').pluck().get(id) as number;
  }
}

export function summaryOf(r: DisputeRow, period: string, age: number | null): DisputeSummary {
  return {
    id: r.id, carrier: r.carrier, invoice: r.invoice, reconciliationId: r.reconciliation_id, period, currency: r.currency, state: r.state,
    claimed: formatAmountE8(r.claimed_e8), agreed: r.agreed_e8 === null ? null : formatAmountE8(r.agreed_e8), creditNote: r.credit_note,
    submittedAt: r.submitted_at_ms === null ? null : isoInstant(r.submitted_at_ms), settledAt: r.settled_at_ms === null ? null : isoInstant(r.settled_at_ms),
    ageDays: age, lineCount: r.line_count, createdAt: isoInstant(r.created_at_ms), createdBy: r.created_by,
  };
}
