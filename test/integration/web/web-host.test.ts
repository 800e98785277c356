import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { serve } from '../../../cli/serve.ts';
import { DECKS, openWorkspace, type Workspace } from '../../helpers/workspace.ts';

let ws: Workspace;
let server: Awaited<ReturnType<typeof serve>>;
let base: string;

beforeEach(async () => {
  ws = openWorkspace();
  const rendererDir = join(ws.dir, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Trunkline</title>');
  server = await serve({ engine: ws.engine, rendererDir, port: 0, workDir: join(ws.dir, 'web') });
  base = server.url;
});
afterEach(async () => {
  await server.close();
  ws.cleanup();
});

const rpc = async (method: string, args: unknown) =>
  (await (await fetch(`${base}rpc`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ method, args }) })).json()) as {
    ok: boolean; data?: never; error?: { code: string };
  };

/** A raw request with a chosen Host header (fetch will not send a forged one). */
function withHost(host: string): Promise<number> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port: url.port, path: '/', headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on('error', reject).end();
  });
}

describe('the web host', () => {
  it('answers the contract on POST /rpc with the Result envelope', async () => {
    expect(await rpc('carriers.create', { name: 'Acme' })).toMatchObject({ ok: true, data: { name: 'Acme' } });
    expect(await rpc('carriers.create', { name: '' })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENTS' } });
    expect(await rpc('no.such', {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
  });

  it('refuses other Host names (DNS rebinding) and non-JSON posts (cross-site forms)', async () => {
    expect(await withHost('evil.example:80')).toBe(403);
    expect(await withHost(new URL(base).host)).toBe(200);
    const form = await fetch(`${base}rpc`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"method":"carriers.list"}' });
    expect(form.status).toBe(415);
  });

  it('imports an uploaded deck, streaming progress as server-sent events, and downloads an export', async () => {
    await rpc('carriers.create', { name: 'Acme' });
    const events: string[] = [];
    const controller = new AbortController();
    const sse = fetch(`${base}events`, { signal: controller.signal }).then(async (res) => {
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          events.push(decoder.decode(value));
        }
      } catch {
        // aborted at the end of the test
      }
    });
    await new Promise((r) => setTimeout(r, 50));
    const body = readFileSync(join(DECKS, 'carrierx-v1-full.csv'));
    const up = (await (await fetch(`${base}upload?name=${encodeURIComponent('carrierx v1.csv')}`, { method: 'POST', body })).json()) as { path: string; name: string };
    expect(up.name).toBe('carrierx v1.csv');
    const imported = await rpc('decks.import', { file: up.path, fileName: up.name, carrier: 'Acme', side: 'buy', received: '2026-09-20', jobId: 'web-1' });
    expect(imported).toMatchObject({ ok: true, data: { file: 'carrierx v1.csv', counts: { new: 40 } } });
    await new Promise((r) => setTimeout(r, 50));
    expect(events.join('')).toContain('"jobId":"web-1"');

    const target = (await (await fetch(`${base}export-target?name=${encodeURIComponent('../../rates.csv')}`)).json()) as { path: string };
    expect(target.path.endsWith('rates.csv')).toBe(true);
    expect(await rpc('rates.export', { carrier: 'Acme', side: 'buy', at: '2026-10-02', out: target.path })).toMatchObject({ ok: true });
    const download = await fetch(`${base}download?path=${encodeURIComponent(target.path)}`);
    expect(download.headers.get('content-disposition')).toBe('attachment; filename="rates.csv"');
    expect((await download.text()).split('\n')[0]).toBe('prefix,destination,rate,currency,effective_from,effective_to,first_increment,next_increment,min_duration,grace,connection_fee');
    controller.abort();
    await sse;
  });

  it('downloads nothing outside its exports folder', async () => {
    const res = await fetch(`${base}download?path=${encodeURIComponent(ws.dbPath)}`);
    expect(res.status).toBe(404);
  });

  it('serves the renderer with a content security policy, and the app for unknown paths', async () => {
    const res = await fetch(`${base}carriers`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await res.text()).toContain('<title>Trunkline</title>');
  });
});
