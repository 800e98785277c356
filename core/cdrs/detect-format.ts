/** Which CDR format a file is, from its first rows. */

import { normaliseHeader } from '../util/headers.ts';
import { mapCdrColumns, mappedFields } from './cdr-fields.ts';
import { makeLocalTimeParser } from './fast-time.ts';
import type { CdrFormat } from './formats.ts';

export interface DetectedCdrFormat {
  format: CdrFormat;
  hasHeader: boolean;
}

const ASTERISK_DISPOSITIONS = new Set(['ANSWERED', 'NO ANSWER', 'BUSY', 'FAILED', 'CONGESTION']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Q.850 cause names as FreeSWITCH writes them (NORMAL_CLEARING, NO_ANSWER, USER_BUSY …). */
const HANGUP_CAUSE = /^[A-Z][A-Z0-9_]{2,}$/;
const isTime = makeLocalTimeParser('UTC');

const cell = (row: string[], i: number): string => (row[i] ?? '').trim();
const isDateTime = (text: string): boolean => isTime(text) !== undefined;
const isWhole = (text: string): boolean => /^\d{1,9}$/.test(text);

function isAsteriskRow(row: string[]): boolean {
  return row.length >= 16 && row.length <= 21
    && isDateTime(cell(row, 9)) && (cell(row, 10) === '' || isDateTime(cell(row, 10))) && isDateTime(cell(row, 11))
    && isWhole(cell(row, 12)) && isWhole(cell(row, 13)) && ASTERISK_DISPOSITIONS.has(cell(row, 14));
}

function isFreeswitchRow(row: string[]): boolean {
  return row.length === 15
    && isDateTime(cell(row, 4)) && (cell(row, 5) === '' || isDateTime(cell(row, 5))) && isDateTime(cell(row, 6))
    && isWhole(cell(row, 7)) && isWhole(cell(row, 8)) && HANGUP_CAUSE.test(cell(row, 9)) && UUID.test(cell(row, 10));
}

/** A header row naming the fixed columns of a switch format (some people add one). */
function namesColumns(row: string[], names: string[]): boolean {
  return names.every((n, i) => normaliseHeader(row[i] ?? '').replace(/ /g, '') === n);
}

function isCgratesHeader(row: string[]): boolean {
  const names = new Set(row.map((h) => h.replace(/^\uFEFF/, '').toLowerCase().replace(/[^a-z0-9]/g, '')));
  return names.has('usage') && names.has('destination') && (names.has('cgrid') || names.has('originid'))
    && (names.has('answertime') || names.has('setuptime'));
}

/**
 * Looks at the first non-empty rows (up to 10): a CGRateS header; an Asterisk or FreeSWITCH row
 * layout (most rows must fit, so one odd row does not hide the format), with or without a header
 * naming its columns; else a generic header (at least 3 recognised CDR columns, including the
 * called number and a start or a duration). null when none fits.
 */
export function detectCdrFormat(rows: string[][]): DetectedCdrFormat | null {
  const sample = rows.filter((r) => r.some((c) => c.trim() !== '')).slice(0, 10);
  const first = sample[0];
  if (!first) return null;
  if (isCgratesHeader(first)) return { format: 'cgrates', hasHeader: true };

  const fits = (test: (r: string[]) => boolean, rest: string[][]): boolean => {
    if (rest.length === 0 || !test(rest[0]!)) return false;
    return rest.filter(test).length * 5 >= rest.length * 4;
  };
  if (fits(isAsteriskRow, sample)) return { format: 'asterisk', hasHeader: false };
  if (fits(isFreeswitchRow, sample)) return { format: 'freeswitch', hasHeader: false };
  const rest = sample.slice(1);
  if (namesColumns(first, ['accountcode', 'src', 'dst', 'dcontext']) && (rest.length === 0 || fits(isAsteriskRow, rest))) {
    return { format: 'asterisk', hasHeader: true };
  }
  if (namesColumns(first, ['calleridname', 'calleridnumber', 'destinationnumber']) && (rest.length === 0 || fits(isFreeswitchRow, rest))) {
    return { format: 'freeswitch', hasHeader: true };
  }

  const fields = mappedFields(mapCdrColumns(first, undefined, {}));
  const hasStart = fields.has('start') || fields.has('answer') || fields.has('date');
  if (fields.size >= 3 && fields.has('called') && (hasStart || fields.has('duration') || fields.has('duration_ms'))) {
    return { format: 'generic', hasHeader: true };
  }
  return null;
}
