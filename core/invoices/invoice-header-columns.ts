/**
 * Invoice header fields printed as table columns: some billing systems repeat the invoice number,
 * the period, the currency and the dates on every line instead of (or as well as) printing them
 * above the table. They are read, checked and merged with the notes block here; anything wrong is a
 * problem naming the row, the column and the value, and fails the file like any bad cell.
 */
import type { InvoiceField } from '../api/recon-types.ts';
import type { Problem } from '../api/errors.ts';
import { cellText, type TableRow } from '../excel/read-table.ts';
import { parseDateText, type DateOrder, type WallTime } from '../time/parse-date.ts';
import type { InvoiceNotes } from './invoice-notes.ts';

export const HEADER_FIELDS = ['invoiceNumber', 'periodFrom', 'periodTo', 'currency', 'invoiceDate', 'dueDate'] as const;
export type HeaderField = (typeof HEADER_FIELDS)[number];

export function isHeaderField(f: InvoiceField): f is HeaderField {
  return (HEADER_FIELDS as readonly string[]).includes(f);
}

const NAMES: Record<HeaderField, string> = {
  invoiceNumber: 'invoice number', periodFrom: 'period start', periodTo: 'period end', currency: 'currency', invoiceDate: 'invoice date', dueDate: 'due date',
};
const DATE_NOTE: Record<Exclude<HeaderField, 'invoiceNumber' | 'currency'>, 'periodFrom' | 'periodTo' | 'issuedOn' | 'dueOn'> = {
  periodFrom: 'periodFrom', periodTo: 'periodTo', invoiceDate: 'issuedOn', dueDate: 'dueOn',
};

interface Seen {
  row: number;
  column: string;
  text: string;
}

type Report = (p: Omit<Problem, 'file'>) => void;

function ymd(w: WallTime): string {
  return `${String(w.year).padStart(4, '0')}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
}

function dayNumber(w: WallTime): number {
  return Date.UTC(w.year, w.month - 1, w.day);
}

export class InvoiceHeaderColumns {
  private readonly seen = new Map<HeaderField, Seen>();
  private readonly columns: [number, HeaderField][];

  constructor(
    byIndex: ReadonlyMap<number, InvoiceField>,
    private readonly where: (i: number) => string,
    private readonly sheetLabel: { sheet?: string },
    private readonly problem: Report,
  ) {
    this.columns = [...byIndex].filter((e): e is [number, HeaderField] => isHeaderField(e[1]));
  }

  /** One line's header cells: empty ones say nothing; the others must all say the same. */
  readRow(r: TableRow): void {
    for (const [i, f] of this.columns) {
      const text = cellText(r.cells[i] ?? null).trim();
      if (text === '') continue;
      const first = this.seen.get(f);
      if (!first) {
        this.seen.set(f, { row: r.row, column: this.where(i), text });
        continue;
      }
      const same = f === 'currency' ? first.text.toUpperCase() === text.toUpperCase() : first.text === text;
      if (!same) {
        this.problem({ ...this.sheetLabel, row: r.row, column: this.where(i), value: text,
          message: `one invoice has one ${NAMES[f]}: row ${first.row} says "${first.text}", this line says "${text}"` });
      }
    }
  }

  /**
   * Parses what the columns said and merges it into the notes (which are updated in place). A column
   * that contradicts the notes block above the table, an unreadable date, a currency that is not a
   * three-letter code, or a period that ends before it starts is a problem.
   */
  finish(notes: InvoiceNotes, order: DateOrder | undefined): void {
    const dates: Partial<Record<HeaderField, { wall: WallTime; at: Seen }>> = {};
    for (const [f, at] of this.seen) {
      const named = { ...this.sheetLabel, row: at.row, column: at.column, value: at.text };
      if (f === 'invoiceNumber') {
        if (notes.number !== null && notes.number !== at.text) this.problem({ ...named, message: `the invoice number above the table is "${notes.number}"` });
        else notes.number = at.text;
        continue;
      }
      if (f === 'currency') {
        const code = at.text.toUpperCase();
        if (!/^[A-Z]{3}$/.test(code)) this.problem({ ...named, message: 'a currency is a three-letter code (USD, EUR …)' });
        else if (notes.currency !== null && notes.currency !== code) this.problem({ ...named, message: `the currency above the table is ${notes.currency}` });
        else notes.currency = code;
        continue;
      }
      const p = parseDateText(at.text, order);
      if (p.kind === 'ambiguous') {
        this.problem({ ...named, message: `the ${NAMES[f]} reads both day-first and month-first; give --date-order DMY or MDY` });
        continue;
      }
      if (p.kind === 'error') {
        this.problem({ ...named, message: `the ${NAMES[f]} is not a date (${p.reason})` });
        continue;
      }
      const key = DATE_NOTE[f];
      const stated = notes[key];
      if (stated && ymd(stated) !== ymd(p.wall)) this.problem({ ...named, message: `the ${NAMES[f]} above the table is ${ymd(stated)}` });
      else {
        notes[key] = p.wall;
        dates[f] = { wall: p.wall, at };
      }
    }
    const from = dates.periodFrom?.wall ?? notes.periodFrom;
    const to = dates.periodTo;
    const fromAt = dates.periodFrom?.at;
    if (from && notes.periodTo && dayNumber(notes.periodTo) < dayNumber(from)) {
      // Name the cell that states the later of the two ends read from the table.
      const at = to?.at ?? fromAt;
      const message = `the period ends (${ymd(notes.periodTo)}) before it starts (${ymd(from)})`;
      if (at) this.problem({ ...this.sheetLabel, row: at.row, column: at.column, value: at.text, message });
      else this.problem({ value: `${ymd(from)} to ${ymd(notes.periodTo)}`, message: `the billing period above the table: ${message}` });
    }
  }
}

/** Header names for each field, for the column mapper's synonyms. */
export const HEADER_SYNONYMS: Record<HeaderField, string[]> = {
  invoiceNumber: ['invoice no', 'invoice number', 'invoice nr', 'invoice id', 'invoice ref', 'invoice reference', 'inv no', 'invoice num', 'bill no', 'bill number'],
  periodFrom: ['period from', 'period start', 'billing period from', 'billing period start', 'start of period', 'period start date', 'service period from',
    'usage from', 'from date', 'billing from'],
  periodTo: ['period to', 'period end', 'billing period to', 'billing period end', 'end of period', 'period end date', 'service period to', 'usage to',
    'to date', 'billing to', 'period until'],
  currency: ['currency', 'ccy', 'curr', 'currency code'],
  invoiceDate: ['invoice date', 'date of issue', 'issue date', 'billing date'],
  dueDate: ['due date', 'payment due', 'payment due date', 'due on'],
};
