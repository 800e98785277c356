import type { ErrorBody, ErrorCode } from '../core/api/errors.ts';

/** What each error code means to the person at the screen. The engine's message adds the specifics. */
export const ERROR_TEXT: Record<ErrorCode, string> = {
  INVALID_ARGUMENTS: 'Some values are not valid. Check the highlighted fields.',
  UNKNOWN_METHOD: 'This version of the app asked the engine for something it does not know. Update Trunkline.',
  CARRIER_NOT_FOUND: 'That carrier does not exist (it may have been renamed).',
  CARRIER_EXISTS: 'A carrier with that name already exists.',
  FILE_NOT_FOUND: 'The file could not be found.',
  FILE_UNREADABLE: 'The file could not be read. Is it a CSV or XLSX rate deck (not legacy .xls)?',
  DECK_EMPTY: 'The deck has no rate rows.',
  DECK_NO_HEADER: 'No header row with a code column and a rate column was found. Set the header row by hand.',
  DECK_SHEET_NOT_FOUND: 'That sheet is not in the workbook.',
  DECK_MAPPING_INCOMPLETE: 'Some required columns are not mapped: a code column and a rate column are needed.',
  DECK_PARSE_ERROR: 'The deck has problems in some rows. Nothing was written.',
  CDR_FORMAT_UNKNOWN: 'This is not a CDR file Trunkline recognises. Choose its format and map its columns.',
  CDR_PARSE_ERROR: 'The CDR file has problems in some rows. Nothing was written (or import the good rows and keep a rejects file).',
  DECK_NO_EFFECTIVE_DATE: 'The deck does not say when it takes effect. Enter an effective date.',
  RATE_NOT_FOUND: 'No rate covers that number at that time.',
  INVALID_NUMBER: 'That is not a valid phone number.',
  EXPORT_FAILED: 'The export could not be written.',
  JOB_CANCELLED: 'The job was cancelled. Nothing was written.',
  JOB_NOT_FOUND: 'That job has already finished.',
  DB_NOT_TRUNKLINE: 'This file is not a Trunkline workspace.',
  DB_NEWER_VERSION: 'This workspace was written by a newer version of Trunkline. Update the app to open it.',
  DB_DIVERGED: 'This workspace was changed by a different build of Trunkline and cannot be opened safely.',
  DB_CORRUPT: 'The workspace database is damaged. Restore it from a backup.',
  DB_BUSY: 'The workspace is busy (another program holds it). Try again in a moment.',
  INTERNAL_ERROR: 'Something went wrong inside Trunkline. The details are in the log.',
  LCR_NO_VENDORS: 'No vendor has a buy deck to route over. Import a vendor\'s deck first, or choose other vendors.',
  CURRENCY_MISMATCH: 'These decks are in different currencies and cannot be compared. Choose decks of one currency.',
};

/** Codes that mean the workspace itself cannot be used: the app shows its fatal screen. */
export const isDatabaseError = (code: ErrorCode): boolean => code.startsWith('DB_');

export function plainText(error: ErrorBody): string {
  return ERROR_TEXT[error.code] ?? error.message;
}

/** An error a call answered with, thrown inside the renderer so async UI code can use try/catch. */
export class CallError extends Error {
  constructor(readonly body: ErrorBody) {
    super(body.message);
    this.name = 'CallError';
  }
}
