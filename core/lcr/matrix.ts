import type { LcrMatrixCell, LcrMatrixRow } from '../api/contract.ts';
import { formatScaled } from '../money/scaled-decimal.ts';
import type { LcrTable } from './build-lcr.ts';

/**
 * The rate comparison matrix: destination (or prefix) × vendor. A vendor's rate for a destination
 * is the highest of its rates over the destination's prefixes it covers (what a call there may
 * cost); the cell also keeps the lowest and the coverage. The cheapest vendor(s) have the lowest
 * such rate; the spread is dearest − cheapest.
 */
interface MatrixGroup {
  destination: string;
  prefix: string | null;
  members: number[];
}

export interface Matrix {
  by: 'destination' | 'prefix';
  groups: MatrixGroup[];
}

const memo = new WeakMap<LcrTable, Map<string, Matrix>>();

export function matrixOf(t: LcrTable, by: 'destination' | 'prefix'): Matrix {
  let m = memo.get(t);
  if (!m) memo.set(t, (m = new Map()));
  const hit = m.get(by);
  if (hit) return hit;
  let groups: MatrixGroup[];
  if (by === 'prefix') {
    groups = t.prefixes.map((prefix, p) => ({ destination: t.destinations[p]!, prefix, members: [p] }));
  } else {
    const byName = new Map<string, MatrixGroup>();
    for (let p = 0; p < t.n; p++) {
      const name = t.destinations[p]!;
      let g = byName.get(name);
      if (!g) byName.set(name, (g = { destination: name, prefix: null, members: [] }));
      g.members.push(p);
    }
    groups = [...byName.values()].sort((a, b) => {
      const x = a.destination.toLowerCase();
      const y = b.destination.toLowerCase();
      if (x !== y) return x < y ? -1 : 1;
      return a.destination < b.destination ? -1 : a.destination > b.destination ? 1 : 0;
    });
  }
  const matrix = { by, groups };
  m.set(by, matrix);
  return matrix;
}

/** Destinations containing the text (any case); digits also match prefixes starting with them. */
export function filterMatrix(t: LcrTable, m: Matrix, text: string | undefined): number[] {
  const all = m.groups.map((_, i) => i);
  if (!text) return all;
  const lower = text.trim().toLowerCase();
  const digits = /^\d+$/.test(lower);
  return all.filter((i) => {
    const g = m.groups[i]!;
    if (g.destination.toLowerCase().includes(lower)) return true;
    return digits && g.members.some((p) => t.prefixes[p]!.startsWith(lower));
  });
}

/** Per vendor over a group: [min, max, covered] in e8, or null. */
export function groupRates(t: LcrTable, g: MatrixGroup): ({ min: number; max: number; covered: number } | null)[] {
  const V = t.vendors.length;
  const out: ({ min: number; max: number; covered: number } | null)[] = [];
  for (let v = 0; v < V; v++) {
    const deck = t.vendors[v]!;
    let min = Infinity;
    let max = -1;
    let covered = 0;
    for (const p of g.members) {
      const row = t.cell[p * V + v]!;
      if (row < 0 || deck.rows.kind[row] !== 0) continue;
      const r = deck.rows.rateE8[row]!;
      if (r < min) min = r;
      if (r > max) max = r;
      covered++;
    }
    out.push(covered === 0 ? null : { min, max, covered });
  }
  return out;
}

/** The spread as a percent of the cheapest, to 2 decimals (half up), in integers. */
function percent(spreadE8: number, cheapestE8: number): string | null {
  if (cheapestE8 <= 0) return null;
  const hundredths = (BigInt(spreadE8) * 10000n * 2n + BigInt(cheapestE8)) / (2n * BigInt(cheapestE8));
  const s = hundredths.toString().padStart(3, '0');
  return `${s.slice(0, -2)}.${s.slice(-2)}`;
}

export function matrixRow(t: LcrTable, m: Matrix, i: number): LcrMatrixRow {
  const g = m.groups[i]!;
  const rates = groupRates(t, g);
  let lo = Infinity;
  let hi = -1;
  for (const r of rates) {
    if (!r) continue;
    if (r.max < lo) lo = r.max;
    if (r.max > hi) hi = r.max;
  }
  const cells: (LcrMatrixCell | null)[] = rates.map((r) => (r ? { min: formatScaled(r.min), max: formatScaled(r.max), covered: r.covered, cheapest: r.max === lo } : null));
  const cheapest = t.vendors.filter((_, v) => rates[v] && rates[v]!.max === lo).map((v) => v.name);
  const any = hi >= 0;
  return {
    id: i, destination: g.destination, prefix: g.prefix, prefixes: g.members.length, cells, cheapest,
    spread: any ? formatScaled(hi - lo) : null, spreadPercent: any ? percent(hi - lo, lo) : null,
  };
}
