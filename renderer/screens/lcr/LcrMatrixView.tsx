import type { ColDef, ICellRendererParams, IDatasource } from 'ag-grid-community';
import { AgGridReact } from 'ag-grid-react';
import { useEffect, useId, useMemo, useState } from 'react';
import type { LcrMatrixRow } from '../../../core/api/contract.ts';
import { formatCount, formatInstant } from '../../format.ts';
import { useApp } from '../../state/app-context.tsx';
import { useDebounced } from '../../state/use-debounced.ts';
import { useTheme } from '../../state/theme.tsx';

const COL_DEF = { sortable: false, resizable: true } as const;

/** Destination (or prefix) × vendor: each vendor's rate, the cheapest highlighted, and the spread. */
export function LcrMatrixView() {
  const { call, notifyError } = useApp();
  const { gridTheme } = useTheme();
  const ids = useId();
  const [at, setAt] = useState('');
  const [by, setBy] = useState<'destination' | 'prefix'>('destination');
  const [filter, setFilter] = useState('');
  const typed = useDebounced(filter, 300);
  const [head, setHead] = useState<{ vendors: string[]; rows: number; at: string; currency: string } | null>(null);

  // The vendors (columns) come with the data: ask once for them whenever what the matrix is of changes.
  useEffect(() => {
    let live = true;
    call('lcr.matrix', { by, startRow: 0, endRow: 1, ...(at ? { at } : {}), ...(typed.trim() ? { filter: typed.trim() } : {}) }).then(
      (m) => { if (live) setHead({ vendors: m.vendors, rows: m.lastRow, at: m.at, currency: m.currency }); },
      (e: unknown) => { if (live) { setHead(null); notifyError(e); } },
    );
    return () => { live = false; };
  }, [call, notifyError, at, by, typed]);

  const datasource = useMemo<IDatasource>(() => ({
    getRows: (p) => {
      call('lcr.matrix', { by, startRow: p.startRow, endRow: p.endRow, ...(at ? { at } : {}), ...(typed.trim() ? { filter: typed.trim() } : {}) }).then(
        (m) => p.successCallback(m.rows, m.lastRow),
        (e: unknown) => {
          p.failCallback();
          notifyError(e);
        },
      );
    },
  }), [call, notifyError, at, by, typed]);

  const vendors = head?.vendors;
  const columns = useMemo<ColDef<LcrMatrixRow>[]>(() => [
    ...(by === 'prefix' ? [{ colId: 'prefix', field: 'prefix', headerName: 'Prefix', width: 110, cellClass: 'mono', pinned: 'left' } as ColDef<LcrMatrixRow>] : []),
    { colId: 'destination', field: 'destination', headerName: 'Destination', width: 220, pinned: 'left', tooltipField: 'destination' },
    ...(by === 'destination' ? [{ colId: 'prefixes', field: 'prefixes', headerName: 'Prefixes', width: 90, type: 'rightAligned' } as ColDef<LcrMatrixRow>] : []),
    ...(vendors ?? []).map((name, v): ColDef<LcrMatrixRow> => ({
      colId: `v${v}`,
      headerName: name,
      width: 130,
      type: 'rightAligned',
      valueGetter: (p) => p.data?.cells[v]?.max ?? '',
      cellClass: (p) => (p.data?.cells[v]?.cheapest ? 'mono matrix-cheapest' : 'mono'),
      cellRenderer: (p: ICellRendererParams<LcrMatrixRow>) => {
        const c = p.data?.cells[v];
        if (!c) return <span className="muted">—</span>;
        return (
          <span title={`${name}: ${c.min === c.max ? c.max : `${c.min} to ${c.max}`} over ${c.covered} of ${p.data!.prefixes} prefixes${c.cheapest ? ' (cheapest)' : ''}`}>
            {c.min === c.max ? c.max : `${c.min}–${c.max}`}
          </span>
        );
      },
    })),
    { colId: 'cheapest', headerName: 'Cheapest', width: 180, valueGetter: (p) => p.data?.cheapest.join(', ') ?? '' },
    { colId: 'spread', field: 'spread', headerName: 'Spread', width: 100, type: 'rightAligned', cellClass: 'mono' },
    { colId: 'spreadPercent', headerName: 'Spread %', width: 100, type: 'rightAligned', valueGetter: (p) => (p.data?.spreadPercent ? `${p.data.spreadPercent} %` : '') },
  ], [by, vendors]);

  return (
    <div className="lcr-view">
      <div className="toolbar" role="search">
        <div className="field">
          <label htmlFor={`${ids}-at`}>At</label>
          <input id={`${ids}-at`} type="date" data-testid="matrix-at" value={at} onChange={(e) => setAt(e.target.value)} title="Empty: now (UTC)" />
        </div>
        <div className="field">
          <label htmlFor={`${ids}-by`}>Rows</label>
          <select id={`${ids}-by`} data-testid="matrix-by" value={by} onChange={(e) => setBy(e.target.value as typeof by)}>
            <option value="destination">by destination</option>
            <option value="prefix">by prefix</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${ids}-filter`}>Country or destination</label>
          <input id={`${ids}-filter`} data-testid="matrix-filter" value={filter} onChange={(e) => setFilter(e.target.value)} placeholder="e.g. germany or 49" />
        </div>
        <span className="muted" aria-live="polite" data-testid="matrix-summary">
          {head ? `${formatCount(head.rows)} ${by === 'destination' ? 'destinations' : 'prefixes'} at ${formatInstant(head.at)} UTC, ${head.currency}; a vendor's rate for a destination is its highest over the destination's prefixes` : 'Loading…'}
        </span>
      </div>
      <div className="grid-wrap" data-testid="matrix-grid">
        {vendors && (
          <AgGridReact<LcrMatrixRow>
            key={`${by}:${vendors.join('|')}`}
            theme={gridTheme}
            rowModelType="infinite"
            datasource={datasource}
            cacheBlockSize={100}
            columnDefs={columns}
            defaultColDef={COL_DEF}
            getRowId={(p) => String(p.data.id)}
          />
        )}
      </div>
    </div>
  );
}
