import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { err, ok, openWorkspace, ROOT, type Workspace } from '../../helpers/workspace.ts';

/**
 * Our switch's Asterisk file carries both partners of each call: accountcode = the customer's
 * ingress trunk, peeraccount = the vendor's egress trunk. One import gives every call its customer
 * and its vendor, rated on the customer's sell deck and the vendor's buy deck.
 */
const ASTERISK = join(ROOT, 'fixtures', 'cdrs', 'asterisk-master.csv');
const SELL = `Code,Destination,Rate,Effective Date,Billing Increment
44,United Kingdom,0.0150,2026-01-01,60/60
447,United Kingdom - Mobile,0.0300,2026-01-01,1/1
1,USA & Canada,0.0090,2026-01-01,6/6
33,France,0.0400,2026-01-01,60/60
`;
const BUY = `Code,Destination,Rate,Effective Date,Billing Increment
44,United Kingdom,0.0100,2026-01-01,60/60
447,United Kingdom - Mobile,0.0200,2026-01-01,1/1
1,USA & Canada,0.0050,2026-01-01,6/6
33,France,0.0300,2026-01-01,60/60
`;

let ws: Workspace;
beforeEach(() => {
  ws = openWorkspace();
});
afterEach(() => ws.cleanup());

async function carrier(name: string, roles: 'vendor' | 'customer', trunks: string[], deck?: string): Promise<void> {
  ok(await ws.engine.dispatch('carriers.create', { name, settings: { roles, timezone: 'UTC', trunks } }));
  if (deck) {
    const file = join(ws.dir, `${name}.csv`);
    writeFileSync(file, deck);
    ok(await ws.engine.dispatch('decks.import', { file, carrier: name, side: roles === 'vendor' ? 'buy' : 'sell', received: '2025-12-01' }));
  }
}

function legs(): { customer: string | null; vendor: string | null; n: number; buy: number; sell: number }[] {
  const db = new Database(ws.dbPath, { readonly: true });
  try {
    return db.prepare(`SELECT cu.name AS customer, ve.name AS vendor, count(*) AS n, count(c.buy_status) AS buy, count(c.sell_status) AS sell
      FROM cdrs c LEFT JOIN carriers cu ON cu.id = c.customer_id LEFT JOIN carriers ve ON ve.id = c.vendor_id
      GROUP BY 1, 2 ORDER BY 1, 2`).all() as never;
  } finally {
    db.close();
  }
}

describe('our switch file imported for every carrier by trunk', () => {
  it('gives each call its customer and vendor, rates both legs, and the margin adds up', async () => {
    await carrier('Acme', 'customer', ['acme-in'], SELL);
    await carrier('Globex', 'customer', ['globex-in'], SELL);
    await carrier('Initech', 'customer', ['initech-in'], SELL);
    await carrier('VendorX', 'vendor', ['vendorx'], BUY);
    await carrier('Blue', 'vendor', ['bluecarrier'], BUY);
    await carrier('Tier1', 'vendor', ['tier1-uk'], BUY);
    const r = ok(await ws.engine.dispatch('cdrs.import', { file: ASTERISK, source: 'own', timezone: 'Europe/London' }));
    expect(r.carrier).toBeNull();
    expect(r).toMatchObject({ rowsRead: 32, imported: 32, rejected: 0, unmatchedTrunks: [] });
    // Three calls failed with congestion before any vendor was tried: they have a customer and no vendor.
    expect(legs()).toEqual([
      { customer: 'Acme', vendor: null, n: 1, buy: 0, sell: 1 },
      { customer: 'Acme', vendor: 'VendorX', n: 10, buy: 10, sell: 10 },
      { customer: 'Globex', vendor: null, n: 1, buy: 0, sell: 1 },
      { customer: 'Globex', vendor: 'Blue', n: 10, buy: 10, sell: 10 },
      { customer: 'Initech', vendor: null, n: 1, buy: 0, sell: 1 },
      { customer: 'Initech', vendor: 'Tier1', n: 9, buy: 9, sell: 9 },
    ]);
    // The report gives each leg its own totals, in its carrier's currency.
    expect(r.rating.map((s) => `${s.carrier}:${s.side}`)).toEqual(['Acme:sell', 'Blue:buy', 'Globex:sell', 'Initech:sell', 'Tier1:buy', 'VendorX:buy']);
    const acme = r.rating.find((s) => s.carrier === 'Acme')!;
    expect(acme.rated + acme.free + Object.values(acme.unrated).reduce((a, b) => a + b, 0)).toBe(11);

    // Each side's calls are its leg's: the vendor's re-rate and summary see only calls routed to it.
    const vx = ok(await ws.engine.dispatch('cdrs.summary', { carrier: 'VendorX', source: 'own', side: 'buy' }));
    expect(vx.totals.calls).toBe(10);
    const again = ok(await ws.engine.dispatch('rating.run', { carrier: 'VendorX', side: 'buy' }));
    expect(again).toMatchObject({ calls: 10, changed: 0 });
    const sold = ok(await ws.engine.dispatch('cdrs.summary', { carrier: 'Acme', source: 'own', side: 'sell' }));
    expect(sold.totals.calls).toBe(11);

    // Re-importing the same file adds nothing.
    const dup = ok(await ws.engine.dispatch('cdrs.import', { file: ASTERISK, source: 'own', timezone: 'Europe/London' }));
    expect(dup).toMatchObject({ imported: 0, duplicates: 32 });
    expect(ok(await ws.engine.dispatch('cdrs.list', {})).map((h) => h.carrier)).toEqual([null, null]);
    // Filtered by carrier, a switch-wide import is listed when its file had calls of that carrier (the re-import too).
    expect(ok(await ws.engine.dispatch('cdrs.list', { carrier: 'Blue' })).map((h) => h.imported)).toEqual([0, 32]);
    expect(ok(await ws.engine.dispatch('cdrs.list', { carrier: 'Blue' })).map((h) => h.imported)).toEqual([0, 32]);
  });

  it('keeps a call whose one trunk is unknown, without that leg, and says which trunks matched nobody', async () => {
    await carrier('Acme', 'customer', ['acme-in'], SELL);
    await carrier('VendorX', 'vendor', ['vendorx', 'bluecarrier'], BUY);
    await carrier('Blue', 'vendor', ['globex-in']); // a vendor listing a trunk that is an ingress in this file
    const r = ok(await ws.engine.dispatch('cdrs.import', { file: ASTERISK, source: 'own', timezone: 'Europe/London', skipBadRows: true, rejectsFile: join(ws.dir, 'rejects.csv') }));
    // Rows whose trunks match no carrier at all (initech-in → tier1-uk, and the congested globex-in
    // call that reached no vendor) are rejected; the rest keep the legs they have.
    expect(r.rejected).toBe(11);
    expect(r.imported).toBe(21);
    expect(r.unmatchedTrunks).toEqual([
      { trunk: 'globex-in', leg: 'ingress', calls: 11, why: 'Blue lists it but is not a customer' },
      { trunk: 'initech-in', leg: 'ingress', calls: 10, why: 'no carrier lists it' },
      { trunk: 'tier1-uk', leg: 'egress', calls: 9, why: 'no carrier lists it' },
    ]);
    // Globex's calls went to VendorX: they are kept with their vendor leg, and no customer leg.
    expect(legs()).toEqual([
      { customer: null, vendor: 'VendorX', n: 10, buy: 10, sell: 0 },
      { customer: 'Acme', vendor: null, n: 1, buy: 0, sell: 1 },
      { customer: 'Acme', vendor: 'VendorX', n: 10, buy: 10, sell: 10 },
    ]);
    expect(r.warnings.some((w) => w.includes('ingress trunk "globex-in"'))).toBe(true);
  });

  it('fails whole, naming rows, when trunks match no carrier and bad rows are not skipped', async () => {
    await carrier('Acme', 'customer', ['acme-in'], SELL);
    const e = err(await ws.engine.dispatch('cdrs.import', { file: ASTERISK, source: 'own', timezone: 'Europe/London' }));
    expect(e.code).toBe('CDR_PARSE_ERROR');
    expect(e.message).toMatch(/row \d+.*ingress\/egress/s);
    expect(legs()).toEqual([]);
  });

  it('asks for the carrier when no carrier lists trunks, or the file has no trunk columns, or the source is a carrier', async () => {
    ok(await ws.engine.dispatch('carriers.create', { name: 'Acme', settings: { roles: 'customer' } }));
    expect(err(await ws.engine.dispatch('cdrs.import', { file: ASTERISK, source: 'own' })).code).toBe('CDR_CARRIER_REQUIRED');
    ok(await ws.engine.dispatch('carriers.update', { name: 'Acme', settings: { trunks: ['acme-in'] } }));
    const noTrunks = join(ws.dir, 'plain.csv');
    writeFileSync(noTrunks, 'called,start,duration\n447700900123,2026-03-01 10:00:00,60\n');
    expect(err(await ws.engine.dispatch('cdrs.import', { file: noTrunks, source: 'own' })).code).toBe('CDR_CARRIER_REQUIRED');
    const e = err(await ws.engine.dispatch('cdrs.import', { file: ASTERISK, source: 'carrier' }));
    expect(e.code).toBe('INVALID_ARGUMENTS');
    expect(e.message).toMatch(/carrier/);
  });

  it('refuses a trunk name another carrier already lists', async () => {
    await carrier('Acme', 'customer', ['acme-in']);
    const e = err(await ws.engine.dispatch('carriers.create', { name: 'Other', settings: { trunks: ['x', 'acme-in'] } }));
    expect(e).toMatchObject({ code: 'TRUNK_TAKEN' });
    expect(e.message).toContain('Acme');
    expect(err(await ws.engine.dispatch('carriers.update', { name: 'Acme', settings: { trunks: ['a', 'a'] } })).code).toBe('INVALID_ARGUMENTS');
    ok(await ws.engine.dispatch('carriers.update', { name: 'Acme', settings: { trunks: ['acme-in', 'acme-in-2'] } }));
  });
});

describe('margin by destination', () => {
  it('sets each customer call against its vendor leg, exactly, and lists the calls left out', async () => {
    await carrier('Acme', 'customer', ['acme-in'], SELL);
    await carrier('Globex', 'customer', ['globex-in'], SELL);
    await carrier('Initech', 'customer', ['initech-in']); // no sell deck yet
    await carrier('VendorX', 'vendor', ['vendorx'], BUY);
    await carrier('Blue', 'vendor', ['bluecarrier'], BUY);
    await carrier('Tier1', 'vendor', ['tier1-uk'], BUY);
    ok(await ws.engine.dispatch('cdrs.import', { file: ASTERISK, source: 'own', timezone: 'Europe/London' }));

    // Acme's calls all went to VendorX: revenue is Acme's sell summary, cost VendorX's buy summary (two other code paths).
    const m = ok(await ws.engine.dispatch('cdrs.margin', { customer: 'Acme' }));
    const sold = ok(await ws.engine.dispatch('cdrs.summary', { carrier: 'Acme', source: 'own', side: 'sell' }));
    const bought = ok(await ws.engine.dispatch('cdrs.summary', { carrier: 'VendorX', source: 'own', side: 'buy' }));
    expect(m.totals).toHaveLength(1);
    const t = m.totals[0]!;
    expect(t.revenue).toBe(sold.totals.amount);
    expect(t.cost).toBe(bought.totals.amount);
    const exact = (s: string) => BigInt(s.replace('.', '').padEnd(s.indexOf('.') + 9, '0'));
    expect(exact(t.revenue) - exact(t.cost)).toBe(exact(t.margin!));
    expect(m.lines.reduce((a, l) => a + l.calls, 0)).toBe(t.calls);
    for (const l of m.lines) expect(exact(l.revenue) - exact(l.cost)).toBe(exact(l.margin!));
    // The unanswered ones are free; the congested call reached no vendor.
    expect(m.excluded).toEqual(expect.arrayContaining([{ reason: 'no vendor leg (not routed, or egress trunk matched no vendor)', calls: 1 }]));
    expect(t.calls + m.excluded.reduce((a, x) => a + x.calls, 0)).toBe(11);

    // Every customer: Initech has no sell deck, so its calls are left out and say why.
    const all = ok(await ws.engine.dispatch('cdrs.margin', {}));
    expect(all.excluded.find((x) => x.reason.startsWith('sell side not rated yet'))?.calls).toBeGreaterThan(0);
    const byVendor = ok(await ws.engine.dispatch('cdrs.margin', { vendor: 'Blue', from: '2026-03-01', to: '2026-04-01' }));
    expect(byVendor.lines.every((l) => l.revenueCurrency === 'USD')).toBe(true);
    expect(byVendor.totals[0]!.calls).toBeGreaterThan(0);
    expect(byVendor.from).toBe('2026-03-01T00:00:00Z');
  });
});
