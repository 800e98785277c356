/**
 * The deck across time that rates every call (VersionedRateTable), against a reference written
 * the obvious way: among the versions in force at the call's instant whose prefix starts the
 * number, the longest prefix wins (closed and blocked ones too: they shadow shorter prefixes).
 * Random decks of nested prefixes, each with versions that start, end, leave gaps and re-open.
 * Also: every version's record (the one cache line a rating reads) holds the version's terms.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { VersionedRateTable, R_STRIDE, R_FROM, R_TO, R_RATE, R_FEE, R_ID, I_FIRST, I_NEXT, I_MIN, I_GRACE, I_KIND } from '../../../core/rates/versioned-table.ts';
import { ok, openWorkspace, type Workspace } from '../../helpers/workspace.ts';
import { prng } from '../../../bench/generate.ts';

const DAY = 86_400_000;
const T0 = Date.parse('2026-10-01T00:00:00Z');
let ws: Workspace | undefined;
afterEach(() => ws?.cleanup());

interface Version { id: number; prefix: string; from: number; to: number; kind: number; rate: number; fee: number; first: number; next: number; min: number; grace: number }

describe('VersionedRateTable', () => {
  it.each([1, 2, 3, 4, 5])('matches the reference on a random deck across time (seed %i)', async (seed) => {
    ws = openWorkspace('trunkline-versioned-');
    const rnd = prng(seed);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const carrier = ok(await ws.engine.dispatch('carriers.create', { name: 'Vendor', settings: { roles: 'vendor' } })).id;
    const db = ws.engine.context.db;
    const imp = Number(db.prepare(`INSERT INTO deck_imports (carrier_id, side, mode, file_name, file_sha256, file_bytes, sheets_json, rows_read, prefixes,
      count_new, count_increase, count_decrease, count_unchanged, count_closed, count_blocked, count_revised, notice_violations, currency,
      received_at_ms, carrier_settings_version, mapping_json, report_json, imported_at_ms, imported_by)
      VALUES (?, 'buy', 'full', 'random', '', 0, '[]', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 'USD', 0, 1, '[]', '{}', 0, 'test')`).run(carrier).lastInsertRowid);
    const insert = db.prepare(`INSERT INTO rates (carrier_id, side, prefix, effective_from_ms, effective_to_ms, kind, destination, rate_per_min_e8, currency,
      first_increment_s, next_increment_s, min_duration_s, grace_s, connection_fee_e8, change_class, import_id)
      VALUES (?, 'buy', ?, ?, ?, ?, 'Somewhere', ?, 'USD', ?, ?, ?, ?, ?, 'new', ?)`);
    const KINDS = ['rate', 'closed', 'blocked'] as const;
    const versions: Version[] = [];
    const pool = [...new Set(Array.from({ length: 300 }, () => Array.from({ length: 1 + Math.floor(rnd() * 6) }, () => pick(['1', '3', '4', '7'])).join('')))];
    db.transaction(() => {
      for (const prefix of pool) {
        // Versions of a prefix follow each other: each starts at or after the previous one's end.
        let at = T0 + Math.floor(rnd() * 10) * DAY - 5 * DAY;
        const n = 1 + Math.floor(rnd() * 4);
        for (let k = 0; k < n; k++) {
          const open = k === n - 1 && rnd() < 0.6;
          const to = open ? null : at + (1 + Math.floor(rnd() * 8)) * DAY + Math.floor(rnd() * DAY);
          const kind = rnd() < 0.8 ? 0 : rnd() < 0.5 ? 1 : 2;
          const v = {
            prefix, from: at, to: to ?? Number.POSITIVE_INFINITY, kind, rate: kind === 0 ? 1 + Math.floor(rnd() * 1e8) : 0,
            fee: rnd() < 0.3 ? Math.floor(rnd() * 1e6) : 0, first: pick([1, 6, 30, 60]), next: pick([1, 6, 60]), min: pick([0, 0, 30]), grace: pick([0, 0, 5]),
          };
          const id = Number(insert.run(carrier, prefix, v.from, to, KINDS[kind], kind === 0 ? v.rate : null, v.first, v.next, v.min, v.grace, v.fee, imp).lastInsertRowid);
          versions.push({ id, ...v });
          if (open) break;
          at = to! + (rnd() < 0.3 ? Math.floor(rnd() * 3) * DAY : 0);
        }
      }
    })();
    const table = VersionedRateTable.load(db, carrier, 'buy');
    expect(table.size).toBe(versions.length);
    const byId = new Map(versions.map((v) => [v.id, v]));
    // Every record holds its version's terms, and the plain arrays agree.
    for (let v = 0; v < table.size; v++) {
      const want = byId.get(table.ids[v]!)!;
      const o = v * R_STRIDE;
      expect([table.rec[o + R_ID], table.rec[o + R_FROM], table.rec[o + R_TO], table.rec[o + R_RATE], table.rec[o + R_FEE]]).toEqual([want.id, want.from, want.to, want.rate, want.fee]);
      expect([I_FIRST, I_NEXT, I_MIN, I_GRACE, I_KIND].map((f) => table.reci[o * 2 + f])).toEqual([want.first, want.next, want.min, want.grace, want.kind]);
      expect(table.from[v]).toBe(want.from);
      expect(table.prefixes[table.versionPrefix[v]!]).toBe(want.prefix);
    }
    for (let q = 0; q < 4000; q++) {
      const number = Array.from({ length: Math.floor(rnd() * 9) }, () => pick(['1', '3', '4', '7', '8'])).join('');
      const at = T0 - 6 * DAY + Math.floor(rnd() * 40 * DAY);
      const live = versions.filter((v) => number.startsWith(v.prefix) && v.from <= at && at < v.to).sort((a, b) => b.prefix.length - a.prefix.length);
      const got = table.match(number, at);
      expect(got < 0 ? null : table.ids[got]).toBe(live[0]?.id ?? null);
    }
  });
});
