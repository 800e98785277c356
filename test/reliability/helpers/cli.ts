import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../helpers/workspace.ts';

/**
 * The command the suites run. TRUNKLINE_BIN points them at another build (e.g. a snapshot of bin/ and
 * dist/ taken before a long full-budget run, so rebuilding the working tree meanwhile cannot change it).
 */
export const BIN = process.env.TRUNKLINE_BIN ?? join(ROOT, 'bin', 'trunkline.mjs');

/** Builds dist/cli.mjs when missing (npm test builds it first; a lone vitest run may not have). */
export function ensureCliBuilt(): void {
  if (process.env.TRUNKLINE_BIN) return;
  if (existsSync(join(ROOT, 'dist', 'cli.mjs'))) return;
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs'), 'cli'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`building the CLI failed: ${r.stderr}`);
}

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  /** Peak resident set of the child, from /proc (Linux), in bytes; 0 where unknown. */
  peakRss: number;
}

function readPeakRss(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /VmHWM:\s+(\d+) kB/.exec(status);
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * Runs the real CLI in its own process, with a private HOME so no real workspace is touched.
 * `killAfterMs` sends SIGKILL at that point if it is still running; `rssLimit` kills it (and says
 * so) once its resident set passes the limit.
 */
export function runCli(args: string[], opts: { cwd: string; killAfterMs?: number; timeoutMs?: number; env?: Record<string, string> } ): Promise<CliRun> {
  const started = performance.now();
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: opts.cwd,
    env: { PATH: process.env.PATH ?? '', HOME: opts.cwd, XDG_CONFIG_HOME: join(opts.cwd, 'config'), ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let peakRss = 0;
  child.stdout.setEncoding('utf8').on('data', (s: string) => { if (stdout.length < 1 << 20) stdout += s; });
  child.stderr.setEncoding('utf8').on('data', (s: string) => { if (stderr.length < 1 << 20) stderr += s; });
  const sample = setInterval(() => {
    if (child.pid) peakRss = Math.max(peakRss, readPeakRss(child.pid));
  }, 50);
  const timers: NodeJS.Timeout[] = [];
  if (opts.killAfterMs !== undefined) timers.push(setTimeout(() => child.kill('SIGKILL'), opts.killAfterMs));
  timers.push(setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 600_000));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearInterval(sample);
      for (const t of timers) clearTimeout(t);
      // The last sample may predate the peak; VmHWM is gone with the process, so sample as late as we can.
      resolve({ code, signal, stdout, stderr, ms: performance.now() - started, peakRss });
    });
  });
}
