import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schemas } from '../../../core/api/contract.ts';
import type { ErrorBody, Problem } from '../../../core/api/errors.ts';
import { createEngine, type Engine } from '../../../core/engine.ts';
import { BAD_FILES, type BadFile, type Expect } from '../../../fixtures/bad/corpus.ts';
import { DECKS, ROOT, fixedClock, ok } from '../../helpers/workspace.ts';
import { BUDGET, FULL } from '../helpers/budget.ts';
import { ensureCliBuilt, runCli } from '../helpers/cli.ts';
import { fingerprintDb, samePrint } from '../helpers/fingerprint.ts';
import { generateBadFile, readBack } from './generate.ts';

/**
 * Every file of fixtures/bad/ through its importer: a clear error naming what and where (the
 * manifest says what), no crash, nothing written (the workspace's fingerprint is unchanged), and
 * for the big generated files a bounded peak RSS of the importing process. Hostile text an import
 * may keep (a destination starting with `=`) must come out of every export escaped.
 */
const BAD = join(ROOT, 'fixtures', 'bad');
const CARRIER = 'Bad Vendor';
let tmp: string;
let engine: Engine;
let dbPath: string;
const refused: string[] = [];

async function prepare(path: string): Promise<Engine> {
  const e = createEngine({ dbPath: path, clock: fixedClock, actor: 'tester' });
  ok(await e.dispatch('carriers.create', { name: CARRIER, settings: { roles: 'vendor', timezone: 'UTC' } }));
  ok(await e.dispatch('decks.import', { file: join(DECKS, 'carrierx-v1-full.csv'), carrier: CARRIER, side: 'buy', received: '2026-09-20' }));
  return e;
}

function importCall(f: BadFile, file: string): { method: string; args: Record<string, unknown> } {
  if (f.importer === 'deck') return { method: 'decks.import', args: { file, carrier: CARRIER, side: 'buy', mode: 'partial', received: '2026-10-25', saveTemplate: false, ...f.args } };
  if (f.importer === 'cdr') return { method: 'cdrs.import', args: { file, carrier: CARRIER, source: 'own', ...f.args } };
  return { method: 'invoices.import', args: { file, carrier: CARRIER, ...f.args } };
}

function cliArgs(f: BadFile, file: string, db: string): string[] {
  if (f.importer === 'deck') return ['--db', db, '--json', 'decks', 'import', file, '--carrier', CARRIER, '--side', 'buy', '--mode', 'partial', '--received', '2026-10-25', '--no-template'];
  return ['--db', db, '--json', 'cdrs', 'import', file, '--carrier', CARRIER, '--source', 'own'];
}

/** The error names the file, and what the manifest says: row, column, value, words. */
function expectNames(error: ErrorBody, f: BadFile, e: Extract<Expect, { code: string }>): void {
  const problems = ((error.details as { problems?: Problem[] } | undefined)?.problems ?? []);
  const all = `${error.message}\n${JSON.stringify(error.details ?? {})}`;
  expect(error.code, `${f.file}: ${error.message}`).toBe(e.code);
  if (error.code !== 'INVALID_ARGUMENTS') expect(all, `${f.file}: the error names the file`).toContain(basename(f.file));
  const match = problems.find((p) => (e.row === undefined || p.row === e.row) && (e.column === undefined || p.column === e.column)
    && (e.value === undefined || (p.value !== undefined && (e.value.startsWith(p.value) || p.value.startsWith(e.value)))));
  if (e.row !== undefined || e.column !== undefined || e.value !== undefined) {
    expect(match, `${f.file}: a problem at row ${e.row} column ${e.column} value ${e.value} in ${all.slice(0, 1500)}`).toBeDefined();
  }
  for (const m of e.mentions ?? []) expect(all, `${f.file}: mentions "${m}"`).toContain(m);
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'trunkline-bad-'));
  dbPath = join(tmp, 'ws.db');
  engine = await prepare(dbPath);
});
afterAll(() => {
  engine?.close();
  mkdirSync(join(ROOT, 'test-results', 'reliability'), { recursive: true });
  writeFileSync(join(ROOT, 'test-results', 'reliability', 'bad-input.json'), JSON.stringify({ refused: refused.length, files: refused }, null, 2));
  console.log(`[bad-input] ${refused.length} hostile files refused with a clear error and nothing written; ${BAD_FILES.length} in the corpus`);
  rmSync(tmp, { recursive: true, force: true });
});

it('the corpus has at least 60 files across decks, CDRs and invoices, and the manifest matches it', async () => {
  const manifest = (await import('../../../fixtures/bad/manifest.json', { with: { type: 'json' } })).default as { file: string }[];
  expect(manifest.map((m) => m.file)).toEqual(BAD_FILES.map((f) => f.file));
  expect(BAD_FILES.length).toBeGreaterThanOrEqual(60);
  for (const kind of ['deck', 'cdr', 'invoice'] as const) expect(BAD_FILES.some((f) => f.importer === kind)).toBe(true);
});

const refusals = BAD_FILES.filter((f) => 'code' in f.expect && !f.generated);
describe.each(refusals.map((f) => ({ f, name: f.file })))('$name', ({ f }) => {
  const pending = f.pending && !(importCall(f, '').method in schemas);
  const test = pending ? it.skip : f.knownBug ? it.fails : it;
  test(`${f.what}: refused, named, nothing written${pending ? ` (pending: ${f.pending})` : ''}${f.knownBug ? ` [known bug: ${f.knownBug}]` : ''}`, async () => {
    const before = fingerprintDb(engine.context.db);
    const { method, args } = importCall(f, join(BAD, f.file));
    const r = await engine.dispatch(method as never, args);
    expect(r.ok, `${f.file} was accepted`).toBe(false);
    if (!r.ok) expectNames(r.error, f, f.expect as Extract<Expect, { code: string }>);
    expect(samePrint(fingerprintDb(engine.context.db), before), `${f.file}: nothing written`).toBe(true);
    refused.push(f.file);
  });
});

async function exportedTexts(e: Engine, importer: BadFile['importer'], dir: string): Promise<{ file: string; cells: string[] }[]> {
  const out: { file: string; cells: string[] }[] = [];
  for (const ext of ['csv', 'xlsx']) {
    const file = join(dir, `export-${importer}.${ext}`);
    if (importer === 'deck') ok(await e.dispatch('rates.export', { carrier: CARRIER, side: 'buy', at: '2026-11-02', out: file }));
    else ok(await e.dispatch('cdrs.export', { carrier: CARRIER, source: 'own', side: 'buy', out: file }));
    if (ext === 'csv') out.push({ file, cells: readBack(file).split(/\r?\n/).flatMap((l) => l.split(',')).map((c) => c.replace(/^"|"$/g, '').replace(/""/g, '"')) });
    else {
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.readFile(file);
      const cells: string[] = [];
      wb.eachSheet((ws) => ws.eachRow((row) => row.eachCell((c) => cells.push(typeof c.value === 'string' ? c.value : JSON.stringify(c.value)))));
      out.push({ file, cells });
    }
  }
  return out;
}

const accepted = BAD_FILES.filter((f) => 'accepted' in f.expect);
describe.each(accepted.map((f) => ({ f, name: f.file })))('$name', ({ f }) => {
  it(`${f.what}: kept as text, and written escaped (a leading ') by every export`, async () => {
    const dir = mkdtempSync(join(tmp, 'accepted-'));
    const e = await prepare(join(dir, 'ws.db'));
    try {
      const { method, args } = importCall(f, join(BAD, f.file));
      ok(await e.dispatch(method as never, args));
      const exp = f.expect as Extract<Expect, { accepted: true }>;
      for (const { file, cells } of await exportedTexts(e, f.importer, dir)) {
        for (const v of exp.exportsEscaped) {
          expect(cells, `${basename(file)} writes ${v} escaped`).toContain(`'${v}`);
          expect(cells, `${basename(file)} never writes ${v} bare`).not.toContain(v);
        }
      }
    } finally {
      e.close();
    }
  });
});

const generated = BAD_FILES.filter((f) => f.generated);
describe('generated hostile files, through the real CLI in a child process', () => {
  beforeAll(() => ensureCliBuilt());
  // A known bug that takes gigabytes to show runs (as failing) only in the full budget.
  const cases = generated.map((f) => ({ f, name: f.file, bug: f.knownBug ? ` [known bug: ${f.knownBug}]` : '' }));
  const test = (f: BadFile) => (!f.knownBug ? it : FULL ? it.fails : it.skip);
  for (const { f, name, bug } of cases) test(f)(`${name}: refused with bounded memory, nothing written${bug}`, async () => {
    const dir = mkdtempSync(join(tmp, 'gen-'));
    const file = join(dir, basename(f.file));
    await generateBadFile(f.generated!, file, BUDGET.hugeBytes);
    const db = join(dir, 'ws.db');
    (await prepare(db)).close();
    const before = fingerprintDb(new (await import('better-sqlite3')).default(db, { readonly: true }));
    const run = await runCli(cliArgs(f, file, db), { cwd: dir, timeoutMs: 300_000 });
    expect(run.signal, `${f.file}: the importer did not finish (killed: ${run.signal}); stderr ${run.stderr.slice(0, 500)}`).toBeNull();
    expect(run.code, `${f.file}: exit code; ${run.stdout.slice(0, 800)} ${run.stderr.slice(0, 800)}`).toBe(2);
    const error = (JSON.parse(run.stdout) as { error: ErrorBody }).error;
    expectNames(error, f, f.expect as Extract<Expect, { code: string }>);
    expect(run.peakRss / 1e6, `${f.file}: peak RSS ${Math.round(run.peakRss / 1e6)} MB`).toBeLessThan(f.maxRssMb ?? 600);
    const Database = (await import('better-sqlite3')).default;
    const after = new Database(db, { readonly: true });
    expect(samePrint(fingerprintDb(after), before), `${f.file}: nothing written`).toBe(true);
    after.close();
    console.log(`[bad-input] ${f.file}: ${error.code} in ${Math.round(run.ms)} ms, peak RSS ${Math.round(run.peakRss / 1e6)} MB`);
    refused.push(f.file);
    rmSync(dir, { recursive: true, force: true });
  }, 360_000);
});
