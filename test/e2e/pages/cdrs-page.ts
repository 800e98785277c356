import { expect, type Locator, type Page } from '@playwright/test';
import type { AppPage } from './app-page.ts';

export interface CdrImportStart {
  file: string;
  carrier: string;
  source?: 'own' | 'carrier';
  format?: 'auto' | 'generic' | 'asterisk' | 'freeswitch' | 'cgrates';
  timezone?: string;
  skipBadRows?: boolean;
}

export interface CdrFilter {
  carrier?: string;
  side?: 'buy' | 'sell';
  source?: '' | 'own' | 'carrier';
  from?: string;
  to?: string;
  destination?: string;
  status?: '' | 'rated' | 'free' | 'unrated';
}

/** The CDRs screen: its imports, the calls grid with Explain, and the summary. */
export class CdrsPage {
  readonly page: Page;
  constructor(readonly app: AppPage) {
    this.page = app.page;
  }

  async open(): Promise<void> {
    await this.page.getByTestId('nav-cdrs').click();
    await expect(this.page.getByTestId('cdr-import-open')).toBeVisible();
  }

  async tab(t: 'imports' | 'calls' | 'summary' | 'margin'): Promise<void> {
    await this.page.getByTestId(`cdr-tab-${t}`).click();
  }

  get form(): Locator {
    return this.page.getByTestId('cdr-import-form');
  }

  get result(): Locator {
    return this.page.getByTestId('cdr-import-result');
  }

  get imports(): Locator {
    return this.page.getByTestId('cdr-imports');
  }

  get grid(): Locator {
    return this.page.getByTestId('cdr-grid');
  }

  get explain(): Locator {
    return this.page.getByTestId('cdr-explain');
  }

  get summary(): Locator {
    return this.page.getByTestId('cdr-summary');
  }

  /** Fills the import form and runs the import; the result box (or the problems) shows what happened. */
  async importFile(s: CdrImportStart): Promise<void> {
    await this.page.getByTestId('cdr-import-open').click();
    await expect(this.form).toBeVisible();
    await this.form.getByTestId('cdr-file-input').setInputFiles(s.file);
    await expect(this.form.getByTestId('cdr-file-name')).toHaveText(s.file.split(/[\\/]/).pop()!);
    await this.form.getByTestId('cdr-carrier').selectOption({ label: s.carrier });
    await this.form.getByTestId('cdr-source').selectOption(s.source ?? 'carrier');
    if (s.format) await this.form.getByTestId('cdr-format').selectOption(s.format);
    if (s.timezone !== undefined) await this.form.getByTestId('cdr-timezone').fill(s.timezone);
    if (s.skipBadRows !== undefined) await this.form.getByTestId('cdr-skip-bad').setChecked(s.skipBadRows);
    await this.form.getByTestId('cdr-import-run').click();
  }

  /** The margin view: its destination lines and totals, for a customer and/or vendor ('' = all). */
  async openMargin(f: { customer?: string; vendor?: string } = {}): Promise<Locator> {
    await this.tab('margin');
    const panel = this.page.getByTestId('cdr-margin');
    if (f.customer !== undefined) await panel.getByTestId('margin-customer').selectOption(f.customer ? { label: f.customer } : { value: '' });
    if (f.vendor !== undefined) await panel.getByTestId('margin-vendor').selectOption(f.vendor ? { label: f.vendor } : { value: '' });
    return panel;
  }

  resultCount(k: 'rows' | 'imported' | 'duplicates' | 'rejected'): Locator {
    return this.result.getByTestId(`cdr-result-${k}`);
  }

  async filter(f: CdrFilter): Promise<void> {
    if (f.carrier) await this.page.getByTestId('cdr-filter-carrier').selectOption({ label: f.carrier });
    if (f.side) await this.page.getByTestId('cdr-filter-side').selectOption(f.side);
    if (f.source !== undefined) await this.page.getByTestId('cdr-filter-source').selectOption(f.source);
    if (f.from !== undefined) await this.page.getByTestId('cdr-filter-from').fill(f.from);
    if (f.to !== undefined) await this.page.getByTestId('cdr-filter-to').fill(f.to);
    if (f.destination !== undefined) await this.page.getByTestId('cdr-filter-destination').fill(f.destination);
    if (f.status !== undefined) await this.page.getByTestId('cdr-filter-status').selectOption(f.status);
  }

  cells(colId: string): Locator {
    return this.app.cells(this.grid, colId);
  }

  /** Selects the call with that Call ID and opens its explanation with the Explain button. */
  async openExplain(callId: string): Promise<Locator> {
    await this.cells('callId').filter({ hasText: new RegExp(`^${callId}$`) }).click();
    await this.page.getByTestId('cdr-explain-open').click();
    await expect(this.explain).toBeVisible();
    return this.explain;
  }

  /** The summary, for a source when the filters say "all". */
  async openSummary(source?: 'own' | 'carrier'): Promise<Locator> {
    await this.tab('summary');
    await expect(this.summary).toBeVisible();
    if (source) await this.summary.getByTestId('cdr-summary-source').selectOption(source);
    return this.summary;
  }

  total(k: 'calls' | 'answered' | 'minutes' | 'billed' | 'amount'): Locator {
    return this.summary.getByTestId(`cdr-total-${k}`);
  }

  /** Exports and returns the downloaded file's path. */
  async export(format: 'csv' | 'xlsx'): Promise<{ path: string; name: string }> {
    const download = this.page.waitForEvent('download');
    await this.page.getByTestId(`cdr-export-${format}`).click();
    const d = await download;
    return { path: (await d.path())!, name: d.suggestedFilename() };
  }
}
