// Electron's main process: one window, the app menu, native dialogs, the single-instance lock,
// the workspace (its location, recent list, backups) and the IPC edge to the engine host.
// It holds no business logic: every engine call is dispatched to the utility process.
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  BrowserWindow, Menu, app, dialog, ipcMain, nativeTheme, session, shell, utilityProcess,
  type IpcMainInvokeEvent, type OpenDialogOptions, type WebContents,
} from 'electron';
import type { PickedFile } from '../core/api/bridge.ts';
import type { ErrorBody } from '../core/api/errors.ts';
import { defaultDbPath } from '../core/db/default-path.ts';
import { EVENT_CHANNEL, INVOKE_CHANNELS } from './channels.ts';
import { EngineClient, type HostProcess, type StartOutcome } from './engine-client.ts';
import type { StartOptions } from './engine-protocol.ts';
import { filesFromArgv, WORKSPACE_EXTENSIONS, type ArgvFile } from './files-from-argv.ts';
import { menuTemplate } from './menu.ts';
import { addRecent, loadRecent, saveRecent, type RecentWorkspaces } from './recent-workspaces.ts';
import {
  CONTENT_SECURITY_POLICY, DeliverPayload, OpenFilePayload, PathGrants, SaveTargetPayload, allowNavigation, allowNewWindow,
  allowPermission, checkDispatchPayload, isAllowedExternalUrl, isAllowedRequestUrl, isTrustedSender, secureWebPreferences,
} from './security.ts';
import type { HostEvent } from '../core/api/events.ts';
import { chooseStartupWorkspace, demoDbPath } from './startup-workspace.ts';

// The same folder the CLI's default workspace lives in; TRUNKLINE_USER_DATA gives tests a fresh one.
// Set before anything reads it: the single-instance lock is per userData folder.
app.setPath('userData', process.env.TRUNKLINE_USER_DATA || dirname(defaultDbPath()));
app.enableSandbox();

const RENDERER_HTML = join(__dirname, '..', 'renderer', 'index.html');
const APP_URL = pathToFileURL(RENDERER_HTML).href;
const PRELOAD = join(__dirname, 'preload.cjs');
const ENGINE_HOST = join(__dirname, 'engine-host.cjs');

const userData = (): string => app.getPath('userData');
const recentFile = (): string => join(userData(), 'recent.json');
const backupsDir = (): string => join(userData(), 'backups');
/** Packaged, the fixtures are unpacked from the asar (electron-builder.yml) so every reader sees plain files. */
const fixturesDir = (): string =>
  join(app.isPackaged ? app.getAppPath().replace(/app\.asar$/, 'app.asar.unpacked') : app.getAppPath(), 'fixtures', 'decks');

let win: BrowserWindow | null = null;
let recent: RecentWorkspaces = { recent: [] };
let workspace: { dbPath: string; demo: boolean } | null = null;
const grants = new PathGrants();
/** Files named before the window could take them (a second launch while starting). */
const waitingFiles: ArgvFile[] = [];

const send = (event: HostEvent): void => {
  if (win && !win.isDestroyed()) win.webContents.send(EVENT_CHANNEL, event);
};

const engine = new EngineClient(spawnEngineHost, {
  event: (e) => send(e),
  backup: (file, reason) => {
    console.info(`trunkline: automatic backup ${file} (${reason})`);
    send({ type: 'shell.backupTaken', file, reason });
  },
});

function spawnEngineHost(): HostProcess {
  const child = utilityProcess.fork(ENGINE_HOST, [], { serviceName: 'Trunkline engine', stdio: 'inherit' });
  return {
    postMessage: (m) => child.postMessage(m),
    onMessage: (listener) => child.on('message', listener),
    onExit: (listener) => child.on('exit', listener),
    kill: () => {
      child.kill();
    },
  };
}

if (!app.requestSingleInstanceLock()) {
  // Another Trunkline has this user-data folder open: it gets our arguments (second-instance) and we leave.
  app.quit();
} else {
  app.on('second-instance', (_event, argv, cwd) => {
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
    handleFiles(filesFromArgv(argv, cwd, isFile));
  });
  // macOS: a file dropped on the Dock icon or opened with Trunkline.
  app.on('open-file', (event, path) => {
    event.preventDefault();
    handleFiles(filesFromArgv(['', path], '/', isFile));
  });
  app.on('web-contents-created', (_event, contents) => lockDown(contents));
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (!win) createWindow();
  });
  let closing = false;
  app.on('before-quit', (event) => {
    if (closing) return;
    // Close the workspace cleanly (WAL checkpointed into the file) before the process ends.
    event.preventDefault();
    closing = true;
    void engine.stop().finally(() => app.quit());
  });
  app.whenReady().then(start, (e: unknown) => {
    console.error('trunkline: Electron did not start', e);
    app.exit(1);
  });
}

async function start(): Promise<void> {
  secureSession();
  registerIpc();
  recent = loadRecent(recentFile());
  const choice = chooseStartupWorkspace({ env: process.env, userData: userData(), current: recent.current, exists: existsSync });
  console.info(`trunkline: opening ${choice.dbPath} (${choice.why})`);
  buildMenu();
  if (!existsSync(RENDERER_HTML)) {
    dialog.showErrorBox('Trunkline is not built', `${RENDERER_HTML} is missing. Run \`npm run build\` (or \`npm start\`) in the Trunkline folder.`);
    app.exit(3);
    return;
  }
  createWindow();
  handleFiles(filesFromArgv(process.argv, process.cwd(), isFile));
  const outcome = await openWorkspace(choice.dbPath, { demo: choice.demo, remember: false });
  if (!outcome.ok) send({ type: 'shell.fatal', error: outcome.error });
}

function secureSession(): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_contents, permission, callback) => callback(allowPermission(permission)));
  ses.setPermissionCheckHandler((_contents, permission) => allowPermission(permission));
  ses.webRequest.onBeforeRequest((details, callback) => callback({ cancel: !isAllowedRequestUrl(details.url) }));
  ses.webRequest.onHeadersReceived((details, callback) =>
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } }),
  );
}

/** Every webContents (the window, devtools, anything else): no navigation, no new windows, no webviews. */
function lockDown(contents: WebContents): void {
  const block = (event: { preventDefault(): void }, url: string): void => {
    if (allowNavigation(url)) return;
    event.preventDefault();
    openExternal(url);
  };
  contents.on('will-navigate', (event) => block(event, event.url));
  contents.on('will-frame-navigate', (event) => {
    if (!event.isMainFrame) block(event, event.url);
  });
  contents.on('will-redirect', (event) => block(event, event.url));
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (!allowNewWindow(url)) openExternal(url);
    return { action: 'deny' };
  });
}

/** Links to an allowed https origin open in the person's browser; everything else goes nowhere. */
function openExternal(url: string): void {
  if (isAllowedExternalUrl(url)) void shell.openExternal(url);
  else console.warn(`trunkline: blocked navigation to ${url}`);
}

function createWindow(): void {
  win = new BrowserWindow({
    width: 1360,
    height: 860,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: 'Trunkline',
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#1d2125' : '#ffffff',
    webPreferences: secureWebPreferences(PRELOAD),
  });
  win.once('ready-to-show', () => win?.show());
  // Our title names the workspace (and says DEMO); the page's <title> does not replace it.
  win.on('page-title-updated', (event) => event.preventDefault());
  win.on('closed', () => {
    win = null;
  });
  win.webContents.on('render-process-gone', (_event, details) => console.error(`trunkline: renderer gone (${details.reason})`));
  win.webContents.on('did-finish-load', () => {
    const files = waitingFiles.splice(0);
    handleFiles(files);
  });
  updateTitle();
  void win.loadFile(RENDERER_HTML);
}

function updateTitle(): void {
  if (!win) return;
  win.setTitle(workspace ? `Trunkline — ${basename(workspace.dbPath)}${workspace.demo ? ' (DEMO workspace)' : ''}` : 'Trunkline');
  if (workspace) win.setRepresentedFilename(workspace.dbPath);
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function handleFiles(files: ArgvFile[]): void {
  if (!win || win.webContents.isLoading()) {
    waitingFiles.push(...files);
    return;
  }
  for (const f of files) {
    if (f.kind === 'workspace') void switchWorkspace(f.path);
    else {
      grants.grantRead(f.path);
      send({ type: 'shell.importDeck', file: { path: f.path, name: f.name } });
    }
  }
}

/** Starts the engine host on a workspace: the demo is seeded from the fixtures the first time. */
async function openWorkspace(dbPath: string, options: { demo: boolean; remember: boolean }): Promise<StartOutcome> {
  const start: StartOptions = { dbPath, backupsDir: backupsDir(), ...(options.demo ? { fixturesDir: fixturesDir() } : {}) };
  const outcome = await engine.start(start);
  workspace = { dbPath, demo: outcome.ok ? outcome.info.demo : options.demo };
  if (outcome.ok && outcome.seedError) console.warn(`trunkline: the demo was not seeded: ${outcome.seedError.message}`);
  if (outcome.ok && options.remember) {
    recent = addRecent(recent, dbPath);
    saveRecent(recentFile(), recent);
  }
  updateTitle();
  buildMenu();
  return outcome;
}

/** A workspace the person chose: on failure they are told why, and the previous one opens again. */
async function switchWorkspace(dbPath: string): Promise<void> {
  const previous = workspace;
  const outcome = await openWorkspace(dbPath, { demo: dbPath === demoDbPath(userData()), remember: true });
  if (outcome.ok) {
    send({ type: 'shell.workspaceChanged', dbPath, demo: outcome.info.demo });
    return;
  }
  await showError(`Cannot open ${basename(dbPath)}`, outcome.error);
  if (previous) {
    const back = await openWorkspace(previous.dbPath, { demo: previous.demo, remember: false });
    send(back.ok ? { type: 'shell.workspaceChanged', dbPath: previous.dbPath, demo: back.info.demo } : { type: 'shell.fatal', error: back.error });
  }
}

async function showError(title: string, error: ErrorBody): Promise<void> {
  const options = { type: 'error' as const, title, message: title, detail: `${error.message}\n\n(${error.code})` };
  if (win) await dialog.showMessageBox(win, options);
  else await dialog.showMessageBox(options);
}

const WORKSPACE_FILTERS = [{ name: 'Trunkline workspace', extensions: [...WORKSPACE_EXTENSIONS] }, { name: 'All files', extensions: ['*'] }];

async function chooseWorkspace(): Promise<void> {
  const options: OpenDialogOptions = { title: 'Open workspace', properties: ['openFile'], filters: WORKSPACE_FILTERS };
  const r = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
  const dbPath = r.filePaths[0];
  if (!r.canceled && dbPath) await switchWorkspace(dbPath);
}

async function createWorkspace(): Promise<void> {
  const options = { title: 'New workspace', defaultPath: join(app.getPath('documents'), 'trunkline.db'), filters: WORKSPACE_FILTERS };
  const r = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options);
  if (r.canceled || !r.filePath) return;
  const dbPath = extname(r.filePath) ? r.filePath : `${r.filePath}.db`;
  await switchWorkspace(dbPath);
}

async function backupNow(): Promise<void> {
  if (!workspace) return;
  const stamp = new Date().toISOString().slice(0, 10);
  const options = {
    title: 'Back up the workspace',
    defaultPath: join(app.getPath('documents'), `${basename(workspace.dbPath, extname(workspace.dbPath))}-backup-${stamp}.db`),
    filters: WORKSPACE_FILTERS,
  };
  const r = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options);
  if (r.canceled || !r.filePath) return;
  if (r.filePath === workspace.dbPath) {
    await showError('Choose another file', { code: 'INVALID_ARGUMENTS', message: 'a backup cannot replace the workspace it copies' });
    return;
  }
  const result = await engine.dispatch('workspace.backup', { out: r.filePath });
  if (!result.ok) {
    await showError('The backup failed', result.error);
    return;
  }
  const { file, bytes } = result.data as { file: string; bytes: number };
  const done = { type: 'info' as const, title: 'Backup written', message: 'Backup written', detail: `${file}\n${(bytes / 1048576).toFixed(1)} MB` };
  if (win) await dialog.showMessageBox(win, done);
}

async function about(): Promise<void> {
  const detail = [
    `Version ${app.getVersion()}`,
    `Electron ${process.versions.electron}, Chromium ${process.versions.chrome}, Node ${process.versions.node}`,
    workspace ? `Workspace: ${workspace.dbPath}${workspace.demo ? ' (DEMO)' : ''}` : 'No workspace open',
    `Automatic backups: ${backupsDir()}`,
  ].join('\n');
  const options = { type: 'info' as const, title: 'About Trunkline', message: 'Trunkline', detail };
  if (win) await dialog.showMessageBox(win, options);
}

function buildMenu(): void {
  const template = menuTemplate(
    {
      platform: process.platform,
      isPackaged: app.isPackaged,
      recent: recent.recent.filter((p) => existsSync(p)),
      current: workspace?.dbPath ?? null,
    },
    {
      openWorkspace: () => void chooseWorkspace(),
      newWorkspace: () => void createWorkspace(),
      openRecent: (p) => void switchWorkspace(p),
      clearRecent: () => {
        recent = recent.current ? { current: recent.current, recent: [] } : { recent: [] };
        saveRecent(recentFile(), recent);
        buildMenu();
      },
      backupNow: () => void backupNow(),
      showWorkspaceLocation: () => {
        if (workspace) shell.showItemInFolder(workspace.dbPath);
      },
      importDeck: () => {
        win?.focus();
        send({ type: 'shell.importDeck', file: null });
      },
      toggleDarkMode: () => send({ type: 'shell.toggleTheme' }),
      about: () => void about(),
    },
  );
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

/** Only our window's main frame, showing our page, may call main. */
function assertTrustedSender(event: IpcMainInvokeEvent): void {
  const frame = event.senderFrame;
  const trusted = win !== null && !win.isDestroyed() && event.sender.id === win.webContents.id
    && isTrustedSender(frame ? { url: frame.url, isMainFrame: frame.parent === null } : null, APP_URL);
  if (!trusted) throw new Error(`refused: IPC from an untrusted frame (${frame?.url ?? 'gone'})`);
}

function registerIpc(): void {
  ipcMain.handle(INVOKE_CHANNELS.dispatch, async (event, payload: unknown) => {
    assertTrustedSender(event);
    const checked = checkDispatchPayload(payload, grants);
    if (!checked.ok) return { ok: false, error: { code: 'INVALID_ARGUMENTS', message: `refused by the app: ${checked.message}` } };
    return engine.dispatch(checked.method, checked.args);
  });

  ipcMain.handle(INVOKE_CHANNELS.openFile, async (event, payload: unknown): Promise<PickedFile | null> => {
    assertTrustedSender(event);
    const parsed = OpenFilePayload.parse(payload);
    if ('dropped' in parsed) {
      if (!isFile(parsed.dropped)) throw new Error(`${basename(parsed.dropped)} is not a file`);
      grants.grantRead(parsed.dropped);
      return { path: parsed.dropped, name: basename(parsed.dropped) };
    }
    const options: OpenDialogOptions = {
      title: parsed.title,
      properties: ['openFile'],
      filters: [{ name: parsed.extensions.join(', ').toUpperCase(), extensions: parsed.extensions }, { name: 'All files', extensions: ['*'] }],
    };
    const r = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
    const path = r.filePaths[0];
    if (r.canceled || !path) return null;
    grants.grantRead(path);
    return { path, name: basename(path) };
  });

  ipcMain.handle(INVOKE_CHANNELS.saveTarget, async (event, payload: unknown): Promise<string | null> => {
    assertTrustedSender(event);
    const suggestedName = SaveTargetPayload.parse(payload);
    const options = { title: 'Save as', defaultPath: join(app.getPath('documents'), suggestedName) };
    const r = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options);
    if (r.canceled || !r.filePath) return null;
    grants.grantWrite(r.filePath);
    return r.filePath;
  });

  ipcMain.handle(INVOKE_CHANNELS.deliver, async (event, payload: unknown): Promise<void> => {
    assertTrustedSender(event);
    // On the desktop the export is already where the person chose to save it: nothing more to do.
    DeliverPayload.parse(payload);
  });
}
