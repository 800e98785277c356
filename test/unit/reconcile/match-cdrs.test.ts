import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matchCdrs, numberKey, type MatchSide } from '../../../core/reconcile/match-cdrs.ts';

function side(calls: { n: string; s: number; d: number }[]): MatchSide {
  const sorted = [...calls].sort((a, b) => a.s - b.s);
  return {
    n: sorted.length, key: Float64Array.from(sorted.map((c) => numberKey(c.n))),
    startMs: Float64Array.from(sorted.map((c) => c.s)), durationMs: Float64Array.from(sorted.map((c) => c.d)),
  };
}

describe('matching CDRs by number and start', () => {
  it('takes the nearest start first and uses each call once', () => {
    const own = side([{ n: '447700900001', s: 10_000, d: 60_000 }, { n: '447700900001', s: 11_500, d: 30_000 }]);
    const car = side([{ n: '447700900001', s: 11_400, d: 30_000 }, { n: '447700900001', s: 10_900, d: 60_000 }]);
    const m = matchCdrs(own, car, 2000);
    // own[1] (11.5 s) takes carrier 11.4 s (0.1 s away); own[0] gets the other (0.9 s).
    expect([...m.ownMatch]).toEqual([0, 1]);
  });
  it('leaves calls beyond the tolerance unmatched, and never matches different numbers', () => {
    const m = matchCdrs(side([{ n: '1', s: 0, d: 1 }, { n: '2', s: 0, d: 1 }]), side([{ n: '1', s: 2001, d: 1 }, { n: '3', s: 0, d: 1 }]), 2000);
    expect([...m.ownMatch]).toEqual([-1, -1]);
  });
  it('flags a repeated carrier call as a duplicate, which never matches', () => {
    const m = matchCdrs(side([{ n: '5', s: 0, d: 10 }]), side([{ n: '5', s: 0, d: 10 }, { n: '5', s: 500, d: 10 }]), 2000);
    expect([...m.duplicate]).toEqual([0, 1]);
    expect([...m.carrierMatch]).toEqual([0, -1]);
  });
  it('"0207…" and "207…" are different numbers', () => {
    expect(numberKey('0207')).not.toBe(numberKey('207'));
  });
  it('property: a one-to-one matching within the tolerance, as many pairs as a brute-force greedy', () => {
    fc.assert(fc.property(
      fc.array(fc.record({ n: fc.constantFrom('1', '2', '3'), s: fc.integer({ min: 0, max: 20_000 }), d: fc.integer({ min: 1, max: 5 }) }), { maxLength: 25 }),
      fc.array(fc.record({ n: fc.constantFrom('1', '2', '3'), s: fc.integer({ min: 0, max: 20_000 }), d: fc.integer({ min: 6, max: 9 }) }), { maxLength: 25 }),
      (o, c) => {
        const own = side(o);
        const car = side(c);
        const m = matchCdrs(own, car, 2000);
        const used = new Set<number>();
        for (let i = 0; i < own.n; i++) {
          const k = m.ownMatch[i]!;
          if (k < 0) continue;
          expect(used.has(k)).toBe(false);
          used.add(k);
          expect(m.carrierMatch[k]).toBe(i);
          expect(own.key[i]).toBe(car.key[k]);
          expect(Math.abs(own.startMs[i]! - car.startMs[k]!)).toBeLessThanOrEqual(2000);
        }
        // Greedy by distance over all pairs gives the same number of pairs.
        const pairs: [number, number, number][] = [];
        for (let i = 0; i < own.n; i++) for (let k = 0; k < car.n; k++) {
          const dist = Math.abs(own.startMs[i]! - car.startMs[k]!);
          if (own.key[i] === car.key[k] && dist <= 2000 && !m.duplicate[k]) pairs.push([dist, i, k]);
        }
        pairs.sort((x, y) => x[0] - y[0] || x[1] - y[1] || x[2] - y[2]);
        const uo = new Set<number>();
        const uk = new Set<number>();
        for (const [, i, k] of pairs) if (!uo.has(i) && !uk.has(k)) { uo.add(i); uk.add(k); }
        expect(used.size).toBe(uk.size);
      },
    ), { numRuns: 300 });
  });
});
