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
  CDR_CARRIER_REQUIRED: 'Choose the carrier these calls belong to: the file names no trunks Trunkline can give to carriers.',
  TRUNK_TAKEN: 'Another carrier already lists that trunk name: a trunk identifies one carrier.',
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
  INVOICE_PARSE_ERROR: 'The invoice has problems in some rows. Nothing was written.',
  INVOICE_NO_HEADER: 'No invoice table was found: a header with a destination (or code) column and an amount column is needed.',
  INVOICE_NO_NUMBER: 'The invoice number is not in the file. Enter it.',
  INVOICE_NO_PERIOD: 'The invoice does not say which period it bills. Enter the month or the dates.',
  INVOICE_TOTAL_MISMATCH: 'The invoice total is not the sum of its lines. Nothing was written: check the file (a misread column or a missing line).',
  INVOICE_EXISTS: 'That invoice number is already imported for this carrier.',
  INVOICE_NOT_FOUND: 'No such invoice.',
  RECONCILIATION_NOT_FOUND: 'That reconciliation run does not exist.',
  RECONCILIATION_NO_DATA: 'There is nothing to reconcile: no invoice and no CDRs for that carrier and period.',
  DISPUTE_NOT_FOUND: 'That dispute does not exist.',
  DISPUTE_NO_LINES: 'A dispute needs at least one line: choose the variances to claim.',
  DISPUTE_INVALID_TRANSITION: 'A dispute cannot move to that state from where it is now.',
  DISPUTE_AMOUNT_INVALID: 'That agreed amount does not fit the dispute (it cannot exceed the amount claimed).',
  INVOICE_UNRATED_CALLS: 'Some calls of the period are not rated: fix the deck and re-rate before issuing the invoice.',
  INVOICE_NOTHING_TO_INVOICE: 'There are no rated calls to invoice in that period.',
  INVOICE_MIXED_CURRENCIES: 'The calls were priced in more than one currency: an invoice has one.',
  FX_RATE_MISSING: 'An exchange rate is missing: record one dated on or before the date shown.',
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
