import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_CHANNEL, INVOKE_CHANNELS } from '../../../electron/channels.ts';
import type { HostReply, HostRequest } from '../../../electron/engine-protocol.ts';
import { createEngineSession } from '../../../electron/engine-session.ts';
import { CONTENT_SECURITY_POLICY, secureWebPreferences } from '../../../electron/security.ts';
import { DECKS, ROOT } from '../../helpers/workspace.ts';

// main.ts as Electron runs it (bundled to CommonJS), against a stand-in for the 'electron' module
// that records what main asks of it; its utility process is the real engine session, in process.
// This checks the wiring (window options, handlers, policies, the engine round trip) where no
// Electron binary exists. The real thing is test/e2e/electron/app.spec.ts.

type Listener = (...args: unknown[]) => unknown;
const on = () => {
  const listeners = new Map<string, Listener[]>();
  return {
    listeners,
    on(name: string, l: Listener) {
      listeners.set(name, [...(listeners.get(name) ?? []), l]);
      return this;
    },
    once(name: string, l: Listener) {
      return this.on(name, l);
    },
    emit(name: string, ...args: unknown[]) {
      return (listeners.get(name) ?? []).map((l) => l(...args));
    },
  };
};

let dir: string;
let userData: string;
const rec = {
  paths: new Map<string, string>(),
  windows: [] as { options: { webPreferences: unknown }; loaded: string[]; sent: [string, unknown][]; contents: ReturnType<typeof fakeContents> }[],
  handlers: new Map<string, Listener>(),
  menus: [] as unknown[],
  beforeRequest: null as Listener | null,
  headers: null as Listener | null,
  permission: null as Listener | null,
  hosts: [] as { alive: boolean }[],
  quits: 0,
};
const app = Object.assign(on(), {
  isPackaged: false,
  setPath: (name: string, p: string) => rec.paths.set(name, p),
  getPath: (name: string) => rec.paths.get(name) ?? join(dir, name),
  enableSandbox: () => {},
  requestSingleInstanceLock: () => true,
  whenReady: () => Promise.resolve(),
  getAppPath: () => ROOT,
  getVersion: () => '0.1.0',
  quit: () => {
    rec.quits++;
  },
  exit: (code: number) => {
    throw new Error(`app.exit(${code})`);
  },
});
let nextContentsId = 1;
function fakeContents() {
  const e = on();
  const contents = Object.assign(e, {
    id: nextContentsId++,
    openHandler: null as Listener | null,
    sent: [] as [string, unknown][],
    setWindowOpenHandler(h: Listener) {
      contents.openHandler = h;
    },
    send(channel: string, payload: unknown) {
      contents.sent.push([channel, payload]);
    },
    isLoading: () => false,
  });
  return contents;
}
class BrowserWindow {
  webContents = fakeContents();
  loaded: string[] = [];
  constructor(readonly options: { webPreferences: unknown }) {
    rec.windows.push({ options, loaded: this.loaded, sent: this.webContents.sent, contents: this.webContents });
    app.emit('web-contents-created', {}, this.webContents);
  }
  once() {}
  on() {}
  loadFile(p: string) {
    this.loaded.push(p);
    return Promise.resolve();
  }
  setTitle() {}
  setRepresentedFilename() {}
  isDestroyed = () => false;
  isMinimized = () => false;
  focus() {}
  show() {}
}
const electron = {
  app,
  BrowserWindow,
  Menu: { buildFromTemplate: (t: unknown) => t, setApplicationMenu: (m: unknown) => rec.menus.push(m) },
  dialog: { showErrorBox: () => {}, showMessageBox: async () => ({ response: 0 }), showOpenDialog: async () => ({ canceled: true, filePaths: [] }), showSaveDialog: async () => ({ canceled: true }) },
  ipcMain: { handle: (channel: string, h: Listener) => rec.handlers.set(channel, h) },
  nativeTheme: { shouldUseDarkColors: false },
  session: {
    defaultSession: {
      setPermissionRequestHandler: (h: Listener) => (rec.permission = h),
      setPermissionCheckHandler: () => {},
      webRequest: { onBeforeRequest: (h: Listener) => (rec.beforeRequest = h), onHeadersReceived: (h: Listener) => (rec.headers = h) },
    },
  },
  shell: { openExternal: async () => {}, showItemInFolder: () => {} },
  utilityProcess: {
    fork: () => {
      const e = on();
      const host = { alive: true };
      rec.hosts.push(host);
      const handle = createEngineSession({
        post: (m: HostReply) => setImmediate(() => host.alive && e.emit('message', structuredClone(m))),
        exit: (code) => {
          host.alive = false;
          setImmediate(() => e.emit('exit', code));
        },
      });
      return Object.assign(e, {
        postMessage: (m: HostRequest) => setImmediate(() => handle(structuredClone(m))),
        kill: () => {
          host.alive = false;
          setImmediate(() => e.emit('exit', -1));
        },
      });
    },
  },
};

let appUrl: string;
const trusted = () => ({ sender: { id: rec.windows[0]!.contents.id }, senderFrame: { url: `${appUrl}#/decks`, parent: null } });
const invoke = (channel: string, event: unknown, payload: unknown) => rec.handlers.get(channel)!(event, payload) as Promise<unknown>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'trunkline-main-'));
  userData = join(dir, 'user-data');
  mkdirSync(join(dir, 'renderer'), { recursive: true });
  writeFileSync(join(dir, 'renderer', 'index.html'), '<!doctype html>');
  appUrl = pathToFileURL(join(dir, 'renderer', 'index.html')).href;
  const bundle = join(dir, 'electron', 'main.cjs');
  await build({ entryPoints: [join(ROOT, 'electron', 'main.ts')], outfile: bundle, bundle: true, platform: 'node', target: 'node20', format: 'cjs', external: ['electron'], logLevel: 'silent' });
  process.env.TRUNKLINE_USER_DATA = userData;
  delete process.env.TRUNKLINE_DB;
  const loader = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
  const load = loader._load;
  loader._load = function (request: string, ...rest: unknown[]) {
    return request === 'electron' ? electron : load.call(this, request, ...rest);
  };
  createRequire(import.meta.url)(bundle);
  // Start-up: ready → window → the demo workspace opened and seeded in the (in-process) engine host.
  for (let i = 0; i < 100 && !(rec.handlers.size && rec.windows.length); i++) await new Promise((r) => setTimeout(r, 10));
  // A call waits for the workspace to open.
  await invoke(INVOKE_CHANNELS.dispatch, trusted(), { method: 'workspace.info', args: {} });
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('main process wiring', () => {
  it('uses the userData folder it was given and opens one secure window on our page', () => {
    expect(rec.paths.get('userData')).toBe(userData);
    expect(rec.windows).toHaveLength(1);
    expect(rec.windows[0]!.options.webPreferences).toEqual(secureWebPreferences(join(dir, 'electron', 'preload.cjs')));
    expect(rec.windows[0]!.loaded).toEqual([join(dir, 'renderer', 'index.html')]);
    expect(rec.menus.length).toBeGreaterThan(0);
  });

  it('handles exactly the four channels', () => {
    expect([...rec.handlers.keys()].sort()).toEqual(Object.values(INVOKE_CHANNELS).sort());
  });

  it('opens the demo on first run and answers through the engine host', async () => {
    expect(await invoke(INVOKE_CHANNELS.dispatch, trusted(), { method: 'workspace.info', args: {} })).toMatchObject({
      ok: true, data: { demo: true, dbPath: join(userData, 'demo.db'), carriers: 3 },
    });
    expect(await invoke(INVOKE_CHANNELS.dispatch, trusted(), { method: 'carriers.create', args: { name: '' } })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENTS' } });
  });

  it.each([
    { name: 'a subframe', event: () => ({ sender: { id: rec.windows[0]!.contents.id }, senderFrame: { url: appUrl, parent: {} } }) },
    { name: 'another page', event: () => ({ sender: { id: rec.windows[0]!.contents.id }, senderFrame: { url: 'https://evil.example/', parent: null } }) },
    { name: 'another webContents', event: () => ({ sender: { id: 999 }, senderFrame: { url: appUrl, parent: null } }) },
    { name: 'a destroyed frame', event: () => ({ sender: { id: rec.windows[0]!.contents.id }, senderFrame: null }) },
  ])('refuses IPC from $name on every channel', async ({ event }) => {
    for (const channel of Object.values(INVOKE_CHANNELS)) {
      await expect(invoke(channel, event(), channel === INVOKE_CHANNELS.dispatch ? { method: 'carriers.list', args: {} } : 'x.csv')).rejects.toThrow(/untrusted/);
    }
  });

  it('refuses unknown methods and unchosen files before they reach the engine', async () => {
    expect(await invoke(INVOKE_CHANNELS.dispatch, trusted(), { method: 'carriers.drop', args: {} })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENTS' } });
    expect(await invoke(INVOKE_CHANNELS.dispatch, trusted(), { method: 'decks.inspect', args: { file: '/etc/passwd' } })).toMatchObject({
      ok: false, error: { message: expect.stringContaining('not a file you chose') },
    });
  });

  it('lets the engine read a dropped file once the preload has named it', async () => {
    const file = join(DECKS, 'carrierx-v1-full.csv');
    expect(await invoke(INVOKE_CHANNELS.openFile, trusted(), { dropped: file })).toEqual({ path: file, name: 'carrierx-v1-full.csv' });
    expect(await invoke(INVOKE_CHANNELS.dispatch, trusted(), { method: 'decks.inspect', args: { file } })).toMatchObject({ ok: true, data: { format: 'csv' } });
  });

  it('a second launch with a deck opens the import wizard on it', async () => {
    const file = join(DECKS, 'eurotel-semicolon.csv');
    app.emit('second-instance', {}, ['/opt/Trunkline/trunkline', file], '/');
    expect(rec.windows[0]!.sent).toContainEqual([EVENT_CHANNEL, { type: 'shell.importDeck', file: { path: file, name: 'eurotel-semicolon.csv' } }]);
    expect(await invoke(INVOKE_CHANNELS.dispatch, trusted(), { method: 'decks.inspect', args: { file } })).toMatchObject({ ok: true });
  });

  it('sets the CSP, blocks the network and every permission', () => {
    let headers: unknown;
    rec.headers!({ responseHeaders: { 'X-Other': ['1'] } }, (r: unknown) => (headers = r));
    expect(headers).toEqual({ responseHeaders: { 'X-Other': ['1'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
    const cancelled = (url: string) => {
      let r: { cancel: boolean } | undefined;
      rec.beforeRequest!({ url }, (x: { cancel: boolean }) => (r = x));
      return r!.cancel;
    };
    expect(cancelled('https://example.com/x.js')).toBe(true);
    expect(cancelled(`${appUrl.replace('index.html', 'assets/a.js')}`)).toBe(false);
    let granted: boolean | undefined;
    rec.permission!({}, 'media', (g: boolean) => (granted = g));
    expect(granted).toBe(false);
  });

  it('blocks navigation and new windows in every webContents', () => {
    const contents = rec.windows[0]!.contents;
    let prevented = 0;
    contents.emit('will-navigate', { url: 'https://evil.example/', preventDefault: () => prevented++ });
    contents.emit('will-navigate', { url: `${appUrl}#/x`, preventDefault: () => prevented++ });
    contents.emit('will-attach-webview', { preventDefault: () => prevented++ });
    expect(prevented).toBe(3);
    expect(contents.openHandler!({ url: 'https://github.com/' })).toEqual({ action: 'deny' });
    expect(contents.openHandler!({ url: appUrl })).toEqual({ action: 'deny' });
  });

  it('closes the workspace before quitting', async () => {
    let prevented = false;
    app.emit('before-quit', { preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
    await expect.poll(() => rec.quits).toBe(1);
    expect(rec.hosts.every((h) => !h.alive)).toBe(true);
  });
});
