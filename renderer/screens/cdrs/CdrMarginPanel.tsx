import { useEffect, useId, useState } from 'react';
import type { Carrier, MarginReport } from '../../../core/api/contract.ts';
import { formatCount, formatInstant } from '../../format.ts';
import { useApp } from '../../state/app-context.tsx';
import { periodOf, type CdrFilters } from './cdr-model.ts';

interface Props {
  carriers: Carrier[];
  filters: CdrFilters;
  refresh: number;
}

const negative = (v: string | null): boolean => v !== null && v.startsWith('-');

/** Revenue, cost and margin per destination of our own calls, for one customer and/or vendor or all. */
export function CdrMarginPanel({ carriers, filters, refresh }: Props) {
  const { call, notifyError } = useApp();
  const ids = useId();
  const [customer, setCustomer] = useState('');
  const [vendor, setVendor] = useState('');
  const [report, setReport] = useState<MarginReport | null>(null);
  const [loading, setLoading] = useState(false);
  const customers = carriers.filter((c) => c.roles !== 'vendor');
  const vendors = carriers.filter((c) => c.roles !== 'customer');

  useEffect(() => {
    let live = true;
    setLoading(true);
    call('cdrs.margin', { ...(customer ? { customer } : {}), ...(vendor ? { vendor } : {}), ...periodOf(filters) }).then(
      (r) => { if (live) setReport(r); },
      notifyError,
    ).finally(() => { if (live) setLoading(false); });
    return () => { live = false; };
  }, [call, notifyError, customer, vendor, filters.from, filters.to, refresh]);

  return (
    <div className="panel cdr-margin" data-testid="cdr-margin">
      <div className="filters">
        <div className="field">
          <label htmlFor={`${ids}-customer`}>Customer</label>
          <select id={`${ids}-customer`} data-testid="margin-customer" value={customer} onChange={(e) => setCustomer(e.target.value)}>
            <option value="">All customers</option>
            {customers.map((c) => <option key={c.id} value={c.name}>{c.name}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${ids}-vendor`}>Vendor</label>
          <select id={`${ids}-vendor`} data-testid="margin-vendor" value={vendor} onChange={(e) => setVendor(e.target.value)}>
            <option value="">All vendors</option>
            {vendors.map((c) => <option key={c.id} value={c.name}>{c.name}</option>)}
          </select>
        </div>
        <p className="hint">Our own switch&apos;s calls with both legs rated: the customer&apos;s sell deck against the vendor&apos;s buy deck. The period is the one above.</p>
      </div>
      {!report && loading && <div className="busy" role="status">Summing…</div>}
      {report && (
        <>
          <div className="facts">
            <span><span className="muted">Period</span> {report.from ? formatInstant(report.from) : 'start'} – {report.to ? formatInstant(report.to) : 'now'} UTC</span>
            {report.totals.map((t) => (
              <span key={`${t.revenueCurrency}/${t.costCurrency}`} data-testid="margin-total">
                <span className="muted">{t.revenueCurrency === t.costCurrency ? t.revenueCurrency : `${t.revenueCurrency}/${t.costCurrency}`}</span>{' '}
                {formatCount(t.calls)} calls · revenue <span className="mono">{t.revenue}</span> · cost <span className="mono">{t.cost}</span> · margin{' '}
                <span className={`mono${negative(t.margin) ? ' violation-flag' : ''}`} data-testid="margin-total-margin">{t.margin ?? '—'}</span>
                {t.marginPercent !== null && <> ({t.marginPercent} %)</>}
              </span>
            ))}
          </div>
          <div className="summary-tables">
            <div className="table-scroll">
              <table className="table compact" data-testid="margin-lines">
                <thead>
                  <tr>
                    <th>Destination</th><th className="num">Calls</th><th className="num">Sold min.</th><th className="num">Bought min.</th>
                    <th className="num">Revenue</th><th className="num">Cost</th><th className="num">Margin</th><th className="num">Margin %</th><th>Cur.</th>
                  </tr>
                </thead>
                <tbody>
                  {report.lines.map((l) => (
                    <tr key={`${l.destination}:${l.revenueCurrency}:${l.costCurrency}`} className={negative(l.margin) ? 'violation' : undefined}>
                      <td>{l.destination}</td>
                      <td className="num">{formatCount(l.calls)}</td>
                      <td className="num mono">{l.soldMinutes}</td>
                      <td className="num mono">{l.boughtMinutes}</td>
                      <td className="num mono">{l.revenue}</td>
                      <td className="num mono">{l.cost}</td>
                      <td className={`num mono${negative(l.margin) ? ' violation-flag' : ''}`}>{l.margin ?? '—'}</td>
                      <td className="num mono">{l.marginPercent ?? '—'}</td>
                      <td>{l.revenueCurrency === l.costCurrency ? l.revenueCurrency : `${l.revenueCurrency}/${l.costCurrency}`}</td>
                    </tr>
                  ))}
                  {report.lines.length === 0 && <tr><td colSpan={9} className="muted">No calls with both legs rated in this period.</td></tr>}
                </tbody>
              </table>
            </div>
            <div className="table-scroll">
              <table className="table compact" data-testid="margin-excluded">
                <thead><tr><th>Left out: why</th><th className="num">Calls</th></tr></thead>
                <tbody>
                  {report.excluded.map((x) => <tr key={x.reason}><td>{x.reason}</td><td className="num">{formatCount(x.calls)}</td></tr>)}
                  {report.excluded.length === 0 && <tr><td colSpan={2} className="muted">Every call has both legs rated.</td></tr>}
                </tbody>
              </table>
            </div>
          </div>
        </>
      )}
    </div>
  );
}
