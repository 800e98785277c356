/**
 * The two-way partner of the settlement tests: "Nordlink", both our customer and our vendor,
 * settling in USD, over August and September 2026. Everything on our side goes through the
 * engine's contract (carrier, decks, own CDRs rated on import, invoices, FX, payments); the
 * carrier's invoices and the dispute go through the issue-6 stand-in
 * (test/integration/helpers/vendor-side.ts).
 *
 * Hand-checked figures (sell deck; per call, 4 decimals, half-up):
 *   Aug  A1 447… 3725 s @0.0512 1/1   = 3.17866… → 3.1787
 *        A2 44…  1801 s @0.0123 60/60 = 1860 s → 0.3813
 *        A3 33…   599 s @0.0187 60/60 =  600 s → 0.1870
 *        A4 447…   61 s @0.0512 1/1   = 0.05205… → 0.0521
 *        A5 unanswered                  free
 *        our invoice 3.7991; theirs NL-2026-08 2.64; dispute #1 claims 0.40 (submitted 31 Aug)
 *        net = 3.7991 − 2.64 + 0.40 withheld = 1.5591, the carrier pays us, due 2026-09-30
 *   Sep  S1 447… 1200 s = 1.0240; S2 44… 3599 s → 3600 s = 0.7380 → our invoice 1.762
 *        theirs NL-2026-09 1.10 (not itemised); dispute settled 18 Sep: 0.40 released, 0.25 credit note
 *        payment in 3.00 EUR on 10 Sep at 1.0834 (rate of 1 Sep) = 3.2502 → 3.25 USD; payment out 0.50 USD
 *        net = 1.5591 + 1.762 − 1.10 − 0.40 + 0.25 − 3.25 + 0.50 = −0.6789: we pay the carrier, due 2026-10-30
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { insertVendorInvoice, moveDispute, openDispute } from '../integration/helpers/vendor-side.ts';

export const PARTNER = 'Nordlink';

export const SELL_DECK = `Code,Destination,Rate,Effective Date,Billing Increment
44,United Kingdom,0.0123,2026-01-01,60/60
447,United Kingdom - Mobile,0.0512,2026-01-01,1/1
33,France,0.0187,2026-01-01,60/60
`;

export const BUY_DECK = `Code,Destination,Rate,Effective Date,Billing Increment
44,United Kingdom,0.0090,2026-01-01,60/60
447,United Kingdom - Mobile,0.0400,2026-01-01,1/1
33,France,0.0150,2026-01-01,60/60
`;

export const CDRS = `Call ID,Start Time,Answer Time,A Number,B Number,Duration (sec),Status
A1,2026-08-03 10:00:00,2026-08-03 10:00:05,12025550100,+447700900123,3725,ANSWERED
A2,2026-08-10 12:00:00,2026-08-10 12:00:04,12025550101,442079460000,1801,ANSWERED
A3,2026-08-20 09:30:00,2026-08-20 09:30:06,12025550102,0033155500114,599,ANSWERED
A4,2026-08-31 23:58:00,2026-08-31 23:58:03,12025550103,447700900124,61,ANSWERED
A5,2026-08-31 23:59:30,,12025550104,447700900125,0,NO ANSWER
S1,2026-09-01 00:00:30,2026-09-01 00:00:32,12025550105,447700900126,1200,ANSWERED
S2,2026-09-15 18:00:00,2026-09-15 18:00:05,12025550106,442079460001,3599,ANSWERED
`;

export type Rpc = (method: string, args: Record<string, unknown>) => Promise<unknown>;

export interface PartnerFiles {
  sellDeck: string;
  buyDeck: string;
  cdrs: string;
}

export function writePartnerFiles(dir: string): PartnerFiles {
  const files = { sellDeck: join(dir, 'nordlink-sell.csv'), buyDeck: join(dir, 'nordlink-buy.csv'), cdrs: join(dir, 'switch-aug-sep.csv') };
  writeFileSync(files.sellDeck, SELL_DECK);
  writeFileSync(files.buyDeck, BUY_DECK);
  writeFileSync(files.cdrs, CDRS);
  return files;
}

/** Our side, through the contract: the carrier, both decks, the own CDRs (rated on both sides as imported). */
export async function setUpPartner(rpc: Rpc, files: PartnerFiles): Promise<void> {
  await rpc('carriers.create', {
    name: PARTNER,
    settings: { roles: 'both', currency: 'USD', timezone: 'UTC', rounding: { level: 'per-call', decimals: 4, mode: 'half-up' }, paymentTermsDays: 30 },
  });
  await rpc('decks.import', { file: files.sellDeck, carrier: PARTNER, side: 'sell', received: '2025-12-01' });
  await rpc('decks.import', { file: files.buyDeck, carrier: PARTNER, side: 'buy', received: '2025-12-01' });
  await rpc('cdrs.import', { file: files.cdrs, carrier: PARTNER, source: 'own', timezone: 'UTC' });
}

/** The carrier's invoices for both months and the dispute on August's, submitted on 31 August (issue-6 stand-in). */
export function vendorSide(dbPath: string): { disputeId: number } {
  insertVendorInvoice(dbPath, {
    carrier: PARTNER, number: 'NL-2026-08', from: '2026-08-01T00:00:00Z', to: '2026-09-01T00:00:00Z', currency: 'USD', issuedOn: '2026-08-31', total: '2.64',
    lines: [
      { prefix: '447', destination: 'United Kingdom - Mobile', calls: 2, minutes: '63.1', rate: '0.04', amount: '2.30' },
      { prefix: '44', destination: 'United Kingdom', calls: 2, minutes: '37.8', rate: '0.009', amount: '0.34' },
    ],
  });
  const disputeId = openDispute(dbPath, { carrier: PARTNER, invoice: 'NL-2026-08', claimed: '0.40', currency: 'USD', submittedAt: '2026-08-31T12:00:00Z' });
  insertVendorInvoice(dbPath, { carrier: PARTNER, number: 'NL-2026-09', from: '2026-09-01T00:00:00Z', to: '2026-10-01T00:00:00Z', currency: 'USD', issuedOn: '2026-09-30', total: '1.10' });
  return { disputeId };
}

/** Settles the dispute on 18 September: 0.25 agreed, credit note CN-NL-0918. */
export function settleDispute(dbPath: string, id: number): void {
  moveDispute(dbPath, id, { to: 'acknowledged', at: '2026-09-05T09:00:00Z' });
  moveDispute(dbPath, id, { to: 'partially-accepted', at: '2026-09-12T09:00:00Z', agreed: '0.25' });
  moveDispute(dbPath, id, { to: 'settled', at: '2026-09-18T10:00:00Z', agreed: '0.25', creditNote: 'CN-NL-0918' });
}

/** FX rates around the EUR payment: only the rate of 1 September is the latest on or before 10 September. */
export async function fxAndPayments(rpc: Rpc): Promise<void> {
  await rpc('fx.set', { from: 'EUR', to: 'USD', rate: '1.05', date: '2026-08-01' });
  await rpc('fx.set', { from: 'EUR', to: 'USD', rate: '1.0834', date: '2026-09-01' });
  await rpc('fx.set', { from: 'EUR', to: 'USD', rate: '1.1', date: '2026-09-15' });
  await rpc('payments.add', { carrier: PARTNER, direction: 'in', amount: '3.00', currency: 'EUR', date: '2026-09-10', reference: 'SEPA NL-0910' });
  await rpc('payments.add', { carrier: PARTNER, direction: 'out', amount: '0.50', currency: 'USD', date: '2026-09-25', reference: 'WIRE 0925' });
}
