import { describe, expect, it } from 'vitest';
import { withholdingSpans } from '../../../core/settlement/vendor-side.ts';

const ev = (...steps: [number, string][]) => steps.map(([atMs, toState]) => ({ atMs, toState }));

describe('withholdingSpans: when a dispute held its claim back, from its events', () => {
  it.each([
    ['a draft never withholds', ev([1, 'draft']), []],
    ['a draft withdrawn (closed) never withholds', ev([1, 'draft'], [2, 'closed']), []],
    ['submitted and still open', ev([1, 'draft'], [2, 'submitted'], [3, 'acknowledged']), [{ fromMs: 2, toMs: null }]],
    ['accepted is still withheld until it settles', ev([1, 'draft'], [2, 'submitted'], [3, 'acknowledged'], [4, 'accepted']), [{ fromMs: 2, toMs: null }]],
    ['settled with a credit note', ev([1, 'draft'], [2, 'submitted'], [3, 'acknowledged'], [4, 'partially-accepted'], [5, 'settled'], [6, 'closed']), [{ fromMs: 2, toMs: 5 }]],
    ['rejected, then written off: released at the rejection', ev([1, 'draft'], [2, 'submitted'], [3, 'acknowledged'], [4, 'rejected'], [9, 'settled']), [{ fromMs: 2, toMs: 4 }]],
    ['rejected, escalated again, settled', ev([1, 'draft'], [2, 'submitted'], [3, 'acknowledged'], [4, 'rejected'], [5, 'escalated'], [6, 'accepted'], [7, 'settled']),
      [{ fromMs: 2, toMs: 4 }, { fromMs: 5, toMs: 7 }]],
    ['a note recorded in the same state changes nothing', ev([1, 'draft'], [2, 'submitted'], [3, 'submitted'], [4, 'rejected'], [5, 'rejected']), [{ fromMs: 2, toMs: 4 }]],
  ])('%s', (_name, events, spans) => {
    expect(withholdingSpans(events)).toEqual(spans);
  });
});
