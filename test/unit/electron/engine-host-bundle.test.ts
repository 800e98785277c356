import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostReply, HostRequest } from '../../../electron/engine-protocol.ts';
import { DECKS, ROOT } from '../../helpers/workspace.ts';

// The engine host as Electron runs it: bundled to CommonJS like scripts/build.mjs does, started as
// a child process whose parentPort is the shim. Checks the bundle loads (better-sqlite3, exceljs …)
// and speaks the protocol, without an Electron binary.
let dir: string;
let bundle: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'trunkline-host-bundle-'));
  bundle = join(dir, 'engine-host.cjs');
  await build({
    entryPoints: [join(ROOT, 'electron', 'engine-host.ts')], outfile: bundle, bundle: true, platform: 'node', target: 'node20',
    packages: 'external', format: 'cjs', external: ['electron'], logLevel: 'silent',
  });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function startHost(): { child: ChildProcess; next: (match: (m: HostReply) => boolean) => Promise<HostReply>; send: (m: HostRequest) => void; exited: Promise<number | null> } {
  const child = fork(bundle, [], {
    execArgv: ['--import', pathToFileURL(join(ROOT, 'test', 'unit', 'electron', 'parent-port-shim.mjs')).href],
    env: { ...process.env, NODE_PATH: join(ROOT, 'node_modules') },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  const seen: HostReply[] = [];
  const waiters: { match: (m: HostReply) => boolean; resolve: (m: HostReply) => void }[] = [];
  child.on('message', (m: HostReply) => {
    seen.push(m);
    for (const w of waiters.splice(0)) {
      if (w.match(m)) w.resolve(m);
      else waiters.push(w);
    }
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  return {
    child,
    exited,
    send: (m) => child.send(m),
    next: (match) => new Promise((resolve) => {
      const found = seen.find(match);
      if (found) resolve(found);
      else waiters.push({ match, resolve });
    }),
  };
}

describe('engine-host bundle', () => {
  it('opens and seeds the demo, imports a deck with progress, and exits on stop', async () => {
    const host = startHost();
    const dbPath = join(dir, 'demo.db');
    host.send({ type: 'start', dbPath, backupsDir: join(dir, 'backups'), fixturesDir: DECKS });
    expect(await host.next((m) => m.type === 'ready' || m.type === 'fatal')).toMatchObject({ type: 'ready', info: { dbPath, demo: true, carriers: 3 } });

    host.send({ type: 'call', id: 1, method: 'carriers.create', args: { name: 'Acme Telecom' } });
    expect(await host.next((m) => m.type === 'result' && m.id === 1)).toMatchObject({ result: { ok: true } });
    host.send({
      type: 'call', id: 2, method: 'decks.import',
      args: { file: join(DECKS, 'carrierx-v1-full.csv'), carrier: 'Acme Telecom', side: 'buy', received: '2026-09-25', jobId: 'job-1' },
    });
    expect(await host.next((m) => m.type === 'result' && m.id === 2)).toMatchObject({ result: { ok: true, data: { carrier: 'Acme Telecom' } } });
    expect(await host.next((m) => m.type === 'event')).toMatchObject({ event: { type: 'job.progress', jobId: 'job-1' } });

    host.send({ type: 'call', id: 3, method: 'decks.import', args: { file: 42 } });
    expect(await host.next((m) => m.type === 'result' && m.id === 3)).toMatchObject({ result: { ok: false, error: { code: 'INVALID_ARGUMENTS' } } });

    host.send({ type: 'stop' });
    expect(await host.exited).toBe(0);
  });
});
