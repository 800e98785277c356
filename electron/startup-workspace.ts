import { join } from 'node:path';

export interface StartupWorkspace {
  dbPath: string;
  /** The demo: seeded from the fixtures on first open, and marked as demo everywhere. */
  demo: boolean;
  why: string;
}

/**
 * Which workspace the app opens at start: TRUNKLINE_DB (as for the CLI), else the one chosen last,
 * else the default workspace if the CLI already made it, else the demo beside it.
 */
export function chooseStartupWorkspace(input: {
  env: NodeJS.ProcessEnv;
  userData: string;
  current: string | undefined;
  exists: (path: string) => boolean;
}): StartupWorkspace {
  const { env, userData, current, exists } = input;
  if (env.TRUNKLINE_DB) return { dbPath: env.TRUNKLINE_DB, demo: false, why: 'TRUNKLINE_DB is set' };
  if (current && exists(current)) return { dbPath: current, demo: current === demoDbPath(userData), why: 'the workspace opened last' };
  const standard = defaultWorkspacePath(userData);
  if (exists(standard)) return { dbPath: standard, demo: false, why: 'the default workspace' };
  return { dbPath: demoDbPath(userData), demo: true, why: 'no workspace chosen yet: the demo' };
}

/** The same file the CLI uses by default (core/db/default-path.ts), given Electron's userData folder. */
export function defaultWorkspacePath(userData: string): string {
  return join(userData, 'trunkline.db');
}

export function demoDbPath(userData: string): string {
  return join(userData, 'demo.db');
}
