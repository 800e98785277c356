/**
 * Append-only schema migrations. Never edit one that has shipped: add the next. Each runs in a
 * transaction, and its checksum is recorded so a database from a diverged build is recognised.
 */
export interface Migration {
  id: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    id: 1,
    name: 'carriers, deck imports, versioned rates, templates',
    sql: `
CREATE TABLE carriers (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE COLLATE NOCASE,
  roles TEXT NOT NULL CHECK (roles IN ('vendor', 'customer', 'both')),
  currency TEXT NOT NULL,
  timezone TEXT NOT NULL,
  notice_increase_days INTEGER NOT NULL,
  notice_new_days INTEGER NOT NULL,
  notice_decrease_days INTEGER NOT NULL,
  notice_closed_days INTEGER NOT NULL,
  rounding_level TEXT NOT NULL CHECK (rounding_level IN ('per-call', 'per-increment', 'per-line')),
  rounding_decimals INTEGER NOT NULL CHECK (rounding_decimals BETWEEN 0 AND 8),
  rounding_mode TEXT NOT NULL CHECK (rounding_mode IN ('half-up', 'half-even', 'up', 'down')),
  tech_prefixes TEXT NOT NULL,
  settings_version INTEGER NOT NULL,
  created_at_ms INTEGER NOT NULL,
  updated_at_ms INTEGER NOT NULL
);

-- Every version of a carrier's settings, append-only: results computed under old settings name the version they used.
CREATE TABLE carrier_settings_history (
  carrier_id INTEGER NOT NULL REFERENCES carriers(id),
  version INTEGER NOT NULL,
  name TEXT NOT NULL,
  settings_json TEXT NOT NULL,
  changed_at_ms INTEGER NOT NULL,
  changed_by TEXT NOT NULL,
  note TEXT,
  PRIMARY KEY (carrier_id, version)
) WITHOUT ROWID;

CREATE TABLE deck_templates (
  carrier_id INTEGER NOT NULL REFERENCES carriers(id),
  side TEXT NOT NULL CHECK (side IN ('buy', 'sell')),
  mapping_json TEXT NOT NULL,
  date_order TEXT CHECK (date_order IN ('DMY', 'MDY')),
  updated_at_ms INTEGER NOT NULL,
  PRIMARY KEY (carrier_id, side)
) WITHOUT ROWID;

CREATE TABLE deck_imports (
  id INTEGER PRIMARY KEY,
  carrier_id INTEGER NOT NULL REFERENCES carriers(id),
  side TEXT NOT NULL CHECK (side IN ('buy', 'sell')),
  mode TEXT NOT NULL CHECK (mode IN ('full', 'partial')),
  file_name TEXT NOT NULL,
  file_sha256 TEXT NOT NULL,
  file_bytes INTEGER NOT NULL,
  sheets_json TEXT NOT NULL,
  rows_read INTEGER NOT NULL,
  prefixes INTEGER NOT NULL,
  count_new INTEGER NOT NULL,
  count_increase INTEGER NOT NULL,
  count_decrease INTEGER NOT NULL,
  count_unchanged INTEGER NOT NULL,
  count_closed INTEGER NOT NULL,
  count_blocked INTEGER NOT NULL,
  count_revised INTEGER NOT NULL,
  notice_violations INTEGER NOT NULL,
  currency TEXT NOT NULL,
  received_at_ms INTEGER NOT NULL,
  effective_at_ms INTEGER,
  closures_at_ms INTEGER,
  carrier_settings_version INTEGER NOT NULL,
  mapping_json TEXT NOT NULL,
  report_json TEXT NOT NULL,
  imported_at_ms INTEGER NOT NULL,
  imported_by TEXT NOT NULL
);
CREATE INDEX deck_imports_by_carrier ON deck_imports (carrier_id, side, id);

-- Rates are versioned, never overwritten: a version runs from effective_from until the next
-- version of the same prefix (effective_to keeps that end, derived, for range queries).
-- kind 'closed' is the version that ends a code; 'blocked' is a code the carrier refuses.
-- Money is in integers of 1e-8 currency units (_e8); instants are UTC epoch milliseconds (_ms).
-- No CHECK constraints here: on this bulk table they cost more than the inserts themselves, and
-- the one writer (the deck importer) only writes values the contract and the planner produce.
CREATE TABLE rates (
  id INTEGER PRIMARY KEY,
  carrier_id INTEGER NOT NULL REFERENCES carriers(id),
  side TEXT NOT NULL,
  prefix TEXT NOT NULL,
  effective_from_ms INTEGER NOT NULL,
  effective_to_ms INTEGER,
  kind TEXT NOT NULL,
  destination TEXT NOT NULL,
  rate_per_min_e8 INTEGER,
  currency TEXT NOT NULL,
  first_increment_s INTEGER NOT NULL,
  next_increment_s INTEGER NOT NULL,
  min_duration_s INTEGER NOT NULL,
  grace_s INTEGER NOT NULL,
  connection_fee_e8 INTEGER NOT NULL,
  change_class TEXT NOT NULL,
  deck_change TEXT,
  notice_until_ms INTEGER,
  notice_violation INTEGER NOT NULL DEFAULT 0,
  import_id INTEGER NOT NULL REFERENCES deck_imports(id),
  source_sheet TEXT,
  source_row INTEGER,
  superseded_by_import_id INTEGER REFERENCES deck_imports(id)
);
CREATE UNIQUE INDEX rates_current_key ON rates (carrier_id, side, prefix, effective_from_ms) WHERE superseded_by_import_id IS NULL;
CREATE INDEX rates_by_import ON rates (import_id);
`,
  },
  {
    id: 2,
    name: 'workspace meta; rates by prefix across carriers',
    sql: `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;

-- The rates grid over the whole store pages in prefix order across carriers.
CREATE INDEX rates_by_prefix ON rates (prefix, effective_from_ms) WHERE superseded_by_import_id IS NULL;
`,
  },
  {
    id: 3,
    name: 'CDR imports and CDRs rated on both sides',
    sql: `
CREATE TABLE cdr_imports (
  id INTEGER PRIMARY KEY,
  carrier_id INTEGER NOT NULL REFERENCES carriers(id),
  source TEXT NOT NULL CHECK (source IN ('own', 'carrier')),
  format TEXT NOT NULL,
  file_name TEXT NOT NULL,
  file_sha256 TEXT NOT NULL,
  file_bytes INTEGER NOT NULL,
  timezone TEXT NOT NULL,
  rows_read INTEGER NOT NULL,
  rows_imported INTEGER NOT NULL,
  rows_duplicate INTEGER NOT NULL,
  rows_rejected INTEGER NOT NULL,
  rejects_file TEXT,
  first_start_ms INTEGER,
  last_start_ms INTEGER,
  mapping_json TEXT NOT NULL,
  report_json TEXT NOT NULL,
  imported_at_ms INTEGER NOT NULL,
  imported_by TEXT NOT NULL
);
CREATE INDEX cdr_imports_by_carrier ON cdr_imports (carrier_id, id);

-- One row per call as a switch or a carrier recorded it, with its rating on each side beside it
-- (one wide row: a CDR import writes once, and a re-rate updates only the rows whose rating changed).
-- source: 0 own switch, 1 the carrier's file. status per side: NULL not rated yet, 0 rated, 1 free
-- (unanswered, zero or within grace), 2 unrated; reason: 1 no rate, 2 closed code, 3 blocked, 4 invalid number.
-- dedupe_key: a 52-bit hash of the call id (or of start, numbers and duration when there is none).
CREATE TABLE cdrs (
  id INTEGER PRIMARY KEY,
  carrier_id INTEGER NOT NULL REFERENCES carriers(id),
  source INTEGER NOT NULL,
  import_id INTEGER NOT NULL REFERENCES cdr_imports(id),
  start_ms INTEGER NOT NULL,
  dedupe_key INTEGER NOT NULL,
  call_id TEXT,
  calling TEXT NOT NULL,
  called TEXT NOT NULL,
  duration_ms INTEGER NOT NULL,
  answered INTEGER NOT NULL,
  ingress TEXT,
  egress TEXT,
  carrier_charge_e8 INTEGER,
  buy_status INTEGER, buy_reason INTEGER, buy_rate_id INTEGER, buy_billed_s INTEGER, buy_amount_e8 INTEGER, buy_exact_x60 INTEGER,
  sell_status INTEGER, sell_reason INTEGER, sell_rate_id INTEGER, sell_billed_s INTEGER, sell_amount_e8 INTEGER, sell_exact_x60 INTEGER
);
-- Start first: CDR files run in time order, so this unique index grows at its end (fast inserts).
CREATE UNIQUE INDEX cdrs_dedupe ON cdrs (carrier_id, source, start_ms, dedupe_key);
CREATE INDEX cdrs_by_import ON cdrs (import_id);
`,
  },
  {
    id: 4,
    name: 'carrier trunks, LCR preference, materiality, payment terms; both legs of a call',
    sql: `
PRAGMA defer_foreign_keys = ON;
-- Trunk or account names that identify the carrier in our switch's CDRs (JSON array of strings).
ALTER TABLE carriers ADD COLUMN trunks TEXT NOT NULL DEFAULT '[]';
-- LCR tie-break: among vendors at the same rate, the lower preference ranks first (then the name).
ALTER TABLE carriers ADD COLUMN lcr_preference INTEGER NOT NULL DEFAULT 100;
-- Materiality: a reconciliation variance is proposed as a dispute when it reaches both thresholds
-- (absolute in the carrier's currency, as an exact decimal string; percent of the expected amount).
ALTER TABLE carriers ADD COLUMN dispute_threshold_absolute TEXT NOT NULL DEFAULT '10';
ALTER TABLE carriers ADD COLUMN dispute_threshold_percent TEXT NOT NULL DEFAULT '1';
ALTER TABLE carriers ADD COLUMN payment_terms_days INTEGER NOT NULL DEFAULT 30;

-- A switch-wide own CDR file belongs to no single carrier: its rows name their customer and vendor.
CREATE TABLE cdr_imports_v4 (
  id INTEGER PRIMARY KEY,
  carrier_id INTEGER REFERENCES carriers(id),
  source TEXT NOT NULL CHECK (source IN ('own', 'carrier')),
  format TEXT NOT NULL,
  file_name TEXT NOT NULL,
  file_sha256 TEXT NOT NULL,
  file_bytes INTEGER NOT NULL,
  timezone TEXT NOT NULL,
  rows_read INTEGER NOT NULL,
  rows_imported INTEGER NOT NULL,
  rows_duplicate INTEGER NOT NULL,
  rows_rejected INTEGER NOT NULL,
  rejects_file TEXT,
  first_start_ms INTEGER,
  last_start_ms INTEGER,
  mapping_json TEXT NOT NULL,
  report_json TEXT NOT NULL,
  imported_at_ms INTEGER NOT NULL,
  imported_by TEXT NOT NULL,
  -- The carriers the import's calls have a leg with, as ',id,id,' (a switch-wide file's, for listing by carrier).
  leg_carriers TEXT NOT NULL DEFAULT ''
);
INSERT INTO cdr_imports_v4 (id, carrier_id, source, format, file_name, file_sha256, file_bytes, timezone, rows_read, rows_imported,
    rows_duplicate, rows_rejected, rejects_file, first_start_ms, last_start_ms, mapping_json, report_json, imported_at_ms, imported_by, leg_carriers)
  SELECT id, carrier_id, source, format, file_name, file_sha256, file_bytes, timezone, rows_read, rows_imported,
    rows_duplicate, rows_rejected, rejects_file, first_start_ms, last_start_ms, mapping_json, report_json, imported_at_ms, imported_by, ',' || carrier_id || ','
  FROM cdr_imports;
DROP TABLE cdr_imports;
ALTER TABLE cdr_imports_v4 RENAME TO cdr_imports;
CREATE INDEX cdr_imports_by_carrier ON cdr_imports (carrier_id, id);

-- Both legs of a call: the customer who sent it (rated on their sell deck, the sell_* columns) and
-- the vendor it went to (rated on their buy deck, the buy_* columns). carrier_id stays the carrier
-- the row is filed under for de-duplication: the named carrier, or for a switch-wide file the
-- vendor (else the customer) its trunks map to.
ALTER TABLE cdrs ADD COLUMN customer_id INTEGER REFERENCES carriers(id);
ALTER TABLE cdrs ADD COLUMN vendor_id INTEGER REFERENCES carriers(id);
UPDATE cdrs SET
  customer_id = CASE WHEN (SELECT roles FROM carriers WHERE id = cdrs.carrier_id) IN ('customer', 'both') THEN carrier_id END,
  vendor_id = CASE WHEN (SELECT roles FROM carriers WHERE id = cdrs.carrier_id) IN ('vendor', 'both') THEN carrier_id END;
-- An import's calls are found through its carriers' indexes: one index fewer to keep up on every insert.
DROP INDEX cdrs_by_import;
CREATE INDEX cdrs_by_vendor ON cdrs (vendor_id, source, start_ms);
CREATE INDEX cdrs_by_customer ON cdrs (customer_id, source, start_ms);

-- Per-day totals of each leg's calls, kept by every writer of calls in its own transaction (see
-- core/cdrs/daily.ts): summaries read these and scan only the partial days at a period's edges.
-- side 0 buy (vendor leg), 1 sell (customer leg); day = start_ms / 86400000 (UTC); status -1 = not
-- rated yet, reason 0 = none, rate_id 0 = none.
CREATE TABLE cdr_daily (
  carrier_id INTEGER NOT NULL,
  side INTEGER NOT NULL,
  source INTEGER NOT NULL,
  day INTEGER NOT NULL,
  status INTEGER NOT NULL,
  reason INTEGER NOT NULL,
  rate_id INTEGER NOT NULL,
  calls INTEGER NOT NULL,
  answered INTEGER NOT NULL,
  duration_ms INTEGER NOT NULL,
  billed_s INTEGER NOT NULL,
  amount_e8 INTEGER NOT NULL,
  exact_x60 INTEGER NOT NULL,
  PRIMARY KEY (carrier_id, side, source, day, status, reason, rate_id)
) WITHOUT ROWID;
INSERT INTO cdr_daily
  SELECT vendor_id, 0, source, start_ms / 86400000, coalesce(buy_status, -1), coalesce(buy_reason, 0), coalesce(buy_rate_id, 0), count(*),
    sum(answered), sum(duration_ms), coalesce(sum(buy_billed_s), 0), coalesce(sum(buy_amount_e8), 0), coalesce(sum(buy_exact_x60), 0)
  FROM cdrs WHERE vendor_id IS NOT NULL GROUP BY 1, 2, 3, 4, 5, 6, 7;
INSERT INTO cdr_daily
  SELECT customer_id, 1, source, start_ms / 86400000, coalesce(sell_status, -1), coalesce(sell_reason, 0), coalesce(sell_rate_id, 0), count(*),
    sum(answered), sum(duration_ms), coalesce(sum(sell_billed_s), 0), coalesce(sum(sell_amount_e8), 0), coalesce(sum(sell_exact_x60), 0)
  FROM cdrs WHERE customer_id IS NOT NULL GROUP BY 1, 2, 3, 4, 5, 6, 7;
`,
  },
  {
    id: 5,
    name: 'vendor invoices and disputes',
    sql: `
-- Invoices carriers send us (they bill us as our vendor). Amounts are exact: integers scaled by 1e8
-- (_e8), in the invoice's currency. Periods are [from, to) instants, computed in the carrier's zone.
CREATE TABLE vendor_invoices (
  id INTEGER PRIMARY KEY,
  carrier_id INTEGER NOT NULL REFERENCES carriers(id),
  number TEXT NOT NULL,
  period_from_ms INTEGER NOT NULL,
  period_to_ms INTEGER NOT NULL,
  currency TEXT NOT NULL,
  issued_on TEXT,
  due_on TEXT,
  total_e8 INTEGER NOT NULL,
  file_name TEXT NOT NULL,
  file_sha256 TEXT NOT NULL,
  file_bytes INTEGER NOT NULL,
  mapping_json TEXT NOT NULL,
  imported_at_ms INTEGER NOT NULL,
  imported_by TEXT NOT NULL,
  UNIQUE (carrier_id, number)
);

-- The invoice's summary lines as the carrier wrote them (row = the file's row number).
CREATE TABLE vendor_invoice_lines (
  invoice_id INTEGER NOT NULL REFERENCES vendor_invoices(id),
  line_no INTEGER NOT NULL,
  row INTEGER,
  prefix TEXT,
  destination TEXT,
  calls INTEGER,
  minutes_e8 INTEGER,
  rate_e8 INTEGER,
  amount_e8 INTEGER NOT NULL,
  PRIMARY KEY (invoice_id, line_no)
) WITHOUT ROWID;

-- A claim against a carrier's invoice. state is the latest event's to_state (the events are the record).
-- States: draft, submitted, acknowledged, accepted, partially-accepted, rejected, escalated, settled, closed.
CREATE TABLE disputes (
  id INTEGER PRIMARY KEY,
  carrier_id INTEGER NOT NULL REFERENCES carriers(id),
  invoice_id INTEGER REFERENCES vendor_invoices(id),
  reconciliation_id INTEGER,
  period_from_ms INTEGER NOT NULL,
  period_to_ms INTEGER NOT NULL,
  currency TEXT NOT NULL,
  state TEXT NOT NULL,
  claimed_e8 INTEGER NOT NULL,
  agreed_e8 INTEGER,
  credit_note TEXT,
  submitted_at_ms INTEGER,
  settled_at_ms INTEGER,
  created_at_ms INTEGER NOT NULL,
  created_by TEXT NOT NULL
);
CREATE INDEX disputes_by_carrier ON disputes (carrier_id, state);

CREATE TABLE dispute_lines (
  dispute_id INTEGER NOT NULL REFERENCES disputes(id),
  line_no INTEGER NOT NULL,
  cause TEXT NOT NULL,
  prefix TEXT,
  destination TEXT,
  calls INTEGER NOT NULL,
  minutes_e8 INTEGER NOT NULL,
  claimed_e8 INTEGER NOT NULL,
  PRIMARY KEY (dispute_id, line_no)
) WITHOUT ROWID;

-- Append-only: every change to a dispute (created, state change, amounts, note, credit note).
CREATE TABLE dispute_events (
  dispute_id INTEGER NOT NULL REFERENCES disputes(id),
  seq INTEGER NOT NULL,
  at_ms INTEGER NOT NULL,
  actor TEXT NOT NULL,
  from_state TEXT,
  to_state TEXT NOT NULL,
  claimed_e8 INTEGER,
  agreed_e8 INTEGER,
  credit_note TEXT,
  note TEXT,
  PRIMARY KEY (dispute_id, seq)
) WITHOUT ROWID;
CREATE TRIGGER dispute_events_no_update BEFORE UPDATE ON dispute_events BEGIN SELECT RAISE(ABORT, 'dispute events are append-only'); END;
CREATE TRIGGER dispute_events_no_delete BEFORE DELETE ON dispute_events BEGIN SELECT RAISE(ABORT, 'dispute events are append-only'); END;
`,
  },
  {
    id: 6,
    name: 'reconciliation runs, their items and CDR discrepancies; invoice templates; dispute evidence',
    sql: `
-- The invoice mapping a carrier's files use (normalised header -> field), reused on the next import.
CREATE TABLE invoice_templates (
  carrier_id INTEGER PRIMARY KEY REFERENCES carriers(id),
  mapping_json TEXT NOT NULL,
  date_order TEXT CHECK (date_order IN ('DMY', 'MDY')),
  updated_at_ms INTEGER NOT NULL
);
-- What an invoice import reported (warnings, the notes block) beside the invoice itself.
ALTER TABLE vendor_invoices ADD COLUMN report_json TEXT NOT NULL DEFAULT '{}';

-- A reconciliation run: its parameters, the figures it found, and its full result (summary lines,
-- causes, classes, warnings) as JSON. Re-running stores a new run that names the one it repeats.
CREATE TABLE reconciliations (
  id INTEGER PRIMARY KEY,
  carrier_id INTEGER NOT NULL REFERENCES carriers(id),
  invoice_id INTEGER REFERENCES vendor_invoices(id),
  period_label TEXT NOT NULL,
  period_from_ms INTEGER NOT NULL,
  period_to_ms INTEGER NOT NULL,
  time_tolerance_ms INTEGER NOT NULL,
  duration_tolerance_ms INTEGER NOT NULL,
  currency TEXT NOT NULL,
  level TEXT NOT NULL CHECK (level IN ('summary', 'cdr')),
  invoice_total_e8 INTEGER NOT NULL,
  expected_total_e8 INTEGER NOT NULL,
  variance_e8 INTEGER NOT NULL,
  proposed_e8 INTEGER NOT NULL,
  carrier_settings_version INTEGER NOT NULL,
  result_json TEXT NOT NULL,
  rerun_of INTEGER REFERENCES reconciliations(id),
  run_at_ms INTEGER NOT NULL,
  run_by TEXT NOT NULL
);
CREATE INDEX reconciliations_by_carrier ON reconciliations (carrier_id, id);

-- Disputable items a run found: per cause and destination, the amount overbilled, and whether the
-- carrier's thresholds propose it. A dispute opened from the run copies the items chosen.
CREATE TABLE reconciliation_items (
  reconciliation_id INTEGER NOT NULL REFERENCES reconciliations(id),
  item_no INTEGER NOT NULL,
  cause TEXT NOT NULL,
  prefix TEXT,
  destination TEXT,
  calls INTEGER NOT NULL,
  minutes_e8 INTEGER NOT NULL,
  amount_e8 INTEGER NOT NULL,
  expected_e8 INTEGER NOT NULL,
  proposed INTEGER NOT NULL,
  PRIMARY KEY (reconciliation_id, item_no)
) WITHOUT ROWID;

-- Every CDR-level discrepancy of a run (exact matches are only counted). class: exact,
-- withinTolerance, durationMismatch, carrierOnly, ownOnly, duplicate, rateMismatch. item_no ties the
-- row to the disputable item it is evidence for (NULL when it claims nothing).
CREATE TABLE reconciliation_cdrs (
  reconciliation_id INTEGER NOT NULL REFERENCES reconciliations(id),
  seq INTEGER NOT NULL,
  class TEXT NOT NULL,
  own_cdr_id INTEGER,
  carrier_cdr_id INTEGER,
  destination TEXT,
  expected_e8 INTEGER NOT NULL,
  charged_e8 INTEGER NOT NULL,
  item_no INTEGER,
  PRIMARY KEY (reconciliation_id, seq)
) WITHOUT ROWID;
CREATE INDEX reconciliation_cdrs_by_class ON reconciliation_cdrs (reconciliation_id, class, seq);
CREATE INDEX reconciliation_cdrs_by_item ON reconciliation_cdrs (reconciliation_id, item_no);

-- The CDRs behind each dispute line, copied when the dispute is opened (a later run cannot change them).
CREATE TABLE dispute_evidence (
  dispute_id INTEGER NOT NULL REFERENCES disputes(id),
  line_no INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  class TEXT NOT NULL,
  own_cdr_id INTEGER,
  carrier_cdr_id INTEGER,
  expected_e8 INTEGER NOT NULL,
  charged_e8 INTEGER NOT NULL,
  PRIMARY KEY (dispute_id, line_no, seq)
) WITHOUT ROWID;
-- Evidence is part of the claim as sent: never rewritten.
CREATE TRIGGER dispute_evidence_no_update BEFORE UPDATE ON dispute_evidence BEGIN SELECT RAISE(ABORT, 'dispute evidence is append-only'); END;
CREATE TRIGGER dispute_evidence_no_delete BEFORE DELETE ON dispute_evidence BEGIN SELECT RAISE(ABORT, 'dispute evidence is append-only'); END;
`,
  },
  // Issue 7 (settlement). Id 6 belongs to reconciliation (issue 6), merged separately.
  {
    id: 7,
    name: 'settlement: customer invoices and notes, payments, FX rates',
    sql: `
-- Our invoices to customers, and the credit and debit notes that correct them. Frozen once issued:
-- rows and lines are append-only (triggers below). number is gapless per workspace and year of issue
-- (TL-YYYY-NNNNNN, seq 1, 2, 3 …), assigned inside the issuing transaction. period is 'YYYY-MM' in
-- the customer's zone, [period_from_ms, period_to_ms). Amounts are e8 integers in the invoice's
-- currency (that of the sell deck's rates); a credit note's total is negative.
CREATE TABLE customer_invoices (
  id INTEGER PRIMARY KEY,
  number TEXT NOT NULL UNIQUE,
  year INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('invoice', 'credit-note', 'debit-note')),
  carrier_id INTEGER NOT NULL REFERENCES carriers(id),
  period TEXT NOT NULL,
  period_from_ms INTEGER NOT NULL,
  period_to_ms INTEGER NOT NULL,
  currency TEXT NOT NULL,
  corrects_id INTEGER REFERENCES customer_invoices(id),
  calls INTEGER NOT NULL,
  billed_s INTEGER NOT NULL,
  total_e8 INTEGER NOT NULL,
  issued_on TEXT NOT NULL,
  due_on TEXT NOT NULL,
  rounding_json TEXT NOT NULL,
  carrier_settings_version INTEGER NOT NULL,
  issued_at_ms INTEGER NOT NULL,
  issued_by TEXT NOT NULL,
  UNIQUE (year, seq),
  CHECK ((kind = 'invoice') = (corrects_id IS NULL))
);
CREATE INDEX customer_invoices_by_carrier ON customer_invoices (carrier_id, period, id);
-- One original invoice per customer and period; later changes are notes.
CREATE UNIQUE INDEX customer_invoices_one_per_period ON customer_invoices (carrier_id, period) WHERE kind = 'invoice';

-- A line per destination and rate (the level per-line rounding works at). For a note, the
-- difference against everything issued before it for the period (signed).
CREATE TABLE customer_invoice_lines (
  invoice_id INTEGER NOT NULL REFERENCES customer_invoices(id),
  line_no INTEGER NOT NULL,
  destination TEXT NOT NULL,
  prefix TEXT,
  rate_e8 INTEGER NOT NULL,
  calls INTEGER NOT NULL,
  billed_s INTEGER NOT NULL,
  amount_e8 INTEGER NOT NULL,
  PRIMARY KEY (invoice_id, line_no)
) WITHOUT ROWID;
CREATE TRIGGER customer_invoices_no_update BEFORE UPDATE ON customer_invoices BEGIN SELECT RAISE(ABORT, 'issued invoices are frozen: issue a credit or debit note'); END;
CREATE TRIGGER customer_invoices_no_delete BEFORE DELETE ON customer_invoices BEGIN SELECT RAISE(ABORT, 'issued invoices are frozen: issue a credit or debit note'); END;
CREATE TRIGGER customer_invoice_lines_no_update BEFORE UPDATE ON customer_invoice_lines BEGIN SELECT RAISE(ABORT, 'issued invoice lines are frozen'); END;
CREATE TRIGGER customer_invoice_lines_no_delete BEFORE DELETE ON customer_invoice_lines BEGIN SELECT RAISE(ABORT, 'issued invoice lines are frozen'); END;

-- Money received from (in) or paid to (out) a carrier, in the currency it moved in. paid_on is the
-- value date (YYYY-MM-DD). Append-only: a wrong payment is corrected by one in the other direction.
CREATE TABLE payments (
  id INTEGER PRIMARY KEY,
  carrier_id INTEGER NOT NULL REFERENCES carriers(id),
  direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
  paid_on TEXT NOT NULL,
  amount_e8 INTEGER NOT NULL CHECK (amount_e8 > 0),
  currency TEXT NOT NULL,
  reference TEXT,
  recorded_at_ms INTEGER NOT NULL,
  recorded_by TEXT NOT NULL
);
CREATE INDEX payments_by_carrier ON payments (carrier_id, paid_on, id);
CREATE TRIGGER payments_no_update BEFORE UPDATE ON payments BEGIN SELECT RAISE(ABORT, 'payments are append-only: record a correcting payment'); END;
CREATE TRIGGER payments_no_delete BEFORE DELETE ON payments BEGIN SELECT RAISE(ABORT, 'payments are append-only: record a correcting payment'); END;

-- 1 unit of from_currency = rate units of to_currency, from rate_on (YYYY-MM-DD) until the next
-- rate of the pair. rate is an exact decimal string. Setting a rate again for the same day adds a
-- row; the latest recorded wins (the history stays).
CREATE TABLE fx_rates (
  id INTEGER PRIMARY KEY,
  from_currency TEXT NOT NULL,
  to_currency TEXT NOT NULL,
  rate_on TEXT NOT NULL,
  rate TEXT NOT NULL,
  recorded_at_ms INTEGER NOT NULL,
  recorded_by TEXT NOT NULL
);
CREATE INDEX fx_rates_by_pair ON fx_rates (from_currency, to_currency, rate_on, id);

-- Invoicing reads a customer's month from the per-day totals (cdr_daily), and only the partial
-- days at the month's edges from the calls: no index beyond the leg indexes is needed.
`,
  },
  {
    id: 8,
    name: 'audit trail: imports, rate versions, settings history and calls are append-only',
    sql: `
-- The record of what was imported and under which settings is append-only (issue 8). A rate version
-- may only be closed off by a later import (superseded_by_import_id set once, from NULL) and have
-- its derived end (effective_to_ms) moved; nothing else about it changes, and nothing is deleted.
CREATE TRIGGER deck_imports_no_update BEFORE UPDATE ON deck_imports BEGIN SELECT RAISE(ABORT, 'deck imports are append-only'); END;
CREATE TRIGGER deck_imports_no_delete BEFORE DELETE ON deck_imports BEGIN SELECT RAISE(ABORT, 'deck imports are append-only'); END;
CREATE TRIGGER rates_no_delete BEFORE DELETE ON rates BEGIN SELECT RAISE(ABORT, 'rate versions are append-only'); END;
CREATE TRIGGER rates_fixed_columns BEFORE UPDATE OF id, carrier_id, side, prefix, effective_from_ms, kind, destination, rate_per_min_e8,
  currency, first_increment_s, next_increment_s, min_duration_s, grace_s, connection_fee_e8, change_class, deck_change, notice_until_ms,
  notice_violation, import_id, source_sheet, source_row ON rates
BEGIN SELECT RAISE(ABORT, 'rate versions are append-only: only a later import may supersede or end one'); END;
CREATE TRIGGER rates_supersede_once BEFORE UPDATE OF superseded_by_import_id ON rates
  WHEN OLD.superseded_by_import_id IS NOT NULL OR NEW.superseded_by_import_id IS NULL OR NEW.superseded_by_import_id <= OLD.import_id
BEGIN SELECT RAISE(ABORT, 'a rate version is superseded once, by a later import'); END;
CREATE TRIGGER carrier_settings_history_no_update BEFORE UPDATE ON carrier_settings_history BEGIN SELECT RAISE(ABORT, 'carrier settings history is append-only'); END;
CREATE TRIGGER carrier_settings_history_no_delete BEFORE DELETE ON carrier_settings_history BEGIN SELECT RAISE(ABORT, 'carrier settings history is append-only'); END;
-- A CDR import row is written when the import starts and its counts once at its end (report_json
-- '{}' until then), inside the same transaction; after that it is a record.
CREATE TRIGGER cdr_imports_fixed_columns BEFORE UPDATE OF id, carrier_id, source, format, file_name, file_bytes, timezone, mapping_json,
  imported_at_ms, imported_by ON cdr_imports
BEGIN SELECT RAISE(ABORT, 'CDR imports are append-only'); END;
CREATE TRIGGER cdr_imports_finished BEFORE UPDATE ON cdr_imports WHEN OLD.report_json <> '{}'
BEGIN SELECT RAISE(ABORT, 'CDR imports are append-only'); END;
CREATE TRIGGER cdr_imports_no_delete BEFORE DELETE ON cdr_imports BEGIN SELECT RAISE(ABORT, 'CDR imports are append-only'); END;
-- A call as recorded is a record; only its rating (buy_*, sell_*) and its legs are recomputed.
CREATE TRIGGER cdrs_fixed_columns BEFORE UPDATE OF id, carrier_id, source, import_id, start_ms, dedupe_key, call_id, calling, called,
  duration_ms, answered, ingress, egress, carrier_charge_e8 ON cdrs
BEGIN SELECT RAISE(ABORT, 'calls are append-only: only their rating is recomputed'); END;
CREATE TRIGGER cdrs_no_delete BEFORE DELETE ON cdrs BEGIN SELECT RAISE(ABORT, 'calls are append-only'); END;
`,
  },
  {
    id: 9,
    name: 'per-month totals of each leg (cdr_monthly), beside the per-day ones',
    sql: `
-- Summaries over whole UTC months (a month's invoice in UTC, a whole history) read one row per
-- rate and month instead of one per rate and day; the days of a partial month still come from
-- cdr_daily and the partial days at a period's edges from the calls. Kept by the same writers.
CREATE TABLE cdr_monthly (
  carrier_id INTEGER NOT NULL,
  side INTEGER NOT NULL,
  source INTEGER NOT NULL,
  month INTEGER NOT NULL,
  status INTEGER NOT NULL,
  reason INTEGER NOT NULL,
  rate_id INTEGER NOT NULL,
  calls INTEGER NOT NULL,
  answered INTEGER NOT NULL,
  duration_ms INTEGER NOT NULL,
  billed_s INTEGER NOT NULL,
  amount_e8 INTEGER NOT NULL,
  exact_x60 INTEGER NOT NULL,
  PRIMARY KEY (carrier_id, side, source, month, status, reason, rate_id)
) WITHOUT ROWID;
INSERT INTO cdr_monthly
  SELECT carrier_id, side, source, (CAST(strftime('%Y', day * 86400, 'unixepoch') AS INTEGER) - 1970) * 12 + CAST(strftime('%m', day * 86400, 'unixepoch') AS INTEGER) - 1,
    status, reason, rate_id, sum(calls), sum(answered), sum(duration_ms), sum(billed_s), sum(amount_e8), sum(exact_x60)
  FROM cdr_daily GROUP BY 1, 2, 3, 4, 5, 6, 7;
`,
  },
  {
    id: 10,
    name: 'leg indexes hold only the calls that have that leg',
    sql: `
-- A carrier's file, or a switch file whose calls have one known trunk, leaves the other leg empty:
-- those calls need no entry in that leg's index (one B-tree insert fewer per call on import). Every
-- query names the carrier (leg = ?), which implies NOT NULL, so the partial indexes serve it.
DROP INDEX cdrs_by_vendor;
DROP INDEX cdrs_by_customer;
CREATE INDEX cdrs_by_vendor ON cdrs (vendor_id, source, start_ms) WHERE vendor_id IS NOT NULL;
CREATE INDEX cdrs_by_customer ON cdrs (customer_id, source, start_ms) WHERE customer_id IS NOT NULL;
`,
  },
];

export const LATEST_SCHEMA = MIGRATIONS[MIGRATIONS.length - 1]!.id;
