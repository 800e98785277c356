import { describe, expect, it } from 'vitest';
import { schemas } from '../../../core/api/contract.ts';
import { EVENT_CHANNEL, INVOKE_CHANNELS } from '../../../electron/channels.ts';
import {
  ALLOWED_CHANNELS, CONTENT_SECURITY_POLICY, DeliverPayload, EXTERNAL_ORIGINS, OpenFilePayload, PATH_ARGUMENTS, PathGrants,
  SaveTargetPayload, allowNavigation, allowNewWindow, allowPermission, checkDispatchPayload, isAllowedExternalUrl,
  isAllowedRequestUrl, isTrustedSender, secureWebPreferences,
} from '../../../electron/security.ts';

const APP_URL = 'file:///opt/Trunkline/resources/app.asar/dist/renderer/index.html';

describe('webPreferences', () => {
  const prefs = secureWebPreferences('/app/dist/electron/preload.cjs');
  it.each([
    { name: 'context isolation on', key: 'contextIsolation', expected: true },
    { name: 'sandbox on', key: 'sandbox', expected: true },
    { name: 'node integration off', key: 'nodeIntegration', expected: false },
    { name: 'node in workers off', key: 'nodeIntegrationInWorker', expected: false },
    { name: 'node in subframes off', key: 'nodeIntegrationInSubFrames', expected: false },
    { name: 'webviews off', key: 'webviewTag', expected: false },
    { name: 'web security on', key: 'webSecurity', expected: true },
    { name: 'no insecure content', key: 'allowRunningInsecureContent', expected: false },
    { name: 'a drop does not navigate', key: 'navigateOnDragDrop', expected: false },
  ] as const)('$name', ({ key, expected }) => {
    expect(prefs[key]).toBe(expected);
  });
  it('loads our one preload', () => {
    expect(prefs.preload).toBe('/app/dist/electron/preload.cjs');
  });
});

describe('isTrustedSender', () => {
  it.each([
    { name: 'our page, main frame', frame: { url: APP_URL, isMainFrame: true }, expected: true },
    { name: 'our page with a hash route', frame: { url: `${APP_URL}#/decks`, isMainFrame: true }, expected: true },
    { name: 'our page with a query', frame: { url: `${APP_URL}?x=1`, isMainFrame: true }, expected: true },
    { name: 'our page in a subframe', frame: { url: APP_URL, isMainFrame: false }, expected: false },
    { name: 'another local file', frame: { url: 'file:///tmp/evil.html', isMainFrame: true }, expected: false },
    { name: 'a sibling file in our folder', frame: { url: APP_URL.replace('index.html', 'other.html'), isMainFrame: true }, expected: false },
    { name: 'a web page', frame: { url: 'https://example.com/', isMainFrame: true }, expected: false },
    { name: 'a web page named like our file', frame: { url: 'https://x/opt/Trunkline/resources/app.asar/dist/renderer/index.html', isMainFrame: true }, expected: false },
    { name: 'a data URL', frame: { url: 'data:text/html,hi', isMainFrame: true }, expected: false },
    { name: 'about:blank', frame: { url: 'about:blank', isMainFrame: true }, expected: false },
    { name: 'a remote file host', frame: { url: 'file://server/opt/Trunkline/resources/app.asar/dist/renderer/index.html', isMainFrame: true }, expected: false },
    { name: 'garbage', frame: { url: 'not a url', isMainFrame: true }, expected: false },
    { name: 'no frame (navigated away or destroyed)', frame: null, expected: false },
  ])('$name', ({ frame, expected }) => {
    expect(isTrustedSender(frame, APP_URL)).toBe(expected);
  });
});

describe('navigation and new windows', () => {
  it.each([APP_URL, `${APP_URL}#/rates`, 'https://github.com/', 'https://evil.example/', 'file:///etc/passwd', 'javascript:alert(1)', 'about:blank'])(
    'denies navigating to %s',
    (url) => {
      expect(allowNavigation(url)).toBe(false);
    },
  );
  it.each([APP_URL, 'https://github.com/', 'https://evil.example/', 'about:blank', ''])('denies a new window for %s', (url) => {
    expect(allowNewWindow(url)).toBe(false);
  });
});

describe('isAllowedExternalUrl', () => {
  it.each([
    { name: 'a listed https origin', url: 'https://github.com/trunkline/trunkline/issues', expected: true },
    { name: 'the other listed origin', url: 'https://www.itu.int/rec/T-REC-E.164', expected: true },
    { name: 'http of a listed host', url: 'http://github.com/', expected: false },
    { name: 'a subdomain of a listed host', url: 'https://gist.github.com/', expected: false },
    { name: 'a look-alike host', url: 'https://github.com.evil.example/', expected: false },
    { name: 'a listed host on another port', url: 'https://github.com:8443/', expected: false },
    { name: 'credentials in the URL', url: 'https://user:pw@github.com/', expected: false },
    { name: 'an unlisted https origin', url: 'https://example.com/', expected: false },
    { name: 'a file URL', url: 'file:///etc/passwd', expected: false },
    { name: 'javascript', url: 'javascript:alert(1)', expected: false },
    { name: 'a custom scheme', url: 'ms-msdt:/id', expected: false },
    { name: 'garbage', url: '::', expected: false },
  ])('$name', ({ url, expected }) => {
    expect(isAllowedExternalUrl(url)).toBe(expected);
  });
  it('lists only https origins', () => {
    for (const origin of EXTERNAL_ORIGINS) expect(new URL(origin).origin).toBe(origin);
    for (const origin of EXTERNAL_ORIGINS) expect(origin.startsWith('https://')).toBe(true);
  });
});

describe('requests and permissions', () => {
  it.each([
    { url: `${APP_URL.replace('index.html', 'assets/index-abc.js')}`, expected: true },
    { url: 'data:image/png;base64,AAAA', expected: true },
    { url: 'devtools://devtools/bundled/inspector.html', expected: true },
    { url: 'https://fonts.googleapis.com/css', expected: false },
    { url: 'http://127.0.0.1:8080/rpc', expected: false },
    { url: 'ws://127.0.0.1/', expected: false },
  ])('request $url → $expected', ({ url, expected }) => {
    expect(isAllowedRequestUrl(url)).toBe(expected);
  });
  it.each(['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fullscreen', 'hid', 'serial'])('denies the %s permission', (p) => {
    expect(allowPermission(p)).toBe(false);
  });
  it.each([
    "script-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-src 'none'",
  ])('the CSP has %s', (directive) => {
    expect(CONTENT_SECURITY_POLICY.split('; ')).toContain(directive);
  });
  it('the CSP never allows inline or evaluated scripts', () => {
    const script = CONTENT_SECURITY_POLICY.split('; ').find((d) => d.startsWith('script-src'));
    expect(script).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
  });
});

describe('channels', () => {
  it('are exactly the four fixed invoke channels', () => {
    expect([...ALLOWED_CHANNELS].sort()).toEqual(['trunkline:deliver', 'trunkline:dispatch', 'trunkline:open-file', 'trunkline:save-target']);
    expect(Object.values(INVOKE_CHANNELS)).toEqual(ALLOWED_CHANNELS);
  });
  it('events go on their own channel, not an invoke channel', () => {
    expect(EVENT_CHANNEL).toBe('trunkline:event');
    expect(ALLOWED_CHANNELS).not.toContain(EVENT_CHANNEL);
  });
});

describe('checkDispatchPayload', () => {
  const grants = new PathGrants();
  grants.grantRead('/home/ann/decks/acme.xlsx');
  grants.grantWrite('/home/ann/out/rates.xlsx');
  it.each([
    { name: 'a known method with an object', payload: { method: 'carriers.list', args: {} }, ok: true },
    { name: 'args are checked by the engine, not here', payload: { method: 'carriers.create', args: { name: 42 } }, ok: true },
    { name: 'an unknown method', payload: { method: 'carriers.drop', args: {} }, ok: false },
    { name: 'a prototype key as method', payload: { method: 'constructor', args: {} }, ok: false },
    { name: 'a method that is not a string', payload: { method: ['carriers.list'], args: {} }, ok: false },
    { name: 'args missing', payload: { method: 'carriers.list' }, ok: false },
    { name: 'args null', payload: { method: 'carriers.list', args: null }, ok: false },
    { name: 'args an array', payload: { method: 'carriers.list', args: [] }, ok: false },
    { name: 'args a string', payload: { method: 'carriers.list', args: '{}' }, ok: false },
    { name: 'args a number', payload: { method: 'carriers.list', args: 1 }, ok: false },
    { name: 'an extra key', payload: { method: 'carriers.list', args: {}, channel: 'x' }, ok: false },
    { name: 'not an object', payload: 'carriers.list', ok: false },
    { name: 'nothing', payload: undefined, ok: false },
    { name: 'a chosen deck', payload: { method: 'decks.import', args: { file: '/home/ann/decks/acme.xlsx', carrier: 'A', side: 'buy' } }, ok: true },
    { name: 'a deck nobody chose', payload: { method: 'decks.import', args: { file: '/home/ann/.ssh/id_rsa', carrier: 'A', side: 'buy' } }, ok: false },
    { name: 'inspecting a file nobody chose', payload: { method: 'decks.inspect', args: { file: '/etc/passwd' } }, ok: false },
    { name: 'a path that is not a string', payload: { method: 'decks.inspect', args: { file: ['/home/ann/decks/acme.xlsx'] } }, ok: false },
    { name: 'an export to a chosen target', payload: { method: 'rates.export', args: { carrier: 'A', side: 'buy', out: '/home/ann/out/rates.xlsx' } }, ok: true },
    { name: 'an export over a file only read', payload: { method: 'rates.export', args: { carrier: 'A', side: 'buy', out: '/home/ann/decks/acme.xlsx' } }, ok: false },
    { name: 'a backup over an unchosen file', payload: { method: 'workspace.backup', args: { out: '/home/ann/.bashrc' } }, ok: false },
    { name: 'seeding the demo from the page', payload: { method: 'workspace.seedDemo', args: { fixturesDir: '/tmp' } }, ok: false },
  ])('$name → ok: $ok', ({ payload, ok }) => {
    expect(checkDispatchPayload(payload, grants).ok).toBe(ok);
  });
  it('classifies the path arguments of every method in the contract', () => {
    expect(Object.keys(PATH_ARGUMENTS).sort()).toEqual(Object.keys(schemas).sort());
  });
});

describe('other payloads', () => {
  it.each([
    { name: 'dialog options', payload: { title: 'Choose a deck', extensions: ['csv', 'xlsx'] }, ok: true },
    { name: 'a dropped absolute path', payload: { dropped: '/home/ann/deck.csv' }, ok: true },
    { name: 'a dropped relative path', payload: { dropped: 'deck.csv' }, ok: false },
    { name: 'an extension with a dot', payload: { title: 'x', extensions: ['.csv'] }, ok: false },
    { name: 'an extension glob', payload: { title: 'x', extensions: ['*'] }, ok: false },
    { name: 'no extensions', payload: { title: 'x', extensions: [] }, ok: false },
    { name: 'an extra key', payload: { title: 'x', extensions: ['csv'], defaultPath: '/etc' }, ok: false },
  ])('open-file: $name → $ok', ({ payload, ok }) => {
    expect(OpenFilePayload.safeParse(payload).success).toBe(ok);
  });
  it.each([
    { name: 'a file name', payload: 'rates.xlsx', ok: true },
    { name: 'a path', payload: '../../.bashrc', ok: false },
    { name: 'a Windows path', payload: 'C:\\Windows\\x.dll', ok: false },
    { name: 'empty', payload: '', ok: false },
    { name: 'not a string', payload: { name: 'x' }, ok: false },
  ])('save-target: $name → $ok', ({ payload, ok }) => {
    expect(SaveTargetPayload.safeParse(payload).success).toBe(ok);
  });
  it.each([
    { payload: '/home/ann/out/rates.xlsx', ok: true },
    { payload: 'rates.xlsx', ok: false },
    { payload: 7, ok: false },
  ])('deliver: $payload → $ok', ({ payload, ok }) => {
    expect(DeliverPayload.safeParse(payload).success).toBe(ok);
  });
});
