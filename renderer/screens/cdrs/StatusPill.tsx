import type { CdrRow } from '../../../core/api/contract.ts';

/** A call's rating status as a coloured pill: rated, free, unrated (or not rated yet on this side). */
export function StatusPill({ status }: { status: CdrRow['status'] | null | undefined }) {
  if (!status) return null;
  return <span className={`cc st-${status.replace(' ', '-')}`}>{status}</span>;
}
