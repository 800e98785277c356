import { useId, useMemo, useState, type FormEvent, type ReactNode } from 'react';
import { DEFAULT_CARRIER_SETTINGS, type Carrier, type CarrierSettings } from '../../core/api/contract.ts';
import { CallError, plainText } from '../errors.ts';
import { useApp } from '../state/app-context.tsx';

const DEFAULTS: CarrierSettings = DEFAULT_CARRIER_SETTINGS;

interface Draft {
  name: string;
  roles: string;
  currency: string;
  timezone: string;
  increaseDays: string;
  newDays: string;
  decreaseDays: string;
  closedDays: string;
  level: string;
  decimals: string;
  mode: string;
  techPrefixes: string;
  trunks: string;
  lcrPreference: string;
  thresholdAbsolute: string;
  thresholdPercent: string;
  paymentTermsDays: string;
  note: string;
}

function draftOf(c: Carrier | null): Draft {
  const s: CarrierSettings = c ?? DEFAULTS;
  return {
    name: c?.name ?? '',
    roles: s.roles,
    currency: s.currency,
    timezone: s.timezone,
    increaseDays: String(s.notice.increaseDays),
    newDays: String(s.notice.newDays),
    decreaseDays: String(s.notice.decreaseDays),
    closedDays: String(s.notice.closedDays),
    level: s.rounding.level,
    decimals: String(s.rounding.decimals),
    mode: s.rounding.mode,
    techPrefixes: s.techPrefixes.join(', '),
    trunks: s.trunks.join(', '),
    lcrPreference: String(s.lcrPreference),
    thresholdAbsolute: s.disputeThreshold.absolute,
    thresholdPercent: s.disputeThreshold.percent,
    paymentTermsDays: String(s.paymentTermsDays),
    note: '',
  };
}

/** Blank stays blank (the engine says it is required); anything else goes as a number or as typed. */
const int = (s: string): number => (s.trim() === '' ? Number.NaN : Number(s.trim()));

/** The engine names fields by path (settings.notice.increaseDays); the form by its own keys. */
function fieldOf(path: string): keyof Draft | 'form' {
  const p = path.replace(/^settings\./, '');
  if (p === 'name' || p === 'rename') return 'name';
  if (p.startsWith('notice.')) return (p.slice(7) as keyof Draft);
  if (p === 'rounding.level') return 'level';
  if (p === 'rounding.decimals') return 'decimals';
  if (p === 'rounding.mode') return 'mode';
  if (p.startsWith('techPrefixes')) return 'techPrefixes';
  if (p.startsWith('trunks')) return 'trunks';
  if (p === 'lcrPreference' || p === 'paymentTermsDays') return p;
  if (p === 'disputeThreshold.absolute') return 'thresholdAbsolute';
  if (p === 'disputeThreshold.percent') return 'thresholdPercent';
  if (p === 'roles' || p === 'currency' || p === 'timezone' || p === 'note') return p;
  return 'form';
}

const supported = (kind: 'currency' | 'timeZone'): string[] => {
  try {
    return Intl.supportedValuesOf(kind);
  } catch {
    return [];
  }
};

export function CarrierForm({ carrier, onSaved, onClose }: { carrier: Carrier | null; onSaved: (c: Carrier) => void; onClose: () => void }) {
  const { call, notify, notifyError } = useApp();
  const [d, setD] = useState<Draft>(() => draftOf(carrier));
  const [errors, setErrors] = useState<Partial<Record<keyof Draft | 'form', string>>>({});
  const [saving, setSaving] = useState(false);
  const ids = useId();
  const currencies = useMemo(() => supported('currency'), []);
  const zones = useMemo(() => supported('timeZone'), []);

  const set = (k: keyof Draft) => (e: { target: { value: string } }) => setD((x) => ({ ...x, [k]: e.target.value }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSaving(true);
    setErrors({});
    const settings = {
      roles: d.roles as CarrierSettings['roles'],
      currency: d.currency,
      timezone: d.timezone,
      notice: { increaseDays: int(d.increaseDays), newDays: int(d.newDays), decreaseDays: int(d.decreaseDays), closedDays: int(d.closedDays) },
      rounding: { level: d.level as CarrierSettings['rounding']['level'], decimals: int(d.decimals), mode: d.mode as CarrierSettings['rounding']['mode'] },
      techPrefixes: d.techPrefixes.split(/[\s,;]+/).filter(Boolean),
      trunks: d.trunks.split(/[,;]+/).map((t) => t.trim()).filter(Boolean),
      lcrPreference: int(d.lcrPreference),
      disputeThreshold: { absolute: d.thresholdAbsolute.trim(), percent: d.thresholdPercent.trim() },
      paymentTermsDays: int(d.paymentTermsDays),
    };
    try {
      const saved = carrier
        ? await call('carriers.update', {
          name: carrier.name,
          ...(d.name.trim() !== carrier.name ? { rename: d.name } : {}),
          settings,
          ...(d.note.trim() ? { note: d.note.trim() } : {}),
        })
        : await call('carriers.create', { name: d.name, settings });
      notify('info', carrier ? `Saved ${saved.name} (settings version ${saved.settingsVersion})` : `Added ${saved.name}`);
      onSaved(saved);
    } catch (err) {
      if (err instanceof CallError && err.body.code === 'INVALID_ARGUMENTS') {
        const issues = (err.body.details?.issues ?? []) as { path: string; message: string }[];
        const next: Partial<Record<keyof Draft | 'form', string>> = {};
        for (const i of issues) {
          const f = fieldOf(i.path);
          next[f] = next[f] ? `${next[f]}; ${i.message}` : i.message;
        }
        if (Object.keys(next).length === 0) next.form = err.body.message;
        setErrors(next);
      } else if (err instanceof CallError && err.body.code === 'CARRIER_EXISTS') {
        setErrors({ name: plainText(err.body) });
      } else {
        notifyError(err);
      }
    } finally {
      setSaving(false);
    }
  };

  const field = (k: keyof Draft, label: string, control: ReactNode, hint?: string) => (
    <div className={`field${errors[k] ? ' invalid' : ''}`}>
      <label htmlFor={`${ids}-${k}`}>{label}</label>
      {control}
      {errors[k] ? <div className="field-error" id={`${ids}-${k}-err`} role="alert">{errors[k]}</div> : hint && <div className="hint">{hint}</div>}
    </div>
  );
  const aria = (k: keyof Draft) => ({ id: `${ids}-${k}`, 'aria-invalid': errors[k] ? true : undefined, 'aria-describedby': errors[k] ? `${ids}-${k}-err` : undefined });

  const num = (k: keyof Draft, testid: string, label: string, max: number) =>
    field(k, label, <input type="number" min={0} max={max} step={1} className="num" data-testid={testid} value={d[k]} onChange={set(k)} {...aria(k)} />);

  return (
    <form className="panel form" data-testid="carrier-form" onSubmit={submit} noValidate aria-label={carrier ? `Edit ${carrier.name}` : 'Add a carrier'}>
      <div className="panel-head">
        <h2>{carrier ? `Edit ${carrier.name}` : 'Add a carrier'}</h2>
        <button type="button" className="btn ghost small" onClick={onClose} aria-label="Close the form">✕</button>
      </div>
      {errors.form && <div className="form-error" role="alert">{errors.form}</div>}
      {field('name', 'Name', <input type="text" data-testid="carrier-name" value={d.name} onChange={set('name')} autoFocus {...aria('name')} />)}
      <div className="row2">
        {field('roles', 'Roles', (
          <select data-testid="carrier-roles" value={d.roles} onChange={set('roles')} {...aria('roles')}>
            <option value="vendor">vendor (we buy)</option>
            <option value="customer">customer (we sell)</option>
            <option value="both">both</option>
          </select>
        ))}
        {field('currency', 'Currency', (
          <>
            <input type="text" data-testid="carrier-currency" list={`${ids}-currencies`} value={d.currency} onChange={set('currency')} maxLength={3} {...aria('currency')} />
            <datalist id={`${ids}-currencies`}>{currencies.map((c) => <option key={c} value={c} />)}</datalist>
          </>
        ))}
      </div>
      {field('timezone', 'Time zone', (
        <>
          <input type="text" data-testid="carrier-timezone" list={`${ids}-zones`} value={d.timezone} onChange={set('timezone')} {...aria('timezone')} />
          <datalist id={`${ids}-zones`}>{zones.map((z) => <option key={z} value={z} />)}</datalist>
        </>
      ), 'Used to read the carrier\'s files and cut its periods')}
      <fieldset>
        <legend>Notice (days)</legend>
        <div className="row4">
          {num('increaseDays', 'notice-increase', 'Increase', 365)}
          {num('newDays', 'notice-new', 'New', 365)}
          {num('decreaseDays', 'notice-decrease', 'Decrease', 365)}
          {num('closedDays', 'notice-closed', 'Closed', 365)}
        </div>
      </fieldset>
      <fieldset>
        <legend>Rounding</legend>
        <div className="row3">
          {field('level', 'Level', (
            <select data-testid="rounding-level" value={d.level} onChange={set('level')} {...aria('level')}>
              <option value="per-call">per call</option>
              <option value="per-increment">per increment</option>
              <option value="per-line">per line</option>
            </select>
          ))}
          {num('decimals', 'rounding-decimals', 'Decimals', 8)}
          {field('mode', 'Mode', (
            <select data-testid="rounding-mode" value={d.mode} onChange={set('mode')} {...aria('mode')}>
              <option value="half-up">half up</option>
              <option value="half-even">half even</option>
              <option value="up">up</option>
              <option value="down">down</option>
            </select>
          ))}
        </div>
      </fieldset>
      {field('techPrefixes', 'Technical prefixes', (
        <input type="text" className="mono" data-testid="tech-prefixes" value={d.techPrefixes} onChange={set('techPrefixes')} placeholder="e.g. 1234#, 99" {...aria('techPrefixes')} />
      ), 'Stripped from numbers before rating; separate with commas')}
      {field('trunks', 'Trunks', (
        <input type="text" className="mono" data-testid="carrier-trunks" value={d.trunks} onChange={set('trunks')} placeholder="e.g. acme-in, acme-backup" {...aria('trunks')} />
      ), 'Names our switch writes for this carrier (accountcode, gateway, account): its calls in a switch-wide CDR file')}
      <fieldset>
        <legend>Routing, disputes and payment</legend>
        <div className="row4">
          {num('lcrPreference', 'carrier-lcr-preference', 'LCR preference', 1000)}
          {field('thresholdAbsolute', 'Dispute from (amount)', (
            <input type="text" inputMode="decimal" className="mono" data-testid="carrier-threshold-absolute" value={d.thresholdAbsolute} onChange={set('thresholdAbsolute')} {...aria('thresholdAbsolute')} />
          ))}
          {field('thresholdPercent', 'Dispute from (%)', (
            <input type="text" inputMode="decimal" className="mono" data-testid="carrier-threshold-percent" value={d.thresholdPercent} onChange={set('thresholdPercent')} {...aria('thresholdPercent')} />
          ))}
          {num('paymentTermsDays', 'carrier-payment-terms', 'Payment terms (days)', 365)}
        </div>
        <p className="hint">Equal rates rank the lower LCR preference first. A variance is proposed as a dispute when it reaches both thresholds.</p>
      </fieldset>
      {carrier && field('note', 'Note for the settings history', <input type="text" value={d.note} onChange={set('note')} maxLength={500} {...aria('note')} />)}
      <div className="form-actions">
        <button type="submit" className="btn primary" data-testid="carrier-save" disabled={saving}>{saving ? 'Saving…' : carrier ? 'Save changes' : 'Add carrier'}</button>
        <button type="button" className="btn" onClick={onClose}>Cancel</button>
      </div>
    </form>
  );
}
