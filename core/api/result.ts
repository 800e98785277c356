import type { ErrorBody } from './errors.ts';

/** Calls never throw across a boundary: they answer with one of these. */
export type Result<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };
