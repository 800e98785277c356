import { Decimal } from 'decimal.js';
import type { Carrier, MarginLine, MarginReport, ParsedArgs } from '../api/contract.ts';
import { requireCarrier } from '../carriers/handlers.ts';
import type { EngineContext } from '../context.ts';
import { decimalText } from '../money/scaled-decimal.ts';
import { formatAmountE8, lineAmountE8, type RoundingPolicy } from '../rating/amount.ts';
import { periodArgs } from '../rating/rerate.ts';
import { isoInstant } from '../time/parse-date.ts';
import { REASONS } from './totals.ts';

interface Pair {
  sell_rid: bigint;
  buy_rid: bigint;
  customer_id: bigint;
  vendor_id: bigint;
  n: bigint;
  sold_s: bigint;
  bought_s: bigint;
  sell_amount: bigint | null;
  buy_amount: bigint | null;
  sell_x60: bigint;
  buy_x60: bigint;
  destination: string;
  sell_currency: string;
  buy_currency: string;
  sell_fee: bigint;
  buy_fee: bigint;
}

const minutes = (seconds: bigint): string => decimalText(new Decimal(seconds.toString()).dividedBy(60).toDecimalPlaces(4, Decimal.ROUND_HALF_UP), 4);

function percent(margin: bigint, revenue: bigint): string | null {
  if (revenue === 0n) return null;
  return decimalText(new Decimal(margin.toString()).times(100).dividedBy(revenue.toString()).toDecimalPlaces(2, Decimal.ROUND_HALF_UP), 2);
}

/**
 * Margin per destination of our own switch's calls: each call's sell-side amount (its customer's
 * deck) against its buy-side amount (its vendor's deck), summed exactly. Only calls rated on both
 * legs count; the rest are listed with why. A per-line rounding policy rounds each margin line once
 * (per rate on that side), as an invoice line would be.
 */
export function marginByDestination(ctx: EngineContext, args: ParsedArgs<'cdrs.margin'>): MarginReport {
  const customer = args.customer ? requireCarrier(ctx, args.customer) : null;
  const vendor = args.vendor ? requireCarrier(ctx, args.vendor) : null;
  const zone = customer?.timezone ?? vendor?.timezone ?? 'UTC';
  const fromMs = periodArgs(args.from, zone, '--from');
  const toMs = periodArgs(args.to, zone, '--to');
  const where = ['c.source = 0'];
  const params: Record<string, unknown> = {};
  if (customer) {
    where.push('c.customer_id = @customer');
    params.customer = customer.id;
  }
  if (vendor) {
    where.push(customer ? '+c.vendor_id = @vendor' : 'c.vendor_id = @vendor');
    params.vendor = vendor.id;
  }
  if (fromMs !== undefined) {
    where.push('c.start_ms >= @from');
    params.from = fromMs;
  }
  if (toMs !== undefined) {
    where.push('c.start_ms < @to');
    params.to = toMs;
  }
  const w = where.join(' AND ');

  const pairs = ctx.db.prepare(`SELECT g.*, rs.destination, rs.currency AS sell_currency, rb.currency AS buy_currency,
      rs.connection_fee_e8 AS sell_fee, rb.connection_fee_e8 AS buy_fee
    FROM (SELECT c.sell_rate_id AS sell_rid, c.buy_rate_id AS buy_rid, c.customer_id, c.vendor_id, count(*) AS n,
            sum(c.sell_billed_s) AS sold_s, sum(c.buy_billed_s) AS bought_s, sum(c.sell_amount_e8) AS sell_amount,
            sum(c.buy_amount_e8) AS buy_amount, sum(c.sell_exact_x60) AS sell_x60, sum(c.buy_exact_x60) AS buy_x60
          FROM cdrs c WHERE ${w} AND c.sell_status = 0 AND c.buy_status = 0 GROUP BY 1, 2, 3, 4) g
    JOIN rates rs ON rs.id = g.sell_rid JOIN rates rb ON rb.id = g.buy_rid`).safeIntegers(true).all(params) as Pair[];

  const carriers = new Map<number, Carrier>(ctx.carriers.list().map((k) => [k.id, k]));
  const policy = (id: bigint): RoundingPolicy => carriers.get(Number(id))!.rounding;
  const sideAmount = (amount: bigint | null, x60: bigint, fee: bigint, n: bigint, p: RoundingPolicy): bigint =>
    (p.level === 'per-line' ? lineAmountE8(x60, p, fee * n) : amount ?? 0n);

  const lines = new Map<string, { destination: string; rc: string; cc: string; n: number; sold: bigint; bought: bigint; revenue: bigint; cost: bigint }>();
  for (const g of pairs) {
    const key = `${g.destination}\u0000${g.sell_currency}\u0000${g.buy_currency}`;
    let l = lines.get(key);
    if (!l) lines.set(key, (l = { destination: g.destination, rc: g.sell_currency, cc: g.buy_currency, n: 0, sold: 0n, bought: 0n, revenue: 0n, cost: 0n }));
    l.n += Number(g.n);
    l.sold += g.sold_s;
    l.bought += g.bought_s;
    l.revenue += sideAmount(g.sell_amount, g.sell_x60, g.sell_fee, g.n, policy(g.customer_id));
    l.cost += sideAmount(g.buy_amount, g.buy_x60, g.buy_fee, g.n, policy(g.vendor_id));
  }
  const out: MarginLine[] = [];
  const totals = new Map<string, { revenueCurrency: string; costCurrency: string; calls: number; revenue: bigint; cost: bigint }>();
  for (const l of [...lines.values()].sort((a, b) => (a.destination < b.destination ? -1 : a.destination > b.destination ? 1 : a.rc < b.rc ? -1 : 1))) {
    const same = l.rc === l.cc;
    out.push({
      destination: l.destination, calls: l.n, soldMinutes: minutes(l.sold), boughtMinutes: minutes(l.bought),
      revenue: formatAmountE8(l.revenue), cost: formatAmountE8(l.cost),
      margin: same ? formatAmountE8(l.revenue - l.cost) : null, marginPercent: same ? percent(l.revenue - l.cost, l.revenue) : null,
      revenueCurrency: l.rc, costCurrency: l.cc,
    });
    const tk = `${l.rc}/${l.cc}`;
    const t = totals.get(tk) ?? { revenueCurrency: l.rc, costCurrency: l.cc, calls: 0, revenue: 0n, cost: 0n };
    t.calls += l.n;
    t.revenue += l.revenue;
    t.cost += l.cost;
    totals.set(tk, t);
  }

  // Calls that have no margin, and why.
  const rest = ctx.db.prepare(`SELECT c.customer_id IS NULL AS no_customer, c.vendor_id IS NULL AS no_vendor, c.sell_status AS ss, c.sell_reason AS sr,
      c.buy_status AS bs, c.buy_reason AS br, count(*) AS n
    FROM cdrs c WHERE ${w} AND NOT (c.sell_status IS 0 AND c.buy_status IS 0) GROUP BY 1, 2, 3, 4, 5, 6`).all(params) as
    { no_customer: number; no_vendor: number; ss: number | null; sr: number | null; bs: number | null; br: number | null; n: number }[];
  const excluded = new Map<string, number>();
  const add = (reason: string, n: number): void => {
    excluded.set(reason, (excluded.get(reason) ?? 0) + n);
  };
  for (const r of rest) {
    if (r.no_customer) add('no customer leg (ingress trunk matched no customer)', r.n);
    else if (r.no_vendor) add('no vendor leg (not routed, or egress trunk matched no vendor)', r.n);
    else if (r.ss === 1 || r.bs === 1) add('free (unanswered, zero or within grace)', r.n);
    else if (r.ss === null) add('sell side not rated yet (customer has no sell deck)', r.n);
    else if (r.bs === null) add('buy side not rated yet (vendor has no buy deck)', r.n);
    else if (r.ss === 2) add(`sell side unrated: ${REASONS[r.sr ?? 1]}`, r.n);
    else add(`buy side unrated: ${REASONS[r.br ?? 1]}`, r.n);
  }
  return {
    customer: customer?.name ?? null, vendor: vendor?.name ?? null,
    from: fromMs === undefined ? null : isoInstant(fromMs), to: toMs === undefined ? null : isoInstant(toMs),
    lines: out,
    excluded: [...excluded].map(([reason, calls]) => ({ reason, calls })).sort((a, b) => b.calls - a.calls),
    totals: [...totals.values()].map((t) => {
      const same = t.revenueCurrency === t.costCurrency;
      return {
        revenueCurrency: t.revenueCurrency, costCurrency: t.costCurrency, calls: t.calls, revenue: formatAmountE8(t.revenue), cost: formatAmountE8(t.cost),
        margin: same ? formatAmountE8(t.revenue - t.cost) : null, marginPercent: same ? percent(t.revenue - t.cost, t.revenue) : null,
      };
    }),
  };
}
