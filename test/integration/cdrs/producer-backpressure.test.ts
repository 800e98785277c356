import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CdrProducer, type BatchMessage } from '../../../core/cdrs/produce.ts';
import { ok, openWorkspace, type Workspace } from '../../helpers/workspace.ts';

/**
 * The reader of a CDR import must wait for the writer: when the writer says it is behind, the file
 * stops being read, or a slow disk or a busy machine would let a large file fill memory (a 10M-call
 * file ran its reader out of its heap before this was fixed).
 */
let ws: Workspace;
beforeEach(() => {
  ws = openWorkspace();
});
afterEach(() => ws.cleanup());

describe('the CDR reader under back-pressure', () => {
  it('stops reading the file while the writer is behind, and goes on when told', async () => {
    ok(await ws.engine.dispatch('carriers.create', { name: 'V', settings: { roles: 'vendor' } }));
    const carriers = ok(await ws.engine.dispatch('carriers.list', {}));
    const file = join(ws.dir, 'big.csv');
    const lines = ['call_id,start,called,duration'];
    for (let i = 0; i < 200_000; i++) lines.push(`call-${i},2026-03-01 ${String(Math.floor(i / 3600) % 24).padStart(2, '0')}:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')},4420794${String(i).padStart(5, '0')},${i % 300}`);
    writeFileSync(file, lines.join('\n') + '\n');
    const header = lines[0]!.split(',');
    let batches = 0;
    let rows = 0;
    const producer = new CdrProducer({
      path: file, file: 'big.csv', delimiter: ',', encoding: 'utf-8', crOnly: false, format: 'generic', hasHeader: true, header, zone: 'UTC', map: {},
      carrierId: carriers[0]!.id, carriers, skipBadRows: false, maxProblems: 10,
    }, ws.engine.context.db, (m: BatchMessage) => {
      batches++;
      rows = m.rowsRead;
      return false; // always behind
    });
    const done = producer.run();
    await new Promise((r) => setTimeout(r, 400));
    // One chunk of the file was parsed, and the stream was paused: ~1 MiB read of ~9 MiB.
    const stalled = rows;
    expect(batches).toBeGreaterThan(0);
    expect(stalled).toBeLessThan(200_000);
    expect(producer.bytesRead()).toBeLessThan(4 * 1024 * 1024);
    await new Promise((r) => setTimeout(r, 200));
    expect(rows).toBe(stalled);
    // Resumed each time it pauses, it reads to the end.
    const timer = setInterval(() => producer.resume(), 1);
    const end = await done;
    clearInterval(timer);
    expect(end.rowsRead).toBe(200_000);
  });
});
