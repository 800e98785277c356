import type { WorkspaceInfo } from '../core/api/contract.ts';
import type { ErrorBody } from '../core/api/errors.ts';
import type { EngineEvent } from '../core/api/events.ts';
import type { Result } from '../core/api/result.ts';

/** Messages between main and the engine host (a utilityProcess), over its parent port. */
export interface StartOptions {
  dbPath: string;
  /** Where automatic backups go (`<userData>/backups`). */
  backupsDir: string;
  /** Set for the demo workspace: seed it from this folder if it is empty. */
  fixturesDir?: string;
  actor?: string;
}

export type HostRequest =
  | ({ type: 'start' } & StartOptions)
  | { type: 'call'; id: number; method: string; args: unknown }
  | { type: 'stop' };

export type HostReply =
  | { type: 'ready'; info: WorkspaceInfo; seedError?: ErrorBody }
  | { type: 'fatal'; error: ErrorBody }
  | { type: 'result'; id: number; result: Result<unknown> }
  | { type: 'event'; event: EngineEvent }
  | { type: 'backup'; file: string; reason: string };
