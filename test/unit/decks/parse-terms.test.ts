import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ChangeClass } from '../../../core/api/contract.ts';
import { parseChangeWord, parseIncrement, parseSeconds, type Increment } from '../../../core/decks/parse-terms.ts';

describe('parseIncrement', () => {
  it.each([
    { name: '60/60', input: '60/60', expected: { first: 60, next: 60 } },
    { name: '1/1', input: '1/1', expected: { first: 1, next: 1 } },
    { name: '30/6', input: '30/6', expected: { first: 30, next: 6 } },
    { name: 'plus separator', input: '60+60', expected: { first: 60, next: 60 } },
    { name: 'dash separator', input: '60-1', expected: { first: 60, next: 1 } },
    { name: 'colon separator', input: '30:6', expected: { first: 30, next: 6 } },
    { name: 'x separator', input: '1x1', expected: { first: 1, next: 1 } },
    { name: 'spaces and a unit', input: '1 / 1 s', expected: { first: 1, next: 1 } },
    { name: 'units on both parts', input: '60 sec/60 sec', expected: { first: 60, next: 60 } },
    { name: 'secs and seconds', input: '30secs / 6 seconds', expected: { first: 30, next: 6 } },
    { name: 'upper-case unit', input: '60S/60S', expected: { first: 60, next: 60 } },
    { name: 'a single number means both', input: '60', expected: { first: 60, next: 60 } },
    { name: 'a single number with a unit', input: '6 s', expected: { first: 6, next: 6 } },
    { name: 'surrounding whitespace', input: '  30/6  ', expected: { first: 30, next: 6 } },
    { name: 'an hour is the longest', input: '3600/3600', expected: { first: 3600, next: 3600 } },
  ] satisfies { name: string; input: string; expected: Increment }[])('$name', ({ input, expected }) => {
    expect(parseIncrement(input)).toEqual(expected);
  });

  it.each([
    { name: 'zero first part', input: '0/60', expected: 'billing increment "0/60" must be at least 1 second' },
    { name: 'zero next part', input: '60/0', expected: 'billing increment "60/0" must be at least 1 second' },
    { name: 'zero alone', input: '0', expected: 'billing increment "0" must be at least 1 second' },
    { name: 'longer than an hour', input: '3601/1', expected: 'billing increment "3601/1" is longer than an hour' },
    { name: 'next part longer than an hour', input: '1/7200', expected: 'billing increment "1/7200" is longer than an hour' },
    { name: 'empty', input: '', expected: '"" is not a billing increment (write a/b, e.g. 60/60)' },
    { name: 'words', input: 'per second', expected: '"per second" is not a billing increment (write a/b, e.g. 60/60)' },
    { name: 'three parts', input: '60/60/60', expected: '"60/60/60" is not a billing increment (write a/b, e.g. 60/60)' },
    { name: 'negative', input: '-1/1', expected: '"-1/1" is not a billing increment (write a/b, e.g. 60/60)' },
    { name: 'decimals', input: '1.5/1', expected: '"1.5/1" is not a billing increment (write a/b, e.g. 60/60)' },
    { name: 'letter O for zero', input: '6O/6O', expected: '"6O/6O" is not a billing increment (write a/b, e.g. 60/60)' },
  ])('refuses $name', ({ input, expected }) => {
    expect(parseIncrement(input)).toEqual({ error: expected });
  });

  it('reads every a/b within an hour', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3600 }), fc.integer({ min: 1, max: 3600 }), fc.constantFrom('/', '+', '-', ':', 'x', ' / '), (a, b, sep) => {
        expect(parseIncrement(`${a}${sep}${b}`)).toEqual({ first: a, next: b });
      }),
      { seed: 42, numRuns: 500 },
    );
  });
});

describe('parseSeconds', () => {
  it.each([
    { name: 'zero', input: '0', expected: 0 },
    { name: 'a whole number', input: '5', expected: 5 },
    { name: 'with s', input: '5s', expected: 5 },
    { name: 'with a spaced unit', input: '10 sec', expected: 10 },
    { name: 'with seconds', input: '10 seconds', expected: 10 },
    { name: 'upper-case unit', input: '10 SECS', expected: 10 },
    { name: 'a spreadsheet decimal that is whole', input: '5.0', expected: 5 },
    { name: 'several zero decimals', input: '30.000', expected: 30 },
    { name: 'surrounding whitespace', input: ' 7 ', expected: 7 },
    { name: 'an hour', input: '3600', expected: 3600 },
  ])('$name', ({ input, expected }) => {
    expect(parseSeconds(input, 'grace')).toBe(expected);
  });

  it.each([
    { name: 'a fraction', input: '5.5', expected: 'grace "5.5" is not a whole number of seconds' },
    { name: 'negative', input: '-1', expected: 'grace "-1" is not a whole number of seconds' },
    { name: 'empty', input: '', expected: 'grace "" is not a whole number of seconds' },
    { name: 'words', input: 'none', expected: 'grace "none" is not a whole number of seconds' },
    { name: 'a decimal comma', input: '5,0', expected: 'grace "5,0" is not a whole number of seconds' },
    { name: 'longer than an hour', input: '3601', expected: 'grace "3601" is longer than an hour' },
  ])('refuses $name', ({ input, expected }) => {
    expect(parseSeconds(input, 'grace')).toEqual({ error: expected });
  });

  it('names the field in its message', () => {
    expect(parseSeconds('x', 'min duration')).toEqual({ error: 'min duration "x" is not a whole number of seconds' });
  });
});

describe('parseChangeWord', () => {
  it.each([
    { name: 'New', input: 'New', expected: 'new' },
    { name: 'NEW CODE', input: 'NEW CODE', expected: 'new' },
    { name: 'Added', input: 'Added', expected: 'new' },
    { name: 'N', input: 'N', expected: 'new' },
    { name: 'New!', input: 'New!', expected: 'new' },
    { name: 'Increase', input: 'Increase', expected: 'increase' },
    { name: 'Increased', input: 'Increased', expected: 'increase' },
    { name: 'INC', input: 'INC', expected: 'increase' },
    { name: 'Rate Increase', input: 'Rate Increase', expected: 'increase' },
    { name: 'Increase with a note in brackets', input: 'Increase (+10%)', expected: 'increase' },
    { name: 'I', input: 'I', expected: 'increase' },
    { name: 'Decrease', input: 'Decrease', expected: 'decrease' },
    { name: 'decreased', input: 'decreased', expected: 'decrease' },
    { name: 'Reduced', input: 'Reduced', expected: 'decrease' },
    { name: 'D', input: 'D', expected: 'decrease' },
    { name: 'Unchanged', input: 'Unchanged', expected: 'unchanged' },
    { name: 'Current', input: 'Current', expected: 'unchanged' },
    { name: 'No Change', input: 'No Change', expected: 'unchanged' },
    { name: 'no-change with a hyphen', input: 'no-change', expected: 'unchanged' },
    { name: 'No_Change with an underscore', input: 'No_Change', expected: 'unchanged' },
    { name: 'Existing', input: 'Existing', expected: 'unchanged' },
    { name: 'Closed', input: 'Closed', expected: 'closed' },
    { name: 'Removed', input: 'Removed', expected: 'closed' },
    { name: 'Deleted', input: 'Deleted', expected: 'closed' },
    { name: 'Discontinued', input: 'Discontinued', expected: 'closed' },
    { name: 'X', input: 'X', expected: 'closed' },
    { name: 'Blocked', input: 'Blocked', expected: 'blocked' },
    { name: 'Barred', input: 'Barred', expected: 'blocked' },
    { name: 'B', input: 'B', expected: 'blocked' },
    { name: 'surrounding whitespace', input: '  decrease \t', expected: 'decrease' },
    { name: 'empty', input: '', expected: null },
    { name: 'punctuation only', input: '--', expected: null },
    { name: 'free text', input: 'see notes', expected: null },
    { name: 'a word that only starts like a class', input: 'Newark', expected: null },
    { name: 'a number', input: '0.0123', expected: null },
  ] satisfies { name: string; input: string; expected: ChangeClass | null }[])('$name', ({ input, expected }) => {
    expect(parseChangeWord(input)).toBe(expected);
  });
});
