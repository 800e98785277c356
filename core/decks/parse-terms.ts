import type { ChangeClass } from '../api/contract.ts';

/** Billing terms and change words as decks write them. */

export interface Increment {
  first: number;
  next: number;
}

const MAX_INCREMENT_S = 3600;

/** "60/60", "1/1", "30/6", "60+60", "60-60", "1 / 1 s"; a single "60" means 60/60. */
export function parseIncrement(text: string): Increment | { error: string } {
  const t = text.trim().toLowerCase().replace(/\s*(sec|secs|seconds|s)\b/g, '');
  const m = /^(\d+)\s*(?:[/+\-:x]\s*(\d+))?$/.exec(t);
  if (!m) return { error: `"${text.trim()}" is not a billing increment (write a/b, e.g. 60/60)` };
  const first = Number(m[1]);
  const next = Number(m[2] ?? m[1]);
  if (first < 1 || next < 1) return { error: `billing increment "${text.trim()}" must be at least 1 second` };
  if (first > MAX_INCREMENT_S || next > MAX_INCREMENT_S) return { error: `billing increment "${text.trim()}" is longer than an hour` };
  return { first, next };
}

/** A count of seconds: whole, not negative, at most an hour. */
export function parseSeconds(text: string, what: string): number | { error: string } {
  const t = text.trim().toLowerCase().replace(/\s*(sec|secs|seconds|s)$/, '');
  if (!/^\d+(?:\.0+)?$/.test(t)) return { error: `${what} "${text.trim()}" is not a whole number of seconds` };
  const n = Number(t.replace(/\.0+$/, ''));
  if (n > MAX_INCREMENT_S) return { error: `${what} "${text.trim()}" is longer than an hour` };
  return n;
}

const CHANGE_WORDS: [RegExp, ChangeClass][] = [
  [/^(new|added|add|new code|new destination|n)$/, 'new'],
  [/^(increase|increased|increasing|inc|up|higher|i|price increase|rate increase)$/, 'increase'],
  [/^(decrease|decreased|decreasing|dec|down|lower|d|price decrease|rate decrease|reduced|reduction)$/, 'decrease'],
  [/^(unchanged|current|same|no change|nochange|existing|u|c|active|no)$/, 'unchanged'],
  [/^(closed|close|closing|removed|remove|deleted|delete|discontinued|terminated|x|del)$/, 'closed'],
  [/^(blocked|block|barred|suspended|b)$/, 'blocked'],
];

/** The class a deck's own change column claims, or null for words that are not a change class. */
export function parseChangeWord(text: string): ChangeClass | null {
  const t = text.trim().toLowerCase().replace(/[^a-z ]+/g, ' ').replace(/\s+/g, ' ').trim();
  if (t === '') return null;
  for (const [re, cls] of CHANGE_WORDS) if (re.test(t)) return cls;
  return null;
}
