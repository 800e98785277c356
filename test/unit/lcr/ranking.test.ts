import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DeckRows } from '../../../core/db/lcr-repo.ts';
import { buildLcr, longestMatches, makeDeck, orderVendors, type LcrDeck } from '../../../core/lcr/build-lcr.ts';
import { flagsOf, routesOf } from '../../../core/lcr/lcr-rows.ts';
import { parseScaledDecimal } from '../../../core/money/scaled-decimal.ts';

interface Row { prefix: string; rate?: string; kind?: 'rate' | 'closed' | 'blocked'; inc?: string; fee?: string; min?: number; grace?: number }

const e8 = (s: string) => {
  const p = parseScaledDecimal(s);
  if (!p.ok) throw new Error(s);
  return p.scaled;
};

function rows(list: Row[]): DeckRows {
  const sorted = [...list].sort((a, b) => (a.prefix < b.prefix ? -1 : 1));
  const n = sorted.length;
  const r: DeckRows = {
    count: n, ids: new Float64Array(n), prefixes: sorted.map((x) => x.prefix), destinations: sorted.map((x) => `D${x.prefix}`), kind: new Uint8Array(n),
    rateE8: new Float64Array(n), feeE8: new Float64Array(n), first: new Int32Array(n), next: new Int32Array(n), min: new Int32Array(n),
    grace: new Int32Array(n), fromMs: new Float64Array(n), currency: 'USD',
  };
  sorted.forEach((x, i) => {
    const [a, b] = (x.inc ?? '60/60').split('/').map(Number);
    r.ids[i] = i + 1;
    r.kind[i] = x.kind === 'closed' ? 1 : x.kind === 'blocked' ? 2 : 0;
    r.rateE8[i] = x.rate ? e8(x.rate) : 0;
    r.feeE8[i] = x.fee ? e8(x.fee) : 0;
    r.first[i] = a!;
    r.next[i] = b!;
    r.min[i] = x.min ?? 0;
    r.grace[i] = x.grace ?? 0;
  });
  return r;
}

let nextId = 1;
function vendor(name: string, list: Row[], pref = 100, typical = 180): LcrDeck {
  return makeDeck({ name, carrierId: nextId++, lcrPreference: pref, policy: { level: 'per-call', decimals: 6, mode: 'half-up' } }, rows(list), typical);
}

/** The vendors routing each prefix, best first, as "prefix: A B C". */
function lcr(vendors: LcrDeck[], opts: { sell?: LcrDeck; rankBy?: 'rate' | 'cost'; typical?: number; noLoss?: boolean } = {}): Record<string, string> {
  const t = buildLcr({ vendors: orderVendors(vendors), sell: opts.sell ?? null }, { atMs: 0, typicalS: opts.typical ?? 180, rankBy: opts.rankBy ?? 'rate' });
  const out: Record<string, string> = {};
  const chosen = new Int8Array(vendors.length);
  for (let p = 0; p < t.n; p++) {
    const n = routesOf(t, p, { noLoss: opts.noLoss ?? false }, chosen);
    const names = Array.from(chosen.subarray(0, n), (v) => t.vendors[v]!.name);
    const flags = flagsOf(t.flags[p]!);
    out[t.prefixes[p]!] = [...names, ...flags.map((f) => `[${f}]`)].join(' ');
  }
  return out;
}

describe('LCR ranking', () => {
  it.each([
    {
      name: 'cheaper rate first',
      vendors: () => [vendor('A', [{ prefix: '44', rate: '0.02' }]), vendor('B', [{ prefix: '44', rate: '0.01' }])],
      expected: { 44: 'B A' },
    },
    {
      name: 'a tie at the same rate goes to the lower LCR preference, whatever the name',
      vendors: () => [vendor('Aardvark', [{ prefix: '44', rate: '0.01' }], 100), vendor('Zulu', [{ prefix: '44', rate: '0.01' }], 10)],
      expected: { 44: 'Zulu Aardvark' },
    },
    {
      name: 'a tie at the same rate and preference goes by name (any case)',
      vendors: () => [vendor('charlie', [{ prefix: '44', rate: '0.01' }]), vendor('Bravo', [{ prefix: '44', rate: '0.01' }]), vendor('alpha', [{ prefix: '44', rate: '0.01' }])],
      expected: { 44: 'alpha Bravo charlie' },
    },
    {
      name: 'a shallow deck covers deeper prefixes by longest match (its 44 covers 447)',
      vendors: () => [vendor('Shallow', [{ prefix: '44', rate: '0.01' }]), vendor('Deep', [{ prefix: '44', rate: '0.02' }, { prefix: '447', rate: '0.05' }, { prefix: '4475', rate: '0.005' }])],
      expected: { 44: 'Shallow Deep', 447: 'Shallow Deep', 4475: 'Deep Shallow' },
    },
    {
      name: 'a vendor with the longer prefix uses it, not its shorter one',
      vendors: () => [vendor('A', [{ prefix: '44', rate: '0.001' }, { prefix: '447', rate: '0.09' }]), vendor('B', [{ prefix: '447', rate: '0.05' }])],
      expected: { 44: 'A [single]', 447: 'B A' },
    },
    {
      name: 'a closed code means the vendor does not carry it (no fall-back to its shorter prefix)',
      vendors: () => [vendor('A', [{ prefix: '44', rate: '0.001' }, { prefix: '447', kind: 'closed' }]), vendor('B', [{ prefix: '447', rate: '0.05' }])],
      expected: { 44: 'A [single]', 447: 'B [single]' },
    },
    {
      name: 'a blocked code is not routed either, and a code closed everywhere is not in the universe',
      vendors: () => [vendor('A', [{ prefix: '49', kind: 'blocked' }, { prefix: '33', kind: 'closed' }, { prefix: '44', rate: '0.01' }]), vendor('B', [{ prefix: '49', rate: '0.05' }, { prefix: '33', kind: 'closed' }])],
      expected: { 44: 'A [single]', 49: 'B [single]' },
    },
    {
      name: 'a prefix only the customer sells is uncovered',
      vendors: () => [vendor('A', [{ prefix: '44', rate: '0.01' }])],
      sell: () => vendor('Cust', [{ prefix: '44', rate: '0.02' }, { prefix: '86', rate: '0.01' }]),
      expected: { 44: 'A [single]', 86: '[uncovered]' },
    },
    {
      name: 'no profitable route when every route costs the sell rate or more; no-loss drops the dearer ones',
      vendors: () => [vendor('A', [{ prefix: '33', rate: '0.0140' }, { prefix: '34', rate: '0.02' }]), vendor('B', [{ prefix: '33', rate: '0.0150' }, { prefix: '34', rate: '0.01' }])],
      sell: () => vendor('Cust', [{ prefix: '33', rate: '0.0140' }, { prefix: '34', rate: '0.015' }]),
      noLoss: true,
      expected: { 33: 'A [unprofitable]', 34: 'B' },
    },
    {
      name: 'by the cost of a 61 s call, 1/1 beats a cheaper 60/60 rate',
      vendors: () => [vendor('Sixty', [{ prefix: '44', rate: '0.010', inc: '60/60' }], 100, 61), vendor('One', [{ prefix: '44', rate: '0.015', inc: '1/1' }], 100, 61)],
      rankBy: 'cost' as const,
      typical: 61,
      expected: { 44: 'One Sixty' },
    },
    {
      name: 'a connection fee counts in the cost ranking',
      vendors: () => [vendor('Fee', [{ prefix: '44', rate: '0.010', inc: '1/1', fee: '0.05' }]), vendor('NoFee', [{ prefix: '44', rate: '0.020', inc: '1/1' }])],
      rankBy: 'cost' as const,
      expected: { 44: 'NoFee Fee' },
    },
    {
      name: 'equal costs fall back to the rate, then the vendor order',
      vendors: () => [vendor('B', [{ prefix: '44', rate: '0.012', inc: '1/1' }]), vendor('A', [{ prefix: '44', rate: '0.012', inc: '60/60' }]), vendor('C', [{ prefix: '44', rate: '0.011', inc: '60/60', grace: 200 }])],
      rankBy: 'cost' as const,
      expected: { 44: 'C A B' },
    },
  ])('$name', ({ vendors, sell, rankBy, typical, noLoss, expected }) => {
    expect(lcr(vendors(), { sell: sell?.(), rankBy, typical, noLoss })).toEqual(Object.fromEntries(Object.entries(expected).map(([k, v]) => [k, v])));
  });

  it('the same input in any order gives the same table', () => {
    const make = () => [
      vendor('A', [{ prefix: '44', rate: '0.01' }, { prefix: '447', rate: '0.02' }]),
      vendor('B', [{ prefix: '44', rate: '0.01' }]),
      vendor('C', [{ prefix: '4', rate: '0.01' }, { prefix: '447', rate: '0.02' }], 100),
    ];
    const a = lcr(make());
    expect(lcr(make().reverse())).toEqual(a);
    expect(a).toEqual({ 4: 'C [single]', 44: 'A B C', 447: 'B A C' });
  });
});

describe('longestMatches (sorted merge walk)', () => {
  it('agrees with a brute-force longest prefix search', () => {
    const code = fc.stringMatching(/^[1-9][0-9]{0,5}$/);
    fc.assert(fc.property(fc.uniqueArray(code, { maxLength: 60 }), fc.uniqueArray(code, { maxLength: 60 }), (deckList, universeList) => {
      const deck = [...deckList].sort();
      const universe = [...universeList].sort();
      const got = Array.from(longestMatches(universe, deck));
      const want = universe.map((u) => {
        let best = -1;
        deck.forEach((d, i) => {
          if (u.startsWith(d) && (best < 0 || d.length > deck[best]!.length)) best = i;
        });
        return best;
      });
      expect(got).toEqual(want);
    }), { numRuns: 500 });
  });
});
