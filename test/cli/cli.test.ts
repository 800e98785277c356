import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Carrier, DeckImportRecord, DeckImportReport, RateLookup } from '../../core/api/contract.ts';
import type { ErrorBody } from '../../core/api/errors.ts';
import { BROKEN, DECKS, ROOT, tempDir } from '../helpers/workspace.ts';

const BIN = join(ROOT, 'bin', 'trunkline.mjs');

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

let tmp: { dir: string; cleanup(): void };

/** Runs the built CLI as a user would, with a private home so no real workspace is ever touched. */
function trunkline(args: string[], env: Record<string, string> = {}): Run {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: tmp.dir,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: tmp.dir, XDG_CONFIG_HOME: join(tmp.dir, 'config'), ...env },
    timeout: 30_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function json<T>(r: Run): T {
  return JSON.parse(r.stdout) as T;
}

beforeAll(() => {
  const build = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`build failed: ${build.stderr}`);
  tmp = tempDir('trunkline-cli-');
});
afterAll(() => tmp.cleanup());

describe('trunkline CLI', () => {
  it('no command: help on stdout, exit 1; --help: exit 0', () => {
    const none = trunkline([]);
    expect(none.status).toBe(1);
    expect(none.stdout).toContain('Usage: trunkline');
    const help = trunkline(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('decks import FILE --carrier NAME --side buy|sell');
  });

  it('usage errors exit 1 and write nothing: an unknown flag, an unknown command, a missing --side', () => {
    const db = join(tmp.dir, 'usage.db');
    expect(trunkline(['--db', db, 'carriers', 'add', 'CarrierX']).status).toBe(0);
    const before = readFileSync(db);

    const flag = trunkline(['--db', db, 'decks', 'import', join(DECKS, 'carrierx-v1-full.csv'), '--carrier', 'CarrierX', '--side', 'buy', '--bogus']);
    expect(flag.status).toBe(1);
    expect(flag.stderr).toContain('--bogus');
    expect(flag.stderr).toContain("Run 'trunkline --help' for usage.");
    expect(flag.stdout).toBe('');

    const command = trunkline(['--db', db, 'decks', 'frobnicate']);
    expect(command.status).toBe(1);
    expect(command.stderr).toContain('unknown command "decks frobnicate"');

    const side = trunkline(['--db', db, 'decks', 'import', join(DECKS, 'carrierx-v1-full.csv'), '--carrier', 'CarrierX']);
    expect(side.status).toBe(1);
    expect(side.stderr).toContain('--side is required');

    const list = trunkline(['--db', db, '--json', 'decks', 'list']);
    expect(list.status).toBe(0);
    expect(json<DeckImportRecord[]>(list)).toEqual([]);
    expect(readFileSync(db).equals(before)).toBe(true);
  });

  describe('a workspace through the CLI', () => {
    let db: string;
    beforeAll(() => {
      db = join(tmp.dir, 'cx.db');
    });

    it('carriers add with the defaults, then --json show', () => {
      const add = trunkline(['--db', db, 'carriers', 'add', 'CarrierX']);
      expect(add.status).toBe(0);
      expect(add.stdout).toContain('Added carrier');
      const show = trunkline(['--db', db, '--json', 'carriers', 'show', 'carrierx']);
      expect(show.status).toBe(0);
      expect(json<Carrier>(show)).toMatchObject({
        name: 'CarrierX', currency: 'USD', timezone: 'UTC', settingsVersion: 1,
        notice: { increaseDays: 7, newDays: 7, decreaseDays: 0, closedDays: 7 },
        rounding: { level: 'per-call', decimals: 6, mode: 'half-up' },
      });
      const again = trunkline(['--db', db, 'carriers', 'add', 'CARRIERX']);
      expect(again.status).toBe(2);
      expect(again.stderr).toContain('[CARRIER_EXISTS]');
    });

    it('decks import --json: one JSON document with the counts', () => {
      const r = trunkline(['--db', db, '--json', 'decks', 'import', join(DECKS, 'carrierx-v1-full.csv'), '--carrier', 'CarrierX', '--side', 'buy', '--received', '2026-09-20']);
      expect(r.status).toBe(0);
      const report = json<DeckImportReport>(r);
      expect(report).toMatchObject({
        dryRun: false, carrier: 'CarrierX', side: 'buy', mode: 'full', file: 'carrierx-v1-full.csv', rowsRead: 40, prefixes: 40,
        counts: { new: 40, increase: 0, decrease: 0, unchanged: 0, closed: 0, blocked: 0 }, noticeViolationCount: 0, noticeViolations: [],
      });
      expect(report.importId).toBeTypeOf('number');
      expect(Array.isArray(report.warnings)).toBe(true);
    });

    it('a partial import --json lists the notice violation and the warnings', () => {
      const r = trunkline(['--db', db, '--json', 'decks', 'import', join(DECKS, 'carrierx-v2-partial.csv'), '--carrier', 'CarrierX', '--side', 'buy', '--mode', 'partial', '--received', '2026-10-10']);
      expect(r.status).toBe(0);
      const report = json<DeckImportReport>(r);
      expect(report.counts).toEqual({ new: 1, increase: 5, decrease: 1, unchanged: 1, closed: 0, blocked: 0 });
      expect(report.noticeViolationCount).toBe(1);
      expect(report.noticeViolations).toEqual([
        { prefix: '380', destination: 'Ukraine', changeClass: 'increase', effectiveFrom: '2026-10-12T00:00:00Z', noticeUntil: '2026-10-17T00:00:00Z', row: 8 },
      ]);
      expect(report.disagreementCount).toBe(0);
      expect(report.warnings).toEqual([]);
    });

    it('--dry-run of a deck already imported: table output, every row unchanged, nothing written', () => {
      const r = trunkline(['--db', db, 'decks', 'import', join(DECKS, 'carrierx-v2-partial.csv'), '--carrier', 'CarrierX', '--side', 'buy', '--mode', 'partial', '--received', '2026-10-10', '--dry-run']);
      expect(r.status).toBe(0);
      expect(r.stdout).toContain('Dry run (nothing written)');
      expect(r.stdout).toMatch(/new 0, increase 0, decrease 0, unchanged 8/);
      expect(json<DeckImportRecord[]>(trunkline(['--db', db, '--json', 'decks', 'list']))).toHaveLength(2);
    });

    it('a broken file: exit 2, file, row, column and value on stderr, nothing written', () => {
      const before = json<DeckImportRecord[]>(trunkline(['--db', db, '--json', 'decks', 'list']));
      const r = trunkline(['--db', db, 'decks', 'import', join(BROKEN, 'text-rate.csv'), '--carrier', 'CarrierX', '--side', 'buy', '--mode', 'partial']);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain('[DECK_PARSE_ERROR]');
      expect(r.stderr).toContain('text-rate.csv');
      expect(r.stderr).toContain('row 6');
      expect(r.stderr).toContain('column "Rate"');
      expect(r.stderr).toContain('"call us"');
      expect(json<DeckImportRecord[]>(trunkline(['--db', db, '--json', 'decks', 'list']))).toEqual(before);
    });

    it('a broken file with --json: exit 2 and the error as one JSON document', () => {
      const r = trunkline(['--db', db, '--json', 'decks', 'import', join(BROKEN, 'bad-increment.csv'), '--carrier', 'CarrierX', '--side', 'buy']);
      expect(r.status).toBe(2);
      const body = json<{ error: ErrorBody }>(r);
      expect(body.error.code).toBe('DECK_PARSE_ERROR');
      expect(body.error.details).toMatchObject({
        problemCount: 2,
        problems: [
          { file: 'bad-increment.csv', row: 4, column: 'Billing Increment', value: '60/0' },
          { file: 'bad-increment.csv', row: 7, column: 'Billing Increment', value: 'abc' },
        ],
      });
    });

    it('carriers set --notice-increase 10 bumps the version; carriers show --json shows it', () => {
      const set = trunkline(['--db', db, 'carriers', 'set', 'CarrierX', '--notice-increase', '10']);
      expect(set.status).toBe(0);
      expect(set.stdout).toContain('settings version 2');
      const show = json<Carrier>(trunkline(['--db', db, '--json', 'carriers', 'show', 'CarrierX']));
      expect(show.notice).toEqual({ increaseDays: 10, newDays: 7, decreaseDays: 0, closedDays: 7 });
      expect(show.settingsVersion).toBe(2);
      const bad = trunkline(['--db', db, 'carriers', 'set', 'CarrierX', '--notice-increase', 'ten']);
      expect(bad.status).toBe(1);
      const badZone = trunkline(['--db', db, 'carriers', 'set', 'CarrierX', '--timezone', 'Mars/Base']);
      expect(badZone.status).toBe(2);
      expect(badZone.stderr).toContain('settings.timezone');
    });

    it('rates lookup --json at a past instant', () => {
      const r = trunkline(['--db', db, '--json', 'rates', 'lookup', '--carrier', 'CarrierX', '--side', 'buy', '--number', '380441234567', '--at', '2026-10-15']);
      expect(r.status).toBe(0);
      expect(json<RateLookup>(r)).toMatchObject({ prefix: '380', rate: '0.1580', effectiveFrom: '2026-10-12T00:00:00Z' });
      const none = trunkline(['--db', db, 'rates', 'lookup', '--carrier', 'CarrierX', '--side', 'buy', '--number', '999123', '--at', '2026-10-15']);
      expect(none.status).toBe(2);
      expect(none.stderr).toContain('[RATE_NOT_FOUND]');
    });

    it('rates export writes the CSV file', () => {
      const out = join(tmp.dir, 'cx-export.csv');
      const r = trunkline(['--db', db, 'rates', 'export', '--carrier', 'CarrierX', '--side', 'buy', '--at', '2026-10-15', '--out', out]);
      expect(r.status).toBe(0);
      expect(r.stdout).toBe(`Wrote 40 rates in force at 2026-10-15T00:00:00Z to ${out}\n`);
      const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
      expect(lines[0]).toBe('prefix,destination,rate,currency,effective_from,effective_to,first_increment,next_increment,min_duration,grace,connection_fee');
      expect(lines).toHaveLength(41);
      expect(lines).toContain('380,Ukraine,0.1580,USD,2026-10-12T00:00:00Z,,60,60,0,0,0.0000');
    });

    it('rates export --json writes the XLSX file', () => {
      const out = join(tmp.dir, 'cx-export.xlsx');
      const r = trunkline(['--db', db, '--json', 'rates', 'export', '--carrier', 'CarrierX', '--side', 'buy', '--at', '2026-10-15', '--out', out]);
      expect(r.status).toBe(0);
      expect(json(r)).toEqual({ file: out, format: 'xlsx', rows: 40, at: '2026-10-15T00:00:00Z' });
      expect(readFileSync(out).subarray(0, 2).toString('latin1')).toBe('PK');
    });
  });

  it('--db beats TRUNKLINE_DB, which beats the default', () => {
    const envDb = join(tmp.dir, 'env.db');
    const flagDb = join(tmp.dir, 'flag.db');
    expect(trunkline(['carriers', 'add', 'EnvCo'], { TRUNKLINE_DB: envDb }).status).toBe(0);
    expect(trunkline(['--db', flagDb, 'carriers', 'add', 'FlagCo'], { TRUNKLINE_DB: envDb }).status).toBe(0);
    const names = (r: Run) => json<Carrier[]>(r).map((c) => c.name);
    expect(names(trunkline(['--json', 'carriers', 'list'], { TRUNKLINE_DB: envDb }))).toEqual(['EnvCo']);
    expect(names(trunkline(['--db', flagDb, '--json', 'carriers', 'list'], { TRUNKLINE_DB: envDb }))).toEqual(['FlagCo']);
    expect(names(trunkline([`--db=${flagDb}`, '--json', 'carriers', 'list']))).toEqual(['FlagCo']);
    // Neither named: the default under XDG_CONFIG_HOME, which the other two never touched.
    const defaultDb = join(tmp.dir, 'config', 'Trunkline', 'trunkline.db');
    expect(names(trunkline(['--json', 'carriers', 'list']))).toEqual([]);
    expect(existsSync(defaultDb)).toBe(true);
  });

  it('a workspace that is not Trunkline\'s: exit 3, the file untouched', () => {
    const db = join(tmp.dir, 'notes.txt');
    writeFileSync(db, 'just some notes\n');
    const r = trunkline(['--db', db, 'carriers', 'list']);
    expect(r.status).toBe(3);
    expect(r.stderr).toContain('[DB_NOT_TRUNKLINE]');
    expect(readFileSync(db, 'utf8')).toBe('just some notes\n');
  });
});
