import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** `<userData>/recent.json`: the workspace open now and the ones opened before, newest first. */
export interface RecentWorkspaces {
  /** The workspace the person chose last; absent until they choose one (the demo opens instead). */
  current?: string;
  recent: string[];
}

export const RECENT_LIMIT = 10;

/** Puts a workspace first in the list (once) and makes it the current one. */
export function addRecent(state: RecentWorkspaces, dbPath: string, limit = RECENT_LIMIT): RecentWorkspaces {
  return { current: dbPath, recent: [dbPath, ...state.recent.filter((p) => p !== dbPath)].slice(0, limit) };
}

/** Reads the list leniently: a missing or damaged file is an empty list, never a startup failure. */
export function parseRecent(text: string | null): RecentWorkspaces {
  if (text === null) return { recent: [] };
  try {
    const raw = JSON.parse(text) as unknown;
    if (typeof raw !== 'object' || raw === null) return { recent: [] };
    const { current, recent } = raw as { current?: unknown; recent?: unknown };
    const paths = Array.isArray(recent) ? recent.filter((p): p is string => typeof p === 'string' && p.length > 0) : [];
    return typeof current === 'string' && current ? { current, recent: [...new Set(paths)].slice(0, RECENT_LIMIT) } : { recent: [...new Set(paths)].slice(0, RECENT_LIMIT) };
  } catch {
    return { recent: [] };
  }
}

export function loadRecent(file: string): RecentWorkspaces {
  return parseRecent(existsSync(file) ? readFileSync(file, 'utf8') : null);
}

/** Written whole, then renamed: a crash never leaves half a file. */
export function saveRecent(file: string, state: RecentWorkspaces): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(state, null, 2) + '\n');
  renameSync(tmp, file);
}
