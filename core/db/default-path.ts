import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The workspace file when none is named: in the OS user-data folder, the same one Electron's
 * app.getPath('userData') gives the desktop app, so the CLI and the app share it.
 */
export function defaultDbPath(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home = homedir()): string {
  let base: string;
  if (platform === 'win32') base = env.APPDATA ?? join(home, 'AppData', 'Roaming');
  else if (platform === 'darwin') base = join(home, 'Library', 'Application Support');
  else base = env.XDG_CONFIG_HOME || join(home, '.config');
  return join(base, 'Trunkline', 'trunkline.db');
}

/** `--db FILE` beats `TRUNKLINE_DB`, which beats the default. */
export function resolveDbPath(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return flag || env.TRUNKLINE_DB || defaultDbPath(env);
}
