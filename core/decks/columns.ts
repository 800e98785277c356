/** Deck columns: the fields we know, the names carriers give them, and how a header row is found. */

import { DECK_FIELDS, columnLetter, type DeckField } from '../api/deck-fields.ts';
import { explicitColumns, normaliseHeader } from '../util/headers.ts';

export { DECK_FIELDS, columnLetter, normaliseHeader, type DeckField };

const SYNONYMS: Record<Exclude<DeckField, 'ignore'>, string[]> = {
  code: ['code', 'codes', 'prefix', 'prefixes', 'dial code', 'dial codes', 'dialcode', 'dialcodes', 'dst code', 'dest code',
    'destination code', 'destination codes', 'dialing code', 'dialling code', 'dialing codes', 'calling code', 'e164', 'e 164',
    'breakout code', 'number prefix', 'route code', 'codes list', 'prefix list'],
  country_code: ['country code', 'cc', 'country prefix', 'ccode', 'country dial code', 'country calling code'],
  area_codes: ['area code', 'area codes', 'area', 'city code', 'city codes', 'ndc', 'local codes', 'area prefix', 'area prefixes'],
  destination: ['destination', 'description', 'code name', 'name', 'dest', 'destination name', 'breakout', 'route', 'zone',
    'network', 'operator', 'dst', 'destination description'],
  country: ['country', 'country name'],
  rate: ['rate', 'rates', 'price', 'cost', 'rate per min', 'rate per minute', 'rate min', 'per minute', 'new rate',
    'current rate', 'price per min', 'price per minute', 'price min', 'usd min', 'eur min', 'rate usd', 'rate eur', 'rate gbp',
    'tariff', 'rate usd min', 'rate eur min', 'price usd', 'price eur', 'buy rate', 'sell rate', 'cost per minute'],
  rate_peak: ['peak', 'peak rate', 'rate peak', 'peak price', 'day rate'],
  rate_offpeak: ['off peak', 'offpeak', 'off peak rate', 'offpeak rate', 'rate off peak', 'night rate', 'weekend rate'],
  effective_from: ['effective date', 'effective', 'eff date', 'effective from', 'valid from', 'start date', 'from',
    'effective time', 'activation date', 'eff from', 'date effective', 'effective date time', 'effective datetime', 'start', 'date',
    'valid since', 'effective date utc'],
  effective_to: ['end date', 'valid to', 'valid until', 'expiry', 'expiry date', 'effective to', 'end', 'to', 'expiration date',
    'closing date', 'close date', 'eff to'],
  change: ['change', 'status', 'change type', 'rate change', 'action', 'indicator', 'change indicator', 'rate status', 'changes',
    'type of change', 'comment', 'comments', 'remarks', 'notes'],
  increment: ['billing increment', 'billing increments', 'increment', 'increments', 'billing', 'billing interval', 'billing unit',
    'pulse', 'billing cycle', 'charging', 'billing scheme', 'billing terms', 'interval pattern'],
  first_increment: ['min time', 'first interval', 'initial interval', 'initial increment', 'first increment', 'initial',
    'first period', 'minimum increment', 'init', 'initial pulse', 'first pulse'],
  next_increment: ['interval', 'next interval', 'next increment', 'subsequent increment', 'additional increment', 'subsequent interval',
    'next pulse', 'subsequent', 'additional interval'],
  min_duration: ['minimum duration', 'min duration', 'min charge seconds', 'minimum seconds', 'min seconds', 'minimum call duration'],
  grace: ['grace', 'grace period', 'free seconds', 'free time', 'grace seconds', 'grace time', 'free'],
  connection_fee: ['setup fee', 'connection fee', 'connect fee', 'setup', 'connection charge', 'connection', 'setup charge',
    'set up fee', 'connect charge', 'connection cost'],
  currency: ['currency', 'curr', 'ccy', 'currency code'],
};

const LOOKUP = new Map<string, DeckField>();
for (const [field, names] of Object.entries(SYNONYMS)) {
  for (const n of names) LOOKUP.set(n, field as DeckField);
}

export function guessField(header: string): DeckField | undefined {
  const n = normaliseHeader(header);
  if (n === '') return undefined;
  const exact = LOOKUP.get(n);
  if (exact) return exact;
  // Headers with a unit or currency tail ("Rate per minute (USD)", "Effective Date (UTC)") or a
  // qualifying head ("Rate Effective Date"): the known name covering more words wins, the head on a tie.
  const words = n.split(' ');
  let lead: { field: DeckField; words: number } | undefined;
  for (let k = words.length - 1; k >= 1 && !lead; k--) {
    const f = LOOKUP.get(words.slice(0, k).join(' '));
    if (f) lead = { field: f, words: k };
  }
  let trail: { field: DeckField; words: number } | undefined;
  for (let k = 1; k < words.length && !trail && lead; k++) {
    const f = LOOKUP.get(words.slice(k).join(' '));
    if (f) trail = { field: f, words: words.length - k };
  }
  // A tail alone ("Old Code") is not enough: it only corrects a head that says less.
  if (lead && trail) return trail.words > lead.words ? trail.field : lead.field;
  return lead?.field;
}

export interface ColumnMapping {
  /** 0-based column index → field. */
  byIndex: Map<number, DeckField>;
  /** The header text of each column, as found. */
  headers: string[];
}

/** Maps a header row: saved template first, then the user's overrides, then synonyms. First column wins a field. */
export function mapColumns(
  headers: string[],
  template: Record<string, DeckField> | undefined,
  overrides: Record<string, DeckField>,
): ColumnMapping {
  const byIndex = new Map<number, DeckField>();
  const taken = new Set<DeckField>();
  for (const [i, f] of explicitColumns(headers, template, overrides)) {
    byIndex.set(i, f);
    if (f !== 'ignore') taken.add(f);
  }
  headers.forEach((h, i) => {
    if (byIndex.has(i)) return;
    const f = guessField(h);
    if (f && !taken.has(f)) {
      byIndex.set(i, f);
      taken.add(f);
    }
  });
  return { byIndex, headers };
}

export function headerScore(cells: string[], template?: Record<string, DeckField>): { score: number; hasCode: boolean; hasRate: boolean } {
  const fields = new Set<DeckField>();
  for (const c of cells) {
    const n = normaliseHeader(c);
    const f = template && Object.hasOwn(template, n) ? template[n] : guessField(c);
    if (f && f !== 'ignore') fields.add(f);
  }
  return {
    score: fields.size,
    hasCode: fields.has('code') || fields.has('country_code'),
    hasRate: fields.has('rate') || fields.has('rate_peak'),
  };
}
