import type { ColDef } from 'ag-grid-community';
import { AgGridReact } from 'ag-grid-react';
import { useMemo } from 'react';
import type { Problem } from '../../core/api/errors.ts';
import { DEFAULT_COL_DEF } from '../grid/grid-setup.ts';
import { useTheme } from '../state/theme.tsx';

/** Every row-level problem of a failed import, where to find it and what is wrong. */
export function ProblemsGrid({ problems }: { problems: Problem[] }) {
  const { gridTheme } = useTheme();
  // A handful of problems fit without a scrolling viewport; hundreds page inside one.
  const few = problems.length <= 12;
  const columns = useMemo<ColDef<Problem>[]>(() => [
    { field: 'file', headerName: 'File', width: 170 },
    { field: 'sheet', headerName: 'Sheet', width: 110 },
    { field: 'row', headerName: 'Row', type: 'rightAligned', width: 80 },
    { field: 'column', headerName: 'Column', width: 140 },
    { field: 'value', headerName: 'Value', width: 170, cellClass: 'mono' },
    { field: 'message', headerName: 'Problem', flex: 1, minWidth: 260, tooltipField: 'message' },
  ], []);
  return (
    <div className={`grid-wrap problems${few ? ' auto' : ''}`} data-testid="problems-grid">
      <AgGridReact<Problem>
        theme={gridTheme}
        rowData={problems}
        columnDefs={columns}
        defaultColDef={DEFAULT_COL_DEF}
        domLayout={few ? 'autoHeight' : 'normal'}
      />
    </div>
  );
}
