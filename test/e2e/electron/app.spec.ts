import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { _electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import { AppPage } from '../pages/app-page.ts';
import { CarriersPage } from '../pages/carriers-page.ts';
import { DecksPage } from '../pages/decks-page.ts';
import type { TrunklineBridge } from '../../../core/api/bridge.ts';

/**
 * What the page evaluations touch, typed here so this spec needs neither the DOM lib nor the
 * renderer's global declarations (the callbacks run in the page; the types are erased).
 */
interface PageGlobals {
  trunkline?: TrunklineBridge;
  location: { href: string };
  open(url: string): unknown;
  __inline?: boolean;
  document: { createElement(tag: 'script'): { textContent: string }; head: { appendChild(node: unknown): void } };
}

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const DECKS = join(ROOT, 'fixtures', 'decks');

/** The Electron binary, found without requiring 'electron' (which would try to download it). */
function findElectron(): { path: string } | { reason: string } {
  const fromEnv = process.env.ELECTRON_PATH;
  if (fromEnv) return existsSync(fromEnv) ? { path: fromEnv } : { reason: `ELECTRON_PATH is ${fromEnv}, which does not exist` };
  const pathTxt = join(ROOT, 'node_modules', 'electron', 'path.txt');
  if (!existsSync(pathTxt)) {
    return { reason: 'node_modules/electron/path.txt is missing: the binary was never fetched (`npx install-electron` needs network access)' };
  }
  const binary = join(ROOT, 'node_modules', 'electron', 'dist', readFileSync(pathTxt, 'utf8').trim());
  if (!existsSync(binary)) return { reason: `node_modules/electron/path.txt names ${binary}, which is missing` };
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return { reason: 'no display (DISPLAY/WAYLAND_DISPLAY unset): run under xvfb-run' };
  }
  return { path: binary };
}

const electron = findElectron();
const skipReason = 'reason' in electron ? `no Electron binary on this machine: ${electron.reason}` : null;
if (skipReason) console.log(`electron spec skipped: ${skipReason}`);
test.skip(skipReason !== null, skipReason ?? '');

let app: ElectronApplication;
let page: Page;
let userData: string;
const problems: string[] = [];

test.beforeAll(async () => {
  if (!('path' in electron)) return;
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { main?: string };
  for (const built of ['dist/electron/main.cjs', 'dist/electron/preload.cjs', 'dist/electron/engine-host.cjs', 'dist/renderer/index.html']) {
    if (!existsSync(join(ROOT, built))) throw new Error(`${built} is missing: run \`npm run build\` first`);
  }
  if (pkg.main !== 'dist/electron/main.cjs') throw new Error(`package.json "main" is ${pkg.main}; Electron starts dist/electron/main.cjs`);
  userData = mkdtempSync(join(tmpdir(), 'trunkline-electron-'));
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && k !== 'ELECTRON_RUN_AS_NODE' && k !== 'TRUNKLINE_DB') env[k] = v;
  app = await _electron.launch({
    executablePath: electron.path,
    // Chromium's own sandbox cannot start as root (containers, CI); the renderer stays sandboxed by webPreferences.
    args: [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), ROOT],
    cwd: ROOT,
    // A fresh user-data folder: first run, so the demo workspace is seeded.
    env: { ...env, TRUNKLINE_USER_DATA: userData },
  });
  page = await app.firstWindow();
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  await page.waitForLoadState('domcontentloaded');
});

test.afterAll(async () => {
  await app?.close();
  if (userData) rmSync(userData, { recursive: true, force: true });
});

test('the renderer is isolated: one typed global, no Node', async () => {
  const seen = await page.evaluate(() => ({
    bridge: typeof (globalThis as unknown as PageGlobals).trunkline,
    host: (globalThis as unknown as PageGlobals).trunkline?.host,
    members: Object.keys((globalThis as unknown as PageGlobals).trunkline ?? {}).sort(),
    require: typeof (globalThis as { require?: unknown }).require,
    process: typeof (globalThis as { process?: unknown }).process,
    module: typeof (globalThis as { module?: unknown }).module,
    Buffer: typeof (globalThis as { Buffer?: unknown }).Buffer,
  }));
  // contextBridge refuses to expose anything unless contextIsolation is on: the bridge being there proves it.
  expect(seen).toEqual({
    bridge: 'object', host: 'electron', members: ['deliver', 'dispatch', 'droppedFile', 'host', 'onEvent', 'openFile', 'saveTarget'],
    require: 'undefined', process: 'undefined', module: 'undefined', Buffer: 'undefined',
  });
});

test('the page runs under our CSP, loaded from our file', async () => {
  expect(new URL(page.url()).protocol).toBe('file:');
  expect(page.url()).toContain('/dist/renderer/index.html');
  const inlineRan = await page.evaluate(() => {
    const w = globalThis as unknown as PageGlobals;
    const s = w.document.createElement('script');
    s.textContent = 'window.__inline = true';
    w.document.head.appendChild(s);
    return w.__inline === true;
  });
  expect(inlineRan).toBe(false);
});

test('opens the demo workspace on first run, marked as demo', async () => {
  await expect(new AppPage(page, page.url()).demoBadge).toBeVisible();
  const info = await page.evaluate(() => (globalThis as unknown as PageGlobals).trunkline!.dispatch('workspace.info', {}));
  expect(info).toMatchObject({ ok: true, data: { demo: true, dbPath: join(userData, 'demo.db') } });
  expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.getTitle())).toContain('DEMO');
});

test('navigation away and new windows are blocked', async () => {
  const before = page.url();
  await page.evaluate(() => {
    (globalThis as unknown as PageGlobals).location.href = 'https://example.com/';
  });
  await page.waitForTimeout(500);
  expect(page.url()).toBe(before);
  expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).open('https://example.com/') === null)).toBe(true);
  expect(await page.evaluate(() => {
    const w = globalThis as unknown as PageGlobals;
    return w.open(w.location.href) === null;
  })).toBe(true);
  expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1);
});

test('main refuses unknown methods and files the person did not choose', async () => {
  const unknown = await page.evaluate(() => (globalThis as unknown as PageGlobals).trunkline!.dispatch('carriers.drop' as 'carriers.list', {}));
  expect(unknown).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENTS' } });
  const sneaky = await page.evaluate(() => (globalThis as unknown as PageGlobals).trunkline!.dispatch('decks.inspect', { file: '/etc/passwd' }));
  expect(sneaky).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENTS', message: expect.stringContaining('not a file you chose') } });
  const badArgs = await page.evaluate(() => (globalThis as unknown as PageGlobals).trunkline!.dispatch('carriers.create', { name: '' }));
  expect(badArgs).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENTS' } });
});

test('journey: add a carrier, import a deck through the wizard, see the counts', async () => {
  // The web specs' page models, on the app's window (already open: no navigation).
  const shell = new AppPage(page, page.url());
  const carriers = new CarriersPage(shell);
  await carriers.add({ name: 'E2E Telecom', currency: 'USD', timezone: 'UTC' });
  await carriers.expectListed('E2E Telecom');

  // The file input gives the renderer a real File; the preload finds its path (webUtils), as for a drop.
  const decks = new DecksPage(shell);
  await decks.start({ file: join(DECKS, 'carrierx-v1-full.csv'), carrier: 'E2E Telecom', side: 'buy', mode: 'full', received: '2026-09-25' });
  await decks.next();
  await decks.next();
  await expect(decks.wizard.getByTestId('preview-counts')).toBeVisible({ timeout: 30_000 });
  await expect(decks.count('new')).toContainText(/[1-9]/);
  await decks.commit();
  await expect(decks.history).toContainText('carrierx-v1-full.csv');

  const imports = await page.evaluate(() => (globalThis as unknown as PageGlobals).trunkline!.dispatch('decks.list', { carrier: 'E2E Telecom' }));
  expect(imports).toMatchObject({ ok: true, data: [{ carrier: 'E2E Telecom', fileName: 'carrierx-v1-full.csv' }] });
});

test('no console errors in the renderer', () => {
  // Except the CSP's refusal of the inline script the CSP test injected on purpose.
  expect(problems.filter((p) => !/Refused to execute inline script/.test(p))).toEqual([]);
});
