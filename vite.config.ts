import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The renderer is one static bundle: Electron loads it from disk and the web host serves it,
// so every URL in it is relative (base './').
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    // AG Grid alone is ~1 MB minified; one chunk is fine for a desktop app loaded from disk.
    chunkSizeWarningLimit: 2500,
  },
});
