import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import {
  DECK_FIELDS, INPUT_ERROR_CODES, describeProblem,
  type Carrier, type DeckImportRecord, type DeckImportReport, type DeckInspectReport, type ErrorBody, type MethodName,
  type Problem, type RateLookup, type RatesExportReport, type Result, type CdrImportReport, type CdrImportRecord, type CdrSummary, type MarginReport,
  type RatingRunReport, type SideRatingCounts, INVOICE_FIELDS, type Invoice, type InvoiceDetail, type Reconciliation,
  type ReconciliationRecord, type DisputeSummary, type DisputeDetail,
} from '../core/api/index.ts';
import type { LcrExportReport, LcrWhatIf } from '../core/api/contract.ts';
import { dirname, join } from 'node:path';
import { defaultDbPath, resolveDbPath } from '../core/db/default-path.ts';
import { createEngine, type Engine } from '../core/engine.ts';
import type { ServedEngine } from './serve.ts';
import { streamLogger } from '../core/util/logger.ts';
import { table } from './format.ts';
import { settlementCall } from './settlement-commands.ts';

/** Exit codes are a contract: scripts of month-end runs test them. */
export const EXIT = { ok: 0, usage: 1, invalidInput: 2, failure: 3, cancelled: 130 } as const;

class UsageError extends Error {}

/** The CDR reader worker built beside this bundle (dist/cli.mjs → dist/cdr-import-worker.mjs), if any. */
function bundledWorker(): string | undefined {
  try {
    const path = join(dirname(fileURLToPath(import.meta.url)), 'cdr-import-worker.mjs');
    return existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

const HELP = `trunkline — wholesale voice rate decks, rating and settlement

Usage: trunkline [--db FILE] [--json] COMMAND ...

  carriers add NAME [--roles vendor,customer] [--currency USD] [--timezone UTC]
                    [--notice-increase 7] [--notice-new 7] [--notice-decrease 0] [--notice-closed 7]
                    [--rounding per-call|per-increment|per-line] [--decimals 6]
                    [--rounding-mode half-up|half-even|up|down] [--tech-prefixes P1,P2]
                    [--trunks NAME1,NAME2] [--lcr-preference 100] [--payment-terms-days 30]
                    [--dispute-threshold-absolute 10] [--dispute-threshold-percent 1]
  carriers list
  carriers show NAME
  carriers set NAME --FIELD VALUE ...   (the fields of 'carriers add', and --name NEW to rename)

  decks inspect FILE [--sheet NAME] [--header-row N] [--carrier NAME --side buy|sell]
  decks import FILE --carrier NAME --side buy|sell [--mode full|partial] [--received DATE]
                    [--effective DATE] [--sheet NAME] [--map COLUMN=FIELD ...] [--dry-run]
                    [--header-row N] [--first-row N] [--last-row N] [--date-order DMY|MDY]
                    [--default-increment A/B] [--no-template]
  decks list [--carrier NAME] [--side buy|sell]

  rates lookup --carrier NAME --side buy|sell --number DIGITS [--at INSTANT]
  rates export --carrier NAME --side buy|sell [--at INSTANT] --out FILE.csv|FILE.xlsx

  cdrs import FILE --carrier NAME --source own|carrier [--format auto|generic|asterisk|freeswitch|cgrates]
                   [--timezone TZ] [--map COLUMN=FIELD ...] [--skip-bad-rows] [--rejects FILE]
                   (--source own without --carrier: our switch's file, each call given to its customer
                    and vendor by its ingress and egress trunks; see carriers --trunks)
  cdrs list [--carrier NAME]
  cdrs margin [--customer NAME] [--vendor NAME] [--from INSTANT] [--to INSTANT]
                   (revenue, cost and margin per destination of our own calls, both legs rated)
  cdrs summary --carrier NAME --source own|carrier --side buy|sell [--from INSTANT] [--to INSTANT]
  cdrs export --carrier NAME --source own|carrier --side buy|sell [--from] [--to] --out FILE.csv|FILE.xlsx
  rate --carrier NAME --side buy|sell [--source own|carrier] [--from INSTANT] [--to INSTANT]

  invoices import FILE --carrier NAME [--number N] [--period YYYY-MM | --from --to] [--map column=field ...]
                   [--sheet NAME] [--header-row N] [--date-order DMY|MDY]
  invoices list [--carrier NAME] | show ID
  reconcile --carrier NAME (--period YYYY-MM | --from DATE --to DATE) [--invoice NUMBER]
            [--time-tolerance 2] [--duration-tolerance 1] [--out FILE.xlsx] [--json]
  reconcile show ID [--out FILE.xlsx] | list [--carrier NAME] | rerun ID
  disputes open --reconciliation ID [--all-proposed] [--item N ...] [--note TEXT]
  disputes open --carrier NAME --period YYYY-MM --cause CAUSE --amount AMOUNT [--destination D] [--calls N] [--minutes M] [--invoice N]
  disputes list [--carrier NAME] [--state STATE] [--min-age DAYS] [--min-amount AMOUNT] | show ID
  disputes set ID --state STATE [--agreed AMOUNT] [--note TEXT] [--credit-note REF]
  disputes export ID --out FILE.xlsx
  invoices issue --customer NAME --period YYYY-MM
                       our invoice for the period (frozen); again after a re-rate: a credit or debit note
  payments add --carrier NAME --amount X --currency C --date D --direction in|out [--ref R]
  payments list [--carrier NAME] [--period YYYY-MM]
  fx set --from EUR --to USD --rate R --date D
  fx list [--from C] [--to C]
  position --carrier NAME --period YYYY-MM   the net position: who pays whom, how much, by when
  statement --carrier NAME --period YYYY-MM --out FILE.xlsx [--no-evidence]
  ageing [--as-of YYYY-MM-DD]                open balances by age across carriers
  lcr [--at INSTANT] [--vendors A,B] [--customer NAME] [--depth N] [--no-loss]
      [--typical-duration 180] --out FILE.csv|FILE.xlsx [--format long|matrix|routing] [--json]
      [--rank-by rate|cost] [--since INSTANT] [--matrix-by destination|prefix]
      [--flag uncovered|unprofitable|single|changed]
                       the least-cost routing table at an instant (default now, UTC) over the vendors'
                       buy decks (default every vendor with one), with margins against a customer's
                       sell deck; long: one row per prefix and route; matrix: destination × vendor;
                       routing: each prefix followed by its vendors in order, for the switch
  lcr whatif --customer NAME|--carrier NAME --from INSTANT --to INSTANT [--vendors A,B] [--json]
                       our own calls' cost as routed against the cheapest route at each call's start
  workspace backup FILE    a consistent copy of the workspace (SQLite online backup)
  workspace restore FILE   replace the workspace's content with a backup (checked first; the
                           current content is backed up beside the workspace before)

  demo                 create (or open) a demo workspace from the bundled fixtures
  serve [--port 5178]  the app in a browser: serves it on http://127.0.0.1:PORT/ until Ctrl-C

Options:
  --db FILE            the workspace database (default: TRUNKLINE_DB, else the user-data folder)
  --json               print one JSON document on stdout
  --verbose            log progress and details on stderr
  -h, --help           this help;  --version  the version

Mapping fields for --map: ${DECK_FIELDS.join(', ')}.
Exit codes: 0 success, 1 usage error, 2 invalid input (nothing written), 3 other failure, 130 cancelled.`;

interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  env: NodeJS.ProcessEnv;
  isTTY: boolean;
}

const defaultIo: Io = {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
  env: process.env,
  isTTY: Boolean(process.stderr.isTTY),
};

type Options = NonNullable<ParseArgsConfig['options']>;

const CARRIER_OPTIONS: Options = {
  roles: { type: 'string' },
  currency: { type: 'string' },
  timezone: { type: 'string' },
  'notice-increase': { type: 'string' },
  'notice-new': { type: 'string' },
  'notice-decrease': { type: 'string' },
  'notice-closed': { type: 'string' },
  rounding: { type: 'string' },
  decimals: { type: 'string' },
  'rounding-mode': { type: 'string' },
  'tech-prefixes': { type: 'string' },
  trunks: { type: 'string' },
  'lcr-preference': { type: 'string' },
  'payment-terms-days': { type: 'string' },
  'dispute-threshold-absolute': { type: 'string' },
  'dispute-threshold-percent': { type: 'string' },
};

function parse(argv: string[], options: Options, positionals: number) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message.replace(/\. To specify.*$/s, ''));
  }
  if (parsed.positionals.length !== positionals) {
    throw new UsageError(parsed.positionals.length > positionals ? `unexpected argument "${parsed.positionals[positionals]}"` : 'missing argument');
  }
  return parsed as { values: Record<string, string | boolean | string[] | undefined>; positionals: string[] };
}

function str(values: Record<string, unknown>, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

function need(values: Record<string, unknown>, name: string): string {
  const v = str(values, name);
  if (v === undefined || v === '') throw new UsageError(`--${name} is required`);
  return v;
}

function int(values: Record<string, unknown>, name: string): number | undefined {
  const v = str(values, name);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new UsageError(`--${name} must be a whole number, not "${v}"`);
  return Number(v);
}

function roles(text: string | undefined): Carrier['roles'] | undefined {
  if (text === undefined) return undefined;
  const set = new Set(text.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean));
  if (set.has('both') || (set.has('vendor') && set.has('customer'))) return 'both';
  if (set.size === 1 && (set.has('vendor') || set.has('customer'))) return [...set][0] as 'vendor' | 'customer';
  throw new UsageError(`--roles must be vendor, customer or vendor,customer, not "${text}"`);
}

function carrierSettings(values: Record<string, unknown>) {
  const notice = {
    increaseDays: int(values, 'notice-increase'), newDays: int(values, 'notice-new'),
    decreaseDays: int(values, 'notice-decrease'), closedDays: int(values, 'notice-closed'),
  };
  const rounding = { level: str(values, 'rounding'), decimals: int(values, 'decimals'), mode: str(values, 'rounding-mode') };
  const prune = <T extends object>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
  const tech = str(values, 'tech-prefixes');
  const trunks = str(values, 'trunks');
  const threshold = { absolute: str(values, 'dispute-threshold-absolute'), percent: str(values, 'dispute-threshold-percent') };
  return prune({
    roles: roles(str(values, 'roles')),
    currency: str(values, 'currency'),
    timezone: str(values, 'timezone'),
    notice: Object.values(notice).some((v) => v !== undefined) ? prune(notice) : undefined,
    rounding: Object.values(rounding).some((v) => v !== undefined) ? prune(rounding) : undefined,
    techPrefixes: tech === undefined ? undefined : tech.split(',').map((s) => s.trim()).filter(Boolean),
    trunks: trunks === undefined ? undefined : trunks.split(',').map((s) => s.trim()).filter(Boolean),
    lcrPreference: int(values, 'lcr-preference'),
    paymentTermsDays: int(values, 'payment-terms-days'),
    disputeThreshold: Object.values(threshold).some((v) => v !== undefined) ? prune(threshold) : undefined,
  });
}

function mapArgs(list: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of (list as string[] | undefined) ?? []) {
    const eq = item.lastIndexOf('=');
    if (eq <= 0) throw new UsageError(`--map takes COLUMN=FIELD, not "${item}"`);
    const field = item.slice(eq + 1).trim();
    if (!(DECK_FIELDS as readonly string[]).includes(field)) throw new UsageError(`--map: "${field}" is not a field (fields: ${DECK_FIELDS.join(', ')})`);
    out[item.slice(0, eq).trim()] = field;
  }
  return out;
}

const RECONCILE_OPTIONS: Options = {
  carrier: { type: 'string' }, period: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, invoice: { type: 'string' },
  'time-tolerance': { type: 'string' }, 'duration-tolerance': { type: 'string' }, out: { type: 'string' },
};

function idArg(text: string | undefined): number {
  if (!text || !/^\d+$/.test(text) || Number(text) < 1) throw new UsageError(`"${text ?? ''}" is not an id (a whole number)`);
  return Number(text);
}

function seconds(values: Record<string, unknown>, name: string): number | undefined {
  const v = str(values, name);
  if (v === undefined) return undefined;
  if (!/^\d+(\.\d+)?$/.test(v)) throw new UsageError(`--${name} must be a number of seconds, not "${v}"`);
  return Number(v);
}

function invoiceMap(list: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of (list as string[] | undefined) ?? []) {
    const eq = item.lastIndexOf('=');
    if (eq <= 0) throw new UsageError(`--map takes COLUMN=FIELD, not "${item}"`);
    const field = item.slice(eq + 1).trim();
    if (!(INVOICE_FIELDS as readonly string[]).includes(field)) throw new UsageError(`--map: "${field}" is not an invoice field (fields: ${INVOICE_FIELDS.join(', ')})`);
    out[item.slice(0, eq).trim()] = field;
  }
  return out;
}

function showInvoice(i: InvoiceDetail): string {
  return [
    `Invoice #${i.id}: ${i.carrier} ${i.number}, period ${i.period}, ${i.currency}; total ${i.total} (${i.lineCount} lines)`,
    `  issued ${i.issuedOn ?? '—'}, due ${i.dueOn ?? '—'}; file ${i.fileName}`,
    table(['line', 'row', 'destination', 'prefix', 'calls', 'minutes', 'rate', 'amount'],
      i.lines.map((l) => [l.lineNo, l.row ?? '', l.destination ?? '', l.prefix ?? '', l.calls ?? '', l.minutes ?? '', l.rate ?? '', l.amount])),
    ...i.warnings.map((w) => `  warning: ${w}`),
  ].join('\n') + '\n';
}

function showReconciliation(r: Reconciliation): string {
  return [
    `Reconciliation #${r.id}: ${r.carrier} ${r.period} (${r.level} level${r.invoice ? `, invoice ${r.invoice}` : ''}), ${r.currency}`,
    `  invoice ${r.invoiceTotal}, expected ${r.expectedTotal}, variance ${r.variance}${r.variancePercent ? ` (${r.variancePercent} %)` : ''}`,
    `  classes: ${Object.entries(r.classes).map(([k, n]) => `${k} ${n}`).join(', ')}`,
    'causes:',
    indent(table(['cause', 'amount', 'calls'], [...r.causes.map((c) => [c.cause, c.amount, c.calls]), ['TOTAL', r.variance, '']])),
    'lines:',
    indent(table(['destination', 'invoice calls', 'own calls', 'invoice min', 'own min', 'invoice amount', 'own amount', 'variance', '%', 'dispute?'],
      r.lines.map((l) => [l.destination ?? l.prefix ?? '', l.invoiceCalls ?? '', l.ownCalls, l.invoiceMinutes ?? '', l.ownMinutes, l.invoiceAmount, l.ownAmount, l.amountVariance, l.amountVariancePercent ?? '', l.material ? 'yes' : '']))),
    `proposed for dispute: ${r.proposedDisputeAmount} (${r.items.filter((i) => i.proposed).length} items; thresholds ${r.threshold.absolute} and ${r.threshold.percent} %)`,
    ...r.warnings.map((w) => `  warning: ${w}`),
  ].join('\n') + '\n';
}

function showDispute(d: DisputeDetail): string {
  return [
    `Dispute #${d.id}: ${d.carrier} ${d.period}${d.invoice ? `, invoice ${d.invoice}` : ''} — ${d.state}`,
    `  claimed ${d.claimed} ${d.currency}${d.agreed !== null ? `, agreed ${d.agreed}` : ''}${d.creditNote ? `, credit note ${d.creditNote}` : ''}${d.ageDays !== null ? `; ${d.ageDays} days since submission` : ''}`,
    table(['line', 'cause', 'destination', 'calls', 'minutes', 'claimed', 'evidence'], d.lines.map((l) => [l.lineNo, l.cause, l.destination ?? '', l.calls, l.minutes, l.claimed, l.evidenceCount])),
    'history:',
    ...d.events.map((e) => `  ${e.at} ${e.actor}: ${e.fromState ?? '—'} → ${e.toState}${e.agreed ? ` (agreed ${e.agreed})` : ''}${e.creditNote ? ` [${e.creditNote}]` : ''}${e.note ? ` — ${e.note}` : ''}`),
    `next: ${d.next.join(', ') || '(closed)'}`,
  ].join('\n') + '\n';
}

function showSide(r: SideRatingCounts): string {
  const u = Object.entries(r.unrated).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ');
  return `  ${r.side}: ${r.rated} rated, ${r.free} free, ${Object.values(r.unrated).reduce((a, b) => a + b, 0)} unrated${u ? ` (${u})` : ''}; amount ${r.amount} ${r.currency}`;
}

function list(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  const names = text.split(',').map((n) => n.trim()).filter(Boolean);
  if (names.length === 0) throw new UsageError('--vendors takes names separated by commas');
  return names;
}

function showLcrExport(r: LcrExportReport): string {
  const c = r.counts;
  return [
    `Wrote ${r.rows} rows (${r.format}) to ${r.file}`,
    `  ${c.prefixes} prefixes at ${r.at} over ${r.vendors.length} vendor${r.vendors.length === 1 ? '' : 's'} (${r.vendors.map((v) => v.name).join(', ')}), ranked by ${r.rankBy}${r.rankBy === 'cost' ? ` of a ${r.typicalDuration} s call` : ''}, ${r.currency}`,
    `  ${r.customer ? `against ${r.customer}'s sell deck; ` : ''}uncovered ${c.uncovered}, no profitable route ${c.unprofitable}, single route ${c.single}${r.since ? `, changed since ${r.since} ${c.changed}` : ''}`,
  ].join('\n') + '\n';
}

function showWhatIf(r: LcrWhatIf): string {
  const t = r.totals;
  return [
    `What-if for ${r.customer ? `customer ${r.customer}` : `vendor ${r.carrier}`}, ${r.from} – ${r.to} (${r.currency}): own calls as routed vs the cheapest route at each call's start`,
    table(['destination', 'calls', 'billed min', 'as routed', 'cheapest', 'saving', '%', 'cheapest vendor'], [
      ...r.lines.map((l) => [l.destination, l.calls, l.minutes, l.actual, l.cheapest, l.saving, l.savingPercent ?? '', l.cheapestVendor ? `${l.cheapestVendor} (${l.cheapestVendorCalls})` : '']),
      ['TOTAL', t.calls, t.minutes, t.actual, t.cheapest, t.saving, t.savingPercent ?? '', `${t.alreadyCheapest} already cheapest`],
    ]),
    `not compared: ${r.notCompared.free} free, ${r.notCompared.unratedAsRouted} unrated as routed, ${r.notCompared.notRated} not rated`,
  ].join('\n') + '\n';
}

function showCarrier(c: Carrier): string {
  return [
    `name:             ${c.name}`,
    `roles:            ${c.roles}`,
    `currency:         ${c.currency}`,
    `timezone:         ${c.timezone}`,
    `notice (days):    increase ${c.notice.increaseDays}, new ${c.notice.newDays}, decrease ${c.notice.decreaseDays}, closed ${c.notice.closedDays}`,
    `rounding:         ${c.rounding.level}, ${c.rounding.decimals} decimals, ${c.rounding.mode}`,
    `tech prefixes:    ${c.techPrefixes.join(', ') || '(none)'}`,
    `trunks:           ${c.trunks.join(', ') || '(none)'}`,
    `LCR preference:   ${c.lcrPreference} (lower ranks first at equal rates)`,
    `dispute when:     variance ≥ ${c.disputeThreshold.absolute} ${c.currency} and ≥ ${c.disputeThreshold.percent} %`,
    `payment terms:    ${c.paymentTermsDays} days`,
    `settings version: ${c.settingsVersion} (updated ${c.updatedAt})`,
  ].join('\n') + '\n';
}

function showImport(r: DeckImportReport): string {
  const c = r.counts;
  const lines = [
    `${r.dryRun ? 'Dry run (nothing written): ' : `Import #${r.importId}: `}${r.file} → ${r.carrier} ${r.side} deck (${r.mode})`,
    `  ${r.rowsRead} rows, ${r.prefixes} prefixes, ${r.currency}; received ${r.receivedAt}${r.effectiveAt ? `, effective ${r.effectiveAt}` : ''}${r.closuresAt && r.mode === 'full' ? `, omitted codes closed at ${r.closuresAt}` : ''}`,
    `  new ${c.new}, increase ${c.increase}, decrease ${c.decrease}, unchanged ${c.unchanged}, closed ${c.closed}, blocked ${c.blocked}${r.revised ? `, revised ${r.revised}` : ''}`,
  ];
  if (r.noticeViolationCount > 0) {
    lines.push(`  ${r.noticeViolationCount} notice violation${r.noticeViolationCount === 1 ? '' : 's'}:`);
    lines.push(indent(table(['prefix', 'destination', 'change', 'effective', 'notice until', 'row'],
      r.noticeViolations.slice(0, 25).map((v) => [v.prefix, v.destination, v.changeClass, v.effectiveFrom, v.noticeUntil, v.row ?? '']))));
    if (r.noticeViolationCount > 25) lines.push(`    … and ${r.noticeViolationCount - 25} more (--json lists up to 1000)`);
  }
  if (r.disagreementCount > 0) {
    lines.push(`  ${r.disagreementCount} prefix${r.disagreementCount === 1 ? '' : 'es'} where the deck's own change column disagrees:`);
    lines.push(indent(table(['prefix', 'row', 'deck says', 'computed'], r.disagreements.slice(0, 25).map((d) => [d.prefix, d.row, d.deckSays, d.computed]))));
  }
  for (const w of r.warnings) lines.push(`  warning: ${w}`);
  return lines.join('\n') + '\n';
}

function indent(s: string): string {
  return s.split('\n').map((l) => `    ${l}`).join('\n');
}

function showError(e: ErrorBody): string {
  const lines = [`trunkline: ${e.message} [${e.code}]`];
  const problems = (e.details?.problems as Problem[] | undefined) ?? [];
  if (problems.length > 1) {
    for (const p of problems.slice(0, 50)) lines.push(`  ${describeProblem(p)}`);
    const total = (e.details?.problemCount as number | undefined) ?? problems.length;
    if (total > 50) lines.push(`  … and ${total - 50} more (--json lists up to 500)`);
  }
  return lines.join('\n') + '\n';
}

function version(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** Runs one command line; returns the exit code. */
export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  let json = false;
  let dbFlag: string | undefined;
  let verbose = false;
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--json') json = true;
    else if (a === '--verbose') verbose = true;
    else if (a === '--db') {
      dbFlag = argv[++i];
      if (!dbFlag) {
        io.err('trunkline: --db needs a file\n');
        return EXIT.usage;
      }
    } else if (a.startsWith('--db=')) dbFlag = a.slice(5);
    else rest.push(a);
  }
  if (rest.length === 0 || rest[0] === 'help' || rest.includes('--help') || rest.includes('-h')) {
    io.out(HELP + '\n');
    return rest.length === 0 ? EXIT.usage : EXIT.ok;
  }
  if (rest[0] === '--version') {
    io.out(version() + '\n');
    return EXIT.ok;
  }

  let engine: Engine | undefined;
  let cancel: (() => void) | undefined;
  const onSigint = () => cancel?.();
  try {
    const [group, verb, ...tail] = rest;
    const command = verb && !verb.startsWith('-') ? `${group} ${verb}` : group!;
    const args = command.includes(' ') ? tail : rest.slice(1);
    const call = buildCall(command, args);
    // The demo lives in its own file, clearly apart from real work, unless a database is named.
    const dbPath = call.demo && !dbFlag && !io.env.TRUNKLINE_DB ? join(dirname(defaultDbPath(io.env)), 'demo.db') : resolveDbPath(dbFlag, io.env);
    if (call.serve) {
      // The app shows its fatal screen for a workspace that cannot open: the server must still answer.
      let served: ServedEngine;
      try {
        served = engine = createEngine({ dbPath, log: streamLogger(io.err, verbose ? 'info' : 'warn'), importWorker: bundledWorker() });
      } catch (e) {
        const body = (e as { toBody?: () => ErrorBody }).toBody?.();
        if (!body) throw e;
        io.err(showError(body));
        served = refusingEngine(dbPath, body);
      }
      return await runServer(served, call.serve.port, io);
    }
    // One command, then the process ends: a CDR import may hold the workspace alone when no one else has it open.
    engine = createEngine({ dbPath, log: streamLogger(io.err, verbose ? 'info' : 'warn'), importWorker: bundledWorker(), writeAlone: true });
    if (call.demo) {
      const { seedDemo } = await import('./demo.ts');
      return await seedDemo(engine, io.out, json);
    }
    const jobId = call.long ? `cli-${process.pid}` : undefined;
    if (jobId) {
      const e = engine;
      cancel = () => void e.dispatch('jobs.cancel', { jobId });
      process.once('SIGINT', onSigint);
      if (io.isTTY && !json) {
        engine.on((ev) => {
          if (ev.type === 'job.progress' && ev.jobId === jobId) io.err(`\r${ev.phase} ${ev.done}${ev.total ? `/${ev.total}` : ''}      `);
        });
      }
    }
    const result = (await engine.dispatch(call.method, jobId ? { ...call.args, jobId } : call.args)) as Result<unknown>;
    if (jobId && io.isTTY && !json) io.err('\r\x1b[K');
    if (!result.ok) {
      if (json) io.out(JSON.stringify({ error: result.error }, null, 2) + '\n');
      else io.err(showError(result.error));
      if (result.error.code === 'JOB_CANCELLED') return EXIT.cancelled;
      return INPUT_ERROR_CODES.has(result.error.code) ? EXIT.invalidInput : EXIT.failure;
    }
    let data = result.data;
    if (call.out) {
      const x = await engine.dispatch('reconcile.export', { id: (data as Reconciliation).id, out: call.out, ...(jobId ? { jobId } : {}) });
      if (!x.ok) {
        if (json) io.out(JSON.stringify({ error: x.error }, null, 2) + '\n');
        else io.err(showError(x.error));
        return INPUT_ERROR_CODES.has(x.error.code) ? EXIT.invalidInput : EXIT.failure;
      }
      data = { ...(data as Reconciliation), export: x.data };
      if (!json) io.err(`Wrote ${x.data.file} (${x.data.sheets.join(', ')})\n`);
    }
    io.out(json ? JSON.stringify(data, null, 2) + '\n' : call.show(data as never));
    return EXIT.ok;
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`trunkline: ${e.message}\nRun 'trunkline --help' for usage.\n`);
      return EXIT.usage;
    }
    const body = (e as { toBody?: () => ErrorBody }).toBody?.();
    if (body) {
      if (json) io.out(JSON.stringify({ error: body }, null, 2) + '\n');
      else io.err(showError(body));
      return INPUT_ERROR_CODES.has(body.code) ? EXIT.invalidInput : EXIT.failure;
    }
    io.err(`trunkline: ${(e as Error).message}\n`);
    return EXIT.failure;
  } finally {
    process.off('SIGINT', onSigint);
    engine?.close();
  }
}

interface Call {
  /** After a successful call: export the reconciliation it answered to this XLSX too. */
  out?: string;
  method: MethodName;
  args: Record<string, unknown>;
  show: (data: never) => string;
  long?: boolean;
  demo?: boolean;
  serve?: { port: number };
}

/** Serves the app until SIGINT or SIGTERM; the engine closes after the server. */
async function runServer(engine: ServedEngine, port: number, io: Io): Promise<number> {
  const { serve } = await import('./serve.ts');
  const root = packageRoot();
  const server = await serve({ engine, rendererDir: join(root, 'dist', 'renderer'), port });
  io.out(`Trunkline is serving ${engine.dbPath}
  open ${server.url}
  (Ctrl-C to stop)
`);
  await new Promise<void>((resolveStop) => {
    const stop = () => resolveStop();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  return EXIT.ok;
}

/** An engine for a workspace that would not open: every call answers with why. */
function refusingEngine(dbPath: string, error: ErrorBody): ServedEngine {
  return { dbPath, dispatch: async () => ({ ok: false, error }) as never, on: () => () => {} };
}

/** The folder holding Trunkline's package.json, from the bundle (dist/) or the sources (cli/). */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

function buildCall(command: string, argv: string[]): Call {
  switch (command) {
    case 'carriers add': {
      const { values, positionals } = parse(argv, CARRIER_OPTIONS, 1);
      return { method: 'carriers.create', args: { name: positionals[0], settings: carrierSettings(values) }, show: (c: Carrier) => `Added carrier\n${showCarrier(c)}` };
    }
    case 'carriers list': {
      parse(argv, {}, 0);
      return {
        method: 'carriers.list', args: {},
        show: (list: Carrier[]) => (list.length === 0 ? 'No carriers yet: add one with `trunkline carriers add NAME`.\n'
          : table(['name', 'roles', 'currency', 'timezone', 'notice i/n/d/c', 'rounding'],
            list.map((c) => [c.name, c.roles, c.currency, c.timezone, `${c.notice.increaseDays}/${c.notice.newDays}/${c.notice.decreaseDays}/${c.notice.closedDays}`, `${c.rounding.level} ${c.rounding.decimals} ${c.rounding.mode}`])) + '\n'),
      };
    }
    case 'carriers show': {
      const { positionals } = parse(argv, {}, 1);
      return { method: 'carriers.get', args: { name: positionals[0] }, show: showCarrier };
    }
    case 'carriers set': {
      const { values, positionals } = parse(argv, { ...CARRIER_OPTIONS, name: { type: 'string' }, note: { type: 'string' } }, 1);
      const settings = carrierSettings(values);
      if (Object.keys(settings).length === 0 && !str(values, 'name')) throw new UsageError('carriers set: name at least one --FIELD VALUE to change');
      return {
        method: 'carriers.update',
        args: { name: positionals[0], settings, ...(str(values, 'name') ? { rename: str(values, 'name') } : {}), ...(str(values, 'note') ? { note: str(values, 'note') } : {}) },
        show: (c: Carrier) => `Updated carrier (settings version ${c.settingsVersion}; earlier results keep the version they used)\n${showCarrier(c)}`,
      };
    }
    case 'decks inspect': {
      const { values, positionals } = parse(argv, { sheet: { type: 'string' }, 'header-row': { type: 'string' }, carrier: { type: 'string' }, side: { type: 'string' } }, 1);
      return {
        method: 'decks.inspect',
        args: { file: positionals[0], sheet: str(values, 'sheet'), headerRow: int(values, 'header-row'), carrier: str(values, 'carrier'), side: str(values, 'side') },
        show: (r: DeckInspectReport) => [
          `${r.file}: ${r.format}${r.encoding ? `, ${r.encoding}` : ''}${r.delimiter ? `, delimiter "${r.delimiter === '\t' ? '\\t' : r.delimiter}"` : ''}`,
          `sheets: ${r.sheets.map((s) => `${s.name} (${s.rows} rows${s.hasHeader ? '' : ', no table'})`).join(', ')}`,
          `sheet "${r.sheet}": header row ${r.headerRow ?? 'not found'}, data rows ${r.firstRow ?? '?'}–${r.lastRow ?? '?'}`,
          `notes block: effective ${r.notes.effective ?? '—'}, currency ${r.notes.currency ?? '—'}, zone ${r.notes.zone ?? '—'}`,
          'columns:',
          indent(table(['column', 'header', 'field'], r.mapping.map((m) => [m.column, m.header, m.field ?? '(not used)']))),
          'first rows:',
          ...r.head.slice(0, 12).map((h) => `  ${String(h.row).padStart(5)}  ${h.cells.join(' | ')}`),
          'last rows:',
          ...r.tail.map((h) => `  ${String(h.row).padStart(5)}  ${h.cells.join(' | ')}`),
        ].join('\n') + '\n',
      };
    }
    case 'decks import': {
      const { values, positionals } = parse(argv, {
        carrier: { type: 'string' }, side: { type: 'string' }, mode: { type: 'string' }, received: { type: 'string' },
        effective: { type: 'string' }, sheet: { type: 'string' }, map: { type: 'string', multiple: true }, 'dry-run': { type: 'boolean' },
        'header-row': { type: 'string' }, 'first-row': { type: 'string' }, 'last-row': { type: 'string' }, 'date-order': { type: 'string' },
        'default-increment': { type: 'string' }, 'no-template': { type: 'boolean' },
      }, 1);
      const dateOrder = str(values, 'date-order')?.toUpperCase();
      return {
        method: 'decks.import',
        long: true,
        args: {
          file: positionals[0], carrier: need(values, 'carrier'), side: need(values, 'side'), mode: str(values, 'mode') ?? 'full',
          received: str(values, 'received'), effective: str(values, 'effective'), sheet: str(values, 'sheet'), map: mapArgs(values.map),
          dryRun: values['dry-run'] === true, headerRow: int(values, 'header-row'), firstRow: int(values, 'first-row'),
          lastRow: int(values, 'last-row'), dateOrder, defaultIncrement: str(values, 'default-increment'),
          saveTemplate: values['no-template'] !== true,
        },
        show: showImport,
      };
    }
    case 'decks list': {
      const { values } = parse(argv, { carrier: { type: 'string' }, side: { type: 'string' } }, 0);
      return {
        method: 'decks.list', args: { carrier: str(values, 'carrier'), side: str(values, 'side') },
        show: (list: DeckImportRecord[]) => (list.length === 0 ? 'No deck imports yet.\n'
          : table(['id', 'carrier', 'side', 'mode', 'file', 'rows', 'new', 'inc', 'dec', 'same', 'closed', 'blocked', 'notice!', 'effective', 'imported', 'by'],
            list.map((d) => [d.id, d.carrier, d.side, d.mode, d.fileName, d.rowsRead, d.counts.new, d.counts.increase, d.counts.decrease, d.counts.unchanged,
              d.counts.closed, d.counts.blocked, d.noticeViolations, d.effectiveAt ?? '', d.importedAt, d.importedBy])) + '\n'),
      };
    }
    case 'rates lookup': {
      const { values } = parse(argv, { carrier: { type: 'string' }, side: { type: 'string' }, number: { type: 'string' }, at: { type: 'string' } }, 0);
      return {
        method: 'rates.lookup',
        args: { carrier: need(values, 'carrier'), side: need(values, 'side'), number: need(values, 'number'), at: str(values, 'at') },
        show: (r: RateLookup) => [
          `${r.number} → ${r.normalised} matches ${r.prefix} ${r.destination}`,
          `  rate ${r.rate} ${r.currency}/min, ${r.firstIncrement}/${r.nextIncrement}${r.minDuration ? `, minimum ${r.minDuration}s` : ''}${r.grace ? `, grace ${r.grace}s` : ''}${r.connectionFee !== '0.0000' ? `, connection fee ${r.connectionFee}` : ''}`,
          `  in force from ${r.effectiveFrom}${r.effectiveTo ? ` until ${r.effectiveTo}` : ''} (rate #${r.rateId}, import #${r.importId})`,
        ].join('\n') + '\n',
      };
    }
    case 'rates export': {
      const { values } = parse(argv, { carrier: { type: 'string' }, side: { type: 'string' }, at: { type: 'string' }, out: { type: 'string' } }, 0);
      return {
        method: 'rates.export', long: true,
        args: { carrier: need(values, 'carrier'), side: need(values, 'side'), at: str(values, 'at'), out: need(values, 'out') },
        show: (r: RatesExportReport) => `Wrote ${r.rows} rates in force at ${r.at} to ${r.file}\n`,
      };
    }
    case 'cdrs margin': {
      const { values } = parse(argv, { customer: { type: 'string' }, vendor: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' } }, 0);
      return {
        method: 'cdrs.margin',
        args: { customer: str(values, 'customer'), vendor: str(values, 'vendor'), from: str(values, 'from'), to: str(values, 'to') },
        show: (r: MarginReport) => [
          `Margin of our own calls${r.customer ? ` from ${r.customer}` : ''}${r.vendor ? ` to ${r.vendor}` : ''}${r.from || r.to ? ` (${r.from ?? '…'} to ${r.to ?? '…'})` : ''}`,
          table(['destination', 'calls', 'sold min', 'bought min', 'revenue', 'cost', 'margin', 'margin %', 'cur.'],
            r.lines.map((l) => [l.destination, l.calls, l.soldMinutes, l.boughtMinutes, l.revenue, l.cost, l.margin ?? '—', l.marginPercent ?? '—',
              l.revenueCurrency === l.costCurrency ? l.revenueCurrency : `${l.revenueCurrency}/${l.costCurrency}`])),
          ...r.totals.map((t) => `total ${t.revenueCurrency === t.costCurrency ? t.revenueCurrency : `${t.revenueCurrency}/${t.costCurrency}`}: ${t.calls} calls, revenue ${t.revenue}, cost ${t.cost}, margin ${t.margin ?? '—'}${t.marginPercent ? ` (${t.marginPercent} %)` : ''}`),
          ...r.excluded.map((x) => `  left out: ${x.calls} call${x.calls === 1 ? '' : 's'}, ${x.reason}`),
        ].join('\n') + '\n',
      };
    }
    case 'cdrs import': {
      const { values, positionals } = parse(argv, {
        carrier: { type: 'string' }, source: { type: 'string' }, format: { type: 'string' }, timezone: { type: 'string' },
        map: { type: 'string', multiple: true }, 'skip-bad-rows': { type: 'boolean' }, rejects: { type: 'string' },
      }, 1);
      const map: Record<string, string> = {};
      for (const item of (values.map as string[] | undefined) ?? []) {
        const eq = item.lastIndexOf('=');
        if (eq <= 0) throw new UsageError(`--map takes COLUMN=FIELD, not "${item}"`);
        map[item.slice(0, eq).trim()] = item.slice(eq + 1).trim();
      }
      return {
        method: 'cdrs.import', long: true,
        args: {
          file: positionals[0], carrier: str(values, 'carrier'), source: need(values, 'source'), format: str(values, 'format') ?? 'auto',
          timezone: str(values, 'timezone'), map, skipBadRows: values['skip-bad-rows'] === true, rejectsFile: str(values, 'rejects'),
        },
        show: (r: CdrImportReport) => [
          `CDR import #${r.importId}: ${r.file} → ${r.carrier ?? 'every carrier its trunks name'} (${r.source}, ${r.format}, times in ${r.timezone})`,
          `  ${r.rowsRead} rows: ${r.imported} imported, ${r.duplicates} already stored, ${r.rejected} rejected${r.rejectsFile ? ` (see ${r.rejectsFile})` : ''}`,
          ...(r.firstStart ? [`  calls from ${r.firstStart} to ${r.lastStart}`] : []),
          ...r.rating.map(showSide),
          ...r.warnings.map((w) => `  warning: ${w}`),
        ].join('\n') + '\n',
      };
    }
    case 'cdrs list': {
      const { values } = parse(argv, { carrier: { type: 'string' } }, 0);
      return {
        method: 'cdrs.list', args: { carrier: str(values, 'carrier') },
        show: (list: CdrImportRecord[]) => (list.length === 0 ? 'No CDR imports yet.\n'
          : table(['id', 'carrier', 'source', 'format', 'file', 'rows', 'imported', 'dupes', 'rejected', 'first call', 'last call', 'imported at'],
            list.map((d) => [d.id, d.carrier, d.source, d.format, d.fileName, d.rowsRead, d.imported, d.duplicates, d.rejected, d.firstStart ?? '', d.lastStart ?? '', d.importedAt])) + '\n'),
      };
    }
    case 'cdrs summary': {
      const { values } = parse(argv, { carrier: { type: 'string' }, source: { type: 'string' }, side: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' } }, 0);
      return {
        method: 'cdrs.summary',
        args: { carrier: need(values, 'carrier'), source: need(values, 'source'), side: need(values, 'side'), from: str(values, 'from'), to: str(values, 'to') },
        show: (r: CdrSummary) => [
          `${r.carrier} ${r.source} CDRs on the ${r.side} side, ${r.from ?? 'start'} – ${r.to ?? 'end'} (${r.currency})`,
          table(['destination', 'calls', 'minutes', 'billed minutes', 'amount'], [
            ...r.lines.map((l) => [l.destination, l.calls, l.minutes, l.billedMinutes, l.amount]),
            ['TOTAL', r.totals.calls, r.totals.minutes, r.totals.billedMinutes, r.totals.amount],
          ]),
          ...r.unrated.map((u) => `unrated (${u.reason}): ${u.calls} calls, ${u.minutes} minutes`),
        ].join('\n') + '\n',
      };
    }
    case 'cdrs export': {
      const { values } = parse(argv, { carrier: { type: 'string' }, source: { type: 'string' }, side: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, out: { type: 'string' } }, 0);
      return {
        method: 'cdrs.export', long: true,
        args: { carrier: need(values, 'carrier'), source: need(values, 'source'), side: need(values, 'side'), from: str(values, 'from'), to: str(values, 'to'), out: need(values, 'out') },
        show: (r: { file: string; rows: number }) => `Wrote ${r.rows} calls to ${r.file}\n`,
      };
    }
    case 'rate': {
      const { values } = parse(argv, { carrier: { type: 'string' }, side: { type: 'string' }, source: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' } }, 0);
      return {
        method: 'rating.run', long: true,
        args: { carrier: need(values, 'carrier'), side: need(values, 'side'), source: str(values, 'source'), from: str(values, 'from'), to: str(values, 'to') },
        show: (r: RatingRunReport) => `Rated ${r.calls} calls of ${r.carrier}: ${r.changed} changed, ${r.unchanged} as they were\n${showSide(r)}\n`,
      };
    }
    case 'invoices import': {
      const { values, positionals } = parse(argv, {
        carrier: { type: 'string' }, number: { type: 'string' }, period: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' },
        map: { type: 'string', multiple: true }, sheet: { type: 'string' }, 'header-row': { type: 'string' }, 'date-order': { type: 'string' },
      }, 1);
      if (str(values, 'period') && (str(values, 'from') || str(values, 'to'))) throw new UsageError('give --period or --from/--to, not both');
      return {
        method: 'invoices.import', long: true,
        args: {
          file: positionals[0], carrier: need(values, 'carrier'), number: str(values, 'number'), period: str(values, 'period'), from: str(values, 'from'),
          to: str(values, 'to'), map: invoiceMap(values.map), sheet: str(values, 'sheet'), headerRow: int(values, 'header-row'), dateOrder: str(values, 'date-order')?.toUpperCase(),
        },
        show: showInvoice,
      };
    }
    case 'invoices list': {
      const { values } = parse(argv, { carrier: { type: 'string' } }, 0);
      return {
        method: 'invoices.list', args: { carrier: str(values, 'carrier') },
        show: (list: Invoice[]) => (list.length === 0 ? 'No invoices yet.\n'
          : table(['id', 'carrier', 'number', 'period', 'currency', 'total', 'lines', 'issued', 'due', 'file'],
            list.map((i) => [i.id, i.carrier, i.number, i.period, i.currency, i.total, i.lineCount, i.issuedOn ?? '', i.dueOn ?? '', i.fileName])) + '\n'),
      };
    }
    case 'invoices show': {
      const { positionals } = parse(argv, {}, 1);
      return { method: 'invoices.get', args: { id: idArg(positionals[0]) }, show: showInvoice };
    }
    case 'reconcile': {
      const { values } = parse(argv, RECONCILE_OPTIONS, 0);
      const period = str(values, 'period');
      if (!period && !(str(values, 'from') && str(values, 'to'))) throw new UsageError('reconcile needs --period YYYY-MM or --from DATE --to DATE');
      if (period && (str(values, 'from') || str(values, 'to'))) throw new UsageError('give --period or --from/--to, not both');
      return {
        method: 'reconcile.run', long: true,
        args: {
          carrier: need(values, 'carrier'), period, from: str(values, 'from'), to: str(values, 'to'), invoice: str(values, 'invoice'),
          timeTolerance: seconds(values, 'time-tolerance') ?? 2, durationTolerance: seconds(values, 'duration-tolerance') ?? 1,
        },
        out: str(values, 'out'),
        show: showReconciliation,
      };
    }
    case 'reconcile show': {
      const { values, positionals } = parse(argv, { out: { type: 'string' } }, 1);
      return { method: 'reconcile.get', args: { id: idArg(positionals[0]) }, out: str(values, 'out'), show: showReconciliation };
    }
    case 'reconcile rerun': {
      const { values, positionals } = parse(argv, { out: { type: 'string' } }, 1);
      return { method: 'reconcile.run', long: true, args: { rerun: idArg(positionals[0]) }, out: str(values, 'out'), show: showReconciliation };
    }
    case 'reconcile list': {
      const { values } = parse(argv, { carrier: { type: 'string' } }, 0);
      return {
        method: 'reconcile.list', args: { carrier: str(values, 'carrier') },
        show: (list: ReconciliationRecord[]) => (list.length === 0 ? 'No reconciliations yet.\n'
          : table(['id', 'carrier', 'period', 'invoice', 'level', 'invoice total', 'expected', 'variance', 'proposed', 'run at'],
            list.map((r) => [r.id, r.carrier, r.period, r.invoice ?? '', r.level, r.invoiceTotal, r.expectedTotal, r.variance, r.proposedDisputeAmount, r.runAt])) + '\n'),
      };
    }
    case 'disputes open': {
      const { values } = parse(argv, {
        reconciliation: { type: 'string' }, 'all-proposed': { type: 'boolean' }, item: { type: 'string', multiple: true }, note: { type: 'string' },
        carrier: { type: 'string' }, period: { type: 'string' }, invoice: { type: 'string' }, cause: { type: 'string' }, destination: { type: 'string' },
        calls: { type: 'string' }, minutes: { type: 'string' }, amount: { type: 'string' },
      }, 0);
      const note = str(values, 'note');
      if (str(values, 'reconciliation')) {
        const items = ((values.item as string[] | undefined) ?? []).map(idArg);
        if (values['all-proposed'] !== true && items.length === 0) throw new UsageError('disputes open --reconciliation ID: add --all-proposed, or choose lines with --item N');
        return {
          method: 'disputes.open',
          args: { reconciliation: idArg(str(values, 'reconciliation')), allProposed: values['all-proposed'] === true, ...(items.length ? { items } : {}), ...(note ? { note } : {}) },
          show: showDispute,
        };
      }
      return {
        method: 'disputes.open',
        args: {
          carrier: need(values, 'carrier'), period: need(values, 'period'), invoice: str(values, 'invoice'), ...(note ? { note } : {}),
          lines: [{ cause: need(values, 'cause'), destination: str(values, 'destination'), calls: int(values, 'calls') ?? 0, minutes: str(values, 'minutes') ?? '0', amount: need(values, 'amount') }],
        },
        show: showDispute,
      };
    }
    case 'disputes list': {
      const { values } = parse(argv, { carrier: { type: 'string' }, state: { type: 'string' }, 'min-age': { type: 'string' }, 'min-amount': { type: 'string' } }, 0);
      return {
        method: 'disputes.list',
        args: { carrier: str(values, 'carrier'), state: str(values, 'state'), minAgeDays: int(values, 'min-age'), minAmount: str(values, 'min-amount') },
        show: (list: DisputeSummary[]) => (list.length === 0 ? 'No disputes.\n'
          : table(['id', 'carrier', 'period', 'invoice', 'state', 'claimed', 'agreed', 'age (days)', 'credit note', 'lines'],
            list.map((d) => [d.id, d.carrier, d.period, d.invoice ?? '', d.state, `${d.claimed} ${d.currency}`, d.agreed ?? '', d.ageDays ?? '', d.creditNote ?? '', d.lineCount])) + '\n'),
      };
    }
    case 'disputes show': {
      const { positionals } = parse(argv, {}, 1);
      return { method: 'disputes.get', args: { id: idArg(positionals[0]) }, show: showDispute };
    }
    case 'disputes set': {
      const { values, positionals } = parse(argv, { state: { type: 'string' }, agreed: { type: 'string' }, note: { type: 'string' }, 'credit-note': { type: 'string' } }, 1);
      return {
        method: 'disputes.set',
        args: { id: idArg(positionals[0]), state: need(values, 'state'), agreed: str(values, 'agreed'), note: str(values, 'note'), creditNote: str(values, 'credit-note') },
        show: showDispute,
      };
    }
    case 'disputes export': {
      const { values, positionals } = parse(argv, { out: { type: 'string' } }, 1);
      return {
        method: 'disputes.export', long: true, args: { id: idArg(positionals[0]), out: need(values, 'out') },
        show: (r: { file: string; lines: number; evidence: number }) => `Wrote the dispute package (${r.lines} lines, ${r.evidence} CDRs of evidence) to ${r.file}\n`,
      };
    }
    case 'invoices issue':
    case 'payments add':
    case 'payments list':
    case 'fx set':
    case 'fx list':
    case 'position':
    case 'statement':
    case 'ageing': {
      const c = settlementCall(command, argv, { parse, str, need, usage: (m) => new UsageError(m) });
      return c as Call;
    }
    case 'lcr': {
      const { values } = parse(argv, {
        at: { type: 'string' }, vendors: { type: 'string' }, customer: { type: 'string' }, depth: { type: 'string' }, 'no-loss': { type: 'boolean' },
        'typical-duration': { type: 'string' }, out: { type: 'string' }, format: { type: 'string' }, 'rank-by': { type: 'string' },
        since: { type: 'string' }, 'matrix-by': { type: 'string' }, flag: { type: 'string' },
      }, 0);
      return {
        method: 'lcr.export', long: true,
        args: {
          at: str(values, 'at'), vendors: list(str(values, 'vendors')), customer: str(values, 'customer'), depth: int(values, 'depth'),
          noLoss: values['no-loss'] === true, typicalDuration: int(values, 'typical-duration'), out: need(values, 'out'),
          format: str(values, 'format'), rankBy: str(values, 'rank-by'), since: str(values, 'since'), matrixBy: str(values, 'matrix-by'), flag: str(values, 'flag'),
        },
        show: showLcrExport,
      };
    }
    case 'lcr whatif': {
      const { values } = parse(argv, { customer: { type: 'string' }, carrier: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, vendors: { type: 'string' } }, 0);
      if (!str(values, 'customer') === !str(values, 'carrier')) throw new UsageError('lcr whatif: name either --customer NAME or --carrier NAME');
      return {
        method: 'lcr.whatif', long: true,
        args: { customer: str(values, 'customer'), carrier: str(values, 'carrier'), from: need(values, 'from'), to: need(values, 'to'), vendors: list(str(values, 'vendors')) },
        show: showWhatIf,
      };
    }
    case 'workspace backup': {
      const { positionals } = parse(argv, {}, 1);
      return { method: 'workspace.backup', args: { out: positionals[0] }, show: (r: { file: string; bytes: number }) => `Backed up the workspace to ${r.file} (${r.bytes} bytes)\n` };
    }
    case 'workspace restore': {
      const { positionals } = parse(argv, {}, 1);
      return {
        method: 'workspace.restore', args: { file: positionals[0] },
        show: (r: { restored: string; backup: string; schemaVersion: number }) => `Restored the workspace from ${r.restored} (schema ${r.schemaVersion}); its previous content is in ${r.backup}\n`,
      };
    }
    case 'demo':
      parse(argv, {}, 0);
      return { method: 'workspace.info', args: {}, show: () => '', demo: true };
    case 'serve': {
      const { values } = parse(argv, { port: { type: 'string' } }, 0);
      const port = int(values, 'port') ?? 5178;
      if (port > 65535) throw new UsageError(`--port ${port} is not a port`);
      return { method: 'workspace.info', args: {}, show: () => '', serve: { port } };
    }
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}
