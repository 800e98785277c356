import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';

/**
 * Wall-clock columns: a re-run at another instant writes other values there, and nothing else.
 * Everything else in the file (ids included) must come out the same.
 */
const CLOCK_COLUMNS = new Set(['imported_at_ms', 'changed_at_ms', 'updated_at_ms', 'applied_at_ms', 'run_at_ms']);
/** Tables up to this size are hashed row by row (exact); bigger ones by weighted sums computed inside SQLite. */
const EXACT_LIMIT = 50_000;

export interface TablePrint {
  rows: number;
  checksum: string;
}
export type Fingerprint = Record<string, TablePrint>;

function quote(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A WITHOUT ROWID table's row weight, from its primary key (integers by value, texts by length and first character). */
function keyWeight(pk: string[]): string {
  if (pk.length === 0) return '1';
  const part = (q: string) => `(CASE typeof(${q}) WHEN 'integer' THEN abs(${q} % 997) WHEN 'text' THEN length(${q}) * 31 + unicode(${q}) ELSE 0 END)`;
  return `((${pk.map(part).reduce((acc, p) => `((${acc}) * 131 + ${p}) % 997`)}) % 997 + 1)`;
}

/**
 * The content of every table of a workspace: a count and a checksum per table, clock columns left
 * out. Two workspaces with equal fingerprints hold the same rates, calls, imports and settings.
 */
export function fingerprintDb(db: Database.Database): Fingerprint {
  const tables = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string; sql: string }[];
  const out: Fingerprint = {};
  for (const t of tables) {
    const info = db.prepare(`PRAGMA table_info(${quote(t.name)})`).all() as { name: string; pk: number }[];
    const cols = info.filter((c) => !CLOCK_COLUMNS.has(c.name)).map((c) => c.name);
    const rowid = !/WITHOUT\s+ROWID/i.test(t.sql);
    const pk = info.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => quote(c.name));
    const order = rowid ? 'rowid' : (pk.length ? pk.join(', ') : cols.map(quote).join(', '));
    const rows = (db.prepare(`SELECT count(*) FROM ${quote(t.name)}`).pluck().get() as number);
    if (rows <= EXACT_LIMIT) {
      const hash = createHash('sha256');
      for (const r of db.prepare(`SELECT ${cols.map(quote).join(', ')} FROM ${quote(t.name)} ORDER BY ${order}`).raw().iterate() as Iterable<unknown[]>) {
        hash.update(JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
        hash.update('\n');
      }
      out[t.name] = { rows, checksum: hash.digest('hex').slice(0, 24) };
      continue;
    }
    // Each column: its values weighted by the row's id or primary key (so a value moved to another row shows), texts
    // by length and first/last character; bounded so SQLite's integer sum cannot overflow.
    const w = rowid ? '(rowid % 997 + 1)' : keyWeight(pk);
    const parts = cols.flatMap((c) => {
      const q = quote(c);
      return [
        `sum((CASE typeof(${q}) WHEN 'integer' THEN ${q} % 1000000007 WHEN 'real' THEN CAST(${q} * 1000 AS INTEGER) % 1000000007 WHEN 'null' THEN -7 ELSE 0 END) * ${w})`,
        `sum((CASE WHEN typeof(${q}) = 'text' THEN length(${q}) * 65537 + unicode(${q}) * 257 + coalesce(unicode(substr(${q}, -1)), 0) ELSE 0 END) * ${w})`,
      ];
    });
    const sums = db.prepare(`SELECT ${parts.join(', ')} FROM ${quote(t.name)}`).raw().get() as unknown[];
    out[t.name] = { rows, checksum: createHash('sha256').update(JSON.stringify(sums)).digest('hex').slice(0, 24) };
  }
  return out;
}

export function fingerprintFile(path: string): Fingerprint {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return fingerprintDb(db);
  } finally {
    db.close();
  }
}

/** `PRAGMA integrity_check` and `foreign_key_check` of a file (opened read-write so a leftover WAL is recovered first). */
export function checkDbFile(path: string): { integrity: string; foreignKeyViolations: number; fingerprint: Fingerprint } {
  const db = new Database(path, { fileMustExist: true });
  try {
    const integrity = (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check).join('; ');
    const foreignKeyViolations = (db.pragma('foreign_key_check') as unknown[]).length;
    return { integrity, foreignKeyViolations, fingerprint: fingerprintDb(db) };
  } finally {
    db.close();
  }
}

export function samePrint(a: Fingerprint, b: Fingerprint): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
