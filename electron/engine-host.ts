// The engine's process: a utilityProcess forked by main, so a 10M-row job never blocks the window.
// It speaks the messages of engine-protocol.ts over process.parentPort; the logic is engine-session.ts.
import { join } from 'node:path';
import { streamLogger } from '../core/util/logger.ts';
import { createEngineSession } from './engine-session.ts';
import type { HostRequest } from './engine-protocol.ts';

const port = process.parentPort;
if (!port) {
  process.stderr.write('engine-host: not started as an Electron utility process (no parentPort)\n');
  process.exit(2);
}

const handle = createEngineSession({
  // dist/electron/engine-host.cjs → dist/cdr-import-worker.mjs (imports read on it; without it, on this thread).
  importWorker: join(__dirname, '..', 'cdr-import-worker.mjs'),
  post: (message) => port.postMessage(message),
  exit: (code) => process.exit(code),
  log: streamLogger((line) => process.stderr.write(line), process.env.TRUNKLINE_LOG_LEVEL === 'debug' ? 'debug' : 'info'),
});

port.on('message', (e) => handle(e.data as HostRequest));
