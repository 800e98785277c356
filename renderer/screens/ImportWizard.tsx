import type { PickedFile } from '../../core/api/bridge.ts';
import { useEffect, useId, useRef, useState, type ChangeEvent } from 'react';
import type { Carrier, DeckImportReport, DeckInspectReport } from '../../core/api/contract.ts';
import { DECK_FIELDS, type DeckField } from '../../core/api/deck-fields.ts';
import type { ErrorBody, Problem } from '../../core/api/errors.ts';
import { plainText } from '../errors.ts';
import { formatBytes, formatInstant, todayInput } from '../format.ts';
import { errorBody, useApp } from '../state/app-context.tsx';
import { ImportPreview } from './ImportPreview.tsx';
import { ProblemsGrid } from './ProblemsGrid.tsx';
import { ALL_SHEETS, columnsOf, importArgs, inspectArgs, layoutFrom, type WizardLayout, type WizardSource } from './wizard-model.ts';

const STEPS = ['File', 'Layout', 'Columns', 'Preview', 'Import'] as const;
const EXTENSIONS = ['csv', 'txt', 'xlsx'];

interface Props {
  carriers: Carrier[];
  /** A file dropped on the page before or while the wizard is open. */
  dropped: File | null;
  onDroppedTaken: () => void;
  /** A file the shell already knows the path of (opened on the app icon or from its menu). */
  picked: PickedFile | null;
  onPickedTaken: () => void;
  onClose: (imported: DeckImportReport | null) => void;
}

export function ImportWizard({ carriers, dropped, onDroppedTaken, picked, onPickedTaken, onClose }: Props) {
  const { bridge, call, runJob, notify, notifyError } = useApp();
  const ids = useId();
  const fileInput = useRef<HTMLInputElement>(null);
  const [step, setStep] = useState(0);
  const [busy, setBusy] = useState<string | null>(null);
  const [src, setSrc] = useState<WizardSource>({
    file: null,
    carrier: carriers[0]?.name ?? '',
    side: 'buy',
    mode: 'full',
    received: todayInput(),
    effective: '',
  });
  const [baseline, setBaseline] = useState<DeckInspectReport | null>(null);
  const [report, setReport] = useState<DeckInspectReport | null>(null);
  const [layout, setLayout] = useState<WizardLayout | null>(null);
  const [preview, setPreview] = useState<DeckImportReport | null>(null);
  const [failure, setFailure] = useState<ErrorBody | null>(null);

  const upload = async (f: File) => {
    setBusy(`Uploading ${f.name}…`);
    try {
      const picked = await bridge.droppedFile(f);
      chooseFile(picked);
    } catch (e) {
      notifyError(e);
    } finally {
      setBusy(null);
    }
  };

  const chooseFile = (picked: { path: string; name: string }) => {
    setSrc((s) => ({ ...s, file: picked }));
    setBaseline(null);
    setReport(null);
    setLayout(null);
    setPreview(null);
    setFailure(null);
    setStep(0);
  };

  useEffect(() => {
    if (!picked) return;
    onPickedTaken();
    chooseFile(picked);
  }, [picked]);

  // The carriers may arrive after the wizard opens: take the first one then, unless one was chosen.
  useEffect(() => {
    if (carriers[0]) setSrc((s) => (s.carrier ? s : { ...s, carrier: carriers[0]!.name }));
  }, [carriers]);

  // A ref, not the effect's run count: StrictMode runs effects twice, a file is uploaded once.
  const taken = useRef<File | null>(null);
  useEffect(() => {
    if (!dropped || taken.current === dropped) return;
    taken.current = dropped;
    onDroppedTaken();
    void upload(dropped);
  }, [dropped]);

  const pick = async () => {
    if (bridge.host === 'web') {
      fileInput.current?.click();
      return;
    }
    try {
      const picked = await bridge.openFile({ title: 'Choose a rate deck', extensions: EXTENSIONS });
      if (picked) chooseFile(picked);
    } catch (e) {
      notifyError(e);
    }
  };

  const onInput = (e: ChangeEvent<HTMLInputElement>) => {
    const f = e.target.files?.[0];
    e.target.value = '';
    if (f) void upload(f);
  };

  /** Reads the sheet's layout; a new sheet or header row re-reads it (the mapping follows the header). */
  const inspect = async (sheet: string, headerRow: string) => {
    setBusy('Reading the file…');
    setFailure(null);
    try {
      const r = await call('decks.inspect', inspectArgs(src, sheet, headerRow));
      const fresh = layoutFrom(r, sheet);
      if (headerRow === '' || !baseline || baseline.sheet !== r.sheet) setBaseline(r);
      setReport(r);
      setLayout((old) => ({ ...fresh, dateOrder: old?.dateOrder ?? '' }));
      return true;
    } catch (e) {
      setFailure(errorBody(e));
      return false;
    } finally {
      setBusy(null);
    }
  };

  const runImport = async (dryRun: boolean) => {
    if (!layout || !report || !baseline || !src.file) return;
    setFailure(null);
    if (dryRun) setPreview(null);
    setBusy(dryRun ? 'Checking the deck (nothing is written)…' : 'Importing…');
    try {
      const label = `${dryRun ? 'Checking' : 'Importing'} ${src.file.name}`;
      const r = await runJob(label, (jobId) => call('decks.import', importArgs(src, layout, { baseline, current: report }, dryRun, jobId)));
      if (dryRun) {
        setPreview(r);
      } else {
        notify('info', `Imported ${src.file.name}: ${r.prefixes.toLocaleString('en-US')} prefixes for ${r.carrier} (${r.side})`);
        onClose(r);
      }
    } catch (e) {
      const body = errorBody(e);
      setFailure(body);
      if (body.code === 'INTERNAL_ERROR' || body.code.startsWith('DB_')) notifyError(e);
    } finally {
      setBusy(null);
    }
  };

  const canNext = (() => {
    if (busy) return false;
    if (step === 0) return Boolean(src.file && src.carrier && src.received);
    if (step === 1) return Boolean(report && layout);
    if (step === 2) return Boolean(layout);
    return false;
  })();

  const next = async () => {
    if (step === 0) {
      if (await inspect(ALL_SHEETS, '')) setStep(1);
    } else if (step === 1) {
      setStep(2);
    } else if (step === 2) {
      setStep(3);
      void runImport(true);
    }
  };

  const back = () => {
    setFailure(null);
    // Preview and import share a page: back from either is back to the columns.
    setStep((s) => (s >= 3 ? 2 : Math.max(0, s - 1)));
  };

  const setRow = (k: 'headerRow' | 'firstRow' | 'lastRow') => (e: ChangeEvent<HTMLInputElement>) =>
    setLayout((l) => (l ? { ...l, [k]: e.target.value } : l));

  const problems = (failure?.details?.problems ?? null) as Problem[] | null;
  const problemCount = (failure?.details?.problemCount as number | undefined) ?? problems?.length ?? 0;

  return (
    <section className="wizard panel" data-testid="wizard" aria-labelledby={`${ids}-title`}>
      <div className="panel-head">
        <h2 id={`${ids}-title`}>Import a rate deck</h2>
        <ol className="steps" aria-label="Steps">
          {STEPS.map((s, i) => (
            <li key={s} className={i === step ? 'current' : i < step ? 'done' : ''} aria-current={i === step ? 'step' : undefined}>
              <span className="step-no">{i + 1}</span> {s}
            </li>
          ))}
        </ol>
        <button type="button" className="btn ghost small" onClick={() => onClose(null)} aria-label="Close the wizard">✕</button>
      </div>

      <input
        ref={fileInput}
        type="file"
        hidden
        accept={EXTENSIONS.map((e) => `.${e}`).join(',')}
        data-testid="wizard-file-input"
        onChange={onInput}
      />

      <div className="wizard-body">
        {step === 0 && (
          <div className="wizard-step">
            <div className="dropzone" onClick={pick} role="presentation">
              {src.file ? (
                <div><strong className="mono">{src.file.name}</strong> <span className="muted">is ready to read.</span></div>
              ) : (
                <div className="muted">Drop a CSV or XLSX deck anywhere on this page, or</div>
              )}
              <button type="button" className="btn" onClick={(e) => { e.stopPropagation(); void pick(); }}>
                {src.file ? 'Choose another file…' : 'Choose a file…'}
              </button>
            </div>
            {carriers.length === 0 && <div className="form-error">Add a carrier first (Carriers screen): a deck always belongs to one.</div>}
            <div className="row3">
              <div className="field">
                <label htmlFor={`${ids}-carrier`}>Carrier</label>
                <select id={`${ids}-carrier`} data-testid="wizard-carrier" value={src.carrier} onChange={(e) => setSrc((s) => ({ ...s, carrier: e.target.value }))}>
                  {carriers.map((c) => <option key={c.id} value={c.name}>{c.name}</option>)}
                </select>
              </div>
              <div className="field">
                <label htmlFor={`${ids}-side`}>Side</label>
                <select id={`${ids}-side`} data-testid="wizard-side" value={src.side} onChange={(e) => setSrc((s) => ({ ...s, side: e.target.value as WizardSource['side'] }))}>
                  <option value="buy">buy (vendor's deck)</option>
                  <option value="sell">sell (our deck to a customer)</option>
                </select>
              </div>
              <div className="field">
                <label htmlFor={`${ids}-mode`}>Mode</label>
                <select id={`${ids}-mode`} data-testid="wizard-mode" value={src.mode} onChange={(e) => setSrc((s) => ({ ...s, mode: e.target.value as WizardSource['mode'] }))}>
                  <option value="full">full A–Z (missing codes close)</option>
                  <option value="partial">partial (only listed codes change)</option>
                </select>
              </div>
            </div>
            <div className="row3">
              <div className="field">
                <label htmlFor={`${ids}-received`}>Received</label>
                <input id={`${ids}-received`} type="date" data-testid="wizard-received" value={src.received} onChange={(e) => setSrc((s) => ({ ...s, received: e.target.value }))} />
                <div className="hint">Notice periods count from this date</div>
              </div>
              <div className="field">
                <label htmlFor={`${ids}-effective`}>Effective (optional)</label>
                <input id={`${ids}-effective`} type="date" data-testid="wizard-effective" value={src.effective} onChange={(e) => setSrc((s) => ({ ...s, effective: e.target.value }))} />
                <div className="hint">Else the deck's own date</div>
              </div>
            </div>
          </div>
        )}

        {step === 1 && report && layout && (
          <div className="wizard-step">
            <div className="facts">
              <span><span className="muted">File</span> <span className="mono">{src.file?.name}</span></span>
              <span><span className="muted">Format</span> {report.format.toUpperCase()}{report.encoding ? `, ${report.encoding}` : ''}{report.delimiter ? `, “${report.delimiter === '\t' ? 'tab' : report.delimiter}” separated` : ''}</span>
              {report.notes.effective && <span><span className="muted">Notes say effective</span> {formatInstant(report.notes.effective)}</span>}
              {report.notes.currency && <span><span className="muted">Currency</span> {report.notes.currency}</span>}
              {report.notes.zone && <span><span className="muted">Zone</span> {report.notes.zone}</span>}
            </div>
            <div className="row4">
              {report.sheets.length > 1 && (
                <div className="field">
                  <label htmlFor={`${ids}-sheet`}>Sheet</label>
                  <select
                    id={`${ids}-sheet`}
                    data-testid="wizard-sheet"
                    value={layout.sheet}
                    onChange={(e) => void inspect(e.target.value, '')}
                  >
                    <option value={ALL_SHEETS}>Every sheet with rates (showing {report.sheet})</option>
                    {report.sheets.map((s) => (
                      <option key={s.name} value={s.name}>{s.name} ({s.rows} rows{s.hasHeader ? '' : ', no rate table'})</option>
                    ))}
                  </select>
                </div>
              )}
              <div className="field">
                <label htmlFor={`${ids}-header`}>Header row</label>
                <input
                  id={`${ids}-header`}
                  type="number"
                  min={1}
                  className="num"
                  data-testid="wizard-header-row"
                  value={layout.headerRow}
                  onChange={setRow('headerRow')}
                  onBlur={(e) => { if (e.target.value !== String(report.headerRow ?? '')) void inspect(layout.sheet, e.target.value); }}
                  onKeyDown={(e) => { if (e.key === 'Enter') { e.preventDefault(); void inspect(layout.sheet, layout.headerRow); } }}
                />
                <div className="hint">{report.headerRow === null ? 'Not found: enter it' : 'Change it to re-read the columns'}</div>
              </div>
              <div className="field">
                <label htmlFor={`${ids}-first`}>First data row</label>
                <input id={`${ids}-first`} type="number" min={1} className="num" data-testid="wizard-first-row" value={layout.firstRow} onChange={setRow('firstRow')} />
              </div>
              <div className="field">
                <label htmlFor={`${ids}-last`}>Last data row</label>
                <input id={`${ids}-last`} type="number" min={1} className="num" data-testid="wizard-last-row" value={layout.lastRow} onChange={setRow('lastRow')} />
              </div>
            </div>
            <div className="sample-grid">
              <SampleRows title="First rows" testid="head-rows" rows={report.head} layout={layout} />
              <SampleRows title="Last rows" testid="tail-rows" rows={report.tail} layout={layout} />
            </div>
          </div>
        )}

        {step === 2 && report && layout && (
          <div className="wizard-step">
            <p className="muted">
              {report.headerRow === null ? 'No header row: map the columns by letter.' : `Columns of row ${report.headerRow}, as guessed from their names and this carrier's saved template.`} A code column and a rate column are required.
            </p>
            <table className="table mapping">
              <thead>
                <tr><th>Col.</th><th>Header</th><th>Sample</th><th>Field</th></tr>
              </thead>
              <tbody>
                {columnsOf(report).map((m, i) => {
                  const sample = report.head.find((r) => r.row === Number(layout.firstRow))?.cells[i] ?? '';
                  return (
                    <tr key={m.column}>
                      <td className="mono">{m.column}</td>
                      <td>{m.header}</td>
                      <td className="mono muted">{sample}</td>
                      <td>
                        <select
                          aria-label={`Field for column ${m.column}${m.header ? ` (${m.header})` : ''}`}
                          data-testid={`mapping-${m.column}`}
                          value={layout.map[m.column] ?? ''}
                          onChange={(e) => setLayout({ ...layout, map: { ...layout.map, [m.column]: e.target.value as DeckField | '' } })}
                        >
                          <option value="">(not used)</option>
                          {DECK_FIELDS.filter((f) => f !== 'ignore').map((f) => <option key={f} value={f}>{f}</option>)}
                        </select>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
            <div className="field narrow">
              <label htmlFor={`${ids}-order`}>Dates like 03/04/2026 are</label>
              <select id={`${ids}-order`} data-testid="wizard-date-order" value={layout.dateOrder} onChange={(e) => setLayout({ ...layout, dateOrder: e.target.value as WizardLayout['dateOrder'] })}>
                <option value="">as the template or the file says</option>
                <option value="DMY">day/month/year</option>
                <option value="MDY">month/day/year</option>
              </select>
            </div>
          </div>
        )}

        {step >= 3 && (
          <div className="wizard-step">
            {busy && <div className="busy" role="status">{busy}</div>}
            {preview && !failure && <ImportPreview report={preview} committing={step === 4} />}
            {failure && (
              <div className="failure">
                <div className="form-error" role="alert">
                  <strong>{plainText(failure)}</strong>
                  <div className="mono small-text">{failure.message}</div>
                </div>
                <p className="nothing-written" data-testid="nothing-written">Nothing was written: the rate store is exactly as it was.</p>
                {problems && problems.length > 0 && (
                  <>
                    <h3>{problemCount.toLocaleString('en-US')} problem{problemCount === 1 ? '' : 's'}{problemCount > problems.length ? ` (first ${problems.length} shown)` : ''}</h3>
                    <ProblemsGrid problems={problems} />
                  </>
                )}
              </div>
            )}
          </div>
        )}
      </div>

      <div className="wizard-foot">
        {busy && step < 3 && <span className="busy" role="status">{busy}</span>}
        {failure && step < 3 && (
          <span className="form-error inline" role="alert">{plainText(failure)} <span className="mono small-text">{failure.message}</span></span>
        )}
        <div className="spacer" />
        <button type="button" className="btn" data-testid="wizard-back" onClick={back} disabled={step === 0 || Boolean(busy)}>Back</button>
        {step < 3 && (
          <button type="button" className="btn primary" data-testid="wizard-next" onClick={() => void next()} disabled={!canNext}>
            {step === 2 ? 'Preview' : 'Next'}
          </button>
        )}
        {step >= 3 && (
          <button
            type="button"
            className="btn primary"
            data-testid="wizard-commit"
            disabled={!preview || Boolean(failure) || Boolean(busy)}
            onClick={() => { setStep(4); void runImport(false); }}
          >
            Import {preview ? `${preview.prefixes.toLocaleString('en-US')} prefixes` : ''}
          </button>
        )}
      </div>
      {src.file && step > 0 && <div className="muted small-text">{src.file.name} · {src.carrier} · {src.side} · {src.mode}{preview ? ` · ${formatBytes(preview.bytes)}` : ''}</div>}
    </section>
  );
}

function SampleRows({ title, testid, rows, layout }: { title: string; testid: string; rows: DeckInspectReport['head']; layout: WizardLayout }) {
  const header = Number(layout.headerRow) || null;
  const first = Number(layout.firstRow) || null;
  const last = Number(layout.lastRow) || null;
  const width = Math.max(1, ...rows.map((r) => r.cells.length));
  const kind = (row: number) => {
    if (row === header) return 'is-header';
    if (first !== null && row >= first && (last === null || row <= last)) return 'is-data';
    return 'is-outside';
  };
  return (
    <div className="sample">
      <h3>{title}</h3>
      <div className="sample-scroll">
        <table className="table compact" data-testid={testid}>
          <tbody>
            {rows.map((r) => (
              <tr key={r.row} className={kind(r.row)} data-row={r.row}>
                <th scope="row" className="num">{r.row}</th>
                {Array.from({ length: width }, (_, i) => <td key={i}>{r.cells[i] ?? ''}</td>)}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
