import { DEFAULT_CARRIER_SETTINGS, type Carrier, type ParsedArgs } from '../api/contract.ts';
import { TrunklineError } from '../api/errors.ts';
import { settingsOf } from '../db/carriers-repo.ts';
import type { EngineContext } from '../context.ts';

export function requireCarrier(ctx: EngineContext, name: string): Carrier {
  const c = ctx.carriers.byName(name);
  if (!c) {
    const known = ctx.carriers.list().map((k) => k.name);
    throw new TrunklineError('CARRIER_NOT_FOUND', `no carrier named "${name}"${known.length ? ` (carriers: ${known.join(', ')})` : ''}`, { name });
  }
  return c;
}

/** A trunk name identifies one carrier: two carriers listing it would make every call on it ambiguous. */
function checkTrunks(ctx: EngineContext, trunks: readonly string[], self: number | null): void {
  const seen = new Set<string>();
  for (const t of trunks) {
    if (seen.has(t)) throw new TrunklineError('INVALID_ARGUMENTS', `trunks: "${t}" is listed twice`, { trunk: t });
    seen.add(t);
  }
  for (const other of ctx.carriers.list()) {
    if (other.id === self) continue;
    const clash = other.trunks.find((t) => seen.has(t));
    if (clash !== undefined) throw new TrunklineError('TRUNK_TAKEN', `trunk "${clash}" already belongs to ${other.name}: a trunk identifies one carrier`, { trunk: clash, carrier: other.name });
  }
}

export function createCarrier(ctx: EngineContext, args: ParsedArgs<'carriers.create'>): Carrier {
  if (ctx.carriers.byName(args.name)) throw new TrunklineError('CARRIER_EXISTS', `a carrier named "${args.name}" exists already`, { name: args.name });
  const s = args.settings ?? {};
  const settings = {
    ...DEFAULT_CARRIER_SETTINGS,
    ...s,
    notice: { ...DEFAULT_CARRIER_SETTINGS.notice, ...s.notice },
    rounding: { ...DEFAULT_CARRIER_SETTINGS.rounding, ...s.rounding },
    disputeThreshold: { ...DEFAULT_CARRIER_SETTINGS.disputeThreshold, ...s.disputeThreshold },
  };
  checkTrunks(ctx, settings.trunks, null);
  return ctx.carriers.insert(args.name, settings, ctx.clock(), ctx.actor);
}

export function updateCarrier(ctx: EngineContext, args: ParsedArgs<'carriers.update'>): Carrier {
  const current = requireCarrier(ctx, args.name);
  if (args.rename && args.rename.toLowerCase() !== current.name.toLowerCase() && ctx.carriers.byName(args.rename)) {
    throw new TrunklineError('CARRIER_EXISTS', `a carrier named "${args.rename}" exists already`, { name: args.rename });
  }
  const old = settingsOf(current);
  const s = args.settings;
  const next = {
    ...old,
    ...s,
    notice: { ...old.notice, ...s.notice },
    rounding: { ...old.rounding, ...s.rounding },
    disputeThreshold: { ...old.disputeThreshold, ...s.disputeThreshold },
  };
  checkTrunks(ctx, next.trunks, current.id);
  return ctx.carriers.update(current, args.rename ?? current.name, next, ctx.clock(), ctx.actor, args.note);
}
