import type { ColDef, RowSelectedEvent } from 'ag-grid-community';
import { AgGridReact } from 'ag-grid-react';
import { useCallback, useEffect, useId, useState } from 'react';
import type { AgeingReport, AgeingRow, SettlementFigures, SettlementLines, SettlementPosition } from '../../../core/api/contract.ts';
import { DEFAULT_COL_DEF, SINGLE_ROW_SELECTION } from '../../grid/grid-setup.ts';
import { useApp } from '../../state/app-context.tsx';
import { useTheme } from '../../state/theme.tsx';

type Tab = 'positions' | 'ageing';
type Drill = 'sell' | 'buy' | 'disputes' | 'payments';

const DIRECTION = { 'they-pay-us': 'they pay us', 'we-pay-them': 'we pay them', even: 'even' } as const;
const money = { type: 'rightAligned', width: 118, cellClass: 'mono' } as const;

/** The previous calendar month: what a month-end run settles. */
function lastMonth(): string {
  const d = new Date();
  const m = d.getUTCMonth();
  return m === 0 ? `${d.getUTCFullYear() - 1}-12` : `${d.getUTCFullYear()}-${String(m).padStart(2, '0')}`;
}

const positionColumns: ColDef<SettlementFigures>[] = [
  { field: 'carrier', headerName: 'Carrier', width: 170, pinned: 'left' },
  { field: 'currency', headerName: 'Ccy', width: 70 },
  { field: 'opening', headerName: 'Opening', ...money },
  { field: 'receivable', headerName: 'Receivable', ...money },
  { field: 'payable', headerName: 'Payable', ...money },
  { field: 'withheld', headerName: 'Withheld', ...money },
  { field: 'released', headerName: 'Released', ...money },
  { field: 'adjustments', headerName: 'Adjustments', ...money },
  { field: 'payments', headerName: 'Payments (net in)', ...money, width: 140 },
  { field: 'net', headerName: 'Net', ...money, cellClass: 'mono strong' },
  { field: 'direction', headerName: 'Who pays', width: 120, valueFormatter: (p) => DIRECTION[p.value as keyof typeof DIRECTION] ?? '' },
  { field: 'dueDate', headerName: 'Due', width: 110 },
];

const ageingColumns: ColDef<AgeingRow>[] = [
  { field: 'carrier', headerName: 'Carrier', width: 180 },
  { field: 'currency', headerName: 'Ccy', width: 70 },
  { field: 'balance', headerName: 'Balance', ...money },
  { colId: 'b0', headerName: '0–30', valueGetter: (p) => p.data?.buckets['0-30'], ...money },
  { colId: 'b31', headerName: '31–60', valueGetter: (p) => p.data?.buckets['31-60'], ...money },
  { colId: 'b61', headerName: '61–90', valueGetter: (p) => p.data?.buckets['61-90'], ...money },
  { colId: 'b90', headerName: '90+', valueGetter: (p) => p.data?.buckets['90+'], ...money },
  { field: 'direction', headerName: 'Who pays', width: 120, valueFormatter: (p) => DIRECTION[p.value as keyof typeof DIRECTION] ?? '' },
  { field: 'oldestPeriod', headerName: 'Oldest', width: 100 },
];

const carrierId = (p: { data: { carrier: string } }): string => p.data.carrier;

/** Net positions per carrier for a period, drill-down to what makes them up, the statement, and ageing. */
export function SettlementScreen() {
  const { bridge, call, notify, notifyError, runJob } = useApp();
  const { gridTheme } = useTheme();
  const ids = useId();
  const [tab, setTab] = useState<Tab>('positions');
  const [period, setPeriod] = useState(lastMonth());
  const [rows, setRows] = useState<SettlementFigures[] | null>(null);
  const [selected, setSelected] = useState<string>('');
  const [position, setPosition] = useState<SettlementPosition | null>(null);
  const [lines, setLines] = useState<SettlementLines | null>(null);
  const [drill, setDrill] = useState<Drill>('sell');
  const [asOf, setAsOf] = useState('');
  const [ageing, setAgeing] = useState<AgeingReport | null>(null);
  const [busy, setBusy] = useState(false);
  const [refresh, setRefresh] = useState(0);

  useEffect(() => {
    if (!/^\d{4}-\d{2}$/.test(period)) return;
    let live = true;
    setRows(null);
    call('settlement.positions', { period }).then((r) => { if (live) setRows(r); }, notifyError);
    return () => { live = false; };
  }, [call, notifyError, period, refresh]);

  useEffect(() => {
    if (!selected || !/^\d{4}-\d{2}$/.test(period)) {
      setPosition(null);
      return;
    }
    let live = true;
    call('settlement.position', { carrier: selected, period }).then((p) => { if (live) setPosition(p); }, notifyError);
    return () => { live = false; };
  }, [call, notifyError, selected, period, refresh]);

  useEffect(() => {
    if (!selected || (drill !== 'sell' && drill !== 'buy')) {
      setLines(null);
      return;
    }
    let live = true;
    call('settlement.lines', { carrier: selected, period, side: drill }).then((l) => { if (live) setLines(l); }, notifyError);
    return () => { live = false; };
  }, [call, notifyError, selected, period, drill, refresh]);

  useEffect(() => {
    if (tab !== 'ageing') return;
    call('settlement.ageing', asOf ? { asOf } : {}).then(setAgeing, notifyError);
  }, [call, notifyError, tab, asOf, refresh]);

  const onRowSelected = useCallback((e: RowSelectedEvent<SettlementFigures>) => {
    if (e.node.isSelected() && e.data) setSelected(e.data.carrier);
  }, []);

  const exportStatement = async () => {
    if (!selected) return;
    setBusy(true);
    try {
      const out = await bridge.saveTarget(`statement-${selected.replace(/[^\w.-]+/g, '-')}-${period}.xlsx`);
      if (!out) return;
      const r = await runJob(`Statement of ${selected} for ${period}`, (jobId) => call('settlement.statement', { carrier: selected, period, out, jobId }));
      await bridge.deliver(r.file);
      notify('info', `Statement written: net ${r.net} ${r.currency}, ${DIRECTION[r.direction]}`, bridge.host === 'electron' ? r.file : undefined);
    } catch (e) {
      notifyError(e);
    } finally {
      setBusy(false);
    }
  };

  const issueInvoice = async () => {
    if (!selected) return;
    setBusy(true);
    try {
      const r = await call('invoices.issue', { customer: selected, period });
      const d = r.document;
      notify('info', r.outcome === 'unchanged' ? `${period} is invoiced (${d.number}); nothing changed since`
        : `${r.outcome === 'issued' ? 'Invoice' : r.outcome === 'credit-note' ? 'Credit note' : 'Debit note'} ${d.number}: ${d.total} ${d.currency}`);
      setRefresh((n) => n + 1);
    } catch (e) {
      notifyError(e);
    } finally {
      setBusy(false);
    }
  };

  const sel = rows?.find((r) => r.carrier === selected);
  return (
    <section className="screen" aria-labelledby={`${ids}-title`}>
      <div className="screen-head">
        <h1 id={`${ids}-title`}>Settlement</h1>
        <div className="tabs" role="tablist" aria-label="Settlement views">
          {(['positions', 'ageing'] as const).map((t) => (
            <button key={t} type="button" role="tab" aria-selected={tab === t} className={`tab${tab === t ? ' active' : ''}`}
              data-testid={`settle-tab-${t}`} onClick={() => setTab(t)}>
              {t === 'positions' ? 'Net positions' : 'Ageing'}
            </button>
          ))}
        </div>
        <div className="spacer" />
        {tab === 'positions' && (
          <>
            <button type="button" className="btn" data-testid="settle-issue" disabled={!selected || busy}
              title="Issue our invoice to the selected carrier for the period (or a note for what changed since)" onClick={() => void issueInvoice()}>
              Issue invoice
            </button>
            <button type="button" className="btn primary" data-testid="settle-statement" disabled={!selected || busy}
              title={selected ? 'Write the statement workbook of the selected carrier and period' : 'Choose a carrier in the grid'} onClick={() => void exportStatement()}>
              Export statement…
            </button>
          </>
        )}
      </div>

      {tab === 'positions' && (
        <>
          <div className="toolbar">
            <div className="field">
              <label htmlFor={`${ids}-period`}>Period</label>
              <input id={`${ids}-period`} type="month" data-testid="settle-period" value={period} onChange={(e) => setPeriod(e.target.value)} />
            </div>
            <span className="muted" aria-live="polite">{rows ? `${rows.length} carrier${rows.length === 1 ? '' : 's'}` : 'Loading…'}</span>
          </div>
          <div className="grid-wrap" data-testid="settle-grid" style={{ height: 260 }}>
            <AgGridReact<SettlementFigures>
              theme={gridTheme}
              rowData={rows}
              columnDefs={positionColumns}
              defaultColDef={DEFAULT_COL_DEF}
              getRowId={carrierId}
              rowSelection={SINGLE_ROW_SELECTION}
              onRowSelected={onRowSelected}
              overlayNoRowsTemplate="Nothing to settle in this period: no invoices, payments or disputes yet."
            />
          </div>
          {sel && position && (
            <div className="panel" data-testid="settle-detail">
              <div className="facts">
                <span><span className="muted">Carrier</span> {position.carrier}</span>
                <span><span className="muted">Period</span> {position.period}</span>
                <span data-testid="settle-net"><span className="muted">Net</span> <span className="mono">{position.net}</span> {position.currency}</span>
                <span data-testid="settle-direction"><span className="muted">Who pays</span> {DIRECTION[position.direction]}</span>
                <span><span className="muted">Due</span> {position.dueDate}</span>
              </div>
              {position.warnings.map((w) => <p key={w} className="warning" data-testid="settle-warning">{w}</p>)}
              <div className="tabs" role="tablist" aria-label="What makes up the position">
                {(['sell', 'buy', 'disputes', 'payments'] as const).map((d) => (
                  <button key={d} type="button" role="tab" aria-selected={drill === d} className={`tab${drill === d ? ' active' : ''}`}
                    data-testid={`settle-drill-${d}`} onClick={() => setDrill(d)}>
                    {d === 'sell' ? 'Sell lines' : d === 'buy' ? 'Buy lines' : d === 'disputes' ? 'Disputes' : 'Payments & adjustments'}
                  </button>
                ))}
              </div>
              <div className="table-scroll" data-testid="settle-drill-table">
                {(drill === 'sell' || drill === 'buy') && lines && (
                  <table className="table compact">
                    <thead><tr><th>Document</th><th>Destination</th><th>Prefix</th><th className="num">Calls</th><th className="num">Minutes</th><th className="num">Rate</th><th className="num">Amount</th><th>Ccy</th></tr></thead>
                    <tbody>
                      {lines.lines.map((l, i) => (
                        <tr key={`${l.document}-${i}`}><td>{l.document}</td><td>{l.destination}</td><td className="mono">{l.prefix ?? ''}</td><td className="num">{l.calls ?? ''}</td>
                          <td className="num mono">{l.minutes ?? ''}</td><td className="num mono">{l.rate ?? ''}</td><td className="num mono">{l.amount}</td><td>{l.currency}</td></tr>
                      ))}
                      {lines.lines.length === 0 && <tr><td colSpan={8} className="muted">{drill === 'sell' ? 'No invoice issued for this period.' : 'No carrier invoice for this period.'}</td></tr>}
                    </tbody>
                  </table>
                )}
                {drill === 'disputes' && (
                  <table className="table compact">
                    <thead><tr><th>#</th><th>Invoice</th><th>Period</th><th>State</th><th className="num">Claimed</th><th className="num">Agreed</th><th>Credit note</th><th className="num">Withheld</th><th className="num">Released</th><th className="num">Credited</th></tr></thead>
                    <tbody>
                      {position.disputes.map((d) => (
                        <tr key={d.id}><td>{d.id}</td><td>{d.invoice ?? ''}</td><td>{d.period}</td><td>{d.state}</td><td className="num mono">{d.claimed}</td><td className="num mono">{d.agreed ?? ''}</td>
                          <td>{d.creditNote ?? ''}</td><td className="num mono">{d.withheld}</td><td className="num mono">{d.released}</td><td className="num mono">{d.credit}</td></tr>
                      ))}
                      {position.disputes.length === 0 && <tr><td colSpan={10} className="muted">No disputes touch this period.</td></tr>}
                    </tbody>
                  </table>
                )}
                {drill === 'payments' && (
                  <table className="table compact">
                    <thead><tr><th>Date</th><th>Kind</th><th>Reference</th><th className="num">Amount</th><th>Ccy</th><th className="num">FX rate</th><th>FX date</th><th className="num">Effect ({position.currency})</th></tr></thead>
                    <tbody>
                      {position.entries.filter((e) => ['payment-in', 'payment-out', 'credit-note', 'debit-note', 'dispute-credit'].includes(e.kind)).map((e, i) => (
                        <tr key={`${e.kind}-${e.reference}-${i}`}><td>{e.date}</td><td>{e.kind}</td><td>{e.reference}</td><td className="num mono">{e.originalAmount}</td><td>{e.originalCurrency}</td>
                          <td className="num mono">{e.fxRate ?? ''}</td><td>{e.fxDate ?? ''}</td><td className="num mono">{e.effect}</td></tr>
                      ))}
                    </tbody>
                  </table>
                )}
              </div>
            </div>
          )}
          {!selected && rows && rows.length > 0 && <p className="muted">Choose a carrier in the grid to see what makes up its position.</p>}
        </>
      )}

      {tab === 'ageing' && (
        <>
          <div className="toolbar">
            <div className="field">
              <label htmlFor={`${ids}-asof`}>As of</label>
              <input id={`${ids}-asof`} type="date" data-testid="settle-asof" value={asOf} onChange={(e) => setAsOf(e.target.value)} />
            </div>
            <span className="muted">{ageing ? `on ${ageing.asOf}; positive: the carrier owes us` : 'Loading…'}</span>
          </div>
          <div className="grid-wrap" data-testid="settle-ageing">
            <AgGridReact<AgeingRow>
              theme={gridTheme}
              rowData={ageing?.rows ?? null}
              columnDefs={ageingColumns}
              defaultColDef={DEFAULT_COL_DEF}
              getRowId={carrierId}
              overlayNoRowsTemplate="No open balances."
            />
          </div>
          {ageing && ageing.totals.length > 0 && (
            <table className="table compact" data-testid="settle-ageing-totals">
              <thead><tr><th>Currency</th><th className="num">They owe us</th><th className="num">We owe</th><th className="num">0–30</th><th className="num">31–60</th><th className="num">61–90</th><th className="num">90+</th></tr></thead>
              <tbody>
                {ageing.totals.map((t) => (
                  <tr key={t.currency}><td>{t.currency}</td><td className="num mono">{t.receivable}</td><td className="num mono">{t.payable}</td>
                    <td className="num mono">{t.buckets['0-30']}</td><td className="num mono">{t.buckets['31-60']}</td><td className="num mono">{t.buckets['61-90']}</td><td className="num mono">{t.buckets['90+']}</td></tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}
