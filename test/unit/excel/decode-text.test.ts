import { describe, expect, it } from 'vitest';
import { TrunklineError } from '../../../core/api/errors.ts';
import { decodeText } from '../../../core/excel/read-table.ts';

/** Regressions found by the full-budget fuzzing (test/reliability/fuzz, FUZZ_RUNS=5000). */
describe('decodeText: UTF-16 cut inside its last character', () => {
  const decodeOrRefuse = (buf: Buffer) => {
    try {
      return decodeText(buf, 'cut.csv');
    } catch (e) {
      expect(e).toBeInstanceOf(TrunklineError);
      return null;
    }
  };

  it.each([
    { name: 'a lone NUL byte', bytes: [0] },
    { name: 'latin1 "\\ufeff;\\0" (a NUL at an even offset, odd length)', bytes: [0xff, 0x3b, 0x00] },
  ])('$name: text or a TrunklineError, never a RangeError', ({ bytes }) => {
    decodeOrRefuse(Buffer.from(bytes));
  });

  it('keeps the whole characters of an odd-length UTF-16BE file and marks the cut byte', () => {
    const body = `Prefix,Rate\n${'44,0.01\n'.repeat(20)}`;
    const whole = Buffer.from(`\ufeff${body}`, 'utf16le').swap16();
    const r = decodeText(Buffer.concat([whole, Buffer.from([0x00])]), 'be.csv');
    expect(r.encoding).toBe('utf-16be');
    expect(r.text).toBe(`${body}\ufffd`);
  });
});
