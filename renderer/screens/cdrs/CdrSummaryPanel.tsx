import { useEffect, useId, useState } from 'react';
import type { CdrSource, CdrSummary } from '../../../core/api/contract.ts';
import { formatCount, formatInstant } from '../../format.ts';
import { useApp } from '../../state/app-context.tsx';
import { periodOf, type CdrFilters } from './cdr-model.ts';

interface Props {
  filters: CdrFilters;
  /** The source the summary is for: the filters' own or carrier, else the one asked for here. */
  source: CdrSource | '';
  onSource: (s: CdrSource) => void;
  /** Changes when the calls change (an import, a re-rate): the summary asks again. */
  refresh: number;
}

/** Per destination: calls, minutes, billed minutes and amount, with the totals and the unrated calls by reason. */
export function CdrSummaryPanel({ filters, source, onSource, refresh }: Props) {
  const { call, notifyError } = useApp();
  const ids = useId();
  const [summary, setSummary] = useState<CdrSummary | null>(null);
  const [loading, setLoading] = useState(false);

  useEffect(() => {
    if (!filters.carrier || !source) {
      setSummary(null);
      return;
    }
    let live = true;
    setLoading(true);
    call('cdrs.summary', { carrier: filters.carrier, source, side: filters.side, ...periodOf(filters) }).then(
      (s) => { if (live) setSummary(s); },
      notifyError,
    ).finally(() => { if (live) setLoading(false); });
    return () => { live = false; };
    // The destination and status filters narrow the grid only: a summary is of the whole period.
  }, [call, notifyError, filters.carrier, filters.side, filters.from, filters.to, source, refresh]);

  return (
    <div className="panel cdr-summary" data-testid="cdr-summary">
      {!filters.source && (
        <div className="field summary-source">
          <label htmlFor={`${ids}-src`}>A summary is of one source: whose CDRs?</label>
          <select id={`${ids}-src`} data-testid="cdr-summary-source" value={source} onChange={(e) => onSource(e.target.value as CdrSource)}>
            <option value="" disabled>Choose own or carrier…</option>
            <option value="carrier">carrier (their CDRs)</option>
            <option value="own">own (our switch)</option>
          </select>
        </div>
      )}
      {!source && <p className="muted">Choose the source to see the summary.</p>}
      {source && !summary && loading && <div className="busy" role="status">Summing…</div>}
      {source && summary && (
        <>
          <div className="facts">
            <span><span className="muted">Carrier</span> {summary.carrier}</span>
            <span><span className="muted">Side</span> {summary.side}</span>
            <span><span className="muted">Source</span> {summary.source}</span>
            <span><span className="muted">Period</span> {summary.from ? formatInstant(summary.from) : 'start'} – {summary.to ? formatInstant(summary.to) : 'now'} UTC</span>
            <span><span className="muted">Currency</span> {summary.currency}</span>
          </div>
          <div className="counts cdr-counts" data-testid="cdr-summary-totals">
            {([
              ['calls', 'Calls', formatCount(summary.totals.calls)],
              ['answered', 'Answered', formatCount(summary.totals.answered)],
              ['minutes', 'Minutes', summary.totals.minutes],
              ['billed', 'Billed minutes', summary.totals.billedMinutes],
              ['amount', `Amount (${summary.currency})`, summary.totals.amount],
            ] as const).map(([k, label, v]) => (
              <div key={k} className="count" data-testid={`cdr-total-${k}`}>
                <div className="muted small-text">{label}</div>
                <div className="count-value mono">{v}</div>
              </div>
            ))}
          </div>
          <div className="summary-tables">
            <div className="table-scroll">
              <table className="table compact" data-testid="cdr-summary-lines">
                <thead>
                  <tr><th>Destination</th><th>Prefix</th><th className="num">Calls</th><th className="num">Minutes</th><th className="num">Billed min.</th><th className="num">Amount</th></tr>
                </thead>
                <tbody>
                  {summary.lines.map((l) => (
                    <tr key={l.destination}>
                      <td>{l.destination}</td>
                      <td className="mono">{l.prefix ?? 'several'}</td>
                      <td className="num">{formatCount(l.calls)}</td>
                      <td className="num mono">{l.minutes}</td>
                      <td className="num mono">{l.billedMinutes}</td>
                      <td className="num mono">{l.amount}</td>
                    </tr>
                  ))}
                  {summary.lines.length === 0 && <tr><td colSpan={6} className="muted">No rated calls in this period.</td></tr>}
                </tbody>
                <tfoot>
                  <tr className="totals-row">
                    <th>Total rated</th><td />
                    <td className="num">{formatCount(summary.lines.reduce((n, l) => n + l.calls, 0))}</td>
                    <td />
                    <td className="num mono">{summary.totals.billedMinutes}</td>
                    <td className="num mono">{summary.totals.amount}</td>
                  </tr>
                </tfoot>
              </table>
            </div>
            <div className="table-scroll">
              <table className="table compact" data-testid="cdr-summary-unrated">
                <thead><tr><th>Unrated: reason</th><th className="num">Calls</th><th className="num">Minutes</th></tr></thead>
                <tbody>
                  {summary.unrated.map((u) => (
                    <tr key={u.reason}><td>{u.reason}</td><td className="num">{formatCount(u.calls)}</td><td className="num mono">{u.minutes}</td></tr>
                  ))}
                  {summary.unrated.length === 0 && <tr><td colSpan={3} className="muted">Every call is rated or free.</td></tr>}
                </tbody>
              </table>
            </div>
          </div>
        </>
      )}
    </div>
  );
}
