import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test as base, expect } from '@playwright/test';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const DECKS = join(ROOT, 'fixtures', 'decks');
export const BROKEN = join(ROOT, 'fixtures', 'decks-broken');

export interface WebHost {
  url: string;
  dir: string;
  dbPath: string;
  /** Calls the engine directly through the host's contract endpoint, to set up a scenario. */
  rpc<T = unknown>(method: string, args: unknown): Promise<T>;
  /** Uploads a file as the browser would, returning the server-side path for the engine. */
  upload(path: string, name: string): Promise<string>;
}

/**
 * Starts `trunkline serve` on a fresh workspace in a temp folder, and stops it after the test.
 * With `now` (an ISO instant), the host's clock stands at that instant (test/helpers/fake-now.mjs),
 * for specs that play a given day of a month.
 */
async function startHost(seedDemo: boolean, now?: string): Promise<{ host: WebHost; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'trunkline-e2e-'));
  const dbPath = join(dir, 'workspace.db');
  const bin = join(ROOT, 'bin', 'trunkline.mjs');
  if (seedDemo) {
    await new Promise<void>((done, fail) => {
      spawn(process.execPath, [bin, '--db', dbPath, 'demo'], { stdio: 'ignore' }).on('exit', (code) => (code === 0 ? done() : fail(new Error(`demo exited ${code}`))));
    });
  }
  const clock = now ? ['--import', pathToFileURL(join(ROOT, 'test', 'helpers', 'fake-now.mjs')).href] : [];
  const child: ChildProcess = spawn(process.execPath, [...clock, bin, '--db', dbPath, 'serve', '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'], env: now ? { ...process.env, TRUNKLINE_TEST_NOW: now } : process.env,
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = await new Promise<string>((done, fail) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`the web host did not start: ${stderr}`)), 15_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /open (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (m) {
        clearTimeout(timer);
        done(m[1]!);
      }
    });
    child.on('exit', (code) => fail(new Error(`the web host exited ${code}: ${stderr}`)));
  });
  const host: WebHost = {
    url, dir, dbPath,
    async rpc<T>(method: string, args: unknown): Promise<T> {
      const res = await fetch(`${url}rpc`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ method, args }) });
      const r = (await res.json()) as { ok: boolean; data: T; error?: { message: string } };
      if (!r.ok) throw new Error(`${method}: ${r.error?.message}`);
      return r.data;
    },
    async upload(path: string, name: string): Promise<string> {
      const { readFileSync } = await import('node:fs');
      const res = await fetch(`${url}upload?name=${encodeURIComponent(name)}`, { method: 'POST', body: readFileSync(path) });
      return ((await res.json()) as { path: string }).path;
    },
  };
  return {
    host,
    async stop() {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const test = base.extend<{ host: WebHost; demoHost: WebHost; hostNow: string | undefined }>({
  /** The instant the web host believes it is (`test.use({ hostNow: '…' })`); default: the real clock. */
  hostNow: [undefined, { option: true }],
  host: async ({ hostNow }, use) => {
    const h = await startHost(false, hostNow);
    await use(h.host);
    await h.stop();
  },
  demoHost: async ({}, use) => {
    const h = await startHost(true);
    await use(h.host);
    await h.stop();
  },
  page: async ({ page }, use) => {
    // A console error or an uncaught exception in the renderer fails the test that caused it.
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    await use(page);
    expect(problems, 'renderer console errors').toEqual([]);
  },
});

export { expect };
