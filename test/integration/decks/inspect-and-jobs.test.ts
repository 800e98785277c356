import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../core/api/events.ts';
import { count, DECKS, err, ok, openWorkspace, type Workspace } from '../../helpers/workspace.ts';

let ws: Workspace;
beforeEach(async () => {
  ws = openWorkspace();
  ok(await ws.engine.dispatch('carriers.create', { name: 'Acme', settings: { timezone: 'UTC' } }));
});
afterEach(() => ws.cleanup());

/** A plain deck of `rows` distinct prefixes, big enough for a job to report progress. */
function bigDeck(rows: number): string {
  const lines = ['Code,Destination,Rate,Effective Date,Billing Increment'];
  for (let i = 0; i < rows; i++) lines.push(`${4410000 + i},United Kingdom - Fixed,0.0123,2026-11-01,60/60`);
  const path = join(ws.dir, 'big.csv');
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

describe('decks.inspect: what the import wizard shows before anything is read for real', () => {
  it('finds the header under the notes block, the data rows, the mapping and the notes', async () => {
    const r = ok(await ws.engine.dispatch('decks.inspect', { file: join(DECKS, 'acme-notes-block.xlsx') }));
    expect(r.format).toBe('xlsx');
    expect(r.headerRow).toBe(8);
    expect(r.firstRow).toBe(9);
    // The footer ("Prices subject to change…") is below the last data row, not part of it.
    expect(r.lastRow).toBeGreaterThan(r.firstRow!);
    expect(r.tail.some((t) => t.row > r.lastRow!)).toBe(true);
    expect(r.mapping.find((m) => m.field === 'code')?.header).toBe('Codes');
    expect(r.mapping.find((m) => m.field === 'rate')?.header).toBe('Rate (USD/min)');
    expect(r.notes).toEqual({ effective: '2026-11-01T00:00:00Z', currency: 'USD', zone: 'UTC' });
    expect(count(ws.dbPath, 'deck_imports')).toBe(0);
  });

  it('names the encoding and delimiter of a CSV', async () => {
    const r = ok(await ws.engine.dispatch('decks.inspect', { file: join(DECKS, 'eurotel-semicolon.csv') }));
    expect(r).toMatchObject({ format: 'csv', encoding: 'utf-8', delimiter: ';' });
  });
});

describe('long jobs: progress events and cancellation', () => {
  it('reports progress with the job id the caller chose', async () => {
    const events: EngineEvent[] = [];
    ws.engine.on((e) => events.push(e));
    const file = bigDeck(20_000);
    ok(await ws.engine.dispatch('decks.import', { file, carrier: 'Acme', side: 'buy', jobId: 'job-1' }));
    const mine = events.filter((e) => e.jobId === 'job-1');
    expect(mine.map((e) => e.phase)).toContain('reading');
    expect(mine.at(-1)).toMatchObject({ type: 'job.progress', method: 'decks.import', phase: 'done' });
  });

  it('a cancelled import writes nothing, and the same import run again completes', async () => {
    const file = bigDeck(60_000);
    ws.engine.on((e) => {
      if (e.jobId === 'job-2' && e.phase === 'reading' && e.done > 0) void ws.engine.dispatch('jobs.cancel', { jobId: 'job-2' });
    });
    const e = err(await ws.engine.dispatch('decks.import', { file, carrier: 'Acme', side: 'buy', jobId: 'job-2' }));
    expect(e.code).toBe('JOB_CANCELLED');
    expect(count(ws.dbPath, 'deck_imports')).toBe(0);
    expect(count(ws.dbPath, 'rates')).toBe(0);
    const again = ok(await ws.engine.dispatch('decks.import', { file, carrier: 'Acme', side: 'buy', jobId: 'job-3' }));
    expect(again.counts.new).toBe(60_000);
    expect(count(ws.dbPath, 'rates')).toBe(60_000);
  });

  it('cancelling a job that is not running says so', async () => {
    expect(ok(await ws.engine.dispatch('jobs.cancel', { jobId: 'nothing' }))).toEqual({ cancelled: false });
  });

  it('a cancelled export leaves no file behind', async () => {
    ok(await ws.engine.dispatch('decks.import', { file: bigDeck(60_000), carrier: 'Acme', side: 'buy' }));
    const out = join(ws.dir, 'rates.csv');
    ws.engine.on((e) => {
      if (e.jobId === 'job-4') void ws.engine.dispatch('jobs.cancel', { jobId: 'job-4' });
    });
    const e = err(await ws.engine.dispatch('rates.export', { carrier: 'Acme', side: 'buy', at: '2026-11-02', out, jobId: 'job-4' }));
    expect(e.code).toBe('JOB_CANCELLED');
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(ws.dir).filter((f) => f.startsWith('rates.csv'))).toEqual([]);
  });
});
