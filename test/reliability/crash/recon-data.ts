import { createWriteStream, type WriteStream } from 'node:fs';
import { prng, type DeckRowSpec } from '../../../bench/generate.ts';
import type { Carrier } from '../../../core/api/contract.ts';
import { VersionedRateTable } from '../../../core/rates/versioned-table.ts';
import { formatAmountE8 } from '../../../core/rating/amount.ts';
import { makeCallRater } from '../../../core/rating/rate-call.ts';
import type Database from 'better-sqlite3';

/**
 * A vendor's month for the reconciliation run the crash harness kills: our switch's CDRs for the
 * vendor, the vendor's own CDR file (its charges, computed on the same buy deck so most calls match
 * exactly) with the usual real-world differences injected, and the vendor's invoice summing its CDRs
 * per destination (one line overbilled). Seeded: the same seed always gives the same files.
 *
 * Injected, per answered own call: 1 % missing from the vendor's file (own-only), 2 % one second
 * longer there (within tolerance), 1 % 30 s longer (duration mismatch), 1 % overcharged by 0.005
 * (rate mismatch), 1 % billed twice (duplicate), 1 % with an extra call we never sent (carrier-only);
 * start times differ by up to a second. 5 % of our calls are unanswered.
 */
export const RECON_PERIOD = '2026-10';
export const RECON_INVOICE = 'CRASH-2026-10';

const OWN_HEAD = 'Call ID,Start Time,Answer Time,A Number,B Number,Duration (sec),Status';
const CARRIER_HEAD = 'Call ID,Start Time,Answer Time,A Number,B Number,Destination,Duration (sec),Status,Cost (USD)';

function stamp(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

class Lines {
  private buf = '';
  private readonly out: WriteStream;
  constructor(path: string, head: string) {
    this.out = createWriteStream(path);
    this.buf = `${head}\n`;
  }
  async add(line: string): Promise<void> {
    this.buf += `${line}\n`;
    if (this.buf.length > 1 << 20) {
      const ok = this.out.write(this.buf);
      this.buf = '';
      if (!ok) await new Promise<void>((resolve) => this.out.once('drain', () => resolve()));
    }
  }
  end(): Promise<void> {
    return new Promise<void>((resolve, reject) => this.out.end(this.buf, () => resolve()).on('error', reject));
  }
}

export interface ReconFiles {
  own: string;
  carrier: string;
  invoice: string;
}

/** Writes the three files; `db` holds the vendor's buy deck (its rates price the vendor's charges). */
export async function writeReconFiles(db: Database.Database, carrier: Carrier, deck: DeckRowSpec[], count: number, seed: number, files: ReconFiles): Promise<{ own: number; carrier: number }> {
  const rate = makeCallRater(VersionedRateTable.load(db, carrier.id, 'buy'), carrier);
  const rnd = prng(seed);
  const busy = Array.from({ length: Math.min(2000, deck.length) }, () => deck[Math.floor(rnd() * deck.length)]!);
  const start = Date.parse(`${RECON_PERIOD}-01T00:00:00Z`);
  const span = 30 * 86_400_000;
  const own = new Lines(files.own, OWN_HEAD);
  const theirs: { at: number; line: string }[] = [];
  const perDestination = new Map<string, { calls: number; amountE8: bigint }>();
  const bill = (at: number, id: string, calling: string, called: string, dest: string, durS: number, chargeE8: number): void => {
    theirs.push({ at, line: `${id},${stamp(at)},${stamp(at)},${calling},${called},"${dest}",${durS},ANSWERED,${formatAmountE8(chargeE8, 4)}` });
    const d = perDestination.get(dest) ?? { calls: 0, amountE8: 0n };
    d.calls++;
    d.amountE8 += BigInt(chargeE8);
    perDestination.set(dest, d);
  };
  for (let i = 0; i < count; i++) {
    const at = start + Math.floor((i / count) * span);
    const r = rnd() < 0.9 ? busy[Math.floor(rnd() * busy.length)]! : deck[Math.floor(rnd() * deck.length)]!;
    let called = r.code;
    while (called.length < 12) called += String(Math.floor(rnd() * 10));
    const calling = `4420${String(7_000_000 + (i % 1_000_000)).padStart(7, '0')}`;
    const answered = rnd() >= 0.05;
    const durS = answered ? 1 + Math.floor(rnd() * 600) : 0;
    await own.add(`O-${i},${stamp(at)},${answered ? stamp(at) : ''},${calling},${called},${durS},${answered ? 'ANSWERED' : 'NO ANSWER'}`);
    if (!answered) continue;
    const x = rnd();
    if (x < 0.01) continue; // own-only
    const theirAt = at + (rnd() < 0.3 ? 1000 : 0);
    const theirDur = x < 0.03 ? durS + 1 : x < 0.04 ? durS + 30 : durS;
    const charged = rate(called, theirAt, theirDur * 1000, true);
    const chargeE8 = (charged.amountE8 ?? 0) + (x >= 0.04 && x < 0.05 ? 500_000 : 0);
    bill(theirAt, `VX-${i}`, calling, called, r.destination, theirDur, chargeE8);
    if (x >= 0.05 && x < 0.06) bill(theirAt, `VX-${i}-D`, calling, called, r.destination, theirDur, chargeE8); // duplicate
    if (x >= 0.06 && x < 0.07) {
      const extra = `${called.slice(0, -1)}${(Number(called.at(-1)) + 1) % 10}`;
      bill(theirAt + 3_600_000, `VX-${i}-X`, calling, extra, r.destination, theirDur, rate(extra, theirAt + 3_600_000, theirDur * 1000, true).amountE8 ?? 0); // carrier-only
    }
  }
  await own.end();
  theirs.sort((a, b) => a.at - b.at);
  const carrierFile = new Lines(files.carrier, CARRIER_HEAD);
  for (const t of theirs) await carrierFile.add(t.line);
  await carrierFile.end();

  // The invoice: a notes block, one line per destination (the busiest one overbilled by 1.00), a total.
  const lines = [...perDestination].sort((a, b) => a[0].localeCompare(b[0]));
  const busiest = lines.reduce((m, l, k) => (l[1].calls > lines[m]![1].calls ? k : m), 0);
  const invoice = new Lines(files.invoice, 'Crash Vendor Telecom - Wholesale Voice');
  await invoice.add(`Invoice No: ${RECON_INVOICE}`);
  await invoice.add('Invoice Date: 2026-11-03');
  await invoice.add('Billing period: 2026-10-01 to 2026-10-31');
  await invoice.add('Amounts in USD');
  await invoice.add('');
  await invoice.add('Destination,Calls,Amount');
  let total = 0n;
  for (const [k, [dest, d]] of lines.entries()) {
    const amount = d.amountE8 + (k === busiest ? 100_000_000n : 0n);
    total += amount;
    await invoice.add(`"${dest}",${d.calls},${formatAmountE8(amount, 4)}`);
  }
  await invoice.add(`Total,,${formatAmountE8(total, 4)}`);
  await invoice.end();
  return { own: count, carrier: theirs.length };
}
