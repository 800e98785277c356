import { basename } from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';

export interface MenuActions {
  openWorkspace(): void;
  newWorkspace(): void;
  openRecent(dbPath: string): void;
  clearRecent(): void;
  backupNow(): void;
  showWorkspaceLocation(): void;
  importDeck(): void;
  toggleDarkMode(): void;
  about(): void;
}

export interface MenuState {
  platform: NodeJS.Platform;
  isPackaged: boolean;
  recent: readonly string[];
  /** The workspace open now, shown (disabled) at the top of Open Recent. */
  current: string | null;
}

/** The app menu, as data: main builds it with Menu.buildFromTemplate; the tests read it. */
export function menuTemplate(state: MenuState, actions: MenuActions): MenuItemConstructorOptions[] {
  const mac = state.platform === 'darwin';
  const recentItems: MenuItemConstructorOptions[] = state.recent.length
    ? [
        ...state.recent.map((p): MenuItemConstructorOptions => ({
          label: `${basename(p)} — ${p}`,
          enabled: p !== state.current,
          click: () => actions.openRecent(p),
        })),
        { type: 'separator' },
        { label: 'Clear Recent', click: actions.clearRecent },
      ]
    : [{ label: 'No recent workspaces', enabled: false }];

  const file: MenuItemConstructorOptions = {
    label: 'File',
    submenu: [
      { label: 'Open Workspace…', accelerator: 'CmdOrCtrl+O', click: actions.openWorkspace },
      { label: 'New Workspace…', accelerator: 'CmdOrCtrl+Shift+N', click: actions.newWorkspace },
      { label: 'Open Recent', submenu: recentItems },
      { type: 'separator' },
      { label: 'Import Deck…', accelerator: 'CmdOrCtrl+I', click: actions.importDeck },
      { type: 'separator' },
      { label: 'Backup Now…', accelerator: 'CmdOrCtrl+Shift+B', click: actions.backupNow },
      { label: 'Show Workspace Location', click: actions.showWorkspaceLocation },
      ...(mac ? [] : [{ type: 'separator' } as const, { role: 'quit', label: 'Quit' } as const]),
    ],
  };
  const edit: MenuItemConstructorOptions = { role: 'editMenu' };
  const view: MenuItemConstructorOptions = {
    label: 'View',
    submenu: [
      { label: 'Toggle Dark Mode', accelerator: 'CmdOrCtrl+Shift+D', click: actions.toggleDarkMode },
      ...(state.isPackaged
        ? []
        : [{ type: 'separator' } as const, { role: 'reload' } as const, { role: 'forceReload' } as const, { role: 'toggleDevTools' } as const]),
      { type: 'separator' },
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  };
  const help: MenuItemConstructorOptions = {
    role: 'help',
    submenu: [{ label: 'About Trunkline', click: actions.about }],
  };
  const appMenu: MenuItemConstructorOptions[] = mac
    ? [{ label: 'Trunkline', submenu: [{ label: 'About Trunkline', click: actions.about }, { type: 'separator' }, { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, { type: 'separator' }, { role: 'quit' }] }]
    : [];
  return [...appMenu, file, edit, view, help];
}
