import type { Side } from '../api/contract.ts';
import type { InForceRate, RatesRepo } from '../db/rates-repo.ts';
import { PrefixTrie } from './prefix-trie.ts';

/** A carrier's deck as it stood at one instant, in memory, for fast longest-prefix matching. */
export class RateTable {
  private constructor(
    readonly atMs: number,
    readonly rates: InForceRate[],
    private readonly trie: PrefixTrie,
  ) {}

  static load(repo: RatesRepo, carrierId: number, side: Side, atMs: number): RateTable {
    const rates: InForceRate[] = [];
    for (const r of repo.inForceAt(carrierId, side, atMs)) rates.push(r);
    const trie = new PrefixTrie(rates.length * 3);
    rates.forEach((r, i) => trie.insert(r.prefix, i));
    return new RateTable(atMs, rates, trie);
  }

  /**
   * The version matching the longest prefix of a normalised number: closed and blocked versions
   * are returned too, since a closed 447 must not fall back to 44's rate.
   */
  match(digits: string): InForceRate | undefined {
    const i = this.trie.longest(digits);
    return i < 0 ? undefined : this.rates[i];
  }

  /** The index of the matching version, or -1: the allocation-free form for bulk rating. */
  matchIndex(digits: string): number {
    return this.trie.longest(digits);
  }
}
