import { expect, type Locator, type Page } from '@playwright/test';

/** The shell every screen lives in: navigation, theme, the workspace header, the jobs bar. */
export class AppPage {
  constructor(readonly page: Page, readonly baseUrl: string) {}

  async open(): Promise<void> {
    await this.page.goto(this.baseUrl);
    await expect(this.page.getByTestId('nav-carriers')).toBeVisible();
  }

  async go(screen: 'carriers' | 'decks' | 'rates' | 'cdrs' | 'invoices' | 'reconcile' | 'disputes'): Promise<void> {
    await this.page.getByTestId(`nav-${screen}`).click();
  }

  get demoBadge(): Locator {
    return this.page.getByTestId('demo-badge');
  }

  get statusBar(): Locator {
    return this.page.getByTestId('status-bar');
  }

  async setTheme(theme: 'light' | 'dark'): Promise<void> {
    const current = await this.page.evaluate(() => document.documentElement.dataset.theme ?? 'light');
    if (current !== theme) await this.page.getByTestId('theme-toggle').click();
    await expect.poll(() => this.page.evaluate(() => document.documentElement.dataset.theme ?? 'light')).toBe(theme);
  }

  /** AG Grid cells by role and column id (the theming API has no legacy classes to lean on). */
  cells(grid: Locator, colId: string): Locator {
    return grid.locator(`[role="gridcell"][col-id="${colId}"]`);
  }
}
