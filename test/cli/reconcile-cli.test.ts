import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../helpers/workspace.ts';

const BIN = join(ROOT, 'bin', 'trunkline.mjs');
const S = join(ROOT, 'fixtures', 'scenarios', 'recon-basic');
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
  tmp = tempDir('trunkline-recon-cli-');
});
afterAll(() => tmp.cleanup());

describe('trunkline invoices, reconcile and disputes', () => {
  it('runs the month-end journey from the command line', async () => {
    const setup = [
      ['carriers', 'add', 'Voxa', '--roles', 'vendor', '--timezone', 'UTC', '--rounding', 'per-call', '--decimals', '4', '--notice-increase', '7',
        '--dispute-threshold-absolute', '0.005', '--dispute-threshold-percent', '1'],
      ['decks', 'import', join(S, 'deck-v1.csv'), '--carrier', 'Voxa', '--side', 'buy', '--received', '2026-07-20'],
      ['decks', 'import', join(S, 'deck-v2-increase.csv'), '--carrier', 'Voxa', '--side', 'buy', '--mode', 'partial', '--received', '2026-09-08'],
      ['cdrs', 'import', join(S, 'own-cdrs.csv'), '--carrier', 'Voxa', '--source', 'own'],
      ['cdrs', 'import', join(S, 'carrier-cdrs.csv'), '--carrier', 'Voxa', '--source', 'carrier'],
    ];
    for (const a of setup) expect(trunkline(...a).status, a.join(' ')).toBe(0);
    const inv = trunkline('--json', 'invoices', 'import', join(S, 'invoice.csv'), '--carrier', 'Voxa');
    expect(inv.status, inv.stdout + inv.stderr).toBe(0);
    expect(JSON.parse(inv.stdout)).toMatchObject({ number: 'VX-2026-09', period: '2026-09', total: '0.2695', issuedOn: '2026-10-03', dueOn: '2026-11-02' });
    expect(trunkline('invoices', 'import', join(S, 'invoice.csv'), '--carrier', 'Voxa').status).toBe(2);

    const out = join(tmp.dir, 'recon.xlsx');
    const run = trunkline('reconcile', '--carrier', 'Voxa', '--period', '2026-09', '--time-tolerance', '2', '--duration-tolerance', '1', '--out', out, '--json');
    expect(run.status, run.stderr).toBe(0);
    const r = JSON.parse(run.stdout) as Record<string, unknown> & { id: number };
    const expected = JSON.parse(readFileSync(join(S, 'expected.json'), 'utf8')) as Record<string, unknown>;
    expect(r).toMatchObject({ ...expected, id: expect.any(Number) as number });
    for (const k of ['id', 'carrier', 'period', 'invoiceTotal', 'expectedTotal', 'variance', 'classes', 'causes', 'proposedDisputeAmount']) expect(r).toHaveProperty(k);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(out);
    expect(wb.getWorksheet('Summary')).toBeDefined();
    expect(wb.getWorksheet('rateMismatch')!.rowCount).toBe(3);

    const text = trunkline('reconcile', 'show', String(r.id));
    expect(text.stdout).toContain('notice-violation');
    expect(trunkline('reconcile', '--carrier', 'Voxa').status).toBe(1);
    expect(trunkline('reconcile', '--carrier', 'Nobody', '--period', '2026-09').status).toBe(2);

    expect(trunkline('disputes', 'open', '--reconciliation', String(r.id)).status).toBe(1);
    const opened = trunkline('--json', 'disputes', 'open', '--reconciliation', String(r.id), '--all-proposed');
    expect(opened.status, opened.stderr).toBe(0);
    const d = JSON.parse(opened.stdout) as { id: number; claimed: string; state: string };
    expect(d).toMatchObject({ claimed: '0.1125', state: 'draft' });
    const refused = trunkline('--json', 'disputes', 'set', String(d.id), '--state', 'accepted');
    expect(refused.status).toBe(2);
    expect(JSON.parse(refused.stdout).error.code).toBe('DISPUTE_INVALID_TRANSITION');
    expect(trunkline('disputes', 'set', String(d.id), '--state', 'submitted', '--note', 'emailed').status).toBe(0);
    expect(trunkline('disputes', 'list', '--carrier', 'Voxa', '--state', 'submitted').stdout).toContain('submitted');
    const pkg = join(tmp.dir, 'dispute.xlsx');
    expect(trunkline('disputes', 'export', String(d.id), '--out', pkg).status).toBe(0);
    const w2 = new ExcelJS.Workbook();
    await w2.xlsx.readFile(pkg);
    expect(w2.worksheets.map((s) => s.name)).toEqual(['Summary', 'Lines', 'Evidence']);
    expect(trunkline('disputes', 'show', String(d.id)).stdout).toContain('draft → submitted');
  }, 120_000);
});
