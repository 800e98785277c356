import { Decimal } from 'decimal.js';
import type { CdrExplanation, CdrPage, CdrRow, ParsedArgs, RatingStatus, Side, UnratedReason } from '../api/contract.ts';
import { TrunklineError } from '../api/errors.ts';
import { requireCarrier } from '../carriers/handlers.ts';
import type { EngineContext } from '../context.ts';
import { containsPattern, LIKE_ESCAPE } from '../db/like.ts';
import { decimalText, formatScaled } from '../money/scaled-decimal.ts';
import { chargeCall, formatAmountE8 } from '../rating/amount.ts';
import { billedSeconds, durationSecondsFromMs } from '../rating/billing.ts';
import { periodArgs } from '../rating/rerate.ts';
import { normaliseNumber } from '../rates/normalise-number.ts';
import { isoInstant } from '../time/parse-date.ts';
import { callWhere, REASONS } from './totals.ts';

const STATUS: RatingStatus[] = ['rated', 'free', 'unrated'];
const STATUS_CODE: Record<RatingStatus, number> = { rated: 0, free: 1, unrated: 2 };

function columns(s: Side): string {
  return `c.id, ca.name AS carrier, c.source, c.call_id, c.start_ms, c.calling, c.called, c.duration_ms, c.answered, c.${s}_billed_s AS billed,
    r.prefix, r.destination, r.rate_per_min_e8 AS rate, c.${s}_amount_e8 AS amount, c.${s}_exact_x60 AS x60, r.currency, c.${s}_status AS status,
    c.${s}_reason AS reason, c.import_id, ca.rounding_level AS level`;
}

interface Raw {
  id: number; carrier: string; source: number; call_id: string | null; start_ms: number; calling: string; called: string; duration_ms: number;
  answered: number; billed: number | null; prefix: string | null; destination: string | null; rate: number | null; amount: number | null;
  x60: number | null; currency: string | null; status: number | null; reason: number | null; import_id: number; level: string;
}

function toRow(r: Raw): CdrRow {
  const status = r.status === null ? 'not rated' : STATUS[r.status]!;
  // A per-line carrier rounds lines, not calls: the call's amount is its exact share, shown to 10 decimals.
  const amount = status !== 'rated' ? null
    : r.level === 'per-line' ? decimalText(new Decimal(r.x60 ?? 0).dividedBy(60).dividedBy(1e8).toDecimalPlaces(10))
      : formatScaled(r.amount ?? 0);
  return {
    id: r.id, carrier: r.carrier, source: r.source === 0 ? 'own' : 'carrier', callId: r.call_id, start: isoInstant(r.start_ms), calling: r.calling,
    called: r.called, duration: decimalText(new Decimal(r.duration_ms).dividedBy(1000)), answered: r.answered === 1, billedSeconds: r.billed ?? 0,
    prefix: r.prefix, destination: r.destination, rate: r.rate === null ? null : formatScaled(r.rate), amount, currency: r.currency,
    status, reason: r.reason === null ? null : REASONS[r.reason]!, importId: r.import_id,
  };
}

/** The column naming the carrier whose deck rates a side: the vendor for buy, the customer for sell. */
export function legColumn(side: Side): 'vendor_id' | 'customer_id' {
  return side === 'buy' ? 'vendor_id' : 'customer_id';
}

/** A page of one carrier's calls with their rating on one side, in time order, filtered in SQLite. */
export function queryCdrs(ctx: EngineContext, args: ParsedArgs<'cdrs.query'>): CdrPage {
  const carrier = requireCarrier(ctx, args.carrier);
  const s = args.side;
  const { sql, params } = callWhere({
    carrierId: carrier.id, source: args.source, side: s,
    fromMs: periodArgs(args.from, carrier.timezone, 'from'), toMs: periodArgs(args.to, carrier.timezone, 'to'),
  });
  const where = [sql];
  if (args.status) {
    where.push(`c.${s}_status = @status`);
    params.status = STATUS_CODE[args.status];
  }
  if (args.destination) {
    where.push(`r.destination LIKE @destination ${LIKE_ESCAPE}`);
    params.destination = containsPattern(args.destination);
  }
  if (args.called) {
    where.push('c.called >= @calledFrom AND c.called < @calledTo');
    params.calledFrom = args.called;
    params.calledTo = args.called + ':';
  }
  const limit = args.endRow - args.startRow;
  // (source, start, id) is the leg index's own order: no sort step on millions of calls.
  const rows = ctx.db.prepare(`SELECT ${columns(s)} FROM cdrs c JOIN carriers ca ON ca.id = c.${legColumn(s)} LEFT JOIN rates r ON r.id = c.${s}_rate_id
    WHERE ${where.join(' AND ')} ORDER BY c.source, c.start_ms, c.id LIMIT @limit OFFSET @offset`)
    .all({ ...params, limit, offset: args.startRow }) as Raw[];
  return { rows: rows.map(toRow), lastRow: rows.length < limit ? args.startRow + rows.length : null };
}

/** One call's rating, step by step, as it would be rated now against the deck, and whether that is what is stored. */
export function explainCdr(ctx: EngineContext, args: ParsedArgs<'cdrs.explain'>): CdrExplanation {
  const s = args.side;
  const raw = ctx.db.prepare(`SELECT ${columns(s)} FROM cdrs c JOIN carriers ca ON ca.id = c.${legColumn(s)}
    LEFT JOIN rates r ON r.id = c.${s}_rate_id WHERE c.id = ?`).get(args.id) as Raw | undefined;
  if (!raw) {
    const exists = ctx.db.prepare('SELECT 1 FROM cdrs WHERE id = ?').get(args.id);
    throw new TrunklineError('INVALID_ARGUMENTS', exists ? `call #${args.id} has no ${s === 'buy' ? 'vendor' : 'customer'} leg to explain on the ${s} side` : `no call #${args.id}`, { id: args.id });
  }
  const call = toRow(raw);
  const carrier = requireCarrier(ctx, raw.carrier);
  const steps: CdrExplanation['steps'] = [];
  const done = (status: RatingStatus, reason: UnratedReason | null, billed: number, amount: string | null, candidates: CdrExplanation['candidates'] = []): CdrExplanation => ({
    call, steps, candidates, now: { status, reason, billedSeconds: billed, amount },
    storedMatchesNow: call.status === status && call.reason === reason && call.billedSeconds === billed && (status !== 'rated' || call.amount === amount),
  });
  steps.push({ step: 'call', detail: `${call.called} at ${call.start} (UTC), ${call.duration} s, ${call.answered ? 'answered' : 'not answered'}` });
  if (!call.answered || raw.duration_ms <= 0) {
    steps.push({ step: 'free', detail: 'not answered or zero duration: no charge' });
    return done('free', null, 0, null);
  }
  const n = normaliseNumber(call.called, carrier.techPrefixes);
  if (!n.ok) {
    steps.push({ step: 'number', detail: `${n.reason}: unrated (invalid number)` });
    return done('unrated', 'invalid number', 0, null);
  }
  steps.push({ step: 'number', detail: `normalised to ${n.digits}${carrier.techPrefixes.length ? ` (technical prefixes ${carrier.techPrefixes.join(', ')} stripped)` : ''}` });
  const prefixes: string[] = [];
  for (let len = Math.min(n.digits.length, 15); len >= 1; len--) prefixes.push(n.digits.slice(0, len));
  const versions = ctx.db.prepare(`SELECT id, prefix, destination, kind, rate_per_min_e8 AS rate, connection_fee_e8 AS fee, effective_from_ms AS "from",
      effective_to_ms AS "to", first_increment_s AS first, next_increment_s AS next, min_duration_s AS min, grace_s AS grace
    FROM rates WHERE carrier_id = ? AND side = ? AND superseded_by_import_id IS NULL AND prefix IN (${prefixes.map(() => '?').join(', ')})
    ORDER BY length(prefix) DESC, effective_from_ms`).all(carrier.id, s, ...prefixes) as
    { id: number; prefix: string; destination: string; kind: 'rate' | 'closed' | 'blocked'; rate: number | null; fee: number; from: number; to: number | null; first: number; next: number; min: number; grace: number }[];
  const at = raw.start_ms;
  const chosen = versions.find((v) => v.from <= at && (v.to === null || at < v.to));
  const candidates = versions.map((v) => ({
    prefix: v.prefix, destination: v.destination, effectiveFrom: isoInstant(v.from), effectiveTo: v.to === null ? null : isoInstant(v.to),
    kind: v.kind, rate: v.rate === null ? null : formatScaled(v.rate), chosen: v === chosen,
  }));
  if (!chosen) {
    steps.push({ step: 'match', detail: `no prefix of ${n.digits} has a version in force at ${call.start} in ${carrier.name}'s ${s} deck: unrated (no rate)` });
    return done('unrated', 'no rate', 0, null, candidates);
  }
  steps.push({ step: 'match', detail: `longest prefix in force at ${call.start}: ${chosen.prefix} ${chosen.destination} (version from ${isoInstant(chosen.from)})` });
  if (chosen.kind !== 'rate') {
    const reason: UnratedReason = chosen.kind === 'closed' ? 'closed code' : 'blocked';
    steps.push({ step: 'status', detail: `that version ${chosen.kind === 'closed' ? 'closes the code' : 'blocks the code'}: unrated (${reason}); a shorter prefix is not used` });
    return done('unrated', reason, 0, null, candidates);
  }
  const terms = { first: chosen.first, next: chosen.next, min: chosen.min, grace: chosen.grace };
  const seconds = durationSecondsFromMs(raw.duration_ms);
  const billed = billedSeconds(seconds, terms);
  steps.push({ step: 'billing', detail: `${seconds} s with ${chosen.first}/${chosen.next}${chosen.min ? `, minimum ${chosen.min} s` : ''}${chosen.grace ? `, grace ${chosen.grace} s` : ''} → ${billed} billed seconds` });
  if (billed === 0) return done('free', null, 0, null, candidates);
  const charge = chargeCall(seconds, chosen.rate ?? 0, chosen.fee, terms, carrier.rounding);
  const exact = new Decimal(charge.exactX60.toString()).dividedBy(60).dividedBy(1e8);
  const amount = charge.amountE8 === null ? decimalText(exact.toDecimalPlaces(10)) : formatScaled(charge.amountE8);
  steps.push({
    step: 'amount',
    detail: `${billed} / 60 × ${formatScaled(chosen.rate ?? 0)}${chosen.fee ? ` + fee ${formatScaled(chosen.fee)}` : ''} = ${decimalText(exact)} exactly; ${carrier.rounding.level}, ${carrier.rounding.decimals} decimals, ${carrier.rounding.mode} → ${charge.amountE8 === null ? `${amount} (rounded on the invoice line)` : formatAmountE8(charge.amountE8, 2)}`,
  });
  return done('rated', null, billed, amount, candidates);
}
