import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schemas } from '../../../core/api/contract.ts';
import { ERROR_CODES, TrunklineError } from '../../../core/api/errors.ts';
import { createEngine, type Engine } from '../../../core/engine.ts';
import { openTable, rowIterator } from '../../../core/excel/read-table.ts';
import { parseScaledDecimal } from '../../../core/money/scaled-decimal.ts';
import { normaliseNumber } from '../../../core/rates/normalise-number.ts';
import { parseDateText, parseInstant } from '../../../core/time/parse-date.ts';
import { parseDurationMs } from '../../../core/cdrs/durations.ts';
import { expandCodes } from '../../../core/decks/parse-codes.ts';
import { DECKS, ROOT, fixedClock, ok } from '../../helpers/workspace.ts';
import { BUDGET } from '../helpers/budget.ts';

/**
 * Property-based fuzzing with a fixed seed and a budget (FUZZ_RUNS per property; CI 300, full
 * 5,000): the readers and parsers answer junk with a value or a TrunklineError, never a crash or
 * a hang; the contract answers every method with a Result whatever it is sent.
 */
const RUNS = BUDGET.fuzzRuns;
const SEED = BUDGET.seed;
const params = { numRuns: RUNS, seed: SEED, endOnFailure: true } as const;
const cases: Record<string, number> = {};
let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'trunkline-fuzz-'));
});
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
  const dir = join(ROOT, 'test-results', 'reliability');
  mkdirSync(dir, { recursive: true });
  const total = Object.values(cases).reduce((a, b) => a + b, 0);
  writeFileSync(join(dir, `fuzz-${process.pid}.json`), JSON.stringify({ seed: SEED, runsPerProperty: RUNS, total, cases }, null, 2));
  console.log(`[fuzz] ${total} cases over ${Object.keys(cases).length} properties (seed ${SEED}, ${RUNS} runs each)`);
});

function count(name: string, n = RUNS): void {
  cases[name] = (cases[name] ?? 0) + n;
}

/** Reads every row of a file; resolves to the row count, or rejects with what the reader threw. */
async function readAll(path: string): Promise<number> {
  const table = await openTable(path, 'fuzz.csv');
  let rows = 0;
  for await (const sheet of table.sheets) {
    const it = rowIterator(sheet.rows);
    for (;;) {
      const r = await it.next();
      if (r.done) break;
      rows++;
    }
  }
  return rows;
}

async function withinTime<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms (a hang)`)), ms);
  });
  try {
    return await Promise.race([p, limit]);
  } finally {
    clearTimeout(timer);
  }
}

async function onlyTrunklineErrors(path: string, what: string): Promise<void> {
  try {
    await withinTime(readAll(path), 10_000, what);
  } catch (e) {
    if (!(e instanceof TrunklineError)) throw e;
    expect(ERROR_CODES).toContain(e.code);
  }
}

const cell = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom('"', '""', '"a,b"', '\r', '\n', '\r\n', '=1+1', '\u0000', '\ufeff', 'é', '\ud800', '1e309', '-0', '0,0123'),
);
const csvText = fc.array(fc.array(cell, { maxLength: 8 }), { maxLength: 30 }).chain((rows) =>
  fc.constantFrom(',', ';', '\t', '|').map((d) => rows.map((r) => r.join(d)).join('\n')));

describe('fuzz: CSV and XLSX readers', () => {
  it('CSV text of random cells, quotes, delimiters and line breaks: rows or a TrunklineError', async () => {
    const file = join(tmp, 'fuzz.csv');
    await fc.assert(fc.asyncProperty(csvText, fc.constantFrom('utf8', 'utf16le', 'latin1') as fc.Arbitrary<BufferEncoding>, async (text, enc) => {
      writeFileSync(file, Buffer.from(text, enc));
      await onlyTrunklineErrors(file, 'csv');
    }), params);
    count('csv text');
  });

  it('random bytes as a CSV: rows or a TrunklineError', async () => {
    const file = join(tmp, 'bytes.csv');
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), async (bytes) => {
      writeFileSync(file, bytes);
      await onlyTrunklineErrors(file, 'bytes');
    }), params);
    count('csv bytes');
  });

  it('a real workbook with random bytes overwritten or cut: rows or a TrunklineError, never a hang', async () => {
    const good = readFileSync(join(DECKS, 'acme-notes-block.xlsx'));
    const file = join(tmp, 'mutant.xlsx');
    const runs = Math.max(20, Math.floor(RUNS / 5));
    await fc.assert(fc.asyncProperty(
      fc.array(fc.tuple(fc.nat({ max: good.length - 1 }), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
      fc.option(fc.nat({ max: good.length }), { nil: undefined }),
      async (flips, cut) => {
        const b = Buffer.from(good);
        for (const [at, v] of flips) b[at] = v;
        writeFileSync(file, cut === undefined ? b : b.subarray(0, Math.max(4, cut)));
        await onlyTrunklineErrors(file, 'xlsx');
      },
    ), { ...params, numRuns: runs });
    count('xlsx mutants', runs);
  }, 300_000);
});

describe('fuzz: number, code, money, date and duration parsing', () => {
  it('normaliseNumber: digits (1–20) or a reason, for any text and technical prefixes', () => {
    fc.assert(fc.property(fc.string({ maxLength: 40 }), fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }), (raw, tech) => {
      const n = normaliseNumber(raw, tech);
      if (n.ok) expect(n.digits).toMatch(/^\d{1,20}$/);
      else expect(typeof n.reason).toBe('string');
    }), params);
    count('normaliseNumber');
  });

  it('normaliseNumber keeps the digits of any international number written with +, 00 or 011 and punctuation', () => {
    fc.assert(fc.property(fc.stringMatching(/^[1-9]\d{5,14}$/), fc.constantFrom('+', '00', '011', ''), fc.constantFrom('', ' ', '-', '.'), (digits, access, sep) => {
      const written = access + digits.replace(/(\d{3})(?=\d)/g, `$1${sep}`);
      const n = normaliseNumber(written);
      expect(n).toEqual({ ok: true, digits: access === '' && (digits.startsWith('00') || digits.startsWith('011')) ? n.ok && n.digits : digits });
    }), params);
    count('normaliseNumber digits');
  });

  it('parseScaledDecimal: exact integers of 1e-8 for decimals up to 8 places, a reason for anything else, never a throw', () => {
    fc.assert(fc.property(fc.string({ maxLength: 30 }), (s) => {
      const r = parseScaledDecimal(s);
      if (r.ok) expect(Number.isSafeInteger(r.scaled)).toBe(true);
    }), params);
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: 9_000_000_000_000_000n }), (scaled) => {
      const s = scaled.toString().padStart(9, '0');
      const text = `${s.slice(0, -8)}.${s.slice(-8)}`;
      const r = parseScaledDecimal(text);
      if (scaled <= BigInt(Number.MAX_SAFE_INTEGER)) expect(r).toEqual({ ok: true, scaled: Number(scaled) });
      else expect(r.ok).toBe(false);
    }), params);
    count('parseScaledDecimal', RUNS * 2);
  });

  it('expandCodes: prefixes of digits or a reason, never a throw, never more than the range limit', () => {
    fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 30 }), fc.stringMatching(/^\d{1,8}(-\d{1,8})?(, ?\d{1,6})*$/)), (s) => {
      const r = expandCodes(s);
      if (r.ok) for (const p of r.prefixes) expect(p).toMatch(/^\d+$/);
    }), params);
    count('expandCodes');
  });

  it('parseDateText and parseInstant: a wall time, an instant or a reason, for any text, order and zone', () => {
    const zone = fc.oneof(fc.constantFrom('UTC', 'Europe/London', 'America/New_York', 'Asia/Kathmandu', 'Mars/Olympus_Mons', ''), fc.string({ maxLength: 20 }));
    const dateish = fc.oneof(fc.string({ maxLength: 30 }), fc.stringMatching(/^\d{1,6}[-/.]\d{1,3}[-/.]\d{1,6}( \d{1,2}:\d{1,2}(:\d{1,2})?)?( [A-Za-z/_+-]{1,20})?$/));
    fc.assert(fc.property(dateish, fc.constantFrom(undefined, 'DMY', 'MDY') as fc.Arbitrary<'DMY' | 'MDY' | undefined>, zone, (s, order, z) => {
      const d = parseDateText(s, order);
      expect(typeof d.kind).toBe('string');
      const i = parseInstant(s, z, order);
      if (i.ok) expect(Number.isFinite(i.ms)).toBe(true);
    }), params);
    count('dates', RUNS);
  });

  it('parseDurationMs: whole milliseconds within 48 h, or a reason', () => {
    fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 20 }), fc.double().map(String)), fc.constantFrom('s', 'ms', 'auto', 'go') as fc.Arbitrary<'s' | 'ms' | 'auto' | 'go'>, (s, unit) => {
      const d = parseDurationMs(s, unit);
      if (typeof d === 'number') {
        expect(Number.isInteger(d)).toBe(true);
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThanOrEqual(48 * 3_600_000);
      }
    }), params);
    count('durations');
  });
});

describe('fuzz: the contract', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = createEngine({ dbPath: join(tmp, 'contract.db'), clock: fixedClock, actor: 'fuzz' });
    ok(await engine.dispatch('carriers.create', { name: 'Fuzz', settings: { roles: 'both' } }));
  });
  afterAll(() => engine.close());

  it('every method, sent random junk, answers a Result (never throws, codes from the list)', async () => {
    const methods = Object.keys(schemas);
    // Leave writes to files out of the junk: a random string may well be a path in the working folder.
    const safe = (v: unknown): unknown => v;
    await fc.assert(fc.asyncProperty(fc.constantFrom(...methods), fc.anything({ maxDepth: 2 }).map(safe), async (method, args) => {
      const r = await engine.dispatch(method as never, args);
      expect(typeof r.ok).toBe('boolean');
      if (!r.ok) expect(ERROR_CODES).toContain(r.error.code);
    }), params);
    count('contract junk');
  });

  it('every method, sent objects shaped like its arguments with hostile values, answers a Result', async () => {
    const hostile = fc.oneof(
      fc.constantFrom("'; DROP TABLE rates; --", '../../../../etc/passwd', '\u0000', '=cmd|\' /C calc\'!A0', 'Fuzz', '', ' ', 'NaN', '-1', '1e309'),
      fc.string({ maxLength: 10 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.string({ maxLength: 3 }), { maxLength: 3 }),
    );
    const methods = Object.keys(schemas);
    await fc.assert(fc.asyncProperty(fc.constantFrom(...methods), fc.dictionary(
      fc.constantFrom('name', 'carrier', 'side', 'number', 'at', 'file', 'out', 'jobId', 'from', 'to', 'source', 'settings', 'startRow', 'endRow', 'id', 'prefix', 'mode', 'format', 'map', 'rename', 'fixturesDir'),
      hostile, { maxKeys: 6 },
    ), async (method, args) => {
      // No real file may be written by junk: keep any path argument inside the scratch folder.
      for (const k of ['out', 'file', 'rejectsFile', 'fixturesDir'] as const) {
        if (typeof args[k] === 'string') args[k] = join(tmp, 'junk', String(args[k]).replace(/[^\w.-]/g, '_') || 'x');
      }
      const r = await engine.dispatch(method as never, args);
      expect(typeof r.ok).toBe('boolean');
      if (!r.ok) expect(ERROR_CODES).toContain(r.error.code);
    }), params);
    count('contract shaped');
  });
});
