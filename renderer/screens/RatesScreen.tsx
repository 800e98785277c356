import type { ColDef, GridApi, ICellRendererParams, IDatasource, SortModelItem } from 'ag-grid-community';
import { AgGridReact } from 'ag-grid-react';
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type { Args, Carrier, RateRow } from '../../core/api/contract.ts';
import { ChangeClassPill } from '../components/ChangeClassPill.tsx';
import { formatCount, formatInstant } from '../format.ts';
import { useApp } from '../state/app-context.tsx';
import { DEFAULT_COL_DEF, SINGLE_ROW_SELECTION, rowIdOf } from '../grid/grid-setup.ts';
import { useTheme } from '../state/theme.tsx';
import { HistoryPanel } from './HistoryPanel.tsx';
import { useDebounced } from '../state/use-debounced.ts';

type SortCol = NonNullable<Args<'rates.query'>['sort']>[number]['colId'];
const SORTABLE: ReadonlySet<string> = new Set<SortCol>(['carrier', 'side', 'prefix', 'destination', 'rate', 'effectiveFrom', 'effectiveTo', 'changeClass']);
const PAGE_ROWS = 100;

interface Filters {
  carrier: string;
  side: '' | 'buy' | 'sell';
  prefix: string;
  destination: string;
  asOf: string;
  scope: 'in-force' | 'all';
}

export function RatesScreen() {
  const { bridge, call, notify, notifyError, runJob } = useApp();
  const { gridTheme } = useTheme();
  const ids = useId();
  const gridApi = useRef<GridApi<RateRow> | null>(null);
  const [carriers, setCarriers] = useState<Carrier[]>([]);
  const [filters, setFilters] = useState<Filters>({ carrier: '', side: '', prefix: '', destination: '', asOf: '', scope: 'in-force' });
  // Strings, not an object: a fresh object each render would restart the timer and re-render forever.
  const typed = { prefix: useDebounced(filters.prefix, 300), destination: useDebounced(filters.destination, 300) };
  const [total, setTotal] = useState<{ rows: number; exact: boolean; at: string } | null>(null);
  const [selected, setSelected] = useState<RateRow | null>(null);
  const [exporting, setExporting] = useState(false);

  useEffect(() => {
    call('carriers.list', {}).then(setCarriers, notifyError);
  }, [call, notifyError]);

  const prefixInvalid = typed.prefix.trim() !== '' && !/^\d{1,15}$/.test(typed.prefix.trim());

  const datasource = useMemo<IDatasource>(() => {
    const base: Omit<Args<'rates.query'>, 'startRow' | 'endRow'> = { scope: filters.scope };
    if (filters.carrier) base.carrier = filters.carrier;
    if (filters.side) base.side = filters.side;
    if (typed.prefix.trim() && !prefixInvalid) base.prefix = typed.prefix.trim();
    if (typed.destination.trim()) base.destination = typed.destination.trim();
    if (filters.asOf && filters.scope === 'in-force') base.at = filters.asOf;
    return {
      getRows: (p) => {
        const sort = (p.sortModel as SortModelItem[])
          .filter((s) => SORTABLE.has(s.colId))
          .slice(0, 4)
          .map((s) => ({ colId: s.colId as SortCol, sort: s.sort }));
        call('rates.query', { ...base, startRow: p.startRow, endRow: p.endRow, sort }).then(
          (page) => {
            p.successCallback(page.rows, page.lastRow ?? -1);
            setTotal((t) => {
              const rows = page.lastRow ?? Math.max(p.startRow + page.rows.length, t?.rows ?? 0);
              return { rows, exact: page.lastRow !== null, at: page.at };
            });
          },
          (e: unknown) => {
            p.failCallback();
            notifyError(e);
          },
        );
      },
    };
  }, [call, notifyError, filters.carrier, filters.side, filters.scope, filters.asOf, typed.prefix, typed.destination, prefixInvalid]);

  useEffect(() => {
    setTotal(null);
  }, [datasource]);

  const columns = useMemo<ColDef<RateRow>[]>(() => [
    { colId: 'carrier', field: 'carrier', headerName: 'Carrier', width: 170 },
    { colId: 'side', field: 'side', headerName: 'Side', width: 72 },
    { colId: 'prefix', field: 'prefix', headerName: 'Prefix', width: 120, cellClass: 'mono', initialSort: 'asc' },
    { colId: 'destination', field: 'destination', headerName: 'Destination', flex: 1, minWidth: 200, tooltipField: 'destination' },
    {
      colId: 'rate',
      field: 'rate',
      headerName: 'Rate / min',
      type: 'rightAligned',
      width: 120,
      // The engine's exact decimal string, shown as it is: never a JS number.
      valueFormatter: (p) => (p.data ? (p.data.rate ?? (p.data.kind === 'rate' ? '' : '—')) : ''),
    },
    { colId: 'currency', field: 'currency', headerName: 'Cur.', width: 70, sortable: false },
    { colId: 'effectiveFrom', field: 'effectiveFrom', headerName: 'Effective from (UTC)', width: 160, valueFormatter: (p) => formatInstant(p.value as string) },
    { colId: 'effectiveTo', field: 'effectiveTo', headerName: 'Until', width: 150, valueFormatter: (p) => (p.data ? formatInstant(p.value as string | null) || 'open' : '') },
    {
      colId: 'changeClass',
      field: 'changeClass',
      headerName: 'Change',
      width: 110,
      cellRenderer: (p: ICellRendererParams<RateRow>) => <ChangeClassPill value={p.data?.changeClass} />,
    },
    {
      colId: 'notice',
      headerName: 'Notice',
      width: 150,
      sortable: false,
      valueGetter: (p) => (p.data?.noticeViolation ? `until ${formatInstant(p.data.noticeUntil)}` : ''),
      cellRenderer: (p: ICellRendererParams<RateRow>) =>
        p.data?.noticeViolation ? <span className="violation-flag" title={`Notice violation: the old rate applies until ${formatInstant(p.data.noticeUntil)}`}>⚠ {formatInstant(p.data.noticeUntil)}</span> : null,
    },
    {
      colId: 'increment',
      headerName: 'Incr.',
      width: 80,
      sortable: false,
      type: 'rightAligned',
      valueGetter: (p) => (p.data ? `${p.data.firstIncrement}/${p.data.nextIncrement}` : ''),
    },
    { colId: 'minDuration', field: 'minDuration', headerName: 'Min s', width: 75, sortable: false, type: 'rightAligned' },
    { colId: 'grace', field: 'grace', headerName: 'Grace', width: 75, sortable: false, type: 'rightAligned' },
    { colId: 'connectionFee', field: 'connectionFee', headerName: 'Conn. fee', width: 100, sortable: false, type: 'rightAligned' },
  ], []);

  const set = <K extends keyof Filters>(k: K, v: Filters[K]) => setFilters((f) => ({ ...f, [k]: v }));
  const canExport = Boolean(filters.carrier && filters.side) && !exporting;

  const exportRates = async (format: 'csv' | 'xlsx') => {
    if (!filters.carrier || !filters.side) return;
    const safe = filters.carrier.replace(/[^\w.-]+/g, '_');
    setExporting(true);
    try {
      const out = await bridge.saveTarget(`rates-${safe}-${filters.side}.${format}`);
      if (!out) return;
      const r = await runJob(`Exporting ${filters.carrier} ${filters.side} rates`, (jobId) =>
        call('rates.export', { carrier: filters.carrier, side: filters.side as 'buy' | 'sell', out, format, jobId, ...(filters.asOf ? { at: filters.asOf } : {}) }));
      await bridge.deliver(r.file);
      notify('info', `Exported ${formatCount(r.rows)} rates as of ${formatInstant(r.at)}`, bridge.host === 'electron' ? r.file : undefined);
    } catch (e) {
      notifyError(e);
    } finally {
      setExporting(false);
    }
  };

  return (
    <section className="screen" aria-labelledby="rates-title">
      <div className="screen-head">
        <h1 id="rates-title">Rates</h1>
        <span className="muted" aria-live="polite">
          {total ? `${formatCount(total.rows)}${total.exact ? '' : '+'} rows${filters.scope === 'in-force' ? ` in force at ${formatInstant(total.at)} UTC` : ', every version'}` : 'Loading…'}
        </span>
        <div className="spacer" />
        <button
          type="button"
          className="btn"
          data-testid="history-open"
          onClick={() => {
            const api = gridApi.current;
            const focused = api?.getFocusedCell();
            const row = (focused ? api?.getDisplayedRowAtIndex(focused.rowIndex)?.data : undefined) ?? api?.getSelectedRows()[0];
            if (row) setSelected(row);
            else notify('info', 'Select a rate first: its prefix\'s history opens beside the grid.');
          }}
        >
          History
        </button>
        <button type="button" className="btn" data-testid="export-csv" disabled={!canExport} onClick={() => void exportRates('csv')} title={canExport ? 'Export the rates in force as CSV' : 'Choose a carrier and a side to export'}>
          Export CSV
        </button>
        <button type="button" className="btn" data-testid="export-xlsx" disabled={!canExport} onClick={() => void exportRates('xlsx')} title={canExport ? 'Export the rates in force as XLSX' : 'Choose a carrier and a side to export'}>
          Export XLSX
        </button>
      </div>
      <div className="toolbar" role="search">
        <div className="field">
          <label htmlFor={`${ids}-carrier`}>Carrier</label>
          <select id={`${ids}-carrier`} data-testid="filter-carrier" value={filters.carrier} onChange={(e) => set('carrier', e.target.value)}>
            <option value="">All carriers</option>
            {carriers.map((c) => <option key={c.id} value={c.name}>{c.name}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${ids}-side`}>Side</label>
          <select id={`${ids}-side`} data-testid="filter-side" value={filters.side} onChange={(e) => set('side', e.target.value as Filters['side'])}>
            <option value="">Both</option>
            <option value="buy">buy</option>
            <option value="sell">sell</option>
          </select>
        </div>
        <div className={`field${prefixInvalid ? ' invalid' : ''}`}>
          <label htmlFor={`${ids}-prefix`}>Prefix starts with</label>
          <input
            id={`${ids}-prefix`}
            type="text"
            inputMode="numeric"
            className="mono"
            data-testid="filter-prefix"
            value={filters.prefix}
            onChange={(e) => set('prefix', e.target.value)}
            placeholder="e.g. 447"
            aria-invalid={prefixInvalid || undefined}
            size={10}
          />
          {prefixInvalid && <div className="field-error">digits only</div>}
        </div>
        <div className="field">
          <label htmlFor={`${ids}-dest`}>Destination contains</label>
          <input id={`${ids}-dest`} type="text" data-testid="filter-destination" value={filters.destination} onChange={(e) => set('destination', e.target.value)} placeholder="e.g. mobile" />
        </div>
        <div className="field">
          <label htmlFor={`${ids}-asof`}>As of</label>
          <input id={`${ids}-asof`} type="date" data-testid="filter-as-of" value={filters.asOf} onChange={(e) => set('asOf', e.target.value)} disabled={filters.scope === 'all'} title="Empty: now" />
        </div>
        <div className="field">
          <label htmlFor={`${ids}-scope`}>Show</label>
          <select id={`${ids}-scope`} data-testid="filter-scope" value={filters.scope} onChange={(e) => set('scope', e.target.value as Filters['scope'])}>
            <option value="in-force">In force at that date</option>
            <option value="all">Every version (past and future)</option>
          </select>
        </div>
      </div>
      <div className="split">
        <div className="grid-wrap" data-testid="rates-grid">
          <AgGridReact<RateRow>
            theme={gridTheme}
            rowModelType="infinite"
            datasource={datasource}
            cacheBlockSize={PAGE_ROWS}
            maxBlocksInCache={50}
            columnDefs={columns}
            defaultColDef={DEFAULT_COL_DEF}
            getRowId={rowIdOf}
            rowSelection={SINGLE_ROW_SELECTION}
            onGridReady={(e) => { gridApi.current = e.api; }}
            onSelectionChanged={(e) => {
              const row = e.api.getSelectedRows()[0];
              if (row) setSelected(row);
            }}
            onCellKeyDown={(e) => {
              const k = (e.event as KeyboardEvent | undefined)?.key;
              if (k === 'Enter' && e.data) setSelected(e.data);
            }}
          />
        </div>
        {selected && <HistoryPanel row={selected} onClose={() => setSelected(null)} />}
      </div>
    </section>
  );
}
