import type { ChangeClass } from '../core/api/contract.ts';

/** "2026-11-01T00:00:00.000Z" → "2026-11-01 00:00" (UTC, as the engine stores instants). */
export function formatInstant(iso: string | null | undefined): string {
  if (!iso) return '';
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(iso);
  return m ? `${m[1]} ${m[2]}` : iso;
}

export function formatCount(n: number | null | undefined): string {
  return n === null || n === undefined ? '' : n.toLocaleString('en-US');
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export const CHANGE_CLASSES: readonly ChangeClass[] = ['new', 'increase', 'decrease', 'unchanged', 'closed', 'blocked'];

/** A date input's value (YYYY-MM-DD) for today, in local time. */
export function todayInput(): string {
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
