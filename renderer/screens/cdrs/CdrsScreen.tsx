import type { ColDef, GridApi, ICellRendererParams, IDatasource } from 'ag-grid-community';
import { AgGridReact } from 'ag-grid-react';
import { useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import type { Carrier, CdrImportRecord, CdrRow, CdrSource } from '../../../core/api/contract.ts';
import { formatBytes, formatCount, formatInstant } from '../../format.ts';
import { DEFAULT_COL_DEF, SINGLE_ROW_SELECTION, rowIdOf } from '../../grid/grid-setup.ts';
import { useApp } from '../../state/app-context.tsx';
import { useTheme } from '../../state/theme.tsx';
import { CdrExplainPanel } from './CdrExplainPanel.tsx';
import { CdrImportForm } from './CdrImportForm.tsx';
import { CdrMarginPanel } from './CdrMarginPanel.tsx';
import { CdrSummaryPanel } from './CdrSummaryPanel.tsx';
import { EMPTY_FILTERS, defaultSide, periodOf, queryBase, safeName, seconds, type CdrFilters } from './cdr-model.ts';
import { StatusPill } from './StatusPill.tsx';
import { useDebounced } from '../../state/use-debounced.ts';

type Tab = 'imports' | 'calls' | 'summary' | 'margin';
const TABS: { id: Tab; label: string }[] = [
  { id: 'imports', label: 'Imports' },
  { id: 'calls', label: 'Calls' },
  { id: 'summary', label: 'Summary' },
  { id: 'margin', label: 'Margin' },
];
const PAGE_ROWS = 100;
/** Calls come in time order from the engine: the grid cannot sort them (a page is a slice of that order). */
const CALLS_COL_DEF = { sortable: false, resizable: true } as const;
const count = { type: 'rightAligned', width: 96, valueFormatter: (p: { value: unknown }) => formatCount(p.value as number) } as const;

export function CdrsScreen() {
  const { bridge, call, notify, notifyError, runJob } = useApp();
  const { gridTheme } = useTheme();
  const ids = useId();
  const gridApi = useRef<GridApi<CdrRow> | null>(null);
  const [tab, setTab] = useState<Tab>('calls');
  const [carriers, setCarriers] = useState<Carrier[]>([]);
  const [records, setRecords] = useState<CdrImportRecord[] | null>(null);
  const [formOpen, setFormOpen] = useState(false);
  const [filters, setFilters] = useState<CdrFilters>(EMPTY_FILTERS);
  const destination = useDebounced(filters.destination, 300);
  const [summarySource, setSummarySource] = useState<CdrSource | ''>('');
  const [refresh, setRefresh] = useState(0);
  const [total, setTotal] = useState<{ rows: number; exact: boolean } | null>(null);
  const [selected, setSelected] = useState<CdrRow | null>(null);
  const [busy, setBusy] = useState(false);

  const loadImports = useCallback(() => {
    call('cdrs.list', {}).then((r) => setRecords([...r].sort((a, b) => b.importedAt.localeCompare(a.importedAt) || b.id - a.id)), notifyError);
  }, [call, notifyError]);
  useEffect(loadImports, [loadImports]);

  useEffect(() => {
    call('carriers.list', {}).then((cs) => {
      setCarriers(cs);
      // The calls are always one carrier's: the first one until another is chosen.
      setFilters((f) => (f.carrier && cs.some((c) => c.name === f.carrier) ? f : { ...f, carrier: cs[0]?.name ?? '', side: defaultSide(cs[0]) }));
    }, notifyError);
  }, [call, notifyError]);

  // A workspace with no calls yet starts where they come from.
  useEffect(() => {
    if (records && records.length === 0) setTab('imports');
  }, [records]);

  const set = <K extends keyof CdrFilters>(k: K, v: CdrFilters[K]) => setFilters((f) => ({ ...f, [k]: v }));
  const source: CdrSource | '' = filters.source || summarySource;

  const datasource = useMemo<IDatasource | undefined>(() => {
    if (!filters.carrier) return undefined;
    const base = queryBase({ ...filters, destination: '' }, destination);
    return {
      getRows: (p) => {
        call('cdrs.query', { ...base, startRow: p.startRow, endRow: p.endRow }).then(
          (page) => {
            p.successCallback(page.rows, page.lastRow ?? -1);
            setTotal((t) => ({ rows: page.lastRow ?? Math.max(p.startRow + page.rows.length, t?.rows ?? 0), exact: page.lastRow !== null }));
          },
          (e: unknown) => {
            p.failCallback();
            notifyError(e);
          },
        );
      },
    };
    // `refresh` asks again after an import or a re-rate.
  }, [call, notifyError, filters.carrier, filters.side, filters.source, filters.from, filters.to, filters.status, destination, refresh]);

  useEffect(() => {
    setTotal(null);
    setSelected(null);
  }, [datasource]);

  const columns = useMemo<ColDef<CdrRow>[]>(() => [
    { colId: 'start', field: 'start', headerName: 'Start (UTC)', width: 162, valueFormatter: (p) => (p.value ? String(p.value).replace('T', ' ').replace(/(\.000)?Z$/, '') : '') },
    { colId: 'calling', field: 'calling', headerName: 'Calling', width: 112, cellClass: 'mono' },
    { colId: 'called', field: 'called', headerName: 'Called', width: 132, cellClass: 'mono', tooltipField: 'called' },
    { colId: 'duration', field: 'duration', headerName: 'Dur. s', headerTooltip: 'Duration in seconds', type: 'rightAligned', width: 88, cellClass: 'mono', valueFormatter: (p) => seconds(p.value as string) },
    { colId: 'billedSeconds', field: 'billedSeconds', headerName: 'Billed s', type: 'rightAligned', width: 74, cellClass: 'mono' },
    { colId: 'prefix', field: 'prefix', headerName: 'Prefix', width: 64, cellClass: 'mono' },
    { colId: 'destination', field: 'destination', headerName: 'Destination', flex: 1, minWidth: 120, tooltipField: 'destination' },
    // Rates and amounts are the engine's exact decimal strings, shown as they are: never JS numbers.
    { colId: 'rate', field: 'rate', headerName: 'Rate', headerTooltip: 'Rate per minute', type: 'rightAligned', width: 84, cellClass: 'mono' },
    { colId: 'amount', field: 'amount', headerName: 'Amount', type: 'rightAligned', width: 92, cellClass: 'mono' },
    { colId: 'currency', field: 'currency', headerName: 'Cur.', width: 54 },
    {
      colId: 'status', field: 'status', headerName: 'Status', width: 88,
      cellRenderer: (p: ICellRendererParams<CdrRow, CdrRow['status']>) => <StatusPill status={p.value} />,
    },
    { colId: 'reason', field: 'reason', headerName: 'Reason', width: 104, tooltipField: 'reason' },
    { colId: 'callId', field: 'callId', headerName: 'Call ID', width: 170, cellClass: 'mono', tooltipField: 'callId' },
  ], []);

  const importColumns = useMemo<ColDef<CdrImportRecord>[]>(() => [
    { field: 'fileName', headerName: 'File', flex: 1, minWidth: 180, tooltipField: 'fileName' },
    { field: 'carrier', headerName: 'Carrier', width: 160, valueFormatter: (p) => p.value ?? 'all, by trunk' },
    { field: 'source', headerName: 'Source', width: 86 },
    { field: 'format', headerName: 'Format', width: 96 },
    { field: 'rowsRead', headerName: 'Rows', ...count },
    { field: 'imported', headerName: 'Imported', ...count },
    { field: 'duplicates', headerName: 'Duplicates', ...count, width: 104 },
    { field: 'rejected', headerName: 'Rejected', ...count },
    { field: 'firstStart', headerName: 'First call (UTC)', width: 146, valueFormatter: (p) => formatInstant(p.value as string | null) },
    { field: 'lastStart', headerName: 'Last call (UTC)', width: 146, valueFormatter: (p) => formatInstant(p.value as string | null) },
    { field: 'importedAt', headerName: 'Imported at (UTC)', width: 150, valueFormatter: (p) => formatInstant(p.value as string), initialSort: 'desc' },
    { field: 'bytes', headerName: 'Size', type: 'rightAligned', width: 86, valueFormatter: (p) => formatBytes(p.value as number) },
    { field: 'importedBy', headerName: 'By', width: 90 },
  ], []);

  const explainSelected = () => {
    const api = gridApi.current;
    const focused = api?.getFocusedCell();
    const row = (focused ? api?.getDisplayedRowAtIndex(focused.rowIndex)?.data : undefined) ?? api?.getSelectedRows()[0];
    if (row) setSelected(row);
    else notify('info', 'Select a call first: how it is rated opens beside the grid.');
  };

  const rerate = async () => {
    if (!filters.carrier) return;
    setBusy(true);
    try {
      const r = await runJob(`Re-rating ${filters.carrier} (${filters.side})`, (jobId) =>
        call('rating.run', { carrier: filters.carrier, side: filters.side, ...(filters.source ? { source: filters.source } : {}), ...periodOf(filters), jobId }));
      notify('info', `Re-rated ${formatCount(r.calls)} calls of ${r.carrier} (${r.side}): ${formatCount(r.changed)} changed`);
      setRefresh((n) => n + 1);
    } catch (e) {
      notifyError(e);
    } finally {
      setBusy(false);
    }
  };

  const exportCalls = async (format: 'csv' | 'xlsx') => {
    if (!filters.carrier || !source) return;
    setBusy(true);
    try {
      const out = await bridge.saveTarget(`cdrs-${safeName(filters.carrier)}-${source}-${filters.side}.${format}`);
      if (!out) return;
      const r = await runJob(`Exporting ${filters.carrier} ${source} calls (${filters.side})`, (jobId) =>
        call('cdrs.export', { carrier: filters.carrier, source, side: filters.side, ...periodOf(filters), out, jobId }));
      await bridge.deliver(r.file);
      notify('info', `Exported ${formatCount(r.rows)} calls`, bridge.host === 'electron' ? r.file : undefined);
    } catch (e) {
      notifyError(e);
    } finally {
      setBusy(false);
    }
  };

  const canExport = Boolean(filters.carrier && source) && !busy;
  const exportTitle = !filters.carrier ? 'Choose a carrier' : !source ? 'Choose a source (own or carrier) to export' : undefined;

  return (
    <section className="screen" aria-labelledby={`${ids}-title`}>
      <div className="screen-head">
        <h1 id={`${ids}-title`}>CDRs</h1>
        <div className="tabs" role="tablist" aria-label="CDR views">
          {TABS.map((t) => (
            <button
              key={t.id}
              type="button"
              role="tab"
              id={`${ids}-tab-${t.id}`}
              aria-selected={tab === t.id}
              aria-controls={`${ids}-panel`}
              className={`tab${tab === t.id ? ' active' : ''}`}
              data-testid={`cdr-tab-${t.id}`}
              onClick={() => setTab(t.id)}
            >
              {t.label}
            </button>
          ))}
        </div>
        <span className="muted" aria-live="polite">
          {tab === 'imports'
            ? (records ? `${records.length} import${records.length === 1 ? '' : 's'}` : 'Loading…')
            : tab === 'calls' && filters.carrier ? (total ? `${formatCount(total.rows)}${total.exact ? '' : '+'} calls` : 'Loading…') : ''}
        </span>
        <div className="spacer" />
        {tab === 'calls' && (
          <button type="button" className="btn" data-testid="cdr-explain-open" onClick={explainSelected} title="How the selected call is rated (Enter)">
            Explain
          </button>
        )}
        {tab !== 'imports' && tab !== 'margin' && (
          <>
            <button type="button" className="btn" data-testid="cdr-rerate" disabled={!filters.carrier || busy} onClick={() => void rerate()}
              title="Rate these calls again against the decks as they stand now">
              Re-rate
            </button>
            <button type="button" className="btn" data-testid="cdr-export-csv" disabled={!canExport} title={exportTitle ?? 'Export the calls as CSV'} onClick={() => void exportCalls('csv')}>
              Export CSV
            </button>
            <button type="button" className="btn" data-testid="cdr-export-xlsx" disabled={!canExport} title={exportTitle ?? 'Export the calls as XLSX'} onClick={() => void exportCalls('xlsx')}>
              Export XLSX
            </button>
          </>
        )}
        <button type="button" className="btn primary" data-testid="cdr-import-open" disabled={formOpen}
          onClick={() => { setTab('imports'); setFormOpen(true); }}>
          Import CDRs…
        </button>
      </div>

      <div id={`${ids}-panel`} role="tabpanel" aria-labelledby={`${ids}-tab-${tab}`} className="tab-panel">
        {tab === 'imports' && (
          <>
            {formOpen && (
              <CdrImportForm
                carriers={carriers}
                initialCarrier={filters.carrier}
                onClose={() => setFormOpen(false)}
                onImported={(r) => {
                  loadImports();
                  const named = r.carrier;
                  if (named !== null) setFilters((f) => (f.carrier === named ? f : { ...f, carrier: named, side: defaultSide(carriers.find((c) => c.name === named)) }));
                  setRefresh((n) => n + 1);
                }}
              />
            )}
            <h2 className="section-title">Import history</h2>
            <div className="grid-wrap" data-testid="cdr-imports">
              <AgGridReact<CdrImportRecord>
                theme={gridTheme}
                rowData={records}
                columnDefs={importColumns}
                defaultColDef={DEFAULT_COL_DEF}
                getRowId={rowIdOf}
                overlayNoRowsTemplate="No CDRs imported yet: use Import CDRs."
              />
            </div>
          </>
        )}

        {tab !== 'imports' && (
          <div className="toolbar" role="search">
            <div className="field">
              <label htmlFor={`${ids}-carrier`}>Carrier</label>
              <select id={`${ids}-carrier`} data-testid="cdr-filter-carrier" value={filters.carrier}
                onChange={(e) => {
                  const c = carriers.find((x) => x.name === e.target.value);
                  setFilters((f) => ({ ...f, carrier: e.target.value, side: defaultSide(c) }));
                }}>
                {carriers.length === 0 && <option value="">No carriers yet</option>}
                {carriers.map((c) => <option key={c.id} value={c.name}>{c.name}</option>)}
              </select>
            </div>
            <div className="field">
              <label htmlFor={`${ids}-side`}>Side</label>
              <select id={`${ids}-side`} data-testid="cdr-filter-side" value={filters.side} onChange={(e) => set('side', e.target.value as CdrFilters['side'])}>
                <option value="buy">buy (cost)</option>
                <option value="sell">sell (revenue)</option>
              </select>
            </div>
            <div className="field">
              <label htmlFor={`${ids}-source`}>Source</label>
              <select id={`${ids}-source`} data-testid="cdr-filter-source" value={filters.source} onChange={(e) => set('source', e.target.value as CdrFilters['source'])}>
                <option value="">all</option>
                <option value="own">own (our switch)</option>
                <option value="carrier">carrier (their CDRs)</option>
              </select>
            </div>
            <div className="field">
              <label htmlFor={`${ids}-from`}>From</label>
              <input id={`${ids}-from`} type="date" data-testid="cdr-filter-from" value={filters.from} onChange={(e) => set('from', e.target.value)} title="In the carrier's time zone; empty: from the first call" />
            </div>
            <div className="field">
              <label htmlFor={`${ids}-to`}>To (inclusive)</label>
              <input id={`${ids}-to`} type="date" data-testid="cdr-filter-to" value={filters.to} onChange={(e) => set('to', e.target.value)} title="In the carrier's time zone; empty: to the last call" />
            </div>
            {tab === 'calls' && (
              <>
                <div className="field">
                  <label htmlFor={`${ids}-dest`}>Destination contains</label>
                  <input id={`${ids}-dest`} type="text" data-testid="cdr-filter-destination" value={filters.destination} onChange={(e) => set('destination', e.target.value)} placeholder="e.g. mobile" />
                </div>
                <div className="field">
                  <label htmlFor={`${ids}-status`}>Status</label>
                  <select id={`${ids}-status`} data-testid="cdr-filter-status" value={filters.status} onChange={(e) => set('status', e.target.value as CdrFilters['status'])}>
                    <option value="">all</option>
                    <option value="rated">rated</option>
                    <option value="free">free</option>
                    <option value="unrated">unrated</option>
                  </select>
                </div>
              </>
            )}
          </div>
        )}

        {tab === 'calls' && (
          <div className="split">
            <div className="grid-wrap" data-testid="cdr-grid">
              {filters.carrier ? (
                <AgGridReact<CdrRow>
                  theme={gridTheme}
                  rowModelType="infinite"
                  datasource={datasource}
                  cacheBlockSize={PAGE_ROWS}
                  maxBlocksInCache={50}
                  columnDefs={columns}
                  defaultColDef={CALLS_COL_DEF}
                  getRowId={rowIdOf}
                  rowSelection={SINGLE_ROW_SELECTION}
                  suppressColumnVirtualisation
                  onGridReady={(e) => { gridApi.current = e.api; }}
                  onCellKeyDown={(e) => {
                    const k = (e.event as KeyboardEvent | undefined)?.key;
                    if (k === 'Enter' && e.data) setSelected(e.data);
                  }}
                />
              ) : (
                <p className="muted">Add a carrier first (Carriers screen), then import its CDRs.</p>
              )}
            </div>
            {selected && <CdrExplainPanel row={selected} side={filters.side} onClose={() => setSelected(null)} />}
          </div>
        )}

        {tab === 'summary' && (
          <CdrSummaryPanel filters={filters} source={source} onSource={setSummarySource} refresh={refresh} />
        )}
        {tab === 'margin' && <CdrMarginPanel carriers={carriers} filters={filters} refresh={refresh} />}
      </div>
    </section>
  );
}
