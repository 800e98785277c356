import { useEffect, useId, useRef, useState, type ChangeEvent } from 'react';
import type { PickedFile } from '../../../core/api/bridge.ts';
import type { Args, Carrier, CdrImportReport, CdrSource } from '../../../core/api/contract.ts';
import type { ErrorBody, Problem } from '../../../core/api/errors.ts';
import { plainText } from '../../errors.ts';
import { formatCount, formatInstant } from '../../format.ts';
import { errorBody, useApp } from '../../state/app-context.tsx';
import { ProblemsGrid } from '../ProblemsGrid.tsx';
import { UNRATED_REASONS, safeName } from './cdr-model.ts';

const EXTENSIONS = ['csv', 'txt', 'cdr'];
type Format = NonNullable<Args<'cdrs.import'>['format']>;
const FORMATS: { value: Format; label: string }[] = [
  { value: 'auto', label: 'auto-detect' },
  { value: 'generic', label: 'generic CSV with a header' },
  { value: 'asterisk', label: 'Asterisk Master.csv' },
  { value: 'freeswitch', label: 'FreeSWITCH cdr_csv' },
  { value: 'cgrates', label: 'CGRateS CSV' },
];

interface Props {
  carriers: Carrier[];
  initialCarrier: string;
  onClose: () => void;
  onImported: (r: CdrImportReport) => void;
}

/** The carrier choice that imports our switch's file for every carrier its ingress and egress trunks name. */
const ALL_BY_TRUNK = '\u0000by-trunk';

/** A CDR file into the store for one carrier, rated on the carrier's decks as it lands. */
export function CdrImportForm({ carriers, initialCarrier, onClose, onImported }: Props) {
  const { bridge, call, runJob, notify, notifyError } = useApp();
  const ids = useId();
  const fileInput = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<PickedFile | null>(null);
  const [carrier, setCarrier] = useState(initialCarrier || carriers[0]?.name || '');
  const [source, setSource] = useState<CdrSource>('carrier');
  const [format, setFormat] = useState<Format>('auto');
  const [timezone, setTimezone] = useState('');
  const [skipBad, setSkipBad] = useState(false);
  const [busy, setBusy] = useState<string | null>(null);
  const [report, setReport] = useState<CdrImportReport | null>(null);
  const [failure, setFailure] = useState<ErrorBody | null>(null);

  useEffect(() => {
    if (!carrier && carriers[0]) setCarrier(carriers[0].name);
  }, [carriers, carrier]);

  const chooseFile = (f: PickedFile) => {
    setFile(f);
    setReport(null);
    setFailure(null);
  };

  const upload = async (f: File) => {
    setBusy(`Uploading ${f.name}…`);
    try {
      chooseFile(await bridge.droppedFile(f));
    } catch (e) {
      notifyError(e);
    } finally {
      setBusy(null);
    }
  };

  const pick = async () => {
    if (bridge.host === 'web') {
      fileInput.current?.click();
      return;
    }
    try {
      const f = await bridge.openFile({ title: 'Choose a CDR file', extensions: EXTENSIONS });
      if (f) chooseFile(f);
    } catch (e) {
      notifyError(e);
    }
  };

  const onInput = (e: ChangeEvent<HTMLInputElement>) => {
    const f = e.target.files?.[0];
    e.target.value = '';
    if (f) void upload(f);
  };

  const run = async () => {
    if (!file || !carrier) return;
    setFailure(null);
    setReport(null);
    setBusy('Importing…');
    try {
      const byTrunk = carrier === ALL_BY_TRUNK && source === 'own';
      const args: Args<'cdrs.import'> = { file: file.path, fileName: file.name, ...(byTrunk ? {} : { carrier }), source, format, skipBadRows: skipBad };
      if (timezone.trim()) args.timezone = timezone.trim();
      // In a browser the rejects file goes where exports go, so it can be downloaded; on the desktop, beside the file.
      if (skipBad && bridge.host === 'web') {
        const target = await bridge.saveTarget(`${safeName(file.name.replace(/\.[^.]*$/, ''))}.rejects.csv`);
        if (target) args.rejectsFile = target;
      }
      const r = await runJob(`Importing ${file.name}`, (jobId) => call('cdrs.import', { ...args, jobId }));
      setReport(r);
      notify('info', `Imported ${formatCount(r.imported)} calls from ${file.name} for ${r.carrier ?? 'every carrier its trunks name'}`);
      onImported(r);
    } catch (e) {
      const body = errorBody(e);
      setFailure(body);
      if (body.code === 'INTERNAL_ERROR' || body.code.startsWith('DB_')) notifyError(e);
    } finally {
      setBusy(null);
    }
  };

  const problems = (failure?.details?.problems ?? null) as Problem[] | null;
  const problemCount = (failure?.details?.problemCount as number | undefined) ?? problems?.length ?? 0;
  const canRun = Boolean(file && carrier && (carrier !== ALL_BY_TRUNK || source === 'own')) && !busy;

  return (
    <section className="panel cdr-import" data-testid="cdr-import-form" aria-labelledby={`${ids}-title`}>
      <div className="panel-head">
        <h2 id={`${ids}-title`}>Import CDRs</h2>
        <button type="button" className="btn ghost small" onClick={onClose} aria-label="Close the import form">✕</button>
      </div>
      <input ref={fileInput} type="file" hidden accept={EXTENSIONS.map((e) => `.${e}`).join(',')} data-testid="cdr-file-input" onChange={onInput} />
      <div className="cdr-import-grid">
        <div className="field">
          <label htmlFor={`${ids}-file`}>File</label>
          <div className="file-pick">
            <button id={`${ids}-file`} type="button" className="btn" data-testid="cdr-file-pick" onClick={() => void pick()}>
              {file ? 'Choose another…' : 'Choose a file…'}
            </button>
            <span className="mono ellipsis" data-testid="cdr-file-name" title={file?.name}>{file?.name ?? <span className="muted">no file yet</span>}</span>
          </div>
        </div>
        <div className="field">
          <label htmlFor={`${ids}-carrier`}>Carrier</label>
          <select id={`${ids}-carrier`} data-testid="cdr-carrier" value={carrier} onChange={(e) => setCarrier(e.target.value)}>
            {carriers.map((c) => <option key={c.id} value={c.name}>{c.name}</option>)}
            <option value={ALL_BY_TRUNK}>All carriers, by trunk (our switch's file)</option>
          </select>
          {carrier === ALL_BY_TRUNK && source !== 'own' && <div className="form-error">Only our own switch's file (source own) names each call's carriers by trunk.</div>}
        </div>
        <div className="field">
          <label htmlFor={`${ids}-source`}>Source</label>
          <select id={`${ids}-source`} data-testid="cdr-source" value={source} onChange={(e) => setSource(e.target.value as CdrSource)}>
            <option value="carrier">carrier (their CDRs)</option>
            <option value="own">own (our switch)</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${ids}-format`}>Format</label>
          <select id={`${ids}-format`} data-testid="cdr-format" value={format} onChange={(e) => setFormat(e.target.value as Format)}>
            {FORMATS.map((f) => <option key={f.value} value={f.value}>{f.label}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${ids}-tz`}>Time zone (optional)</label>
          <input id={`${ids}-tz`} type="text" data-testid="cdr-timezone" value={timezone} onChange={(e) => setTimezone(e.target.value)} placeholder="the carrier's, e.g. Europe/London" />
        </div>
      </div>
      {carriers.length === 0 && <div className="form-error">Add a carrier first (Carriers screen): CDRs always belong to one.</div>}
      <div className="form-actions cdr-import-actions">
        <label className="check">
          <input type="checkbox" data-testid="cdr-skip-bad" checked={skipBad} onChange={(e) => setSkipBad(e.target.checked)} />
          Import the good rows, keep a rejects file
        </label>
        <div className="spacer" />
        <button type="button" className="btn primary" data-testid="cdr-import-run" disabled={!canRun} onClick={() => void run()}>
          Import
        </button>
      </div>
      {busy && <div className="busy" role="status">{busy}</div>}
      {failure && (
        <div className="failure" data-testid="cdr-import-failure">
          <div className="form-error" role="alert">
            <strong>{plainText(failure)}</strong>
            <div className="mono small-text">{failure.message}</div>
          </div>
          {problems && problems.length > 0 && (
            <>
              <p className="small-text muted">
                {formatCount(problemCount)} problem{problemCount === 1 ? '' : 's'}{problemCount > problems.length ? `, the first ${formatCount(problems.length)} shown` : ''}
              </p>
              <ProblemsGrid problems={problems} />
            </>
          )}
          {(failure.code === 'CDR_PARSE_ERROR' || failure.code === 'CDR_FORMAT_UNKNOWN' || failure.code === 'JOB_CANCELLED') && (
            <p className="nothing-written" data-testid="cdr-nothing-written">Nothing was written: the call store is exactly as it was.</p>
          )}
        </div>
      )}
      {report && <ImportResult report={report} />}
    </section>
  );
}

function ImportResult({ report: r }: { report: CdrImportReport }) {
  const { bridge, notifyError } = useApp();
  return (
    <div className="cdr-result" data-testid="cdr-import-result" role="status">
      <div className="counts cdr-counts">
        {([['rows', 'Rows read', r.rowsRead], ['imported', 'Imported', r.imported], ['duplicates', 'Duplicates', r.duplicates], ['rejected', 'Rejected', r.rejected]] as const).map(([k, label, n]) => (
          <div key={k} className="count" data-testid={`cdr-result-${k}`}>
            <div className="muted small-text">{label}</div>
            <div className="count-value">{formatCount(n)}</div>
          </div>
        ))}
      </div>
      <div className="facts">
        <span><span className="muted">Format</span> {r.format}</span>
        <span><span className="muted">Zone</span> {r.timezone}</span>
        <span><span className="muted">Calls from</span> {formatInstant(r.firstStart) || '—'} <span className="muted">to</span> {formatInstant(r.lastStart) || '—'} UTC</span>
        {r.rejectsFile && (
          <span>
            <span className="muted">Rejects</span> <span className="mono">{r.rejectsFile.split(/[\\/]/).pop()}</span>{' '}
            <button type="button" className="btn small" data-testid="cdr-rejects-download" onClick={() => bridge.deliver(r.rejectsFile!).catch(notifyError)}>
              {bridge.host === 'web' ? 'Download' : 'Saved'}
            </button>
          </span>
        )}
      </div>
      <table className="table compact cdr-rating" data-testid="cdr-result-rating">
        <thead>
          <tr>
            <th>Side</th><th className="num">Rated</th><th className="num">Free</th>
            {UNRATED_REASONS.map((u) => <th key={u} className="num">Unrated: {u}</th>)}
            <th className="num">Amount</th><th>Cur.</th>
          </tr>
        </thead>
        <tbody>
          {r.rating.map((s) => (
            <tr key={`${s.carrier ?? ''}:${s.side}`} data-testid={`cdr-result-side-${s.side}`}>
              <td>{s.carrier ? `${s.carrier} · ` : ''}{s.side}</td>
              <td className="num">{formatCount(s.rated)}</td>
              <td className="num">{formatCount(s.free)}</td>
              {UNRATED_REASONS.map((u) => <td key={u} className="num">{formatCount(s.unrated[u] ?? 0)}</td>)}
              <td className="num mono">{s.amount}</td>
              <td>{s.currency}</td>
            </tr>
          ))}
          {r.rating.length === 0 && <tr><td colSpan={4 + UNRATED_REASONS.length} className="muted">Not rated: the carrier has no deck yet.</td></tr>}
        </tbody>
      </table>
      {r.warnings.length > 0 && <ul className="warnings">{r.warnings.map((w) => <li key={w}>{w}</li>)}</ul>}
    </div>
  );
}
