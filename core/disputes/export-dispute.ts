import { rename, rm } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import type { ParsedArgs } from '../api/contract.ts';
import { TrunklineError } from '../api/errors.ts';
import type { EngineContext } from '../context.ts';
import { spreadsheetSafe } from '../util/csv.ts';
import { getDispute } from './handlers.ts';

export const DISPUTE_LINE_COLUMNS = ['line', 'cause', 'destination', 'prefix', 'calls', 'minutes', 'claimed', 'evidence_cdrs'] as const;
export const DISPUTE_EVIDENCE_COLUMNS = ['line', 'class', 'called', 'start_utc', 'our_duration_s', 'your_duration_s', 'expected', 'charged', 'difference', 'our_cdr_id', 'your_cdr_id'] as const;

const CAUSE_TEXT: Record<string, string> = {
  'carrier-only': 'calls billed that our switch did not send to you',
  duplicate: 'calls billed twice (duplicate records in your CDR file)',
  duration: 'billed durations longer than the calls',
  'notice-violation': 'rate increases applied before the contractual notice period had run',
  rate: 'calls charged at a rate other than the agreed rate',
  volume: 'billed minutes above the traffic we sent',
  'line-arithmetic': 'invoice lines whose amount is not minutes × rate',
  'invoice-vs-cdrs': 'an invoice total that differs from your own CDRs',
};

/** The package a carrier's billing team can act on: a letter-style summary, the lines, and the CDRs behind each. */
export async function exportDispute(ctx: EngineContext, a: ParsedArgs<'disputes.export'>): Promise<{ file: string; lines: number; evidence: number }> {
  const d = getDispute(ctx, a.id, 1_000_000);
  if (!a.out.toLowerCase().endsWith('.xlsx')) throw new TrunklineError('INVALID_ARGUMENTS', `--out "${a.out}": the file must end in .xlsx`);
  const tmp = `${a.out}.partial-${process.pid}`;
  try {
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: tmp, useStyles: true, useSharedStrings: false });
    const s = wb.addWorksheet('Summary');
    s.columns = [{ key: 'a', width: 30 }, { key: 'b', width: 70 }];
    const causes = [...new Set(d.lines.map((l) => l.cause))];
    const rows: [string, string | number][] = [
      ['Billing dispute', `#${d.id}`],
      ['To', `${d.carrier} — billing department`],
      ['Invoice', d.invoice ?? '(see period)'],
      ['Period', d.period],
      ['Currency', d.currency],
      ['Amount disputed', Number(d.claimed)],
      ['Status', d.state],
      ['Submitted (UTC)', d.submittedAt ?? 'not yet'],
      ['', ''],
      ['Dear billing team,', ''],
      ['', `We dispute ${d.claimed} ${d.currency} of ${d.invoice ? `invoice ${d.invoice}` : `your invoice for ${d.period}`}, for ${causes.map((c) => CAUSE_TEXT[c] ?? c).join('; ')}.`],
      ['', `The ${d.lines.length} disputed line${d.lines.length === 1 ? '' : 's'} are on the sheet "Lines"; the ${d.evidenceCount} call record${d.evidenceCount === 1 ? '' : 's'} behind them, matched against our switch's CDRs, are on the sheet "Evidence".`],
      ['', `Please issue a credit note for ${d.claimed} ${d.currency}, or reply with your findings per line.`],
    ];
    for (const [k, v] of rows) s.addRow([spreadsheetSafe(k), typeof v === 'string' ? spreadsheetSafe(v) : v]).commit();
    s.getColumn(2).alignment = { wrapText: true };
    s.commit();
    const l = wb.addWorksheet('Lines', { views: [{ state: 'frozen', ySplit: 1 }] });
    l.columns = DISPUTE_LINE_COLUMNS.map((c) => ({ header: c, key: c, width: c === 'destination' ? 30 : 14 }));
    l.getRow(1).font = { bold: true };
    for (const x of d.lines) l.addRow([x.lineNo, x.cause, spreadsheetSafe(x.destination ?? ''), x.prefix ?? '', x.calls, Number(x.minutes), Number(x.claimed), x.evidenceCount]).commit();
    l.addRow(['total', '', '', '', d.lines.reduce((n, x) => n + x.calls, 0), '', Number(d.claimed), d.evidenceCount]).commit();
    l.commit();
    const e = wb.addWorksheet('Evidence', { views: [{ state: 'frozen', ySplit: 1 }] });
    e.columns = DISPUTE_EVIDENCE_COLUMNS.map((c) => ({ header: c, key: c, width: c === 'start_utc' ? 22 : 14 }));
    e.getRow(1).font = { bold: true };
    for (const x of d.evidence) {
      e.addRow([x.lineNo, x.class, x.called ?? '', x.start ?? '', x.ownDuration === null ? '' : Number(x.ownDuration), x.carrierDuration === null ? '' : Number(x.carrierDuration),
        Number(x.expected), Number(x.charged), Number(x.difference), x.ownId ?? '', x.carrierId ?? '']).commit();
    }
    e.commit();
    await wb.commit();
    await rename(tmp, a.out);
    return { file: a.out, lines: d.lines.length, evidence: d.evidence.length };
  } catch (err) {
    await rm(tmp, { force: true });
    if (err instanceof TrunklineError) throw err;
    throw new TrunklineError('EXPORT_FAILED', `cannot write ${a.out}: ${(err as Error).message}`, { file: a.out });
  }
}
