import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { automaticBackupPath } from '../../../electron/backup-name.ts';
import { filesFromArgv } from '../../../electron/files-from-argv.ts';
import { RECENT_LIMIT, addRecent, loadRecent, parseRecent, saveRecent } from '../../../electron/recent-workspaces.ts';
import { chooseStartupWorkspace } from '../../../electron/startup-workspace.ts';

describe('recent workspaces', () => {
  it.each([
    { name: 'first', before: { recent: [] }, add: '/a.db', after: { current: '/a.db', recent: ['/a.db'] } },
    { name: 'moves to the front once', before: { recent: ['/a.db', '/b.db'] }, add: '/b.db', after: { current: '/b.db', recent: ['/b.db', '/a.db'] } },
    { name: 'new goes first', before: { current: '/a.db', recent: ['/a.db'] }, add: '/c.db', after: { current: '/c.db', recent: ['/c.db', '/a.db'] } },
  ])('addRecent: $name', ({ before, add, after }) => {
    expect(addRecent(before, add)).toEqual(after);
  });
  it('keeps at most the limit', () => {
    let state = { recent: [] as string[] };
    for (let i = 0; i < RECENT_LIMIT + 5; i++) state = addRecent(state, `/w${i}.db`);
    expect(state.recent).toHaveLength(RECENT_LIMIT);
    expect(state.recent[0]).toBe(`/w${RECENT_LIMIT + 4}.db`);
  });
  it.each([
    { name: 'no file', text: null, expected: { recent: [] } },
    { name: 'damaged JSON', text: '{"recent": [', expected: { recent: [] } },
    { name: 'not an object', text: '"x"', expected: { recent: [] } },
    { name: 'wrong types dropped', text: '{"current": 3, "recent": ["/a.db", 7, "", "/a.db", "/b.db"]}', expected: { recent: ['/a.db', '/b.db'] } },
    { name: 'valid', text: '{"current": "/a.db", "recent": ["/a.db"]}', expected: { current: '/a.db', recent: ['/a.db'] } },
  ])('parseRecent: $name', ({ text, expected }) => {
    expect(parseRecent(text)).toEqual(expected);
  });
  it('saves and loads', () => {
    const dir = mkdtempSync(join(tmpdir(), 'trunkline-recent-'));
    try {
      const file = join(dir, 'sub', 'recent.json');
      expect(loadRecent(file)).toEqual({ recent: [] });
      saveRecent(file, { current: '/a.db', recent: ['/a.db'] });
      expect(loadRecent(file)).toEqual({ current: '/a.db', recent: ['/a.db'] });
      expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ current: '/a.db', recent: ['/a.db'] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('chooseStartupWorkspace', () => {
  const userData = '/home/ann/.config/Trunkline';
  it.each([
    { name: 'TRUNKLINE_DB wins', env: { TRUNKLINE_DB: '/data/2026.db' }, current: '/x.db', existing: ['/x.db'], dbPath: '/data/2026.db', demo: false },
    { name: 'the one chosen last', env: {}, current: '/x.db', existing: ['/x.db'], dbPath: '/x.db', demo: false },
    { name: 'the chosen one is gone: the default', env: {}, current: '/gone.db', existing: [`${userData}/trunkline.db`], dbPath: `${userData}/trunkline.db`, demo: false },
    { name: 'the CLI made the default', env: {}, current: undefined, existing: [`${userData}/trunkline.db`], dbPath: `${userData}/trunkline.db`, demo: false },
    { name: 'first run: the demo', env: {}, current: undefined, existing: [], dbPath: `${userData}/demo.db`, demo: true },
    { name: 'the demo chosen last is still the demo', env: {}, current: `${userData}/demo.db`, existing: [`${userData}/demo.db`], dbPath: `${userData}/demo.db`, demo: true },
  ])('$name', ({ env, current, existing, dbPath, demo }) => {
    const choice = chooseStartupWorkspace({ env, userData, current, exists: (p) => existing.includes(p) });
    expect({ dbPath: choice.dbPath, demo: choice.demo }).toEqual({ dbPath, demo });
  });
});

describe('filesFromArgv', () => {
  const files = ['/home/ann/deck.xlsx', '/home/ann/Acme Rates.CSV', '/home/ann/2026.db', '/home/ann/notes.pdf'];
  const isFile = (p: string) => files.includes(p);
  it.each([
    { name: 'dev launch: electron .', argv: ['/electron', '.'], expected: [] },
    { name: 'switches are skipped', argv: ['/app', '--inspect', '--user-data-dir=/x', '-psn_0_1'], expected: [] },
    { name: 'a deck, relative to cwd', argv: ['/app', 'deck.xlsx'], expected: [{ kind: 'deck', path: '/home/ann/deck.xlsx', name: 'deck.xlsx' }] },
    { name: 'upper-case extension', argv: ['/app', '/home/ann/Acme Rates.CSV'], expected: [{ kind: 'deck', path: '/home/ann/Acme Rates.CSV', name: 'Acme Rates.CSV' }] },
    { name: 'a workspace', argv: ['/app', '2026.db'], expected: [{ kind: 'workspace', path: '/home/ann/2026.db', name: '2026.db' }] },
    { name: 'another kind of file', argv: ['/app', 'notes.pdf'], expected: [] },
    { name: 'a missing deck', argv: ['/app', 'missing.csv'], expected: [] },
    { name: 'the executable itself is never a file to open', argv: ['/home/ann/deck.xlsx'], expected: [] },
  ])('$name', ({ argv, expected }) => {
    expect(filesFromArgv(argv, '/home/ann', isFile)).toEqual(expected);
  });
});

describe('automaticBackupPath', () => {
  it.each([
    { name: 'named for the workspace and the UTC time', db: '/w/2026.db', expected: '/b/2026-2026-10-28T12-00-00-000Z.db' },
    { name: 'any extension', db: '/w/settlement.sqlite', expected: '/b/settlement-2026-10-28T12-00-00-000Z.db' },
    { name: 'no extension', db: '/w/workspace', expected: '/b/workspace-2026-10-28T12-00-00-000Z.db' },
  ])('$name', ({ db, expected }) => {
    expect(automaticBackupPath('/b', db, Date.parse('2026-10-28T12:00:00Z'))).toBe(expected);
  });
  it('has no characters a file system refuses', () => {
    expect(automaticBackupPath('/b', '/w/x.db', Date.now()).slice(3)).not.toMatch(/[:*?"<>|]/);
  });
});

describe('a workspace file written by hand', () => {
  it('is read leniently', () => {
    const dir = mkdtempSync(join(tmpdir(), 'trunkline-recent-'));
    try {
      writeFileSync(join(dir, 'recent.json'), 'garbage');
      expect(loadRecent(join(dir, 'recent.json'))).toEqual({ recent: [] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
