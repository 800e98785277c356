import { useCallback, useEffect, useId, useState } from 'react';
import type { Carrier, Invoice, InvoiceDetail } from '../../../core/api/index.ts';
import type { ErrorBody, Problem } from '../../../core/api/errors.ts';
import { plainText } from '../../errors.ts';
import { errorBody, useApp } from '../../state/app-context.tsx';
import { ProblemsGrid } from '../ProblemsGrid.tsx';
import { useFilePick } from './use-file-pick.tsx';

/** Carrier invoices: the import form (file, carrier, optional number and period) and the imported invoices. */
export function InvoicesScreen() {
  const { call, runJob, notify, notifyError } = useApp();
  const ids = useId();
  const { file, pick, hidden } = useFilePick(['csv', 'xlsx', 'txt'], 'Choose a carrier invoice');
  const [carriers, setCarriers] = useState<Carrier[]>([]);
  const [carrier, setCarrier] = useState('');
  const [number, setNumber] = useState('');
  const [period, setPeriod] = useState('');
  const [list, setList] = useState<Invoice[]>([]);
  const [shown, setShown] = useState<InvoiceDetail | null>(null);
  const [failure, setFailure] = useState<ErrorBody | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(() => {
    call('invoices.list', {}).then(setList, notifyError);
  }, [call, notifyError]);
  useEffect(load, [load]);
  useEffect(() => {
    call('carriers.list', {}).then((cs) => {
      const vendors = cs.filter((c) => c.roles !== 'customer');
      setCarriers(vendors);
      setCarrier((c) => c || vendors[0]?.name || '');
    }, notifyError);
  }, [call, notifyError]);

  const run = async () => {
    if (!file || !carrier) return;
    setBusy(true);
    setFailure(null);
    try {
      const r = await runJob(`Importing invoice ${file.name}`, (jobId) => call('invoices.import', {
        file: file.path, fileName: file.name, carrier, jobId, ...(number.trim() ? { number: number.trim() } : {}), ...(period ? { period } : {}),
      }));
      setShown(r);
      notify('info', `Imported ${r.carrier} invoice ${r.number}: ${r.total} ${r.currency}`);
      load();
    } catch (e) {
      setFailure(errorBody(e));
    } finally {
      setBusy(false);
    }
  };
  const problems = (failure?.details?.problems ?? null) as Problem[] | null;

  return (
    <section className="screen" aria-labelledby={`${ids}-t`}>
      <div className="screen-head"><h1 id={`${ids}-t`}>Invoices</h1><span className="muted">{list.length} imported</span></div>
      <section className="panel" data-testid="invoice-import-form" aria-label="Import an invoice">
        {hidden}
        <div className="cdr-import-grid">
          <div className="field">
            <label htmlFor={`${ids}-f`}>File (CSV or XLSX)</label>
            <div className="file-pick">
              <button id={`${ids}-f`} type="button" className="btn" data-testid="invoice-file-pick" onClick={() => void pick()}>{file ? 'Choose another…' : 'Choose a file…'}</button>
              <span className="mono ellipsis" data-testid="invoice-file-name">{file?.name ?? ''}</span>
            </div>
          </div>
          <div className="field">
            <label htmlFor={`${ids}-c`}>Carrier</label>
            <select id={`${ids}-c`} data-testid="invoice-carrier" value={carrier} onChange={(e) => setCarrier(e.target.value)}>
              {carriers.map((c) => <option key={c.id} value={c.name}>{c.name}</option>)}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${ids}-n`}>Invoice number (if not in the file)</label>
            <input id={`${ids}-n`} data-testid="invoice-number" value={number} onChange={(e) => setNumber(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor={`${ids}-p`}>Period (if not in the file)</label>
            <input id={`${ids}-p`} type="month" data-testid="invoice-period" value={period} onChange={(e) => setPeriod(e.target.value)} />
          </div>
        </div>
        <div className="form-actions">
          <div className="spacer" />
          <button type="button" className="btn primary" data-testid="invoice-import-run" disabled={!file || !carrier || busy} onClick={() => void run()}>Import</button>
        </div>
        {failure && (
          <div className="failure" data-testid="invoice-import-failure" role="alert">
            <div className="form-error"><strong>{plainText(failure)}</strong><div className="mono small-text">{failure.message}</div></div>
            {problems && problems.length > 0 && <ProblemsGrid problems={problems} />}
            <p className="nothing-written">Nothing was written.</p>
          </div>
        )}
      </section>
      <table className="table compact" data-testid="invoice-list">
        <thead><tr><th>Carrier</th><th>Number</th><th>Period</th><th>Issued</th><th>Due</th><th className="num">Lines</th><th className="num">Total</th><th>Cur.</th><th>File</th></tr></thead>
        <tbody>
          {list.map((i) => (
            <tr key={i.id} className="clickable" onClick={() => call('invoices.get', { id: i.id }).then(setShown, notifyError)}>
              <td>{i.carrier}</td><td className="mono">{i.number}</td><td>{i.period}</td><td>{i.issuedOn ?? ''}</td><td>{i.dueOn ?? ''}</td>
              <td className="num">{i.lineCount}</td><td className="num mono">{i.total}</td><td>{i.currency}</td><td className="ellipsis">{i.fileName}</td>
            </tr>
          ))}
          {list.length === 0 && <tr><td colSpan={9} className="muted">No invoices yet: import one above.</td></tr>}
        </tbody>
      </table>
      {shown && (
        <section className="panel" data-testid="invoice-detail" aria-label={`Invoice ${shown.number}`}>
          <h2>{shown.carrier} invoice {shown.number} — {shown.period}, total {shown.total} {shown.currency}</h2>
          <table className="table compact">
            <thead><tr><th>Row</th><th>Destination</th><th>Prefix</th><th className="num">Calls</th><th className="num">Minutes</th><th className="num">Rate</th><th className="num">Amount</th></tr></thead>
            <tbody>{shown.lines.map((l) => <tr key={l.lineNo}><td>{l.row}</td><td>{l.destination}</td><td className="mono">{l.prefix}</td><td className="num">{l.calls}</td><td className="num mono">{l.minutes}</td><td className="num mono">{l.rate}</td><td className="num mono">{l.amount}</td></tr>)}</tbody>
          </table>
          {shown.warnings.length > 0 && <ul className="warnings">{shown.warnings.map((w) => <li key={w}>{w}</li>)}</ul>}
        </section>
      )}
    </section>
  );
}
