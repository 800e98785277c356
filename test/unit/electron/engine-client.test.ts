import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EngineClient, type HostProcess } from '../../../electron/engine-client.ts';
import type { HostReply, HostRequest } from '../../../electron/engine-protocol.ts';
import { createEngineSession } from '../../../electron/engine-session.ts';
import { fixedClock } from '../../helpers/workspace.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A host in this process: the real session, messages cloned and delivered later, as over a port. */
function fakeHosts() {
  const hosts: { crash(code: number): void; received: HostRequest[]; alive: boolean; hold: boolean }[] = [];
  const spawn = (): HostProcess => {
    let onMessage: (m: HostReply) => void = () => {};
    let onExit: (code: number) => void = () => {};
    const record = {
      received: [] as HostRequest[],
      alive: true,
      /** Takes calls without answering them. */
      hold: false,
      crash(code: number) {
        if (!record.alive) return;
        record.alive = false;
        setImmediate(() => onExit(code));
      },
    };
    const handle = createEngineSession({
      post: (m) => {
        const copy = structuredClone(m);
        setImmediate(() => record.alive && onMessage(copy));
      },
      exit: (code) => record.crash(code),
      clock: fixedClock,
    });
    hosts.push(record);
    return {
      postMessage: (m) => {
        if (!record.alive) throw new Error('the process is gone');
        record.received.push(m);
        const copy = structuredClone(m);
        if (record.hold && m.type === 'call') return;
        setImmediate(() => record.alive && handle(copy));
      },
      onMessage: (l) => (onMessage = l),
      onExit: (l) => (onExit = l),
      kill: () => record.crash(-1),
    };
  };
  return { hosts, spawn };
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'trunkline-client-'));
  dirs.push(dir);
  return dir;
}

describe('EngineClient', () => {
  it('starts a host, answers calls, forwards events, and stops it cleanly', async () => {
    const dir = tempDir();
    const { hosts, spawn } = fakeHosts();
    const events: unknown[] = [];
    const client = new EngineClient(spawn, { event: (e) => events.push(e), backup: () => {} });
    const started = await client.start({ dbPath: join(dir, 'w.db'), backupsDir: join(dir, 'b') });
    expect(started).toMatchObject({ ok: true, info: { carriers: 0 } });
    const calls = await Promise.all([
      client.dispatch('carriers.create', { name: 'A' }),
      client.dispatch('carriers.create', { name: 'B' }),
      client.dispatch('carriers.create', { name: '' }),
    ]);
    expect(calls.map((r) => r.ok)).toEqual([true, true, false]);
    expect(await client.dispatch('carriers.list', {})).toMatchObject({ ok: true, data: [{ name: 'A' }, { name: 'B' }] });
    await client.stop();
    expect(hosts[0]!.alive).toBe(false);
    expect(hosts[0]!.received.at(-1)).toEqual({ type: 'stop' });
  });

  it('answers pending calls when the host crashes, and restarts it on the next call', async () => {
    const dir = tempDir();
    const { hosts, spawn } = fakeHosts();
    const client = new EngineClient(spawn, { event: () => {}, backup: () => {} });
    await client.start({ dbPath: join(dir, 'w.db'), backupsDir: join(dir, 'b') });
    await client.dispatch('carriers.create', { name: 'Kept' });
    // A call the host has taken but not answered when it dies.
    hosts[0]!.hold = true;
    const inFlight = client.dispatch('carriers.list', {});
    await new Promise((r) => setTimeout(r, 5));
    expect(hosts[0]!.received.at(-1)).toMatchObject({ type: 'call', method: 'carriers.list' });
    hosts[0]!.crash(134);
    expect(await inFlight).toMatchObject({ ok: false, error: { code: 'INTERNAL_ERROR', message: expect.stringContaining('exit code 134') } });
    expect(await client.dispatch('carriers.list', {})).toMatchObject({ ok: true, data: [{ name: 'Kept' }] });
    expect(hosts).toHaveLength(2);
    await client.stop();
  });

  it('answers a call made as the host dies', async () => {
    const dir = tempDir();
    const { hosts, spawn } = fakeHosts();
    const client = new EngineClient(spawn, { event: () => {}, backup: () => {} });
    await client.start({ dbPath: join(dir, 'w.db'), backupsDir: join(dir, 'b') });
    const call = client.dispatch('carriers.list', {});
    hosts[0]!.crash(1);
    expect(await call).toMatchObject({ ok: false, error: { code: 'INTERNAL_ERROR' } });
    expect(await client.dispatch('carriers.list', {})).toMatchObject({ ok: true, data: [] });
    await client.stop();
  });

  it('keeps a fatal open error: every call answers it, and no host is restarted', async () => {
    const dir = tempDir();
    const dbPath = join(dir, 'notes.db');
    writeFileSync(dbPath, 'not a database at all, just some text'.repeat(4));
    const { hosts, spawn } = fakeHosts();
    const client = new EngineClient(spawn, { event: () => {}, backup: () => {} });
    expect(await client.start({ dbPath, backupsDir: join(dir, 'b') })).toMatchObject({ ok: false, error: { code: 'DB_NOT_TRUNKLINE' } });
    expect(await client.dispatch('workspace.info', {})).toMatchObject({ ok: false, error: { code: 'DB_NOT_TRUNKLINE' } });
    expect(hosts).toHaveLength(1);
    expect(hosts[0]!.alive).toBe(false);
    await client.stop();
  });

  it('switches workspaces: the old host stops before the new one opens', async () => {
    const dir = tempDir();
    const { hosts, spawn } = fakeHosts();
    const client = new EngineClient(spawn, { event: () => {}, backup: () => {} });
    await client.start({ dbPath: join(dir, 'one.db'), backupsDir: join(dir, 'b') });
    await client.dispatch('carriers.create', { name: 'In one' });
    const two = await client.start({ dbPath: join(dir, 'two.db'), backupsDir: join(dir, 'b') });
    expect(hosts[0]!.alive).toBe(false);
    expect(two).toMatchObject({ ok: true, info: { dbPath: join(dir, 'two.db'), carriers: 0 } });
    expect(client.dbPath).toBe(join(dir, 'two.db'));
    await client.stop();
  });

  it('kills a host that does not stop in time', async () => {
    const dir = tempDir();
    const { hosts, spawn } = fakeHosts();
    const client = new EngineClient(() => {
      const h = spawn();
      // This host ignores 'stop'.
      return { ...h, postMessage: (m) => (m.type === 'stop' ? undefined : h.postMessage(m)) };
    }, { event: () => {}, backup: () => {} }, 50);
    await client.start({ dbPath: join(dir, 'w.db'), backupsDir: join(dir, 'b') });
    await client.stop();
    expect(hosts[0]!.alive).toBe(false);
  });

  it('says no workspace is open before the first start', async () => {
    const client = new EngineClient(() => {
      throw new Error('not spawned');
    }, { event: () => {}, backup: () => {} });
    expect(await client.dispatch('workspace.info', {})).toMatchObject({ ok: false, error: { code: 'INTERNAL_ERROR', message: 'no workspace is open' } });
  });
});

describe('EngineClient, switching quickly', () => {
  it('leaves one host running after two switches in a row, and calls made meanwhile reach the last workspace', async () => {
    const dir = tempDir();
    const { hosts, spawn } = fakeHosts();
    const client = new EngineClient(spawn, { event: () => {}, backup: () => {} });
    await client.start({ dbPath: join(dir, 'one.db'), backupsDir: join(dir, 'b') });
    const two = client.start({ dbPath: join(dir, 'two.db'), backupsDir: join(dir, 'b') });
    const during = client.dispatch('workspace.info', {});
    const three = client.start({ dbPath: join(dir, 'three.db'), backupsDir: join(dir, 'b') });
    const info = await client.dispatch('workspace.info', {});
    await Promise.all([two, three, during]);
    expect(info).toMatchObject({ ok: true, data: { dbPath: join(dir, 'three.db') } });
    expect(hosts.filter((h) => h.alive)).toHaveLength(1);
    await client.stop();
    expect(hosts.filter((h) => h.alive)).toHaveLength(0);
    expect(await client.dispatch('workspace.info', {})).toMatchObject({ ok: false, error: { message: 'no workspace is open' } });
  });
});
