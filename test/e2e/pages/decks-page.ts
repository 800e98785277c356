import { expect, type Locator, type Page } from '@playwright/test';
import type { AppPage } from './app-page.ts';

export interface WizardStart {
  file: string;
  carrier: string;
  side?: 'buy' | 'sell';
  mode?: 'full' | 'partial';
  received?: string;
}

/** The Rate decks screen and its import wizard. */
export class DecksPage {
  readonly page: Page;
  constructor(readonly app: AppPage) {
    this.page = app.page;
  }

  get wizard(): Locator {
    return this.page.getByTestId('wizard');
  }

  get history(): Locator {
    return this.page.getByTestId('import-history');
  }

  /** Step 1: the file and where it goes; then on to the layout step. */
  async start(s: WizardStart): Promise<void> {
    await this.app.go('decks');
    await this.page.getByTestId('import-open').click();
    await expect(this.wizard).toBeVisible();
    await this.wizard.getByTestId('wizard-file-input').setInputFiles(s.file);
    await this.wizard.getByTestId('wizard-carrier').selectOption({ label: s.carrier });
    if (s.side) await this.wizard.getByTestId('wizard-side').selectOption(s.side);
    if (s.mode) await this.wizard.getByTestId('wizard-mode').selectOption(s.mode);
    if (s.received) await this.wizard.getByTestId('wizard-received').fill(s.received);
    await this.next();
    await expect(this.wizard.getByTestId('wizard-header-row')).toBeVisible();
  }

  async next(): Promise<void> {
    const next = this.wizard.getByTestId('wizard-next');
    await expect(next).toBeEnabled();
    await next.click();
  }

  headerRow(): Locator {
    return this.wizard.getByTestId('wizard-header-row');
  }

  /** Types a header row and lets the wizard re-read the file with it. */
  async setHeaderRow(row: number): Promise<void> {
    const input = this.headerRow();
    await input.fill(String(row));
    await input.press('Enter');
    await expect(input).toHaveValue(String(row));
  }

  mapping(column: string): Locator {
    return this.wizard.getByTestId(`mapping-${column}`);
  }

  count(cls: 'new' | 'increase' | 'decrease' | 'unchanged' | 'closed' | 'blocked'): Locator {
    return this.wizard.getByTestId(`count-${cls}`);
  }

  async commit(): Promise<void> {
    await this.wizard.getByTestId('wizard-commit').click();
    await expect(this.wizard).toBeHidden({ timeout: 30_000 });
  }
}
