import { basename } from 'node:path';
import { expect, type Locator, type Page } from '@playwright/test';
import type { AppPage } from './app-page.ts';

/** The Invoices, Reconciliation and Disputes screens. */
export class ReconPage {
  readonly page: Page;
  constructor(readonly app: AppPage) {
    this.page = app.page;
  }

  async importInvoice(file: string, carrier: string): Promise<void> {
    await this.app.go('invoices');
    await this.page.getByTestId('invoice-carrier').selectOption(carrier);
    await this.page.getByTestId('file-input').setInputFiles(file);
    await expect(this.page.getByTestId('invoice-file-name')).toHaveText(basename(file));
    await this.page.getByTestId('invoice-import-run').click();
  }

  get invoiceDetail(): Locator {
    return this.page.getByTestId('invoice-detail');
  }

  get invoiceFailure(): Locator {
    return this.page.getByTestId('invoice-import-failure');
  }

  async reconcile(carrier: string, period: string): Promise<void> {
    await this.app.go('reconcile');
    await this.page.getByTestId('recon-carrier').selectOption(carrier);
    await this.page.getByTestId('recon-period').fill(period);
    await this.page.getByTestId('recon-run').click();
    await expect(this.result).toBeVisible({ timeout: 30_000 });
  }

  get result(): Locator {
    return this.page.getByTestId('recon-result');
  }

  cause(name: string): Locator {
    return this.page.getByTestId(`recon-cause-${name}`);
  }

  async showClass(cls: string): Promise<Locator> {
    await this.page.getByTestId(`recon-class-${cls}`).click();
    return this.page.getByTestId('recon-discrepancy');
  }

  async openProposedDispute(): Promise<void> {
    await this.page.getByTestId('recon-open-dispute').click();
    await expect(this.dispute).toBeVisible();
  }

  get dispute(): Locator {
    return this.page.getByTestId('dispute-detail');
  }

  async moveDispute(state: string, fields: { agreed?: string; note?: string; creditNote?: string } = {}): Promise<void> {
    await this.page.getByTestId('dispute-next').selectOption(state);
    if (fields.agreed) await this.page.getByTestId('dispute-agreed').fill(fields.agreed);
    if (fields.creditNote) await this.page.getByTestId('dispute-credit-note').fill(fields.creditNote);
    if (fields.note) await this.page.getByTestId('dispute-note').fill(fields.note);
    await this.page.getByTestId('dispute-apply').click();
    await expect(this.page.getByTestId('dispute-state')).toHaveText(state);
  }
}
