import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CdrImportReport, CdrSummary, RatingRunReport } from '../../core/api/contract.ts';
import { ROOT, tempDir } from '../helpers/workspace.ts';

const BIN = join(ROOT, 'bin', 'trunkline.mjs');
let tmp: { dir: string; cleanup(): void };

function trunkline(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, '--db', join(tmp.dir, 'w.db'), ...args], {
    cwd: tmp.dir, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', HOME: tmp.dir }, timeout: 30_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  const build = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs'), 'cli'], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`build failed: ${build.stderr}`);
  tmp = tempDir('trunkline-cdr-cli-');
  writeFileSync(join(tmp.dir, 'deck.csv'), 'Code,Destination,Rate,Effective Date,Billing Increment\n447,UK Mobile,0.0200,2026-01-01,1/1\n');
  writeFileSync(join(tmp.dir, 'calls.csv'), 'Call ID,Start Time,B Number,Duration\nc1,2026-03-02 09:00:00,447700900123,125\nc2,2026-03-02 09:01:00,999,30\n');
});
afterAll(() => tmp.cleanup());

describe('trunkline cdrs and rate', () => {
  it('imports, rates, summarises and exports from the command line', () => {
    expect(trunkline('carriers', 'add', 'Vendor', '--roles', 'vendor').status).toBe(0);
    expect(trunkline('decks', 'import', 'deck.csv', '--carrier', 'Vendor', '--side', 'buy', '--received', '2025-12-01').status).toBe(0);
    const imp = trunkline('--json', 'cdrs', 'import', 'calls.csv', '--carrier', 'Vendor', '--source', 'carrier');
    expect(imp.status).toBe(0);
    const report = JSON.parse(imp.stdout) as CdrImportReport;
    expect(report).toMatchObject({ format: 'generic', rowsRead: 2, imported: 2 });
    expect(report.rating[0]).toMatchObject({ side: 'buy', rated: 1, unrated: { 'no rate': 1 }, amount: '0.041667', currency: 'USD' });

    const summary = JSON.parse(trunkline('--json', 'cdrs', 'summary', '--carrier', 'Vendor', '--source', 'carrier', '--side', 'buy').stdout) as CdrSummary;
    expect(summary.lines).toEqual([{ destination: 'UK Mobile', prefix: '447', calls: 1, minutes: '2.0833', billedMinutes: '2.0833', amount: '0.041667' }]);
    expect(summary.totals).toMatchObject({ calls: 2, amount: '0.041667' });

    const rerun = JSON.parse(trunkline('--json', 'rate', '--carrier', 'Vendor', '--side', 'buy').stdout) as RatingRunReport;
    expect(rerun).toMatchObject({ calls: 2, changed: 0 });

    expect(trunkline('cdrs', 'export', '--carrier', 'Vendor', '--source', 'carrier', '--side', 'buy', '--out', 'out.csv').status).toBe(0);
    const lines = readFileSync(join(tmp.dir, 'out.csv'), 'utf8').trim().split('\n');
    expect(lines[0]).toBe('call_id,start,calling,called,duration,billed_seconds,prefix,destination,rate,amount,currency,status,reason');
    expect(lines[1]).toBe('c1,2026-03-02T09:00:00Z,,447700900123,125,125,447,UK Mobile,0.0200,0.041667,USD,rated,');
    expect(lines[2]).toBe('c2,2026-03-02T09:01:00Z,,999,30,0,,,,,USD,unrated,no rate');
  });

  it('a bad CDR file exits 2 naming the row; a missing flag exits 1', () => {
    writeFileSync(join(tmp.dir, 'bad.csv'), 'Call ID,Start Time,B Number,Duration\nx1,2026-03-02 09:00:00,447700900123,abc\n');
    const bad = trunkline('cdrs', 'import', 'bad.csv', '--carrier', 'Vendor', '--source', 'carrier');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('row 2');
    expect(bad.stderr).toContain('CDR_PARSE_ERROR');
    expect(trunkline('cdrs', 'import', 'bad.csv', '--carrier', 'Vendor').status).toBe(1);
  });
});
