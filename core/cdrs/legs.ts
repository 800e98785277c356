import type { Carrier, Side } from '../api/contract.ts';
import type { StoredRating } from '../db/cdrs-repo.ts';
import type { Db } from '../db/open.ts';
import { makeCallRater } from '../rating/rate-call.ts';
import { VersionedRateTable } from '../rates/versioned-table.ts';

export type CallRater = (called: string, startMs: number, durationMs: number, answered: boolean) => StoredRating;

/** One call's two partners: the customer who sent it (sell side) and the vendor it went to (buy side). */
export interface CallLegs {
  customer: Carrier | null;
  vendor: Carrier | null;
}

export function sidesOf(roles: Carrier['roles']): Side[] {
  return roles === 'vendor' ? ['buy'] : roles === 'customer' ? ['sell'] : ['buy', 'sell'];
}

/** The legs of every call of a file that belongs to one named carrier: the sides it trades. */
export function carrierLegs(carrier: Carrier): CallLegs {
  const sides = sidesOf(carrier.roles);
  return { customer: sides.includes('sell') ? carrier : null, vendor: sides.includes('buy') ? carrier : null };
}

export interface TrunkMiss {
  trunk: string;
  leg: 'ingress' | 'egress';
  calls: number;
  /** Why it maps to no carrier: nobody lists it, or the carrier that does is not a customer (ingress) / vendor (egress). */
  why: string;
}

/**
 * Maps a switch-wide file's trunk names to carriers: the ingress trunk to the customer that lists
 * it, the egress trunk to the vendor. Names match exactly as the switch writes them (trimmed).
 */
export class TrunkMap {
  private readonly ingress = new Map<string, Carrier>();
  private readonly egress = new Map<string, Carrier>();
  private readonly owner = new Map<string, Carrier>();
  private readonly misses = new Map<string, TrunkMiss>();

  constructor(carriers: readonly Carrier[]) {
    for (const c of carriers) {
      const sides = sidesOf(c.roles);
      for (const t of c.trunks) {
        this.owner.set(t, c);
        if (sides.includes('sell')) this.ingress.set(t, c);
        if (sides.includes('buy')) this.egress.set(t, c);
      }
    }
  }

  get size(): number {
    return this.owner.size;
  }

  legs(ingress: string | null, egress: string | null): CallLegs {
    return { customer: this.find(ingress, 'ingress'), vendor: this.find(egress, 'egress') };
  }

  private find(trunk: string | null, leg: 'ingress' | 'egress'): Carrier | null {
    if (trunk === null) return null;
    const hit = (leg === 'ingress' ? this.ingress : this.egress).get(trunk);
    if (hit) return hit;
    const key = `${leg}\u0000${trunk}`;
    const miss = this.misses.get(key);
    if (miss) miss.calls++;
    else {
      const o = this.owner.get(trunk);
      const why = o ? `${o.name} lists it but is not a ${leg === 'ingress' ? 'customer' : 'vendor'}` : 'no carrier lists it';
      this.misses.set(key, { trunk, leg, calls: 1, why });
    }
    return null;
  }

  /** Trunk names that matched no carrier, most calls first. */
  unmatched(): TrunkMiss[] {
    return [...this.misses.values()].sort((a, b) => b.calls - a.calls || (a.trunk < b.trunk ? -1 : 1));
  }
}

/**
 * The rater of each carrier's side, loaded once per import on first use; null when the carrier has
 * no deck for that side yet (its calls are stored unrated on that side until `trunkline rate`).
 */
export class RaterCache {
  private readonly raters = new Map<string, CallRater | null>();
  readonly missingDecks: { carrier: Carrier; side: Side }[] = [];

  constructor(private readonly db: Db, private readonly hasDeck: (carrierId: number, side: Side) => boolean) {}

  get(carrier: Carrier, side: Side): CallRater | null {
    const key = `${carrier.id}:${side}`;
    let r = this.raters.get(key);
    if (r === undefined) {
      r = this.hasDeck(carrier.id, side) ? makeCallRater(VersionedRateTable.load(this.db, carrier.id, side), carrier) : null;
      if (r === null) this.missingDecks.push({ carrier, side });
      this.raters.set(key, r);
    }
    return r;
  }
}
