/** `LIKE` for "contains this text": the user's %, _ and \ are literal, escaped with \. */
export const LIKE_ESCAPE = "ESCAPE '\\'";

export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (m) => '\\' + m)}%`;
}
