/** Invoice columns: the fields we know and the names carriers' billing systems give them. */
import type { InvoiceField } from '../api/recon-types.ts';
import { explicitColumns, normaliseHeader } from '../util/headers.ts';
import { HEADER_SYNONYMS, isHeaderField } from './invoice-header-columns.ts';

const SYNONYMS: Record<Exclude<InvoiceField, 'ignore'>, string[]> = {
  destination: ['destination', 'description', 'country', 'zone', 'route', 'service', 'destination name', 'breakout', 'dest', 'product',
    'traffic', 'call type', 'network', 'item'],
  prefix: ['prefix', 'code', 'codes', 'dial code', 'dialcode', 'dial codes', 'destination code', 'dst code', 'prefixes'],
  calls: ['calls', 'no of calls', 'number of calls', 'call count', 'connected calls', 'answered calls', 'qty', 'quantity', 'count',
    'successful calls', 'total calls', 'nr of calls', 'attempts'],
  minutes: ['minutes', 'billed minutes', 'billable minutes', 'mins', 'duration', 'duration min', 'duration minutes', 'usage', 'usage min',
    'total minutes', 'billed duration', 'charged minutes', 'min', 'volume'],
  rate: ['rate', 'price', 'rate per min', 'rate per minute', 'unit price', 'rate min', 'price per minute', 'price per min', 'tariff',
    'unit rate', 'avg rate', 'average rate'],
  amount: ['amount', 'total', 'charges', 'charge', 'cost', 'total amount', 'net amount', 'value', 'line total', 'amount due', 'net',
    'total charge', 'total charges', 'sum'],
  ...HEADER_SYNONYMS,
};

const LOOKUP = new Map<string, InvoiceField>();
for (const [field, names] of Object.entries(SYNONYMS)) for (const n of names) LOOKUP.set(n, field as InvoiceField);

/** The field a header names: an exact synonym, else the longest known leading words ("Amount (USD)", "Minutes billed"). */
export function guessInvoiceField(header: string): InvoiceField | undefined {
  const n = normaliseHeader(header);
  if (n === '') return undefined;
  const exact = LOOKUP.get(n);
  if (exact) return exact;
  const words = n.split(' ');
  for (let k = words.length - 1; k >= 1; k--) {
    const f = LOOKUP.get(words.slice(0, k).join(' '));
    if (f) return f;
  }
  for (let k = 1; k < words.length; k++) {
    const f = LOOKUP.get(words.slice(k).join(' '));
    if (f) return f;
  }
  return undefined;
}

/** Maps a header row: the user's overrides, then the carrier's saved template, then synonyms. First column wins a field. */
export function mapInvoiceColumns(headers: string[], template: Record<string, InvoiceField> | undefined, overrides: Record<string, InvoiceField>): Map<number, InvoiceField> {
  const byIndex = new Map<number, InvoiceField>();
  const taken = new Set<InvoiceField>();
  for (const [i, f] of explicitColumns(headers, template, overrides)) {
    byIndex.set(i, f);
    if (f !== 'ignore') taken.add(f);
  }
  headers.forEach((h, i) => {
    if (byIndex.has(i)) return;
    const f = guessInvoiceField(h);
    if (f && !taken.has(f)) {
      byIndex.set(i, f);
      taken.add(f);
    }
  });
  return byIndex;
}

/** A header row is an invoice table's when it names an amount, a destination or a prefix, and one more line field. */
export function isInvoiceHeader(cells: string[], template?: Record<string, InvoiceField>): boolean {
  const fields = new Set<InvoiceField>();
  for (const c of cells) {
    const n = normaliseHeader(c);
    const f = template && Object.hasOwn(template, n) ? template[n] : guessInvoiceField(c);
    if (f && f !== 'ignore' && !isHeaderField(f)) fields.add(f);
  }
  return fields.has('amount') && (fields.has('destination') || fields.has('prefix')) && fields.size >= 3;
}
