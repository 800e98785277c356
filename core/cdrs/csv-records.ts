/**
 * A streaming CSV record splitter for CDR files (RFC 4180: quoted fields, doubled quotes, line
 * breaks inside quotes; LF, CRLF or CR line ends), fed text a chunk at a time. Built for speed on
 * files of millions of calls (old Mac files, with CR alone ending lines, are given with \r turned into \n): a line whose fields are all
 * plain or plainly quoted ("a","b") is cut at its delimiters and quotes found by indexOf, and only
 * the rest goes through a character state machine. Hostile lines are bounded: a record longer than `maxChars` is skipped (never held
 * whole) and reported, and a quote that never closes is reported at the line where it opened.
 */
export interface CsvRecord {
  /** The file line the record starts on (1-based). */
  line: number;
  /** Reused for the next record (no array per call): copy what is kept after onRecord returns. */
  cells: string[];
}

export interface CsvProblem {
  line: number;
  /** The start of the offending text (at most 60 characters). */
  value: string;
  message: string;
}

const QUOTE = 34;

export class CsvRecords {
  private buf = '';
  /** The file line of buf's first character. */
  private line = 1;
  /** A record too long to keep: its characters are skipped up to its end. */
  private skipping: { line: number; chars: number; head: string } | null = null;
  /** The cells of plain lines, and the record handed out: reused for every line. */
  private readonly scratch: string[] = [];
  private readonly record: CsvRecord = { line: 0, cells: this.scratch };

  constructor(
    private readonly delimiter: string,
    private readonly maxChars: number,
    private readonly onRecord: (r: CsvRecord) => void,
    private readonly onProblem: (p: CsvProblem) => void,
  ) {}

  /** Splits what it can of `text` (the next piece of the file); the unfinished last record is kept. */
  push(text: string): void {
    if (this.skipping) {
      const nl = text.indexOf('\n');
      if (nl < 0) {
        this.skipping.chars += text.length;
        return;
      }
      this.endSkip(nl);
      text = text.slice(nl + 1);
    }
    this.buf = this.buf.length === 0 ? text : this.buf + text;
    this.drain(false);
  }

  /** The end of the file: the last record, and a quote left open. */
  end(): void {
    if (this.skipping) this.endSkip(0);
    this.drain(true);
  }

  private endSkip(extra: number): void {
    const s = this.skipping!;
    this.tooLong(s.line, s.chars + extra, s.head);
    this.skipping = null;
    this.line = s.line + 1;
  }

  private drain(final: boolean): void {
    const buf = this.buf;
    const d = this.delimiter;
    const dc = d.charCodeAt(0);
    let pos = 0;
    let line = this.line;
    const n = buf.length;
    while (pos < n) {
      let nl = buf.indexOf('\n', pos);
      if (nl < 0 && !final) break;
      if (nl < 0) nl = n;
      let end = nl;
      if (end > pos && buf.charCodeAt(end - 1) === 13) end--;
      if (end - pos > this.maxChars) {
        this.tooLong(line, end - pos, buf.slice(pos, end));
        pos = nl + 1;
        line++;
        continue;
      }
      // Most lines: every field plain or plainly quoted ("…" with no quote inside), on this one line.
      const fast = end === pos ? EMPTY : plainCells(buf, pos, end, dc, this.scratch);
      if (fast) {
        if (fast.length > 0) this.emit(line, fast);
        pos = nl + 1;
        line++;
        continue;
      }
      const r = quotedRecord(buf, pos, d, final);
      if (r === null) {
        // Open quote at the end of what has come so far: wait for more, unless it is already too long.
        if (n - pos > this.maxChars) {
          this.onProblem({ line, value: buf.slice(pos, pos + 60), message: `a quote opened on this line has not closed within ${this.maxChars.toLocaleString('en-US')} characters` });
          // Skip to the end of this physical line and go on from the next.
          pos = nl + 1;
          line++;
          continue;
        }
        break;
      }
      if (r === 'unterminated') {
        this.onProblem({ line, value: buf.slice(pos, Math.min(n, pos + 60)), message: 'a quote opened on this line never closes' });
        pos = n;
        break;
      }
      this.emit(line, r.cells);
      line += r.lines;
      pos = r.next;
    }
    this.buf = pos >= n ? '' : buf.slice(pos);
    this.line = line;
    if (!final && this.buf.length > this.maxChars && this.buf.indexOf('\n') < 0 && this.buf.indexOf('"') < 0) {
      this.skipping = { line, chars: this.buf.length, head: this.buf.slice(0, 60) };
      this.buf = '';
    }
  }

  private emit(line: number, cells: string[]): void {
    const r = this.record;
    r.line = line;
    r.cells = cells;
    this.onRecord(r);
  }

  private tooLong(line: number, chars: number, text: string): void {
    this.onProblem({ line, value: text.slice(0, 60), message: `the line is ${chars.toLocaleString('en-US')} characters long; a CDR line is at most ${this.maxChars.toLocaleString('en-US')}` });
  }
}

const EMPTY: string[] = [];

/**
 * The fields of the line buf[pos, end) when each is plain (taken as written, up to the delimiter)
 * or plainly quoted ("…" with no quote inside, then the delimiter or the line's end); null when one
 * is not (a doubled quote, text after a closing quote, a quote that runs past the line), which the
 * character state machine then reads. Fields are found with indexOf, never char by char, and
 * written into `cells` (reused line after line; its length set to this line's count).
 */
function plainCells(buf: string, pos: number, end: number, dc: number, cells: string[]): string[] | null {
  const d = String.fromCharCode(dc);
  let p = pos;
  let k = 0;
  for (;;) {
    if (buf.charCodeAt(p) === QUOTE && p < end) {
      const q = buf.indexOf('"', p + 1);
      if (q < 0 || q >= end) return null;
      cells[k++] = buf.slice(p + 1, q);
      if (q + 1 === end) break;
      if (buf.charCodeAt(q + 1) !== dc) return null;
      p = q + 2;
    } else {
      const c = buf.indexOf(d, p);
      if (c < 0 || c >= end) {
        cells[k++] = buf.slice(p, end);
        break;
      }
      cells[k++] = buf.slice(p, c);
      p = c + 1;
    }
  }
  if (cells.length !== k) cells.length = k;
  return cells;
}

/**
 * One record read character by character from `pos`: its cells, where its text ends, where the
 * next record starts and how many line breaks it spans. null: the text ends inside quotes and more
 * may come; 'unterminated': the file ends inside quotes.
 */
function quotedRecord(buf: string, pos: number, d: string, final: boolean): { cells: string[]; end: number; next: number; lines: number } | null | 'unterminated' {
  const cells: string[] = [];
  const dc = d.charCodeAt(0);
  let cell = '';
  let i = pos;
  let lines = 1;
  const n = buf.length;
  for (;;) {
    if (i < n && buf.charCodeAt(i) === QUOTE) {
      // A quoted field: up to the closing quote; "" is a quote.
      i++;
      for (;;) {
        const q = buf.indexOf('"', i);
        if (q < 0) return final ? 'unterminated' : null;
        const part = buf.slice(i, q);
        for (let k = part.indexOf('\n'); k >= 0; k = part.indexOf('\n', k + 1)) lines++;
        cell += part;
        if (q + 1 < n && buf.charCodeAt(q + 1) === QUOTE) {
          cell += '"';
          i = q + 2;
          continue;
        }
        if (q + 1 >= n && !final) return null;
        i = q + 1;
        break;
      }
      // Text after the closing quote (malformed, kept as written) up to the delimiter or line end.
      while (i < n) {
        const c = buf.charCodeAt(i);
        if (c === dc || c === 10 || c === 13) break;
        cell += buf[i];
        i++;
      }
    } else {
      let j = i;
      while (j < n) {
        const c = buf.charCodeAt(j);
        if (c === dc || c === 10 || c === 13) break;
        j++;
      }
      cell += buf.slice(i, j);
      i = j;
    }
    if (i >= n) {
      if (!final) return null;
      cells.push(cell);
      return { cells, end: n, next: n, lines };
    }
    const c = buf.charCodeAt(i);
    cells.push(cell);
    cell = '';
    if (c === dc) {
      i++;
      continue;
    }
    const end = i;
    if (c === 13 && i + 1 < n && buf.charCodeAt(i + 1) === 10) i++;
    else if (c === 13 && i + 1 >= n && !final) return null;
    return { cells, end, next: i + 1, lines };
  }
}
