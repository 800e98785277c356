/**
 * A text a spreadsheet would run as a formula (= + - @, or a leading tab/CR) gets a leading
 * apostrophe, so an exported destination name can never execute (CSV injection).
 */
export function spreadsheetSafe(text: string): string {
  // A signed plain number ("+447700900123", "-0.5") cannot run anything and stays as written.
  if (/^[+-]\d+(?:\.\d+)?$/.test(text)) return text;
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** One CSV field: formula-safe, quoted when it holds a delimiter, a quote or a line break. */
export function csvField(text: string): string {
  const safe = spreadsheetSafe(text);
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
