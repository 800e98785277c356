import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ErrorCode, Problem } from '../../../core/api/errors.ts';
import { count, err, ok, openWorkspace, ROOT, type Workspace } from '../../helpers/workspace.ts';

const GOOD = join(ROOT, 'fixtures', 'invoices');
const BROKEN = join(ROOT, 'fixtures', 'invoices-broken');
let ws: Workspace;

beforeEach(async () => {
  ws = openWorkspace();
  ok(await ws.engine.dispatch('carriers.create', { name: 'Acme', settings: { roles: 'vendor', timezone: 'Europe/London', paymentTermsDays: 30 } }));
});
afterEach(() => ws.cleanup());

describe('invoice fixtures: quirks of real billing exports', () => {
  it('notes block, thousands separators, $ amounts, subtotal and totals rows, DD/MM dates', async () => {
    const i = ok(await ws.engine.dispatch('invoices.import', { file: join(GOOD, 'acme-notes-block.csv'), carrier: 'Acme' }));
    expect(i).toMatchObject({ number: 'ACME-2026-0917', period: '2026-09', currency: 'USD', issuedOn: '2026-10-05', dueOn: '2026-11-04', total: '761.24', lineCount: 4 });
    expect(i.periodFrom).toBe('2026-08-31T23:00:00Z');
    expect(i.lines[0]).toMatchObject({ destination: 'United Kingdom - Mobile', prefix: '447', calls: 12408, minutes: '31220.50', rate: '0.0200', amount: '624.41', row: 10 });
    expect(i.warnings.some((w) => /subtotal/.test(w))).toBe(true);
  });

  it('semicolons, decimal commas and dot thousands, a month period, no total (the lines make it)', async () => {
    const i = ok(await ws.engine.dispatch('invoices.import', { file: join(GOOD, 'eurotel-semicolon.csv'), carrier: 'Acme' }));
    expect(i).toMatchObject({ number: 'EU-7781', period: '2026-09', currency: 'EUR', total: '34.70' });
    expect(i.lines[0]).toMatchObject({ calls: 1204, minutes: '3310.50', rate: '0.0080', amount: '26.48' });
    expect(i.warnings.join(' ')).toMatch(/no total/);
    expect(i.warnings.join(' ')).toMatch(/in EUR, the carrier settles in USD/);
    expect(i.dueOn).toBe('2026-11-01');
  });

  it('BOM, CRLF, h:mm:ss durations, an accounting negative (credit) line, a grand total; period from the flags', async () => {
    const i = ok(await ws.engine.dispatch('invoices.import', { file: join(GOOD, 'bom-crlf-credit.csv'), carrier: 'Acme', number: 'CR-1', from: '2026-09-01', to: '2026-09-30' }));
    expect(i).toMatchObject({ number: 'CR-1', period: '2026-09', total: '1.00' });
    expect(i.lines[0]).toMatchObject({ destination: 'USA', calls: 1000, minutes: '83.33333333', amount: '-0.50' });
  });

  it('Excel: notes in cells, date cells, number cells and a formula total', async () => {
    const i = ok(await ws.engine.dispatch('invoices.import', { file: join(GOOD, 'globalvoice-2026-09.xlsx'), carrier: 'Acme' }));
    expect(i).toMatchObject({ number: 'GV-000412', period: '2026-09', issuedOn: '2026-10-01', dueOn: '2026-10-31', total: '98.2105' });
    expect(i.lines[0]).toMatchObject({ destination: 'UK Mobile', prefix: '447', calls: 1500, minutes: '4200.50', rate: '0.0210', amount: '88.2105' });
  });

  it('refuses the same invoice number twice, and inspect writes nothing', async () => {
    const r = ok(await ws.engine.dispatch('invoices.inspect', { file: join(GOOD, 'acme-notes-block.csv'), carrier: 'Acme' }));
    expect(r.header).toMatchObject({ number: 'ACME-2026-0917', total: '761.24', periodFrom: '2026-09-01', periodTo: '2026-09-30' });
    expect(count(ws.dbPath, 'vendor_invoices')).toBe(0);
    ok(await ws.engine.dispatch('invoices.import', { file: join(GOOD, 'acme-notes-block.csv'), carrier: 'Acme' }));
    expect(err(await ws.engine.dispatch('invoices.import', { file: join(GOOD, 'acme-notes-block.csv'), carrier: 'Acme' })).code).toBe('INVOICE_EXISTS');
    expect(ok(await ws.engine.dispatch('invoices.list', { carrier: 'Acme' }))).toHaveLength(1);
  });
});

describe('broken invoices: a clear error naming where, and nothing written', () => {
  const cases: { file: string; code: ErrorCode; problem?: Partial<Problem>; message?: RegExp }[] = [
    { file: 'total-mismatch.csv', code: 'INVOICE_TOTAL_MISMATCH', message: /total 0.60 is not the sum of its 2 lines \(0.55/ },
    { file: 'bad-amount.csv', code: 'INVOICE_PARSE_ERROR', problem: { row: 5, column: 'D "Amount"', value: 'zero point one five' } },
    { file: 'bad-calls.csv', code: 'INVOICE_PARSE_ERROR', problem: { row: 4, column: 'B "Calls"', value: '10.5' } },
    { file: 'bad-code.csv', code: 'INVOICE_PARSE_ERROR', problem: { row: 4, column: 'B "Code"', value: '44-7x' } },
    { file: 'no-destination.csv', code: 'INVOICE_PARSE_ERROR', problem: { row: 5, column: 'A "Destination"' } },
    { file: 'no-number.csv', code: 'INVOICE_NO_NUMBER' },
    { file: 'no-period.csv', code: 'INVOICE_NO_PERIOD' },
    { file: 'no-header.csv', code: 'INVOICE_NO_HEADER' },
    { file: 'ambiguous-date.csv', code: 'INVOICE_PARSE_ERROR', problem: { value: '03/04/2026' } },
  ];
  it.each(cases)('$file → $code', async ({ file, code, problem, message }) => {
    const e = err(await ws.engine.dispatch('invoices.import', { file: join(BROKEN, file), carrier: 'Acme' }));
    expect(e.code).toBe(code);
    if (problem) expect((e.details?.problems as Problem[])[0]).toMatchObject({ file, ...problem });
    if (message) expect(e.message).toMatch(message);
    expect(count(ws.dbPath, 'vendor_invoices')).toBe(0);
    expect(count(ws.dbPath, 'vendor_invoice_lines')).toBe(0);
  });
});
