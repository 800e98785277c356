import { useEffect, useState } from 'react';
import type { RateHistoryEntry, RateRow } from '../../core/api/contract.ts';
import { ChangeClassPill } from '../components/ChangeClassPill.tsx';
import { formatInstant } from '../format.ts';
import { useApp } from '../state/app-context.tsx';

/** Every version one prefix has had in one carrier's deck, the replaced ones marked. */
export function HistoryPanel({ row, onClose }: { row: RateRow; onClose: () => void }) {
  const { call, notifyError } = useApp();
  const [entries, setEntries] = useState<RateHistoryEntry[] | null>(null);

  useEffect(() => {
    let live = true;
    setEntries(null);
    call('rates.history', { carrier: row.carrier, side: row.side, prefix: row.prefix }).then(
      (h) => { if (live) setEntries(h); },
      notifyError,
    );
    return () => { live = false; };
  }, [call, notifyError, row.carrier, row.side, row.prefix]);

  return (
    <aside className="panel history" data-testid="history-panel" aria-label={`History of ${row.prefix}`}>
      <div className="panel-head">
        <div>
          <h2><span className="mono">{row.prefix}</span> {row.destination}</h2>
          <div className="muted small-text">{row.carrier} · {row.side} · {entries ? `${entries.length} version${entries.length === 1 ? '' : 's'}` : 'loading…'}</div>
        </div>
        <button type="button" className="btn ghost small" onClick={onClose} aria-label="Close the history">✕</button>
      </div>
      <div className="table-scroll tall">
        <table className="table">
          <thead>
            <tr><th>From (UTC)</th><th>Until</th><th className="num">Rate</th><th>Change</th><th>Deck</th></tr>
          </thead>
          <tbody>
            {(entries ?? []).map((h) => {
              const replaced = h.supersededByImportId !== null;
              return (
                <tr key={h.id} className={`${replaced ? 'replaced' : ''}${h.id === row.id ? ' current-row' : ''}`} data-replaced={replaced || undefined}>
                  <td>{formatInstant(h.effectiveFrom)}</td>
                  <td>{formatInstant(h.effectiveTo) || 'open'}</td>
                  <td className="num mono">{h.rate ?? h.kind}</td>
                  <td>
                    <ChangeClassPill value={h.changeClass} />
                    {h.noticeViolation && <span className="violation-flag" title={`Notice runs until ${formatInstant(h.noticeUntil)}`}> ⚠</span>}
                    {h.deckChange && <div className="muted small-text">deck: {h.deckChange}</div>}
                  </td>
                  <td>
                    <div className="ellipsis" title={h.fileName}>{h.fileName}</div>
                    <div className="muted small-text">
                      #{h.importId} · {formatInstant(h.importedAt)}
                      {replaced && <span className="replaced-tag"> · replaced by #{h.supersededByImportId}</span>}
                    </div>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </aside>
  );
}
