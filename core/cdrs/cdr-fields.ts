/** Generic CDR columns: the fields we know, the names carriers and switches give them, and the mapping. */

import { explicitColumns, normaliseHeader } from '../util/headers.ts';

/** The fields a generic CDR column can be mapped to (`--map column=field`). */
export const CDR_FIELDS = [
  'call_id', 'start', 'answer', 'end', 'date', 'time', 'calling', 'called', 'duration', 'duration_ms',
  'disposition', 'ingress', 'egress', 'charge', 'ignore',
] as const;
export type CdrField = (typeof CDR_FIELDS)[number];

const SYNONYMS: Record<Exclude<CdrField, 'ignore'>, string[]> = {
  call_id: ['call id', 'callid', 'call_id', 'uniqueid', 'unique id', 'uuid', 'session id', 'sessionid', 'cdr id', 'cdrid',
    'originid', 'origin id', 'cgrid', 'call ref', 'call reference', 'correlation id', 'sip call id', 'record id', 'id'],
  // "connect time" is the answer instant (billing by connect time), so it is listed under answer.
  start: ['start', 'start time', 'start date', 'start datetime', 'start date time', 'start stamp', 'start_stamp', 'setup time',
    'setuptime', 'seize time', 'seizure time', 'date time', 'datetime', 'call date', 'call start', 'call start time',
    'timestamp', 'time stamp', 'begin time', 'origination time', 'invite time'],
  answer: ['answer', 'answer time', 'answered time', 'answer stamp', 'answer_stamp', 'answertime', 'connect time', 'connected time',
    'connect date', 'call answer time', 'answer date time'],
  end: ['end', 'end time', 'end stamp', 'end_stamp', 'disconnect time', 'release time', 'hangup time', 'call end', 'call end time',
    'stop time', 'end date time'],
  date: ['date', 'call day'],
  time: ['time', 'time of day'],
  calling: ['calling', 'calling number', 'caller', 'caller number', 'caller id', 'callerid', 'src', 'source', 'source number',
    'a number', 'anumber', 'a party', 'a party number', 'ani', 'cli', 'clid', 'caller_id_number', 'caller id number', 'from',
    'origin number', 'originating number', 'calling party'],
  called: ['called', 'called number', 'called party', 'dst', 'destination', 'destination number', 'destination_number', 'b number',
    'bnumber', 'b party', 'b party number', 'dnis', 'to', 'dialed number', 'dialled number', 'dialed', 'dialled', 'cld',
    'callee', 'terminating number', 'number dialed', 'number dialled', 'dest number'],
  duration: ['duration', 'billsec', 'billable seconds', 'bill sec', 'billsecs', 'billed seconds', 'billed duration', 'billable duration',
    'billable time', 'charged duration', 'call duration', 'usage', 'seconds', 'secs', 'talk time', 'conversation time',
    'duration sec', 'duration secs', 'duration seconds', 'duration s', 'length', 'call length'],
  duration_ms: ['billmsec', 'duration ms', 'duration msec', 'duration millis', 'duration milliseconds', 'billable ms',
    'billed ms', 'milliseconds', 'msec'],
  disposition: ['disposition', 'status', 'call status', 'hangup cause', 'hangup_cause', 'hangupcause', 'disconnect cause',
    'release cause', 'cause', 'result', 'answered', 'outcome', 'sip code', 'sip status'],
  ingress: ['accountcode', 'account code', 'account', 'ingress', 'ingress trunk', 'src trunk', 'source trunk', 'customer',
    'customer account', 'customer trunk', 'client', 'in trunk', 'inbound trunk', 'trunk in', 'peer in', 'orig trunk',
    'originating trunk', 'origination trunk', 'ingress account', 'ingress carrier', 'origin carrier'],
  egress: ['peeraccount', 'peer account', 'egress', 'egress trunk', 'dst trunk', 'destination trunk', 'vendor', 'supplier',
    'vendor trunk', 'out trunk', 'outbound trunk', 'trunk out', 'peer out', 'gateway', 'route', 'term trunk', 'terminating trunk',
    'termination trunk', 'egress account', 'egress carrier', 'terminating carrier'],
  charge: ['cost', 'charge', 'amount', 'price', 'call cost', 'call charge', 'total', 'total cost', 'total charge', 'charged amount',
    'billed amount'],
};

/**
 * Names that beat their field's other names whatever the column order: a switch export with both
 * "duration" (ringing included) and "billsec" must bill on billsec, and a "Destination" (often a
 * name such as "UK Mobile") must not take the place of a "B Number" further right.
 */
const PREFERRED = new Set(['billsec', 'billable seconds', 'bill sec', 'billsecs', 'billed seconds', 'billed duration',
  'billable duration', 'billable time', 'charged duration', 'billmsec', 'billable ms', 'billed ms',
  'called', 'called number', 'b number', 'bnumber', 'b party number', 'destination number', 'destination_number', 'dnis',
  'dialed number', 'dialled number', 'cld', 'dest number']);

const LOOKUP = new Map<string, CdrField>();
for (const [field, names] of Object.entries(SYNONYMS)) {
  for (const n of names) LOOKUP.set(normaliseHeader(n), field as CdrField);
}
const PREFERRED_NORMALISED = new Set([...PREFERRED].map(normaliseHeader));

interface Guess {
  field: CdrField;
  /** The synonym that matched, normalised. */
  name: string;
  words: number;
}

function guess(header: string): Guess | undefined {
  const n = normaliseHeader(header);
  if (n === '') return undefined;
  const exact = LOOKUP.get(n);
  if (exact) return { field: exact, name: n, words: 0 };
  // Headers with a unit or qualifier ("Start Time (UTC)", "Cost USD") or a qualifying head
  // ("Customer Call ID"): the known name covering more words wins, the head on a tie.
  const words = n.split(' ');
  let lead: Guess | undefined;
  for (let k = words.length - 1; k >= 1 && !lead; k--) {
    const name = words.slice(0, k).join(' ');
    const f = LOOKUP.get(name);
    if (f) lead = { field: f, name, words: k };
  }
  let trail: Guess | undefined;
  for (let k = 1; k < words.length && !trail && lead; k++) {
    const name = words.slice(k).join(' ');
    const f = LOOKUP.get(name);
    if (f) trail = { field: f, name, words: words.length - k };
  }
  // A tail alone ("Old Call ID") is not enough: it only corrects a head that says less.
  if (lead && trail) return trail.words > lead.words ? trail : lead;
  return lead;
}

/** The field a header names, if any: an exact synonym, or one with a unit or qualifier around it. */
export function guessCdrField(header: string): CdrField | undefined {
  return guess(header)?.field;
}

export interface CdrColumnMapping {
  /** 0-based column index → field. */
  byIndex: Map<number, CdrField>;
  /** The header text of each column, as found. */
  headers: string[];
}

/**
 * Maps a header row: the user's overrides first (by header, column letter or `#n`), then the saved
 * template (by normalised header), then synonyms. A field goes to one column: explicit choices
 * first, then preferred names (billsec over duration), then the leftmost column.
 */
export function mapCdrColumns(
  headers: string[],
  template: Record<string, CdrField> | undefined,
  overrides: Record<string, CdrField>,
): CdrColumnMapping {
  const byIndex = new Map<number, CdrField>();
  const taken = new Set<CdrField>();
  for (const [i, f] of explicitColumns(headers, template, overrides)) {
    byIndex.set(i, f);
    if (f !== 'ignore') taken.add(f);
  }
  const guesses = headers.map((h, i) => {
    const g = byIndex.has(i) ? undefined : guess(h);
    return { i, field: g?.field, preferred: g !== undefined && PREFERRED_NORMALISED.has(g.name) };
  });
  for (const pass of [true, false]) {
    for (const g of guesses) {
      if (g.field === undefined || g.preferred !== pass || taken.has(g.field)) continue;
      byIndex.set(g.i, g.field);
      taken.add(g.field);
    }
  }
  return { byIndex, headers };
}

/** The fields a mapping has, for checks and header detection. */
export function mappedFields(mapping: CdrColumnMapping): Set<CdrField> {
  const fields = new Set<CdrField>();
  for (const f of mapping.byIndex.values()) if (f !== 'ignore') fields.add(f);
  return fields;
}

/**
 * What a generic mapping lacks to make a CDR, in words ([] when complete): a called number, a
 * start instant (start, answer, or a date with or without a time), and a duration (or an end).
 */
export function missingCdrFields(mapping: CdrColumnMapping): string[] {
  const f = mappedFields(mapping);
  const missing: string[] = [];
  if (!f.has('called')) missing.push('called number');
  const hasStart = f.has('start') || f.has('answer') || f.has('date') || f.has('time');
  if (!hasStart) missing.push('start time');
  if (!f.has('duration') && !f.has('duration_ms') && !(f.has('end') && hasStart)) missing.push('duration (or end time)');
  return missing;
}
