import type { Args, Carrier, CdrSource, RatingStatus, Side, UnratedReason } from '../../../core/api/contract.ts';

/** The filters the Calls grid and the Summary share. */
export interface CdrFilters {
  carrier: string;
  side: Side;
  source: '' | CdrSource;
  /** Dates (YYYY-MM-DD) in the carrier's zone; `to` is inclusive on screen. */
  from: string;
  to: string;
  destination: string;
  status: '' | RatingStatus;
}

export const EMPTY_FILTERS: CdrFilters = { carrier: '', side: 'buy', source: '', from: '', to: '', destination: '', status: '' };

export const UNRATED_REASONS: readonly UnratedReason[] = ['no rate', 'closed code', 'blocked', 'invalid number'];

/** A vendor's calls cost us (its buy deck); a customer's earn (our sell deck to it). */
export function defaultSide(c: Carrier | undefined): Side {
  return c?.roles === 'customer' ? 'sell' : 'buy';
}

/** The day after a date input's value: the engine's `to` is exclusive, the screen's is inclusive. */
export function dayAfter(date: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return date;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + 1));
  return d.toISOString().slice(0, 10);
}

/** The period of the filters as the engine's from/to. */
export function periodOf(f: CdrFilters): { from?: string; to?: string } {
  const p: { from?: string; to?: string } = {};
  if (f.from) p.from = f.from;
  if (f.to) p.to = dayAfter(f.to);
  return p;
}

/** The query args for the Calls grid, without the page. */
export function queryBase(f: CdrFilters, destination: string): Omit<Args<'cdrs.query'>, 'startRow' | 'endRow'> {
  const base: Omit<Args<'cdrs.query'>, 'startRow' | 'endRow'> = { carrier: f.carrier, side: f.side, ...periodOf(f) };
  if (f.source) base.source = f.source;
  if (destination.trim()) base.destination = destination.trim();
  if (f.status) base.status = f.status;
  return base;
}

/** Seconds as the engine wrote them ("125", "912.5"), shown as they are. */
export function seconds(s: string | number | null | undefined): string {
  return s === null || s === undefined ? '' : String(s);
}

export function safeName(s: string): string {
  return s.replace(/[^\w.-]+/g, '_');
}
