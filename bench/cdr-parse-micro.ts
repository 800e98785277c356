/**
 * Micro-benchmark of the per-row CDR parser alone (no CSV splitting, no storage): 1M synthetic
 * Asterisk Master.csv rows, already split into cells, through asteriskRowParser in
 * Europe/London. Prints rows/s. Not a test: figures vary with the machine.
 *
 *   node --import tsx bench/cdr-parse-micro.ts [rows]
 */
import { asteriskRowParser, isCdrRowError } from '../core/cdrs/formats.ts';

const ROWS = Number(process.argv[2] ?? 1_000_000);
const DISPOSITIONS = ['ANSWERED', 'ANSWERED', 'ANSWERED', 'NO ANSWER', 'BUSY', 'FAILED'];
const CALLED = ['+447700900123', '00447700900123', '011447700900123', '447700900123', '1234#447700900123'];

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Seeded (LCG), so every run parses the same rows; a month of traffic crossing the October DST change. */
function makeRows(count: number): string[][] {
  let seed = 12345;
  const rand = (n: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed % n;
  };
  const rows: string[][] = new Array(count);
  const start0 = Date.UTC(2026, 9, 10);
  const spanMs = 30 * 86_400_000;
  for (let i = 0; i < count; i++) {
    const t = new Date(start0 + Math.floor((i / count) * spanMs));
    const stamp = (d: Date): string =>
      `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
    const disposition = DISPOSITIONS[rand(DISPOSITIONS.length)]!;
    const answered = disposition === 'ANSWERED';
    const billsec = answered ? rand(900) : 0;
    const answer = new Date(t.getTime() + 5000);
    const end = new Date(answer.getTime() + billsec * 1000);
    const src = `+4416329${String(60000 + rand(40000))}`;
    const dst = CALLED[rand(CALLED.length)]!;
    rows[i] = [`cust-${rand(50)}`, src, dst, 'from-trunk', `"Caller" <${src}>`, `SIP/in-${i.toString(16)}`, `SIP/out-${i.toString(16)}`,
      'Dial', `SIP/out/${dst},60`, stamp(t), answered ? stamp(answer) : '', stamp(end), String(billsec + 5), String(billsec), disposition,
      'DOCUMENTATION', `${Math.floor(t.getTime() / 1000)}.${i}`, '', `vendor-${rand(20)}`, `${Math.floor(t.getTime() / 1000)}.${i}`, String(i)];
  }
  return rows;
}

const rows = makeRows(ROWS);
const parse = asteriskRowParser('Europe/London');

function pass(): { ms: number; checksum: number; errors: number } {
  let checksum = 0;
  let errors = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < rows.length; i++) {
    const r = parse(rows[i]!, i + 1);
    if (isCdrRowError(r)) errors++;
    else checksum += r.durationMs + (r.startMs % 1000);
  }
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, checksum, errors };
}

pass(); // warm-up: JIT and the zone's hour cache
const runs = [pass(), pass(), pass()];
const best = Math.min(...runs.map((r) => r.ms));
const rowsPerSecond = Math.round(ROWS / (best / 1000));
console.log(`asteriskRowParser: ${ROWS.toLocaleString('en')} rows in ${best.toFixed(0)} ms (best of 3) = ${rowsPerSecond.toLocaleString('en')} rows/s, ${(best * 1000 / ROWS).toFixed(3)} µs/row; errors ${runs[0]!.errors}, checksum ${runs[0]!.checksum}`);
