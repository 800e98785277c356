import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LcrExportReport, LcrWhatIf } from '../../core/api/contract.ts';
import { ROOT, tempDir } from '../helpers/workspace.ts';

const BIN = join(ROOT, 'bin', 'trunkline.mjs');
const SCENARIO = join(ROOT, 'fixtures', 'scenarios', 'lcr-basic');
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
  tmp = tempDir('trunkline-lcr-cli-');
  const run = (...a: string[]) => {
    const r = trunkline(...a);
    if (r.status !== 0) throw new Error(`${a.join(' ')}: ${r.stderr}`);
  };
  run('carriers', 'add', 'Alpha', '--roles', 'vendor', '--decimals', '4');
  run('carriers', 'add', 'Bravo', '--roles', 'vendor', '--lcr-preference', '50');
  run('carriers', 'add', 'Charlie', '--roles', 'vendor,customer', '--rounding', 'per-increment', '--decimals', '5', '--rounding-mode', 'up');
  run('carriers', 'add', 'Delta', '--roles', 'customer');
  run('decks', 'import', join(SCENARIO, 'alpha-v1-full.csv'), '--carrier', 'Alpha', '--side', 'buy', '--received', '2026-09-20');
  run('decks', 'import', join(SCENARIO, 'alpha-v2-partial.csv'), '--carrier', 'Alpha', '--side', 'buy', '--mode', 'partial', '--received', '2026-10-20');
  run('decks', 'import', join(SCENARIO, 'bravo-v1-full.csv'), '--carrier', 'Bravo', '--side', 'buy', '--received', '2026-09-20');
  run('decks', 'import', join(SCENARIO, 'bravo-v2-partial.csv'), '--carrier', 'Bravo', '--side', 'buy', '--mode', 'partial', '--received', '2026-11-01');
  run('decks', 'import', join(SCENARIO, 'charlie-v1-full.csv'), '--carrier', 'Charlie', '--side', 'buy', '--received', '2026-09-20');
  run('decks', 'import', join(SCENARIO, 'delta-sell.csv'), '--carrier', 'Delta', '--side', 'sell', '--received', '2026-09-20');
  run('cdrs', 'import', join(SCENARIO, 'own-cdrs-alpha.csv'), '--carrier', 'Alpha', '--source', 'own');
});
afterAll(() => tmp.cleanup());

describe('trunkline lcr', () => {
  it('writes the long format, the routing table and the matrix; --json reports the counts', () => {
    const long = trunkline('--json', 'lcr', '--at', '2026-11-10', '--customer', 'Delta', '--out', 'lcr.csv');
    expect(long.status).toBe(0);
    const report = JSON.parse(long.stdout) as LcrExportReport;
    expect(report).toMatchObject({ format: 'long', fileFormat: 'csv', rows: 17, at: '2026-11-10T00:00:00Z', customer: 'Delta', typicalDuration: 180 });
    expect(report.counts).toEqual({ prefixes: 8, uncovered: 1, unprofitable: 1, single: 1, changed: 0 });
    expect(readFileSync(join(tmp.dir, 'lcr.csv'), 'utf8')).toBe(readFileSync(join(SCENARIO, 'expected-long.csv'), 'utf8'));

    const routing = trunkline('lcr', '--at', '2026-11-10', '--format', 'routing', '--vendors', 'Alpha,Bravo', '--depth', '1', '--out', 'routes.csv');
    expect(routing.status).toBe(0);
    expect(routing.stdout).toContain('Wrote 6 rows (routing) to routes.csv');
    expect(readFileSync(join(tmp.dir, 'routes.csv'), 'utf8')).toBe('prefix,route_1\n33,Bravo\n44,Bravo\n447,Bravo\n49,Bravo\n4915,Bravo\n91,Alpha\n');

    const noLoss = trunkline('lcr', '--at', '2026-11-10', '--customer', 'Delta', '--no-loss', '--typical-duration', '61', '--out', 'noloss.csv');
    expect(noLoss.status).toBe(0);
    const lines = readFileSync(join(tmp.dir, 'noloss.csv'), 'utf8').trim().split('\n');
    expect(lines.filter((l) => l.startsWith('447,'))).toEqual([
      '447,United Kingdom - Mobile,1,Bravo,0.0090,1,1,0.00915,0.0280,0.0190',
      '447,United Kingdom - Mobile,2,Charlie,0.0250,60,60,0.0500,0.0280,0.0030',
    ]);
    expect(lines.filter((l) => l.startsWith('33,'))).toEqual(['33,France,,,,,,,0.0140,']);

    expect(trunkline('lcr', '--at', '2026-11-10', '--format', 'matrix', '--out', 'matrix.xlsx').status).toBe(0);
  });

  it('what-if for the calls routed to Alpha, with --json', () => {
    const r = trunkline('--json', 'lcr', 'whatif', '--carrier', 'Alpha', '--from', '2026-10-01', '--to', '2026-12-01');
    expect(r.status).toBe(0);
    const w = JSON.parse(r.stdout) as LcrWhatIf;
    expect(w.totals).toMatchObject({ calls: 3, actual: '0.1085', cheapest: '0.06475', saving: '0.04375', savingPercent: '40.32' });
    const text = trunkline('lcr', 'whatif', '--carrier', 'Alpha', '--from', '2026-10-01', '--to', '2026-12-01');
    expect(text.stdout).toMatch(/United Kingdom - Mobile\s+│?\s*1/);
    expect(text.stdout).toContain('0.04375');
  });

  it('usage errors exit 1, bad input exits 2', () => {
    expect(trunkline('lcr', '--at', '2026-11-10').status).toBe(1);
    expect(trunkline('lcr', 'whatif', '--from', '2026-10-01', '--to', '2026-12-01').status).toBe(1);
    expect(trunkline('lcr', '--bogus', '--out', 'x.csv').status).toBe(1);
    const unknown = trunkline('lcr', '--vendors', 'Nobody', '--out', 'x.csv');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('CARRIER_NOT_FOUND');
    expect(trunkline('lcr', '--out', 'x.txt').status).toBe(2);
    expect(trunkline('lcr', '--format', 'wide', '--out', 'x.csv').status).toBe(2);
    expect(trunkline('--help').stdout).toContain('lcr whatif --customer NAME|--carrier NAME --from INSTANT --to INSTANT');
  });
});
