import { rename, rm } from 'node:fs/promises';
import { extname } from 'node:path';
import type { ParsedArgs, RateLookup, RatesExportReport } from '../api/contract.ts';
import { TrunklineError } from '../api/errors.ts';
import { requireCarrier } from '../carriers/handlers.ts';
import type { EngineContext } from '../context.ts';
import type { InForceRate } from '../db/rates-repo.ts';
import type { JobContext } from '../jobs/jobs.ts';
import { formatScaled } from '../money/scaled-decimal.ts';
import { isoInstant, parseInstant } from '../time/parse-date.ts';
import { writeRatesCsv, writeRatesXlsx } from './export-rates.ts';
import { normaliseNumber } from './normalise-number.ts';

function instantArg(ctx: EngineContext, text: string | undefined, zone: string, flag: string): number {
  if (!text) return ctx.clock();
  const p = parseInstant(text, zone);
  if (!p.ok) throw new TrunklineError('INVALID_ARGUMENTS', `${flag} "${text}": ${p.reason}`);
  return p.ms;
}

function toLookup(number: string, digits: string, r: InForceRate): RateLookup {
  return {
    number, normalised: digits, prefix: r.prefix, destination: r.destination, rate: formatScaled(r.rateE8 ?? 0), currency: r.currency,
    effectiveFrom: isoInstant(r.from), effectiveTo: r.to === null ? null : isoInstant(r.to),
    firstIncrement: r.first, nextIncrement: r.next, minDuration: r.min, grace: r.grace, connectionFee: formatScaled(r.feeE8),
    rateId: r.id, importId: r.importId,
  };
}

export function lookupRate(ctx: EngineContext, args: ParsedArgs<'rates.lookup'>): RateLookup {
  const carrier = requireCarrier(ctx, args.carrier);
  const at = instantArg(ctx, args.at, carrier.timezone, '--at');
  const n = normaliseNumber(args.number, carrier.techPrefixes);
  if (!n.ok) throw new TrunklineError('INVALID_NUMBER', `"${args.number}": ${n.reason}`, { number: args.number, reason: 'invalid number' });
  const candidates: string[] = [];
  for (let len = Math.min(n.digits.length, 15); len >= 1; len--) candidates.push(n.digits.slice(0, len));
  const r = ctx.rates.longestInForce(carrier.id, args.side, candidates, at);
  const where = `${carrier.name} ${args.side} deck at ${isoInstant(at)}`;
  if (!r) {
    throw new TrunklineError('RATE_NOT_FOUND', `no rate for ${n.digits} in the ${where}`, { number: n.digits, reason: 'no rate', at: isoInstant(at) });
  }
  if (r.kind === 'closed') {
    throw new TrunklineError('RATE_NOT_FOUND', `${n.digits} matches prefix ${r.prefix}, closed since ${isoInstant(r.from)} in the ${where}`, {
      number: n.digits, reason: 'closed code', prefix: r.prefix, since: isoInstant(r.from), at: isoInstant(at),
    });
  }
  if (r.kind === 'blocked') {
    throw new TrunklineError('RATE_NOT_FOUND', `${n.digits} matches prefix ${r.prefix}, blocked since ${isoInstant(r.from)} in the ${where}`, {
      number: n.digits, reason: 'blocked', prefix: r.prefix, since: isoInstant(r.from), at: isoInstant(at),
    });
  }
  return toLookup(args.number, n.digits, r);
}

export async function exportRates(ctx: EngineContext, args: ParsedArgs<'rates.export'>, job: JobContext): Promise<RatesExportReport> {
  const carrier = requireCarrier(ctx, args.carrier);
  const at = instantArg(ctx, args.at, carrier.timezone, '--at');
  const ext = extname(args.out).toLowerCase();
  const format = args.format ?? (ext === '.xlsx' ? 'xlsx' : ext === '.csv' ? 'csv' : undefined);
  if (!format) throw new TrunklineError('INVALID_ARGUMENTS', `--out "${args.out}": the file must end in .csv or .xlsx`);
  // Written beside the target and renamed into place: a cancelled or failed export leaves no half file.
  const tmp = `${args.out}.partial-${process.pid}`;
  const rows = ctx.rates.inForceAt(carrier.id, args.side, at);
  const routable = (function* () {
    for (const r of rows) if (r.kind === 'rate') yield r;
  })();
  try {
    const count = format === 'csv' ? await writeRatesCsv(tmp, routable, job) : await writeRatesXlsx(tmp, routable, job);
    await rename(tmp, args.out);
    return { file: args.out, format, rows: count, at: isoInstant(at) };
  } catch (e) {
    await rm(tmp, { force: true });
    if (e instanceof TrunklineError) throw e;
    throw new TrunklineError('EXPORT_FAILED', `cannot write ${args.out}: ${(e as Error).message}`, { file: args.out });
  }
}
