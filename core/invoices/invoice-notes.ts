import { readNotes } from '../decks/notes-block.ts';
import { parseDateText, type DateOrder, type WallTime } from '../time/parse-date.ts';
import { parseMoney } from './parse-money.ts';

/** What the text around an invoice's table says: the header fields a billing system prints above it. */
export interface InvoiceNotes {
  number: string | null;
  /** Inclusive dates as the invoice states them (the period's last day, not the instant after it). */
  periodFrom: WallTime | null;
  periodTo: WallTime | null;
  currency: string | null;
  issuedOn: WallTime | null;
  dueOn: WallTime | null;
  totalE8: number | null;
  totalText: string | null;
  /** Dates that could be read day-first or month-first: reported, never guessed. */
  ambiguous: string[];
}

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const DATE = String.raw`(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[./-]\d{1,2}[./-]\d{4}|\d{1,2}[ -][A-Za-z]{3,9}\.?[ ,-]*\d{4}|[A-Za-z]{3,9}\.? \d{1,2},? \d{4})`;
const NUMBER = /\b(?:invoice|rechnung|facture|factura)\s*(?:no\.?|number|nr\.?|num|#|id|ref(?:erence)?)\s*[:#.]?\s*([A-Za-z0-9][A-Za-z0-9\-/_.]*[A-Za-z0-9])/i;
const ISSUED = new RegExp(String.raw`\b(?:invoice date|date of issue|issue date|issued(?: on)?|billing date|date issued)\s*[:.]?\s*${DATE}`, 'i');
const DUE = new RegExp(String.raw`\b(?:due date|payment due(?: date)?|due by|due on|pay by|due)\s*[:.]?\s*${DATE}`, 'i');
const PERIOD_RANGE = new RegExp(String.raw`\b(?:billing period|service period|usage period|invoice period|period|traffic period|for the period)\s*(?:from)?\s*[:.]?\s*${DATE}\s*(?:to|until|till|through|-|–|—)\s*${DATE}`, 'i');
const PERIOD_MONTH = /\b(?:billing period|service period|usage period|invoice period|period|traffic period|traffic month|month)\s*[:.]?\s*(?:(\d{4})-(\d{2})\b|([A-Za-z]{3,9})\.?[ -]?(\d{4}))/i;
const TOTAL = /\b(?:invoice total|total amount due|total due|amount due|grand total|total amount|balance due|total)\b\s*(?:\([A-Z]{3}\))?\s*[:=]?\s*((?:[A-Z]{3}\s*)?\(?[-$€£]?\s*[\d][\d.,\s]*\)?(?:\s*[A-Z]{3})?)/i;

function dateOf(text: string | undefined, order: DateOrder | undefined, ambiguous: string[]): WallTime | null {
  if (!text) return null;
  const p = parseDateText(text.replace(/,(?=\s*\d{4})/, ',').replace(/\.$/, ''), order);
  if (p.kind === 'ok') return p.wall;
  if (p.kind === 'ambiguous') ambiguous.push(text);
  return null;
}

function monthIndex(name: string): number {
  const n = name.toLowerCase();
  const i = MONTHS.findIndex((m) => m.startsWith(n.slice(0, 3)) && (n.length <= 3 || m.startsWith(n) || n === 'sept'));
  return i + 1;
}

export function lastDayOf(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function readInvoiceNotes(lines: string[], order?: DateOrder): InvoiceNotes {
  const notes: InvoiceNotes = { number: null, periodFrom: null, periodTo: null, currency: null, issuedOn: null, dueOn: null, totalE8: null, totalText: null, ambiguous: [] };
  const amb = notes.ambiguous;
  // As for decks: a date that can only be read one way ("30/09/2026") fixes the order for the whole file.
  if (!order) {
    for (const line of lines) {
      for (const m of line.matchAll(new RegExp(DATE, 'g'))) {
        const p = parseDateText(m[1]!);
        if (p.kind === 'ok' && p.order) order = p.order;
        if (order) break;
      }
      if (order) break;
    }
  }
  for (const line of lines) {
    if (!notes.number) {
      const m = NUMBER.exec(line);
      if (m) notes.number = m[1]!;
    }
    if (!notes.issuedOn) notes.issuedOn = dateOf(ISSUED.exec(line)?.[1], order, amb);
    if (!notes.dueOn) notes.dueOn = dateOf(DUE.exec(line)?.[1], order, amb);
    if (!notes.periodFrom) {
      const r = PERIOD_RANGE.exec(line);
      if (r) {
        notes.periodFrom = dateOf(r[1], order, amb);
        notes.periodTo = dateOf(r[2], order, amb);
      } else {
        const m = PERIOD_MONTH.exec(line);
        if (m) {
          const year = Number(m[1] ?? m[4]);
          const month = m[2] ? Number(m[2]) : monthIndex(m[3]!);
          if (month >= 1 && month <= 12) {
            notes.periodFrom = { year, month, day: 1, hour: 0, minute: 0, second: 0 };
            notes.periodTo = { year, month, day: lastDayOf(year, month), hour: 0, minute: 0, second: 0 };
          }
        }
      }
    }
    if (notes.totalE8 === null && !/\bsub ?total\b/i.test(line)) {
      const m = TOTAL.exec(line);
      if (m) {
        const a = parseMoney(m[1]!.trim());
        if (a.ok) {
          notes.totalE8 = a.e8;
          notes.totalText = m[1]!.trim();
        }
      }
    }
  }
  notes.currency = readNotes(lines).currency;
  return notes;
}
