/**
 * Longest-prefix match over digit strings on flat typed arrays: one node per distinct prefix of a
 * prefix, built once per deck and instant; lookups allocate nothing.
 *
 * A node is eleven Int32 side by side: its value + 1 (0: none), then its ten children (0: none).
 * A lookup reads one node per digit; with the value beside the children that is one cache line
 * per digit, not two (a 300k-prefix deck has 660k nodes, 29 MB: a walk's deep nodes are not in
 * the cache while a CDR import's reading churns through memory, so each line read is a miss).
 */
const STRIDE = 11;

export class PrefixTrie {
  private nodes: Int32Array;
  private count = 1;

  constructor(expectedPrefixes = 1024) {
    this.nodes = new Int32Array(Math.max(16, expectedPrefixes * 2) * STRIDE);
  }

  get size(): number {
    return this.count;
  }

  private grow(): void {
    const nodes = new Int32Array(this.nodes.length * 2);
    nodes.set(this.nodes);
    this.nodes = nodes;
  }

  /** Stores `value` (≥ 0) for a digit prefix; a later insert of the same prefix replaces it. */
  insert(prefix: string, value: number): void {
    let node = 0;
    for (let i = 0; i < prefix.length; i++) {
      const d = prefix.charCodeAt(i) - 48;
      if (d < 0 || d > 9) throw new Error(`prefix "${prefix}" is not all digits`);
      const slot = node + 1 + d;
      let child = this.nodes[slot]!;
      if (child === 0) {
        if ((this.count + 1) * STRIDE > this.nodes.length) this.grow();
        child = this.count++ * STRIDE;
        this.nodes[slot] = child;
      }
      node = child;
    }
    this.nodes[node] = value + 1;
  }

  /** The value of the longest stored prefix of `digits`, or -1. Non-digits end the match. */
  longest(digits: string): number {
    return this.longestFrom(digits, 0);
  }

  /** The same as longest(text.slice(start)), without making the slice. */
  longestFrom(text: string, start: number): number {
    const nodes = this.nodes;
    let node = 0;
    let best = nodes[0]!;
    for (let i = start; i < text.length; i++) {
      const d = text.charCodeAt(i) - 48;
      if (d < 0 || d > 9) break;
      node = nodes[node + 1 + d]!;
      if (node === 0) break;
      const v = nodes[node]!;
      if (v !== 0) best = v;
    }
    return best - 1;
  }

  /** Every stored prefix of `digits`, shortest first, written into `out`; returns how many. */
  matches(digits: string, out: Int32Array): number {
    const nodes = this.nodes;
    let node = 0;
    let n = 0;
    if (nodes[0]! !== 0 && n < out.length) out[n++] = nodes[0]! - 1;
    for (let i = 0; i < digits.length; i++) {
      const d = digits.charCodeAt(i) - 48;
      if (d < 0 || d > 9) break;
      node = nodes[node + 1 + d]!;
      if (node === 0) break;
      const v = nodes[node]!;
      if (v !== 0 && n < out.length) out[n++] = v - 1;
    }
    return n;
  }
}
