import type { ColDef, ColGroupDef, ValueGetterParams } from 'ag-grid-community';
import { AgGridReact } from 'ag-grid-react';
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { Carrier } from '../../core/api/contract.ts';
import { formatInstant } from '../format.ts';
import { useApp } from '../state/app-context.tsx';
import { SINGLE_ROW_SELECTION, rowIdOf } from '../grid/grid-setup.ts';
import { useTheme } from '../state/theme.tsx';
import { CarrierForm } from './CarrierForm.tsx';

const num = { type: 'rightAligned', width: 90 } as const;

export function CarriersScreen({ onChanged }: { onChanged: () => void }) {
  const { call, notifyError } = useApp();
  const { gridTheme } = useTheme();
  const [carriers, setCarriers] = useState<Carrier[] | null>(null);
  // undefined: no form; null: adding; a carrier: editing it.
  const [editing, setEditing] = useState<Carrier | null | undefined>(undefined);

  const load = useCallback(() => {
    call('carriers.list', {}).then(setCarriers, notifyError);
  }, [call, notifyError]);
  useEffect(load, [load]);

  const columns = useMemo<(ColDef<Carrier> | ColGroupDef<Carrier>)[]>(() => [
    { field: 'name', headerName: 'Name', flex: 2, minWidth: 180, initialSort: 'asc' },
    { field: 'roles', headerName: 'Roles', width: 100 },
    { field: 'currency', headerName: 'Cur.', width: 80 },
    { field: 'timezone', headerName: 'Time zone', flex: 1, minWidth: 130 },
    {
      headerName: 'Notice (days)',
      children: [
        { colId: 'noticeIncrease', headerName: 'Incr.', valueGetter: (p: ValueGetterParams<Carrier>) => p.data?.notice.increaseDays, ...num, width: 80 },
        { colId: 'noticeNew', headerName: 'New', valueGetter: (p: ValueGetterParams<Carrier>) => p.data?.notice.newDays, ...num, width: 75 },
        { colId: 'noticeDecrease', headerName: 'Decr.', valueGetter: (p: ValueGetterParams<Carrier>) => p.data?.notice.decreaseDays, ...num, width: 80 },
        { colId: 'noticeClosed', headerName: 'Closed', valueGetter: (p: ValueGetterParams<Carrier>) => p.data?.notice.closedDays, ...num, width: 85 },
      ],
    },
    {
      colId: 'rounding',
      headerName: 'Rounding',
      valueGetter: (p) => p.data && `${p.data.rounding.decimals} dp, ${p.data.rounding.mode}, ${p.data.rounding.level}`,
      width: 200,
    },
    { colId: 'techPrefixes', headerName: 'Tech prefixes', valueGetter: (p) => p.data?.techPrefixes.join(', '), width: 130, cellClass: 'mono' },
    { field: 'settingsVersion', headerName: 'Ver.', ...num, width: 75 },
    { field: 'updatedAt', headerName: 'Updated (UTC)', valueFormatter: (p) => formatInstant(p.value as string), width: 150 },
  ], []);

  return (
    <section className="screen" aria-labelledby="carriers-title">
      <div className="screen-head">
        <h1 id="carriers-title">Carriers</h1>
        <span className="muted">{carriers ? `${carriers.length} carrier${carriers.length === 1 ? '' : 's'}` : 'Loading…'}</span>
        <div className="spacer" />
        <button type="button" className="btn primary" data-testid="carrier-add" onClick={() => setEditing(null)}>Add carrier</button>
      </div>
      <div className="split">
        <div className="grid-wrap" data-testid="carriers-grid">
          <AgGridReact<Carrier>
            theme={gridTheme}
            rowData={carriers}
            columnDefs={columns}
            getRowId={rowIdOf}
            rowSelection={SINGLE_ROW_SELECTION}
            onRowClicked={(e) => e.data && setEditing(e.data)}
            onCellKeyDown={(e) => {
              const k = (e.event as KeyboardEvent | undefined)?.key;
              if (k === 'Enter' && e.data) setEditing(e.data);
            }}
            overlayNoRowsTemplate="No carriers yet: add one to import its rate decks."
          />
        </div>
        {editing !== undefined && (
          <CarrierForm
            key={editing?.id ?? 'new'}
            carrier={editing}
            onClose={() => setEditing(undefined)}
            onSaved={(c) => {
              setEditing(c);
              load();
              onChanged();
            }}
          />
        )}
      </div>
      <p className="hint">Click a carrier or press Enter on it to edit. Every change keeps the previous settings as a version.</p>
    </section>
  );
}
