import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { columnLetter } from '../api/deck-fields.ts';
import { TrunklineError, problemsError } from '../api/errors.ts';
import { spreadsheetNumberToDecimalString } from '../money/scaled-decimal.ts';
import { checkXlsxZip } from './zip-guard.ts';

/**
 * Hostile-input limits (issue 8). No rate deck row is a megabyte long or 1,000 columns wide; a
 * file that is would cost memory out of all proportion before any cell could be judged.
 */
export const MAX_LINE_CHARS = 1024 * 1024;
export const MAX_COLUMNS = 1000;

/** A cell as read: text, a number (XLSX), a Date carrying wall-clock time as UTC (XLSX date cells), or nothing. */
export type Cell = string | number | Date | null;

export interface TableRow {
  /** 1-based, as a spreadsheet shows it. */
  row: number;
  cells: Cell[];
}

export interface TableSheet {
  name: string;
  /** CSV rows come synchronously (cheaper per row); XLSX rows as the zip streams in. */
  rows: AsyncIterable<TableRow> | Iterable<TableRow>;
}

/** One iterator over either kind of rows; `await` on its sync results costs next to nothing. */
export function rowIterator(rows: TableSheet['rows']): AsyncIterator<TableRow> | Iterator<TableRow> {
  return Symbol.asyncIterator in rows ? rows[Symbol.asyncIterator]() : rows[Symbol.iterator]();
}

export interface Table {
  format: 'csv' | 'xlsx';
  encoding?: string;
  delimiter?: string;
  sheets: AsyncIterable<TableSheet>;
}

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const OLE_MAGIC = [0xd0, 0xcf, 0x11, 0xe0];

function startsWith(buf: Buffer, magic: number[]): boolean {
  return magic.every((b, i) => buf[i] === b);
}

async function readHead(path: string, bytes: number): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** Opens a CSV or XLSX file as a sequence of sheets of rows. `label` names the file in errors. */
/**
 * exceljs's streaming reader now and then fails a sound workbook whose workbook.xml comes last in
 * the zip ("Cannot read properties of undefined (reading 'sheets')": a worksheet reached before the
 * workbook's model; seen under load, never twice in a row). A read writes nothing, so a read that
 * fails so is done once more.
 */
export async function readingTwiceOnReaderRace<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (e) {
    if (!(e instanceof Error) || !e.message.includes("reading 'sheets'")) throw e;
    return read();
  }
}

export async function openTable(path: string, label: string): Promise<Table> {
  let head: Buffer;
  try {
    head = await readHead(path, 8);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new TrunklineError('FILE_NOT_FOUND', `${label}: no such file`, { file: label });
    throw new TrunklineError('FILE_UNREADABLE', `${label}: cannot be read (${code ?? (e as Error).message})`, { file: label });
  }
  if (head.length === 0) throw new TrunklineError('DECK_EMPTY', `${label}: the file is empty`, { file: label });
  if (startsWith(head, OLE_MAGIC)) {
    throw new TrunklineError('FILE_UNREADABLE', `${label}: this is a legacy Excel 97-2003 (.xls) file or a password-protected (encrypted) workbook; save it as .xlsx without a password, or as CSV`, { file: label });
  }
  if (startsWith(head, ZIP_MAGIC)) {
    await checkXlsxZip(path, label);
    return { format: 'xlsx', sheets: xlsxSheets(path, label) };
  }
  const { readFile } = await import('node:fs/promises');
  const buf = await readFile(path);
  checkLineLengths(buf, label);
  const text = decodeText(buf, label);
  if (text.text.trim() === '') throw new TrunklineError('DECK_EMPTY', `${label}: the file holds no text (${text.encoding})`, { file: label });
  const delimiter = guessDelimiter(text.text);
  return { format: 'csv', encoding: text.encoding, delimiter, sheets: csvSheets(text.text, delimiter, label) };
}

/** Refuses a file with a line longer than MAX_LINE_CHARS, before it is decoded or split into fields. */
function checkLineLengths(buf: Buffer, label: string): void {
  // In UTF-16 a character takes two bytes; the byte limit allows for that.
  const limit = MAX_LINE_CHARS * 2;
  let start = 0;
  for (let line = 1; start < buf.length; line++) {
    let end = buf.indexOf(10, start);
    if (end < 0) end = buf.length;
    if (end - start > limit) {
      throw problemsError(label, [{
        file: label, row: line, column: 'A', value: buf.toString('latin1', start, start + 60),
        message: `the line is ${(end - start).toLocaleString('en-US')} characters long; a rate deck line is at most ${MAX_LINE_CHARS.toLocaleString('en-US')}`,
      }]);
    }
    start = end + 1;
  }
}

/**
 * Where a file that is not valid UTF-8 still holds valid multi-byte UTF-8 sequences, two encodings
 * were mixed (rows pasted from two sources): no one reading of it is right, so it is refused,
 * naming the first line that is not UTF-8.
 */
function mixedEncodingLine(buf: Buffer): number | null {
  let multibyte = false;
  let firstBad = -1;
  for (let i = 0; i < buf.length; i++) {
    const b = buf[i]!;
    if (b < 0x80) continue;
    const need = b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    // A sequence cut by the end of the buffer (a sniffed head of a file) is not evidence of anything.
    if (need > 0 && i + need >= buf.length) break;
    let ok = need > 0;
    for (let k = 1; ok && k <= need; k++) ok = (buf[i + k]! & 0xc0) === 0x80;
    if (ok) {
      multibyte = true;
      i += need;
    } else if (firstBad < 0) firstBad = i;
    if (multibyte && firstBad >= 0) break;
  }
  if (!multibyte || firstBad < 0) return null;
  let line = 1;
  for (let i = 0; i < firstBad; i++) if (buf[i] === 10) line++;
  return line;
}

export function decodeText(buf: Buffer, label: string): { text: string; encoding: string } {
  if (startsWith(buf, ZIP_MAGIC)) {
    throw new TrunklineError('FILE_UNREADABLE', `${label}: this is an XLSX workbook (a zip file), and only CSV text is read here; save the sheet as CSV`, { file: label });
  }
  let mixedLine: number | null = null;
  let encoding: string;
  let body = buf;
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) {
    encoding = 'utf-8';
    body = buf.subarray(3);
  } else if (buf[0] === 0xff && buf[1] === 0xfe) {
    encoding = 'utf-16le';
    body = buf.subarray(2);
  } else if (buf[0] === 0xfe && buf[1] === 0xff) {
    encoding = 'utf-16be';
    body = buf.subarray(2);
  } else {
    const sample = buf.subarray(0, 4096);
    let evenNul = 0;
    let oddNul = 0;
    for (let i = 0; i < sample.length; i++) {
      if (sample[i] !== 0) continue;
      if (i % 2 === 0) evenNul++;
      else oddNul++;
    }
    const half = sample.length / 2;
    if (oddNul > half * 0.3 && evenNul < half * 0.05) encoding = 'utf-16le';
    else if (evenNul > half * 0.3 && oddNul < half * 0.05) encoding = 'utf-16be';
    else {
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(buf);
        encoding = 'utf-8';
      } catch {
        mixedLine = mixedEncodingLine(buf);
        encoding = 'windows-1252';
      }
    }
  }
  let text: string;
  if (encoding === 'utf-16be') {
    // swap16 needs an even length: a file cut inside its last character (found by fuzzing) keeps
    // the whole characters, and the lone byte reads as U+FFFD, as the UTF-16LE decoder reads it.
    const even = body.length & ~1;
    const swapped = Buffer.from(body.subarray(0, even));
    swapped.swap16();
    text = new TextDecoder('utf-16le').decode(swapped) + (even < body.length ? '\ufffd' : '');
  } else {
    text = new TextDecoder(encoding).decode(body);
  }
  let control = 0;
  const probe = Math.min(text.length, 65536);
  for (let i = 0; i < probe; i++) {
    const c = text.charCodeAt(i);
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13) || c === 0xfffd) control++;
  }
  if (probe > 0 && control / probe > 0.01) {
    throw new TrunklineError('FILE_UNREADABLE', `${label}: this is not a text (CSV) or XLSX file; it holds binary data`, { file: label, encoding });
  }
  if (mixedLine !== null) {
    throw new TrunklineError('FILE_UNREADABLE', `${label}: the file mixes UTF-8 with another encoding (line ${mixedLine} is not UTF-8, other lines are); save it again in one encoding (UTF-8)`, { file: label, row: mixedLine });
  }
  return { text, encoding };
}

const DELIMITERS = [',', ';', '\t', '|'] as const;

/** The delimiter that splits the most lines into the same number (≥ 2) of fields; notes lines above a table do not vote. */
export function guessDelimiter(text: string): string {
  const lines = text.split(/\r\n|\n|\r/, 200).filter((l) => l.trim() !== '');
  let best: string = ',';
  let bestScore = -1;
  for (const d of DELIMITERS) {
    const counts = new Map<number, number>();
    for (const l of lines) {
      const n = l.split(d).length;
      if (n >= 2) counts.set(n, (counts.get(n) ?? 0) + 1);
    }
    let score = 0;
    for (const [fields, lineCount] of counts) score = Math.max(score, lineCount * 1000 + fields);
    if (score > bestScore) {
      bestScore = score;
      best = d;
    }
  }
  return best;
}

async function* csvSheets(text: string, delimiter: string, label: string): AsyncGenerator<TableSheet> {
  const name = label.replace(/^.*[\\/]/, '').replace(/\.[^.]+$/, '');
  yield { name, rows: csvRows(text, delimiter, label) };
}

/** Rows parsed a batch at a time (the parser pauses between batches), so a big file is never held as rows all at once. */
function* csvRows(text: string, delimiter: string, label: string): Generator<TableRow> {
  let queue: string[][] = [];
  let paused: Papa.Parser | undefined;
  let done = false;
  let quoteError: { row: number; column: string; value: string } | undefined;
  let seen = 0;
  let tooWide: { row: number; columns: number } | undefined;
  Papa.parse<string[]>(text, {
    delimiter,
    skipEmptyLines: false,
    step: (res, parser) => {
      seen++;
      if (res.data.length > MAX_COLUMNS && !quoteError) {
        tooWide ??= { row: seen, columns: res.data.length };
      }
      if (!quoteError) {
        const e = res.errors.find((x) => x.type === 'Quotes');
        if (e) {
          // The open quote swallows the rest of the file into one field: the first with a line break.
          let at = res.data.findIndex((c) => /[\r\n]/.test(c));
          if (at < 0) at = res.data.length - 1;
          quoteError = { row: seen, column: columnLetter(at), value: (res.data[at] ?? '').slice(0, 60) };
        }
      }
      queue.push(res.data);
      if (queue.length >= 4096) {
        parser.pause();
        paused = parser;
      }
    },
    complete: () => {
      done = true;
    },
  });
  let row = 0;
  for (;;) {
    if (tooWide) throw wideRowError(label, tooWide.row, tooWide.columns);
    if (quoteError) {
      // The rows before the broken one are handed over first: they hold the header that names its column.
      for (const cells of queue) {
        if (row + 1 >= quoteError.row) break;
        yield { row: ++row, cells };
      }
      throw problemsError(label, [{
        file: label, row: quoteError.row, column: quoteError.column, value: quoteError.value,
        message: 'a quoted field is not closed (an opening " has no closing ")',
      }]);
    }
    const batch = queue;
    queue = [];
    for (const cells of batch) yield { row: ++row, cells };
    if (done && queue.length === 0) return;
    const p = paused;
    paused = undefined;
    p?.resume();
  }
}

function cellValue(v: ExcelJS.CellValue): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (v instanceof Date) return v;
  if (typeof v === 'object') {
    if ('richText' in v && Array.isArray(v.richText)) return v.richText.map((t) => t.text).join('');
    if ('result' in v) {
      const r = (v as { result?: unknown }).result;
      if (r === undefined || r === null) return null;
      if (typeof r === 'object' && r !== null && 'error' in r) return String((r as { error: string }).error);
      return cellValue(r as ExcelJS.CellValue);
    }
    // A formula saved without its result (or with an error result the reader drops): its text, so an error can name it.
    if ('formula' in v || 'sharedFormula' in v) return `=${String((v as { formula?: unknown; sharedFormula?: unknown }).formula ?? (v as { sharedFormula?: unknown }).sharedFormula)}`;
    if ('text' in v) return String((v as { text: unknown }).text);
    if ('error' in v) return String((v as { error: string }).error);
  }
  return String(v);
}

/** How long a workbook may go without a row once the whole file has been read, before it counts as stalled. */
const STALL_MS = 3000;

/**
 * exceljs's streaming reader, given a workbook whose compressed data is damaged (its zip directory
 * intact), can stop without an error or an end: the import would wait forever (the CLI process
 * just exited with status 13, an unsettled promise). Every step of the reader is raced against
 * this watchdog: once the file has been read to its end, no progress for STALL_MS is a damaged file.
 */
function watchdog(input: NodeJS.EventEmitter, label: string) {
  let closedAt = 0;
  let last = Date.now();
  let fail: ((e: Error) => void) | null = null;
  input.on('close', () => {
    closedAt = Date.now();
  });
  const timer = setInterval(() => {
    if (!closedAt || Date.now() - Math.max(closedAt, last) < STALL_MS) return;
    if (fail) fail(new TrunklineError('FILE_UNREADABLE', `${label}: the XLSX file is damaged or truncated (its data stops part-way)`, { file: label }));
    // Nobody is waiting any more (the reader finished or its consumer left): stop watching.
    clearInterval(timer);
  }, 250);
  return {
    step<T>(p: Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        fail = reject;
        p.then((v) => {
          last = Date.now();
          fail = null;
          resolve(v);
        }, (e: unknown) => {
          fail = null;
          reject(e);
        });
      });
    },
    stop: () => clearInterval(timer),
  };
}

async function* guarded<T>(items: AsyncIterable<T>, dog: ReturnType<typeof watchdog>): AsyncGenerator<T> {
  const it = items[Symbol.asyncIterator]();
  for (;;) {
    const r = await dog.step(it.next());
    if (r.done) return;
    yield r.value;
  }
}

async function* xlsxSheets(path: string, label: string): AsyncGenerator<TableSheet> {
  const input = createReadStream(path);
  const dog = watchdog(input, label);
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'emit',
  });
  try {
    for await (const ws of guarded(reader as unknown as AsyncIterable<unknown>, dog)) {
      const sheet = ws as AsyncIterable<ExcelJS.Row> & { name: string };
      yield {
        name: sheet.name,
        rows: (async function* () {
          try {
            for await (const r of guarded(sheet, dog)) {
              const values = r.values as ExcelJS.CellValue[];
              if (values.length - 1 > MAX_COLUMNS) throw wideRowError(label, r.number, values.length - 1);
              const cells: Cell[] = [];
              for (let i = 1; i < values.length; i++) cells.push(cellValue(values[i]));
              yield { row: r.number, cells };
            }
          } catch (e) {
            throw damaged(e, label);
          }
        })(),
      };
    }
  } catch (e) {
    throw damaged(e, label);
  } finally {
    dog.stop();
  }
}

function wideRowError(label: string, row: number, columns: number): TrunklineError {
  return problemsError(label, [{
    file: label, row, column: columnLetter(MAX_COLUMNS), value: `${columns} columns`,
    message: `the row has ${columns} columns; a rate deck has at most ${MAX_COLUMNS}`,
  }]);
}

function damaged(e: unknown, label: string): TrunklineError {
  if (e instanceof TrunklineError) return e;
  return new TrunklineError('FILE_UNREADABLE', `${label}: the XLSX file is damaged or truncated (${(e as Error).message})`, { file: label });
}

/** A cell as text the way the spreadsheet shows it: numbers without binary noise, dates as ISO. */
export function cellText(c: Cell): string {
  if (c === null) return '';
  if (typeof c === 'string') return c;
  if (typeof c === 'number') return spreadsheetNumberToDecimalString(c);
  return c.toISOString().replace(/T00:00:00\.000Z$/, '').replace('.000Z', 'Z');
}
