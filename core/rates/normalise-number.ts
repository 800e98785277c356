/** Dialled numbers as switches and carriers write them, reduced to the digits a prefix matches. */

export type NormalisedNumber = { ok: true; digits: string } | { ok: false; reason: string };

const MAX_DIGITS = 20;

/**
 * Strips a carrier's technical prefixes ("1234#"), then everything but digits, then the
 * international access prefixes "00" and "011" (a leading "+" is dropped with the punctuation).
 */
export function normaliseNumber(raw: string, techPrefixes: readonly string[] = []): NormalisedNumber {
  // Most numbers a switch writes are digits, perhaps after a "+": no pattern matching for those.
  if (techPrefixes.length === 0) {
    const plus = raw.charCodeAt(0) === 43 ? 1 : 0;
    let allDigits = raw.length > plus;
    for (let i = plus; i < raw.length && allDigits; i++) {
      const c = raw.charCodeAt(i);
      if (c < 48 || c > 57) allDigits = false;
    }
    if (allDigits) {
      let digits = plus ? raw.slice(1) : raw;
      if (digits.startsWith('00')) digits = digits.slice(2);
      else if (digits.startsWith('011')) digits = digits.slice(3);
      if (digits === '') return { ok: false, reason: 'the number has no digits' };
      if (digits.length > MAX_DIGITS) return { ok: false, reason: `the number is longer than ${MAX_DIGITS} digits` };
      return { ok: true, digits };
    }
  }
  let s = raw.trim();
  for (const tp of techPrefixes) {
    if (tp && s.startsWith(tp)) {
      s = s.slice(tp.length);
      break;
    }
  }
  if (/[a-z]/i.test(s.replace(/^(sip:|tel:)/i, '').replace(/@.*$/, ''))) return { ok: false, reason: 'the number contains letters' };
  let digits = s.replace(/^(sip:|tel:)/i, '').replace(/@.*$/, '').replace(/\D+/g, '');
  if (digits.startsWith('00')) digits = digits.slice(2);
  else if (digits.startsWith('011')) digits = digits.slice(3);
  if (digits === '') return { ok: false, reason: 'the number has no digits' };
  if (digits.length > MAX_DIGITS) return { ok: false, reason: `the number is longer than ${MAX_DIGITS} digits` };
  return { ok: true, digits };
}
