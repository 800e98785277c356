import type { Reconciliation, ReconciliationRecord, ReconClass, ReconDiscrepancy, ReconItem } from '../api/recon-types.ts';
import { formatAmountE8 } from '../rating/amount.ts';
import { isoInstant } from '../time/parse-date.ts';
import type { Db } from './open.ts';

export interface NewItem {
  cause: string;
  destination: string | null;
  prefix: string | null;
  calls: number;
  minutesE8: number;
  amountE8: number;
  expectedE8: number;
  proposed: boolean;
}

export interface NewDiscrepancy {
  cls: ReconClass;
  ownId: number | null;
  carrierId: number | null;
  destination: string | null;
  expectedE8: number;
  chargedE8: number;
  itemNo: number | null;
}

export interface NewReconciliation {
  carrierId: number;
  invoiceId: number | null;
  label: string;
  fromMs: number;
  toMs: number;
  timeTolMs: number;
  durTolMs: number;
  currency: string;
  level: 'summary' | 'cdr';
  invoiceTotalE8: number;
  expectedTotalE8: number;
  varianceE8: number;
  proposedE8: number;
  settingsVersion: number;
  resultJson: string;
  rerunOf: number | null;
  runAt: number;
  runBy: string;
  items: NewItem[];
  discrepancies: NewDiscrepancy[];
}

interface RunRow {
  id: number; carrier: string; carrier_id: number; invoice_id: number | null; period_label: string; period_from_ms: number; period_to_ms: number;
  time_tolerance_ms: number; duration_tolerance_ms: number; result_json: string; rerun_of: number | null; run_at_ms: number; run_by: string;
}

export interface StoredItem extends NewItem {
  itemNo: number;
}

/** A stored run's evidence row, with both calls' facts. */
export interface EvidenceRow {
  seq: number; class: ReconClass; own_cdr_id: number | null; carrier_cdr_id: number | null; destination: string | null; expected_e8: number;
  charged_e8: number; item_no: number | null; called: string | null; own_start: number | null; carrier_start: number | null;
  own_ms: number | null; carrier_ms: number | null;
}

export const EVIDENCE_SELECT = `SELECT d.seq, d.class, d.own_cdr_id, d.carrier_cdr_id, d.destination, d.expected_e8, d.charged_e8, d.item_no,
    coalesce(o.called, k.called) AS called, o.start_ms AS own_start, k.start_ms AS carrier_start, o.duration_ms AS own_ms, k.duration_ms AS carrier_ms
  FROM reconciliation_cdrs d LEFT JOIN cdrs o ON o.id = d.own_cdr_id LEFT JOIN cdrs k ON k.id = d.carrier_cdr_id`;

export function secondsText(ms: number | null): string | null {
  if (ms === null) return null;
  return formatAmountE8(ms * 100_000, 0);
}

export function discrepancyOut(r: EvidenceRow): ReconDiscrepancy {
  return {
    seq: r.seq, class: r.class, destination: r.destination, ownId: r.own_cdr_id, carrierId: r.carrier_cdr_id, called: r.called,
    ownStart: r.own_start === null ? null : isoInstant(r.own_start), carrierStart: r.carrier_start === null ? null : isoInstant(r.carrier_start),
    ownDuration: secondsText(r.own_ms), carrierDuration: secondsText(r.carrier_ms), expected: formatAmountE8(r.expected_e8),
    charged: formatAmountE8(r.charged_e8), difference: formatAmountE8(r.charged_e8 - r.expected_e8),
  };
}

export class ReconcileRepo {
  constructor(private readonly db: Db) {}

  insert(r: NewReconciliation): number {
    return this.db.transaction(() => {
      const id = Number(this.db.prepare(`INSERT INTO reconciliations (carrier_id, invoice_id, period_label, period_from_ms, period_to_ms, time_tolerance_ms,
          duration_tolerance_ms, currency, level, invoice_total_e8, expected_total_e8, variance_e8, proposed_e8, carrier_settings_version, result_json,
          rerun_of, run_at_ms, run_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
        .run(r.carrierId, r.invoiceId, r.label, r.fromMs, r.toMs, r.timeTolMs, r.durTolMs, r.currency, r.level, r.invoiceTotalE8, r.expectedTotalE8,
          r.varianceE8, r.proposedE8, r.settingsVersion, r.resultJson, r.rerunOf, r.runAt, r.runBy).lastInsertRowid);
      const item = this.db.prepare(`INSERT INTO reconciliation_items (reconciliation_id, item_no, cause, prefix, destination, calls, minutes_e8, amount_e8,
        expected_e8, proposed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
      r.items.forEach((it, k) => item.run(id, k + 1, it.cause, it.prefix, it.destination, it.calls, it.minutesE8, it.amountE8, it.expectedE8, it.proposed ? 1 : 0));
      const d = this.db.prepare(`INSERT INTO reconciliation_cdrs (reconciliation_id, seq, class, own_cdr_id, carrier_cdr_id, destination, expected_e8, charged_e8, item_no)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
      r.discrepancies.forEach((x, k) => d.run(id, k + 1, x.cls, x.ownId, x.carrierId, x.destination, x.expectedE8, x.chargedE8, x.itemNo));
      return id;
    })();
  }

  params(id: number): { carrierId: number; invoiceId: number | null; label: string; fromMs: number; toMs: number; timeTolMs: number; durTolMs: number } | undefined {
    return this.db.prepare(`SELECT carrier_id AS carrierId, invoice_id AS invoiceId, period_label AS label, period_from_ms AS fromMs, period_to_ms AS toMs,
      time_tolerance_ms AS timeTolMs, duration_tolerance_ms AS durTolMs FROM reconciliations WHERE id = ?`).get(id) as never;
  }

  items(id: number): StoredItem[] {
    return (this.db.prepare('SELECT * FROM reconciliation_items WHERE reconciliation_id = ? ORDER BY item_no').all(id) as {
      item_no: number; cause: string; prefix: string | null; destination: string | null; calls: number; minutes_e8: number; amount_e8: number; expected_e8: number; proposed: number;
    }[]).map((r) => ({ itemNo: r.item_no, cause: r.cause, prefix: r.prefix, destination: r.destination, calls: r.calls, minutesE8: r.minutes_e8, amountE8: r.amount_e8, expectedE8: r.expected_e8, proposed: r.proposed === 1 }));
  }

  get(id: number): Reconciliation | undefined {
    const r = this.db.prepare(`SELECT r.*, c.name AS carrier FROM reconciliations r JOIN carriers c ON c.id = r.carrier_id WHERE r.id = ?`).get(id) as RunRow | undefined;
    if (!r) return undefined;
    const res = JSON.parse(r.result_json) as Omit<Reconciliation, 'id' | 'carrier' | 'period' | 'from' | 'to' | 'timeTolerance' | 'durationTolerance' | 'items' | 'rerunOf' | 'runAt' | 'runBy'>;
    const items: ReconItem[] = (this.db.prepare('SELECT * FROM reconciliation_items WHERE reconciliation_id = ? ORDER BY item_no').all(id) as {
      item_no: number; cause: ReconItem['cause']; prefix: string | null; destination: string | null; calls: number; minutes_e8: number; amount_e8: number; expected_e8: number; proposed: number;
    }[]).map((x) => ({
      itemNo: x.item_no, cause: x.cause, destination: x.destination, prefix: x.prefix, calls: x.calls, minutes: formatAmountE8(x.minutes_e8, 2),
      amount: formatAmountE8(x.amount_e8), expected: formatAmountE8(x.expected_e8), percent: percentOf(x.amount_e8, x.expected_e8), proposed: x.proposed === 1,
    }));
    return {
      id: r.id, carrier: r.carrier, period: r.period_label, from: isoInstant(r.period_from_ms), to: isoInstant(r.period_to_ms),
      invoice: res.invoice, currency: res.currency, level: res.level, timeTolerance: r.time_tolerance_ms / 1000, durationTolerance: r.duration_tolerance_ms / 1000,
      invoiceTotal: res.invoiceTotal, expectedTotal: res.expectedTotal, variance: res.variance, variancePercent: res.variancePercent,
      carrierCdrTotal: res.carrierCdrTotal, classes: res.classes, causes: res.causes, proposedDisputeAmount: res.proposedDisputeAmount,
      threshold: res.threshold, ownCalls: res.ownCalls, carrierCalls: res.carrierCalls, lines: res.lines, items, warnings: res.warnings,
      rerunOf: r.rerun_of, runAt: isoInstant(r.run_at_ms), runBy: r.run_by,
    };
  }

  list(carrierId?: number): ReconciliationRecord[] {
    return (this.db.prepare(`SELECT r.*, c.name AS carrier, i.number AS invoice FROM reconciliations r JOIN carriers c ON c.id = r.carrier_id
      LEFT JOIN vendor_invoices i ON i.id = r.invoice_id WHERE (@c IS NULL OR r.carrier_id = @c) ORDER BY r.id DESC`).all({ c: carrierId ?? null }) as {
      id: number; carrier: string; period_label: string; invoice: string | null; level: 'summary' | 'cdr'; invoice_total_e8: number; expected_total_e8: number;
      variance_e8: number; proposed_e8: number; currency: string; run_at_ms: number; run_by: string;
    }[]).map((r) => ({
      id: r.id, carrier: r.carrier, period: r.period_label, invoice: r.invoice, level: r.level, invoiceTotal: formatAmountE8(r.invoice_total_e8),
      expectedTotal: formatAmountE8(r.expected_total_e8), variance: formatAmountE8(r.variance_e8), proposedDisputeAmount: formatAmountE8(r.proposed_e8),
      currency: r.currency, runAt: isoInstant(r.run_at_ms), runBy: r.run_by,
    }));
  }

  discrepancies(id: number, cls: ReconClass | undefined, offset: number, limit: number): ReconDiscrepancy[] {
    const rows = this.db.prepare(`${EVIDENCE_SELECT} WHERE d.reconciliation_id = @id AND (@cls IS NULL OR d.class = @cls) ORDER BY d.seq LIMIT @limit OFFSET @offset`)
      .all({ id, cls: cls ?? null, limit, offset }) as EvidenceRow[];
    return rows.map(discrepancyOut);
  }

  /** The evidence rows of some items of a run. */
  evidence(id: number, itemNos: number[]): Iterable<EvidenceRow> {
    if (itemNos.length === 0) return [];
    return this.db.prepare(`${EVIDENCE_SELECT} WHERE d.reconciliation_id = ? AND d.item_no IN (${itemNos.map(Number).join(',')}) ORDER BY d.item_no, d.seq`).iterate(id) as Iterable<EvidenceRow>;
  }
}

function percentOf(a: number, b: number): string | null {
  if (b === 0) return null;
  const q = (BigInt(a) * 10_000n * 2n + BigInt(b)) / (2n * BigInt(b));
  return formatAmountE8(q * 1_000_000n, 2);
}
