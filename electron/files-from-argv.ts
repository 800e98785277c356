import { basename, extname, resolve } from 'node:path';

export const DECK_EXTENSIONS = ['csv', 'txt', 'xlsx', 'xls'] as const;
export const WORKSPACE_EXTENSIONS = ['db', 'sqlite', 'trunkline'] as const;

export type ArgvFile = { kind: 'deck' | 'workspace'; path: string; name: string };

/**
 * Files named on a command line (a second launch, "Open with", a file dropped on the app icon):
 * existing files with a deck or workspace extension. Switches, the app folder and anything else
 * are ignored, so Electron's and Chromium's own arguments pass through harmlessly.
 */
export function filesFromArgv(argv: readonly string[], cwd: string, isFile: (path: string) => boolean): ArgvFile[] {
  const out: ArgvFile[] = [];
  for (const arg of argv.slice(1)) {
    if (!arg || arg.startsWith('-')) continue;
    const path = resolve(cwd, arg);
    const ext = extname(path).slice(1).toLowerCase();
    const kind = (DECK_EXTENSIONS as readonly string[]).includes(ext) ? 'deck' : (WORKSPACE_EXTENSIONS as readonly string[]).includes(ext) ? 'workspace' : null;
    if (kind && isFile(path)) out.push({ kind, path, name: basename(path) });
  }
  return out;
}
