import type { StoredRating } from '../db/cdrs-repo.ts';
import type { ParsedCdr } from './formats.ts';

/**
 * A batch of parsed, rated calls in flat columns: numbers in one Float64Array (transferable to
 * another thread without a copy), the texts of every row joined in one string with their end
 * offsets in an Int32Array (one string crosses to the writer's thread as one copy; thousands of
 * small strings cost a microsecond a row to clone). Null numbers are NaN; a leg that is absent or
 * not rated has status NaN. Every number is an integer well inside 2^53, except an exact ×60
 * amount beyond it (a call worth millions), which travels as text in `bigX60`.
 */
export const NUMS = 20;
export const O_START = 0;
export const O_KEY = 1;
export const O_DURATION = 2;
export const O_ANSWERED = 3;
export const O_CHARGE = 4;
export const O_CUSTOMER = 5;
export const O_VENDOR = 6;
export const O_FILING = 7;
/** Then six per side: status, reason, rate id, billed seconds, amount, exact ×60; buy first. */
export const O_BUY = 8;
export const O_SELL = 14;
export const STRS = 5;
export const BATCH_ROWS = 4096;

export interface RowBatch {
  nums: Float64Array;
  /** call id, calling, called, ingress, egress of each row, joined (set by sealBatch; '' while filling). */
  text: string;
  /** End offset in `text` of each row's STRS texts; a null text is stored as −1 − its (empty) end. */
  ends: Int32Array;
  /** The texts while the batch is filled (emptied by sealBatch). */
  parts: string[];
  count: number;
  /** `${row}:${side}` → exact ×60 as decimal text, for the rare amounts beyond 2^53. */
  bigX60: Record<string, string> | null;
}

export function newBatch(): RowBatch {
  return { nums: new Float64Array(BATCH_ROWS * NUMS), text: '', ends: new Int32Array(BATCH_ROWS * STRS), parts: [], count: 0, bigX60: null };
}

/** Joins the batch's texts (call it once, when the batch is full or handed on). */
export function sealBatch(b: RowBatch): void {
  b.text = b.parts.join('');
  b.parts = [];
}

/** Text k of row i (0 call id, 1 calling, 2 called, 3 ingress, 4 egress) of a sealed batch. */
export function textOf(b: RowBatch, i: number, k: number): string | null {
  const at = i * STRS + k;
  const end = b.ends[at]!;
  if (end < 0) return null;
  const prev = at === 0 ? 0 : b.ends[at - 1]!;
  return b.text.slice(prev < 0 ? -1 - prev : prev, end);
}

/** Stores text `at` ending past `end` (the previous text's end); returns its own end. */
function putText(b: RowBatch, at: number, v: string | null, end: number): number {
  if (v === null) {
    b.ends[at] = -1 - end;
    return end;
  }
  if (v.length > 0) b.parts.push(v);
  b.ends[at] = end + v.length;
  return end + v.length;
}

function putSide(b: RowBatch, base: number, i: number, side: 'b' | 's', r: StoredRating | null): void {
  const n = b.nums;
  if (r === null) {
    n[base] = Number.NaN;
    return;
  }
  n[base] = r.status;
  n[base + 1] = r.reason ?? Number.NaN;
  n[base + 2] = r.rateId ?? Number.NaN;
  n[base + 3] = r.billedS;
  n[base + 4] = r.amountE8 ?? Number.NaN;
  if (typeof r.exactX60 === 'bigint') {
    (b.bigX60 ??= {})[`${i}:${side}`] = r.exactX60.toString();
    n[base + 5] = 0;
  } else n[base + 5] = r.exactX60;
}

export function pushRow(b: RowBatch, c: ParsedCdr, key: number, filing: number, customer: number | null, vendor: number | null, buy: StoredRating | null, sell: StoredRating | null): void {
  const i = b.count++;
  const o = i * NUMS;
  const n = b.nums;
  n[o + O_START] = c.startMs;
  n[o + O_KEY] = key;
  n[o + O_DURATION] = c.durationMs;
  n[o + O_ANSWERED] = c.answered ? 1 : 0;
  n[o + O_CHARGE] = c.carrierChargeE8 ?? Number.NaN;
  n[o + O_CUSTOMER] = customer ?? Number.NaN;
  n[o + O_VENDOR] = vendor ?? Number.NaN;
  n[o + O_FILING] = filing;
  putSide(b, o + O_BUY, i, 'b', buy);
  putSide(b, o + O_SELL, i, 's', sell);
  const s = i * STRS;
  const prev = i === 0 ? 0 : b.ends[s - 1]!;
  let end = prev < 0 ? -1 - prev : prev;
  end = putText(b, s, c.callId, end);
  end = putText(b, s + 1, c.calling, end);
  end = putText(b, s + 2, c.called, end);
  end = putText(b, s + 3, c.ingress, end);
  putText(b, s + 4, c.egress, end);
}

const num = (v: number): number | null => (Number.isNaN(v) ? null : v);

/** One side's rating of row i, as stored (null: no leg or not rated). */
export function sideOf(b: RowBatch, i: number, side: 'buy' | 'sell'): StoredRating | null {
  const base = i * NUMS + (side === 'buy' ? O_BUY : O_SELL);
  const n = b.nums;
  if (Number.isNaN(n[base]!)) return null;
  const big = b.bigX60?.[`${i}:${side === 'buy' ? 'b' : 's'}`];
  return {
    status: n[base]!, reason: num(n[base + 1]!), rateId: num(n[base + 2]!), billedS: n[base + 3]!, amountE8: num(n[base + 4]!),
    exactX60: big === undefined ? n[base + 5]! : BigInt(big),
  };
}

export { num as nullableNumber };
