import { expect, type Page } from '@playwright/test';
import type { AppPage } from './app-page.ts';

export interface CarrierDraft {
  name: string;
  roles?: 'vendor' | 'customer' | 'both';
  currency?: string;
  timezone?: string;
  noticeIncrease?: number;
  rounding?: 'per-call' | 'per-increment' | 'per-line';
  techPrefixes?: string;
}

export class CarriersPage {
  readonly page: Page;
  constructor(readonly app: AppPage) {
    this.page = app.page;
  }

  readonly grid = () => this.page.getByTestId('carriers-grid');

  async add(c: CarrierDraft): Promise<void> {
    await this.app.go('carriers');
    await this.page.getByTestId('carrier-add').click();
    const form = this.page.getByTestId('carrier-form');
    await expect(form).toBeVisible();
    await form.getByTestId('carrier-name').fill(c.name);
    if (c.roles) await form.getByTestId('carrier-roles').selectOption(c.roles);
    if (c.currency) await form.getByTestId('carrier-currency').fill(c.currency);
    if (c.timezone) await form.getByTestId('carrier-timezone').fill(c.timezone);
    if (c.noticeIncrease !== undefined) await form.getByTestId('notice-increase').fill(String(c.noticeIncrease));
    if (c.rounding) await form.getByTestId('rounding-level').selectOption(c.rounding);
    if (c.techPrefixes) await form.getByTestId('tech-prefixes').fill(c.techPrefixes);
    await form.getByTestId('carrier-save').click();
  }

  async expectListed(name: string): Promise<void> {
    await expect(this.app.cells(this.grid(), 'name').filter({ hasText: name })).toHaveCount(1);
  }
}
