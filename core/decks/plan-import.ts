import { DateTime } from 'luxon';
import type { ChangeClass, ChangeCounts, Disagreement, NoticeViolation } from '../api/contract.ts';
import type { Problem } from '../api/errors.ts';
import type { NewRateVersion, RateVersion } from '../db/rates-repo.ts';
import { isoInstant } from '../time/parse-date.ts';

/** A deck row with its instants resolved: what the file says one prefix costs from when. */
export interface ResolvedRow {
  prefix: string;
  destination: string;
  kind: 'rate' | 'closed' | 'blocked';
  rateE8: number | null;
  from: number;
  to: number | null;
  first: number;
  next: number;
  min: number;
  grace: number;
  feeE8: number;
  deckSays: string | null;
  deckClass: ChangeClass | null;
  sheet: string | null;
  row: number | null;
}

export interface PlanInput {
  existing: Map<string, RateVersion[]>;
  rows: ResolvedRow[];
  mode: 'full' | 'partial';
  /** Where a full import closes the prefixes it does not list. */
  closuresAt: number | null;
  receivedAt: number;
  notice: { increaseDays: number; newDays: number; decreaseDays: number; closedDays: number };
  zone: string;
  currency: string;
  file: string;
}

export interface ImportPlan {
  inserts: NewRateVersion[];
  supersede: number[];
  effectiveTo: { id: number; to: number | null }[];
  counts: ChangeCounts;
  revised: number;
  prefixes: number;
  violationCount: number;
  violations: NoticeViolation[];
  disagreementCount: number;
  disagreements: Disagreement[];
  problems: Problem[];
  warnings: string[];
}

/** A version on a prefix's timeline while the plan is made: one already stored (id) or one this import adds. */
interface Slot {
  id: number | null;
  destination: string;
  from: number;
  to: number | null;
  kind: 'rate' | 'closed' | 'blocked';
  rateE8: number | null;
  first: number;
  next: number;
  min: number;
  grace: number;
  feeE8: number;
  insert?: NewRateVersion;
}

type Terms = Pick<Slot, 'kind' | 'rateE8' | 'first' | 'next' | 'min' | 'grace' | 'feeE8'>;

function sameTerms(a: Terms, b: Terms): boolean {
  return a.kind === b.kind && a.rateE8 === b.rateE8 && a.first === b.first && a.next === b.next && a.min === b.min
    && a.grace === b.grace && a.feeE8 === b.feeE8;
}

/**
 * The class of a change against the version in force before it. Equal rates with different
 * billing terms are classed by the terms: longer increments, minimums or fees cost more, so they
 * are an increase (and need the increase notice); mixed changes are treated as an increase too.
 */
export function classify(prev: Terms | undefined, next: Terms): ChangeClass {
  if (next.kind === 'closed') return 'closed';
  if (next.kind === 'blocked') return 'blocked';
  if (!prev || prev.kind !== 'rate' || prev.rateE8 === null) return 'new';
  if (next.rateE8! > prev.rateE8) return 'increase';
  if (next.rateE8! < prev.rateE8) return 'decrease';
  if (sameTerms(prev, next)) return 'unchanged';
  const worse = next.first > prev.first || next.next > prev.next || next.min > prev.min || next.grace < prev.grace || next.feeE8 > prev.feeE8;
  return worse ? 'increase' : 'decrease';
}

function noticeDays(cls: ChangeClass, n: PlanInput['notice']): number {
  switch (cls) {
    case 'increase': return n.increaseDays;
    case 'new': return n.newDays;
    case 'decrease': return n.decreaseDays;
    case 'closed': return n.closedDays;
    default: return 0;
  }
}

const MAX_LISTED = 1000;

export function planImport(input: PlanInput): ImportPlan {
  const counts: ChangeCounts = { new: 0, increase: 0, decrease: 0, unchanged: 0, closed: 0, blocked: 0 };
  const plan: ImportPlan = {
    inserts: [], supersede: [], effectiveTo: [], counts, revised: 0, prefixes: 0,
    violationCount: 0, violations: [], disagreementCount: 0, disagreements: [], problems: [], warnings: [],
  };
  const noticeUntilCache = new Map<number, number>();
  const noticeUntil = (days: number): number => {
    let v = noticeUntilCache.get(days);
    if (v === undefined) {
      v = DateTime.fromMillis(input.receivedAt, { zone: input.zone }).plus({ days }).toMillis();
      noticeUntilCache.set(days, v);
    }
    return v;
  };

  // Group the file's rows by prefix, in effective order; the same key twice must say the same thing.
  const byPrefix = new Map<string, ResolvedRow[]>();
  for (const r of input.rows) {
    const list = byPrefix.get(r.prefix);
    if (list) list.push(r);
    else byPrefix.set(r.prefix, [r]);
  }
  plan.prefixes = byPrefix.size;
  const baseline = input.existing.size === 0;
  if (baseline) plan.warnings.push('this is the first deck of this carrier and side: it is the baseline, so notice periods are not checked');
  const touched = new Map<string, Slot[]>();
  const timelineOf = (prefix: string): Slot[] => {
    let t = touched.get(prefix);
    if (!t) {
      t = (input.existing.get(prefix) ?? []).map((v) => ({ ...v }));
      touched.set(prefix, t);
    }
    return t;
  };

  const place = (prefix: string, r: ResolvedRow | undefined, slot: Omit<Slot, 'id' | 'to' | 'insert' | 'destination'>, destination: string): void => {
    const timeline = timelineOf(prefix);
    let same = -1;
    let prevIndex = -1;
    for (let i = 0; i < timeline.length; i++) {
      const v = timeline[i]!;
      if (v.from === slot.from) same = i;
      else if (v.from < slot.from) prevIndex = i;
    }
    if (same >= 0) {
      const existing = timeline[same]!;
      if (sameTerms(existing, slot)) {
        if (existing.id !== null) counts.unchanged++;
        return;
      }
      if (existing.id === null) return; // The file's own duplicate was reported already.
      plan.supersede.push(existing.id);
      plan.revised++;
      timeline.splice(same, 1);
      if (prevIndex > same) prevIndex--;
    }
    const prev = prevIndex >= 0 ? timeline[prevIndex] : undefined;
    if (slot.kind === 'closed' && (!prev || prev.kind === 'closed')) {
      if (r) plan.warnings.push(`${r.sheet ? `sheet "${r.sheet}", ` : ''}row ${r.row}: prefix ${prefix} is marked closed but is not in force; nothing to close`);
      return;
    }
    const cls = classify(prev, slot);
    if (cls === 'unchanged' || (cls === 'blocked' && prev && sameTerms(prev, slot))) {
      counts.unchanged++;
      if (r?.deckClass && r.deckClass !== 'unchanged') {
        plan.disagreementCount++;
        if (plan.disagreements.length < MAX_LISTED) plan.disagreements.push({ prefix, sheet: r.sheet ?? undefined, row: r.row ?? 0, deckSays: r.deckSays ?? '', computed: 'unchanged' });
      }
      return;
    }
    counts[cls]++;
    // A carrier's first deck is the baseline of the relationship: there is nothing to give notice against.
    const days = baseline ? 0 : noticeDays(cls, input.notice);
    const until = days > 0 ? noticeUntil(days) : null;
    const violation = until !== null && slot.from < until;
    if (violation) {
      plan.violationCount++;
      if (plan.violations.length < MAX_LISTED) {
        plan.violations.push({
          prefix, destination, changeClass: cls, effectiveFrom: isoInstant(slot.from), noticeUntil: isoInstant(until),
          ...(r?.sheet ? { sheet: r.sheet } : {}), ...(r?.row ? { row: r.row } : {}),
        });
      }
    }
    if (r?.deckClass && r.deckClass !== cls) {
      plan.disagreementCount++;
      if (plan.disagreements.length < MAX_LISTED) plan.disagreements.push({ prefix, sheet: r.sheet ?? undefined, row: r.row ?? 0, deckSays: r.deckSays ?? '', computed: cls });
    }
    const insert: NewRateVersion = {
      prefix, from: slot.from, to: null, kind: slot.kind, destination, rateE8: slot.rateE8, currency: input.currency,
      first: slot.first, next: slot.next, min: slot.min, grace: slot.grace, feeE8: slot.feeE8,
      changeClass: cls, deckChange: r?.deckSays ?? null, noticeUntil: until, noticeViolation: violation,
      sheet: r?.sheet ?? null, row: r?.row ?? null,
    };
    plan.inserts.push(insert);
    timeline.splice(prevIndex + 1, 0, { ...slot, destination, id: null, to: null, insert });
  };

  for (const [prefix, list] of byPrefix) {
    list.sort((a, b) => a.from - b.from || (a.row ?? 0) - (b.row ?? 0));
    for (let i = 0; i < list.length; i++) {
      const r = list[i]!;
      const twin = i > 0 ? list[i - 1] : undefined;
      if (twin && twin.from === r.from) {
        if (!sameTerms(twin, r)) {
          plan.problems.push({
            file: input.file, sheet: r.sheet ?? undefined, row: r.row ?? undefined, column: 'code', value: prefix,
            message: `prefix ${prefix} effective ${isoInstant(r.from)} is listed twice with different terms (also ${twin.sheet ? `sheet "${twin.sheet}" ` : ''}row ${twin.row})`,
          });
        } else {
          plan.warnings.push(`row ${r.row}: prefix ${prefix} repeats row ${twin.row}; counted once`);
        }
        continue;
      }
      place(prefix, r, r, r.destination);
      // An end date in the deck closes the code then, unless the deck itself says what follows.
      if (r.to !== null && r.kind !== 'closed') {
        if (r.to <= r.from) {
          plan.problems.push({ file: input.file, sheet: r.sheet ?? undefined, row: r.row ?? undefined, column: 'end date', value: isoInstant(r.to), message: 'the end date is not after the effective date' });
        } else if (!list.some((o) => o.from === r.to)) {
          place(prefix, r, { ...r, from: r.to, kind: 'closed', rateE8: null }, r.destination);
        }
      }
    }
  }

  if (input.mode === 'full' && input.closuresAt !== null) {
    const at = input.closuresAt;
    for (const prefix of input.existing.keys()) {
      if (byPrefix.has(prefix)) continue;
      const timeline = timelineOf(prefix);
      // An A–Z deck replaces the whole deck from its date: later versions of a prefix it drops are withdrawn.
      for (let i = timeline.length - 1; i >= 0; i--) {
        const v = timeline[i]!;
        if (v.from > at && v.id !== null) {
          plan.supersede.push(v.id);
          timeline.splice(i, 1);
        }
      }
      const current = [...timeline].reverse().find((v) => v.from <= at);
      if (!current || current.kind === 'closed') continue;
      place(prefix, undefined, { from: at, kind: 'closed', rateE8: null, first: current.first, next: current.next, min: current.min, grace: current.grace, feeE8: current.feeE8 }, current.destination);
    }
  }

  // Each version runs until the next one of its prefix.
  for (const timeline of touched.values()) {
    for (let i = 0; i < timeline.length; i++) {
      const v = timeline[i]!;
      const to = i + 1 < timeline.length ? timeline[i + 1]!.from : null;
      if (v.insert) v.insert.to = to;
      else if (v.id !== null && v.to !== to) plan.effectiveTo.push({ id: v.id, to });
    }
  }
  plan.inserts.sort((a, b) => (a.prefix < b.prefix ? -1 : a.prefix > b.prefix ? 1 : a.from - b.from));
  return plan;
}
