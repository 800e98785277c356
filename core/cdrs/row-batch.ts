import type { StoredRating } from '../db/cdrs-repo.ts';
import type { ParsedCdr } from './formats.ts';

/**
 * A batch of parsed, rated calls in flat columns: numbers in one Float64Array (transferable to
 * another thread without a copy), the texts of every row written back to back into a byte array,
 * one byte per Latin-1 character, with their end offsets in an Int32Array (transferred too: the
 * writer decodes them once and slices; structured-cloning thousands of small strings cost a
 * microsecond a row, joining them a third of one). A text with a character beyond Latin-1 (rare in
 * a CDR) travels as a string in `wide`. Null numbers are NaN; a leg that is absent or
 * not rated has status NaN. Every number is an integer well inside 2^53, except an exact ×60
 * amount beyond it (a call worth millions), which travels as text in `bigX60`.
 */
export const NUMS = 22;
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
/**
 * The calling and called numbers as integers when their text is exactly an integer's decimal form
 * (1 to 15 digits, no leading zero; else NaN). The writer binds such a number as an integer, which
 * the column's text affinity stores as that same text, instead of a string (a string bind is two
 * copies and two allocations, a tenth of the writer's time).
 */
export const O_CALLING_NUM = 20;
export const O_CALLED_NUM = 21;
export const STRS = 5;
export const BATCH_ROWS = 4096;

export interface RowBatch {
  nums: Float64Array;
  /** call id, calling, called, ingress, egress of each row, one byte per character (grown as needed). */
  bytes: Uint8Array;
  /** End offset in `bytes` of each row's STRS texts; a null text is stored as −1 − its (empty) end. */
  ends: Int32Array;
  /** Texts with a character beyond Latin-1, by index (row × STRS + k); their bytes are empty. */
  wide: Record<number, string> | null;
  /** `bytes` decoded, once, by textOf on the writer's side. */
  text?: string;
  count: number;
  /** `${row}:${side}` → exact ×60 as decimal text, for the rare amounts beyond 2^53. */
  bigX60: Record<string, string> | null;
}

/** A batch's three arrays, handed back by the writer once it holds no row of the batch, for the next batch. */
export type BatchBuffers = [ArrayBuffer, ArrayBuffer, ArrayBuffer];

export function batchBuffers(b: RowBatch): BatchBuffers {
  return [b.nums.buffer as ArrayBuffer, b.ends.buffer as ArrayBuffer, b.bytes.buffer as ArrayBuffer];
}

/** A new, empty batch: on recycled buffers when there are (no fresh MiB to map and fault in per batch). */
export function newBatch(recycled?: BatchBuffers): RowBatch {
  if (recycled) {
    return { nums: new Float64Array(recycled[0]), ends: new Int32Array(recycled[1]), bytes: new Uint8Array(recycled[2]), wide: null, count: 0, bigX60: null };
  }
  return { nums: new Float64Array(BATCH_ROWS * NUMS), bytes: new Uint8Array(BATCH_ROWS * 64), ends: new Int32Array(BATCH_ROWS * STRS), wide: null, count: 0, bigX60: null };
}

const endOf = (e: number): number => (e < 0 ? -1 - e : e);

/** Text k of row i (0 call id, 1 calling, 2 called, 3 ingress, 4 egress). */
export function textOf(b: RowBatch, i: number, k: number): string | null {
  const at = i * STRS + k;
  const end = b.ends[at]!;
  if (end < 0) return null;
  if (b.wide !== null) {
    const w = b.wide[at];
    if (w !== undefined) return w;
  }
  const text = (b.text ??= Buffer.from(b.bytes.buffer, b.bytes.byteOffset, b.count === 0 ? 0 : endOf(b.ends[b.count * STRS - 1]!)).toString('latin1'));
  return text.slice(at === 0 ? 0 : endOf(b.ends[at - 1]!), end);
}

/** Stores text `at` after `end` (the previous text's end); returns its own end. */
function putText(b: RowBatch, at: number, v: string | null, end: number): number {
  if (v === null) {
    b.ends[at] = -1 - end;
    return end;
  }
  const len = v.length;
  if (end + len > b.bytes.length) {
    const grown = new Uint8Array(Math.max(b.bytes.length * 2, end + len));
    grown.set(b.bytes.subarray(0, end));
    b.bytes = grown;
  }
  const bytes = b.bytes;
  for (let j = 0; j < len; j++) {
    const c = v.charCodeAt(j);
    if (c > 255) {
      (b.wide ??= {})[at] = v;
      b.ends[at] = end;
      return end;
    }
    bytes[end + j] = c;
  }
  b.ends[at] = end + len;
  return end + len;
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
  n[o + O_CALLING_NUM] = integerText(c.calling);
  n[o + O_CALLED_NUM] = integerText(c.called);
  const s = i * STRS;
  let end = i === 0 ? 0 : endOf(b.ends[s - 1]!);
  end = putText(b, s, c.callId, end);
  end = putText(b, s + 1, c.calling, end);
  end = putText(b, s + 2, c.called, end);
  end = putText(b, s + 3, c.ingress, end);
  putText(b, s + 4, c.egress, end);
}

/** The integer a text is the exact decimal form of (1 to 15 digits, no leading zero), or NaN. */
export function integerText(s: string): number {
  const len = s.length;
  if (len === 0 || len > 15) return Number.NaN;
  let v = s.charCodeAt(0) - 48;
  if (v < 1 || v > 9) return Number.NaN;
  for (let j = 1; j < len; j++) {
    const d = s.charCodeAt(j) - 48;
    if (d < 0 || d > 9) return Number.NaN;
    v = v * 10 + d;
  }
  return v;
}

const num = (v: number): number | null => (Number.isNaN(v) ? null : v);

export { num as nullableNumber };
