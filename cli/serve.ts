import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { basename, extname, join, relative, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { EngineEvent } from '../core/api/index.ts';
import type { Engine } from '../core/engine.ts';

/**
 * The web host: the built renderer and the engine's contract over HTTP on the loopback address,
 * progress as server-sent events, files through uploads and downloads. No business logic here.
 */
/** What the web host needs of an engine. */
export type ServedEngine = Pick<Engine, 'dbPath' | 'dispatch' | 'on'>;

export interface ServeOptions {
  engine: ServedEngine;
  rendererDir: string;
  port: number;
  /** Where uploads and exports live while the server runs; removed when it stops. */
  workDir?: string;
}

const CSP = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; script-src 'self'";
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.woff2': 'font/woff2', '.map': 'application/json', '.ico': 'image/x-icon',
};
const MAX_RPC_BYTES = 1 << 20;
const MAX_UPLOAD_BYTES = 1 << 30;

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json',
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(text);
}

async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new Error('request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Only our own name for the server: a page on another origin that resolves to 127.0.0.1 gets nothing. */
function hostAllowed(req: IncomingMessage, port: number): boolean {
  const host = req.headers.host ?? '';
  return [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`].includes(host);
}

function inside(dir: string, path: string): boolean {
  const rel = relative(dir, resolve(path));
  return rel !== '' && !rel.startsWith('..') && !rel.startsWith(sep) && !resolve(path).startsWith('\0');
}

export async function serve(options: ServeOptions): Promise<{ url: string; close(): Promise<void> }> {
  const { engine, rendererDir } = options;
  const workDir = options.workDir ?? join(tmpdir(), `trunkline-web-${process.pid}-${randomUUID().slice(0, 8)}`);
  const uploads = join(workDir, 'uploads');
  const exportsDir = join(workDir, 'exports');
  mkdirSync(uploads, { recursive: true });
  mkdirSync(exportsDir, { recursive: true });
  const streams = new Set<ServerResponse>();
  const unsubscribe = engine.on((e: EngineEvent) => {
    const line = `data: ${JSON.stringify(e)}\n\n`;
    for (const s of streams) s.write(line);
  });
  const heartbeat = setInterval(() => {
    for (const s of streams) s.write(': keep-alive\n\n');
  }, 15_000);
  let port = options.port;

  const server = createServer((req, res) => {
    void handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) send(res, 500, { ok: false, error: { code: 'INTERNAL_ERROR', message: (e as Error).message } });
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!hostAllowed(req, port)) return send(res, 403, 'forbidden host');
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    if (url.pathname === '/rpc' && req.method === 'POST') {
      // A browser cannot send this content type cross-origin without a preflight we never answer.
      if (!(req.headers['content-type'] ?? '').startsWith('application/json')) return send(res, 415, 'application/json only');
      let call: { method?: unknown; args?: unknown };
      try {
        call = JSON.parse(await readBody(req, MAX_RPC_BYTES)) as { method?: unknown; args?: unknown };
      } catch (e) {
        return send(res, 200, { ok: false, error: { code: 'INVALID_ARGUMENTS', message: `the request is not JSON: ${(e as Error).message}` } });
      }
      if (typeof call.method !== 'string') return send(res, 200, { ok: false, error: { code: 'INVALID_ARGUMENTS', message: 'method is missing' } });
      const result = await engine.dispatch(call.method as never, call.args ?? {});
      return send(res, 200, result);
    }
    if (url.pathname === '/events' && req.method === 'GET') {
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
      res.write(': connected\n\n');
      streams.add(res);
      req.on('close', () => streams.delete(res));
      return;
    }
    if (url.pathname === '/upload' && req.method === 'POST') {
      const name = basename(url.searchParams.get('name') ?? 'upload');
      const dir = join(uploads, randomUUID());
      mkdirSync(dir);
      const path = join(dir, name);
      const length = Number(req.headers['content-length'] ?? 0);
      if (length > MAX_UPLOAD_BYTES) return send(res, 413, 'file too large');
      await pipeline(req, createWriteStream(path));
      return send(res, 200, { path, name });
    }
    if (url.pathname === '/export-target' && req.method === 'GET') {
      const name = basename(url.searchParams.get('name') ?? 'export').replace(/[^\w.\- ]+/g, '_') || 'export';
      const dir = join(exportsDir, randomUUID());
      mkdirSync(dir);
      return send(res, 200, { path: join(dir, name) });
    }
    if (url.pathname === '/download' && req.method === 'GET') {
      const path = url.searchParams.get('path') ?? '';
      if (!inside(exportsDir, path) || !existsSync(path)) return send(res, 404, 'no such export');
      res.writeHead(200, {
        'Content-Type': 'application/octet-stream',
        'Content-Length': String(statSync(path).size),
        'Content-Disposition': `attachment; filename="${basename(path).replace(/"/g, '')}"`,
        'Cache-Control': 'no-store',
      });
      await pipeline(createReadStream(path), res);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed');
    // The renderer's files; anything else is the app (one page).
    const wanted = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname.slice(1));
    let file = resolve(rendererDir, wanted);
    if (!inside(rendererDir, file) || !existsSync(file) || statSync(file).isDirectory()) file = join(rendererDir, 'index.html');
    if (!existsSync(file)) return send(res, 503, 'the renderer is not built: run `npm run build`');
    res.writeHead(200, {
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Content-Security-Policy': CSP,
      'Cache-Control': file.endsWith('index.html') ? 'no-store' : 'max-age=3600',
    });
    if (req.method === 'HEAD') return void res.end();
    await pipeline(createReadStream(file), res);
  }

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolveListen());
  });
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : options.port;
  return {
    url: `http://127.0.0.1:${port}/`,
    async close() {
      clearInterval(heartbeat);
      unsubscribe();
      for (const s of streams) s.end();
      // Browsers hold keep-alive and event-stream connections open: close them, or close() waits forever.
      const closed = new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections();
      await closed;
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}
