import type { Carrier } from '../api/contract.ts';
import { REASON_BLOCKED, REASON_CLOSED, REASON_INVALID_NUMBER, REASON_NO_RATE, STATUS_FREE, STATUS_RATED, STATUS_UNRATED, type StoredRating } from '../db/cdrs-repo.ts';
import { normaliseNumber } from '../rates/normalise-number.ts';
import { KIND_BLOCKED, KIND_CLOSED, type VersionedRateTable } from '../rates/versioned-table.ts';
import { chargeCall, type RoundingPolicy } from './amount.ts';
import { durationSecondsFromMs } from './billing.ts';

/**
 * Rates one call on one side: why it costs what it costs, or why it cannot be rated. Never a
 * silent zero: an unanswered or free call says so, and so does a number no deck covers.
 */
export function makeCallRater(table: VersionedRateTable, carrier: Pick<Carrier, 'rounding' | 'techPrefixes'>): (called: string, startMs: number, durationMs: number, answered: boolean) => StoredRating {
  const policy: RoundingPolicy = carrier.rounding;
  const tech = carrier.techPrefixes;
  const terms = { first: 0, next: 0, min: 0, grace: 0 };
  return (called, startMs, durationMs, answered) => {
    if (!answered || durationMs <= 0) return { status: STATUS_FREE, reason: null, rateId: null, billedS: 0, amountE8: 0, exactX60: 0 };
    const n = normaliseNumber(called, tech);
    if (!n.ok) return { status: STATUS_UNRATED, reason: REASON_INVALID_NUMBER, rateId: null, billedS: 0, amountE8: null, exactX60: 0 };
    const v = table.match(n.digits, startMs);
    if (v < 0) return { status: STATUS_UNRATED, reason: REASON_NO_RATE, rateId: null, billedS: 0, amountE8: null, exactX60: 0 };
    const kind = table.kind[v]!;
    if (kind === KIND_CLOSED) return { status: STATUS_UNRATED, reason: REASON_CLOSED, rateId: table.ids[v]!, billedS: 0, amountE8: null, exactX60: 0 };
    if (kind === KIND_BLOCKED) return { status: STATUS_UNRATED, reason: REASON_BLOCKED, rateId: table.ids[v]!, billedS: 0, amountE8: null, exactX60: 0 };
    terms.first = table.first[v]!;
    terms.next = table.next[v]!;
    terms.min = table.min[v]!;
    terms.grace = table.grace[v]!;
    const c = chargeCall(durationSecondsFromMs(durationMs), table.rateE8[v]!, table.feeE8[v]!, terms, policy);
    if (c.billedSeconds === 0) return { status: STATUS_FREE, reason: null, rateId: table.ids[v]!, billedS: 0, amountE8: 0, exactX60: 0 };
    return { status: STATUS_RATED, reason: null, rateId: table.ids[v]!, billedS: c.billedSeconds, amountE8: c.amountE8, exactX60: c.exactX60 };
  };
}
