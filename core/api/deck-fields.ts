/** The fields a deck column can be mapped to (`--map column=field`). */
export const DECK_FIELDS = [
  'code', 'country_code', 'area_codes', 'destination', 'country', 'rate', 'rate_peak', 'rate_offpeak',
  'effective_from', 'effective_to', 'change', 'increment', 'first_increment', 'next_increment',
  'min_duration', 'grace', 'connection_fee', 'currency', 'ignore',
] as const;
export type DeckField = (typeof DECK_FIELDS)[number];
