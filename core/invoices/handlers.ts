import { basename } from 'node:path';
import { DateTime } from 'luxon';
import type { ParsedArgs } from '../api/contract.ts';
import type { InvoiceDetail, InvoiceInspectReport } from '../api/recon-types.ts';
import { TrunklineError } from '../api/errors.ts';
import { requireCarrier } from '../carriers/handlers.ts';
import type { EngineContext } from '../context.ts';
import { lineOut } from '../db/invoices-repo.ts';
import { formatAmountE8 } from '../rating/amount.ts';
import { inclusiveDates, periodLabel, resolvePeriod, type Period } from '../reconcile/period.ts';
import type { WallTime } from '../time/parse-date.ts';
import { hashFile } from '../util/hash-file.ts';
import { readInvoice, type ReadInvoiceResult } from './read-invoice.ts';

function wallDate(w: WallTime | null): string | null {
  return w ? `${String(w.year).padStart(4, '0')}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}` : null;
}

export function periodNamer(ctx: EngineContext): (r: { from: number; to: number; carrierId: number }) => string {
  const zones = new Map<number, string>();
  return (r) => {
    let z = zones.get(r.carrierId);
    if (!z) zones.set(r.carrierId, (z = ctx.carriers.list().find((c) => c.id === r.carrierId)?.timezone ?? 'UTC'));
    return periodLabel(r.from, r.to, z);
  };
}

function linesTotal(read: ReadInvoiceResult): bigint {
  return read.lines.reduce((s, l) => s + BigInt(l.amountE8), 0n);
}

/** Reads an invoice without writing anything: what the import would take from it. */
export async function inspectInvoice(ctx: EngineContext, a: ParsedArgs<'invoices.inspect'>): Promise<InvoiceInspectReport> {
  const carrier = a.carrier ? requireCarrier(ctx, a.carrier) : undefined;
  const template = carrier ? ctx.invoices.template(carrier.id) : undefined;
  const label = a.fileName ?? basename(a.file);
  const read = await readInvoice({ path: a.file, label, sheet: a.sheet, headerRow: a.headerRow, template: template?.mapping, overrides: a.map, dateOrder: a.dateOrder ?? template?.dateOrder ?? undefined });
  const n = read.notes;
  const total = n.totalE8 ?? read.totalsRowE8;
  return {
    file: label, format: read.format, sheet: read.sheet, headerRow: read.headerRow,
    header: {
      number: n.number, periodFrom: wallDate(n.periodFrom), periodTo: wallDate(n.periodTo), currency: read.currency,
      issuedOn: wallDate(n.issuedOn), dueOn: wallDate(n.dueOn), total: total === null ? null : formatAmountE8(total),
    },
    mapping: read.mapping,
    lines: read.lines.map((l, k) => lineOut({ ...l, lineNo: k + 1 })),
    linesTotal: formatAmountE8(linesTotal(read)),
    warnings: read.warnings,
  };
}

/**
 * Imports a carrier's invoice: header and summary lines, in one transaction. The total must be the
 * sum of the lines to the last digit (else INVOICE_TOTAL_MISMATCH and nothing is written): a
 * reconciliation against a misread invoice would be worse than none.
 */
export async function importInvoice(ctx: EngineContext, a: ParsedArgs<'invoices.import'>): Promise<InvoiceDetail> {
  const carrier = requireCarrier(ctx, a.carrier);
  const template = ctx.invoices.template(carrier.id);
  const label = a.fileName ?? basename(a.file);
  const dateOrder = a.dateOrder ?? template?.dateOrder ?? undefined;
  const read = await readInvoice({ path: a.file, label, sheet: a.sheet, headerRow: a.headerRow, template: template?.mapping, overrides: a.map, dateOrder });
  const n = read.notes;
  const warnings = [...read.warnings];
  const number = a.number ?? n.number;
  if (!number) throw new TrunklineError('INVOICE_NO_NUMBER', `${label}: no invoice number in the file (a line such as "Invoice No: INV-1001" above the table); give --number`, { file: label });
  let period: Period;
  if (a.period || a.from || a.to) period = resolvePeriod(carrier.timezone, a);
  else if (n.periodFrom && n.periodTo) period = inclusiveDates(n.periodFrom, n.periodTo, carrier.timezone);
  else throw new TrunklineError('INVOICE_NO_PERIOD', `${label}: the file does not state the billing period; give --period YYYY-MM or --from and --to`, { file: label });
  if (n.periodFrom && n.periodTo && (a.period || a.from)) {
    const stated = inclusiveDates(n.periodFrom, n.periodTo, carrier.timezone);
    if (stated.fromMs !== period.fromMs || stated.toMs !== period.toMs) warnings.push(`the file states the period ${stated.label}; imported for ${period.label} as asked`);
  }
  const sum = linesTotal(read);
  if (n.totalE8 !== null && read.totalsRowE8 !== null && n.totalE8 !== read.totalsRowE8) {
    throw new TrunklineError('INVOICE_TOTAL_MISMATCH', `${label}: the total above the table (${formatAmountE8(n.totalE8)}) and the totals row (${formatAmountE8(read.totalsRowE8)}) disagree; nothing was written`,
      { file: label, total: formatAmountE8(n.totalE8), totalsRow: formatAmountE8(read.totalsRowE8), linesTotal: formatAmountE8(sum) });
  }
  const stated = n.totalE8 ?? read.totalsRowE8;
  if (stated !== null && BigInt(stated) !== sum) {
    throw new TrunklineError('INVOICE_TOTAL_MISMATCH', `${label}: the invoice total ${formatAmountE8(stated)} is not the sum of its ${read.lines.length} lines (${formatAmountE8(sum)}, a difference of ${formatAmountE8(BigInt(stated) - sum)}); nothing was written`,
      { file: label, total: formatAmountE8(stated), linesTotal: formatAmountE8(sum), difference: formatAmountE8(BigInt(stated) - sum) });
  }
  if (stated === null) warnings.push('the file states no total: the total is the sum of the lines');
  if (sum > BigInt(Number.MAX_SAFE_INTEGER)) throw new TrunklineError('INVOICE_PARSE_ERROR', `${label}: the invoice total is beyond the exact range`, { file: label, problems: [] });
  const currency = read.currency ?? carrier.currency;
  if (currency !== carrier.currency) warnings.push(`the invoice is in ${currency}, the carrier settles in ${carrier.currency}`);
  if (ctx.invoices.byNumber(carrier.id, number)) {
    throw new TrunklineError('INVOICE_EXISTS', `${carrier.name} invoice ${number} is imported already`, { carrier: carrier.name, number });
  }
  const issuedOn = wallDate(n.issuedOn);
  let dueOn = wallDate(n.dueOn);
  if (!dueOn && issuedOn) {
    dueOn = dueDate(issuedOn, carrier.paymentTermsDays);
    warnings.push(`no due date in the file: ${dueOn}, from the issue date and the carrier's ${carrier.paymentTermsDays} days' payment terms`);
  }
  const { sha256, bytes } = await hashFile(a.file);
  const now = ctx.clock();
  const id = ctx.db.transaction(() => {
    const invoiceId = ctx.invoices.insert({
      carrierId: carrier.id, number, fromMs: period.fromMs, toMs: period.toMs, currency, issuedOn, dueOn,
      totalE8: Number(sum), fileName: label, sha256, bytes, mappingJson: JSON.stringify(read.mapping),
      reportJson: JSON.stringify({ warnings, sheet: read.sheet, headerRow: read.headerRow, format: read.format }),
      importedAt: now, importedBy: ctx.actor, lines: read.lines,
    });
    if (a.saveTemplate) ctx.invoices.saveTemplate(carrier.id, read.templateMapping, a.dateOrder ?? null, now);
    return invoiceId;
  })();
  return getInvoice(ctx, id);
}

export function getInvoice(ctx: EngineContext, id: number): InvoiceDetail {
  const inv = ctx.invoices.get(id, periodNamer(ctx));
  if (!inv) throw new TrunklineError('INVOICE_NOT_FOUND', `no invoice #${id}`, { id });
  return inv;
}

export function dueDate(issuedOn: string, days: number): string {
  return DateTime.fromISO(issuedOn, { zone: 'UTC' }).plus({ days }).toISODate()!;
}
