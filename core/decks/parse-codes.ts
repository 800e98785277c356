/** Dial codes as decks write them: lists, ranges, a country code followed by its area codes. */

export type CodesParse = { ok: true; prefixes: string[]; notes: string[] } | { ok: false; reason: string };

const MAX_RANGE = 10_000;
const MAX_CODE_DIGITS = 15;
const SCIENTIFIC = /^(\d+)(?:\.(\d+))?[eE]\+?(\d+)$/;

/** "4.4712E+11" is how Excel writes a long code it stored as a number: recover it when exact. */
function fromScientific(text: string): string | undefined {
  const m = SCIENTIFIC.exec(text);
  if (!m) return undefined;
  const digits = m[1]! + (m[2] ?? '');
  const exponent = Number(m[3]);
  const shift = exponent - (m[2]?.length ?? 0);
  if (shift < 0) return undefined;
  return digits.replace(/^0+/, '') + '0'.repeat(shift);
}

function cleanCode(raw: string, notes: string[]): string | { error: string } {
  let code = raw.trim();
  const sci = fromScientific(code);
  if (sci !== undefined) {
    notes.push(`code "${code}" was in scientific notation; read as ${sci}: check the deck's original`);
    code = sci;
  }
  code = code.replace(/^\+/, '');
  if (code.startsWith('00')) code = code.slice(2);
  if (!/^\d+$/.test(code)) return { error: `"${raw.trim()}" is not a dial code (digits only)` };
  if (code.length > MAX_CODE_DIGITS) return { error: `"${raw.trim()}" is longer than ${MAX_CODE_DIGITS} digits` };
  return code;
}

function expandRange(startRaw: string, endRaw: string, notes: string[]): string[] | { error: string } {
  const start = cleanCode(startRaw, notes);
  if (typeof start !== 'string') return start;
  let endText = endRaw.trim().replace(/^\+/, '');
  if (!/^\d+$/.test(endText)) return { error: `range end "${endRaw.trim()}" is not a dial code` };
  // "4470-79": the end repeats only the digits that change.
  if (endText.length < start.length) endText = start.slice(0, start.length - endText.length) + endText;
  if (endText.length !== start.length) return { error: `range ${startRaw.trim()}-${endRaw.trim()} has ends of different lengths` };
  const a = BigInt(start);
  const b = BigInt(endText);
  if (b < a) return { error: `range ${startRaw.trim()}-${endRaw.trim()} runs backwards` };
  if (b - a + 1n > BigInt(MAX_RANGE)) return { error: `range ${startRaw.trim()}-${endRaw.trim()} expands to more than ${MAX_RANGE} codes` };
  const out: string[] = [];
  for (let v = a; v <= b; v++) out.push(v.toString().padStart(start.length, '0'));
  return out;
}

/**
 * Expands one code cell into prefixes. `country` is a separate country-code column's value, put
 * before every code of the cell (an empty cell then means the country code alone).
 */
export function expandCodes(cell: string, country?: string): CodesParse {
  const notes: string[] = [];
  const text = cell.replace(/[\r\n]+/g, ',').trim();
  let cc = '';
  if (country !== undefined && country.trim() !== '') {
    const c = cleanCode(country, notes);
    if (typeof c !== 'string') return { ok: false, reason: `country code ${c.error}` };
    cc = c;
    if (text === '') return { ok: true, prefixes: [cc], notes };
  }
  if (text === '') return { ok: false, reason: 'no dial code' };
  const prefixes: string[] = [];
  let groupPrefix = '';
  for (const itemRaw of text.split(/[,;|]/)) {
    let item = itemRaw.trim();
    if (item === '') continue;
    // "61 38,39": a country code written once, then its area codes.
    const spaced = /^(\+?\d+)\s+(.+)$/.exec(item);
    // A range with spaces round its dash ("+4470 - 4479") is not a country code and its area codes.
    if (spaced && !/^\+?\d+\s*-/.test(item)) {
      const head = cleanCode(spaced[1]!, notes);
      if (typeof head !== 'string') return { ok: false, reason: head.error };
      groupPrefix = head;
      item = spaced[2]!.trim();
    }
    const range = /^(\+?[\d.eE+]+)\s*-\s*(\d+)$/.exec(item);
    if (range) {
      const r = expandRange(range[1]!, range[2]!, notes);
      if (!Array.isArray(r)) return { ok: false, reason: r.error };
      for (const p of r) prefixes.push(cc + groupPrefix + p);
      continue;
    }
    const code = cleanCode(item, notes);
    if (typeof code !== 'string') return { ok: false, reason: code.error };
    prefixes.push(cc + groupPrefix + code);
  }
  if (prefixes.length === 0) return { ok: false, reason: 'no dial code' };
  for (const p of prefixes) {
    if (p.length > MAX_CODE_DIGITS) return { ok: false, reason: `code ${p} is longer than ${MAX_CODE_DIGITS} digits` };
  }
  return { ok: true, prefixes, notes };
}
