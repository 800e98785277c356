import { createHash } from 'node:crypto';
import { closeSync, createReadStream, createWriteStream, openSync, readSync, statSync, type WriteStream } from 'node:fs';
import { basename } from 'node:path';
import Papa from 'papaparse';
import type { Carrier, CdrImportReport, ParsedArgs, Side } from '../api/contract.ts';
import { TrunklineError, problemsError, type Problem } from '../api/errors.ts';
import { requireCarrier } from '../carriers/handlers.ts';
import type { EngineContext } from '../context.ts';
import { SOURCE_CODE, type StoredRating } from '../db/cdrs-repo.ts';
import { decodeText, guessDelimiter } from '../excel/read-table.ts';
import type { JobContext } from '../jobs/jobs.ts';
import { isValidZone, isoInstant } from '../time/parse-date.ts';
import { hash53 } from '../util/hash52.ts';
import { csvField } from '../util/csv.ts';
import { detectCdrFormat } from './detect-format.ts';
import { createCdrParser } from './formats.ts';
import { carrierLegs, RaterCache, TrunkMap } from './legs.ts';
import { DailyTotals } from './daily.ts';
import { SideTally } from './tally.ts';

const SNIFF_BYTES = 64 * 1024;
const MAX_PROBLEMS = 500;

/** The first bytes of a file, as text: enough to tell its format, delimiter and header. */
function sniff(path: string, label: string): { text: string; delimiter: string } {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(SNIFF_BYTES);
    const n = readSync(fd, buf, 0, SNIFF_BYTES, 0);
    if (n === 0) throw new TrunklineError('DECK_EMPTY', `${label}: the file is empty`, { file: label });
    let text = decodeText(buf.subarray(0, n), label).text;
    if (n === SNIFF_BYTES) text = text.slice(0, Math.max(0, text.lastIndexOf('\n')));
    return { text, delimiter: guessDelimiter(text) };
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
  const raters = new RaterCache(ctx.db, (id, side) => ctx.decks.hasImports(id, side));

  const problems: Problem[] = [];
  let problemCount = 0;
  let rejects: WriteStream | null = null;
  const rejectsPath = args.skipBadRows ? (args.rejectsFile ?? `${args.file}.rejects.csv`) : null;
  if (rejectsPath) {
    rejects = createWriteStream(rejectsPath);
    rejects.write('row,column,value,reason,line\n');
  }
  const hash = createHash('sha256');
  let rowsRead = 0;
  let first: number | null = null;
  let last: number | null = null;
  let row = 0;

  // The import writes only its own carrier's and import's ids: checking them per row costs time, not safety.
  ctx.db.pragma('foreign_keys = OFF');
  ctx.db.exec('BEGIN IMMEDIATE');
  try {
    const importId = ctx.cdrs.startImport({
      carrierId: carrier?.id ?? null, source: args.source, format, fileName: file, sha256: '', bytes, timezone: zone,
      mappingJson: JSON.stringify(parser.mapping), importedAt: ctx.clock(), importedBy: ctx.actor,
    });
    // Each leg's totals are counted as its calls are stored (duplicates excluded), not summed again afterwards.
    const tallies = { buy: new Map<number, SideTally>(), sell: new Map<number, SideTally>() };
    const noteLeg = (c: Carrier, side: Side): void => {
      if (!tallies[side].has(c.id)) tallies[side].set(c.id, new SideTally(c.id, side, c.rounding));
    };
    const daily = new DailyTotals(ctx.db);
    const src = SOURCE_CODE[args.source];
    const writer = ctx.cdrs.writer(args.source, importId).listen((c, b, s, customerId, vendorId) => {
      if (vendorId !== null) {
        if (b) tallies.buy.get(vendorId)!.add(b.status, b.reason, b.rateId, b.amountE8, b.exactX60);
        daily.add(vendorId, 'buy', src, c.startMs, c.durationMs, c.answered, b);
      }
      if (customerId !== null) {
        if (s) tallies.sell.get(customerId)!.add(s.status, s.reason, s.rateId, s.amountE8, s.exactX60);
        daily.add(customerId, 'sell', src, c.startMs, c.durationMs, c.answered, s);
      }
    });
    const onRow = (cells: string[]): void => {
      row++;
      if (row === 1 && hasHeader) return;
      if (cells.length === 1 && cells[0]!.trim() === '') return;
      rowsRead++;
      const c = parser.parse(cells, row);
      if ('error' in c) {
        problemCount++;
        if (rejects) {
          rejects.write(`${row},${csvField(c.column)},${csvField(c.value)},${csvField(c.message)},${csvField(cells.join(head.delimiter))}\n`);
        } else if (problems.length < MAX_PROBLEMS) {
          problems.push({ file, row, column: c.column, value: c.value, message: c.message });
        }
        return;
      }
      if (problemCount > 0 && !rejects) return;
      const legs = fixedLegs ?? trunks!.legs(c.ingress, c.egress);
      const filing = carrier ?? legs.vendor ?? legs.customer;
      if (filing === null) {
        problemCount++;
        const value = `${c.ingress ?? ''} / ${c.egress ?? ''}`;
        const message = c.ingress === null && c.egress === null ? 'the call names no ingress or egress trunk' : 'neither trunk belongs to a carrier (carriers set NAME --trunks …)';
        if (rejects) rejects.write(`${row},ingress/egress,${csvField(value)},${csvField(message)},${csvField(cells.join(head.delimiter))}\n`);
        else if (problems.length < MAX_PROBLEMS) problems.push({ file, row, column: 'ingress/egress', value, message });
        return;
      }
      if (first === null || c.startMs < first) first = c.startMs;
      if (last === null || c.startMs > last) last = c.startMs;
      const key = hash53(c.callId ?? `${c.startMs}|${c.calling}|${c.called}|${c.durationMs}`);
      let buy: StoredRating | null = null;
      let sell: StoredRating | null = null;
      if (legs.vendor) {
        noteLeg(legs.vendor, 'buy');
        const r = raters.get(legs.vendor, 'buy');
        if (r) buy = r(c.called, c.startMs, c.durationMs, c.answered);
      }
      if (legs.customer) {
        noteLeg(legs.customer, 'sell');
        const r = raters.get(legs.customer, 'sell');
        if (r) sell = r(c.called, c.startMs, c.durationMs, c.answered);
      }
      writer.add(c, key, filing.id, legs.customer?.id ?? null, legs.vendor?.id ?? null, buy, sell);
    };

    await new Promise<void>((resolve, reject) => {
      const input = createReadStream(args.file);
      // Papa's abort() ends with complete(): a stop must be remembered, or it would look like the end of the file.
      let stopped: unknown;
      const stop = (e: unknown, p: { abort(): void }): void => {
        stopped ??= e;
        p.abort();
        input.destroy();
      };
      input.on('data', (chunk) => {
        if (stopped === undefined) hash.update(chunk as Buffer);
      });
      input.on('error', (e) => reject(new TrunklineError('FILE_UNREADABLE', `${file}: ${e.message}`, { file })));
      Papa.parse<string[]>(input as unknown as File, {
        delimiter: head.delimiter,
        skipEmptyLines: true,
        chunkSize: 1 << 20,
        chunk: (results, p) => {
          if (stopped !== undefined) return;
          try {
            for (const cells of results.data) onRow(cells);
          } catch (e) {
            stop(e, p);
            return;
          }
          job.progress('importing', rowsRead);
          if (job.signal.aborted) stop(new TrunklineError('JOB_CANCELLED', 'the CDR import was cancelled; nothing was written'), p);
        },
        complete: () => (stopped === undefined ? resolve() : reject(stopped)),
        error: (e) => reject(new TrunklineError('FILE_UNREADABLE', `${file}: ${e.message}`, { file })),
      });
    });
    if (problemCount > 0 && !rejects) throw problemsError(file, problems, problemCount, 'CDR_PARSE_ERROR');
    writer.flush();
    daily.flush();
    const { inserted: imported, duplicates } = writer;
    if (fixedLegs) {
      // The sides the carrier trades are reported even when the file had no calls for them.
      if (fixedLegs.vendor) noteLeg(fixedLegs.vendor, 'buy');
      if (fixedLegs.customer) noteLeg(fixedLegs.customer, 'sell');
    }
    const byId = new Map(ctx.carriers.list().map((k) => [k.id, k]));
    const rating = [...tallies.buy.values(), ...tallies.sell.values()]
      .map((t) => ({ ...t.result(ctx.db), carrier: byId.get(t.carrierId)!.name }))
      .sort((x, y) => (x.carrier < y.carrier ? -1 : x.carrier > y.carrier ? 1 : x.side < y.side ? -1 : 1));
    for (const m of raters.missingDecks) {
      warnings.push(`${m.carrier.name} has no ${m.side} deck yet: its calls are stored unrated on that side; run \`trunkline rate\` after importing one`);
    }
    const unmatchedTrunks = trunks ? trunks.unmatched() : [];
    for (const u of unmatchedTrunks.slice(0, 10)) {
      warnings.push(`${u.leg} trunk "${u.trunk}" (${u.calls} call${u.calls === 1 ? '' : 's'}): ${u.why}; those calls have no ${u.leg === 'ingress' ? 'customer' : 'vendor'} leg`);
    }
    const report: CdrImportReport = {
      importId, carrier: carrier?.name ?? null, source: args.source, format, file, sha256: hash.digest('hex'), bytes, timezone: zone,
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
    ctx.db.pragma('foreign_keys = ON');
    if (rejects) await new Promise<void>((r) => rejects!.end(() => r()));
  }
}
