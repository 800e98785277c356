import type { WorkspaceInfo } from '../core/api/contract.ts';
import type { ErrorBody } from '../core/api/errors.ts';
import type { EngineEvent } from '../core/api/events.ts';
import type { Result } from '../core/api/result.ts';
import type { HostReply, HostRequest, StartOptions } from './engine-protocol.ts';

/** What main needs of the engine's process (a utilityProcess in the app, a fake in the tests). */
export interface HostProcess {
  postMessage(message: HostRequest): void;
  onMessage(listener: (message: HostReply) => void): void;
  onExit(listener: (code: number) => void): void;
  kill(): void;
}

export type StartOutcome = { ok: true; info: WorkspaceInfo; seedError?: ErrorBody } | { ok: false; error: ErrorBody };

export interface ClientListeners {
  event(e: EngineEvent): void;
  backup(file: string, reason: string): void;
}

interface Run {
  host: HostProcess;
  pending: Map<number, (r: Result<unknown>) => void>;
  stopping: boolean;
  exited: Promise<void>;
}

/**
 * Main's side of the engine host: numbers the calls, matches the answers, queues calls while the
 * workspace opens, and answers every call (never hangs) when the host stops or crashes. After a
 * crash the next call starts a new host on the same workspace; after a fatal open error it does not.
 */
export class EngineClient {
  private run: Run | null = null;
  private ready: Promise<StartOutcome> | null = null;
  private options: StartOptions | null = null;
  private nextId = 1;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly spawn: () => HostProcess,
    private readonly listeners: ClientListeners,
    private readonly stopTimeoutMs = 5000,
  ) {}

  /** The workspace open now (or being opened). */
  get dbPath(): string | null {
    return this.options?.dbPath ?? null;
  }

  /** Opens a workspace in a new host, after closing the current one. */
  start(options: StartOptions): Promise<StartOutcome> {
    this.options = options;
    const ready = this.enqueue(async () => {
      await this.stopRun();
      return this.launch(options);
    });
    this.ready = ready;
    return ready;
  }

  async dispatch(method: string, args: unknown): Promise<Result<unknown>> {
    if (!this.ready) {
      const options = this.options;
      if (!options) return { ok: false, error: { code: 'INTERNAL_ERROR', message: 'no workspace is open' } };
      // After a crash: the same workspace in a new host.
      this.ready = this.enqueue(() => this.launch(options));
    }
    const outcome = await this.ready;
    if (!outcome.ok) return { ok: false, error: outcome.error };
    const run = this.run;
    if (!run) return { ok: false, error: { code: 'INTERNAL_ERROR', message: 'the workspace was closed' } };
    const id = this.nextId++;
    return new Promise((resolve) => {
      run.pending.set(id, resolve);
      try {
        run.host.postMessage({ type: 'call', id, method, args });
      } catch (e) {
        // The host is going down (its exit answers the other pending calls): the next call starts another.
        run.pending.delete(id);
        if (this.run === run) {
          this.run = null;
          this.ready = null;
          run.host.kill();
        }
        resolve({ ok: false, error: { code: 'INTERNAL_ERROR', message: `the engine is not running: ${(e as Error).message}` } });
      }
    });
  }

  /** Closes the workspace for good (quitting): the host checkpoints and exits, or is killed if it does not. */
  stop(): Promise<void> {
    this.options = null;
    this.ready = null;
    return this.enqueue(() => this.stopRun());
  }

  /** Starts and stops one at a time, so a quick second switch never leaves a host behind. */
  private enqueue<T>(step: () => Promise<T>): Promise<T> {
    const result = this.queue.then(step);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async stopRun(): Promise<void> {
    const run = this.run;
    this.run = null;
    if (!run) return;
    if (!run.stopping) {
      run.stopping = true;
      try {
        run.host.postMessage({ type: 'stop' });
      } catch {
        run.host.kill();
      }
    }
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), this.stopTimeoutMs);
    });
    const late = await Promise.race([run.exited.then(() => false), timedOut]);
    clearTimeout(timer);
    if (late) {
      run.host.kill();
      await run.exited;
    }
  }

  private launch(options: StartOptions): Promise<StartOutcome> {
    const host = this.spawn();
    let markExited!: () => void;
    const run: Run = { host, pending: new Map(), stopping: false, exited: new Promise((r) => (markExited = r)) };
    this.run = run;
    return new Promise<StartOutcome>((resolveReady) => {
      let settled = false;
      host.onMessage((m) => {
        switch (m.type) {
          case 'ready':
            settled = true;
            resolveReady(m.seedError ? { ok: true, info: m.info, seedError: m.seedError } : { ok: true, info: m.info });
            return;
          case 'fatal':
            settled = true;
            resolveReady({ ok: false, error: m.error });
            run.stopping = true;
            host.kill();
            return;
          case 'result': {
            const resolve = run.pending.get(m.id);
            run.pending.delete(m.id);
            resolve?.(m.result);
            return;
          }
          case 'event':
            this.listeners.event(m.event);
            return;
          case 'backup':
            this.listeners.backup(m.file, m.reason);
            return;
        }
      });
      host.onExit((code) => {
        const error: ErrorBody = run.stopping
          ? { code: 'INTERNAL_ERROR', message: 'the workspace was closed before the call finished' }
          : { code: 'INTERNAL_ERROR', message: `the engine stopped unexpectedly (exit code ${code}); the next action restarts it` };
        for (const resolve of run.pending.values()) resolve({ ok: false, error });
        run.pending.clear();
        if (!settled) {
          settled = true;
          resolveReady({ ok: false, error: { ...error, message: `the engine stopped while opening the workspace (exit code ${code})` } });
        } else if (!run.stopping && this.run === run) {
          this.run = null;
          this.ready = null;
        }
        markExited();
      });
      host.postMessage({ type: 'start', ...options });
    });
  }
}
