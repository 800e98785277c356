import { rename, rm } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import type { ParsedArgs } from '../api/contract.ts';
import { RECON_CLASSES } from '../api/recon-types.ts';
import { TrunklineError } from '../api/errors.ts';
import type { EngineContext } from '../context.ts';
import { discrepancyOut, EVIDENCE_SELECT, type EvidenceRow } from '../db/reconcile-repo.ts';
import type { JobContext } from '../jobs/jobs.ts';
import { spreadsheetSafe } from '../util/csv.ts';

export const RECON_LINE_COLUMNS = [
  'destination', 'prefix', 'side', 'invoice_calls', 'own_calls', 'calls_variance', 'invoice_minutes', 'own_minutes', 'minutes_variance',
  'minutes_variance_pct', 'invoice_rate', 'own_rate', 'rate_variance', 'invoice_amount', 'own_amount', 'amount_variance', 'amount_variance_pct', 'material',
] as const;
export const RECON_CDR_COLUMNS = ['class', 'destination', 'called', 'own_id', 'own_start', 'own_duration', 'carrier_id', 'carrier_start', 'carrier_duration', 'expected', 'charged', 'difference'] as const;

/** A decimal string as a number cell for the sheet (Excel holds 15 digits; the exact text stays in the engine's answers). */
function num(s: string | null): number | string {
  return s === null ? '' : Number(s);
}

function header(ws: ExcelJS.Worksheet, names: readonly string[], widths: Record<string, number> = {}): void {
  ws.columns = names.map((n) => ({ header: n, key: n, width: widths[n] ?? Math.max(12, n.length + 2) }));
  ws.getRow(1).font = { bold: true };
}

/** The run as a workbook: summary, lines, causes, disputable items, and the CDR discrepancies, one sheet per class. */
export async function exportReconciliation(ctx: EngineContext, a: ParsedArgs<'reconcile.export'>, job: JobContext): Promise<{ file: string; sheets: string[]; discrepancies: number }> {
  const r = ctx.reconciliations.get(a.id);
  if (!r) throw new TrunklineError('RECONCILIATION_NOT_FOUND', `no reconciliation #${a.id}`, { id: a.id });
  if (!a.out.toLowerCase().endsWith('.xlsx')) throw new TrunklineError('INVALID_ARGUMENTS', `--out "${a.out}": the file must end in .xlsx`);
  const tmp = `${a.out}.partial-${process.pid}`;
  const sheets: string[] = [];
  let count = 0;
  try {
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: tmp, useStyles: true, useSharedStrings: false });
    const view = { views: [{ state: 'frozen' as const, ySplit: 1 }] };
    const s = wb.addWorksheet('Summary');
    sheets.push('Summary');
    s.columns = [{ header: 'field', key: 'f', width: 28 }, { header: 'value', key: 'v', width: 44 }];
    s.getRow(1).font = { bold: true };
    const facts: [string, string | number][] = [
      ['reconciliation', r.id], ['carrier', r.carrier], ['period', r.period], ['from (UTC)', r.from], ['to (UTC)', r.to], ['invoice', r.invoice ?? '(none)'],
      ['currency', r.currency], ['level', r.level], ['time tolerance (s)', r.timeTolerance], ['duration tolerance (s)', r.durationTolerance],
      ['invoice total', num(r.invoiceTotal)], ['expected total', num(r.expectedTotal)], ['variance', num(r.variance)], ['variance %', r.variancePercent ?? ''],
      ['carrier CDR total', num(r.carrierCdrTotal)], ['proposed dispute amount', num(r.proposedDisputeAmount)],
      ['dispute threshold', `${r.threshold.absolute} ${r.currency} and ${r.threshold.percent} %`], ['own calls', r.ownCalls], ['carrier calls', r.carrierCalls],
      ...RECON_CLASSES.map((c) => [`class ${c}`, r.classes[c]] as [string, number]),
      ['run at (UTC)', r.runAt], ['run by', r.runBy], ...r.warnings.map((w) => ['warning', w] as [string, string]),
    ];
    for (const [f, v] of facts) s.addRow([f, typeof v === 'string' ? spreadsheetSafe(v) : v]).commit();
    s.commit();
    const l = wb.addWorksheet('Lines', view);
    sheets.push('Lines');
    header(l, RECON_LINE_COLUMNS, { destination: 30 });
    for (const x of r.lines) {
      const row = l.addRow([spreadsheetSafe(x.destination ?? ''), x.prefix ?? '', x.side, x.invoiceCalls ?? '', x.ownCalls, x.callsVariance ?? '', num(x.invoiceMinutes),
        num(x.ownMinutes), num(x.minutesVariance), num(x.minutesVariancePercent), num(x.invoiceRate), num(x.ownRate), num(x.rateVariance), num(x.invoiceAmount),
        num(x.ownAmount), num(x.amountVariance), num(x.amountVariancePercent), x.material ? 'yes' : '']);
      if (x.material) row.getCell(16).font = { bold: true, color: { argb: 'FFC00000' } };
      row.commit();
    }
    l.commit();
    const c = wb.addWorksheet('Causes', view);
    sheets.push('Causes');
    header(c, ['cause', 'amount', 'calls']);
    for (const x of r.causes) c.addRow([x.cause, num(x.amount), x.calls]).commit();
    c.addRow(['total variance', num(r.variance), '']).commit();
    c.commit();
    const it = wb.addWorksheet('Disputable', view);
    sheets.push('Disputable');
    header(it, ['item', 'cause', 'destination', 'prefix', 'calls', 'minutes', 'amount', 'expected', 'percent', 'proposed'], { destination: 30 });
    for (const x of r.items) it.addRow([x.itemNo, x.cause, spreadsheetSafe(x.destination ?? ''), x.prefix ?? '', x.calls, num(x.minutes), num(x.amount), num(x.expected), num(x.percent), x.proposed ? 'yes' : '']).commit();
    it.commit();
    const stmt = ctx.db.prepare(`${EVIDENCE_SELECT} WHERE d.reconciliation_id = ? AND d.class = ? ORDER BY d.seq`);
    for (const cls of RECON_CLASSES) {
      if (cls === 'exact' || r.classes[cls] === 0) continue;
      const ws = wb.addWorksheet(cls, view);
      sheets.push(cls);
      header(ws, RECON_CDR_COLUMNS, { destination: 26, own_start: 22, carrier_start: 22, called: 16 });
      for (const e of stmt.iterate(a.id, cls) as Iterable<EvidenceRow>) {
        const d = discrepancyOut(e);
        ws.addRow([d.class, spreadsheetSafe(d.destination ?? ''), d.called ?? '', d.ownId ?? '', d.ownStart ?? '', num(d.ownDuration), d.carrierId ?? '', d.carrierStart ?? '',
          num(d.carrierDuration), num(d.expected), num(d.charged), num(d.difference)]).commit();
        if (++count % 20_000 === 0) {
          job.progress('exporting', count);
          if (job.signal.aborted) throw new TrunklineError('JOB_CANCELLED', 'the export was cancelled; no file was written');
        }
      }
      ws.commit();
    }
    await wb.commit();
    await rename(tmp, a.out);
    return { file: a.out, sheets, discrepancies: count };
  } catch (e) {
    await rm(tmp, { force: true });
    if (e instanceof TrunklineError) throw e;
    throw new TrunklineError('EXPORT_FAILED', `cannot write ${a.out}: ${(e as Error).message}`, { file: a.out });
  }
}
