import { formatCount } from '../format.ts';
import { useApp } from '../state/app-context.tsx';

export function StatusBar() {
  const { jobs, cancelJob } = useApp();
  return (
    <footer className="statusbar" data-testid="status-bar" aria-label="Running jobs">
      {jobs.length === 0 && <span className="muted">No jobs running</span>}
      {jobs.map((j) => {
        const pct = j.total ? Math.min(100, Math.round((j.done / j.total) * 100)) : undefined;
        return (
          <div key={j.jobId} className="job" data-testid={`job-${j.jobId}`}>
            <span className="job-label">{j.label}</span>
            <span className="muted">{j.phase}</span>
            <progress max={100} value={pct} aria-label={`${j.label} progress`} />
            <span className="num muted">
              {formatCount(j.done)}{j.total ? ` / ${formatCount(j.total)}` : ''}
            </span>
            <button
              type="button"
              className="btn small"
              data-testid="job-cancel"
              disabled={j.cancelling}
              onClick={() => cancelJob(j.jobId)}
            >
              {j.cancelling ? 'Cancelling…' : 'Cancel'}
            </button>
          </div>
        );
      })}
    </footer>
  );
}
