import { describe, expect, it } from 'vitest';
import { TrunklineError } from '../../../core/api/errors.ts';
import { readingTwiceOnReaderRace } from '../../../core/excel/read-table.ts';

const race = () => new TrunklineError('FILE_UNREADABLE', "deck.xlsx: the XLSX file is damaged or truncated (Cannot read properties of undefined (reading 'sheets'))");

describe("a read failed by exceljs's reader race is read once more", () => {
  it('returns the second read when the first hit the race', async () => {
    let calls = 0;
    const r = await readingTwiceOnReaderRace(async () => {
      calls++;
      if (calls === 1) throw race();
      return 'rows';
    });
    expect(r).toBe('rows');
    expect(calls).toBe(2);
  });

  it('does not retry any other failure, and fails when the race comes twice', async () => {
    let calls = 0;
    await expect(readingTwiceOnReaderRace(async () => {
      calls++;
      throw new TrunklineError('DECK_EMPTY', 'deck.xlsx: the file is empty');
    })).rejects.toThrow('empty');
    expect(calls).toBe(1);
    calls = 0;
    await expect(readingTwiceOnReaderRace(async () => {
      calls++;
      throw race();
    })).rejects.toThrow("reading 'sheets'");
    expect(calls).toBe(2);
  });
});
