import { useCallback, useEffect, useId, useState } from 'react';
import { DISPUTE_STATES, type Carrier, type DisputeDetail, type DisputeState, type DisputeSummary } from '../../../core/api/index.ts';
import { useApp } from '../../state/app-context.tsx';

/** Disputes: the list with filters and ageing, one dispute's lines, evidence and history, its next states, the package export. */
export function DisputesScreen({ openId }: { openId: number | null }) {
  const { bridge, call, notify, notifyError, runJob } = useApp();
  const ids = useId();
  const [carriers, setCarriers] = useState<Carrier[]>([]);
  const [filter, setFilter] = useState<{ carrier: string; state: DisputeState | ''; minAge: string; minAmount: string }>({ carrier: '', state: '', minAge: '', minAmount: '' });
  const [list, setList] = useState<DisputeSummary[]>([]);
  const [d, setD] = useState<DisputeDetail | null>(null);
  const [next, setNext] = useState<DisputeState | ''>('');
  const [agreed, setAgreed] = useState('');
  const [note, setNote] = useState('');
  const [credit, setCredit] = useState('');

  const load = useCallback(() => {
    call('disputes.list', {
      ...(filter.carrier ? { carrier: filter.carrier } : {}), ...(filter.state ? { state: filter.state } : {}),
      ...(/^\d+$/.test(filter.minAge) ? { minAgeDays: Number(filter.minAge) } : {}), ...(/^\d+(\.\d+)?$/.test(filter.minAmount) ? { minAmount: filter.minAmount } : {}),
    }).then(setList, notifyError);
  }, [call, notifyError, filter]);
  useEffect(load, [load]);
  useEffect(() => { call('carriers.list', {}).then(setCarriers, notifyError); }, [call, notifyError]);
  const show = useCallback((id: number) => { call('disputes.get', { id }).then((x) => { setD(x); setNext(x.next[0] ?? ''); }, notifyError); }, [call, notifyError]);
  useEffect(() => { if (openId) show(openId); }, [openId, show]);

  const move = async () => {
    if (!d || !next) return;
    try {
      const x = await call('disputes.set', { id: d.id, state: next, ...(agreed ? { agreed } : {}), ...(note ? { note } : {}), ...(credit ? { creditNote: credit } : {}) });
      setD(x);
      setNext(x.next[0] ?? '');
      setAgreed('');
      setNote('');
      setCredit('');
      notify('info', `Dispute #${x.id} is ${x.state}`);
      load();
    } catch (e) {
      notifyError(e);
    }
  };
  const exportPkg = async () => {
    if (!d) return;
    try {
      const out = await bridge.saveTarget(`dispute-${d.id}.xlsx`);
      if (!out) return;
      const x = await runJob('Exporting the dispute package', (jobId) => call('disputes.export', { id: d.id, out, jobId }));
      await bridge.deliver(x.file);
      notify('info', `Exported dispute #${d.id}`);
    } catch (e) {
      notifyError(e);
    }
  };

  return (
    <section className="screen" aria-labelledby={`${ids}-t`}>
      <div className="screen-head"><h1 id={`${ids}-t`}>Disputes</h1><span className="muted">{list.length} shown</span></div>
      <div className="toolbar" role="search">
        <div className="field"><label htmlFor={`${ids}-c`}>Carrier</label>
          <select id={`${ids}-c`} data-testid="dispute-filter-carrier" value={filter.carrier} onChange={(e) => setFilter({ ...filter, carrier: e.target.value })}>
            <option value="">all</option>{carriers.map((c) => <option key={c.id}>{c.name}</option>)}</select></div>
        <div className="field"><label htmlFor={`${ids}-s`}>State</label>
          <select id={`${ids}-s`} data-testid="dispute-filter-state" value={filter.state} onChange={(e) => setFilter({ ...filter, state: e.target.value as DisputeState | '' })}>
            <option value="">all</option>{DISPUTE_STATES.map((s) => <option key={s}>{s}</option>)}</select></div>
        <div className="field"><label htmlFor={`${ids}-a`}>Older than (days)</label>
          <input id={`${ids}-a`} data-testid="dispute-filter-age" value={filter.minAge} onChange={(e) => setFilter({ ...filter, minAge: e.target.value })} size={4} /></div>
        <div className="field"><label htmlFor={`${ids}-m`}>Claimed at least</label>
          <input id={`${ids}-m`} data-testid="dispute-filter-amount" value={filter.minAmount} onChange={(e) => setFilter({ ...filter, minAmount: e.target.value })} size={8} /></div>
      </div>
      <table className="table compact" data-testid="dispute-list">
        <thead><tr><th>#</th><th>Carrier</th><th>Period</th><th>Invoice</th><th>State</th><th className="num">Claimed</th><th className="num">Agreed</th><th className="num">Age (days)</th><th>Credit note</th></tr></thead>
        <tbody>{list.map((x) => (
          <tr key={x.id} className="clickable" data-testid="dispute-row" onClick={() => show(x.id)}>
            <td>{x.id}</td><td>{x.carrier}</td><td>{x.period}</td><td>{x.invoice ?? ''}</td><td><span className={`pill state-${x.state}`}>{x.state}</span></td>
            <td className="num mono">{x.claimed}</td><td className="num mono">{x.agreed ?? ''}</td><td className="num">{x.ageDays ?? '—'}</td><td>{x.creditNote ?? ''}</td>
          </tr>))}
          {list.length === 0 && <tr><td colSpan={9} className="muted">No disputes match.</td></tr>}
        </tbody>
      </table>
      {d && (
        <section className="panel" data-testid="dispute-detail" aria-label={`Dispute ${d.id}`}>
          <div className="panel-head">
            <h2>Dispute #{d.id}: {d.carrier} {d.period} — <span data-testid="dispute-state">{d.state}</span></h2>
            <div className="spacer" />
            <button type="button" className="btn" data-testid="dispute-export" onClick={() => void exportPkg()}>Export package</button>
          </div>
          <div className="facts">
            <span><span className="muted">Claimed</span> <span className="mono" data-testid="dispute-claimed">{d.claimed}</span> {d.currency}</span>
            <span><span className="muted">Agreed</span> <span className="mono">{d.agreed ?? '—'}</span></span>
            <span><span className="muted">Credit note</span> {d.creditNote ?? '—'}</span>
            <span><span className="muted">Age</span> {d.ageDays ?? '—'} days</span>
          </div>
          {d.next.length > 0 && (
            <div className="toolbar" data-testid="dispute-transition">
              <div className="field"><label htmlFor={`${ids}-n`}>Move to</label>
                <select id={`${ids}-n`} data-testid="dispute-next" value={next} onChange={(e) => setNext(e.target.value as DisputeState)}>{d.next.map((s) => <option key={s}>{s}</option>)}</select></div>
              <div className="field"><label htmlFor={`${ids}-g`}>Agreed</label><input id={`${ids}-g`} data-testid="dispute-agreed" value={agreed} onChange={(e) => setAgreed(e.target.value)} size={8} /></div>
              <div className="field"><label htmlFor={`${ids}-cn`}>Credit note</label><input id={`${ids}-cn`} data-testid="dispute-credit-note" value={credit} onChange={(e) => setCredit(e.target.value)} size={10} /></div>
              <div className="field"><label htmlFor={`${ids}-no`}>Note</label><input id={`${ids}-no`} data-testid="dispute-note" value={note} onChange={(e) => setNote(e.target.value)} /></div>
              <button type="button" className="btn primary" data-testid="dispute-apply" onClick={() => void move()}>Apply</button>
            </div>
          )}
          <h3>Lines</h3>
          <table className="table compact" data-testid="dispute-lines">
            <thead><tr><th>#</th><th>Cause</th><th>Destination</th><th className="num">Calls</th><th className="num">Minutes</th><th className="num">Claimed</th><th className="num">Evidence</th></tr></thead>
            <tbody>{d.lines.map((l) => <tr key={l.lineNo}><td>{l.lineNo}</td><td>{l.cause}</td><td>{l.destination}</td><td className="num">{l.calls}</td><td className="num mono">{l.minutes}</td><td className="num mono">{l.claimed}</td><td className="num">{l.evidenceCount}</td></tr>)}</tbody>
          </table>
          <h3>Evidence ({d.evidenceCount} CDRs{d.evidenceCount > d.evidence.length ? `, first ${d.evidence.length} shown` : ''})</h3>
          <table className="table compact" data-testid="dispute-evidence">
            <thead><tr><th>Line</th><th>Class</th><th>Called</th><th>Start</th><th className="num">Our s</th><th className="num">Their s</th><th className="num">Expected</th><th className="num">Charged</th></tr></thead>
            <tbody>{d.evidence.slice(0, 200).map((e) => <tr key={`${e.lineNo}-${e.seq}`}><td>{e.lineNo}</td><td>{e.class}</td><td className="mono">{e.called}</td><td>{e.start}</td><td className="num mono">{e.ownDuration ?? ''}</td><td className="num mono">{e.carrierDuration ?? ''}</td><td className="num mono">{e.expected}</td><td className="num mono">{e.charged}</td></tr>)}</tbody>
          </table>
          <h3>History</h3>
          <ol className="timeline" data-testid="dispute-events">
            {d.events.map((e) => <li key={e.seq}><span className="mono">{e.at}</span> {e.actor}: {e.fromState ?? '—'} → <strong>{e.toState}</strong>{e.agreed ? ` (agreed ${e.agreed})` : ''}{e.creditNote ? ` [${e.creditNote}]` : ''}{e.note ? ` — ${e.note}` : ''}</li>)}
          </ol>
        </section>
      )}
    </section>
  );
}
