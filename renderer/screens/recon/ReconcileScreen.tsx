import { useCallback, useEffect, useId, useState } from 'react';
import { RECON_CLASSES, type Carrier, type Reconciliation, type ReconciliationRecord, type ReconClass, type ReconDiscrepancy } from '../../../core/api/index.ts';
import { useApp } from '../../state/app-context.tsx';
import { varianceClass } from './use-file-pick.tsx';

/** The causes as a waterfall: each bar starts where the previous one ended, from 0 to the total variance. */
function Waterfall({ r }: { r: Reconciliation }) {
  const steps = r.causes.map((c) => Number(c.amount));
  let run = 0;
  const bars = steps.map((v) => {
    const from = run;
    run += v;
    return { from, to: run };
  });
  const lo = Math.min(0, ...bars.map((b) => Math.min(b.from, b.to)));
  const hi = Math.max(0, ...bars.map((b) => Math.max(b.from, b.to)), 1e-12);
  const pct = (x: number) => ((x - lo) / (hi - lo)) * 100;
  return (
    <div className="waterfall" data-testid="recon-waterfall" role="img" aria-label="Variance by cause">
      {r.causes.map((c, k) => {
        const b = bars[k]!;
        return (
          <div key={c.cause} className="wf-row" data-testid={`recon-cause-${c.cause}`}>
            <span className="wf-label">{c.cause}</span>
            <span className="wf-track"><span className={`wf-bar ${varianceClass(c.amount)}`} style={{ left: `${pct(Math.min(b.from, b.to))}%`, width: `${Math.max(0.5, pct(Math.max(b.from, b.to)) - pct(Math.min(b.from, b.to)))}%` }} /></span>
            <span className="mono num wf-amount">{c.amount}</span>
            <span className="muted small-text">{c.calls} calls</span>
          </div>
        );
      })}
      <div className="wf-row wf-total"><span className="wf-label">total variance</span><span className="wf-track" /><span className="mono num wf-amount" data-testid="recon-variance">{r.variance}</span><span /></div>
    </div>
  );
}

/** Reconciliation runs: parameters, the run, its summary lines, causes, and the CDR discrepancies by class. */
export function ReconcileScreen({ onOpenDispute }: { onOpenDispute: (id: number) => void }) {
  const { bridge, call, runJob, notify, notifyError } = useApp();
  const ids = useId();
  const [carriers, setCarriers] = useState<Carrier[]>([]);
  const [carrier, setCarrier] = useState('');
  const [period, setPeriod] = useState('');
  const [timeTol, setTimeTol] = useState('2');
  const [durTol, setDurTol] = useState('1');
  const [runs, setRuns] = useState<ReconciliationRecord[]>([]);
  const [r, setR] = useState<Reconciliation | null>(null);
  const [cls, setCls] = useState<ReconClass>('rateMismatch');
  const [rows, setRows] = useState<ReconDiscrepancy[]>([]);
  const [busy, setBusy] = useState(false);

  const loadRuns = useCallback(() => { call('reconcile.list', {}).then(setRuns, notifyError); }, [call, notifyError]);
  useEffect(loadRuns, [loadRuns]);
  useEffect(() => {
    call('carriers.list', {}).then((cs) => {
      const v = cs.filter((c) => c.roles !== 'customer');
      setCarriers(v);
      setCarrier((c) => c || v[0]?.name || '');
    }, notifyError);
  }, [call, notifyError]);
  useEffect(() => {
    if (!r) return;
    call('reconcile.discrepancies', { id: r.id, class: cls, startRow: 0, endRow: 500 }).then((p) => setRows(p.rows), notifyError);
  }, [r, cls, call, notifyError]);

  const run = async (rerun?: number) => {
    setBusy(true);
    try {
      const res = await runJob(`Reconciling ${carrier} ${period}`, (jobId) => call('reconcile.run', rerun
        ? { rerun, jobId }
        : { carrier, period, timeTolerance: Number(timeTol), durationTolerance: Number(durTol), jobId }));
      setR(res);
      loadRuns();
    } catch (e) {
      notifyError(e);
    } finally {
      setBusy(false);
    }
  };
  const exportRun = async () => {
    if (!r) return;
    try {
      const out = await bridge.saveTarget(`reconciliation-${r.id}.xlsx`);
      if (!out) return;
      const x = await runJob('Exporting the reconciliation', (jobId) => call('reconcile.export', { id: r.id, out, jobId }));
      await bridge.deliver(x.file);
      notify('info', `Exported reconciliation #${r.id}`);
    } catch (e) {
      notifyError(e);
    }
  };
  const openDispute = async () => {
    if (!r) return;
    try {
      const d = await call('disputes.open', { reconciliation: r.id, allProposed: true });
      notify('info', `Dispute #${d.id} opened for ${d.claimed} ${d.currency}`);
      onOpenDispute(d.id);
    } catch (e) {
      notifyError(e);
    }
  };

  return (
    <section className="screen" aria-labelledby={`${ids}-t`}>
      <div className="screen-head"><h1 id={`${ids}-t`}>Reconciliation</h1></div>
      <div className="toolbar" data-testid="recon-form">
        <div className="field"><label htmlFor={`${ids}-c`}>Vendor</label>
          <select id={`${ids}-c`} data-testid="recon-carrier" value={carrier} onChange={(e) => setCarrier(e.target.value)}>{carriers.map((c) => <option key={c.id}>{c.name}</option>)}</select></div>
        <div className="field"><label htmlFor={`${ids}-p`}>Period</label>
          <input id={`${ids}-p`} type="month" data-testid="recon-period" value={period} onChange={(e) => setPeriod(e.target.value)} /></div>
        <div className="field"><label htmlFor={`${ids}-tt`}>Time tolerance (s)</label>
          <input id={`${ids}-tt`} data-testid="recon-time-tolerance" value={timeTol} onChange={(e) => setTimeTol(e.target.value)} size={4} /></div>
        <div className="field"><label htmlFor={`${ids}-dt`}>Duration tolerance (s)</label>
          <input id={`${ids}-dt`} data-testid="recon-duration-tolerance" value={durTol} onChange={(e) => setDurTol(e.target.value)} size={4} /></div>
        <button type="button" className="btn primary" data-testid="recon-run" disabled={!carrier || !period || busy} onClick={() => void run()}>Reconcile</button>
      </div>
      <table className="table compact" data-testid="recon-runs">
        <thead><tr><th>#</th><th>Vendor</th><th>Period</th><th>Invoice</th><th>Level</th><th className="num">Invoice</th><th className="num">Expected</th><th className="num">Variance</th><th className="num">Proposed</th><th>Run at</th></tr></thead>
        <tbody>{runs.map((x) => (
          <tr key={x.id} className="clickable" onClick={() => call('reconcile.get', { id: x.id }).then(setR, notifyError)}>
            <td>{x.id}</td><td>{x.carrier}</td><td>{x.period}</td><td>{x.invoice ?? '—'}</td><td>{x.level}</td><td className="num mono">{x.invoiceTotal}</td>
            <td className="num mono">{x.expectedTotal}</td><td className={`num mono ${varianceClass(x.variance)}`}>{x.variance}</td><td className="num mono">{x.proposedDisputeAmount}</td><td>{x.runAt}</td>
          </tr>))}
          {runs.length === 0 && <tr><td colSpan={10} className="muted">No runs yet.</td></tr>}
        </tbody>
      </table>
      {r && (
        <section className="panel" data-testid="recon-result" aria-label={`Reconciliation ${r.id}`}>
          <div className="panel-head">
            <h2>#{r.id} {r.carrier} {r.period} — {r.level === 'cdr' ? 'call by call' : 'summary level'}{r.invoice ? `, invoice ${r.invoice}` : ''}</h2>
            <div className="spacer" />
            <button type="button" className="btn" data-testid="recon-rerun" onClick={() => void run(r.id)}>Re-run</button>
            <button type="button" className="btn" data-testid="recon-export" onClick={() => void exportRun()}>Export XLSX</button>
            <button type="button" className="btn primary" data-testid="recon-open-dispute" disabled={r.proposedDisputeAmount === '0.00'} onClick={() => void openDispute()}>Dispute proposed ({r.proposedDisputeAmount})</button>
          </div>
          <div className="facts" data-testid="recon-totals">
            <span><span className="muted">Invoice</span> <span className="mono" data-testid="recon-invoice-total">{r.invoiceTotal}</span></span>
            <span><span className="muted">Expected</span> <span className="mono" data-testid="recon-expected-total">{r.expectedTotal}</span></span>
            <span><span className="muted">Variance</span> <span className={`mono ${varianceClass(r.variance)}`}>{r.variance}</span> {r.variancePercent ? `(${r.variancePercent} %)` : ''}</span>
            <span><span className="muted">Currency</span> {r.currency}</span>
          </div>
          <Waterfall r={r} />
          <h3>Lines</h3>
          <table className="table compact" data-testid="recon-lines">
            <thead><tr><th>Destination</th><th>Side</th><th className="num">Calls inv/own</th><th className="num">Minutes inv/own</th><th className="num">Rate inv/own</th><th className="num">Invoice</th><th className="num">Expected</th><th className="num">Variance</th><th className="num">%</th><th>Dispute?</th></tr></thead>
            <tbody>{r.lines.map((l) => (
              <tr key={l.key} data-testid="recon-line">
                <td>{l.destination ?? l.prefix}</td><td>{l.side}</td><td className="num">{l.invoiceCalls ?? '—'} / {l.ownCalls}</td><td className="num mono">{l.invoiceMinutes ?? '—'} / {l.ownMinutes}</td>
                <td className="num mono">{l.invoiceRate ?? '—'} / {l.ownRate ?? '—'}</td><td className="num mono">{l.invoiceAmount}</td><td className="num mono">{l.ownAmount}</td>
                <td className={`num mono ${varianceClass(l.amountVariance)}`}>{l.amountVariance}</td><td className="num mono">{l.amountVariancePercent ?? ''}</td><td>{l.material ? 'yes' : ''}</td>
              </tr>))}</tbody>
          </table>
          <h3>CDR discrepancies</h3>
          <div className="tabs" role="tablist">
            {RECON_CLASSES.map((c) => (
              <button key={c} type="button" role="tab" aria-selected={cls === c} className={`tab${cls === c ? ' active' : ''}`} data-testid={`recon-class-${c}`} onClick={() => setCls(c)}>
                {c} <span className="muted">{r.classes[c]}</span>
              </button>
            ))}
          </div>
          <table className="table compact" data-testid="recon-discrepancies">
            <thead><tr><th>Called</th><th>Destination</th><th>Own start</th><th>Carrier start</th><th className="num">Own s</th><th className="num">Carrier s</th><th className="num">Expected</th><th className="num">Charged</th><th className="num">Difference</th></tr></thead>
            <tbody>{rows.map((d) => (
              <tr key={d.seq} data-testid="recon-discrepancy"><td className="mono">{d.called}</td><td>{d.destination}</td><td>{d.ownStart ?? '—'}</td><td>{d.carrierStart ?? '—'}</td>
                <td className="num mono">{d.ownDuration ?? ''}</td><td className="num mono">{d.carrierDuration ?? ''}</td><td className="num mono">{d.expected}</td><td className="num mono">{d.charged}</td>
                <td className={`num mono ${varianceClass(d.difference)}`}>{d.difference}</td></tr>))}
              {rows.length === 0 && <tr><td colSpan={9} className="muted">{cls === 'exact' ? 'Exact matches are counted, not listed.' : 'None.'}</td></tr>}
            </tbody>
          </table>
          {r.warnings.length > 0 && <ul className="warnings">{r.warnings.map((w) => <li key={w}>{w}</li>)}</ul>}
        </section>
      )}
    </section>
  );
}
