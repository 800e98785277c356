import { describe, expect, it } from 'vitest';
import { DISPUTE_STATES, type DisputeState } from '../../../core/api/recon-types.ts';
import { ageDays, canMove } from '../../../core/disputes/workflow.ts';

const ALLOWED: [DisputeState, DisputeState][] = [
  ['draft', 'submitted'], ['draft', 'closed'],
  ['submitted', 'acknowledged'], ['submitted', 'escalated'],
  ['acknowledged', 'accepted'], ['acknowledged', 'partially-accepted'], ['acknowledged', 'rejected'], ['acknowledged', 'escalated'],
  ['escalated', 'acknowledged'], ['escalated', 'accepted'], ['escalated', 'partially-accepted'], ['escalated', 'rejected'],
  ['accepted', 'settled'], ['partially-accepted', 'settled'],
  ['rejected', 'settled'], ['rejected', 'closed'], ['rejected', 'escalated'],
  ['settled', 'closed'],
];

describe('dispute workflow: the whole transition table', () => {
  const all = DISPUTE_STATES.flatMap((from) => DISPUTE_STATES.filter((to) => to !== from).map((to) => ({ from, to })));
  it.each(all)('$from → $to', ({ from, to }) => {
    expect(canMove(from, to)).toBe(ALLOWED.some(([f, t]) => f === from && t === to));
  });
  it('nothing leaves closed; escalation only from submitted, acknowledged (or a rejection)', () => {
    expect(DISPUTE_STATES.filter((s) => canMove('closed', s))).toEqual([]);
    expect(DISPUTE_STATES.filter((s) => canMove(s, 'escalated'))).toEqual(['submitted', 'acknowledged', 'rejected']);
  });
});

describe('ageing from submission', () => {
  const day = 86_400_000;
  it.each([
    { name: 'not submitted', submitted: null, settled: null, now: 10 * day, age: null },
    { name: 'same day', submitted: 0, settled: null, now: day - 1, age: 0 },
    { name: '45 days open', submitted: day, settled: null, now: 46 * day + 5, age: 45 },
    { name: 'stops at settlement', submitted: 0, settled: 30 * day, now: 400 * day, age: 30 },
  ])('$name', ({ submitted, settled, now, age }) => {
    expect(ageDays(submitted, settled, now)).toBe(age);
  });
});
