import { expect, type Locator, type Page } from '@playwright/test';
import type { AppPage } from './app-page.ts';

export class RatesPage {
  readonly page: Page;
  constructor(readonly app: AppPage) {
    this.page = app.page;
  }

  get grid(): Locator {
    return this.page.getByTestId('rates-grid');
  }

  async open(): Promise<void> {
    await this.app.go('rates');
    await expect(this.grid).toBeVisible();
  }

  async filter(f: { carrier?: string; side?: 'buy' | 'sell'; prefix?: string; destination?: string; asOf?: string; scope?: 'in-force' | 'all' }): Promise<void> {
    if (f.carrier) await this.page.getByTestId('filter-carrier').selectOption({ label: f.carrier });
    if (f.side) await this.page.getByTestId('filter-side').selectOption(f.side);
    if (f.prefix !== undefined) await this.page.getByTestId('filter-prefix').fill(f.prefix);
    if (f.destination !== undefined) await this.page.getByTestId('filter-destination').fill(f.destination);
    if (f.asOf) await this.page.getByTestId('filter-as-of').fill(f.asOf);
    if (f.scope) await this.page.getByTestId('filter-scope').selectOption(f.scope);
  }

  prefixes(): Locator {
    return this.app.cells(this.grid, 'prefix');
  }

  async openHistory(prefix: string): Promise<Locator> {
    await this.prefixes().filter({ hasText: new RegExp(`^${prefix}$`) }).first().click();
    await this.page.getByTestId('history-open').click();
    const panel = this.page.getByTestId('history-panel');
    await expect(panel).toBeVisible();
    return panel;
  }

  /** Exports and returns the downloaded file's path. */
  async export(format: 'csv' | 'xlsx'): Promise<{ path: string; name: string }> {
    const download = this.page.waitForEvent('download');
    await this.page.getByTestId(`export-${format}`).click();
    const d = await download;
    return { path: (await d.path())!, name: d.suggestedFilename() };
  }
}
