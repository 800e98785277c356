/** Error codes cross every boundary; the renderer and the CLI turn them into words. */
export const ERROR_CODES = [
  'INVALID_ARGUMENTS',
  'UNKNOWN_METHOD',
  'CARRIER_NOT_FOUND',
  'CARRIER_EXISTS',
  'FILE_NOT_FOUND',
  'FILE_UNREADABLE',
  'DECK_EMPTY',
  'DECK_NO_HEADER',
  'DECK_SHEET_NOT_FOUND',
  'DECK_MAPPING_INCOMPLETE',
  'DECK_PARSE_ERROR',
  'DECK_NO_EFFECTIVE_DATE',
  'RATE_NOT_FOUND',
  'INVALID_NUMBER',
  'CDR_FORMAT_UNKNOWN',
  'CDR_PARSE_ERROR',
  'CDR_CARRIER_REQUIRED',
  'TRUNK_TAKEN',
  'EXPORT_FAILED',
  'JOB_CANCELLED',
  'JOB_NOT_FOUND',
  'DB_NOT_TRUNKLINE',
  'DB_NEWER_VERSION',
  'DB_DIVERGED',
  'DB_CORRUPT',
  'DB_BUSY',
  'INTERNAL_ERROR',
  'INVOICE_PARSE_ERROR',
  'INVOICE_NO_HEADER',
  'INVOICE_NO_NUMBER',
  'INVOICE_NO_PERIOD',
  'INVOICE_TOTAL_MISMATCH',
  'INVOICE_EXISTS',
  'INVOICE_NOT_FOUND',
  'RECONCILIATION_NOT_FOUND',
  'RECONCILIATION_NO_DATA',
  'DISPUTE_NOT_FOUND',
  'DISPUTE_NO_LINES',
  'DISPUTE_INVALID_TRANSITION',
  'DISPUTE_AMOUNT_INVALID',
  // Settlement (issue 7)
  'INVOICE_UNRATED_CALLS',
  'INVOICE_NOTHING_TO_INVOICE',
  'INVOICE_MIXED_CURRENCIES',
  'FX_RATE_MISSING',
  // Least-cost routing (issue 5)
  'LCR_NO_VENDORS',
  'CURRENCY_MISMATCH',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Where in an input file a problem is: everything a person needs to find and fix it. */
export interface Problem {
  file: string;
  sheet?: string;
  row?: number;
  column?: string;
  value?: string;
  message: string;
}

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

export class TrunklineError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'TrunklineError';
  }

  toBody(): ErrorBody {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

/** Errors caused by what the user gave us (the CLI exits 2 for these), as opposed to the environment. */
export const INPUT_ERROR_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'INVALID_ARGUMENTS', 'CARRIER_NOT_FOUND', 'CARRIER_EXISTS', 'FILE_NOT_FOUND', 'FILE_UNREADABLE', 'DECK_EMPTY',
  'DECK_NO_HEADER', 'DECK_SHEET_NOT_FOUND', 'DECK_MAPPING_INCOMPLETE', 'DECK_PARSE_ERROR', 'DECK_NO_EFFECTIVE_DATE',
  'RATE_NOT_FOUND', 'INVALID_NUMBER', 'CDR_FORMAT_UNKNOWN', 'CDR_PARSE_ERROR', 'CDR_CARRIER_REQUIRED', 'TRUNK_TAKEN',
  'INVOICE_PARSE_ERROR', 'INVOICE_NO_HEADER', 'INVOICE_NO_NUMBER', 'INVOICE_NO_PERIOD', 'INVOICE_TOTAL_MISMATCH', 'INVOICE_EXISTS',
  'INVOICE_NOT_FOUND', 'RECONCILIATION_NOT_FOUND', 'RECONCILIATION_NO_DATA', 'DISPUTE_NOT_FOUND', 'DISPUTE_NO_LINES',
  'DISPUTE_INVALID_TRANSITION', 'DISPUTE_AMOUNT_INVALID',
  'INVOICE_UNRATED_CALLS', 'INVOICE_NOTHING_TO_INVOICE', 'INVOICE_MIXED_CURRENCIES', 'FX_RATE_MISSING',
  'LCR_NO_VENDORS', 'CURRENCY_MISMATCH',
]);

export function describeProblem(p: Problem): string {
  const where = [p.file, p.sheet && `sheet "${p.sheet}"`, p.row !== undefined && `row ${p.row}`, p.column && `column "${p.column}"`]
    .filter(Boolean)
    .join(', ');
  return `${where}: ${p.message}${p.value !== undefined ? ` (value "${p.value}")` : ''}`;
}

/** The one error for a file with row-level problems: it names the first and carries them all (up to a cap). */
export function problemsError(file: string, problems: Problem[], total = problems.length, code: ErrorCode = 'DECK_PARSE_ERROR'): TrunklineError {
  const first = problems[0];
  return new TrunklineError(
    code,
    `${total} problem${total === 1 ? '' : 's'} in ${file}; nothing was written.${first ? ` First: ${describeProblem(first)}` : ''}`,
    { file, problemCount: total, problems: problems.slice(0, 500) },
  );
}
