/** The fields a deck column can be mapped to (`--map column=field`). */
export const DECK_FIELDS = [
  'code', 'country_code', 'area_codes', 'destination', 'country', 'rate', 'rate_peak', 'rate_offpeak',
  'effective_from', 'effective_to', 'change', 'increment', 'first_increment', 'next_increment',
  'min_duration', 'grace', 'connection_fee', 'currency', 'ignore',
] as const;
export type DeckField = (typeof DECK_FIELDS)[number];

/** "A", "B", … "Z", "AA": how a spreadsheet names column `index` (0-based). */
export function columnLetter(index: number): string {
  let n = index + 1;
  let s = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}
