import type { Carrier } from '../api/contract.ts';
import { TrunklineError } from '../api/errors.ts';
import { requireCarrier } from '../carriers/handlers.ts';
import type { EngineContext } from '../context.ts';
import { isoInstant, parseInstant } from '../time/parse-date.ts';
import { buildLcr, makeDeck, orderVendors, type LcrSnapshot, type LcrTable } from './build-lcr.ts';

export interface LcrRequest {
  at?: string;
  vendors?: string[];
  customer?: string;
  typicalDuration: number;
  rankBy: 'rate' | 'cost';
  since?: string;
}

/** An instant given on the command line or in the app: LCR spans carriers, so a time without a zone is UTC. */
export function lcrInstant(ctx: EngineContext, text: string | undefined, flag: string): number {
  if (!text) return ctx.clock();
  const p = parseInstant(text, 'UTC');
  if (!p.ok) throw new TrunklineError('INVALID_ARGUMENTS', `${flag} "${text}": ${p.reason}`);
  return p.ms;
}

/** The vendors asked for, else every vendor (or both-role carrier) with a buy deck; in tie-break order. */
export function resolveVendors(ctx: EngineContext, names: string[] | undefined): Carrier[] {
  const withDeck = new Set(ctx.lcr.carriersWithDeck('buy'));
  let vendors: Carrier[];
  if (names && names.length > 0) {
    const seen = new Set<number>();
    vendors = [];
    for (const name of names) {
      const c = requireCarrier(ctx, name);
      if (!withDeck.has(c.id)) throw new TrunklineError('LCR_NO_VENDORS', `${c.name} has no buy deck to route over`, { vendor: c.name });
      if (!seen.has(c.id)) vendors.push(c);
      seen.add(c.id);
    }
  } else {
    vendors = ctx.carriers.list().filter((c) => c.roles !== 'customer' && withDeck.has(c.id));
    if (vendors.length === 0) throw new TrunklineError('LCR_NO_VENDORS', 'no vendor has a buy deck yet: import a vendor\'s deck first');
  }
  if (vendors.length > 127) throw new TrunklineError('INVALID_ARGUMENTS', `${vendors.length} vendors: an LCR table compares at most 127; choose some with --vendors`);
  return orderVendors(vendors.map((c) => ({ ...c, carrierId: c.id })));
}

/** One currency across the decks compared: margins and rankings across currencies would be meaningless. */
export function checkCurrencies(ctx: EngineContext, vendors: Carrier[], customer: Carrier | null): string {
  const seen = new Map<string, string[]>();
  const add = (currency: string | null, who: string) => {
    if (!currency) return;
    seen.set(currency, [...(seen.get(currency) ?? []), who]);
  };
  for (const v of vendors) add(ctx.lcr.deckCurrency(v.id, 'buy'), v.name);
  if (customer) add(ctx.lcr.deckCurrency(customer.id, 'sell'), `${customer.name} (sell)`);
  if (seen.size > 1) {
    const list = [...seen].map(([cur, who]) => `${cur}: ${who.join(', ')}`).join('; ');
    throw new TrunklineError('CURRENCY_MISMATCH', `the decks are in different currencies (${list}); compare decks of one currency`, {
      currencies: Object.fromEntries(seen),
    });
  }
  return [...seen.keys()][0] ?? vendors[0]?.currency ?? 'USD';
}

function snapshot(ctx: EngineContext, vendors: Carrier[], customer: Carrier | null, atMs: number, typicalS: number): LcrSnapshot {
  const deck = (c: Carrier, side: 'buy' | 'sell') =>
    makeDeck({ name: c.name, carrierId: c.id, lcrPreference: c.lcrPreference, policy: c.rounding }, ctx.lcr.deckAt(c.id, side, atMs), typicalS);
  return { vendors: vendors.map((v) => deck(v, 'buy')), sell: customer ? deck(customer, 'sell') : null };
}

export interface BuiltLcr {
  table: LcrTable;
  currency: string;
  customer: Carrier | null;
  vendors: Carrier[];
  buildMs: number;
}

/**
 * The last few tables built, by request and by a stamp of the data they came from: the grid asks
 * for page after page of the same table, and a deck import or a carrier change makes it stale.
 */
const CACHE_SIZE = 3;
const cache = new WeakMap<EngineContext, Map<string, BuiltLcr>>();

export function loadLcr(ctx: EngineContext, req: LcrRequest): BuiltLcr {
  const atMs = lcrInstant(ctx, req.at, '--at');
  const sinceMs = req.since === undefined ? undefined : lcrInstant(ctx, req.since, '--since');
  if (sinceMs !== undefined && sinceMs >= atMs) {
    throw new TrunklineError('INVALID_ARGUMENTS', `--since ${isoInstant(sinceMs)} must be before the table's instant ${isoInstant(atMs)}`);
  }
  const vendors = resolveVendors(ctx, req.vendors);
  const customer = req.customer ? requireCarrier(ctx, req.customer) : null;
  if (customer && !ctx.decks.hasImports(customer.id, 'sell')) {
    throw new TrunklineError('INVALID_ARGUMENTS', `${customer.name} has no sell deck to compare with`, { customer: customer.name });
  }
  const currency = checkCurrencies(ctx, vendors, customer);
  const key = JSON.stringify([ctx.lcr.stamp(), atMs, sinceMs ?? null, vendors.map((v) => v.id), customer?.id ?? null, req.typicalDuration, req.rankBy]);
  let entries = cache.get(ctx);
  if (!entries) cache.set(ctx, (entries = new Map()));
  const hit = entries.get(key);
  if (hit) {
    entries.delete(key);
    entries.set(key, hit);
    return hit;
  }
  const t0 = performance.now();
  const snap = snapshot(ctx, vendors, customer, atMs, req.typicalDuration);
  const previous = sinceMs === undefined ? undefined : { ...snapshot(ctx, vendors, customer, sinceMs, req.typicalDuration), atMs: sinceMs };
  const table = buildLcr(snap, { atMs, typicalS: req.typicalDuration, rankBy: req.rankBy, previous });
  const built: BuiltLcr = { table, currency, customer, vendors, buildMs: Math.round(performance.now() - t0) };
  entries.set(key, built);
  while (entries.size > CACHE_SIZE) entries.delete(entries.keys().next().value!);
  return built;
}
