import type { FxRateOut, ParsedArgs } from '../api/contract.ts';
import { TrunklineError } from '../api/errors.ts';
import type { EngineContext } from '../context.ts';
import type { FxRecord } from '../db/settlement-repo.ts';
import { isoInstant } from '../time/parse-date.ts';
import { decimalText } from '../money/scaled-decimal.ts';
import { D, convertE8 } from './money.ts';
import { currencyDecimals } from './period.ts';

function out(r: FxRecord): FxRateOut {
  return { id: r.id, from: r.from, to: r.to, date: r.rateOn, rate: r.rate, recordedAt: isoInstant(r.recordedAtMs) };
}

/** Records a rate: 1 `from` = `rate` `to`, from `date` on. A second rate for the same day supersedes the first (both kept). */
export function setFx(ctx: EngineContext, a: ParsedArgs<'fx.set'>): FxRateOut {
  const rate = decimalText(new D(a.rate));
  const id = ctx.settlement.insertFx({ from: a.from, to: a.to, rateOn: a.date, rate, recordedAtMs: ctx.clock(), recordedBy: ctx.actor });
  return out({ id, from: a.from, to: a.to, rateOn: a.date, rate, recordedAtMs: ctx.clock(), recordedBy: ctx.actor });
}

export function listFx(ctx: EngineContext, a: ParsedArgs<'fx.list'>): FxRateOut[] {
  return ctx.settlement.fxRates(a).map(out);
}

export interface Converted {
  amountE8: bigint;
  /** null when from and to are the same currency. */
  rate: string | null;
  rateDate: string | null;
}

/**
 * Converts amounts at the latest rate on or before a day. The pair's own rate is used; failing
 * that, the inverse pair's (1 / rate, exact to 30 digits before the result is rounded). The result
 * is rounded half-up to the target currency's minor unit. No rate: FX_RATE_MISSING naming the
 * pair and the day.
 */
export class FxConverter {
  constructor(private readonly ctx: EngineContext) {}

  convert(amountE8: bigint, from: string, to: string, day: string, what: string): Converted {
    if (from === to) return { amountE8, rate: null, rateDate: null };
    const direct = this.ctx.settlement.fxOn(from, to, day);
    const inverse = direct ? undefined : this.ctx.settlement.fxOn(to, from, day);
    if (!direct && !inverse) {
      throw new TrunklineError('FX_RATE_MISSING',
        `no ${from}→${to} exchange rate on or before ${day} (needed for ${what}): record one with \`trunkline fx set --from ${from} --to ${to} --rate R --date ${day}\``,
        { from, to, date: day, for: what });
    }
    const rate = direct ? direct.rate : decimalText(new D(1).dividedBy(inverse!.rate).toSignificantDigits(30));
    return { amountE8: convertE8(amountE8, rate, currencyDecimals(to)), rate, rateDate: (direct ?? inverse)!.rateOn };
  }
}
