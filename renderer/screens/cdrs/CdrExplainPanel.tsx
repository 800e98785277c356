import { useEffect, useState } from 'react';
import type { CdrExplanation, CdrRow, Side } from '../../../core/api/contract.ts';
import { formatInstant } from '../../format.ts';
import { useApp } from '../../state/app-context.tsx';
import { StatusPill } from './StatusPill.tsx';

/** How one call is rated, step by step, as the engine would rate it now, and whether that is what is stored. */
export function CdrExplainPanel({ row, side, onClose }: { row: CdrRow; side: Side; onClose: () => void }) {
  const { call, notifyError } = useApp();
  const [x, setX] = useState<CdrExplanation | null>(null);

  useEffect(() => {
    let live = true;
    setX(null);
    call('cdrs.explain', { id: row.id, side }).then((r) => { if (live) setX(r); }, notifyError);
    return () => { live = false; };
  }, [call, notifyError, row.id, side]);

  const c = x?.call ?? row;
  return (
    <aside className="panel history cdr-explain" data-testid="cdr-explain" aria-label={`How call ${c.callId ?? c.id} is rated`}>
      <div className="panel-head">
        <div>
          <h2>Call <span className="mono">{c.callId ?? `#${c.id}`}</span></h2>
          <div className="muted small-text">
            {c.carrier} · {side} · {c.source} · {formatInstant(c.start)} UTC · <span className="mono">{c.called}</span>
          </div>
        </div>
        <button type="button" className="btn ghost small" onClick={onClose} aria-label="Close the explanation">✕</button>
      </div>
      {!x && <div className="busy" role="status">Explaining…</div>}
      {x && (
        <div className="explain-body">
          {!x.storedMatchesNow && (
            <div className="stale-note" role="alert" data-testid="cdr-explain-stale">
              The stored rating differs from what the decks give now (stored: {c.status}{c.amount !== null ? `, ${c.amount}` : ''}).
              Re-rate to update it.
            </div>
          )}
          <h3 className="section-title">Steps</h3>
          <ol className="explain-steps" data-testid="cdr-explain-steps">
            {x.steps.map((s, i) => (
              <li key={i}>
                <strong>{s.step}</strong>
                <div className="mono small-text">{s.detail}</div>
              </li>
            ))}
          </ol>
          <h3 className="section-title">Rate versions tried</h3>
          {x.candidates.length === 0 ? (
            <p className="muted">No rate version covers this number at the call's start.</p>
          ) : (
            <div className="table-scroll">
              <table className="table compact" data-testid="cdr-explain-candidates">
                <thead><tr><th>Prefix</th><th>Destination</th><th>From (UTC)</th><th>Until</th><th className="num">Rate</th></tr></thead>
                <tbody>
                  {x.candidates.map((v, i) => (
                    <tr key={i} className={v.chosen ? 'current-row chosen' : ''} data-chosen={v.chosen || undefined} aria-current={v.chosen || undefined}>
                      <td className="mono">{v.chosen ? '▶ ' : ''}{v.prefix}</td>
                      <td className="ellipsis" title={v.destination}>{v.destination}</td>
                      <td>{formatInstant(v.effectiveFrom)}</td>
                      <td>{formatInstant(v.effectiveTo) || 'open'}</td>
                      <td className="num mono">{v.rate ?? v.kind}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <h3 className="section-title">Result now</h3>
          <div className="facts" data-testid="cdr-explain-now">
            <span><StatusPill status={x.now.status} /></span>
            {x.now.reason && <span><span className="muted">Reason</span> {x.now.reason}</span>}
            <span><span className="muted">Billed</span> <span className="mono">{x.now.billedSeconds}</span> s</span>
            <span><span className="muted">Amount</span> <strong className="mono" data-testid="cdr-explain-amount">{x.now.amount ?? '—'}</strong> {c.currency ?? ''}</span>
          </div>
        </div>
      )}
    </aside>
  );
}
