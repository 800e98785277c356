/**
 * Call durations as switches and carriers write them, to whole milliseconds: a hand-written
 * scanner, so the hot path (Asterisk's "125") is a few character reads.
 *
 * Forms: a bare number ("125", "125.5", "125,5"), whose unit the caller names; clock form
 * ("2:05" is m:ss, "00:02:05" and "1:02:05.250" are h:mm:ss); Go durations as CGRateS writes
 * them ("5m", "300s", "1m30s", "1h2m3s", "250ms", "1.5s", "90us", "0s"). Fractions of a
 * millisecond round half up.
 */

/**
 * What a bare number means. 's' and 'ms' are strict: only bare numbers (switch billsec and
 * billmsec columns, where anything else means a broken row). 'auto' (generic carrier files) reads
 * a bare number as seconds and also takes clock and unit-suffixed forms. 'go' is Go's
 * time.Duration as CGRateS exports it: a bare integer is nanoseconds, suffixed forms as written.
 */
export type DurationUnit = 's' | 'ms' | 'auto' | 'go';

/** Longer than this is not a call; a broken row or a unit mistake (ms read as s). */
export const MAX_DURATION_MS = 48 * 3_600_000;

const NS_PER_MS = 1_000_000;
const NS_PER_S = 1_000_000_000;
const NS_PER_MINUTE = 60 * NS_PER_S;
const NS_PER_HOUR = 3600 * NS_PER_S;

/**
 * Milliseconds (a non-negative integer), or a reason when the text is not a duration. Returning a
 * string rather than a result object keeps the per-row path free of allocations.
 */
export function parseDurationMs(input: string, unit: DurationUnit): number | string {
  let text = input;
  let len = text.length;
  if (len > 0 && (text.charCodeAt(0) <= 32 || text.charCodeAt(len - 1) <= 32)) {
    text = text.trim();
    len = text.length;
  }
  if (len === 0) return 'empty duration';
  // Fast path: whole seconds (or ms), the switch case.
  let whole = 0;
  let i = 0;
  while (i < len) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) break;
    whole = whole * 10 + d;
    i++;
  }
  if (i === len) {
    if (len > 15) return 'longer than 48 hours';
    const ms = unit === 'ms' ? whole : unit === 'go' ? Math.floor((whole + NS_PER_MS / 2) / NS_PER_MS) : whole * 1000;
    return ms > MAX_DURATION_MS ? 'longer than 48 hours' : ms;
  }
  const ns = parseNs(text, len, unit);
  if (typeof ns === 'string') return ns;
  const ms = Math.floor((ns + NS_PER_MS / 2) / NS_PER_MS);
  return ms > MAX_DURATION_MS ? 'longer than 48 hours' : ms;
}

/** A number at `start`: its integer part and up to 9 fraction digits (as nanounits), and where it ends. */
interface NumberScan {
  whole: number;
  fracNano: number;
  end: number;
}

function scanNumber(text: string, start: number, len: number, into: NumberScan): boolean {
  let i = start;
  let whole = 0;
  while (i < len) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) break;
    whole = whole * 10 + d;
    i++;
  }
  const intDigits = i - start;
  if (intDigits > 12) return false;
  let fracNano = 0;
  let fracDigits = 0;
  const c = text.charCodeAt(i);
  if (c === 46 || c === 44) {
    i++;
    let scale = 100_000_000;
    while (i < len) {
      const d = text.charCodeAt(i) - 48;
      if (d < 0 || d > 9) break;
      // Past 9 digits only the rounding digit matters.
      if (scale >= 1) fracNano += d * scale;
      else if (scale >= 0.1 && d >= 5) fracNano += 1;
      scale /= 10;
      fracDigits++;
      i++;
    }
    if (fracDigits === 0) return false;
  }
  if (intDigits === 0 && fracDigits === 0) return false;
  into.whole = whole;
  into.fracNano = fracNano;
  into.end = i;
  return true;
}

// Reused by the slow path; parsing is synchronous, so one scratch object is enough.
const scan: NumberScan = { whole: 0, fracNano: 0, end: 0 };

function parseNs(text: string, len: number, unit: DurationUnit): number | string {
  if (text.charCodeAt(0) === 45) return 'negative duration';
  let i = text.charCodeAt(0) === 43 ? 1 : 0;
  if (!scanNumber(text, i, len, scan)) return 'not a duration';
  if (scan.end === len) {
    if (unit === 's' || unit === 'auto') return scan.whole * NS_PER_S + scan.fracNano;
    if (unit === 'ms') return scan.whole * NS_PER_MS + Math.floor((scan.fracNano + 500) / 1000);
    return scan.fracNano > 0 ? 'nanoseconds cannot have a fraction' : scan.whole;
  }
  if (unit === 's' || unit === 'ms') return unit === 's' ? 'not a whole number of seconds' : 'not a whole number of milliseconds';
  if (text.charCodeAt(scan.end) === 58) return clock(text, len, i);
  let total = 0;
  let lastRank = 99;
  while (i < len) {
    if (!scanNumber(text, i, len, scan)) return 'not a duration';
    let j = scan.end;
    const u = text.charCodeAt(j);
    const next = j + 1 < len ? text.charCodeAt(j + 1) : 0;
    let unitNs: number;
    let rank: number;
    if (u === 104) { unitNs = NS_PER_HOUR; rank = 6; j += 1; } // h
    else if (u === 109 && next === 115) { unitNs = NS_PER_MS; rank = 3; j += 2; } // ms
    else if (u === 109) { unitNs = NS_PER_MINUTE; rank = 5; j += 1; } // m
    else if (u === 115) { unitNs = NS_PER_S; rank = 4; j += 1; } // s
    else if ((u === 117 || u === 181 || u === 956) && next === 115) { unitNs = 1000; rank = 2; j += 2; } // us, µs
    else if (u === 110 && next === 115) { unitNs = 1; rank = 1; j += 2; } // ns
    else return 'unknown duration unit';
    if (rank >= lastRank) return 'duration units out of order';
    lastRank = rank;
    // fracNano is the fraction in 1e-9 of the unit: exact for h/m/s multiples, sub-ns below.
    total += scan.whole * unitNs + (unitNs >= NS_PER_S ? scan.fracNano * (unitNs / NS_PER_S) : (scan.fracNano * unitNs) / NS_PER_S);
    if (total > (MAX_DURATION_MS + 1) * NS_PER_MS) return 'longer than 48 hours';
    i = j;
  }
  return total;
}

/** h:mm:ss[.fff] or m:ss[.fff]; the leading part is not capped (a 90:00 call is 90 minutes). */
function clock(text: string, len: number, start: number): number | string {
  const parts: number[] = [];
  let i = start;
  let fracNano = 0;
  for (;;) {
    if (!scanNumber(text, i, len, scan)) return 'not a duration';
    parts.push(scan.whole);
    i = scan.end;
    if (i === len) {
      fracNano = scan.fracNano;
      break;
    }
    if (scan.fracNano !== 0 || text.charCodeAt(i) !== 58) return 'not a duration';
    i++;
  }
  if (parts.length > 3) return 'not a duration';
  const [a = 0, b = 0, c] = parts;
  if (c === undefined) {
    if (b > 59) return 'seconds past 59';
    return a * NS_PER_MINUTE + b * NS_PER_S + fracNano;
  }
  if (b > 59 || c > 59) return b > 59 ? 'minutes past 59' : 'seconds past 59';
  return a * NS_PER_HOUR + b * NS_PER_MINUTE + c * NS_PER_S + fracNano;
}
