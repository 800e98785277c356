import { basename } from 'node:path';
import type { DeckImportReport, ParsedArgs } from '../api/contract.ts';
import { TrunklineError, problemsError, type Problem } from '../api/errors.ts';
import { requireCarrier } from '../carriers/handlers.ts';
import type { EngineContext } from '../context.ts';
import type { JobContext } from '../jobs/jobs.ts';
import { isValidZone, isoInstant, parseDateText, parseInstant, wallToInstant, type DateOrder } from '../time/parse-date.ts';
import { hashFile } from '../util/hash-file.ts';
import { parseIncrement } from './parse-terms.ts';
import { planImport, type ResolvedRow } from './plan-import.ts';
import { readDeck, type DateCellRef, type DeckRow } from './read-deck.ts';

const MAX_PROBLEMS_SHOWN = 500;

function failWithProblems(file: string, problems: Problem[], total: number): never {
  throw problemsError(file, problems, total);
}

/**
 * Dates in a day/month/year column are read one way for the whole file: the order comes from the
 * user or the carrier's template, else from a date that can only be read one way; with neither,
 * an ambiguous date is an error that names it.
 */
function resolveDateOrder(rows: DeckRow[], given: DateOrder | undefined, file: string, xlsx: boolean, problems: Problem[], warnings: string[]): DateOrder | undefined {
  if (given) return given;
  const evidence = new Map<DateOrder, { ref: DateCellRef; row: DeckRow }>();
  for (const r of rows) {
    for (const ref of [r.fromRef, r.toRef]) {
      if (ref?.parse.kind === 'ok' && ref.parse.order && !evidence.has(ref.parse.order)) evidence.set(ref.parse.order, { ref, row: r });
    }
  }
  const dmy = evidence.get('DMY');
  const mdy = evidence.get('MDY');
  if (dmy && mdy) {
    problems.push({
      file, ...(xlsx ? { sheet: mdy.row.sheet } : {}), row: mdy.row.row, column: mdy.ref.column, value: mdy.ref.text,
      message: `dates mix day-first and month-first orders (row ${dmy.row.row} "${dmy.ref.text}" is day-first)`,
    });
    return undefined;
  }
  const found = dmy ?? mdy;
  if (!found) return undefined;
  const order: DateOrder = dmy ? 'DMY' : 'MDY';
  if (rows.some((r) => r.fromRef?.parse.kind === 'ambiguous' || r.toRef?.parse.kind === 'ambiguous')) {
    warnings.push(`dates such as 03/04 were read ${order === 'DMY' ? 'day-first' : 'month-first'}, as row ${found.row.row} ("${found.ref.text}") can only be read that way; set --date-order to fix it otherwise`);
  }
  return order;
}

/** The most common effective instant at or after `since` (the later one on a tie), or null. */
function mostCommon(rows: ResolvedRow[], since: number): number | null {
  const tally = new Map<number, number>();
  for (const r of rows) if (r.from >= since) tally.set(r.from, (tally.get(r.from) ?? 0) + 1);
  let best: number | null = null;
  let bestCount = 0;
  for (const [at, n] of tally) {
    if (n > bestCount || (n === bestCount && best !== null && at > best)) {
      best = at;
      bestCount = n;
    }
  }
  return best;
}

export async function importDeck(ctx: EngineContext, args: ParsedArgs<'decks.import'>, job: JobContext): Promise<DeckImportReport> {
  const carrier = requireCarrier(ctx, args.carrier);
  const file = args.fileName ?? basename(args.file);
  const template = ctx.decks.template(carrier.id, args.side);
  let defaultIncrement;
  if (args.defaultIncrement) {
    const p = parseIncrement(args.defaultIncrement);
    if ('error' in p) throw new TrunklineError('INVALID_ARGUMENTS', `--default-increment: ${p.error}`);
    defaultIncrement = p;
  }
  job.progress('reading', 0);
  const read = await readDeck({
    path: args.file, label: file, sheet: args.sheet, headerRow: args.headerRow, firstRow: args.firstRow, lastRow: args.lastRow,
    template: template?.mapping, overrides: args.map, dateOrder: args.dateOrder ?? template?.dateOrder ?? undefined,
    defaultIncrement, signal: job.signal, onRows: (n) => job.progress('reading', n),
  });
  const { sha256, bytes } = await hashFile(args.file);
  const problems = [...read.problems];
  let problemCount = read.problemCount;
  const warnings = [...read.warnings];

  // Instants: a zone the deck states (a cell, the notes block, a header) beats the carrier's.
  const zone = read.notes.zone ?? read.columnZone ?? carrier.timezone;
  if (!isValidZone(zone)) {
    throw new TrunklineError('DECK_PARSE_ERROR', `${file}: the deck states its times are in "${zone}", which is not a time zone (IANA names such as Europe/London); nothing was written`, { file, value: zone });
  }
  const order = resolveDateOrder(read.rows, args.dateOrder ?? template?.dateOrder ?? undefined, file, read.format === 'xlsx', problems, warnings);
  let fileEffective: number | null = null;
  if (args.effective) {
    const p = parseInstant(args.effective, zone, order);
    if (!p.ok) throw new TrunklineError('INVALID_ARGUMENTS', `--effective "${args.effective}": ${p.reason}`);
    fileEffective = p.ms;
  } else if (read.notes.effective) {
    fileEffective = wallToInstant(read.notes.effective, zone);
  }
  let receivedAt = ctx.clock();
  if (args.received) {
    const p = parseInstant(args.received, carrier.timezone, order);
    if (!p.ok) throw new TrunklineError('INVALID_ARGUMENTS', `--received "${args.received}": ${p.reason}`);
    receivedAt = p.ms;
  }

  const instant = (ref: DateCellRef | null, r: DeckRow): number | null | undefined => {
    if (!ref) return null;
    if (ref.ms !== undefined) return ref.ms ?? undefined;
    let parse = ref.parse;
    if (parse.kind === 'ambiguous') {
      if (!order) {
        problemCount++;
        if (problems.length < MAX_PROBLEMS_SHOWN) {
          problems.push({
            file, ...(read.format === 'xlsx' ? { sheet: r.sheet } : {}), row: r.row, column: ref.column, value: ref.text,
            message: 'the date is ambiguous: day and month could be either way; set the order with --date-order DMY or MDY (it is then kept in the carrier\'s template)',
          });
        }
        return undefined;
      }
      parse = parseDateText(ref.text, order);
    }
    ref.ms = parse.kind === 'ok' ? wallToInstant(parse.wall, zone) : null;
    return ref.ms ?? undefined;
  };

  // Rows are resolved in place: a 300k-row deck is not copied.
  const resolved: ResolvedRow[] = read.rows;
  let kept = 0;
  let undated = 0;
  let firstUndated: DeckRow | undefined;
  for (const r of read.rows) {
    const from = instant(r.fromRef, r);
    const to = instant(r.toRef, r);
    if (from === undefined || to === undefined) continue;
    const effective = from ?? fileEffective;
    if (effective === null) {
      undated++;
      firstUndated ??= r;
      continue;
    }
    r.from = effective;
    r.to = to;
    if (read.format !== 'xlsx') r.sheet = '';
    resolved[kept++] = r;
  }
  resolved.length = kept;
  if (undated > 0 && firstUndated) {
    throw new TrunklineError(
      'DECK_NO_EFFECTIVE_DATE',
      `${file}: ${undated} row${undated === 1 ? ' has' : 's have'} no effective date (first: row ${firstUndated.row}), and the file states none; give one with --effective DATE`,
      { file, row: firstUndated.row, sheet: firstUndated.sheet, rows: undated },
    );
  }
  if (problems.length > 0) failWithProblems(file, problems, problemCount);
  const currency = read.currency ?? carrier.currency;
  if (currency !== carrier.currency) warnings.push(`the deck is in ${currency} and ${carrier.name} settles in ${carrier.currency}; rates are kept in ${currency}`);

  // A full deck closes what it omits at its own date: the stated one, else the date most of its
  // rows that take effect after it was received carry (unchanged rows often keep their old dates).
  let closuresAt: number | null = null;
  if (args.mode === 'full') {
    if (fileEffective !== null) closuresAt = fileEffective;
    else {
      closuresAt = mostCommon(resolved, receivedAt) ?? mostCommon(resolved, Number.MIN_SAFE_INTEGER);
      if (closuresAt !== null) {
        warnings.push(`the file states no effective date; codes it omits are closed at ${isoInstant(closuresAt)}, the date most of its rows dated after its receipt carry (choose another with --effective)`);
      }
    }
  }

  if (job.signal.aborted) throw new TrunklineError('JOB_CANCELLED', 'the import was cancelled; nothing was written');
  job.progress('classifying', 0, resolved.length);
  let earliest = closuresAt ?? Number.MAX_SAFE_INTEGER;
  for (const r of resolved) if (r.from < earliest) earliest = r.from;
  const existing = ctx.rates.currentVersions(carrier.id, args.side, earliest);
  const plan = planImport({
    existing, rows: resolved, mode: args.mode, closuresAt, receivedAt, notice: carrier.notice, zone: carrier.timezone, file,
    destinationOf: (id) => ctx.rates.destinationOf(id), baseline: !ctx.decks.hasImports(carrier.id, args.side),
    codeColumn: (sheet) => read.codeColumns.get(sheet || read.sheets[0]!.name) ?? 'code',
  });
  if (plan.problems.length > 0) failWithProblems(file, plan.problems, plan.problems.length);
  warnings.push(...plan.warnings);

  const report: DeckImportReport = {
    importId: null, dryRun: args.dryRun, carrier: carrier.name, side: args.side, mode: args.mode, file, sha256, bytes,
    sheets: read.sheets, mapping: read.mapping, currency, receivedAt: isoInstant(receivedAt),
    effectiveAt: fileEffective === null ? null : isoInstant(fileEffective),
    closuresAt: closuresAt === null ? null : isoInstant(closuresAt),
    rowsRead: read.rowsRead, prefixes: plan.prefixes, counts: plan.counts, revised: plan.revised,
    noticeViolationCount: plan.violationCount, noticeViolations: plan.violations,
    disagreementCount: plan.disagreementCount, disagreements: plan.disagreements,
    warnings: warnings.slice(0, 200),
  };
  if (args.dryRun) return report;
  if (job.signal.aborted) throw new TrunklineError('JOB_CANCELLED', 'the import was cancelled; nothing was written');

  job.progress('writing', 0, plan.inserts.length);
  const commit = ctx.db.transaction(() => {
    const importId = ctx.decks.insertImport({
      carrierId: carrier.id, side: args.side, mode: args.mode, fileName: file, sha256, bytes,
      sheetsJson: JSON.stringify(read.sheets), rowsRead: read.rowsRead, prefixes: plan.prefixes, counts: plan.counts,
      revised: plan.revised, noticeViolations: plan.violationCount, currency, receivedAt,
      effectiveAt: fileEffective, closuresAt, settingsVersion: carrier.settingsVersion,
      mappingJson: JSON.stringify(read.mapping),
      reportJson: JSON.stringify({ warnings: report.warnings, noticeViolations: plan.violations, disagreements: plan.disagreements }),
      importedAt: ctx.clock(), importedBy: ctx.actor,
    });
    ctx.rates.supersede(plan.supersede, importId);
    ctx.rates.insertVersions(carrier.id, args.side, importId, currency, plan.inserts);
    ctx.rates.setEffectiveTo(plan.effectiveTo);
    if (args.saveTemplate) {
      ctx.decks.saveTemplate(carrier.id, args.side, {
        mapping: { ...template?.mapping, ...read.templateMapping },
        dateOrder: args.dateOrder ?? template?.dateOrder ?? null,
      }, ctx.clock());
    }
    return importId;
  });
  report.importId = commit.immediate();
  job.progress('done', plan.inserts.length, plan.inserts.length);
  ctx.log.info('deck imported', { importId: report.importId, carrier: carrier.name, file, counts: plan.counts });
  return report;
}
