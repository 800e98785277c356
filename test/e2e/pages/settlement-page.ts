import { expect, type Locator } from '@playwright/test';
import type { AppPage } from './app-page.ts';

/** The settlement screen: net positions per carrier and period, the drill-down, the statement, ageing. */
export class SettlementPage {
  constructor(readonly app: AppPage) {}

  get page() {
    return this.app.page;
  }

  async open(): Promise<void> {
    await this.page.getByTestId('nav-settlement').click();
    await expect(this.page.getByTestId('settle-grid')).toBeVisible();
  }

  async period(value: string): Promise<void> {
    await this.page.getByTestId('settle-period').fill(value);
  }

  get grid(): Locator {
    return this.page.getByTestId('settle-grid');
  }

  /** The cell of a column in the row of a carrier. */
  cell(carrier: string, colId: string): Locator {
    return this.grid.locator(`[role="row"][row-id="${carrier}"] [col-id="${colId}"]`);
  }

  async select(carrier: string): Promise<void> {
    await this.cell(carrier, 'carrier').click();
    await expect(this.detail).toBeVisible();
  }

  get detail(): Locator {
    return this.page.getByTestId('settle-detail');
  }

  async drill(to: 'sell' | 'buy' | 'disputes' | 'payments'): Promise<Locator> {
    await this.page.getByTestId(`settle-drill-${to}`).click();
    return this.page.getByTestId('settle-drill-table');
  }

  async issueInvoice(): Promise<void> {
    await this.page.getByTestId('settle-issue').click();
  }

  async exportStatement(): Promise<{ path: string; name: string }> {
    const download = this.page.waitForEvent('download');
    await this.page.getByTestId('settle-statement').click();
    const d = await download;
    return { path: (await d.path())!, name: d.suggestedFilename() };
  }

  async ageing(asOf: string): Promise<Locator> {
    await this.page.getByTestId('settle-tab-ageing').click();
    await this.page.getByTestId('settle-asof').fill(asOf);
    return this.page.getByTestId('settle-ageing');
  }
}
