import { createWriteStream } from 'node:fs';
import ExcelJS from 'exceljs';
import { RATES_EXPORT_COLUMNS } from '../api/contract.ts';
import { TrunklineError } from '../api/errors.ts';
import type { InForceRate } from '../db/rates-repo.ts';
import type { JobContext } from '../jobs/jobs.ts';
import { formatScaled } from '../money/scaled-decimal.ts';
import { isoInstant } from '../time/parse-date.ts';
import { csvField, spreadsheetSafe } from '../util/csv.ts';

function cancelled(): TrunklineError {
  return new TrunklineError('JOB_CANCELLED', 'the export was cancelled; no file was written');
}

export async function writeRatesCsv(path: string, rows: Iterable<InForceRate>, job: JobContext): Promise<number> {
  const out = createWriteStream(path, { encoding: 'utf8' });
  const done = new Promise<void>((resolve, reject) => {
    out.on('finish', resolve);
    out.on('error', reject);
  });
  let buffer = RATES_EXPORT_COLUMNS.join(',') + '\n';
  let count = 0;
  try {
    for (const r of rows) {
      buffer += `${r.prefix},${csvField(r.destination)},${formatScaled(r.rateE8!)},${r.currency},${isoInstant(r.from)},${r.to === null ? '' : isoInstant(r.to)},${r.first},${r.next},${r.min},${r.grace},${formatScaled(r.feeE8)}\n`;
      count++;
      if (buffer.length > 1 << 20) {
        if (!out.write(buffer)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
        buffer = '';
        job.progress('writing', count);
        if (job.signal.aborted) throw cancelled();
      }
    }
    out.end(buffer);
    await done;
  } catch (e) {
    out.destroy();
    throw e;
  }
  return count;
}

const RATE_FORMAT = '0.0000####';

export async function writeRatesXlsx(path: string, rows: Iterable<InForceRate>, job: JobContext): Promise<number> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useStyles: true, useSharedStrings: false });
  const ws = wb.addWorksheet('Rates', { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = RATES_EXPORT_COLUMNS.map((c) => ({
    header: c,
    key: c,
    width: c === 'destination' ? 36 : c.startsWith('effective') ? 22 : c === 'prefix' ? 14 : 12,
    style: c === 'rate' || c === 'connection_fee' ? { numFmt: RATE_FORMAT } : {},
  }));
  ws.getRow(1).font = { bold: true };
  let count = 0;
  for (const r of rows) {
    // Prefixes stay text (a number would lose nothing here, but a sheet would show 4.47E+11 for long codes);
    // rates are numbers for the accountant, exact to the 15 digits a spreadsheet keeps.
    ws.addRow([
      r.prefix, spreadsheetSafe(r.destination), Number(formatScaled(r.rateE8!)), r.currency, isoInstant(r.from),
      r.to === null ? null : isoInstant(r.to), r.first, r.next, r.min, r.grace, Number(formatScaled(r.feeE8)),
    ]).commit();
    count++;
    if (count % 20000 === 0) {
      job.progress('writing', count);
      if (job.signal.aborted) throw cancelled();
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: RATES_EXPORT_COLUMNS.length } };
  ws.commit();
  await wb.commit();
  return count;
}
