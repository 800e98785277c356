import type { Carrier } from '../api/contract.ts';
import { REASON_BLOCKED, REASON_CLOSED, REASON_INVALID_NUMBER, REASON_NO_RATE, STATUS_FREE, STATUS_RATED, STATUS_UNRATED, type StoredRating } from '../db/cdrs-repo.ts';
import { normaliseNumber } from '../rates/normalise-number.ts';
import { I_FIRST, I_GRACE, I_KIND, I_MIN, I_NEXT, KIND_BLOCKED, KIND_CLOSED, R_FEE, R_ID, R_RATE, R_STRIDE, type VersionedRateTable } from '../rates/versioned-table.ts';
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
  const { rec, reci } = table;
  return (called, startMs, durationMs, answered) => {
    if (!answered || durationMs <= 0) return { status: STATUS_FREE, reason: null, rateId: null, billedS: 0, amountE8: 0, exactX60: 0 };
    const n = normaliseNumber(called, tech);
    if (!n.ok) return { status: STATUS_UNRATED, reason: REASON_INVALID_NUMBER, rateId: null, billedS: 0, amountE8: null, exactX60: 0 };
    const v = table.match(n.digits, startMs);
    if (v < 0) return { status: STATUS_UNRATED, reason: REASON_NO_RATE, rateId: null, billedS: 0, amountE8: null, exactX60: 0 };
    // The version's terms from its one record (see R_STRIDE).
    const o = v * R_STRIDE;
    const i = o * 2;
    const kind = reci[i + I_KIND]!;
    const rateId = rec[o + R_ID]!;
    if (kind === KIND_CLOSED) return { status: STATUS_UNRATED, reason: REASON_CLOSED, rateId, billedS: 0, amountE8: null, exactX60: 0 };
    if (kind === KIND_BLOCKED) return { status: STATUS_UNRATED, reason: REASON_BLOCKED, rateId, billedS: 0, amountE8: null, exactX60: 0 };
    terms.first = reci[i + I_FIRST]!;
    terms.next = reci[i + I_NEXT]!;
    terms.min = reci[i + I_MIN]!;
    terms.grace = reci[i + I_GRACE]!;
    const c = chargeCall(durationSecondsFromMs(durationMs), rec[o + R_RATE]!, rec[o + R_FEE]!, terms, policy);
    if (c.billedSeconds === 0) return { status: STATUS_FREE, reason: null, rateId, billedS: 0, amountE8: 0, exactX60: 0 };
    return { status: STATUS_RATED, reason: null, rateId, billedS: c.billedSeconds, amountE8: c.amountE8, exactX60: c.exactX60 };
  };
}
