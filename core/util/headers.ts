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

/**
 * Two columns under the same header text, one of them read as a field by its name alone: which
 * of the two the file means cannot be told, so the caller refuses rather than pick the first.
 * Columns the person mapped (--map) are theirs to choose and are left alone.
 */
export function duplicateHeader<F extends string>(
  headers: string[], byIndex: ReadonlyMap<number, F>, explicit: ReadonlyMap<number, F>,
): { header: string; field: F; columns: number[] } | null {
  for (const [i, f] of byIndex) {
    if (explicit.has(i) || f === 'ignore') continue;
    const n = normaliseHeader(headers[i] ?? '');
    if (n === '') continue;
    const same = headers.flatMap((h, j) => (j !== i && !explicit.has(j) && normaliseHeader(h ?? '') === n ? [j] : []));
    if (same.length > 0) return { header: (headers[i] ?? '').trim(), field: f, columns: [i, ...same].sort((a, b) => a - b) };
  }
  return null;
}

export function duplicateHeaderMessage(d: { header: string; field: string; columns: number[] }): string {
  const letters = d.columns.map((c) => columnLetter(c));
  return `columns ${letters.join(' and ')} are both headed "${d.header}"; say which is the ${d.field} with --map "${letters[0]}=${d.field}" --map "${letters[1]}=ignore" (or the other way round)`;
}
