import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Problem } from '../../../core/api/errors.ts';
import { count, err, ok, openWorkspace, type Workspace } from '../../helpers/workspace.ts';

/**
 * Billing systems that print the invoice's header fields (number, period, currency, dates) on every
 * line of the table instead of above it: read, checked line by line and against the notes block.
 */
let ws: Workspace;
const HEAD = 'Invoice No,Period From,Period To,Currency,Invoice Date,Due Date,Prefix,Destination,Calls,Minutes,Rate,Amount';

beforeEach(async () => {
  ws = openWorkspace();
  ok(await ws.engine.dispatch('carriers.create', { name: 'Tabula', settings: { roles: 'vendor', timezone: 'UTC', paymentTermsDays: 30 } }));
});
afterEach(() => ws.cleanup());

function file(name: string, lines: string[]): string {
  const path = join(ws.dir, name);
  writeFileSync(path, lines.join('\r\n') + '\r\n');
  return path;
}

async function refused(path: string): Promise<Problem[]> {
  const e = err(await ws.engine.dispatch('invoices.import', { file: path, carrier: 'Tabula' }));
  expect(e.code).toBe('INVOICE_PARSE_ERROR');
  expect(count(ws.dbPath, 'vendor_invoices')).toBe(0);
  expect(count(ws.dbPath, 'vendor_invoice_lines')).toBe(0);
  return (e.details as { problems: Problem[] }).problems;
}

describe('invoice header fields in table columns', () => {
  it('are read from the lines: number, period, currency, issue and due dates (an empty cell on a later line says nothing)', async () => {
    const path = file('tabula.csv', [HEAD,
      'TB-0042,2026-09-01,2026-09-30,eur,2026-10-02,2026-10-31,447,UK Mobile,10,12.5,0.02,0.25',
      ',,,,,,33,France,2,3,0.015,0.045',
      'TB-0042,2026-09-01,2026-09-30,EUR,2026-10-02,2026-10-31,4420,UK London,1,1,0.01,0.01',
      'Total,,,,,,,,,,,0.305']);
    const i = ok(await ws.engine.dispatch('invoices.import', { file: path, carrier: 'Tabula' }));
    expect(i).toMatchObject({ number: 'TB-0042', period: '2026-09', currency: 'EUR', issuedOn: '2026-10-02', dueOn: '2026-10-31', total: '0.305', lineCount: 3 });
    const inspect = ok(await ws.engine.dispatch('invoices.inspect', { file: path, carrier: 'Tabula' }));
    expect(inspect.mapping.slice(0, 6).map((m) => m.field)).toEqual(['invoiceNumber', 'periodFrom', 'periodTo', 'currency', 'invoiceDate', 'dueDate']);
  });

  it('a period that ends before it starts is refused naming the row, the column and the value; nothing written', async () => {
    const p = await refused(file('backwards.csv', [HEAD, 'TB-1,2026-12-01,2026-11-01,USD,,,44,UK,10,12.5,0.01,0.125']));
    expect(p).toContainEqual(expect.objectContaining({ file: 'backwards.csv', row: 2, column: 'C "Period To"', value: '2026-11-01', message: expect.stringMatching(/before it starts/) }));
  });

  it('two lines naming different invoices, an unreadable date and a bad currency are each named', async () => {
    const p = await refused(file('mixed.csv', [HEAD,
      'TB-1,2026-09-01,2026-09-30,USD,,,44,UK,10,12.5,0.01,0.125',
      'TB-2,2026-09-01,2026-09-30,USD,,,33,France,1,1,0.01,0.01',
      'TB-1,2026-09-01,2026-09-30,USD,,,34,Spain,1,1,0.01,0.01']));
    expect(p).toContainEqual(expect.objectContaining({ row: 3, column: 'A "Invoice No"', value: 'TB-2', message: expect.stringMatching(/row 2 says "TB-1"/) }));
    const q = await refused(file('dates.csv', [HEAD, 'TB-1,2026-09-01,the end,US Dollar,,,44,UK,10,12.5,0.01,0.125']));
    expect(q).toContainEqual(expect.objectContaining({ row: 2, column: 'C "Period To"', value: 'the end' }));
    expect(q).toContainEqual(expect.objectContaining({ row: 2, column: 'D "Currency"', value: 'US Dollar' }));
  });

  it('a column contradicting the notes block above the table is refused; agreeing with it is fine', async () => {
    const notes = ['Invoice No: TB-7', 'Billing period: 2026-09-01 to 2026-09-30', ''];
    const p = await refused(file('contradicts.csv', [...notes, HEAD, 'TB-8,2026-09-01,2026-09-30,USD,,,44,UK,10,12.5,0.01,0.125']));
    expect(p).toContainEqual(expect.objectContaining({ row: 5, column: 'A "Invoice No"', value: 'TB-8', message: expect.stringMatching(/"TB-7"/) }));
    const i = ok(await ws.engine.dispatch('invoices.import', { file: file('agrees.csv', [...notes, HEAD, 'TB-7,2026-09-01,2026-09-30,USD,,,44,UK,10,12.5,0.01,0.125']), carrier: 'Tabula' }));
    expect(i).toMatchObject({ number: 'TB-7', period: '2026-09', total: '0.125' });
  });

  it('a reversed billing period in the notes block is refused too', async () => {
    const p = await refused(file('notes-backwards.csv', ['Invoice No: TB-9', 'Billing period: 2026-09-30 to 2026-09-01', '', 'Destination,Calls,Minutes,Amount', 'UK,1,1,0.01']));
    expect(p).toContainEqual(expect.objectContaining({ value: '2026-09-30 to 2026-09-01', message: expect.stringMatching(/before it starts/) }));
  });
});
