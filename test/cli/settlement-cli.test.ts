import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InvoiceIssueReport, StatementReport } from '../../core/api/contract.ts';
import { PARTNER, settleDispute, vendorSide, writePartnerFiles } from '../helpers/settlement-scenario.ts';
import { ROOT, tempDir } from '../helpers/workspace.ts';

const BIN = join(ROOT, 'bin', 'trunkline.mjs');
let tmp: { dir: string; cleanup(): void };
const db = () => join(tmp.dir, 'w.db');

function trunkline(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, '--db', db(), ...args], {
    cwd: tmp.dir, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', HOME: tmp.dir }, timeout: 30_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  const build = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs'), 'cli'], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`build failed: ${build.stderr}`);
  tmp = tempDir('trunkline-settle-cli-');
  writePartnerFiles(tmp.dir);
});
afterAll(() => tmp.cleanup());

describe('trunkline invoices issue, payments, fx, statement', () => {
  it('closes two months with a two-way partner from the command line', async () => {
    expect(trunkline('carriers', 'add', PARTNER, '--roles', 'vendor,customer', '--currency', 'USD', '--timezone', 'UTC', '--rounding', 'per-call',
      '--decimals', '4', '--payment-terms-days', '30').status).toBe(0);
    expect(trunkline('decks', 'import', 'nordlink-sell.csv', '--carrier', PARTNER, '--side', 'sell', '--received', '2025-12-01').status).toBe(0);
    expect(trunkline('decks', 'import', 'nordlink-buy.csv', '--carrier', PARTNER, '--side', 'buy', '--received', '2025-12-01').status).toBe(0);
    expect(trunkline('cdrs', 'import', 'switch-aug-sep.csv', '--carrier', PARTNER, '--source', 'own', '--timezone', 'UTC').status).toBe(0);

    const issued = trunkline('--json', 'invoices', 'issue', '--customer', PARTNER, '--period', '2026-08');
    expect(issued.status).toBe(0);
    const inv = JSON.parse(issued.stdout) as InvoiceIssueReport;
    expect(inv.outcome).toBe('issued');
    expect(inv.document.number).toMatch(/^TL-\d{4}-000001$/);
    expect(inv.document.total).toBe('3.7991');
    const text = trunkline('invoices', 'issue', '--customer', PARTNER, '--period', '2026-09');
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/^Invoice TL-\d{4}-000002 to Nordlink for 2026-09: 1\.762 USD/);
    expect(text.stdout).toContain('United Kingdom - Mobile');
    const again = trunkline('invoices', 'issue', '--customer', PARTNER, '--period', '2026-09');
    expect(again.stdout).toContain('nothing changed since: no document issued');

    const { disputeId } = vendorSide(db());
    settleDispute(db(), disputeId);
    expect(trunkline('fx', 'set', '--from', 'EUR', '--to', 'USD', '--rate', '1.0834', '--date', '2026-09-01').stdout).toBe('1 EUR = 1.0834 USD from 2026-09-01\n');
    expect(trunkline('payments', 'add', '--carrier', PARTNER, '--amount', '3.00', '--currency', 'EUR', '--date', '2026-09-10', '--direction', 'in', '--ref', 'SEPA NL-0910').status).toBe(0);
    expect(trunkline('payments', 'add', '--carrier', PARTNER, '--amount', '0.50', '--currency', 'USD', '--date', '2026-09-25', '--direction', 'out').status).toBe(0);

    const st = trunkline('--json', 'statement', '--carrier', PARTNER, '--period', '2026-09', '--out', 'nordlink-2026-09.xlsx');
    expect(st.status).toBe(0);
    const r = JSON.parse(st.stdout) as StatementReport;
    expect({ receivable: r.receivable, payable: r.payable, withheld: r.withheld, payments: r.payments, net: r.net, direction: r.direction, currency: r.currency })
      .toEqual({ receivable: '1.762', payable: '1.10', withheld: '0.00', payments: '2.75', net: '-0.6789', direction: 'we-pay-them', currency: 'USD' });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(join(tmp.dir, 'nordlink-2026-09.xlsx'));
    expect(wb.getWorksheet('Statement')!.getCell('A1').value).toBe('Settlement statement');

    const human = trunkline('position', '--carrier', PARTNER, '--period', '2026-08');
    expect(human.stdout).toContain('the carrier pays us 1.5591 USD, due 2026-09-30');
    expect(trunkline('ageing', '--as-of', '2026-12-05').stdout).toMatch(/Nordlink\s+USD\s+-0\.6789/);
  });

  it('exit codes: usage 1, bad input 2 (nothing written)', () => {
    expect(trunkline('payments', 'add', '--carrier', PARTNER, '--amount', '1', '--currency', 'USD', '--date', '2026-09-01', '--direction', 'sideways').status).toBe(1);
    expect(trunkline('invoices', 'issue', '--customer', PARTNER).status).toBe(1);
    const bad = trunkline('--json', 'invoices', 'issue', '--customer', PARTNER, '--period', '2026-13');
    expect(bad.status).toBe(2);
    expect(JSON.parse(bad.stdout).error.code).toBe('INVALID_ARGUMENTS');
    const gbp = trunkline('payments', 'add', '--carrier', PARTNER, '--amount', '10', '--currency', 'GBP', '--date', '2026-10-02', '--direction', 'in');
    expect(gbp.status).toBe(0);
    const missing = trunkline('--json', 'statement', '--carrier', PARTNER, '--period', '2026-10', '--out', 'oct.xlsx');
    expect(missing.status).toBe(2);
    expect(JSON.parse(missing.stdout).error).toMatchObject({ code: 'FX_RATE_MISSING', details: { from: 'GBP', to: 'USD', date: '2026-10-02' } });
    expect(trunkline('fx', 'set', '--from', 'EUR', '--to', 'EUR', '--rate', '1', '--date', '2026-01-01').status).toBe(2);
  });
});
