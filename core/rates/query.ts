import type { ParsedArgs, RateHistoryEntry, RateRow, RatesPage } from '../api/contract.ts';
import { TrunklineError } from '../api/errors.ts';
import { requireCarrier } from '../carriers/handlers.ts';
import type { EngineContext } from '../context.ts';
import type { RateGridRow } from '../db/rates-repo.ts';
import { formatScaled } from '../money/scaled-decimal.ts';
import { isoInstant, parseInstant } from '../time/parse-date.ts';

function toRow(r: RateGridRow): RateRow {
  return {
    id: r.id, carrier: r.carrier, side: r.side, prefix: r.prefix, destination: r.destination, kind: r.kind,
    rate: r.rateE8 === null ? null : formatScaled(r.rateE8), currency: r.currency,
    effectiveFrom: isoInstant(r.from), effectiveTo: r.to === null ? null : isoInstant(r.to),
    firstIncrement: r.first, nextIncrement: r.next, minDuration: r.min, grace: r.grace, connectionFee: formatScaled(r.feeE8),
    changeClass: r.changeClass, noticeViolation: r.noticeViolation === 1, noticeUntil: r.noticeUntil === null ? null : isoInstant(r.noticeUntil),
    importId: r.importId,
  };
}

/** A page of the rates grid: filtered, sorted and cut in SQLite, so a 10M-row store pages as fast as a small one. */
export function queryRates(ctx: EngineContext, args: ParsedArgs<'rates.query'>): RatesPage {
  const carrier = args.carrier ? requireCarrier(ctx, args.carrier) : undefined;
  let at = ctx.clock();
  if (args.at) {
    const p = parseInstant(args.at, carrier?.timezone ?? 'UTC');
    if (!p.ok) throw new TrunklineError('INVALID_ARGUMENTS', `at "${args.at}": ${p.reason}`);
    at = p.ms;
  }
  const limit = args.endRow - args.startRow;
  const rows = ctx.rates.page({
    carrierId: carrier?.id, side: args.side, at: args.scope === 'in-force' ? at : undefined, prefix: args.prefix,
    destination: args.destination, sort: args.sort, offset: args.startRow, limit,
  });
  return { rows: rows.map(toRow), lastRow: rows.length < limit ? args.startRow + rows.length : null, at: isoInstant(at) };
}

/** Every version a prefix has had in one carrier's deck, replaced ones included, oldest first. */
export function rateHistory(ctx: EngineContext, args: ParsedArgs<'rates.history'>): RateHistoryEntry[] {
  const carrier = requireCarrier(ctx, args.carrier);
  return ctx.rates.history(carrier.id, args.side, args.prefix).map((r) => ({
    ...toRow(r), deckChange: r.deckChange, fileName: r.fileName, importedAt: isoInstant(r.importedAt), supersededByImportId: r.supersededBy,
  }));
}
