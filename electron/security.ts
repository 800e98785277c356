// The desktop shell's security rules as pure functions: main.ts applies them, and
// test/unit/electron/security.test.ts checks them under plain Node (no electron import here).
import { isAbsolute } from 'node:path';
import { z } from 'zod';
import { schemas, type MethodName } from '../core/api/contract.ts';
import { INVOKE_CHANNELS } from './channels.ts';

/** The window's renderer: isolated, sandboxed, no Node, no webviews, only our preload. */
export function secureWebPreferences(preloadPath: string) {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webviewTag: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  } as const;
}

/**
 * Same as the renderer's meta tag. Styles allow 'unsafe-inline' because AG Grid's theming API and
 * React style props inject them; scripts never do. Nothing is fetched from the network.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-src 'none'",
  "worker-src 'self'",
].join('; ');

/** The channels main handles; the preload uses these and no others. */
export const ALLOWED_CHANNELS: readonly string[] = Object.values(INVOKE_CHANNELS);

export interface SenderFrame {
  url: string;
  /** The window's top frame (not an iframe), of our window's webContents. */
  isMainFrame: boolean;
}

/**
 * An IPC message is trusted only from our window's main frame while it shows our page: same file
 * path (the hash and query are the renderer's routing), nothing else. A null frame (navigated away
 * or destroyed) is refused.
 */
export function isTrustedSender(frame: SenderFrame | null | undefined, appUrl: string): boolean {
  if (!frame || !frame.isMainFrame) return false;
  let url: URL;
  let expected: URL;
  try {
    url = new URL(frame.url);
    expected = new URL(appUrl);
  } catch {
    return false;
  }
  return url.protocol === 'file:' && expected.protocol === 'file:' && url.host === expected.host && url.pathname === expected.pathname;
}

/** In-app navigation is never allowed: the renderer routes with the hash, without navigating. */
export function allowNavigation(_url: string): boolean {
  return false;
}

/** No window the renderer opens becomes a window of ours. */
export function allowNewWindow(_url: string): boolean {
  return false;
}

/** The only places a link may open, in the person's browser. */
export const EXTERNAL_ORIGINS: readonly string[] = ['https://github.com', 'https://www.itu.int'];

/** A link goes to the browser only if it is https, carries no credentials, and its origin is on the list. */
export function isAllowedExternalUrl(raw: string, allowed: readonly string[] = EXTERNAL_ORIGINS): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  if (url.protocol !== 'https:' || url.username || url.password) return false;
  return allowed.includes(url.origin);
}

/** The renderer loads only our own files (and devtools); it never reaches the network. */
export function isAllowedRequestUrl(raw: string): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  return ['file:', 'data:', 'blob:', 'devtools:'].includes(url.protocol);
}

/** Permissions the renderer may have: none (no camera, notifications, geolocation, clipboard reads …). */
export function allowPermission(_permission: string): boolean {
  return false;
}

const METHOD_NAMES = Object.keys(schemas) as MethodName[];
const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null);

/** The dispatch envelope: a known method and one argument object. The engine validates the arguments themselves. */
export const DispatchPayload = z.object({
  method: z.string().refine((m): m is MethodName => (METHOD_NAMES as string[]).includes(m), { message: 'unknown method' }),
  args: z.custom<Record<string, unknown>>(isPlainObject, { message: 'args must be an object' }),
}).strict();

export const OpenFilePayload = z.union([
  z.object({
    title: z.string().min(1).max(200),
    extensions: z.array(z.string().regex(/^[a-z0-9]{1,10}$/i, 'an extension is letters and digits')).min(1).max(20),
  }).strict(),
  /** A file dropped on the window: the preload found its path with webUtils.getPathForFile. */
  z.object({ dropped: z.string().min(1).max(4096).refine(isAbsolute, 'not an absolute path') }).strict(),
]);

/** A suggested file name for the save dialog: a bare name, never a path. */
export const SaveTargetPayload = z.string().min(1).max(255).refine((s) => !/[/\\]/.test(s) && s !== '.' && s !== '..', 'a file name, not a path');

export const DeliverPayload = z.string().min(1).max(4096).refine(isAbsolute, 'not an absolute path');

/**
 * Which arguments of each method are file paths, and how the engine uses them. Every method is
 * listed, so a new method cannot slip past the path check unclassified. 'never' arguments are
 * refused from the renderer (main passes them itself).
 */
export const PATH_ARGUMENTS: { readonly [M in MethodName]: readonly { arg: string; use: 'read' | 'write' | 'never' }[] } = {
  'carriers.create': [],
  'carriers.list': [],
  'carriers.get': [],
  'carriers.update': [],
  'decks.inspect': [{ arg: 'file', use: 'read' }],
  'decks.import': [{ arg: 'file', use: 'read' }],
  'decks.list': [],
  'rates.lookup': [],
  'rates.export': [{ arg: 'out', use: 'write' }],
  'rates.query': [],
  'rates.history': [],
  'workspace.info': [],
  'workspace.backup': [{ arg: 'out', use: 'write' }],
  'workspace.restore': [{ arg: 'file', use: 'read' }],
  'workspace.seedDemo': [{ arg: 'fixturesDir', use: 'never' }],
  'cdrs.import': [{ arg: 'file', use: 'read' }, { arg: 'rejectsFile', use: 'write' }],
  'cdrs.list': [],
  'rating.run': [],
  'cdrs.summary': [],
  'cdrs.margin': [],
  'cdrs.export': [{ arg: 'out', use: 'write' }],
  'cdrs.query': [],
  'cdrs.explain': [],
  'lcr.table': [],
  'lcr.export': [{ arg: 'out', use: 'write' }],
  'lcr.matrix': [],
  'lcr.whatif': [],
  'jobs.cancel': [],
  'invoices.inspect': [{ arg: 'file', use: 'read' }],
  'invoices.import': [{ arg: 'file', use: 'read' }],
  'invoices.list': [],
  'invoices.get': [],
  'reconcile.run': [],
  'reconcile.get': [],
  'reconcile.list': [],
  'reconcile.discrepancies': [],
  'reconcile.export': [{ arg: 'out', use: 'write' }],
  'disputes.open': [],
  'disputes.list': [],
  'disputes.get': [],
  'disputes.set': [],
  'disputes.export': [{ arg: 'out', use: 'write' }],
  'invoices.issue': [],
  'invoices.issued': [],
  'invoices.issuedGet': [],
  'payments.add': [],
  'payments.list': [],
  'fx.set': [],
  'fx.list': [],
  'settlement.position': [],
  'settlement.positions': [],
  'settlement.lines': [],
  'settlement.ageing': [],
  'settlement.statement': [{ arg: 'out', use: 'write' }],
};

/**
 * Files the person chose in this session (open dialog, drop, save dialog). The renderer may point
 * the engine only at these: a compromised page cannot read or overwrite anything else.
 */
export class PathGrants {
  private readonly read = new Set<string>();
  private readonly write = new Set<string>();

  grantRead(path: string): void {
    this.read.add(path);
  }

  grantWrite(path: string): void {
    this.write.add(path);
    // An export may be inspected or re-imported afterwards.
    this.read.add(path);
  }

  allows(use: 'read' | 'write' | 'never', path: string): boolean {
    if (use === 'never') return false;
    return (use === 'read' ? this.read : this.write).has(path);
  }
}

export type PayloadCheck =
  | { ok: true; method: MethodName; args: Record<string, unknown> }
  | { ok: false; message: string };

/** Checks a `trunkline:dispatch` payload: the envelope, then that every path argument was granted. */
export function checkDispatchPayload(payload: unknown, grants: PathGrants): PayloadCheck {
  const parsed = DispatchPayload.safeParse(payload);
  if (!parsed.success) return { ok: false, message: parsed.error.issues.map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`).join('; ') };
  const method = parsed.data.method as MethodName;
  const args = parsed.data.args;
  for (const { arg, use } of PATH_ARGUMENTS[method]) {
    const value = args[arg];
    if (value === undefined) continue;
    if (use === 'never') return { ok: false, message: `${method}: ${arg} is set by the app, not the page` };
    if (typeof value !== 'string' || !grants.allows(use, value)) {
      return { ok: false, message: `${method}: ${arg} is not a file you chose in this session` };
    }
  }
  return { ok: true, method, args };
}
