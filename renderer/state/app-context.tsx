import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { TrunklineBridge } from '../../core/api/bridge.ts';
import type { Args, MethodName, Output } from '../../core/api/contract.ts';
import type { ErrorBody } from '../../core/api/errors.ts';
import { CallError, plainText } from '../errors.ts';

export interface Toast {
  id: number;
  kind: 'error' | 'info';
  title: string;
  detail?: string;
}

export interface JobView {
  jobId: string;
  label: string;
  phase: string;
  done: number;
  total: number | null;
  /** Started from this window (it ends when its call answers) or only seen in events. */
  local: boolean;
  lastSeen: number;
  cancelling: boolean;
}

interface AppApi {
  bridge: TrunklineBridge;
  /** Calls the engine; answers the data or throws a CallError carrying the error body. */
  call<M extends MethodName>(method: M, args: Args<M>): Promise<Output<M>>;
  toasts: Toast[];
  notify(kind: Toast['kind'], title: string, detail?: string): void;
  /** Turns an error (a CallError or anything thrown) into a toast in plain language. */
  notifyError(e: unknown): void;
  dismiss(id: number): void;
  jobs: JobView[];
  /** Runs a long call under a job id so the status bar shows it (with Cancel) until it answers. */
  runJob<T>(label: string, work: (jobId: string) => Promise<T>): Promise<T>;
  cancelJob(jobId: string): void;
}

const Ctx = createContext<AppApi | null>(null);

export function useApp(): AppApi {
  const api = useContext(Ctx);
  if (!api) throw new Error('useApp outside AppProvider');
  return api;
}

/** randomUUID needs a secure context; a host reached by its LAN address is not one. */
function newJobId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Jobs only seen in events (another window started them) are dropped when they go quiet. */
const FOREIGN_JOB_TTL_MS = 15_000;

export function errorBody(e: unknown): ErrorBody {
  if (e instanceof CallError) return e.body;
  return { code: 'INTERNAL_ERROR', message: e instanceof Error ? e.message : String(e) };
}

export function AppProvider({ bridge, children }: { bridge: TrunklineBridge; children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const [jobs, setJobs] = useState<Map<string, JobView>>(new Map());
  const nextToast = useRef(1);
  // Progress events can trail the call's answer: a finished job must not come back from one.
  const finished = useRef(new Set<string>());

  const dismiss = useCallback((id: number) => setToasts((t) => t.filter((x) => x.id !== id)), []);

  const notify = useCallback((kind: Toast['kind'], title: string, detail?: string) => {
    const id = nextToast.current++;
    setToasts((t) => [...t.slice(-4), { id, kind, title, detail }]);
    window.setTimeout(() => dismiss(id), kind === 'error' ? 12_000 : 5_000);
  }, [dismiss]);

  const notifyError = useCallback((e: unknown) => {
    const body = errorBody(e);
    if (body.code === 'JOB_CANCELLED') notify('info', plainText(body));
    else notify('error', plainText(body), body.message);
  }, [notify]);

  const call = useCallback(async <M extends MethodName>(method: M, args: Args<M>): Promise<Output<M>> => {
    const r = await bridge.dispatch(method, args);
    if (!r.ok) throw new CallError(r.error);
    return r.data;
  }, [bridge]);

  const updateJob = useCallback((jobId: string, f: (j: JobView | undefined) => JobView | undefined) => {
    setJobs((prev) => {
      const next = new Map(prev);
      const j = f(prev.get(jobId));
      if (j) next.set(jobId, j);
      else next.delete(jobId);
      return next;
    });
  }, []);

  useEffect(() => bridge.onEvent((e) => {
    if (e.type !== 'job.progress' || finished.current.has(e.jobId)) return;
    updateJob(e.jobId, (j) => ({
      jobId: e.jobId,
      label: j?.label ?? e.method,
      phase: e.phase,
      done: e.done,
      total: e.total,
      local: j?.local ?? false,
      lastSeen: Date.now(),
      cancelling: j?.cancelling ?? false,
    }));
  }), [bridge, updateJob]);

  useEffect(() => {
    const t = window.setInterval(() => {
      setJobs((prev) => {
        const now = Date.now();
        const stale = [...prev.values()].filter((j) => !j.local && now - j.lastSeen > FOREIGN_JOB_TTL_MS);
        if (stale.length === 0) return prev;
        const next = new Map(prev);
        for (const j of stale) next.delete(j.jobId);
        return next;
      });
    }, 5_000);
    return () => window.clearInterval(t);
  }, []);

  const runJob = useCallback(async <T,>(label: string, work: (jobId: string) => Promise<T>): Promise<T> => {
    const jobId = newJobId();
    updateJob(jobId, () => ({ jobId, label, phase: 'starting', done: 0, total: null, local: true, lastSeen: Date.now(), cancelling: false }));
    try {
      return await work(jobId);
    } finally {
      finished.current.add(jobId);
      updateJob(jobId, () => undefined);
    }
  }, [updateJob]);

  const cancelJob = useCallback((jobId: string) => {
    updateJob(jobId, (j) => (j ? { ...j, cancelling: true } : j));
    call('jobs.cancel', { jobId }).then(
      (r) => { if (!r.cancelled) updateJob(jobId, (j) => (j && !j.local ? undefined : j)); },
      notifyError,
    );
  }, [call, notifyError, updateJob]);

  const api = useMemo<AppApi>(() => ({
    bridge, call, toasts, notify, notifyError, dismiss, jobs: [...jobs.values()], runJob, cancelJob,
  }), [bridge, call, toasts, notify, notifyError, dismiss, jobs, runJob, cancelJob]);

  return <Ctx.Provider value={api}>{children}</Ctx.Provider>;
}
