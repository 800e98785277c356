import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { menuTemplate, type MenuActions, type MenuState } from '../../../electron/menu.ts';

const actions = (): MenuActions => ({
  openWorkspace: vi.fn(), newWorkspace: vi.fn(), openRecent: vi.fn(), clearRecent: vi.fn(), backupNow: vi.fn(),
  showWorkspaceLocation: vi.fn(), importDeck: vi.fn(), toggleDarkMode: vi.fn(), about: vi.fn(),
});
const state = (over: Partial<MenuState> = {}): MenuState => ({ platform: 'linux', isPackaged: true, recent: [], current: null, ...over });

const items = (template: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] =>
  template.flatMap((i) => [i, ...(Array.isArray(i.submenu) ? items(i.submenu) : [])]);
const labels = (template: MenuItemConstructorOptions[]) => items(template).map((i) => i.label ?? i.role).filter(Boolean);
const find = (template: MenuItemConstructorOptions[], label: string) => items(template).find((i) => i.label === label);

describe('app menu', () => {
  it('has the workspace and deck actions in File', () => {
    const t = menuTemplate(state(), actions());
    const file = t.find((m) => m.label === 'File')!;
    expect(labels(file.submenu as MenuItemConstructorOptions[])).toEqual([
      'Open Workspace…', 'New Workspace…', 'Open Recent', 'No recent workspaces', 'Import Deck…', 'Backup Now…', 'Show Workspace Location', 'Quit',
    ]);
  });
  it.each([
    { name: 'packaged: no devtools, no reload', isPackaged: true, present: false },
    { name: 'development: devtools and reload', isPackaged: false, present: true },
  ])('$name', ({ isPackaged, present }) => {
    const roles = items(menuTemplate(state({ isPackaged }), actions())).map((i) => i.role);
    expect(roles.includes('toggleDevTools')).toBe(present);
    expect(roles.includes('reload')).toBe(present);
  });
  it('lists recent workspaces, the current one disabled, and opens the one clicked', () => {
    const a = actions();
    const t = menuTemplate(state({ recent: ['/w/2026.db', '/w/2025.db'], current: '/w/2026.db' }), a);
    const now = find(t, '2026.db — /w/2026.db')!;
    const before = find(t, '2025.db — /w/2025.db')!;
    expect(now.enabled).toBe(false);
    expect(before.enabled).toBe(true);
    (before.click as () => void)();
    expect(a.openRecent).toHaveBeenCalledWith('/w/2025.db');
    expect(find(t, 'Clear Recent')).toBeDefined();
  });
  it('wires the actions', () => {
    const a = actions();
    const t = menuTemplate(state(), a);
    for (const [label, action] of [
      ['Toggle Dark Mode', a.toggleDarkMode],
      ['Backup Now…', a.backupNow], ['Import Deck…', a.importDeck], ['Show Workspace Location', a.showWorkspaceLocation],
      ['Open Workspace…', a.openWorkspace], ['About Trunkline', a.about],
    ] as const) {
      (find(t, label)!.click as () => void)();
      expect(action).toHaveBeenCalledOnce();
    }
  });
  it('macOS: an app menu with Quit, none in File', () => {
    const t = menuTemplate(state({ platform: 'darwin' }), actions());
    expect(t[0]!.label).toBe('Trunkline');
    const file = t.find((m) => m.label === 'File')!;
    expect(labels(file.submenu as MenuItemConstructorOptions[])).not.toContain('Quit');
  });
});
