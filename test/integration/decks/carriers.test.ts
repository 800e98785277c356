import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DECKS, NOW_ISO, err, ok, openWorkspace, query, type Workspace } from '../../helpers/workspace.ts';

describe('carriers', () => {
  let ws: Workspace;
  beforeEach(() => {
    ws = openWorkspace();
  });
  afterEach(() => ws.cleanup());

  it('a new carrier gets the defaults: notice 7/7/0/7, rounding per-call 6 half-up, USD, UTC, version 1', async () => {
    const c = ok(await ws.engine.dispatch('carriers.create', { name: 'Acme Telecom' }));
    expect(c).toMatchObject({
      name: 'Acme Telecom', roles: 'vendor', currency: 'USD', timezone: 'UTC',
      notice: { increaseDays: 7, newDays: 7, decreaseDays: 0, closedDays: 7 },
      rounding: { level: 'per-call', decimals: 6, mode: 'half-up' },
      techPrefixes: [], settingsVersion: 1, createdAt: NOW_ISO, updatedAt: NOW_ISO,
    });
    expect(ok(await ws.engine.dispatch('carriers.get', { name: 'acme telecom' }))).toEqual(c);
    expect(ok(await ws.engine.dispatch('carriers.list', {}))).toEqual([c]);
  });

  it('settings given on create are kept, the rest defaulted; currency is upper-cased', async () => {
    const c = ok(await ws.engine.dispatch('carriers.create', {
      name: 'EuroTel', settings: { roles: 'both', currency: 'eur', timezone: 'Europe/Berlin', notice: { increaseDays: 14 }, rounding: { decimals: 4 } },
    }));
    expect(c).toMatchObject({
      roles: 'both', currency: 'EUR', timezone: 'Europe/Berlin',
      notice: { increaseDays: 14, newDays: 7, decreaseDays: 0, closedDays: 7 },
      rounding: { level: 'per-call', decimals: 4, mode: 'half-up' },
    });
  });

  it('an update bumps the settings version; an import records the version in force when it ran', async () => {
    ok(await ws.engine.dispatch('carriers.create', { name: 'CarrierX' }));
    ok(await ws.engine.dispatch('decks.import', { file: join(DECKS, 'carrierx-v1-full.csv'), carrier: 'CarrierX', side: 'buy', received: '2026-09-20' }));
    const updated = ok(await ws.engine.dispatch('carriers.update', { name: 'CarrierX', settings: { notice: { increaseDays: 10 } } }));
    expect(updated.settingsVersion).toBe(2);
    expect(updated.notice).toEqual({ increaseDays: 10, newDays: 7, decreaseDays: 0, closedDays: 7 });
    ok(await ws.engine.dispatch('decks.import', { file: join(DECKS, 'carrierx-v2-partial.csv'), carrier: 'CarrierX', side: 'buy', mode: 'partial', received: '2026-10-10' }));
    const again = ok(await ws.engine.dispatch('carriers.update', { name: 'CarrierX', settings: { rounding: { mode: 'half-even' } } }));
    expect(again.settingsVersion).toBe(3);

    expect(query(ws.dbPath, 'SELECT file_name, carrier_settings_version FROM deck_imports ORDER BY id')).toEqual([
      { file_name: 'carrierx-v1-full.csv', carrier_settings_version: 1 },
      { file_name: 'carrierx-v2-partial.csv', carrier_settings_version: 2 },
    ]);
    expect(query(ws.dbPath, 'SELECT version FROM carrier_settings_history ORDER BY version')).toEqual([{ version: 1 }, { version: 2 }, { version: 3 }]);
  });

  it('the notice in force is the one used: with 10 days for increases, v2 has 5 violations, not 1', async () => {
    ok(await ws.engine.dispatch('carriers.create', { name: 'CarrierX', settings: { notice: { increaseDays: 10 } } }));
    ok(await ws.engine.dispatch('decks.import', { file: join(DECKS, 'carrierx-v1-full.csv'), carrier: 'CarrierX', side: 'buy', received: '2026-09-20' }));
    const r = ok(await ws.engine.dispatch('decks.import', { file: join(DECKS, 'carrierx-v2-partial.csv'), carrier: 'CarrierX', side: 'buy', mode: 'partial', received: '2026-10-11' }));
    // Received 2026-10-11 + 10 days = 2026-10-21: the four increases of 2026-10-20 and 380's of 2026-10-12 are short;
    // the new code 9377 needs 7 days (2026-10-18) and has them.
    expect(r.noticeViolations.map((v) => [v.prefix, v.noticeUntil]).sort()).toEqual(
      [['20', '2026-10-21T00:00:00Z'], ['2348', '2026-10-21T00:00:00Z'], ['380', '2026-10-21T00:00:00Z'], ['639', '2026-10-21T00:00:00Z'], ['93', '2026-10-21T00:00:00Z']],
    );
  });

  it.each([
    { name: 'same case', second: 'CarrierX' },
    { name: 'lower case', second: 'carrierx' },
    { name: 'upper case with spaces', second: '  CARRIERX ' },
  ])('CARRIER_EXISTS: names are unique case-insensitively ($name)', async ({ second }) => {
    ok(await ws.engine.dispatch('carriers.create', { name: 'CarrierX' }));
    const e = err(await ws.engine.dispatch('carriers.create', { name: second }));
    expect(e.code).toBe('CARRIER_EXISTS');
    expect(ok(await ws.engine.dispatch('carriers.list', {}))).toHaveLength(1);
  });

  it('renaming onto another carrier\'s name is CARRIER_EXISTS', async () => {
    ok(await ws.engine.dispatch('carriers.create', { name: 'Alpha' }));
    ok(await ws.engine.dispatch('carriers.create', { name: 'Beta' }));
    const e = err(await ws.engine.dispatch('carriers.update', { name: 'Beta', rename: 'ALPHA' }));
    expect(e.code).toBe('CARRIER_EXISTS');
  });

  it.each([
    { name: 'currency not ISO 4217', settings: { currency: 'XYZ' }, path: 'settings.currency', message: /ISO 4217/ },
    { name: 'currency as a word', settings: { currency: 'dollars' }, path: 'settings.currency', message: /ISO 4217/ },
    { name: 'time zone not IANA', settings: { timezone: 'Mars/Olympus_Mons' }, path: 'settings.timezone', message: /IANA/ },
    { name: 'negative notice', settings: { notice: { increaseDays: -1 } }, path: 'settings.notice.increaseDays', message: /./ },
    { name: 'rounding decimals above 8', settings: { rounding: { decimals: 9 } }, path: 'settings.rounding.decimals', message: /./ },
  ])('INVALID_ARGUMENTS naming the field: $name', async ({ settings, path, message }) => {
    const e = err(await ws.engine.dispatch('carriers.create', { name: 'Bad', settings }));
    expect(e.code).toBe('INVALID_ARGUMENTS');
    expect(e.message).toContain(path);
    expect(e.message).toMatch(message);
    expect((e.details?.issues as { path: string }[]).map((i) => i.path)).toEqual([path]);
    expect(ok(await ws.engine.dispatch('carriers.list', {}))).toEqual([]);
  });

  it('an invalid update changes nothing and keeps the version', async () => {
    ok(await ws.engine.dispatch('carriers.create', { name: 'CarrierX' }));
    const e = err(await ws.engine.dispatch('carriers.update', { name: 'CarrierX', settings: { timezone: 'Nowhere/Land' } }));
    expect(e.code).toBe('INVALID_ARGUMENTS');
    expect(e.message).toContain('settings.timezone');
    expect(ok(await ws.engine.dispatch('carriers.get', { name: 'CarrierX' }))).toMatchObject({ timezone: 'UTC', settingsVersion: 1 });
  });

  it('CARRIER_NOT_FOUND for an import to an unknown carrier', async () => {
    const e = err(await ws.engine.dispatch('decks.import', { file: join(DECKS, 'carrierx-v1-full.csv'), carrier: 'Nobody', side: 'buy' }));
    expect(e.code).toBe('CARRIER_NOT_FOUND');
  });
});
