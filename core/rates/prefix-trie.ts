/**
 * Longest-prefix match over digit strings on flat typed arrays: one node per distinct prefix of a
 * prefix, ten child slots each. Built once per deck and instant; lookups allocate nothing.
 */
export class PrefixTrie {
  private children: Int32Array;
  private values: Int32Array;
  private nodes = 1;

  constructor(expectedPrefixes = 1024) {
    const capacity = Math.max(16, expectedPrefixes * 2);
    this.children = new Int32Array(capacity * 10);
    this.values = new Int32Array(capacity).fill(-1);
  }

  get size(): number {
    return this.nodes;
  }

  private grow(): void {
    const capacity = this.values.length * 2;
    const children = new Int32Array(capacity * 10);
    children.set(this.children);
    const values = new Int32Array(capacity).fill(-1);
    values.set(this.values);
    this.children = children;
    this.values = values;
  }

  /** Stores `value` (≥ 0) for a digit prefix; a later insert of the same prefix replaces it. */
  insert(prefix: string, value: number): void {
    let node = 0;
    for (let i = 0; i < prefix.length; i++) {
      const d = prefix.charCodeAt(i) - 48;
      if (d < 0 || d > 9) throw new Error(`prefix "${prefix}" is not all digits`);
      const slot = node * 10 + d;
      let child = this.children[slot]!;
      if (child === 0) {
        if (this.nodes >= this.values.length) this.grow();
        child = this.nodes++;
        this.children[slot] = child;
      }
      node = child;
    }
    this.values[node] = value;
  }

  /** The value of the longest stored prefix of `digits`, or -1. Non-digits end the match. */
  longest(digits: string): number {
    let node = 0;
    let best = this.values[0]!;
    const children = this.children;
    const values = this.values;
    for (let i = 0; i < digits.length; i++) {
      const d = digits.charCodeAt(i) - 48;
      if (d < 0 || d > 9) break;
      node = children[node * 10 + d]!;
      if (node === 0) break;
      const v = values[node]!;
      if (v >= 0) best = v;
    }
    return best;
  }

  /** The same as longest(text.slice(start)), without making the slice. */
  longestFrom(text: string, start: number): number {
    let node = 0;
    let best = this.values[0]!;
    const children = this.children;
    const values = this.values;
    for (let i = start; i < text.length; i++) {
      const d = text.charCodeAt(i) - 48;
      if (d < 0 || d > 9) break;
      node = children[node * 10 + d]!;
      if (node === 0) break;
      const v = values[node]!;
      if (v >= 0) best = v;
    }
    return best;
  }

  /** Every stored prefix of `digits`, shortest first, written into `out`; returns how many. */
  matches(digits: string, out: Int32Array): number {
    let node = 0;
    let n = 0;
    const children = this.children;
    const values = this.values;
    if (values[0]! >= 0 && n < out.length) out[n++] = values[0]!;
    for (let i = 0; i < digits.length; i++) {
      const d = digits.charCodeAt(i) - 48;
      if (d < 0 || d > 9) break;
      node = children[node * 10 + d]!;
      if (node === 0) break;
      const v = values[node]!;
      if (v >= 0 && n < out.length) out[n++] = v;
    }
    return n;
  }
}
