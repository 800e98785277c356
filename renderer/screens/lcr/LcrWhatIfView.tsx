import { useId, useState } from 'react';
import type { Carrier, LcrWhatIf, LcrWhatIfLine } from '../../../core/api/contract.ts';
import { formatCount } from '../../format.ts';
import { useApp } from '../../state/app-context.tsx';

const CHART_LINES = 15;

/** A decimal string as a proportion of another, for drawing only (bar lengths are not money). */
function share(part: string, whole: string): number {
  const w = Number(whole);
  return w > 0 ? Math.max(0, Math.min(1, Number(part) / w)) : 0;
}

/** Bars per destination: the cost as routed against the cheapest route, the destinations with the largest cost first. */
function WhatIfChart({ lines, currency }: { lines: LcrWhatIfLine[]; currency: string }) {
  const top = [...lines].sort((a, b) => Number(b.actual) - Number(a.actual) || (a.destination < b.destination ? -1 : 1)).slice(0, CHART_LINES);
  const max = top.reduce((m, l) => (Number(l.actual) > Number(m) ? l.actual : Number(l.cheapest) > Number(m) ? l.cheapest : m), '0');
  const rowH = 26;
  const labelW = 200;
  const barW = 420;
  return (
    <figure className="whatif-chart" data-testid="whatif-chart">
      <figcaption className="muted small-text">
        Cost by destination ({currency}), the {top.length} largest: <span className="legend actual">as routed</span> <span className="legend cheapest">cheapest route</span>
      </figcaption>
      <svg role="img" aria-label="Cost as routed and on the cheapest route, by destination" width={labelW + barW + 110} height={top.length * rowH + 4}>
        {top.map((l, i) => {
          const y = i * rowH + 2;
          return (
            <g key={l.destination} data-testid="whatif-bar">
              <text x={labelW - 6} y={y + 15} textAnchor="end" className="chart-label">{l.destination.length > 28 ? `${l.destination.slice(0, 27)}…` : l.destination}</text>
              <rect x={labelW} y={y} width={Math.max(1, share(l.actual, max) * barW)} height={10} className="bar-actual"><title>{`${l.destination}: ${l.actual} as routed`}</title></rect>
              <rect x={labelW} y={y + 11} width={Math.max(1, share(l.cheapest, max) * barW)} height={10} className="bar-cheapest"><title>{`${l.destination}: ${l.cheapest} on the cheapest route`}</title></rect>
              <text x={labelW + barW + 6} y={y + 15} className="chart-value">−{l.saving}</text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}

/** Our own calls of a period: cost as routed against the cheapest route in force at each call's start. */
export function LcrWhatIfView({ carriers }: { carriers: Carrier[] }) {
  const { call, notifyError, runJob } = useApp();
  const ids = useId();
  const [who, setWho] = useState<{ kind: 'customer' | 'carrier'; name: string }>({ kind: 'customer', name: '' });
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [result, setResult] = useState<LcrWhatIf | null>(null);
  const [busy, setBusy] = useState(false);
  const choices = carriers.filter((c) => (who.kind === 'customer' ? c.roles !== 'vendor' : c.roles !== 'customer'));

  const run = async () => {
    setBusy(true);
    try {
      const r = await runJob(`What-if for ${who.name}`, (jobId) =>
        call('lcr.whatif', { [who.kind]: who.name, from, to, jobId }));
      setResult(r);
    } catch (e) {
      notifyError(e);
    } finally {
      setBusy(false);
    }
  };

  const t = result?.totals;
  return (
    <div className="lcr-view">
      <form className="toolbar" onSubmit={(e) => { e.preventDefault(); void run(); }}>
        <div className="field">
          <label htmlFor={`${ids}-kind`}>Calls of</label>
          <select id={`${ids}-kind`} data-testid="whatif-kind" value={who.kind} onChange={(e) => setWho({ kind: e.target.value as 'customer' | 'carrier', name: '' })}>
            <option value="customer">a customer (the calls it sent)</option>
            <option value="carrier">a vendor (the calls routed to it)</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${ids}-who`}>{who.kind === 'customer' ? 'Customer' : 'Vendor'}</label>
          <select id={`${ids}-who`} data-testid="whatif-carrier" value={who.name} onChange={(e) => setWho({ ...who, name: e.target.value })} required>
            <option value="" disabled>Choose…</option>
            {choices.map((c) => <option key={c.id} value={c.name}>{c.name}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${ids}-from`}>From</label>
          <input id={`${ids}-from`} type="date" data-testid="whatif-from" value={from} onChange={(e) => setFrom(e.target.value)} required />
        </div>
        <div className="field">
          <label htmlFor={`${ids}-to`}>To (exclusive)</label>
          <input id={`${ids}-to`} type="date" data-testid="whatif-to" value={to} onChange={(e) => setTo(e.target.value)} required />
        </div>
        <button type="submit" className="btn primary" data-testid="whatif-run" disabled={busy || !who.name || !from || !to}>Compare</button>
      </form>
      {result && t && (
        <div className="panel whatif" data-testid="whatif-result">
          <div className="counts whatif-counts">
            {([
              ['calls', 'Calls compared', formatCount(t.calls)],
              ['minutes', 'Billed minutes', t.minutes],
              ['actual', `As routed (${result.currency})`, t.actual],
              ['cheapest', `Cheapest routes (${result.currency})`, t.cheapest],
              ['saving', 'Saving', `${t.saving}${t.savingPercent ? ` (${t.savingPercent} %)` : ''}`],
              ['already', 'Already on a cheapest route', formatCount(t.alreadyCheapest)],
            ] as const).map(([k, label, v]) => (
              <div key={k} className="count" data-testid={`whatif-total-${k}`}>
                <div className="muted small-text">{label}</div>
                <div className="count-value mono">{v}</div>
              </div>
            ))}
          </div>
          <p className="muted small-text">
            Not compared: {formatCount(result.notCompared.free)} free, {formatCount(result.notCompared.unratedAsRouted)} unrated as routed,{' '}
            {formatCount(result.notCompared.notRated)} not rated. Routes: {result.vendors.join(', ')} (and the vendor each call went to).
          </p>
          <WhatIfChart lines={result.lines} currency={result.currency} />
          <div className="table-scroll">
            <table className="table compact" data-testid="whatif-lines">
              <thead>
                <tr><th>Destination</th><th className="num">Calls</th><th className="num">Billed min.</th><th className="num">As routed</th><th className="num">Cheapest</th><th className="num">Saving</th><th className="num">%</th><th>Cheapest vendor</th></tr>
              </thead>
              <tbody>
                {result.lines.map((l) => (
                  <tr key={l.destination}>
                    <td>{l.destination}</td>
                    <td className="num">{formatCount(l.calls)}</td>
                    <td className="num mono">{l.minutes}</td>
                    <td className="num mono">{l.actual}</td>
                    <td className="num mono">{l.cheapest}</td>
                    <td className="num mono">{l.saving}</td>
                    <td className="num mono">{l.savingPercent ?? ''}</td>
                    <td>{l.cheapestVendor ? `${l.cheapestVendor} (${formatCount(l.cheapestVendorCalls)})` : ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
    </div>
  );
}
