import type { ColDef, ICellRendererParams, IDatasource, SortModelItem } from 'ag-grid-community';
import { AgGridReact } from 'ag-grid-react';
import { useId, useMemo, useState } from 'react';
import { LCR_FLAGS, type Args, type Carrier, type LcrFlag, type LcrPage, type LcrRoute, type LcrRow } from '../../../core/api/contract.ts';
import { formatCount, formatInstant } from '../../format.ts';
import { DEFAULT_COL_DEF } from '../../grid/grid-setup.ts';
import { useApp } from '../../state/app-context.tsx';
import { useDebounced } from '../../state/use-debounced.ts';
import { useTheme } from '../../state/theme.tsx';

const FLAG_TEXT: Record<LcrFlag, string> = {
  uncovered: 'uncovered',
  unprofitable: 'no profitable route',
  single: 'single route',
  changed: 'changed',
};
const SORTABLE = new Set(['prefix', 'destination', 'sellRate', 'bestRate', 'bestMargin', 'routes']);
/** Rank columns shown: the depth asked for, else up to this many. */
const MAX_RANK_COLUMNS = 6;

export interface LcrOptions {
  at: string;
  since: string;
  customer: string;
  vendors: string[];
  depth: string;
  noLoss: boolean;
  typicalDuration: string;
  rankBy: 'rate' | 'cost';
}

/** The request the options stand for (empty fields left to the engine's defaults). */
export function lcrArgs(o: LcrOptions): Omit<Args<'lcr.table'>, 'startRow' | 'endRow'> {
  const a: Omit<Args<'lcr.table'>, 'startRow' | 'endRow'> = { noLoss: o.noLoss, rankBy: o.rankBy };
  if (o.at) a.at = o.at;
  if (o.since) a.since = o.since;
  if (o.customer) a.customer = o.customer;
  if (o.vendors.length > 0) a.vendors = o.vendors;
  if (/^\d+$/.test(o.depth) && Number(o.depth) > 0) a.depth = Number(o.depth);
  if (/^\d+$/.test(o.typicalDuration) && Number(o.typicalDuration) > 0) a.typicalDuration = Number(o.typicalDuration);
  return a;
}

function RouteCell({ route, showPrevious }: { route: LcrRoute | undefined; showPrevious: boolean }) {
  if (!route) return null;
  const margin = route.margin;
  const tone = margin === null ? '' : margin.startsWith('-') ? ' loss' : /^0(\.0*)?$/.test(margin) ? ' even' : ' profit';
  return (
    <span className={`route${tone}`} title={`${route.vendor}: ${route.rate}/min ${route.firstIncrement}/${route.nextIncrement} via ${route.matchedPrefix} ${route.destination}; a typical call costs ${route.effectiveCost}${margin === null ? '' : `; margin ${margin}/min`}; rank ${route.rank} by rate, ${route.costRank} by cost`}>
      <span className="route-vendor">{route.vendor}</span>
      <span className="mono">{route.rate}</span>
      <span className="muted small-text">{route.firstIncrement}/{route.nextIncrement}</span>
      {margin !== null && <span className="mono route-margin" data-margin={margin}>{margin.startsWith('-') ? margin : `+${margin}`}</span>}
      {showPrevious && route.previousRate !== undefined && route.previousRate !== route.rate && (
        <span className="muted small-text">was {route.previousRate ?? '—'}</span>
      )}
    </span>
  );
}

export function LcrTableView({ carriers }: { carriers: Carrier[] }) {
  const { bridge, call, notify, notifyError, runJob } = useApp();
  const { gridTheme } = useTheme();
  const ids = useId();
  const vendorsAll = carriers.filter((c) => c.roles !== 'customer');
  const customers = carriers.filter((c) => c.roles !== 'vendor');
  const [o, setO] = useState<LcrOptions>({ at: '', since: '', customer: '', vendors: [], depth: '', noLoss: false, typicalDuration: '180', rankBy: 'rate' });
  const [flag, setFlag] = useState<LcrFlag | ''>('');
  const [prefix, setPrefix] = useState('');
  const [destination, setDestination] = useState('');
  const typed = { prefix: useDebounced(prefix, 300), destination: useDebounced(destination, 300), depth: useDebounced(o.depth, 300), typical: useDebounced(o.typicalDuration, 300) };
  const [summary, setSummary] = useState<LcrPage | null>(null);
  const [format, setFormat] = useState<'long' | 'matrix' | 'routing'>('long');
  const [exporting, setExporting] = useState(false);
  const set = <K extends keyof LcrOptions>(k: K, v: LcrOptions[K]) => setO((x) => ({ ...x, [k]: v }));

  const { at, since, customer, vendors, noLoss, rankBy } = o;
  const base = useMemo(() => lcrArgs({ at, since, customer, vendors, noLoss, rankBy, depth: typed.depth, typicalDuration: typed.typical }),
    [at, since, customer, vendors, noLoss, rankBy, typed.depth, typed.typical]);
  const prefixOk = /^\d{0,15}$/.test(typed.prefix.trim());

  const datasource = useMemo<IDatasource>(() => ({
    getRows: (p) => {
      const sort = (p.sortModel as SortModelItem[]).filter((s) => SORTABLE.has(s.colId)).slice(0, 1)
        .map((s) => ({ colId: s.colId as NonNullable<Args<'lcr.table'>['sort']>[number]['colId'], sort: s.sort }));
      call('lcr.table', {
        ...base, startRow: p.startRow, endRow: p.endRow, sort,
        ...(flag ? { flag } : {}), ...(typed.prefix.trim() && prefixOk ? { prefix: typed.prefix.trim() } : {}),
        ...(typed.destination.trim() ? { destination: typed.destination.trim() } : {}),
      }).then(
        (page) => {
          p.successCallback(page.rows, page.lastRow);
          setSummary(page);
        },
        (e: unknown) => {
          p.failCallback();
          setSummary(null);
          notifyError(e);
        },
      );
    },
  }), [call, notifyError, base, flag, typed.prefix, typed.destination, prefixOk]);

  const vendorCount = summary?.vendors.length ?? vendorsAll.length;
  const rankColumns = Math.max(1, Math.min(base.depth ?? vendorCount, MAX_RANK_COLUMNS));
  const hasSell = Boolean(o.customer);
  const hasSince = Boolean(o.since);
  const columns = useMemo<ColDef<LcrRow>[]>(() => [
    { colId: 'prefix', field: 'prefix', headerName: 'Prefix', width: 110, cellClass: 'mono', pinned: 'left' },
    { colId: 'destination', field: 'destination', headerName: 'Destination', width: 200, tooltipField: 'destination' },
    ...(hasSell ? [{ colId: 'sellRate', field: 'sellRate', headerName: 'Sell rate', width: 100, type: 'rightAligned', cellClass: 'mono' } as ColDef<LcrRow>] : []),
    {
      colId: 'flags', headerName: 'Flags', width: 170, sortable: false,
      valueGetter: (p) => p.data?.flags.map((f) => FLAG_TEXT[f]).join(', ') ?? '',
      cellRenderer: (p: ICellRendererParams<LcrRow>) => (
        <span className="lcr-flags">{p.data?.flags.map((f) => <span key={f} className={`lcr-flag lcr-flag-${f}`}>{FLAG_TEXT[f]}</span>)}</span>
      ),
    },
    { colId: 'routes', headerName: 'Routes', width: 80, type: 'rightAligned', valueGetter: (p) => (p.data ? p.data.routeCount : '') },
    ...Array.from({ length: rankColumns }, (_, k): ColDef<LcrRow> => ({
      colId: `rank${k + 1}`,
      headerName: `#${k + 1}`,
      width: hasSell ? 250 : 200,
      sortable: k === 0,
      ...(k === 0 ? { colId: hasSell ? 'bestMargin' : 'bestRate', headerName: '#1 (cheapest)' } : {}),
      valueGetter: (p) => (p.data?.routes[k] ? `${p.data.routes[k].vendor} ${p.data.routes[k].rate}` : ''),
      cellRenderer: (p: ICellRendererParams<LcrRow>) => <RouteCell route={p.data?.routes[k]} showPrevious={hasSince} />,
    })),
    ...(hasSince ? [{
      colId: 'previousOrder', headerName: 'Order before', width: 220, sortable: false,
      valueGetter: (p) => p.data?.previousOrder?.join(' › ') ?? '',
    } as ColDef<LcrRow>] : []),
  ], [rankColumns, hasSell, hasSince]);

  const exportTable = async (fileFormat: 'csv' | 'xlsx') => {
    setExporting(true);
    try {
      const out = await bridge.saveTarget(`lcr-${format}.${fileFormat}`);
      if (!out) return;
      const r = await runJob(`Exporting the LCR table (${format})`, (jobId) =>
        call('lcr.export', { ...base, out, format, jobId, ...(flag ? { flag } : {}) }));
      await bridge.deliver(r.file);
      notify('info', `Exported ${formatCount(r.rows)} rows (${r.format}) for ${formatCount(r.counts.prefixes)} prefixes`, bridge.host === 'electron' ? r.file : undefined);
    } catch (e) {
      notifyError(e);
    } finally {
      setExporting(false);
    }
  };

  const c = summary?.counts;
  return (
    <div className="lcr-view">
      <div className="toolbar" role="search">
        <div className="field">
          <label htmlFor={`${ids}-at`}>At</label>
          <input id={`${ids}-at`} type="date" data-testid="lcr-at" value={o.at} onChange={(e) => set('at', e.target.value)} title="Empty: now (UTC)" />
        </div>
        <div className="field">
          <label htmlFor={`${ids}-customer`}>Sell deck of</label>
          <select id={`${ids}-customer`} data-testid="lcr-customer" value={o.customer} onChange={(e) => set('customer', e.target.value)}>
            <option value="">No customer (no margins)</option>
            {customers.map((x) => <option key={x.id} value={x.name}>{x.name}</option>)}
          </select>
        </div>
        <fieldset className="field lcr-vendors">
          <legend>Vendors {o.vendors.length === 0 ? '(all)' : `(${o.vendors.length})`}</legend>
          <div className="lcr-vendor-list">
            {vendorsAll.map((v) => (
              <label key={v.id} className="check">
                <input type="checkbox" data-testid={`lcr-vendor-${v.name}`} checked={o.vendors.includes(v.name)}
                  onChange={(e) => set('vendors', e.target.checked ? [...o.vendors, v.name] : o.vendors.filter((n) => n !== v.name))} />
                {v.name}
              </label>
            ))}
          </div>
        </fieldset>
        <div className="field">
          <label htmlFor={`${ids}-rank`}>Rank by</label>
          <select id={`${ids}-rank`} data-testid="lcr-rank-by" value={o.rankBy} onChange={(e) => set('rankBy', e.target.value as 'rate' | 'cost')}>
            <option value="rate">rate per minute</option>
            <option value="cost">cost of a typical call</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${ids}-typical`}>Typical call (s)</label>
          <input id={`${ids}-typical`} type="number" min={1} data-testid="lcr-typical" value={o.typicalDuration} onChange={(e) => set('typicalDuration', e.target.value)} size={5} />
        </div>
        <div className="field">
          <label htmlFor={`${ids}-depth`}>Depth</label>
          <input id={`${ids}-depth`} type="number" min={1} data-testid="lcr-depth" value={o.depth} onChange={(e) => set('depth', e.target.value)} placeholder="all" size={4} />
        </div>
        <label className="check field-inline">
          <input type="checkbox" data-testid="lcr-no-loss" checked={o.noLoss} onChange={(e) => set('noLoss', e.target.checked)} disabled={!o.customer} />
          No loss
        </label>
        <div className="field">
          <label htmlFor={`${ids}-since`}>Changed since</label>
          <input id={`${ids}-since`} type="date" data-testid="lcr-since" value={o.since} onChange={(e) => set('since', e.target.value)} />
        </div>
      </div>
      <div className="toolbar">
        <div className="field">
          <label htmlFor={`${ids}-flag`}>Show</label>
          <select id={`${ids}-flag`} data-testid="lcr-flag" value={flag} onChange={(e) => setFlag(e.target.value as LcrFlag | '')}>
            <option value="">Every prefix</option>
            {LCR_FLAGS.map((f) => <option key={f} value={f}>{FLAG_TEXT[f]}</option>)}
          </select>
        </div>
        <div className={`field${prefixOk ? '' : ' invalid'}`}>
          <label htmlFor={`${ids}-prefix`}>Prefix starts with</label>
          <input id={`${ids}-prefix`} className="mono" data-testid="lcr-prefix" value={prefix} onChange={(e) => setPrefix(e.target.value)} placeholder="e.g. 44" size={10} />
        </div>
        <div className="field">
          <label htmlFor={`${ids}-dest`}>Destination contains</label>
          <input id={`${ids}-dest`} data-testid="lcr-destination" value={destination} onChange={(e) => setDestination(e.target.value)} placeholder="e.g. mobile" />
        </div>
        <div className="spacer" />
        <div className="field">
          <label htmlFor={`${ids}-format`}>Export as</label>
          <select id={`${ids}-format`} data-testid="lcr-export-format" value={format} onChange={(e) => setFormat(e.target.value as typeof format)}>
            <option value="long">long (one row per route)</option>
            <option value="matrix">matrix (destination × vendor)</option>
            <option value="routing">routing table (for the switch)</option>
          </select>
        </div>
        <button type="button" className="btn" data-testid="lcr-export-csv" disabled={exporting} onClick={() => void exportTable('csv')}>Export CSV</button>
        <button type="button" className="btn" data-testid="lcr-export-xlsx" disabled={exporting} onClick={() => void exportTable('xlsx')}>Export XLSX</button>
      </div>
      <div className="facts" data-testid="lcr-summary" aria-live="polite">
        {summary ? (
          <>
            <span><span className="muted">At</span> {formatInstant(summary.at)} UTC</span>
            <span><span className="muted">Vendors</span> {summary.vendors.map((v) => v.name).join(', ')}</span>
            <span><span className="muted">Currency</span> {summary.currency}</span>
            <span data-testid="lcr-count-prefixes"><span className="muted">Prefixes</span> {formatCount(c!.prefixes)}</span>
            <span data-testid="lcr-count-uncovered"><span className="muted">Uncovered</span> {formatCount(c!.uncovered)}</span>
            {summary.customer && <span data-testid="lcr-count-unprofitable"><span className="muted">No profitable route</span> {formatCount(c!.unprofitable)}</span>}
            <span data-testid="lcr-count-single"><span className="muted">Single route</span> {formatCount(c!.single)}</span>
            {summary.since && <span data-testid="lcr-count-changed"><span className="muted">Changed since {formatInstant(summary.since)}</span> {formatCount(c!.changed)}</span>}
            <span className="muted">built in {summary.buildMs} ms{summary.lastRow !== c!.prefixes ? `; ${formatCount(summary.lastRow)} shown` : ''}</span>
          </>
        ) : <span className="muted">Building the table…</span>}
      </div>
      <div className="grid-wrap" data-testid="lcr-grid">
        <AgGridReact<LcrRow>
          theme={gridTheme}
          rowModelType="infinite"
          datasource={datasource}
          cacheBlockSize={100}
          maxBlocksInCache={50}
          columnDefs={columns}
          defaultColDef={DEFAULT_COL_DEF}
          getRowId={(p) => String(p.data.id)}
          rowHeight={30}
        />
      </div>
    </div>
  );
}
