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
