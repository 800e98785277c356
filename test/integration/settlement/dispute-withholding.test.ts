import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ok, openWorkspace, type Workspace } from '../../helpers/workspace.ts';
import { PARTNER, setUpOurSide, writePartnerFiles, type Rpc } from '../../helpers/settlement-scenario.ts';

/**
 * What settlement withholds for a dispute, as issue 6's workflow (`disputes.open`, `disputes.set`)
 * records it: each change an event at the instant it is made. A month's figures must not change
 * when a later month's step is recorded.
 */
let ws: Workspace;
let rpc: Rpc;
let now = 0;
const at = (iso: string) => {
  now = Date.parse(iso);
};

beforeEach(async () => {
  at('2026-09-01T08:00:00Z');
  ws = openWorkspace('trunkline-withhold-', () => now);
  rpc = async (method, args) => ok(await ws.engine.dispatch(method as never, args));
  const files = await writePartnerFiles(ws.dir);
  await setUpOurSide(rpc, files);
  await rpc('invoices.issue', { customer: PARTNER, period: '2026-08' });
  await rpc('invoices.import', { file: files.invoiceAugust, carrier: PARTNER });
});
afterEach(() => ws.cleanup());

/** A claim on the extra UK call of NL-2026-08, opened by hand (a draft). */
async function openByHand(amount = '0.279'): Promise<number> {
  const d = (await rpc('disputes.open', {
    carrier: PARTNER, period: '2026-08', invoice: 'NL-2026-08',
    lines: [{ cause: 'volume', destination: 'United Kingdom', prefix: '44', calls: 1, minutes: '31', amount }],
  })) as { id: number; state: string };
  expect(d.state).toBe('draft');
  return d.id;
}

const move = (id: number, state: string, more: Record<string, string> = {}) => rpc('disputes.set', { id, state, ...more });
const fig = async (period: string) => {
  const p = ok(await ws.engine.dispatch('settlement.position', { carrier: PARTNER, period }));
  return { withheld: p.withheld, released: p.released, adjustments: p.adjustments, net: p.net, disputes: p.disputes.map((d) => [d.id, d.state, d.withheld, d.released, d.credit]) };
};

describe('disputes withheld, released and credited, on the real workflow', () => {
  it('a draft withholds nothing; once submitted the claim is withheld from the invoice\'s month', async () => {
    const id = await openByHand();
    expect(await fig('2026-08')).toMatchObject({ withheld: '0.00', net: '0.2516', disputes: [[id, 'draft', '0.00', '0.00', '0.00']] });
    at('2026-09-02T10:00:00Z');
    await move(id, 'submitted');
    expect(await fig('2026-08')).toMatchObject({ withheld: '0.279', net: '0.5306', disputes: [[id, 'submitted', '0.279', '0.00', '0.00']] });
    // A second claim drafted and withdrawn (closed) never touches the figures.
    const withdrawn = await openByHand('0.10');
    at('2026-09-03T10:00:00Z');
    await move(withdrawn, 'closed', { note: 'withdrawn: our own switch was wrong' });
    expect(await fig('2026-08')).toMatchObject({ withheld: '0.279', net: '0.5306' });
    expect(await fig('2026-09')).toMatchObject({ released: '0.00', net: '0.5306' });
  });

  it('a rejected claim is released in the month it is rejected, and stays there when it is written off later', async () => {
    const id = await openByHand();
    at('2026-09-02T10:00:00Z');
    await move(id, 'submitted');
    at('2026-09-20T10:00:00Z');
    await move(id, 'acknowledged');
    at('2026-09-25T10:00:00Z');
    await move(id, 'rejected', { note: 'their switch shows the second call' });
    const september = await fig('2026-09');
    expect(september).toMatchObject({ withheld: '0.00', released: '0.279', adjustments: '0.00', disputes: [[id, 'rejected', '0.00', '0.279', '0.00']] });
    // Written off in October: a step of October, not a rewrite of September's release.
    at('2026-10-03T10:00:00Z');
    await move(id, 'settled', { note: 'written off' });
    expect(await fig('2026-09')).toEqual({ ...september, disputes: [[id, 'settled', '0.00', '0.279', '0.00']] });
    expect(await fig('2026-10')).toMatchObject({ withheld: '0.00', released: '0.00', adjustments: '0.00', disputes: [] });
    const d = ok(await ws.engine.dispatch('settlement.position', { carrier: PARTNER, period: '2026-09' })).disputes[0]!;
    expect(d.resolvedAt).toBe('2026-09-25T10:00:00Z');
  });

  it('a rejected claim escalated again is withheld again from the month it re-opened, until it settles with a credit note', async () => {
    const id = await openByHand();
    at('2026-09-02T10:00:00Z');
    await move(id, 'submitted');
    at('2026-09-20T10:00:00Z');
    await move(id, 'acknowledged');
    at('2026-09-25T10:00:00Z');
    await move(id, 'rejected');
    at('2026-10-02T10:00:00Z');
    await move(id, 'escalated', { note: 'sent to their account manager with the CDRs' });
    at('2026-10-10T10:00:00Z');
    await move(id, 'accepted');
    at('2026-11-16T10:00:00Z');
    await move(id, 'settled', { creditNote: 'CN-NL-1116' });
    expect(await fig('2026-08')).toMatchObject({ withheld: '0.279', released: '0.00', disputes: [[id, 'settled', '0.279', '0.00', '0.00']] });
    expect(await fig('2026-09')).toMatchObject({ withheld: '0.00', released: '0.279', disputes: [[id, 'settled', '0.00', '0.279', '0.00']] });
    expect(await fig('2026-10')).toMatchObject({ withheld: '0.279', released: '0.00', disputes: [[id, 'settled', '0.279', '0.00', '0.00']] });
    expect(await fig('2026-11')).toMatchObject({ withheld: '0.00', released: '0.279', adjustments: '0.279', disputes: [[id, 'settled', '0.00', '0.279', '0.279']] });
    // Over the four months the claim nets to its credit note: 3.7991 − 3.5475 + 0.279.
    expect((await fig('2026-11')).net).toBe('0.5306');
  });
});
