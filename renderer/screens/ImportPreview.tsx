import type { DeckImportReport } from '../../core/api/contract.ts';
import { ChangeClassPill } from '../components/ChangeClassPill.tsx';
import { CHANGE_CLASSES, formatCount, formatInstant } from '../format.ts';

/** What a dry run found: nothing is written until the person commits. */
export function ImportPreview({ report, committing }: { report: DeckImportReport; committing: boolean }) {
  return (
    <div className="preview">
      <div className="facts">
        <span><span className="muted">Rows read</span> <span className="num">{formatCount(report.rowsRead)}</span></span>
        <span><span className="muted">Prefixes</span> <span className="num">{formatCount(report.prefixes)}</span></span>
        <span><span className="muted">Currency</span> {report.currency}</span>
        <span><span className="muted">Received</span> {formatInstant(report.receivedAt)}</span>
        <span><span className="muted">Effective</span> {formatInstant(report.effectiveAt) || 'per row'}</span>
        {report.closuresAt && <span><span className="muted">Closures at</span> {formatInstant(report.closuresAt)}</span>}
        {report.revised > 0 && <span><span className="muted">Revising earlier rows</span> <span className="num">{formatCount(report.revised)}</span></span>}
        {report.sheets.length > 0 && <span><span className="muted">Sheets</span> {report.sheets.map((s) => `${s.name} (rows ${s.firstRow}–${s.lastRow})`).join(', ')}</span>}
      </div>

      <div className="counts" data-testid="preview-counts">
        {CHANGE_CLASSES.map((c) => (
          <div key={c} className={`count count-${c}`} data-testid={`count-${c}`}>
            <div className="count-value num">{formatCount(report.counts[c])}</div>
            <div className="count-label"><ChangeClassPill value={c} /></div>
          </div>
        ))}
      </div>
      <p className="muted small-text">{committing ? 'Writing these changes in one transaction: cancel and nothing is written.' : 'This is a dry run: nothing has been written yet.'}</p>

      <h3 className={report.noticeViolationCount > 0 ? 'warn-title' : ''}>
        Notice violations: <span className="num">{formatCount(report.noticeViolationCount)}</span>
        {report.noticeViolationCount > report.noticeViolations.length && <span className="muted"> (first {report.noticeViolations.length} listed)</span>}
      </h3>
      {report.noticeViolations.length > 0 ? (
        <div className="table-scroll">
          <table className="table" data-testid="notice-violations">
            <thead>
              <tr><th>Prefix</th><th>Destination</th><th>Class</th><th>Effective</th><th>Notice runs until</th><th>Sheet</th><th className="num">Row</th></tr>
            </thead>
            <tbody>
              {report.noticeViolations.map((v, i) => (
                <tr key={`${v.prefix}-${v.effectiveFrom}-${i}`} className="violation">
                  <td className="mono">{v.prefix}</td>
                  <td>{v.destination}</td>
                  <td><ChangeClassPill value={v.changeClass} /></td>
                  <td>{formatInstant(v.effectiveFrom)}</td>
                  <td>{formatInstant(v.noticeUntil)}</td>
                  <td>{v.sheet ?? ''}</td>
                  <td className="num">{v.row ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="muted" data-testid="notice-violations">Every change gives the notice the carrier's contract asks for.</p>
      )}

      {report.disagreementCount > 0 && (
        <>
          <h3>The deck's own change column disagrees: <span className="num">{formatCount(report.disagreementCount)}</span> prefixes</h3>
          <div className="table-scroll">
            <table className="table" data-testid="disagreements">
              <thead><tr><th>Prefix</th><th>Sheet</th><th className="num">Row</th><th>Deck says</th><th>Computed</th></tr></thead>
              <tbody>
                {report.disagreements.map((d, i) => (
                  <tr key={`${d.prefix}-${i}`}>
                    <td className="mono">{d.prefix}</td><td>{d.sheet ?? ''}</td><td className="num">{d.row}</td><td>{d.deckSays}</td><td><ChangeClassPill value={d.computed} /></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}

      {report.warnings.length > 0 && (
        <>
          <h3>Warnings</h3>
          <ul className="warnings" data-testid="warnings">
            {report.warnings.map((w, i) => <li key={i}>{w}</li>)}
          </ul>
        </>
      )}
    </div>
  );
}
