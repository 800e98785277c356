import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import ExcelJS from 'exceljs';
import { Decimal } from 'decimal.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { err, ok, openWorkspace, query, type Workspace } from '../../helpers/workspace.ts';
import { loadReconBasic, SCENARIO } from './scenario.ts';

let ws: Workspace;
beforeEach(() => {
  ws = openWorkspace();
});
afterEach(() => ws.cleanup());

const expected = JSON.parse(readFileSync(join(SCENARIO, 'expected.json'), 'utf8')) as Record<string, unknown>;

describe('recon-basic: every class and cause, adding up exactly', () => {
  it('finds the expected classes, causes and totals', async () => {
    await loadReconBasic(ws.engine);
    const r = ok(await ws.engine.dispatch('reconcile.run', { carrier: 'Voxa', period: '2026-09' }));
    expect(r).toMatchObject(expected);
    expect(r.level).toBe('cdr');
    expect(r.invoice).toBe('VX-2026-09');
    const sum = r.causes.reduce((s, c) => s.plus(c.amount), new Decimal(0));
    expect(sum.equals(new Decimal(r.variance))).toBe(true);
    expect(new Decimal(r.invoiceTotal).minus(r.expectedTotal).equals(r.variance)).toBe(true);
    // Proposed: carrier-only France, duplicate and notice on UK Mobile, duration France, rate UK London; not the 0.0003 duration on UK Mobile.
    const proposed = r.items.filter((i) => i.proposed).map((i) => `${i.cause}/${i.destination}/${i.amount}`).sort();
    expect(proposed).toEqual(['carrier-only/France/0.05', 'duplicate/UK Mobile/0.04', 'duration/France/0.0075', 'notice-violation/UK Mobile/0.01', 'rate/UK London/0.005']);
    expect(r.items.find((i) => i.cause === 'duration' && i.destination === 'UK Mobile')).toMatchObject({ amount: '0.0003', proposed: false });
    // Summary lines: each invoice line against our figures for the destination.
    const uk = r.lines.find((l) => l.destination === 'UK Mobile')!;
    expect(uk).toMatchObject({ side: 'both', invoiceCalls: 5, ownCalls: 4, invoiceAmount: '0.1703', ownAmount: '0.11', amountVariance: '0.0603', material: true });
    expect(r.lines.find((l) => l.destination === 'UK London')).toMatchObject({ invoiceAmount: '0.015', ownAmount: '0.03', amountVariance: '-0.015', material: false });
    // Discrepancies: every non-exact pair stored and paged by class.
    const page = ok(await ws.engine.dispatch('reconcile.discrepancies', { id: r.id, class: 'rateMismatch', startRow: 0, endRow: 100 }));
    expect(page.rows.map((x) => x.called).sort()).toEqual(['442071000007', '447700900008']);
    expect(page.lastRow).toBe(2);
  });

  it('is stored, re-openable and re-runnable after new data', async () => {
    await loadReconBasic(ws.engine);
    const r = ok(await ws.engine.dispatch('reconcile.run', { carrier: 'Voxa', period: '2026-09', timeTolerance: 2, durationTolerance: 1 }));
    expect(ok(await ws.engine.dispatch('reconcile.get', { id: r.id }))).toEqual(r);
    expect(ok(await ws.engine.dispatch('reconcile.list', { carrier: 'Voxa' }))).toHaveLength(1);
    // A wider duration tolerance turns the 30 s difference into "within tolerance"; the money is the same.
    const wide = ok(await ws.engine.dispatch('reconcile.run', { carrier: 'Voxa', period: '2026-09', durationTolerance: 60 }));
    expect(wide.classes.durationMismatch).toBe(0);
    expect(wide.classes.withinTolerance).toBe(2);
    expect(wide.variance).toBe(r.variance);
    const again = ok(await ws.engine.dispatch('reconcile.run', { carrier: 'Voxa', rerun: r.id }));
    expect(again.rerunOf).toBe(r.id);
    expect(again.classes).toEqual(r.classes);
    expect(err(await ws.engine.dispatch('reconcile.get', { id: 999 })).code).toBe('RECONCILIATION_NOT_FOUND');
  });

  it('without carrier CDRs reconciles at summary level, still adding up', async () => {
    ok(await ws.engine.dispatch('carriers.create', { name: 'Voxa', settings: { roles: 'vendor', timezone: 'UTC', rounding: { level: 'per-call', decimals: 4, mode: 'half-up' }, disputeThreshold: { absolute: '0.005', percent: '1' } } }));
    ok(await ws.engine.dispatch('decks.import', { file: join(SCENARIO, 'deck-v1.csv'), carrier: 'Voxa', side: 'buy', received: '2026-07-20' }));
    ok(await ws.engine.dispatch('decks.import', { file: join(SCENARIO, 'deck-v2-increase.csv'), carrier: 'Voxa', side: 'buy', mode: 'partial', received: '2026-09-08' }));
    ok(await ws.engine.dispatch('cdrs.import', { file: join(SCENARIO, 'own-cdrs.csv'), carrier: 'Voxa', source: 'own' }));
    ok(await ws.engine.dispatch('invoices.import', { file: join(SCENARIO, 'invoice.csv'), carrier: 'Voxa' }));
    const r = ok(await ws.engine.dispatch('reconcile.run', { carrier: 'Voxa', period: '2026-09' }));
    expect(r.level).toBe('summary');
    expect(r.variance).toBe('0.1027');
    const sum = r.causes.reduce((s, c) => s.plus(c.amount), new Decimal(0));
    expect(sum.toString()).toBe('0.1027');
    expect(r.causes.map((c) => c.cause)).toContain('notice-violation');
    expect(Object.values(r.classes).every((n) => n === 0)).toBe(true);
  });

  it('exports the run to XLSX: summary, lines, causes, and the CDR discrepancies by class', async () => {
    await loadReconBasic(ws.engine);
    const r = ok(await ws.engine.dispatch('reconcile.run', { carrier: 'Voxa', period: '2026-09' }));
    const out = join(ws.dir, 'recon.xlsx');
    const x = ok(await ws.engine.dispatch('reconcile.export', { id: r.id, out }));
    expect(x.sheets).toEqual(['Summary', 'Lines', 'Causes', 'Disputable', 'withinTolerance', 'durationMismatch', 'carrierOnly', 'ownOnly', 'duplicate', 'rateMismatch']);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(out);
    const causes = wb.getWorksheet('Causes')!;
    const rows = causes.getSheetValues().slice(2).map((v) => (v as unknown[]).slice(1, 3));
    expect(rows.at(-1)).toEqual(['total variance', 0.1027]);
    expect(rows.find((v) => v[0] === 'notice-violation')).toEqual(['notice-violation', 0.01]);
    const dup = wb.getWorksheet('duplicate')!;
    expect(dup.rowCount).toBe(2);
    expect(dup.getRow(2).getCell(3).value).toBe('447700900001');
    const lines = wb.getWorksheet('Lines')!;
    expect(lines.getRow(1).values).toContain('amount_variance');
  });
});

describe('disputes: from a reconciliation through the whole workflow', () => {
  it('opens with the proposed lines and their CDR evidence, moves through the states, refuses the rest', async () => {
    await loadReconBasic(ws.engine);
    const r = ok(await ws.engine.dispatch('reconcile.run', { carrier: 'Voxa', period: '2026-09' }));
    const d = ok(await ws.engine.dispatch('disputes.open', { reconciliation: r.id, allProposed: true }));
    expect(d).toMatchObject({ state: 'draft', claimed: '0.1125', carrier: 'Voxa', invoice: 'VX-2026-09', period: '2026-09', ageDays: null });
    expect(d.lines).toHaveLength(5);
    expect(d.lines.find((l) => l.cause === 'duplicate')).toMatchObject({ destination: 'UK Mobile', calls: 1, claimed: '0.04', evidenceCount: 1 });
    expect(d.evidence.find((e) => e.class === 'duplicate')).toMatchObject({ called: '447700900001', charged: '0.04' });
    expect(d.next).toEqual(['submitted', 'closed']);
    const bad = err(await ws.engine.dispatch('disputes.set', { id: d.id, state: 'settled' }));
    expect(bad.code).toBe('DISPUTE_INVALID_TRANSITION');
    ok(await ws.engine.dispatch('disputes.set', { id: d.id, state: 'submitted', note: 'sent to billing@voxa.example' }));
    ok(await ws.engine.dispatch('disputes.set', { id: d.id, state: 'acknowledged' }));
    expect(err(await ws.engine.dispatch('disputes.set', { id: d.id, state: 'partially-accepted' })).code).toBe('DISPUTE_AMOUNT_INVALID');
    expect(err(await ws.engine.dispatch('disputes.set', { id: d.id, state: 'partially-accepted', agreed: '0.2' })).code).toBe('DISPUTE_AMOUNT_INVALID');
    ok(await ws.engine.dispatch('disputes.set', { id: d.id, state: 'partially-accepted', agreed: '0.09', note: 'duration items refused' }));
    expect(err(await ws.engine.dispatch('disputes.set', { id: d.id, state: 'settled' })).code).toBe('DISPUTE_AMOUNT_INVALID');
    ok(await ws.engine.dispatch('disputes.set', { id: d.id, state: 'settled', creditNote: 'CN-7781' }));
    const closed = ok(await ws.engine.dispatch('disputes.set', { id: d.id, state: 'closed' }));
    expect(closed).toMatchObject({ state: 'closed', agreed: '0.09', creditNote: 'CN-7781', ageDays: 0 });
    expect(closed.events.map((e) => `${e.fromState ?? ''}>${e.toState}`)).toEqual([
      '>draft', 'draft>submitted', 'submitted>acknowledged', 'acknowledged>partially-accepted', 'partially-accepted>settled', 'settled>closed',
    ]);
    expect(closed.events[1]).toMatchObject({ actor: 'tester', note: 'sent to billing@voxa.example' });
    expect(closed.next).toEqual([]);
    // Settlement reads these columns directly.
    expect(query(ws.dbPath, 'SELECT state, claimed_e8, agreed_e8, credit_note, settled_at_ms IS NOT NULL AS settled FROM disputes')[0]).toEqual({
      state: 'closed', claimed_e8: 11_250_000, agreed_e8: 9_000_000, credit_note: 'CN-7781', settled: 1,
    });
    const out = join(ws.dir, 'dispute.xlsx');
    const x = ok(await ws.engine.dispatch('disputes.export', { id: d.id, out }));
    expect(x).toMatchObject({ lines: 5 });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(out);
    expect(wb.worksheets.map((s) => s.name)).toEqual(['Summary', 'Lines', 'Evidence']);
    const letter = wb.getWorksheet('Summary')!.getSheetValues().flat().join(' ');
    expect(letter).toContain('We dispute 0.1125 USD of invoice VX-2026-09');
    expect(wb.getWorksheet('Evidence')!.rowCount).toBe(1 + x.evidence);
  });

  it('keeps the event history append-only: the database refuses UPDATE and DELETE', async () => {
    await loadReconBasic(ws.engine);
    const r = ok(await ws.engine.dispatch('reconcile.run', { carrier: 'Voxa', period: '2026-09' }));
    const d = ok(await ws.engine.dispatch('disputes.open', { reconciliation: r.id, allProposed: true }));
    const db = new Database(ws.dbPath);
    try {
      expect(() => db.prepare('UPDATE dispute_events SET note = ? WHERE dispute_id = ?').run('rewritten', d.id)).toThrow(/append-only/);
      expect(() => db.prepare('DELETE FROM dispute_events WHERE dispute_id = ?').run(d.id)).toThrow(/append-only/);
      expect(() => db.prepare('DELETE FROM dispute_evidence WHERE dispute_id = ?').run(d.id)).toThrow(/append-only/);
    } finally {
      db.close();
    }
    expect(ok(await ws.engine.dispatch('disputes.get', { id: d.id })).events).toHaveLength(1);
  });

  it('opens by hand, lists and filters by carrier, state, age and amount', async () => {
    await loadReconBasic(ws.engine);
    const d = ok(await ws.engine.dispatch('disputes.open', { carrier: 'Voxa', period: '2026-09', invoice: 'VX-2026-09', lines: [{ cause: 'rate', destination: 'UK Mobile', calls: 2, minutes: '2', amount: '1.50' }] }));
    expect(d.claimed).toBe('1.50');
    ok(await ws.engine.dispatch('disputes.set', { id: d.id, state: 'submitted' }));
    expect(ok(await ws.engine.dispatch('disputes.list', { state: 'submitted' }))).toHaveLength(1);
    expect(ok(await ws.engine.dispatch('disputes.list', { state: 'draft' }))).toHaveLength(0);
    expect(ok(await ws.engine.dispatch('disputes.list', { minAmount: '2' }))).toHaveLength(0);
    expect(ok(await ws.engine.dispatch('disputes.list', { minAgeDays: 0, carrier: 'Voxa' }))).toHaveLength(1);
    expect(ok(await ws.engine.dispatch('disputes.list', { minAgeDays: 1 }))).toHaveLength(0);
    expect(err(await ws.engine.dispatch('disputes.open', { reconciliation: 42, allProposed: true })).code).toBe('RECONCILIATION_NOT_FOUND');
  });
});
