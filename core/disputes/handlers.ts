import type { ParsedArgs } from '../api/contract.ts';
import type { DisputeDetail, DisputeState, DisputeSummary } from '../api/recon-types.ts';
import { TrunklineError } from '../api/errors.ts';
import { requireCarrier } from '../carriers/handlers.ts';
import type { EngineContext } from '../context.ts';
import { secondsText } from '../db/reconcile-repo.ts';
import { summaryOf, type DisputeRow, type NewDispute } from '../db/disputes-repo.ts';
import { parseScaledDecimal } from '../money/scaled-decimal.ts';
import { formatAmountE8 } from '../rating/amount.ts';
import { monthPeriod, periodLabel } from '../reconcile/period.ts';
import { isoInstant } from '../time/parse-date.ts';
import { ageDays, canMove, TRANSITIONS } from './workflow.ts';

function e8(text: string): number {
  const p = parseScaledDecimal(text);
  if (!p.ok) throw new TrunklineError('INVALID_ARGUMENTS', `"${text}" is not an amount: ${p.reason}`);
  return p.scaled;
}

function requireRow(ctx: EngineContext, id: number): DisputeRow {
  const r = ctx.disputes.row(id);
  if (!r) throw new TrunklineError('DISPUTE_NOT_FOUND', `no dispute #${id}`, { id });
  return r;
}

function zoneOf(ctx: EngineContext, carrierId: number): string {
  return ctx.carriers.list().find((c) => c.id === carrierId)?.timezone ?? 'UTC';
}

function summary(ctx: EngineContext, r: DisputeRow): DisputeSummary {
  return summaryOf(r, periodLabel(r.period_from_ms, r.period_to_ms, zoneOf(ctx, r.carrier_id)), ageDays(r.submitted_at_ms, r.settled_at_ms, ctx.clock()));
}

export function getDispute(ctx: EngineContext, id: number, evidenceLimit = 1000): DisputeDetail {
  const r = requireRow(ctx, id);
  const evidence = [...ctx.disputes.evidence(id, evidenceLimit)].map((e) => ({
    lineNo: e.line_no, seq: e.seq, class: e.class, ownId: e.own_cdr_id, carrierId: e.carrier_cdr_id, called: e.called,
    start: e.start_ms === null ? null : isoInstant(e.start_ms), ownDuration: secondsText(e.own_ms), carrierDuration: secondsText(e.carrier_ms),
    expected: formatAmountE8(e.expected_e8), charged: formatAmountE8(e.charged_e8), difference: formatAmountE8(e.charged_e8 - e.expected_e8),
  }));
  return {
    ...summary(ctx, r), lines: ctx.disputes.lines(id), events: ctx.disputes.events(id), next: [...TRANSITIONS[r.state]],
    evidence, evidenceCount: ctx.disputes.evidenceCount(id),
  };
}

/** Opens a draft dispute: from a reconciliation's items (the proposed ones, or those chosen), or by hand. */
export function openDispute(ctx: EngineContext, a: ParsedArgs<'disputes.open'>): DisputeDetail {
  const now = ctx.clock();
  let d: NewDispute;
  if ('reconciliation' in a) {
    const run = ctx.reconciliations.params(a.reconciliation);
    if (!run) throw new TrunklineError('RECONCILIATION_NOT_FOUND', `no reconciliation #${a.reconciliation}`, { id: a.reconciliation });
    const all = ctx.reconciliations.items(a.reconciliation);
    if (!a.allProposed && !a.items) throw new TrunklineError('INVALID_ARGUMENTS', 'choose the items to claim (items) or take every proposed one (allProposed)');
    const wanted = new Set(a.items ?? []);
    for (const n of wanted) if (!all.some((i) => i.itemNo === n)) throw new TrunklineError('INVALID_ARGUMENTS', `reconciliation #${a.reconciliation} has no item ${n}`);
    const chosen = all.filter((i) => (a.allProposed && i.proposed) || wanted.has(i.itemNo));
    if (chosen.length === 0) {
      throw new TrunklineError('DISPUTE_NO_LINES', `reconciliation #${a.reconciliation} proposes nothing to dispute (no variance reaches the carrier's thresholds); choose items by hand`, { id: a.reconciliation });
    }
    const evidence = new Map<number, NewDispute['lines'][number]['evidence']>();
    for (const e of ctx.reconciliations.evidence(a.reconciliation, chosen.map((i) => i.itemNo))) {
      const list = evidence.get(e.item_no!) ?? [];
      list.push({ class: e.class, ownId: e.own_cdr_id, carrierId: e.carrier_cdr_id, expectedE8: e.expected_e8, chargedE8: e.charged_e8 });
      evidence.set(e.item_no!, list);
    }
    const carrier = ctx.carriers.list().find((c) => c.id === run.carrierId)!;
    d = {
      carrierId: run.carrierId, invoiceId: run.invoiceId, reconciliationId: a.reconciliation, fromMs: run.fromMs, toMs: run.toMs,
      currency: ctx.reconciliations.get(a.reconciliation)?.currency ?? carrier.currency, at: now, actor: ctx.actor,
      note: a.note ?? `opened from reconciliation #${a.reconciliation}`,
      lines: chosen.map((i) => ({ cause: i.cause, prefix: i.prefix, destination: i.destination, calls: i.calls, minutesE8: i.minutesE8, claimedE8: i.amountE8, evidence: evidence.get(i.itemNo) ?? [] })),
    };
  } else {
    const carrier = requireCarrier(ctx, a.carrier);
    const period = monthPeriod(a.period, carrier.timezone);
    let invoiceId: number | null = null;
    if (a.invoice) {
      const inv = ctx.invoices.byNumber(carrier.id, a.invoice);
      if (!inv) throw new TrunklineError('INVOICE_NOT_FOUND', `${carrier.name} has no invoice ${a.invoice}`, { number: a.invoice });
      invoiceId = inv.id;
    }
    d = {
      carrierId: carrier.id, invoiceId, reconciliationId: null, fromMs: period.fromMs, toMs: period.toMs, currency: carrier.currency, at: now, actor: ctx.actor,
      note: a.note ?? 'opened by hand',
      lines: a.lines.map((l) => ({ cause: l.cause, prefix: l.prefix ?? null, destination: l.destination ?? null, calls: l.calls, minutesE8: e8(l.minutes), claimedE8: e8(l.amount), evidence: [] })),
    };
  }
  if (d.lines.reduce((s, l) => s + l.claimedE8, 0) <= 0) throw new TrunklineError('DISPUTE_NO_LINES', 'a dispute must claim more than nothing');
  const id = ctx.db.transaction(() => ctx.disputes.create(d))();
  return getDispute(ctx, id);
}

export function listDisputes(ctx: EngineContext, a: ParsedArgs<'disputes.list'>): DisputeSummary[] {
  const carrierId = a.carrier ? requireCarrier(ctx, a.carrier).id : undefined;
  const min = a.minAmount === undefined ? undefined : e8(a.minAmount);
  return ctx.disputes.list({ carrierId, state: a.state }).map((r) => summary(ctx, r))
    .filter((s, k, all) => (a.minAgeDays === undefined || (s.ageDays ?? -1) >= a.minAgeDays) && (min === undefined || e8(all[k]!.claimed) >= min));
}

/**
 * Moves a dispute on (or records a note or amount in the same state): every change is an event,
 * appended; the dispute row only mirrors the latest one. Refuses transitions the workflow does not have.
 */
export function setDispute(ctx: EngineContext, a: ParsedArgs<'disputes.set'>): DisputeDetail {
  const r = requireRow(ctx, a.id);
  const from = r.state;
  const to: DisputeState = a.state;
  const same = from === to;
  if (same && a.note === undefined && a.agreed === undefined && a.creditNote === undefined) {
    throw new TrunklineError('DISPUTE_INVALID_TRANSITION', `dispute #${r.id} is ${from} already; give --note, --agreed or --credit-note to record something`, { from, to, allowed: TRANSITIONS[from] });
  }
  if (!same && !canMove(from, to)) {
    throw new TrunklineError('DISPUTE_INVALID_TRANSITION', `dispute #${r.id} cannot move from ${from} to ${to} (from ${from}: ${TRANSITIONS[from].join(', ') || 'nothing, it is closed'})`, { from, to, allowed: TRANSITIONS[from] });
  }
  let agreed = r.agreed_e8;
  if (a.agreed !== undefined) agreed = e8(a.agreed);
  if (to === 'accepted' && a.agreed === undefined) agreed = r.claimed_e8;
  if (to === 'rejected') {
    if (a.agreed !== undefined && agreed !== 0) throw new TrunklineError('DISPUTE_AMOUNT_INVALID', 'a rejected dispute agrees nothing (leave out --agreed)');
    agreed = 0;
  }
  if (agreed !== null && agreed > r.claimed_e8) {
    throw new TrunklineError('DISPUTE_AMOUNT_INVALID', `the agreed amount ${formatAmountE8(agreed)} is more than the ${formatAmountE8(r.claimed_e8)} claimed`, { claimed: formatAmountE8(r.claimed_e8) });
  }
  if (to === 'partially-accepted' && !same && (agreed === null || agreed <= 0 || agreed >= r.claimed_e8 || a.agreed === undefined)) {
    throw new TrunklineError('DISPUTE_AMOUNT_INVALID', `partially accepted needs --agreed: more than 0 and less than the ${formatAmountE8(r.claimed_e8)} claimed`, { claimed: formatAmountE8(r.claimed_e8) });
  }
  if (to === 'accepted' && !same && agreed !== r.claimed_e8) {
    throw new TrunklineError('DISPUTE_AMOUNT_INVALID', 'accepted means the whole claim; for part of it use partially-accepted with --agreed');
  }
  const creditNote = a.creditNote ?? r.credit_note;
  if (to === 'settled' && !same && (agreed ?? 0) > 0 && !creditNote) {
    throw new TrunklineError('DISPUTE_AMOUNT_INVALID', `settling an agreed ${formatAmountE8(agreed ?? 0)} needs the carrier's credit note reference (--credit-note)`);
  }
  const now = ctx.clock();
  ctx.db.transaction(() => {
    ctx.disputes.event(r.id, {
      at: now, actor: ctx.actor, from, to, claimedE8: null, agreedE8: agreed !== r.agreed_e8 ? agreed : null,
      creditNote: a.creditNote ?? null, note: a.note ?? null,
    });
    ctx.disputes.setCurrent(r.id, {
      state: to, agreedE8: agreed, creditNote,
      submittedAt: r.submitted_at_ms ?? (to === 'submitted' ? now : null),
      settledAt: r.settled_at_ms ?? (to === 'settled' ? now : null),
    });
  })();
  return getDispute(ctx, r.id);
}
