/**
 * The digit trie every rating and LCR lookup goes through, against the obvious reference (every
 * stored prefix tested with startsWith), on random decks of nested prefixes: longest match,
 * longest from an offset, and every match shortest first.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PrefixTrie } from '../../../core/rates/prefix-trie.ts';

const digits = (max: number) => fc.string({ unit: fc.constantFrom('1', '2', '4', '7', '9'), minLength: 0, maxLength: max });
const deck = fc.uniqueArray(fc.tuple(digits(7), fc.nat(1_000_000)), { selector: ([p]) => p, maxLength: 200 });

function reference(entries: [string, number][], number: string): number[] {
  // Non-digits end the match, as in the trie.
  const end = number.search(/[^0-9]/);
  const digitsOnly = end < 0 ? number : number.slice(0, end);
  return entries.filter(([p]) => digitsOnly.startsWith(p)).sort((a, b) => a[0].length - b[0].length).map(([, v]) => v);
}

describe('PrefixTrie', () => {
  it('finds the longest stored prefix, and every stored prefix shortest first, as the reference does', () => {
    fc.assert(fc.property(deck, fc.array(fc.oneof(digits(10), fc.constant('44x1'), fc.constant('')), { maxLength: 50 }), (entries, numbers) => {
      const trie = new PrefixTrie(4);
      for (const [p, v] of entries) trie.insert(p, v);
      for (const n of numbers) {
        const all = reference(entries, n);
        expect(trie.longest(n)).toBe(all.length ? all[all.length - 1] : -1);
        expect(trie.longestFrom(`+00${n}`, 3)).toBe(trie.longest(n));
        const out = new Int32Array(32);
        expect([...out.subarray(0, trie.matches(n, out))]).toEqual(all);
      }
    }), { numRuns: 400 });
  });

  it('grows past its expected size, and a later insert of the same prefix replaces the value', () => {
    const trie = new PrefixTrie(1);
    for (let i = 0; i < 5000; i++) trie.insert(String(100000 + i), i);
    trie.insert('100042', 7);
    expect(trie.longest('1000420000')).toBe(7);
    expect(trie.longest('1049990')).toBe(4999);
    expect(trie.longest('2')).toBe(-1);
    trie.insert('', 0);
    expect(trie.longest('2')).toBe(0);
    expect(() => trie.insert('12a', 1)).toThrow(/not all digits/);
  });
});
