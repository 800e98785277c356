import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { integerText } from '../../../core/cdrs/row-batch.ts';

describe('integerText (a number that can travel to SQLite as an integer)', () => {
  it('is the integer exactly when the text is its decimal form', () => {
    expect(integerText('442080')).toBe(442080);
    expect(integerText('999999999999999')).toBe(999999999999999);
    for (const t of ['', '0', '0123', '+44', '44 20', '4420a', '1234567890123456', '1e5', '12.5', '-1']) expect(integerText(t)).toBeNaN();
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom('0', '1', '5', '9', '+', ' ', 'x'), maxLength: 18 }), (t) => {
      const v = integerText(t);
      // Whenever it gives a number, that number's text is the input: what SQLite's text affinity will store.
      if (!Number.isNaN(v)) expect(String(v)).toBe(t);
      else expect(/^[1-9][0-9]{0,14}$/.test(t)).toBe(false);
    }), { numRuns: 5000 });
  });
});
