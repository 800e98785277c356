import { parseDateText, type WallTime } from '../time/parse-date.ts';

/** What the text above a deck's table says about the whole file. */
export interface DeckNotes {
  effective: WallTime | null;
  effectiveText: string | null;
  currency: string | null;
  zone: string | null;
}

const CURRENCIES: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'));

// In [ ,-] the hyphen goes last: [ -,] would be the range space..comma and miss "01-Nov-2026".
const DATE_TOKEN = new RegExp(
  [
    String.raw`\d{4}-\d{1,2}-\d{1,2}(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?(?:\s*(?:UTC|GMT|Z|[+-]\d{2}:?\d{2}))?`,
    String.raw`\d{1,2}[./-]\d{1,2}[./-]\d{4}(?: \d{1,2}:\d{2}(?::\d{2})?)?(?:\s*(?:UTC|GMT))?`,
    String.raw`\d{1,2}[ -](?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?[ ,-]*\d{4}(?: \d{1,2}:\d{2})?(?:\s*(?:UTC|GMT))?`,
    String.raw`(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.? \d{1,2},? \d{4}`,
  ].join('|'),
  'gi',
);

const ZONE_STATEMENT = /\b(?:time ?zone|tz|all (?:times|dates)(?: are)?(?: in)?)\s*[:=]?\s*((?:UTC|GMT)(?:\s*[+-]\d{1,2}(?::?\d{2})?)?|[A-Za-z]+(?:\/[A-Za-z_]+)+)/i;

function zoneText(raw: string): string {
  const t = raw.toUpperCase().replace(/\s+/g, '');
  if (t === 'UTC' || t === 'GMT') return 'UTC';
  const m = /^(?:UTC|GMT)([+-])(\d{1,2})(?::?(\d{2}))?$/.exec(t);
  if (m) return `UTC${m[1]}${Number(m[2])}${m[3] && m[3] !== '00' ? ':' + m[3] : ''}`;
  return raw;
}

export function readNotes(lines: string[]): DeckNotes {
  const notes: DeckNotes = { effective: null, effectiveText: null, currency: null, zone: null };
  // A line that says "effective" wins over any other date in the block (a print date, a contract date).
  const ordered = [...lines.filter((l) => /effective|valid from|valid as of|as of|starting/i.test(l)), ...lines];
  let ambiguous = false;
  for (const line of ordered) {
    if (notes.effective || ambiguous) break;
    for (const token of line.match(DATE_TOKEN) ?? []) {
      const p = parseDateText(token.replace(/\s+(UTC|GMT)$/i, ' $1'));
      // "Effective 03/04/2026" must not fall through to a print date below it: no date is better than a guess.
      if (p.kind === 'ambiguous') {
        ambiguous = true;
        break;
      }
      if (p.kind === 'ok') {
        notes.effective = p.wall;
        notes.effectiveText = token.trim();
        break;
      }
    }
  }
  for (const line of lines) {
    const m = /\b(?:rates?|prices?|amounts?)\s+(?:are\s+)?(?:in|quoted in)\s+([A-Z]{3})\b/i.exec(line)
      ?? /\bcurrency\s*[:=]?\s*([A-Z]{3})\b/i.exec(line);
    // Written in capitals, as currency codes are: "Rates in all destinations" names no currency.
    if (m && m[1] === m[1]!.toUpperCase() && CURRENCIES.has(m[1]!)) {
      notes.currency = m[1]!.toUpperCase();
      break;
    }
  }
  for (const line of lines) {
    const m = ZONE_STATEMENT.exec(line);
    if (m) {
      notes.zone = zoneText(m[1]!);
      break;
    }
  }
  if (!notes.zone && notes.effective?.zone) notes.zone = notes.effective.zone;
  return notes;
}

/** A currency named in a header such as "Rate (EUR/min)". */
export function currencyInHeader(header: string): string | null {
  for (const word of header.toUpperCase().split(/[^A-Z]+/)) {
    if (word.length === 3 && CURRENCIES.has(word) && !['MIN', 'PER', 'NEW', 'OLD', 'ALL', 'TOP', 'CUP'].includes(word)) return word;
  }
  return null;
}
