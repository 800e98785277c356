import type { Carrier, CarrierSettings } from '../api/contract.ts';
import { isoInstant } from '../time/parse-date.ts';
import type { Db } from './open.ts';

interface CarrierRow {
  id: number;
  name: string;
  roles: Carrier['roles'];
  currency: string;
  timezone: string;
  notice_increase_days: number;
  notice_new_days: number;
  notice_decrease_days: number;
  notice_closed_days: number;
  rounding_level: Carrier['rounding']['level'];
  rounding_decimals: number;
  rounding_mode: Carrier['rounding']['mode'];
  tech_prefixes: string;
  trunks: string;
  lcr_preference: number;
  dispute_threshold_absolute: string;
  dispute_threshold_percent: string;
  payment_terms_days: number;
  settings_version: number;
  created_at_ms: number;
  updated_at_ms: number;
}

function toCarrier(r: CarrierRow): Carrier {
  return {
    id: r.id,
    name: r.name,
    roles: r.roles,
    currency: r.currency,
    timezone: r.timezone,
    notice: {
      increaseDays: r.notice_increase_days,
      newDays: r.notice_new_days,
      decreaseDays: r.notice_decrease_days,
      closedDays: r.notice_closed_days,
    },
    rounding: { level: r.rounding_level, decimals: r.rounding_decimals, mode: r.rounding_mode },
    techPrefixes: JSON.parse(r.tech_prefixes) as string[],
    trunks: JSON.parse(r.trunks) as string[],
    lcrPreference: r.lcr_preference,
    disputeThreshold: { absolute: r.dispute_threshold_absolute, percent: r.dispute_threshold_percent },
    paymentTermsDays: r.payment_terms_days,
    settingsVersion: r.settings_version,
    createdAt: isoInstant(r.created_at_ms),
    updatedAt: isoInstant(r.updated_at_ms),
  };
}

function settingsParams(s: CarrierSettings) {
  return {
    roles: s.roles,
    currency: s.currency,
    timezone: s.timezone,
    notice_increase_days: s.notice.increaseDays,
    notice_new_days: s.notice.newDays,
    notice_decrease_days: s.notice.decreaseDays,
    notice_closed_days: s.notice.closedDays,
    rounding_level: s.rounding.level,
    rounding_decimals: s.rounding.decimals,
    rounding_mode: s.rounding.mode,
    tech_prefixes: JSON.stringify(s.techPrefixes),
    trunks: JSON.stringify(s.trunks),
    lcr_preference: s.lcrPreference,
    dispute_threshold_absolute: s.disputeThreshold.absolute,
    dispute_threshold_percent: s.disputeThreshold.percent,
    payment_terms_days: s.paymentTermsDays,
  };
}

export function settingsOf(c: Carrier): CarrierSettings {
  return {
    roles: c.roles, currency: c.currency, timezone: c.timezone, notice: c.notice, rounding: c.rounding, techPrefixes: c.techPrefixes,
    trunks: c.trunks, lcrPreference: c.lcrPreference, disputeThreshold: c.disputeThreshold, paymentTermsDays: c.paymentTermsDays,
  };
}

export class CarriersRepo {
  constructor(private readonly db: Db) {}

  byName(name: string): Carrier | undefined {
    const r = this.db.prepare('SELECT * FROM carriers WHERE name = ?').get(name) as CarrierRow | undefined;
    return r && toCarrier(r);
  }

  byId(id: number): Carrier | undefined {
    const r = this.db.prepare('SELECT * FROM carriers WHERE id = ?').get(id) as CarrierRow | undefined;
    return r && toCarrier(r);
  }

  list(): Carrier[] {
    return (this.db.prepare('SELECT * FROM carriers ORDER BY name COLLATE NOCASE, id').all() as CarrierRow[]).map(toCarrier);
  }

  insert(name: string, s: CarrierSettings, nowMs: number, actor: string): Carrier {
    const run = this.db.transaction(() => {
      const info = this.db
        .prepare(
          `INSERT INTO carriers (name, roles, currency, timezone, notice_increase_days, notice_new_days, notice_decrease_days,
             notice_closed_days, rounding_level, rounding_decimals, rounding_mode, tech_prefixes, trunks, lcr_preference,
             dispute_threshold_absolute, dispute_threshold_percent, payment_terms_days, settings_version, created_at_ms, updated_at_ms)
           VALUES (@name, @roles, @currency, @timezone, @notice_increase_days, @notice_new_days, @notice_decrease_days,
             @notice_closed_days, @rounding_level, @rounding_decimals, @rounding_mode, @tech_prefixes, @trunks, @lcr_preference,
             @dispute_threshold_absolute, @dispute_threshold_percent, @payment_terms_days, 1, @now, @now)`,
        )
        .run({ name, now: nowMs, ...settingsParams(s) });
      const id = Number(info.lastInsertRowid);
      this.recordVersion(id, 1, name, s, nowMs, actor, 'created');
      return id;
    });
    return this.byId(run.immediate())!;
  }

  /** Writes new settings as a new version; the old version stays in the history, and results computed under it keep naming it. */
  update(current: Carrier, name: string, s: CarrierSettings, nowMs: number, actor: string, note: string | undefined): Carrier {
    const version = current.settingsVersion + 1;
    const run = this.db.transaction(() => {
      this.db
        .prepare(
          `UPDATE carriers SET name = @name, roles = @roles, currency = @currency, timezone = @timezone,
             notice_increase_days = @notice_increase_days, notice_new_days = @notice_new_days,
             notice_decrease_days = @notice_decrease_days, notice_closed_days = @notice_closed_days,
             rounding_level = @rounding_level, rounding_decimals = @rounding_decimals, rounding_mode = @rounding_mode,
             tech_prefixes = @tech_prefixes, trunks = @trunks, lcr_preference = @lcr_preference,
             dispute_threshold_absolute = @dispute_threshold_absolute, dispute_threshold_percent = @dispute_threshold_percent,
             payment_terms_days = @payment_terms_days, settings_version = @version, updated_at_ms = @now
           WHERE id = @id`,
        )
        .run({ id: current.id, name, version, now: nowMs, ...settingsParams(s) });
      this.recordVersion(current.id, version, name, s, nowMs, actor, note ?? null);
    });
    run.immediate();
    return this.byId(current.id)!;
  }

  private recordVersion(id: number, version: number, name: string, s: CarrierSettings, nowMs: number, actor: string, note: string | null): void {
    this.db
      .prepare(
        `INSERT INTO carrier_settings_history (carrier_id, version, name, settings_json, changed_at_ms, changed_by, note)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(id, version, name, JSON.stringify(s), nowMs, actor, note);
  }

  history(id: number): { version: number; name: string; settings: CarrierSettings; changedAt: string; changedBy: string; note: string | null }[] {
    const rows = this.db
      .prepare('SELECT version, name, settings_json, changed_at_ms, changed_by, note FROM carrier_settings_history WHERE carrier_id = ? ORDER BY version')
      .all(id) as { version: number; name: string; settings_json: string; changed_at_ms: number; changed_by: string; note: string | null }[];
    return rows.map((r) => ({
      version: r.version, name: r.name, settings: JSON.parse(r.settings_json) as CarrierSettings,
      changedAt: isoInstant(r.changed_at_ms), changedBy: r.changed_by, note: r.note,
    }));
  }
}
