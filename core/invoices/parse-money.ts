import { parseScaledDecimal, spreadsheetNumberToDecimalString } from '../money/scaled-decimal.ts';

export type ParsedAmount = { ok: true; e8: number } | { ok: false; reason: string };

/**
 * An amount as invoices write it, exactly, in e8: currency symbols and codes ("$1,234.50",
 * "EUR 12,30", "1 234,50 €"), thousands separators, accounting negatives "(12.50)" and a trailing
 * minus. Separators: with both "," and "." present the last one is the decimal point; a lone ","
 * followed by groups of exactly three digits ("1,234" / "12,345,678") is a thousands separator
 * unless the number starts "0," (then it is a decimal comma, as in "0,123"); several "." groups of
 * three ("1.234.567") are thousands. Numbers from XLSX cells are taken at Excel's 15 digits.
 */
export function parseMoney(value: string | number): ParsedAmount {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return { ok: false, reason: 'not a number' };
    return fromText(spreadsheetNumberToDecimalString(value));
  }
  let t = value.replace(/[\u00a0\u202f\s]+/g, ' ').trim();
  if (t === '') return { ok: false, reason: 'empty' };
  let negative = false;
  if (/^\(.*\)$/.test(t)) {
    negative = true;
    t = t.slice(1, -1).trim();
  }
  t = t.replace(/^[A-Z]{3}\s*/, '').replace(/\s*[A-Z]{3}$/, '').replace(/[$€£¥]/g, '').trim();
  if (t.endsWith('-')) {
    negative = !negative;
    t = t.slice(0, -1).trim();
  }
  if (t.startsWith('-')) {
    negative = !negative;
    t = t.slice(1).trim();
  }
  t = t.replace(/ (?=\d{3}(\D|$))/g, '');
  if (!/^[\d.,]+$/.test(t) || !/\d/.test(t)) return { ok: false, reason: 'not an amount' };
  const lastComma = t.lastIndexOf(',');
  const lastDot = t.lastIndexOf('.');
  if (lastComma >= 0 && lastDot >= 0) {
    t = lastDot > lastComma ? t.replace(/,/g, '') : t.replace(/\./g, '').replace(',', '.');
  } else if (lastComma >= 0) {
    t = /^[1-9]\d{0,2}(,\d{3})+$/.test(t) ? t.replace(/,/g, '') : t.split(',').length === 2 ? t.replace(',', '.') : '';
  } else if (/^\d{1,3}(\.\d{3}){2,}$/.test(t)) {
    t = t.replace(/\./g, '');
  }
  if (t === '') return { ok: false, reason: 'not an amount' };
  const r = fromText(t);
  return r.ok && negative ? { ok: true, e8: r.e8 === 0 ? 0 : -r.e8 } : r;
}

function fromText(t: string): ParsedAmount {
  const p = parseScaledDecimal(t);
  return p.ok ? { ok: true, e8: p.scaled } : { ok: false, reason: p.reason };
}

/** A count of calls: a whole number, thousands separators allowed. */
export function parseCount(value: string | number): { ok: true; n: number } | { ok: false; reason: string } {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? { ok: true, n: value } : { ok: false, reason: 'not a whole number of calls' };
  const t = value.trim().replace(/[\s,.'\u00a0](?=\d{3}(\D|$))/g, '');
  if (!/^\d{1,12}$/.test(t)) return { ok: false, reason: 'not a whole number of calls' };
  return { ok: true, n: Number(t) };
}

/** Minutes as a decimal ("1,234.5") or a duration "h:mm:ss", in e8 minutes (a quantity; a seconds fraction rounds half-up to 8 decimals). */
export function parseMinutes(value: string | number): ParsedAmount {
  if (typeof value === 'string') {
    const m = /^\s*(\d+):([0-5]\d):([0-5]\d)\s*$/.exec(value);
    if (m) {
      const seconds = BigInt(m[1]!) * 3600n + BigInt(m[2]!) * 60n + BigInt(m[3]!);
      const e8 = (seconds * 100_000_000n * 2n + 60n) / 120n;
      return { ok: true, e8: Number(e8) };
    }
  }
  const r = parseMoney(value);
  if (r.ok && r.e8 < 0) return { ok: false, reason: 'negative minutes' };
  return r;
}
