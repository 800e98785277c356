import type { ChangeClass } from '../../core/api/contract.ts';

export function ChangeClassPill({ value }: { value: ChangeClass | null | undefined }) {
  if (!value) return null;
  return <span className={`cc cc-${value}`}>{value}</span>;
}
