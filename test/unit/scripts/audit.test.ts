import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../../helpers/workspace.ts';

/** scripts/audit.mjs (`npm run audit`) on saved `npm audit --omit=dev --json` reports. */
const tmp = tempDir('trunkline-audit-');
afterAll(() => tmp.cleanup());

function audit(report: unknown, accepted: Record<string, string> = {}, env: Record<string, string> = {}): { code: number | null; out: string } {
  const file = join(tmp.dir, `report-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(report));
  const acc = `${file}.accepted.json`;
  writeFileSync(acc, JSON.stringify(accepted));
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'audit.mjs')], { cwd: ROOT, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', AUDIT_REPORT: file, AUDIT_ACCEPTED: acc, ...env } });
  return { code: r.status, out: r.stdout + r.stderr };
}

const counts = (high: number, critical = 0) => ({ info: 0, low: 0, moderate: 1, high, critical, total: 1 + high + critical });
const URL = 'https://github.com/advisories/GHSA-xxxx-yyyy-zzzz';
const withHigh = {
  auditReportVersion: 2,
  vulnerabilities: {
    tar: { name: 'tar', severity: 'high', via: [{ name: 'tar', severity: 'high', title: 'Arbitrary file write', url: URL, range: '<6.2.1' }] },
    exceljs: { name: 'exceljs', severity: 'high', via: ['tar'] },
  },
  metadata: { vulnerabilities: counts(1), dependencies: { prod: 222 } },
};

describe('npm run audit', () => {
  it('fails on a high finding, naming it; passes once it is justified', () => {
    const a = audit(withHigh);
    expect(a.code).toBe(1);
    expect(a.out).toMatch(/tar <6\.2\.1: Arbitrary file write/);
    expect(a.out).toMatch(/1 high or critical finding/);
    const b = audit(withHigh, { [URL]: 'only reached by unpacking our own templates' });
    expect(b.code).toBe(0);
    expect(b.out).toMatch(/accepted: only reached/);
  });

  it('passes a clean report, and one with only moderate findings', () => {
    expect(audit({ auditReportVersion: 2, vulnerabilities: {}, metadata: { vulnerabilities: counts(0), dependencies: { prod: 222 } } }).code).toBe(0);
  });

  it('an unreachable advisory endpoint is reported as NOT RUN with the pinned dependencies, not as a failure (unless required)', () => {
    const unreachable = { message: '405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk', statusCode: 405 };
    const a = audit(unreachable);
    expect(a.code).toBe(0);
    expect(a.out).toMatch(/NOT RUN.*405 Method Not Allowed/);
    expect(a.out).toMatch(/better-sqlite3 12\.11\.1/);
    expect(audit(unreachable, {}, { AUDIT_REQUIRED: '1' }).code).toBe(2);
  });
});
