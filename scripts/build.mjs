// Builds everything the hosts run: the CLI bundle, the renderer (Vite) and the Electron main,
// preload and engine-host bundles. Dependencies stay external: better-sqlite3 is native, and the
// others resolve from node_modules at run time (electron-builder packs them).
import { existsSync } from 'node:fs';
import { build } from 'esbuild';

const only = process.argv[2];
const node = { bundle: true, platform: 'node', target: 'node20', packages: 'external', sourcemap: true, logLevel: 'warning' };

if (!only || only === 'cli') {
  await build({ ...node, entryPoints: ['cli/main.ts'], outfile: 'dist/cli.mjs', format: 'esm' });
  // The CDR reader on its own thread (core/cdrs/produce.ts); the CLI, the web host and the desktop engine all use it.
  await build({ ...node, entryPoints: ['core/cdrs/import-worker.ts'], outfile: 'dist/cdr-import-worker.mjs', format: 'esm' });
}

if ((!only || only === 'electron') && existsSync('electron/main.ts')) {
  // CommonJS: Electron's main, preload (sandboxed: no ESM) and utility process all load it.
  for (const [entry, out] of [['electron/main.ts', 'main.cjs'], ['electron/preload.ts', 'preload.cjs'], ['electron/engine-host.ts', 'engine-host.cjs']]) {
    if (existsSync(entry)) await build({ ...node, entryPoints: [entry], outfile: `dist/electron/${out}`, format: 'cjs', external: ['electron'] });
  }
}

if ((!only || only === 'renderer') && existsSync('renderer/index.html')) {
  const { build: viteBuild } = await import('vite');
  await viteBuild({ configFile: 'vite.config.ts', logLevel: 'warn' });
}
