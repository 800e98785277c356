import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const BIN = join(ROOT, 'bin', 'trunkline.mjs');
const FAKE_NOW = pathToFileURL(join(ROOT, 'test', 'helpers', 'fake-now.mjs')).href;

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built `trunkline` command on a workspace, in `cwd`, as a user would type it; with
 * `now`, on that day (test/helpers/fake-now.mjs): what it records is stamped with that instant.
 */
export function trunklineCli(o: { db: string; cwd: string; now?: string }, ...args: string[]): CliRun {
  const pre = o.now ? ['--import', FAKE_NOW] : [];
  const r = spawnSync(process.execPath, [...pre, BIN, '--db', o.db, ...args], {
    cwd: o.cwd, encoding: 'utf8', timeout: 30_000,
    env: { PATH: process.env.PATH ?? '', HOME: o.cwd, ...(o.now ? { TRUNKLINE_TEST_NOW: o.now } : {}) },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** As trunklineCli, and the command must succeed: its parsed `--json` output. */
export function trunklineJson<T>(o: { db: string; cwd: string; now?: string }, ...args: string[]): T {
  const r = trunklineCli(o, '--json', ...args);
  if (r.status !== 0) throw new Error(`trunkline ${args.join(' ')} exited ${r.status}: ${r.stdout}${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}
