// Scans the Electron shell with @doyensec/electronegativity and fails on any HIGH or MEDIUM
// finding not explained in security/electronegativity-accepted.json (check + file → reason).
// Run by `npm test` (via test:security). Where the tool is not installed (it is a devDependency;
// `npm ci` installs it) it says so and exits 0, so a partial checkout still runs the other tests;
// ELECTRONEGATIVITY_BIN points at another copy.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = process.cwd();
const bin = process.env.ELECTRONEGATIVITY_BIN ?? join(root, 'node_modules', '@doyensec', 'electronegativity', 'dist', 'index.js');
if (!existsSync(bin)) {
  console.log(`electronegativity: not installed (${relative(root, bin)}); skipped. Install the devDependencies (npm ci) to run the scan.`);
  process.exit(0);
}
mkdirSync('test-results', { recursive: true });
const out = join('test-results', 'electronegativity.csv');
const run = spawnSync(process.execPath, [bin, '-i', 'electron', '-o', out, '-r'], { encoding: 'utf8' });
if (!existsSync(out)) {
  console.error(run.stdout, run.stderr);
  console.error('electronegativity: the scan wrote no report');
  process.exit(1);
}
const accepted = JSON.parse(readFileSync(join('security', 'electronegativity-accepted.json'), 'utf8'));
/** One CSV line into fields (quoted fields may hold commas and doubled quotes). */
const fields = (line) => [...line.matchAll(/\s*(?:"((?:[^"]|"")*)"|([^,]*))\s*(?:,|$)/g)].map((m) => (m[1] !== undefined ? m[1].replace(/""/g, '"') : m[2].trim())).slice(0, -1);
const lines = readFileSync(out, 'utf8').trim().split(/\r?\n/);
const header = fields(lines.shift()).map((h) => h.toLowerCase());
const col = (name) => header.findIndex((h) => h.includes(name));
const [iCheck, iSeverity, iFile] = [col('issue'), col('severity'), col('filename')];
const findings = lines.map(fields).map((c) => ({ check: c[iCheck], severity: (c[iSeverity] ?? '').toUpperCase(), file: c[iFile] ?? '', location: c[iFile + 1] ?? '' }));
const serious = findings.filter((f) => f.severity === 'HIGH' || f.severity === 'MEDIUM');
const unexplained = serious.filter((f) => !accepted.some((a) => a.check === f.check && f.file.endsWith(a.file)));
console.log(`electronegativity: ${findings.length} findings, ${serious.length} high or medium, ${serious.length - unexplained.length} explained in security/electronegativity-accepted.json`);
for (const f of unexplained) console.error(`  unexplained ${f.severity} ${f.check} in ${f.file}:${f.location}`);
process.exit(unexplained.length ? 1 : 0);
