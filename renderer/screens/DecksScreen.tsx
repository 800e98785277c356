import type { ColDef, ICellRendererParams } from 'ag-grid-community';
import { AgGridReact } from 'ag-grid-react';
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { PickedFile } from '../../core/api/bridge.ts';
import type { Carrier, DeckImportRecord } from '../../core/api/contract.ts';
import { CHANGE_CLASSES, formatBytes, formatCount, formatInstant } from '../format.ts';
import { useApp } from '../state/app-context.tsx';
import { DEFAULT_COL_DEF, rowIdOf } from '../grid/grid-setup.ts';
import { useTheme } from '../state/theme.tsx';
import { ImportWizard } from './ImportWizard.tsx';

const count = { type: 'rightAligned', width: 92, valueFormatter: (p: { value: unknown }) => formatCount(p.value as number) } as const;

/** The shell's "Import deck…": open the wizard, on a file when one came with it. */
export interface ImportRequest {
  file: PickedFile | null;
  nonce: number;
}

export function DecksScreen({ onChanged, importRequest }: { onChanged: () => void; importRequest: ImportRequest | null }) {
  const { call, notifyError } = useApp();
  const { gridTheme } = useTheme();
  const [records, setRecords] = useState<DeckImportRecord[] | null>(null);
  const [carriers, setCarriers] = useState<Carrier[]>([]);
  const [wizardOpen, setWizardOpen] = useState(false);
  const [dropped, setDropped] = useState<File | null>(null);
  const [dragging, setDragging] = useState(false);
  const [picked, setPicked] = useState<PickedFile | null>(null);

  useEffect(() => {
    if (!importRequest) return;
    setPicked(importRequest.file);
    setWizardOpen(true);
  }, [importRequest]);

  const load = useCallback(() => {
    call('decks.list', {}).then((r) => setRecords([...r].sort((a, b) => b.importedAt.localeCompare(a.importedAt) || b.id - a.id)), notifyError);
    call('carriers.list', {}).then(setCarriers, notifyError);
  }, [call, notifyError]);
  useEffect(load, [load]);

  // A deck dropped anywhere on the page opens the wizard with it.
  useEffect(() => {
    const hasFiles = (e: DragEvent) => Array.from(e.dataTransfer?.types ?? []).includes('Files');
    const over = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      setDragging(true);
    };
    const leave = (e: DragEvent) => {
      if (e.relatedTarget === null) setDragging(false);
    };
    const drop = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      setDragging(false);
      const f = e.dataTransfer?.files[0];
      if (f) {
        setDropped(f);
        setWizardOpen(true);
      }
    };
    window.addEventListener('dragover', over);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragover', over);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
    };
  }, []);

  const columns = useMemo<ColDef<DeckImportRecord>[]>(() => [
    { field: 'importedAt', headerName: 'Imported (UTC)', width: 150, valueFormatter: (p) => formatInstant(p.value as string), initialSort: 'desc' },
    { field: 'carrier', headerName: 'Carrier', width: 170 },
    { field: 'side', headerName: 'Side', width: 72 },
    { field: 'mode', headerName: 'Mode', width: 80 },
    { field: 'fileName', headerName: 'File', flex: 1, minWidth: 180, tooltipField: 'fileName' },
    { field: 'receivedAt', headerName: 'Received', width: 140, valueFormatter: (p) => formatInstant(p.value as string) },
    { field: 'effectiveAt', headerName: 'Effective', width: 140, valueFormatter: (p) => formatInstant(p.value as string | null) },
    { field: 'prefixes', headerName: 'Prefixes', ...count },
    ...CHANGE_CLASSES.map((c): ColDef<DeckImportRecord> => ({
      colId: `count-${c}`,
      headerName: c[0]!.toUpperCase() + c.slice(1),
      valueGetter: (p) => p.data?.counts[c],
      ...count,
      width: c === 'unchanged' ? 108 : 92,
    })),
    {
      field: 'noticeViolations',
      headerName: 'Notice viol.',
      ...count,
      width: 110,
      cellRenderer: (p: ICellRendererParams<DeckImportRecord, number>) =>
        p.value ? <span className="violation-flag" title="Changes effective sooner than the contract's notice">⚠ {formatCount(p.value)}</span> : '0',
    },
    { field: 'rowsRead', headerName: 'Rows', ...count },
    { field: 'currency', headerName: 'Cur.', width: 70 },
    { field: 'bytes', headerName: 'Size', type: 'rightAligned', width: 90, valueFormatter: (p) => formatBytes(p.value as number) },
    { field: 'importedBy', headerName: 'By', width: 100 },
    { field: 'sha256', headerName: 'SHA-256', width: 110, cellClass: 'mono', valueFormatter: (p) => String(p.value ?? '').slice(0, 10), tooltipField: 'sha256' },
  ], []);

  return (
    <section className="screen" aria-labelledby="decks-title">
      <div className="screen-head">
        <h1 id="decks-title">Rate decks</h1>
        <span className="muted">{records ? `${records.length} import${records.length === 1 ? '' : 's'}` : 'Loading…'}</span>
        <div className="spacer" />
        <button type="button" className="btn primary" data-testid="import-open" onClick={() => setWizardOpen(true)} disabled={wizardOpen}>
          Import deck…
        </button>
      </div>
      {wizardOpen && (
        <ImportWizard
          carriers={carriers}
          dropped={dropped}
          onDroppedTaken={() => setDropped(null)}
          picked={picked}
          onPickedTaken={() => setPicked(null)}
          onClose={(imported) => {
            setWizardOpen(false);
            if (imported) {
              load();
              onChanged();
            }
          }}
        />
      )}
      <h2 className="section-title">Import history</h2>
      <div className="grid-wrap" data-testid="import-history">
        <AgGridReact<DeckImportRecord>
          theme={gridTheme}
          rowData={records}
          columnDefs={columns}
          defaultColDef={DEFAULT_COL_DEF}
          getRowId={rowIdOf}
          overlayNoRowsTemplate="No decks imported yet: drop a CSV or XLSX deck here, or use Import deck."
        />
      </div>
      {dragging && <div className="drop-overlay" aria-hidden="true"><div>Drop the deck to import it</div></div>}
    </section>
  );
}
