import type { ErrorBody } from './errors.ts';

/** Events the engine emits; hosts forward them (IPC, server-sent events, a progress line on stderr). */
export interface JobProgressEvent {
  type: 'job.progress';
  jobId: string;
  method: string;
  phase: string;
  done: number;
  total: number | null;
}

export type EngineEvent = JobProgressEvent;

/**
 * Events the desktop shell adds to the engine's, on the same stream (`bridge.onEvent`). The web
 * host sends none of them.
 */
export type ShellEvent =
  /** Open the deck import wizard: on a file (dropped on the app icon, passed on the command line) or, when null, asking for one. */
  | { type: 'shell.importDeck'; file: { path: string; name: string } | null }
  /** Another workspace is open now: reload everything. */
  | { type: 'shell.workspaceChanged'; dbPath: string; demo: boolean }
  /** The workspace cannot be opened (DB_* codes): show the fatal screen. */
  | { type: 'shell.fatal'; error: ErrorBody }
  /** View → Toggle Dark Mode: the renderer owns the theme (and remembers it). */
  | { type: 'shell.toggleTheme' }
  /** A backup was taken before a destructive operation. */
  | { type: 'shell.backupTaken'; file: string; reason: string };

/** Everything a host can push to the renderer. */
export type HostEvent = EngineEvent | ShellEvent;
