// `npm start`: builds, then opens the desktop app on the demo workspace when it can, else the same
// renderer in a browser through the web host. It says which, and why.
//  - A display (Windows, macOS, or DISPLAY/WAYLAND_DISPLAY) and an Electron binary (fetched now with
//    `npx install-electron` if missing) → the window.
//  - Otherwise → `trunkline demo` then `trunkline serve` on the demo workspace: open the URL it prints.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const ELECTRON_DIR = join(ROOT, 'node_modules', 'electron');
const TRUNKLINE = join(ROOT, 'bin', 'trunkline.mjs');

const say = (line) => process.stdout.write(`[trunkline start] ${line}\n`);

function run(args, options = {}) {
  return spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'inherit', ...options });
}

/** The binary path.txt names, or why there is none (never `require('electron')`: it downloads). */
function electronBinary() {
  const pathTxt = join(ELECTRON_DIR, 'path.txt');
  if (!existsSync(join(ELECTRON_DIR, 'package.json'))) return { reason: 'the electron package is not installed (run `npm install`)' };
  if (!existsSync(pathTxt)) return { reason: 'the Electron binary has not been downloaded yet' };
  const binary = join(ELECTRON_DIR, 'dist', readFileSync(pathTxt, 'utf8').trim());
  return existsSync(binary) ? { binary } : { reason: `${binary} is missing` };
}

function hasDisplay() {
  if (process.platform === 'win32' || process.platform === 'darwin') return { ok: true, why: process.platform };
  if (process.env.WAYLAND_DISPLAY) return { ok: true, why: `WAYLAND_DISPLAY=${process.env.WAYLAND_DISPLAY}` };
  if (process.env.DISPLAY) return { ok: true, why: `DISPLAY=${process.env.DISPLAY}` };
  return { ok: false, why: 'no display: DISPLAY and WAYLAND_DISPLAY are unset' };
}

/** Ensures the Electron binary, downloading it once (electron 42+ does not at install). */
function ensureElectron() {
  let found = electronBinary();
  if ('binary' in found) return found;
  say(`${found.reason}: fetching it (node_modules/electron/install.js, what \`npx install-electron\` runs) …`);
  const installer = join(ELECTRON_DIR, 'install.js');
  const r = existsSync(installer) ? run([installer]) : { status: 1 };
  if (r.status !== 0) return { reason: `the Electron download failed (${found.reason}; install-electron exited ${r.status ?? r.signal}) — offline, or blocked by a proxy?` };
  found = electronBinary();
  return found;
}

function startElectron(binary) {
  say(`mode: desktop window — ${binary}`);
  const env = { ...process.env };
  // Set, it would make Electron a plain Node and run main.cjs without a window.
  delete env.ELECTRON_RUN_AS_NODE;
  const child = spawn(binary, ['.'], { cwd: ROOT, stdio: 'inherit', env });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

function startWebHost(why) {
  say(`mode: web host in your browser — ${why}`);
  const demo = spawnSync(process.execPath, [TRUNKLINE, '--json', 'demo'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (demo.status !== 0) {
    say(`seeding the demo failed (exit ${demo.status}):\n${demo.stdout}`);
    process.exit(demo.status ?? 1);
  }
  const { db } = JSON.parse(demo.stdout);
  say(`demo workspace: ${db}`);
  const child = spawn(process.execPath, [TRUNKLINE, '--db', db, 'serve'], { cwd: ROOT, stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

const build = run([join(ROOT, 'scripts', 'build.mjs')]);
if (build.status !== 0) {
  say(`the build failed (exit ${build.status})`);
  process.exit(build.status ?? 1);
}

const display = hasDisplay();
if (process.env.TRUNKLINE_START === 'web') {
  startWebHost('TRUNKLINE_START=web');
} else if (!display.ok) {
  startWebHost(display.why);
} else {
  const electron = ensureElectron();
  if ('binary' in electron) startElectron(electron.binary);
  else startWebHost(`display found (${display.why}), but no Electron: ${electron.reason}`);
}
