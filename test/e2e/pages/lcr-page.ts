import { expect, type Locator, type Page } from '@playwright/test';
import type { AppPage } from './app-page.ts';

export interface LcrTableOptions {
  at?: string;
  customer?: string;
  since?: string;
  noLoss?: boolean;
  depth?: string;
  rankBy?: 'rate' | 'cost';
  typicalDuration?: string;
}

/** The LCR screen: the table (ranks, margins, flags), the rate matrix and the what-if. */
export class LcrPage {
  readonly page: Page;
  constructor(readonly app: AppPage) {
    this.page = app.page;
  }

  async open(): Promise<void> {
    await this.page.getByTestId('nav-lcr').click();
    await expect(this.page.getByTestId('lcr-tab-table')).toBeVisible();
  }

  async tab(t: 'table' | 'matrix' | 'whatif'): Promise<void> {
    await this.page.getByTestId(`lcr-tab-${t}`).click();
  }

  get grid(): Locator {
    return this.page.getByTestId('lcr-grid');
  }

  get summary(): Locator {
    return this.page.getByTestId('lcr-summary');
  }

  async options(o: LcrTableOptions): Promise<void> {
    if (o.at !== undefined) await this.page.getByTestId('lcr-at').fill(o.at);
    if (o.customer !== undefined) await this.page.getByTestId('lcr-customer').selectOption({ label: o.customer });
    if (o.since !== undefined) await this.page.getByTestId('lcr-since').fill(o.since);
    if (o.rankBy) await this.page.getByTestId('lcr-rank-by').selectOption(o.rankBy);
    if (o.typicalDuration !== undefined) await this.page.getByTestId('lcr-typical').fill(o.typicalDuration);
    if (o.depth !== undefined) await this.page.getByTestId('lcr-depth').fill(o.depth);
    if (o.noLoss !== undefined) await this.page.getByTestId('lcr-no-loss').setChecked(o.noLoss);
  }

  async showFlag(label: string): Promise<void> {
    await this.page.getByTestId('lcr-flag').selectOption({ label });
  }

  async filterPrefix(prefix: string): Promise<void> {
    await this.page.getByTestId('lcr-prefix').fill(prefix);
  }

  prefixes(): Locator {
    return this.app.cells(this.grid, 'prefix');
  }

  /** The text of each row's cells by column id, keyed by prefix (rows in the centre and pinned containers are joined by row-index). */
  async rowsByPrefix(colIds: string[]): Promise<Record<string, string[]>> {
    return this.grid.evaluate((el, cols) => {
      const out: Record<string, string[]> = {};
      const byIndex = new Map<string, Map<string, string>>();
      for (const cell of Array.from(el.querySelectorAll('[role="gridcell"][col-id]'))) {
        const row = cell.closest('[role="row"]');
        const idx = row?.getAttribute('row-index');
        if (idx === null || idx === undefined) continue;
        const m = byIndex.get(idx) ?? new Map<string, string>();
        m.set(cell.getAttribute('col-id')!, (cell.textContent ?? '').trim());
        byIndex.set(idx, m);
      }
      for (const m of byIndex.values()) {
        const p = m.get('prefix');
        if (p) out[p] = cols.map((c) => m.get(c) ?? '');
      }
      return out;
    }, colIds);
  }

  /** Exports the table in a format and returns the downloaded file. */
  async export(format: 'long' | 'matrix' | 'routing', fileFormat: 'csv' | 'xlsx'): Promise<{ path: string; name: string }> {
    await this.page.getByTestId('lcr-export-format').selectOption(format);
    const download = this.page.waitForEvent('download');
    await this.page.getByTestId(`lcr-export-${fileFormat}`).click();
    const d = await download;
    return { path: (await d.path())!, name: d.suggestedFilename() };
  }

  get matrixGrid(): Locator {
    return this.page.getByTestId('matrix-grid');
  }

  async matrix(o: { at?: string; filter?: string; by?: 'destination' | 'prefix' }): Promise<void> {
    if (o.at !== undefined) await this.page.getByTestId('matrix-at').fill(o.at);
    if (o.by) await this.page.getByTestId('matrix-by').selectOption(o.by);
    if (o.filter !== undefined) await this.page.getByTestId('matrix-filter').fill(o.filter);
  }

  async whatIf(o: { kind: 'customer' | 'carrier'; name: string; from: string; to: string }): Promise<Locator> {
    await this.page.getByTestId('whatif-kind').selectOption(o.kind);
    await this.page.getByTestId('whatif-carrier').selectOption({ label: o.name });
    await this.page.getByTestId('whatif-from').fill(o.from);
    await this.page.getByTestId('whatif-to').fill(o.to);
    await this.page.getByTestId('whatif-run').click();
    const result = this.page.getByTestId('whatif-result');
    await expect(result).toBeVisible();
    return result;
  }
}
