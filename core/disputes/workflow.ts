import type { DisputeState } from '../api/recon-types.ts';

/**
 * The dispute workflow (DOMAIN "Disputes"): Draft → Submitted → Acknowledged → Accepted / Partially
 * accepted / Rejected → Settled → Closed; Escalated from Submitted or Acknowledged, and back to a
 * decision from there. A draft may be closed (withdrawn); a rejected claim is settled (written off)
 * or closed; a settled one is closed. Everything else is refused.
 */
export const TRANSITIONS: Readonly<Record<DisputeState, readonly DisputeState[]>> = {
  draft: ['submitted', 'closed'],
  submitted: ['acknowledged', 'escalated'],
  acknowledged: ['accepted', 'partially-accepted', 'rejected', 'escalated'],
  escalated: ['acknowledged', 'accepted', 'partially-accepted', 'rejected'],
  accepted: ['settled'],
  'partially-accepted': ['settled'],
  rejected: ['settled', 'closed', 'escalated'],
  settled: ['closed'],
  closed: [],
};

export function canMove(from: DisputeState, to: DisputeState): boolean {
  return TRANSITIONS[from].includes(to);
}

const DAY_MS = 86_400_000;

/** Whole days since submission: to settlement once settled, else to now; null before submission. */
export function ageDays(submittedAtMs: number | null, settledAtMs: number | null, nowMs: number): number | null {
  if (submittedAtMs === null) return null;
  return Math.max(0, Math.floor(((settledAtMs ?? nowMs) - submittedAtMs) / DAY_MS));
}
