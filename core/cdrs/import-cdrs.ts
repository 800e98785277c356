import { closeSync, createWriteStream, openSync, readSync, statSync, type WriteStream } from 'node:fs';
import { basename } from 'node:path';
import Papa from 'papaparse';
import type { CdrImportReport, ParsedArgs, Side } from '../api/contract.ts';
import { TrunklineError, problemsError, type Problem } from '../api/errors.ts';
import { requireCarrier } from '../carriers/handlers.ts';
import type { EngineContext } from '../context.ts';
import { SOURCE_CODE } from '../db/cdrs-repo.ts';
import { backgroundSync, writeAlone } from '../db/open.ts';
import { decodeText, guessDelimiter } from '../excel/read-table.ts';
import type { JobContext } from '../jobs/jobs.ts';
import { isValidZone, isoInstant } from '../time/parse-date.ts';
import { csvField } from '../util/csv.ts';
import { wholeUtf8Length } from '../util/utf8.ts';
import { detectCdrFormat } from './detect-format.ts';
import { createCdrParser } from './formats.ts';
import { carrierLegs, TrunkMap } from './legs.ts';
import { produceRows, type BatchMessage } from './produce.ts';
import { NUMS, O_ANSWERED, O_BUY, O_CUSTOMER, O_DURATION, O_SELL, O_START, O_VENDOR, type RowBatch } from './row-batch.ts';
import { DailyTotals } from './daily.ts';
import { SideTally } from './tally.ts';

const SNIFF_BYTES = 64 * 1024;
const MAX_PROBLEMS = 500;

/** The first bytes of a file, as text: enough to tell its format, delimiter and header. */
function sniff(path: string, label: string): { text: string; delimiter: string; encoding: string; crOnly: boolean } {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(SNIFF_BYTES);
    const read = readSync(fd, buf, 0, SNIFF_BYTES, 0);
    if (read === 0) throw new TrunklineError('DECK_EMPTY', `${label}: the file is empty`, { file: label });
    // A file that goes on may be cut inside a UTF-8 character: without it, an ASCII head followed by
    // one would be taken for Windows-1252 (the cut character is not valid UTF-8).
    const n = read === SNIFF_BYTES ? wholeUtf8Length(buf) : read;
    const decoded = decodeText(buf.subarray(0, n), label);
    let text = decoded.text;
    const crOnly = !text.includes('\n') && text.includes('\r');
    if (crOnly) text = text.replaceAll('\r', '\n');
    if (read === SNIFF_BYTES) text = text.slice(0, Math.max(0, text.lastIndexOf('\n')));
    return { text, delimiter: guessDelimiter(text), encoding: decoded.encoding, crOnly };
  } finally {
    closeSync(fd);
  }
}

/**
 * Imports a CDR file: streamed (any size, bounded memory), parsed in its format, deduplicated
 * against what is stored, rated on each side the carrier has a deck for, and written in one
 * transaction: a failed or cancelled import leaves nothing behind.
 */
export async function importCdrs(ctx: EngineContext, args: ParsedArgs<'cdrs.import'>, job: JobContext): Promise<CdrImportReport> {
  // A named carrier owns every call of its file; our switch's own file names each call's customer
  // and vendor by trunk instead (the carriers' trunk lists).
  const carrier = args.carrier === undefined ? null : requireCarrier(ctx, args.carrier);
  const file = args.fileName ?? basename(args.file);
  let bytes: number;
  try {
    bytes = statSync(args.file).size;
  } catch {
    throw new TrunklineError('FILE_NOT_FOUND', `${file}: no such file`, { file });
  }
  const zone = args.timezone ?? carrier?.timezone ?? 'UTC';
  if (!isValidZone(zone)) throw new TrunklineError('INVALID_ARGUMENTS', `--timezone "${zone}" is not an IANA time zone`);
  const head = sniff(args.file, file);
  const preview = Papa.parse<string[]>(head.text, { delimiter: head.delimiter, preview: 20, skipEmptyLines: true }).data;
  const detected = detectCdrFormat(preview);
  if (args.format === 'auto' && !detected) {
    throw new TrunklineError('CDR_FORMAT_UNKNOWN', `${file}: not a CDR file Trunkline recognises (Asterisk, FreeSWITCH, CGRateS, or a CSV with a header naming at least the called number and a start or duration); give --format and --map`, { file });
  }
  const format = args.format === 'auto' ? detected!.format : args.format;
  const hasHeader = format === 'generic' || format === 'cgrates' ? true : (detected?.format === format ? detected.hasHeader : false);
  const parser = createCdrParser(format, { header: hasHeader ? (preview[0] ?? []).map((h) => h.replace(/^\uFEFF/, '')) : null, zone, map: args.map });
  if ('error' in parser) throw new TrunklineError('DECK_MAPPING_INCOMPLETE', `${file}: ${parser.error}`, { file });

  const warnings: string[] = [];
  const trunks = carrier ? null : new TrunkMap(ctx.carriers.list());
  if (trunks) {
    if (trunks.size === 0) {
      throw new TrunklineError('CDR_CARRIER_REQUIRED', `${file}: no carrier lists any trunk yet, so the calls cannot be told apart; add each carrier's trunk names (carriers set NAME --trunks …) or name the carrier with --carrier`, { file });
    }
    const sample = preview.slice(hasHeader ? 1 : 0).map((cells, i) => parser.parse(cells, i + 1)).filter((c) => !('error' in c));
    if (sample.length > 0 && sample.every((c) => !('error' in c) && c.ingress === null && c.egress === null)) {
      throw new TrunklineError('CDR_CARRIER_REQUIRED', `${file}: the file has no ingress or egress trunk column, so its calls cannot be given to carriers by trunk; name the carrier with --carrier (or map the trunk columns with --map COLUMN=ingress --map COLUMN=egress)`, { file });
    }
    if (args.timezone === undefined) warnings.push('no --timezone given: the file\'s local times were read as UTC');
  }
  const fixedLegs = carrier ? carrierLegs(carrier) : null;
  const carriers = ctx.carriers.list();
  const byId = new Map(carriers.map((k) => [k.id, k]));

  const problems: Problem[] = [];
  let rejects: WriteStream | null = null;
  const rejectsPath = args.skipBadRows ? (args.rejectsFile ?? `${args.file}.rejects.csv`) : null;
  if (rejectsPath) {
    rejects = createWriteStream(rejectsPath);
    rejects.write('row,column,value,reason,line\n');
  }
  let first: number | null = null;
  let last: number | null = null;

  // The import writes only its own carrier's and import's ids: checking them per row costs time, not safety.
  ctx.db.pragma('foreign_keys = OFF');
  // A file of one carrier: its reader loads that carrier's decks before any call is written, so the
  // import can hold the workspace alone (see writeAlone). A switch-wide file's reader loads a
  // carrier's deck when its trunk first appears, which a writer holding the file alone would block.
  const alone = carrier && ctx.writeAlone ? writeAlone(ctx.db) : null;
  // Alone, the import's pages go straight to the file: the kernel writes them out as the import goes
  // (every 64 batches, about 45 MB), not all at the commit's sync (0.85 s of a 10M-call import's end).
  const syncing = alone ? backgroundSync(ctx.dbPath, 64) : null;
  ctx.db.exec('BEGIN IMMEDIATE');
  try {
    const importId = ctx.cdrs.startImport({
      carrierId: carrier?.id ?? null, source: args.source, format, fileName: file, sha256: '', bytes, timezone: zone,
      mappingJson: JSON.stringify(parser.mapping), importedAt: ctx.clock(), importedBy: ctx.actor,
    });
    // Each leg's totals are counted as its calls are stored (duplicates excluded), not summed again afterwards.
    const tallies = { buy: new Map<number, SideTally>(), sell: new Map<number, SideTally>() };
    // The last tally asked for, per side: a file's calls mostly have the same legs (no map look-up per call).
    const recent = { buy: null as SideTally | null, sell: null as SideTally | null };
    const tally = (id: number, side: Side): SideTally => {
      const l = recent[side];
      if (l !== null && l.carrierId === id) return l;
      let t = tallies[side].get(id);
      if (!t) tallies[side].set(id, (t = new SideTally(id, side, byId.get(id)!.rounding)));
      recent[side] = t;
      return t;
    };
    if (fixedLegs?.vendor) tally(fixedLegs.vendor.id, 'buy');
    if (fixedLegs?.customer) tally(fixedLegs.customer.id, 'sell');
    const daily = new DailyTotals(ctx.db);
    const src = SOURCE_CODE[args.source];
    // Straight from the batch's numbers: no object per stored call.
    const count = (b: RowBatch, i: number, base: number, tag: 'b' | 's', carrierId: number, side: Side, start: number, duration: number, answered: boolean): void => {
      const n = b.nums;
      const status = n[base]!;
      if (Number.isNaN(status)) {
        daily.addRating(carrierId, side, src, start, duration, answered, -1, 0, 0, 0, 0, 0);
        return;
      }
      const reason = n[base + 1]!;
      const rateId = n[base + 2]!;
      const amount = n[base + 4]!;
      const big = b.bigX60?.[`${i}:${tag}`];
      const x60 = big === undefined ? n[base + 5]! : BigInt(big);
      tally(carrierId, side).add(status, Number.isNaN(reason) ? null : reason, Number.isNaN(rateId) ? null : rateId, Number.isNaN(amount) ? null : amount, x60);
      daily.addRating(carrierId, side, src, start, duration, answered, status, Number.isNaN(reason) ? 0 : reason, Number.isNaN(rateId) ? 0 : rateId,
        n[base + 3]!, Number.isNaN(amount) ? 0 : amount, x60);
    };
    const writer = ctx.cdrs.writer(args.source, importId).listen((b, i) => {
      const o = i * NUMS;
      const n = b.nums;
      const start = n[o + O_START]!;
      const duration = n[o + O_DURATION]!;
      const answered = n[o + O_ANSWERED] === 1;
      const vendor = n[o + O_VENDOR]!;
      const customer = n[o + O_CUSTOMER]!;
      if (!Number.isNaN(vendor)) count(b, i, o + O_BUY, 'b', vendor, 'buy', start, duration, answered);
      if (!Number.isNaN(customer)) count(b, i, o + O_SELL, 's', customer, 'sell', start, duration, answered);
    });
    let rowsRead = 0;
    let problemCount = 0;
    // The batch before this one: handed back to the reader once the writer holds none of its rows.
    let previous: RowBatch | null = null;
    const onBatch = (m: BatchMessage, release: (b: RowBatch) => void): void => {
      rowsRead = m.rowsRead;
      problemCount = m.problemCount;
      for (const p of m.problems) {
        if (rejects) rejects.write(`${p.row},${csvField(p.column)},${csvField(p.value)},${csvField(p.message)},${csvField(p.line ?? '')}\n`);
        else if (problems.length < MAX_PROBLEMS) problems.push({ file, row: p.row, column: p.column, value: p.value, message: p.message });
      }
      const b = m.batch;
      const n = b.nums;
      for (let i = 0; i < b.count; i++) {
        const o = i * NUMS;
        const t = n[o + O_START]!;
        if (first === null || t < first) first = t;
        if (last === null || t > last) last = t;
        // Every leg the file has is reported (and lists the import under its carrier), duplicates too.
        if (!Number.isNaN(n[o + O_VENDOR]!)) tally(n[o + O_VENDOR]!, 'buy');
        if (!Number.isNaN(n[o + O_CUSTOMER]!)) tally(n[o + O_CUSTOMER]!, 'sell');
      }
      // Once a file has a bad row (and bad rows are not skipped), it will fail whole: nothing more is written.
      if (problemCount === 0 || rejects) writer.addBatch(b);
      if (previous && !writer.holds(previous)) release(previous);
      previous = b;
      syncing?.tick();
      job.progress('importing', rowsRead);
      if (job.signal.aborted) throw new TrunklineError('JOB_CANCELLED', 'the CDR import was cancelled; nothing was written');
    };
    const end = await produceRows({
      path: args.file, file, delimiter: head.delimiter, encoding: head.encoding, crOnly: head.crOnly, format, hasHeader, header: hasHeader ? (preview[0] ?? []).map((h) => h.replace(/^\uFEFF/, '')) : null,
      zone, map: args.map, carrierId: carrier?.id ?? null, carriers, skipBadRows: args.skipBadRows, maxProblems: MAX_PROBLEMS,
    }, { db: ctx.db, dbPath: ctx.dbPath, workerPath: ctx.importWorker }, onBatch, job.signal);
    rowsRead = end.rowsRead;
    problemCount = end.problemCount;
    if (problemCount > 0 && !rejects) throw problemsError(file, problems, problemCount, 'CDR_PARSE_ERROR');
    if (rowsRead === 0) throw new TrunklineError('DECK_EMPTY', `${file}: the file has ${hasHeader ? 'a header and ' : ''}no calls`, { file });
    writer.flush();
    daily.flush();
    const { inserted: imported, duplicates } = writer;
    const rating = [...tallies.buy.values(), ...tallies.sell.values()]
      .map((t) => ({ ...t.result(ctx.db), carrier: byId.get(t.carrierId)!.name }))
      .sort((x, y) => (x.carrier < y.carrier ? -1 : x.carrier > y.carrier ? 1 : x.side < y.side ? -1 : 1));
    for (const m of end.missingDecks) {
      warnings.push(`${byId.get(m.carrierId)!.name} has no ${m.side} deck yet: its calls are stored unrated on that side; run \`trunkline rate\` after importing one`);
    }
    const unmatchedTrunks = end.unmatched;
    for (const u of unmatchedTrunks.slice(0, 10)) {
      warnings.push(`${u.leg} trunk "${u.trunk}" (${u.calls} call${u.calls === 1 ? '' : 's'}): ${u.why}; those calls have no ${u.leg === 'ingress' ? 'customer' : 'vendor'} leg`);
    }
    const report: CdrImportReport = {
      importId, carrier: carrier?.name ?? null, source: args.source, format, file, sha256: end.sha256, bytes, timezone: zone,
      rowsRead, imported, duplicates, rejected: problemCount, rejectsFile: rejectsPath,
      firstStart: first === null ? null : isoInstant(first), lastStart: last === null ? null : isoInstant(last), rating, unmatchedTrunks, warnings,
    };
    if (duplicates > 0) warnings.push(`${duplicates} call${duplicates === 1 ? ' was' : 's were'} already stored (same start and call id, or same start, numbers and duration) and added nothing`);
    ctx.cdrs.finishImport(importId, {
      sha256: report.sha256, rowsRead, imported, duplicates, rejected: problemCount, rejectsFile: rejectsPath, firstStart: first, lastStart: last,
      reportJson: JSON.stringify({ warnings, rating }), legCarriers: [...tallies.buy.keys(), ...tallies.sell.keys()],
    });
    ctx.db.exec('COMMIT');
    return report;
  } catch (e) {
    if (ctx.db.inTransaction) ctx.db.exec('ROLLBACK');
    throw e;
  } finally {
    await syncing?.close();
    if (alone && !alone.back()) ctx.log.warn('the workspace stays in rollback-journal mode until it is next opened (another program was reading it)', { file });
    ctx.db.pragma('foreign_keys = ON');
    if (rejects) await new Promise<void>((r) => rejects!.end(() => r()));
  }
}
