import { columnLetter } from '../api/deck-fields.ts';

/** "Rate (USD/min)" → "rate usd min": case, accents, punctuation and spacing do not matter. */
export function normaliseHeader(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/**
 * The columns a person chose: their overrides (by header text, column letter or `#n`), then the
 * carrier's saved template (by normalised header). What is left is for the caller's synonyms.
 */
export function explicitColumns<F extends string>(headers: string[], template: Record<string, F> | undefined, overrides: Record<string, F>): Map<number, F> {
  const byIndex = new Map<number, F>();
  const keys = Object.entries(overrides).map(([k, f]) => ({ raw: k, key: normaliseHeader(k), field: f }));
  headers.forEach((h, i) => {
    const n = normaliseHeader(h ?? '');
    const letter = columnLetter(i).toLowerCase();
    const o = keys.find((k) => k.key === n || k.key === letter || k.raw === `#${i + 1}`);
    const f = o ? o.field : template && Object.hasOwn(template, n) ? template[n] : undefined;
    if (f) byIndex.set(i, f);
  });
  return byIndex;
}
