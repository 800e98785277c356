import { randomUUID } from 'node:crypto';
import type { EngineEvent } from '../api/events.ts';

export interface JobContext {
  id: string;
  signal: AbortSignal;
  progress(phase: string, done: number, total?: number | null): void;
}

/** Long jobs: an id the caller may choose (so it can cancel before the answer comes), progress events, cancellation. */
export class Jobs {
  private readonly running = new Map<string, AbortController>();

  constructor(private readonly emit: (e: EngineEvent) => void) {}

  async run<T>(method: string, requestedId: string | undefined, work: (job: JobContext) => Promise<T>): Promise<T> {
    const id = requestedId ?? randomUUID();
    const controller = new AbortController();
    this.running.set(id, controller);
    let lastEmit = 0;
    const job: JobContext = {
      id,
      signal: controller.signal,
      progress: (phase, done, total = null) => {
        const now = Date.now();
        // Progress is for people: a few updates a second is plenty.
        if (now - lastEmit < 100 && total !== null && done < total) return;
        lastEmit = now;
        this.emit({ type: 'job.progress', jobId: id, method, phase, done, total });
      },
    };
    try {
      return await work(job);
    } finally {
      this.running.delete(id);
    }
  }

  cancel(id: string): boolean {
    const c = this.running.get(id);
    if (!c) return false;
    c.abort();
    return true;
  }
}
