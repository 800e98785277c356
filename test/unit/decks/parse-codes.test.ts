import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expandCodes, type CodesParse } from '../../../core/decks/parse-codes.ts';

const prefixes = (...p: string[]): CodesParse => ({ ok: true, prefixes: p, notes: [] });
const refused = (reason: string): CodesParse => ({ ok: false, reason });
const range = (from: number, to: number): string[] => Array.from({ length: to - from + 1 }, (_, i) => String(from + i));

describe('expandCodes', () => {
  const cases: { name: string; cell: string; country?: string; expected: CodesParse }[] = [
    { name: 'a single code', cell: '44', expected: prefixes('44') },
    { name: 'surrounding whitespace', cell: '  447  ', expected: prefixes('447') },
    { name: 'comma list with a range', cell: '44, 447, 4470-4479', expected: prefixes('44', '447', ...range(4470, 4479)) },
    { name: 'semicolon list', cell: '331;332;333', expected: prefixes('331', '332', '333') },
    { name: 'pipe list', cell: '331|332', expected: prefixes('331', '332') },
    { name: 'one code per line (CRLF)', cell: '331\r\n332\n333', expected: prefixes('331', '332', '333') },
    { name: 'empty items are skipped', cell: '44,,447, ,', expected: prefixes('44', '447') },
    { name: 'duplicates are kept as written', cell: '44, 44', expected: prefixes('44', '44') },
    { name: 'country code once, then area codes', cell: '61 38,39', expected: prefixes('6138', '6139') },
    { name: 'country code once, then area codes after a space', cell: '61 38, 39, 4', expected: prefixes('6138', '6139', '614') },
    { name: 'country code with plus, then area codes', cell: '+44 20, 121', expected: prefixes('4420', '44121') },
    { name: 'country code with 00, then area codes', cell: '0044 20', expected: prefixes('4420') },
    { name: 'a second country group replaces the first', cell: '61 38, 39, 64 9', expected: prefixes('6138', '6139', '649') },
    { name: 'country code, then an area-code range', cell: '44 7700-7702', expected: prefixes('447700', '447701', '447702') },
    { name: 'range with spaces around the dash', cell: '4470 - 4472', expected: prefixes('4470', '4471', '4472') },
    { name: 'abbreviated range end', cell: '4470-79', expected: prefixes(...range(4470, 4479)) },
    { name: 'abbreviated range end of one digit', cell: '447-9', expected: prefixes('447', '448', '449') },
    { name: 'range keeps leading zeros of area codes', cell: '61 08-10', expected: prefixes('6108', '6109', '6110') },
    { name: 'single-code range', cell: '4470-4470', expected: prefixes('4470') },
    { name: 'range with a plus on the start', cell: '+4470-4471', expected: prefixes('4470', '4471') },
    { name: 'range with a plus and spaces around the dash', cell: '+4470 - 4471', expected: prefixes('4470', '4471') },
    { name: 'plus', cell: '+44', expected: prefixes('44') },
    { name: 'international 00', cell: '0044', expected: prefixes('44') },
    { name: 'fifteen digits', cell: '123456789012345', expected: prefixes('123456789012345') },

    { name: 'country-code column before each code', cell: '2,3', country: '61', expected: prefixes('612', '613') },
    { name: 'country-code column and an empty cell', cell: '', country: '61', expected: prefixes('61') },
    { name: 'country-code column and a blank cell', cell: '  ', country: '61', expected: prefixes('61') },
    { name: 'country-code column with plus', cell: '20', country: '+44', expected: prefixes('4420') },
    { name: 'country-code column and a range', cell: '20-22', country: '44', expected: prefixes('4420', '4421', '4422') },
    { name: 'blank country-code column is no country code', cell: '44', country: ' ', expected: prefixes('44') },

    { name: 'backwards range', cell: '4479-4470', expected: refused('range 4479-4470 runs backwards') },
    { name: 'range of exactly 10000 codes is allowed', cell: '10000-19999', expected: prefixes(...range(10000, 19999)) },
    { name: 'range over 10000 codes', cell: '10000-20000', expected: refused('range 10000-20000 expands to more than 10000 codes') },
    { name: 'range end longer than the start', cell: '447-44799', expected: refused('range 447-44799 has ends of different lengths') },
    { name: 'range end that is not digits', cell: '4470-44x9', expected: refused('"4470-44x9" is not a dial code (digits only)') },
    { name: 'letters', cell: '44a', expected: refused('"44a" is not a dial code (digits only)') },
    { name: 'letters in a list', cell: '44, UK', expected: refused('"UK" is not a dial code (digits only)') },
    { name: 'a decimal', cell: '44.5', expected: refused('"44.5" is not a dial code (digits only)') },
    { name: 'a negative number', cell: '-44', expected: refused('"-44" is not a dial code (digits only)') },
    { name: 'sixteen digits', cell: '1234567890123456', expected: refused('"1234567890123456" is longer than 15 digits') },
    { name: 'country code plus area code over fifteen digits', cell: '1234567890123', country: '999', expected: refused('code 9991234567890123 is longer than 15 digits') },
    { name: 'empty', cell: '', expected: refused('no dial code') },
    { name: 'only separators', cell: ' , ; ', expected: refused('no dial code') },
    { name: 'country-code column that is not digits', cell: '20', country: 'UK', expected: refused('country code "UK" is not a dial code (digits only)') },
  ];

  it.each(cases)('$name', ({ cell, country, expected }) => {
    expect(expandCodes(cell, country)).toEqual(expected);
  });

  it.each([
    {
      name: 'a long code Excel wrote in scientific notation',
      cell: '4.4712E+11',
      expected: {
        ok: true,
        prefixes: ['447120000000'],
        notes: ['code "4.4712E+11" was in scientific notation; read as 447120000000: check the deck\'s original'],
      },
    },
    {
      name: 'scientific notation without a plus or fraction',
      cell: '44e3',
      expected: { ok: true, prefixes: ['44000'], notes: ['code "44e3" was in scientific notation; read as 44000: check the deck\'s original'] },
    },
    {
      name: 'scientific notation as a range start',
      cell: '4.47E+3-4479',
      expected: {
        ok: true,
        prefixes: range(4470, 4479),
        notes: ['code "4.47E+3" was in scientific notation; read as 4470: check the deck\'s original'],
      },
    },
    {
      name: 'scientific notation that is not a whole number',
      cell: '4.4712E+2',
      expected: { ok: false, reason: '"4.4712E+2" is not a dial code (digits only)' },
    },
    {
      name: 'scientific notation with a negative exponent (read as a range, whose start is refused)',
      cell: '4.4E-2',
      expected: { ok: false, reason: '"4.4E" is not a dial code (digits only)' },
    },
  ] satisfies { name: string; cell: string; expected: CodesParse }[])('$name', ({ cell, expected }) => {
    expect(expandCodes(cell)).toEqual(expected);
  });

  it('expands every range to each code between its ends, in order', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1000, max: 9999 }), fc.integer({ min: 0, max: 200 }), (start, width) => {
        const end = Math.min(start + width, 9999);
        expect(expandCodes(`${start}-${end}`)).toEqual(prefixes(...range(start, end)));
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  it('reads an abbreviated range end like the full one', () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 999 }), fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 9 }), (head, a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const full = expandCodes(`${head}${lo}-${head}${hi}`);
        expect(expandCodes(`${head}${lo}-${hi}`)).toEqual(full);
        expect(full.ok && full.prefixes.length).toBe(hi - lo + 1);
      }),
      { seed: 42, numRuns: 300 },
    );
  });
});
