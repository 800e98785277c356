import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InvoiceIssueReport, StatementReport } from '../../core/api/contract.ts';
import type { DisputeDetail, InvoiceDetail, Reconciliation } from '../../core/api/recon-types.ts';
import { trunklineCli, trunklineJson } from '../helpers/cli-at.ts';
import { AGREED, AT, AUGUST, CLAIMED, CREDIT_NOTE, PARTNER, SEPTEMBER, writePartnerFiles } from '../helpers/settlement-scenario.ts';
import { ROOT, tempDir } from '../helpers/workspace.ts';

let tmp: { dir: string; cleanup(): void };
const ws = (now?: string) => ({ db: join(tmp.dir, 'w.db'), cwd: tmp.dir, now });
/** The command typed on a given day (what it records is stamped with that instant). */
const at = (now: string, ...args: string[]) => trunklineCli(ws(now), ...args);
const trunkline = (...args: string[]) => trunklineCli(ws(), ...args);

beforeAll(async () => {
  const build = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs'), 'cli'], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`build failed: ${build.stderr}`);
  tmp = tempDir('trunkline-settle-cli-');
  await writePartnerFiles(tmp.dir);
});
afterAll(() => tmp.cleanup());

const figures = (r: StatementReport) => ({ receivable: r.receivable, payable: r.payable, withheld: r.withheld, payments: r.payments, net: r.net, direction: r.direction, currency: r.currency });
const pick = (f: typeof AUGUST | typeof SEPTEMBER) => ({ receivable: f.receivable, payable: f.payable, withheld: f.withheld, payments: f.payments, net: f.net, direction: f.direction, currency: f.currency });

describe('trunkline invoices issue, invoices import, reconcile, disputes, payments, fx, statement', () => {
  it('closes two months with a two-way partner from the command line', async () => {
    // 1 September: our side of August.
    const sep1 = AT.augustClose;
    expect(at(sep1, 'carriers', 'add', PARTNER, '--roles', 'vendor,customer', '--currency', 'USD', '--timezone', 'UTC', '--rounding', 'per-call',
      '--decimals', '4', '--payment-terms-days', '30', '--dispute-threshold-absolute', '0.10', '--dispute-threshold-percent', '1').status).toBe(0);
    expect(at(sep1, 'decks', 'import', 'nordlink-sell.csv', '--carrier', PARTNER, '--side', 'sell', '--received', '2025-12-01').status).toBe(0);
    expect(at(sep1, 'decks', 'import', 'nordlink-buy.csv', '--carrier', PARTNER, '--side', 'buy', '--received', '2025-12-01').status).toBe(0);
    expect(at(sep1, 'cdrs', 'import', 'switch-2026-08.csv', '--carrier', PARTNER, '--source', 'own', '--timezone', 'UTC').status).toBe(0);
    const inv = trunklineJson<InvoiceIssueReport>(ws(sep1), 'invoices', 'issue', '--customer', PARTNER, '--period', '2026-08');
    expect(inv.outcome).toBe('issued');
    expect(inv.document).toMatchObject({ number: 'TL-2026-000001', total: '3.7991', issuedOn: '2026-09-01', dueOn: '2026-10-01' });

    // 2 September: their invoice in, reconciled, the proposed lines disputed and submitted.
    const sep2 = AT.augustInvoiceIn;
    const theirs = trunklineJson<InvoiceDetail>(ws(sep2), 'invoices', 'import', 'NL-2026-08.csv', '--carrier', PARTNER);
    expect(theirs).toMatchObject({ number: 'NL-2026-08', total: '3.5475', currency: 'USD', issuedOn: '2026-09-01', dueOn: '2026-10-01' });
    const run = trunklineJson<Reconciliation>(ws(sep2), 'reconcile', '--carrier', PARTNER, '--period', '2026-08');
    expect(run).toMatchObject({ invoiceTotal: '3.5475', expectedTotal: '2.953', variance: CLAIMED, proposedDisputeAmount: CLAIMED });
    const opened = trunklineJson<DisputeDetail>(ws(sep2), 'disputes', 'open', '--reconciliation', String(run.id), '--all-proposed');
    expect(opened).toMatchObject({ state: 'draft', claimed: CLAIMED, invoice: 'NL-2026-08' });
    const id = String(opened.id);
    expect(at(AT.submitted, 'disputes', 'set', id, '--state', 'submitted', '--note', 'sent with the CDR evidence').status).toBe(0);

    // August's position with the claim open: withheld from what we pay.
    const augText = trunkline('position', '--carrier', PARTNER, '--period', '2026-08');
    expect(augText.stdout).toContain('the carrier pays us 0.8461 USD, due 2026-09-30');
    const aug = trunklineJson<StatementReport>(ws(AT.submitted), 'statement', '--carrier', PARTNER, '--period', '2026-08', '--out', 'nordlink-2026-08.xlsx');
    expect(figures(aug)).toEqual(pick(AUGUST));

    // The carrier acknowledges, accepts the rate error only, and credits it on 18 September.
    expect(at(AT.acknowledged, 'disputes', 'set', id, '--state', 'acknowledged').status).toBe(0);
    expect(at(AT.partiallyAccepted, 'disputes', 'set', id, '--state', 'partially-accepted', '--agreed', AGREED).status).toBe(0);
    const settled = at(AT.settled, '--json', 'disputes', 'set', id, '--state', 'settled', '--credit-note', CREDIT_NOTE);
    expect(JSON.parse(settled.stdout)).toMatchObject({ state: 'settled', agreed: AGREED, creditNote: CREDIT_NOTE, settledAt: '2026-09-18T14:00:00Z' });

    // 5 October: September closed.
    const oct5 = AT.septemberClose;
    expect(at(oct5, 'cdrs', 'import', 'switch-2026-09.csv', '--carrier', PARTNER, '--source', 'own', '--timezone', 'UTC').status).toBe(0);
    const text = at(oct5, 'invoices', 'issue', '--customer', PARTNER, '--period', '2026-09');
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/^Invoice TL-2026-000002 to Nordlink for 2026-09: 1\.762 USD, issued 2026-10-05, due 2026-11-04/);
    expect(text.stdout).toContain('United Kingdom - Mobile');
    expect(at(oct5, 'invoices', 'issue', '--customer', PARTNER, '--period', '2026-09').stdout).toContain('nothing changed since: no document issued');
    expect(trunklineJson<InvoiceDetail>(ws(oct5), 'invoices', 'import', 'NL-2026-09.xlsx', '--carrier', PARTNER)).toMatchObject({ number: 'NL-2026-09', total: '1.34' });
    expect(trunkline('fx', 'set', '--from', 'EUR', '--to', 'USD', '--rate', '1.0834', '--date', '2026-09-01').stdout).toBe('1 EUR = 1.0834 USD from 2026-09-01\n');
    expect(trunkline('fx', 'set', '--from', 'EUR', '--to', 'USD', '--rate', '1.1', '--date', '2026-09-15').status).toBe(0);
    expect(trunkline('payments', 'add', '--carrier', PARTNER, '--amount', '3.50', '--currency', 'EUR', '--date', '2026-09-10', '--direction', 'in', '--ref', 'SEPA NL-0910').status).toBe(0);
    expect(trunkline('payments', 'add', '--carrier', PARTNER, '--amount', '2.95', '--currency', 'USD', '--date', '2026-09-25', '--direction', 'out', '--ref', 'WIRE 0925').status).toBe(0);

    // Spelled as the issue writes it, --json last.
    const st = at(oct5, 'statement', '--carrier', PARTNER, '--period', '2026-09', '--out', 'nordlink-2026-09.xlsx', '--json');
    expect(st.status).toBe(0);
    const r = JSON.parse(st.stdout) as StatementReport;
    // The --json fields the issue names, exact decimal strings.
    expect(figures(r)).toEqual(pick(SEPTEMBER));
    expect(Object.values(figures(r)).slice(0, 5).every((v) => typeof v === 'string' && /^-?\d+\.\d+$/.test(v))).toBe(true);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(join(tmp.dir, 'nordlink-2026-09.xlsx'));
    const cover = wb.getWorksheet('Statement')!;
    expect(cover.getCell('A1').value).toBe('Settlement statement');
    expect(cover.getCell('B7').value).toBe('2026-10-05T09:00:00Z');
    expect(wb.getWorksheet('Disputes')!.getRow(2).values).toEqual([undefined, opened.id, 'NL-2026-08', '2026-08', 'settled', '2026-09-02T15:30:00Z', '2026-09-18T14:00:00Z', 'USD',
      0.5945, 0.3155, CREDIT_NOTE, 0, 0.5945, 0.3155]);

    // August is as it was, however late it is read.
    expect(trunkline('position', '--carrier', PARTNER, '--period', '2026-08').stdout).toContain('the carrier pays us 0.8461 USD, due 2026-09-30');
    expect(trunkline('ageing', '--as-of', '2026-12-05').stdout).toMatch(/Nordlink\s+USD\s+0\.1491/);
  }, 180_000);

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
