import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prng } from '../../../bench/generate.ts';
import { ROOT } from '../../helpers/workspace.ts';
import { BUDGET, FULL } from '../helpers/budget.ts';
import { ensureCliBuilt, runCli } from '../helpers/cli.ts';
import { checkDbFile, samePrint, type Fingerprint } from '../helpers/fingerprint.ts';
import { OPERATIONS, makeStage, stageDb, type Stage } from './operations.ts';

/**
 * Kills the real CLI (SIGKILL, no chance to clean up) at seeded random instants inside each
 * operation, on a fresh copy of the same prepared workspace each time, then checks the file:
 * integrity, foreign keys, and content equal to the state before or the state after the job,
 * never in between. A job killed before it committed is run again and must reach the after-state.
 */
let work: string;
let stage: Stage;

beforeAll(async () => {
  ensureCliBuilt();
  work = mkdtempSync(join(tmpdir(), 'trunkline-crash-'));
  stage = await makeStage(work, BUDGET.deckRows, BUDGET.cdrRows, BUDGET.seed, BUDGET.reconRows);
}, 600_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

function fresh(from: string, to: string): void {
  for (const f of [to, `${to}-wal`, `${to}-shm`, `${to}-journal`]) rmSync(f, { force: true });
  copyFileSync(from, to);
}

function expectSound(dbPath: string, what: string): Fingerprint {
  const c = checkDbFile(dbPath);
  expect(c.integrity, `${what}: integrity_check`).toBe('ok');
  expect(c.foreignKeyViolations, `${what}: foreign_key_check`).toBe(0);
  return c.fingerprint;
}

interface Summary {
  operation: string; scale: string; kills: number; completedBeforeKill: number; leftBefore: number; leftAfter: number;
  reruns: number; cleanRunMs: number; totalMs: number;
  /** Rows per table before and after a clean run, for the tables it changes. */
  changed: Record<string, { before: number; after: number }>;
}

describe.each(OPERATIONS.map((op, index) => ({ op, index })))('crash safety: $op.name', ({ op, index }) => {
  it(`survives ${BUDGET.kills} SIGKILLs at random points: before- or after-state, never between; a re-run completes it`, async () => {
    const t0 = performance.now();
    const base = await stageDb(stage, op.stage);
    const args = await op.args(stage);
    const trial = join(work, 'trial.db');
    const cli = (extra: { killAfterMs?: number } = {}) => runCli(['--db', trial, '--json', ...args], { cwd: work, ...extra });

    fresh(base, trial);
    const before = expectSound(trial, 'before');
    const clean = await cli();
    expect(clean.code, clean.stderr + clean.stdout.slice(0, 2000)).toBe(0);
    const after = expectSound(trial, 'after a clean run');
    expect(samePrint(before, after), 'the operation changes the workspace').toBe(false);
    const changed = Object.keys(after).filter((t) => JSON.stringify(after[t]) !== JSON.stringify(before[t]));
    for (const t of op.writes) expect(changed, `the fingerprint sees the operation's change to ${t}`).toContain(t);

    // Kills land between the CLI's start-up (loading the bundle: the file is not open yet) and a bit
    // past the clean run's end, uniformly.
    const idle = await runCli(['--version'], { cwd: work });
    const from = Math.min(idle.ms * 0.8, clean.ms / 2);
    const rnd = prng(BUDGET.seed + index * 7919);
    const s: Summary = {
      operation: op.name, scale: op.stage === 'recon' ? `${stage.deckRows} prefixes, ${stage.reconRows} own CDRs + the vendor's file and invoice` : `${stage.deckRows} prefixes, ${stage.cdrRows} CDRs`, kills: 0, completedBeforeKill: 0,
      leftBefore: 0, leftAfter: 0, reruns: 0, cleanRunMs: Math.round(clean.ms), totalMs: 0,
      changed: Object.fromEntries(changed.map((t) => [t, { before: before[t]?.rows ?? 0, after: after[t]!.rows }])),
    };
    // Written after every kill too (…-progress.json), so a long full-budget run cut short still says how far it got.
    const dir = join(ROOT, 'test-results', 'reliability');
    mkdirSync(dir, { recursive: true });
    const progress = () => writeFileSync(join(dir, `crash-${index + 1}-progress.json`), JSON.stringify({ ...s, totalMs: Math.round(performance.now() - t0) }, null, 2));
    // The window follows the fastest complete run seen (the clean run, a run that beat its kill, a
    // re-run): on a shared machine the clean run may have been slowed by load, and kills drawn past
    // the real end of the job would test nothing.
    let runMs = clean.ms;
    for (let attempt = 0; s.kills < BUDGET.kills && attempt < BUDGET.kills * 4; attempt++, progress()) {
      const delay = Math.round(from + rnd() * Math.max(1, runMs * 1.1 - from));
      fresh(base, trial);
      const run = await cli({ killAfterMs: delay });
      const what = `kill #${s.kills + 1} at ${delay} ms of ~${Math.round(runMs)} ms`;
      if (run.signal !== 'SIGKILL') {
        expect(run.code, `${what}: finished first, so it must have succeeded: ${run.stderr}`).toBe(0);
        expect(samePrint(expectSound(trial, what), after), `${what}: finished, so the after-state`).toBe(true);
        s.completedBeforeKill++;
        runMs = Math.min(runMs, run.ms);
        continue;
      }
      s.kills++;
      const got = expectSound(trial, what);
      const isBefore = samePrint(got, before);
      const isAfter = samePrint(got, after);
      expect(isBefore || isAfter, `${what}: the workspace is neither the before- nor the after-state: ${JSON.stringify({ got, before, after })}`).toBe(true);
      if (isAfter) {
        s.leftAfter++;
        continue;
      }
      s.leftBefore++;
      if ((s.leftBefore - 1) % BUDGET.rerunEvery !== 0) continue;
      const again = await cli();
      expect(again.code, `${what}: the re-run failed: ${again.stderr}`).toBe(0);
      expect(samePrint(expectSound(trial, `${what}, re-run`), after), `${what}: the re-run reaches the after-state`).toBe(true);
      s.reruns++;
      runMs = Math.min(runMs, again.ms);
    }
    expect(s.kills).toBe(BUDGET.kills);
    s.totalMs = Math.round(performance.now() - t0);
    writeFileSync(join(dir, `crash-${index + 1}.json`), JSON.stringify(s, null, 2));
    console.log(`[crash] ${op.name}: ${s.kills} kills survived (${s.leftBefore} before, ${s.leftAfter} after, ${s.reruns} re-runs to the after-state, ${s.completedBeforeKill} finished first); clean run ${s.cleanRunMs} ms; ${s.scale}; rows before → after: ${Object.entries(s.changed).map(([t, c]) => `${t} ${c.before} → ${c.after}`).join(', ')}${FULL ? ' (full budget)' : ''}`);
  }, FULL ? 4 * 3_600_000 : 900_000);
});
