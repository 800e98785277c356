import { AllCommunityModule, ModuleRegistry, colorSchemeDark, colorSchemeLight, themeQuartz } from 'ag-grid-community';

ModuleRegistry.registerModules([AllCommunityModule]);

const dense = {
  fontFamily: 'inherit',
  fontSize: 13,
  headerFontSize: 12,
  headerFontWeight: 600,
  spacing: 5,
  rowHeight: 28,
  headerHeight: 32,
  wrapperBorderRadius: 4,
  borderRadius: 3,
} as const;

export const lightGridTheme = themeQuartz.withPart(colorSchemeLight).withParams({
  ...dense,
  accentColor: '#2563eb',
  headerBackgroundColor: '#f3f5f8',
  oddRowBackgroundColor: '#fafbfc',
});

export const darkGridTheme = themeQuartz.withPart(colorSchemeDark).withParams({
  ...dense,
  accentColor: '#60a5fa',
  backgroundColor: '#171b22',
  headerBackgroundColor: '#1f242d',
  oddRowBackgroundColor: '#1a1f27',
  foregroundColor: '#e3e7ee',
});

/** One object for every grid: a new object each render would make the grid re-apply its columns. */
export const DEFAULT_COL_DEF = { sortable: true, resizable: true } as const;

export const SINGLE_ROW_SELECTION = { mode: 'singleRow', checkboxes: false, enableClickSelection: true } as const;

/** Rows are keyed by the engine's id, so selection and focus survive a reload of the same rows. */
export const rowIdOf = (p: { data: { id: number } }): string => String(p.data.id);
