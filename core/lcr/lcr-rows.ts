import type { LcrCounts, LcrFlag, LcrRoute, LcrRow, LcrSummary } from '../api/contract.ts';
import { formatScaled } from '../money/scaled-decimal.ts';
import { isoInstant } from '../time/parse-date.ts';
import { FLAG_CHANGED, FLAG_ROUTING_CHANGED, FLAG_SINGLE, FLAG_UNCOVERED, FLAG_UNPROFITABLE, type LcrDeck, type LcrTable } from './build-lcr.ts';
import type { BuiltLcr } from './load-lcr.ts';

export interface RouteView {
  depth?: number;
  noLoss: boolean;
}

const FLAG_BITS: Record<LcrFlag, number> = {
  uncovered: FLAG_UNCOVERED,
  unprofitable: FLAG_UNPROFITABLE,
  single: FLAG_SINGLE,
  changed: FLAG_CHANGED | FLAG_ROUTING_CHANGED,
};

export function flagsOf(bits: number): LcrFlag[] {
  return (Object.keys(FLAG_BITS) as LcrFlag[]).filter((f) => (bits & FLAG_BITS[f]) !== 0);
}

/** The measure routes rank by: the rate per minute or the typical call's cost, in e8. */
function measure(t: LcrTable, deck: LcrDeck, row: number): number {
  return t.rankBy === 'rate' ? deck.rows.rateE8[row]! : deck.costE8[row]!;
}

function sellMeasure(t: LcrTable, p: number): number | null {
  const sr = t.sellRow[p]!;
  if (!t.sell || sr < 0) return null;
  return t.rankBy === 'rate' ? t.sell.rows.rateE8[sr]! : t.sell.costE8[sr]!;
}

/** Whether vendor v's route for prefix p is dearer than the sell rate (by the ranking measure). */
export function isLoss(t: LcrTable, p: number, v: number): boolean {
  const s = sellMeasure(t, p);
  if (s === null) return false;
  return measure(t, t.vendors[v]!, t.cell[p * t.vendors.length + v]!) > s;
}

/** The vendors routing prefix p, best first by the ranking measure, after no-loss and depth. Fills `out`; returns how many. */
export function routesOf(t: LcrTable, p: number, view: RouteView, out: Int8Array): number {
  const V = t.vendors.length;
  const order = t.rankBy === 'rate' ? t.byRate : t.byCost;
  const limit = view.depth ?? V;
  let n = 0;
  for (let k = 0; k < t.routes[p]! && n < limit; k++) {
    const v = order[p * V + k]!;
    if (view.noLoss && isLoss(t, p, v)) continue;
    out[n++] = v;
  }
  return n;
}

/** 1-based ranks of vendor v at prefix p, by rate and by cost (position in each order). */
function ranks(t: LcrTable, p: number, v: number): { rank: number; costRank: number } {
  const V = t.vendors.length;
  let rank = 0;
  let costRank = 0;
  for (let k = 0; k < t.routes[p]!; k++) {
    if (t.byRate[p * V + k] === v) rank = k + 1;
    if (t.byCost[p * V + k] === v) costRank = k + 1;
  }
  return { rank, costRank };
}

function diff(a: number, b: number): string {
  return formatScaled(a - b);
}

export function toRow(built: BuiltLcr, p: number, view: RouteView): LcrRow {
  const t = built.table;
  const V = t.vendors.length;
  const sr = t.sellRow[p]!;
  const sell = t.sell && sr >= 0 ? { rate: t.sell.rows.rateE8[sr]!, cost: t.sell.costE8[sr]! } : null;
  const chosen = new Int8Array(V);
  const n = routesOf(t, p, view, chosen);
  const routes: LcrRoute[] = [];
  for (let k = 0; k < n; k++) {
    const v = chosen[k]!;
    const deck = t.vendors[v]!;
    const row = t.cell[p * V + v]!;
    const r = deck.rows;
    const route: LcrRoute = {
      vendor: deck.name, ...ranks(t, p, v), matchedPrefix: r.prefixes[row]!, destination: r.destinations[row]!, rate: formatScaled(r.rateE8[row]!),
      firstIncrement: r.first[row]!, nextIncrement: r.next[row]!, minDuration: r.min[row]!, grace: r.grace[row]!, connectionFee: formatScaled(r.feeE8[row]!),
      effectiveFrom: isoInstant(r.fromMs[row]!), effectiveCost: formatScaled(deck.costE8[row]!),
      margin: sell ? diff(sell.rate, r.rateE8[row]!) : null, costMargin: sell ? diff(sell.cost, deck.costE8[row]!) : null, loss: isLoss(t, p, v),
    };
    if (t.previous) {
      const then = t.previous.cell[p * V + v]!;
      const before = t.previous.vendors[v]!;
      route.previousRate = then >= 0 && before.rows.kind[then] === 0 ? formatScaled(before.rows.rateE8[then]!) : null;
    }
    routes.push(route);
  }
  const row: LcrRow = {
    id: p, prefix: t.prefixes[p]!, destination: t.destinations[p]!, sellRate: sell ? formatScaled(sell.rate) : null,
    sellEffectiveCost: sell ? formatScaled(sell.cost) : null, routes, routeCount: t.routes[p]!, flags: flagsOf(t.flags[p]!),
  };
  if (t.previous) {
    const prev = t.previous;
    const order = t.rankBy === 'rate' ? prev.byRate : prev.byCost;
    row.previousOrder = [];
    for (let k = 0; k < prev.routes[p]!; k++) row.previousOrder.push(prev.vendors[order[p * V + k]!]!.name);
  }
  return row;
}

export interface RowFilter {
  flag?: LcrFlag;
  prefix?: string;
  destination?: string;
}

/** The prefixes (indices, prefix order) a filter keeps. */
export function filterRows(t: LcrTable, f: RowFilter): Int32Array {
  const out = new Int32Array(t.n);
  let n = 0;
  const bits = f.flag ? FLAG_BITS[f.flag] : 0;
  const text = f.destination?.toLowerCase();
  for (let p = 0; p < t.n; p++) {
    if (bits && (t.flags[p]! & bits) === 0) continue;
    if (f.prefix && !t.prefixes[p]!.startsWith(f.prefix)) continue;
    if (text && !t.destinations[p]!.toLowerCase().includes(text)) continue;
    out[n++] = p;
  }
  return out.subarray(0, n);
}

/** Sorts row indices by a column; every order ends on the prefix (the index), so it is total. */
export function sortRows(built: BuiltLcr, rows: Int32Array, colId: string, dir: 'asc' | 'desc', view: RouteView): Int32Array {
  const t = built.table;
  const sign = dir === 'desc' ? -1 : 1;
  const V = t.vendors.length;
  const scratch = new Int8Array(V);
  const best = (p: number): number | null => {
    const n = routesOf(t, p, view, scratch);
    if (n === 0) return null;
    return t.vendors[scratch[0]!]!.rows.rateE8[t.cell[p * V + scratch[0]!]!]!;
  };
  let key: (p: number) => number | string | null;
  switch (colId) {
    case 'destination':
      key = (p) => t.destinations[p]!.toLowerCase();
      break;
    case 'sellRate':
      key = (p) => (t.sell && t.sellRow[p]! >= 0 ? t.sell.rows.rateE8[t.sellRow[p]!]! : null);
      break;
    case 'bestRate':
      key = best;
      break;
    case 'bestMargin':
      key = (p) => {
        const b = best(p);
        return b === null || !t.sell || t.sellRow[p]! < 0 ? null : t.sell.rows.rateE8[t.sellRow[p]!]! - b;
      };
      break;
    case 'routes':
      key = (p) => routesOf(t, p, view, scratch);
      break;
    default:
      key = (p) => p;
  }
  const keys = new Map<number, number | string | null>();
  for (const p of rows) keys.set(p, key(p));
  return Int32Array.from(rows).sort((a, b) => {
    const x = keys.get(a)!;
    const y = keys.get(b)!;
    // Rows without a value sort last either way.
    if (x === null || y === null) return x === y ? a - b : x === null ? 1 : -1;
    if (x !== y) return (x < y ? -1 : 1) * sign;
    return a - b;
  });
}

export function countsOf(t: LcrTable): LcrCounts {
  const c: LcrCounts = { prefixes: t.n, uncovered: 0, unprofitable: 0, single: 0, changed: 0 };
  for (let p = 0; p < t.n; p++) {
    const f = t.flags[p]!;
    if (f & FLAG_UNCOVERED) c.uncovered++;
    if (f & FLAG_UNPROFITABLE) c.unprofitable++;
    if (f & FLAG_SINGLE) c.single++;
    if (f & (FLAG_CHANGED | FLAG_ROUTING_CHANGED)) c.changed++;
  }
  return c;
}

export function summaryOf(built: BuiltLcr): LcrSummary {
  const t = built.table;
  return {
    at: isoInstant(t.atMs), since: t.previous ? isoInstant(t.previous.atMs) : null, currency: built.currency, typicalDuration: t.typicalS,
    rankBy: t.rankBy,
    vendors: t.vendors.map((v) => ({ name: v.name, lcrPreference: v.lcrPreference, prefixes: v.rows.count, rounding: `${v.policy.level} ${v.policy.decimals} ${v.policy.mode}` })),
    customer: built.customer?.name ?? null, counts: countsOf(t), buildMs: built.buildMs,
  };
}
