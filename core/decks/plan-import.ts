import { DateTime } from 'luxon';
import type { ChangeClass, ChangeCounts, Disagreement, NoticeViolation } from '../api/contract.ts';
import type { Problem } from '../api/errors.ts';
import { packTerms, unpackTerms, type NewRateVersion, type RateVersion } from '../db/rates-repo.ts';
import { isoInstant } from '../time/parse-date.ts';

/**
 * A deck row with its instants resolved: what the file says one prefix costs from when. It has the
 * shape of the version it may become, so a row that is written is written as it is, not copied.
 */
export interface ResolvedRow extends NewRateVersion {
  deckClass: ChangeClass | null;
}

export interface PlanInput {
  /** The carrier's current versions in (prefix, effective) order, as SQLite streams them (binary order). */
  existing: Iterable<RateVersion>;
  rows: ResolvedRow[];
  mode: 'full' | 'partial';
  /** Where a full import closes the prefixes it does not list. */
  closuresAt: number | null;
  receivedAt: number;
  notice: { increaseDays: number; newDays: number; decreaseDays: number; closedDays: number };
  zone: string;
  file: string;
  /** The destination of a stored version, for the few closures that need it. */
  destinationOf: (id: number) => string;
  /** The carrier's first deck on this side: the baseline, against which no notice can be due. */
  baseline: boolean;
  /** The dial-code column's header for a row's sheet, to name it in problems. */
  codeColumn: (sheet: string | null) => string;
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

/** A version on a prefix's timeline while the plan is made: a stored one (id ≥ 0) or one this import adds (id -1). */
interface Slot {
  id: number;
  from: number;
  kind: 'rate' | 'closed' | 'blocked';
  rateE8: number | null;
  feeE8: number;
  terms: number;
  insert?: NewRateVersion;
}

type Terms = Pick<Slot, 'kind' | 'rateE8' | 'feeE8' | 'terms'>;

function sameTerms(a: Terms, b: Terms): boolean {
  return a.kind === b.kind && a.rateE8 === b.rateE8 && a.terms === b.terms && a.feeE8 === b.feeE8;
}

/**
 * The class of a change against the version in force before it. Equal rates with different
 * billing terms are classed by the terms: longer increments, minimums or fees (or less grace) cost
 * more, so they are an increase and need the increase notice; mixed changes count as an increase too.
 */
export function classify(prev: Terms | undefined, next: Terms): ChangeClass {
  if (next.kind === 'closed') return 'closed';
  if (next.kind === 'blocked') return 'blocked';
  if (!prev || prev.kind !== 'rate' || prev.rateE8 === null) return 'new';
  if (next.rateE8! > prev.rateE8) return 'increase';
  if (next.rateE8! < prev.rateE8) return 'decrease';
  if (sameTerms(prev, next)) return 'unchanged';
  const a = unpackTerms(prev.terms);
  const b = unpackTerms(next.terms);
  const worse = b.first > a.first || b.next > a.next || b.min > a.min || b.grace < a.grace || next.feeE8 > prev.feeE8;
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

function where(r: ResolvedRow): string {
  return `${r.sheet ? `sheet "${r.sheet}", ` : ''}row ${r.row}`;
}

const KEY_DIGITS = 15;

/**
 * A number that orders digit strings (up to 15 digits) exactly as SQLite's binary collation does:
 * each digit counts 1–10 in base 11 and a shorter string pads with 0, so "44" < "440" < "4400" < "441".
 * Sorting 300k rows by it is several times faster than comparing strings.
 */
export function prefixSortKey(prefix: string): number {
  let key = 0;
  for (let i = 0; i < KEY_DIGITS; i++) key = key * 11 + (i < prefix.length ? prefix.charCodeAt(i) - 47 : 0);
  return key;
}

/** The rows in (prefix, effective, row) order, the order the stored versions stream in. */
function sortRows(rows: ResolvedRow[]): ResolvedRow[] {
  const keys = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) keys[i] = prefixSortKey(rows[i]!.prefix);
  const order = Array.from({ length: rows.length }, (_, i) => i);
  order.sort((a, b) => keys[a]! - keys[b]! || rows[a]!.from - rows[b]!.from || (rows[a]!.row ?? 0) - (rows[b]!.row ?? 0));
  return order.map((i) => rows[i]!);
}

/**
 * Classifies every row of a deck against the version in force before it and works out what to
 * write: new versions, versions replaced at the same instant, and the derived end of each version.
 * Pure: the clock, the store and the carrier's contract come in as data.
 */
export function planImport(input: PlanInput): ImportPlan {
  const counts: ChangeCounts = { new: 0, increase: 0, decrease: 0, unchanged: 0, closed: 0, blocked: 0 };
  const plan: ImportPlan = {
    inserts: [], supersede: [], effectiveTo: [], counts, revised: 0, prefixes: 0,
    violationCount: 0, violations: [], disagreementCount: 0, disagreements: [], problems: [], warnings: [],
  };
  if (input.baseline) plan.warnings.push('this is the first deck of this carrier and side: it is the baseline, so notice periods are not checked');
  const noticeUntilCache = new Map<number, number>();
  const noticeUntil = (days: number): number => {
    let v = noticeUntilCache.get(days);
    if (v === undefined) {
      v = DateTime.fromMillis(input.receivedAt, { zone: input.zone }).plus({ days }).toMillis();
      noticeUntilCache.set(days, v);
    }
    return v;
  };
  const disagree = (prefix: string, r: ResolvedRow, computed: ChangeClass): void => {
    plan.disagreementCount++;
    if (plan.disagreements.length < MAX_LISTED) {
      plan.disagreements.push({ prefix, ...(r.sheet ? { sheet: r.sheet } : {}), row: r.row ?? 0, deckSays: r.deckSays ?? '', computed });
    }
  };
  const problemAt = (r: ResolvedRow, column: string, value: string, message: string): void => {
    plan.problems.push({ file: input.file, ...(r.sheet ? { sheet: r.sheet } : {}), ...(r.row ? { row: r.row } : {}), column, value, message });
  };
  let changed = false;
  // Names of stored versions that omitted codes close: looked up once the stored deck is streamed.
  const unnamed: { id: number; targets: { destination: string }[] }[] = [];

  /** Puts a version on a prefix's timeline: `version` is the row itself, or a closure made for it. */
  const place = (timeline: Slot[], version: NewRateVersion, r: ResolvedRow | undefined): void => {
    const terms = packTerms(version.first, version.next, version.min, version.grace);
    const slot: Terms = { kind: version.kind, rateE8: version.rateE8, feeE8: version.feeE8, terms };
    let same = -1;
    let prevIndex = -1;
    for (let i = 0; i < timeline.length; i++) {
      const v = timeline[i]!;
      if (v.from === version.from) same = i;
      else if (v.from < version.from) prevIndex = i;
    }
    if (same >= 0) {
      const existing = timeline[same]!;
      if (sameTerms(existing, slot)) {
        if (existing.id >= 0) counts.unchanged++;
        return;
      }
      plan.supersede.push(existing.id);
      plan.revised++;
      changed = true;
      timeline.splice(same, 1);
      if (prevIndex > same) prevIndex--;
    }
    const prev = prevIndex >= 0 ? timeline[prevIndex] : undefined;
    if (version.kind === 'closed' && (!prev || prev.kind === 'closed')) {
      if (r) plan.warnings.push(`${where(r)}: prefix ${version.prefix} is marked closed but is not in force; nothing to close`);
      return;
    }
    const cls = classify(prev, slot);
    if (cls === 'unchanged' || (cls === 'blocked' && prev && sameTerms(prev, slot))) {
      counts.unchanged++;
      if (r?.deckClass && r.deckClass !== 'unchanged') disagree(version.prefix, r, 'unchanged');
      return;
    }
    counts[cls]++;
    const days = input.baseline ? 0 : noticeDays(cls, input.notice);
    const until = days > 0 ? noticeUntil(days) : null;
    const violation = until !== null && version.from < until;
    if (violation) {
      plan.violationCount++;
      if (plan.violations.length < MAX_LISTED) {
        plan.violations.push({
          prefix: version.prefix, destination: version.destination, changeClass: cls, effectiveFrom: isoInstant(version.from),
          noticeUntil: isoInstant(until), ...(version.sheet ? { sheet: version.sheet } : {}), ...(version.row ? { row: version.row } : {}),
        });
      }
    }
    if (r?.deckClass && r.deckClass !== cls) disagree(version.prefix, r, cls);
    version.changeClass = cls;
    version.noticeUntil = until;
    version.noticeViolation = violation;
    plan.inserts.push(version);
    changed = true;
    timeline.splice(prevIndex + 1, 0, { id: -1, from: version.from, insert: version, ...slot });
  };

  const closure = (of: NewRateVersion, from: number, destination: string): NewRateVersion => ({
    prefix: of.prefix, from, to: null, kind: 'closed', destination, rateE8: null, first: of.first, next: of.next, min: of.min,
    grace: of.grace, feeE8: of.feeE8, deckSays: null, changeClass: null, noticeUntil: null, noticeViolation: false, sheet: of.sheet, row: of.row,
  });

  const planListed = (timeline: Slot[], list: ResolvedRow[], start: number, end: number): void => {
    for (let k = start; k < end; k++) {
      const r = list[k]!;
      const twin = k > start ? list[k - 1] : undefined;
      if (twin && twin.from === r.from) {
        if (twin.kind !== r.kind || twin.rateE8 !== r.rateE8 || twin.feeE8 !== r.feeE8 || twin.first !== r.first || twin.next !== r.next
          || twin.min !== r.min || twin.grace !== r.grace) {
          problemAt(r, input.codeColumn(r.sheet), r.prefix, `prefix ${r.prefix} effective ${isoInstant(r.from)} is listed twice with different terms (also ${where(twin)})`);
        } else {
          plan.warnings.push(`${where(r)}: prefix ${r.prefix} repeats ${where(twin)}; counted once`);
        }
        continue;
      }
      const endsAt = r.to;
      r.to = null;
      place(timeline, r, r);
      // An end date in the deck closes the code then, unless the deck itself says what follows.
      if (endsAt !== null && r.kind !== 'closed') {
        if (endsAt <= r.from) problemAt(r, 'end date', isoInstant(endsAt), 'the end date is not after the effective date');
        else if (!list.slice(start, end).some((o) => o.from === endsAt)) place(timeline, closure(r, endsAt, r.destination), r);
      }
    }
  };

  const planOmitted = (timeline: Slot[], prefix: string, at: number): void => {
    // An A–Z deck replaces the whole deck from its date: versions of a code it drops that start
    // at or after that date are withdrawn, and the one in force then is closed.
    let withdrawnAt = false;
    for (let k = timeline.length - 1; k >= 0; k--) {
      const v = timeline[k]!;
      if (v.from >= at && v.id >= 0) {
        plan.supersede.push(v.id);
        if (v.from === at && v.kind !== 'closed') withdrawnAt = true;
        changed = true;
        timeline.splice(k, 1);
      }
    }
    let current: Slot | undefined;
    for (const v of timeline) if (v.from < at) current = v;
    if (!current || current.kind === 'closed') {
      // A code that started exactly at the deck's date and is now dropped never came to be: it is closed by withdrawal.
      if (withdrawnAt) counts.closed++;
      return;
    }
    const t = unpackTerms(current.terms);
    const version: NewRateVersion = {
      prefix, from: at, to: null, kind: 'closed', destination: '', rateE8: null, ...t, feeE8: current.feeE8,
      deckSays: null, changeClass: null, noticeUntil: null, noticeViolation: false, sheet: null, row: null,
    };
    const violations = plan.violations.length;
    place(timeline, version, undefined);
    unnamed.push({ id: current.id, targets: [version, ...plan.violations.slice(violations)] });
  };

  // The file's rows and the stored versions, both in prefix order, are walked together (a merge
  // join): nothing of the stored deck is held in memory beyond one prefix's versions.
  const rows = sortRows(input.rows);
  const stored = input.existing[Symbol.iterator]();
  let pending = stored.next();
  let i = 0;
  const timeline: Slot[] = [];
  while (i < rows.length || !pending.done) {
    const filePrefix = i < rows.length ? rows[i]!.prefix : undefined;
    const storedPrefix = pending.done ? undefined : pending.value.prefix;
    const prefix = filePrefix === undefined ? storedPrefix! : storedPrefix === undefined || filePrefix < storedPrefix ? filePrefix : storedPrefix;
    timeline.length = 0;
    while (!pending.done && pending.value.prefix === prefix) {
      timeline.push(pending.value);
      pending = stored.next();
    }
    const start = i;
    while (i < rows.length && rows[i]!.prefix === prefix) i++;
    changed = false;
    if (i > start) {
      plan.prefixes++;
      planListed(timeline, rows, start, i);
    } else if (input.mode === 'full' && input.closuresAt !== null) {
      planOmitted(timeline, prefix, input.closuresAt);
    }
    if (!changed) continue;
    // Each version of a changed prefix runs until the next one.
    for (let k = 0; k < timeline.length; k++) {
      const v = timeline[k]!;
      const to = k + 1 < timeline.length ? timeline[k + 1]!.from : null;
      if (v.insert) v.insert.to = to;
      else plan.effectiveTo.push({ id: v.id, to });
    }
  }

  for (const u of unnamed) {
    const name = u.id >= 0 ? input.destinationOf(u.id) : '';
    for (const t of u.targets) t.destination = name;
  }
  return plan;
}
