// `npm run audit`: `npm audit --omit=dev` over the production dependencies (what the app ships),
// failing on any high or critical advisory not justified in security/npm-audit-accepted.json
// (advisory URL → reason). npm asks the registry's bulk advisory endpoint
// (POST /-/npm/v1/security/advisories/bulk); where that endpoint cannot be reached (some mirrors and
// proxies answer it 405 Method Not Allowed) no audit happened: the script says so plainly, lists the
// pinned production dependencies, and exits 0, or 2 with AUDIT_REQUIRED=1 (for a CI that must audit).
// AUDIT_REPORT=FILE checks a report saved elsewhere (`npm audit --omit=dev --json > FILE`) instead.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = process.cwd();
const FAIL_ON = new Set(['high', 'critical']);
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

const run = process.env.AUDIT_REPORT
  ? { stdout: readFileSync(process.env.AUDIT_REPORT, 'utf8'), stderr: '', status: 0 }
  : spawnSync(npm, ['audit', '--omit=dev', '--json'], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20, shell: process.platform === 'win32' });
let report;
try {
  report = JSON.parse(run.stdout);
} catch {
  report = undefined;
}

const deps = Object.entries(pkg.dependencies ?? {}).map(([name, version]) => `${name} ${version}`).join(', ');
const counts = report?.metadata?.vulnerabilities;
if (!counts) {
  const why = report?.message ?? report?.error?.summary ?? (run.error ? String(run.error.message) : (run.stderr || run.stdout || `npm exited ${run.status}`).trim().split('\n').pop());
  console.log(`npm audit: NOT RUN. The advisory endpoint could not be used from this network: ${why}`);
  console.log(`The ${Object.keys(pkg.dependencies ?? {}).length} production dependencies are pinned exactly (package-lock.json pins the rest): ${deps}.`);
  console.log('Run `npm run audit` where https://registry.npmjs.org/-/npm/v1/security/advisories/bulk answers POST (the public registry, directly or through a proxy that forwards it).');
  process.exit(process.env.AUDIT_REQUIRED === '1' ? 2 : 0);
}

const acceptedPath = process.env.AUDIT_ACCEPTED ?? join(root, 'security', 'npm-audit-accepted.json');
const accepted = existsSync(acceptedPath) ? JSON.parse(readFileSync(acceptedPath, 'utf8')) : {};
const findings = [];
for (const v of Object.values(report.vulnerabilities ?? {})) {
  for (const via of v.via ?? []) {
    if (typeof via !== 'object') continue; // a dependency that is vulnerable through another one, listed on its own
    findings.push({ package: via.name ?? v.name, severity: via.severity ?? v.severity, title: via.title ?? '', url: via.url ?? '', range: via.range ?? '' });
  }
}
const blocking = findings.filter((f) => FAIL_ON.has(f.severity) && !(f.url && accepted[f.url]));
console.log(`npm audit (production dependencies, ${report.metadata?.dependencies?.prod ?? '?'} packages): ` +
  `${counts.critical} critical, ${counts.high} high, ${counts.moderate} moderate, ${counts.low} low, ${counts.info} info`);
for (const f of findings) {
  const note = f.url && accepted[f.url] ? ` (accepted: ${accepted[f.url]})` : '';
  console.log(`  ${f.severity.padEnd(8)} ${f.package} ${f.range}: ${f.title} ${f.url}${note}`);
}
if (blocking.length > 0) {
  console.error(`npm audit: ${blocking.length} high or critical finding(s) not justified in security/npm-audit-accepted.json`);
  process.exit(1);
}
console.log('npm audit: no unexplained high or critical finding');
