import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_DURATION_MS, parseDurationMs, type DurationUnit } from '../../../core/cdrs/durations.ts';

describe('parseDurationMs', () => {
  const cases: { name: string; input: string; unit: DurationUnit; expected: number | string }[] = [
    // Bare numbers
    { name: 'seconds by default', input: '125', unit: 'auto', expected: 125_000 },
    { name: 'seconds, strict', input: '125', unit: 's', expected: 125_000 },
    { name: 'zero', input: '0', unit: 's', expected: 0 },
    { name: 'fractional seconds', input: '125.5', unit: 'auto', expected: 125_500 },
    { name: 'fractional seconds, strict unit', input: '125.5', unit: 's', expected: 125_500 },
    { name: 'decimal comma', input: '125,25', unit: 'auto', expected: 125_250 },
    { name: 'sub-ms rounds half up', input: '1.0005', unit: 's', expected: 1001 },
    { name: 'sub-ms rounds down', input: '1.0004999', unit: 's', expected: 1000 },
    { name: 'many fraction digits', input: '1.99999999999', unit: 's', expected: 2000 },
    { name: 'milliseconds', input: '125000', unit: 'ms', expected: 125_000 },
    { name: 'fractional milliseconds', input: '125000.5', unit: 'ms', expected: 125_001 },
    { name: 'Go: bare integer is nanoseconds', input: '45000000000', unit: 'go', expected: 45_000 },
    { name: 'Go: nanoseconds round half up', input: '1500000', unit: 'go', expected: 2 },
    { name: 'leading plus', input: '+60', unit: 'auto', expected: 60_000 },
    { name: 'spaces around', input: ' 60 ', unit: 's', expected: 60_000 },
    // Clock forms
    { name: 'hh:mm:ss', input: '00:02:05', unit: 'auto', expected: 125_000 },
    { name: 'm:ss', input: '2:05', unit: 'auto', expected: 125_000 },
    { name: 'h:mm:ss.fff', input: '1:02:05.250', unit: 'auto', expected: 3_725_250 },
    { name: 'mm:ss with long minutes', input: '90:00', unit: 'auto', expected: 5_400_000 },
    { name: 'hours past a day', input: '47:59:59', unit: 'auto', expected: 172_799_000 },
    { name: 'clock in Go mode', input: '0:01:01', unit: 'go', expected: 61_000 },
    // Go durations (CGRateS)
    { name: 'minutes', input: '5m', unit: 'auto', expected: 300_000 },
    { name: 'seconds suffix', input: '300s', unit: 'auto', expected: 300_000 },
    { name: 'minutes and seconds', input: '1m30s', unit: 'auto', expected: 90_000 },
    { name: 'Go String() form', input: '5m0s', unit: 'go', expected: 300_000 },
    { name: 'h m s', input: '1h2m3s', unit: 'go', expected: 3_723_000 },
    { name: 'milliseconds suffix', input: '250ms', unit: 'auto', expected: 250 },
    { name: 'fractional seconds suffix', input: '1.5s', unit: 'go', expected: 1500 },
    { name: 'fractional seconds in a compound', input: '1m30.5s', unit: 'go', expected: 90_500 },
    { name: 'fractional hour', input: '1.5h', unit: 'go', expected: 5_400_000 },
    { name: 'microseconds', input: '1500us', unit: 'go', expected: 2 },
    { name: 'micro sign', input: '2500µs', unit: 'go', expected: 3 },
    { name: 'nanoseconds suffix', input: '999999ns', unit: 'go', expected: 1 },
    { name: 'zero seconds', input: '0s', unit: 'go', expected: 0 },
    { name: 'seconds and ms', input: '2s500ms', unit: 'go', expected: 2500 },
    // Errors
    { name: 'empty', input: '', unit: 'auto', expected: 'empty duration' },
    { name: 'blank', input: '   ', unit: 's', expected: 'empty duration' },
    { name: 'negative', input: '-5', unit: 'auto', expected: 'negative duration' },
    { name: 'negative clock', input: '-0:05', unit: 'auto', expected: 'negative duration' },
    { name: 'over 48 hours, seconds', input: '172801', unit: 's', expected: 'longer than 48 hours' },
    { name: 'exactly 48 hours', input: '172800', unit: 's', expected: MAX_DURATION_MS },
    { name: 'over 48 hours, clock', input: '48:00:01', unit: 'auto', expected: 'longer than 48 hours' },
    { name: 'over 48 hours, Go', input: '49h', unit: 'go', expected: 'longer than 48 hours' },
    { name: 'ms file read as seconds', input: '1250000', unit: 's', expected: 'longer than 48 hours' },
    { name: 'absurdly long number', input: '99999999999999999999', unit: 's', expected: 'longer than 48 hours' },
    { name: 'clock in a strict seconds column', input: '2:05', unit: 's', expected: 'not a whole number of seconds' },
    { name: 'suffix in a strict ms column', input: '5m', unit: 'ms', expected: 'not a whole number of milliseconds' },
    { name: 'words', input: 'five', unit: 'auto', expected: 'not a duration' },
    { name: 'seconds past 59', input: '2:75', unit: 'auto', expected: 'seconds past 59' },
    { name: 'minutes past 59', input: '1:75:00', unit: 'auto', expected: 'minutes past 59' },
    { name: 'four clock parts', input: '1:2:3:4', unit: 'auto', expected: 'not a duration' },
    { name: 'unknown unit', input: '5d', unit: 'go', expected: 'unknown duration unit' },
    { name: 'units out of order', input: '30s1m', unit: 'go', expected: 'duration units out of order' },
    { name: 'repeated unit', input: '1m1m', unit: 'go', expected: 'duration units out of order' },
    { name: 'nanoseconds with a fraction', input: '1.5', unit: 'go', expected: 'nanoseconds cannot have a fraction' },
    { name: 'dangling dot', input: '12.', unit: 'auto', expected: 'not a duration' },
  ];
  it.each(cases)('$name: "$input" ($unit)', ({ input, unit, expected }) => {
    expect(parseDurationMs(input, unit)).toBe(expected);
  });

  it('whole seconds, clock form and Go form agree (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 172_800 }), (s) => {
        const h = Math.floor(s / 3600);
        const m = Math.floor(s / 60) % 60;
        const sec = s % 60;
        const clock = `${h}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}`;
        const go = `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${sec || s === 0 ? `${sec}s` : ''}`;
        expect(parseDurationMs(String(s), 's')).toBe(s * 1000);
        expect(parseDurationMs(clock, 'auto')).toBe(s * 1000);
        expect(parseDurationMs(go, 'go')).toBe(s * 1000);
        expect(parseDurationMs(String(s * 1_000_000_000), 'go')).toBe(s * 1000);
      }),
      { seed: 42, numRuns: 2000 },
    );
  });

  it('always an integer (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 172_799 }), fc.integer({ min: 0, max: 999_999 }), (s, frac) => {
        const r = parseDurationMs(`${s}.${String(frac).padStart(6, '0')}`, 'auto');
        expect(Number.isInteger(r)).toBe(true);
        expect(r).toBe(s * 1000 + Math.floor((frac + 500) / 1000));
      }),
      { seed: 43, numRuns: 2000 },
    );
  });
});
