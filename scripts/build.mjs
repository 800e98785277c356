// Bundles the CLI (and later the hosts) with esbuild. Dependencies stay external:
// better-sqlite3 is native, and the others are resolved from node_modules at run time.
import { build } from 'esbuild';

await build({
  entryPoints: ['cli/main.ts'],
  outfile: 'dist/cli.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
