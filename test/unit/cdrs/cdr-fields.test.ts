import { describe, expect, it } from 'vitest';
import { guessCdrField, mapCdrColumns, missingCdrFields, type CdrField } from '../../../core/cdrs/cdr-fields.ts';

describe('guessCdrField', () => {
  it.each([
    ['callid', 'call_id'], ['Call ID', 'call_id'], ['Call-ID', 'call_id'], ['uniqueid', 'call_id'], ['UUID', 'call_id'],
    ['Session ID', 'call_id'], ['CDR ID', 'call_id'], ['OriginID', 'call_id'], ['Origin ID', 'call_id'],
    ['start', 'start'], ['Start Time', 'start'], ['Start Time (UTC)', 'start'], ['Setup Time', 'start'], ['start_stamp', 'start'],
    ['Seize Time', 'start'], ['Date/Time', 'start'], ['Call Date', 'start'], ['Timestamp', 'start'],
    ['answer', 'answer'], ['Answer Time', 'answer'], ['answer_stamp', 'answer'], ['Connect Time', 'answer'],
    ['end', 'end'], ['End Time', 'end'], ['end_stamp', 'end'], ['Disconnect Time', 'end'],
    ['Date', 'date'], ['Time', 'time'],
    ['calling', 'calling'], ['Caller', 'calling'], ['src', 'calling'], ['A Number', 'calling'], ['A-Number', 'calling'],
    ['ANI', 'calling'], ['CLI', 'calling'], ['caller_id_number', 'calling'], ['From', 'calling'], ['Calling Number', 'calling'],
    ['called', 'called'], ['dst', 'called'], ['Destination', 'called'], ['B Number', 'called'], ['B-Number', 'called'],
    ['DNIS', 'called'], ['destination_number', 'called'], ['To', 'called'], ['Called Number', 'called'], ['Dialed Number', 'called'],
    ['duration', 'duration'], ['billsec', 'duration'], ['Billable Seconds', 'duration'], ['Bill Sec', 'duration'],
    ['Call Duration', 'duration'], ['Usage', 'duration'], ['Seconds', 'duration'], ['Talk Time', 'duration'],
    ['Duration (sec)', 'duration'], ['Duration (s)', 'duration'],
    ['billmsec', 'duration_ms'], ['Duration (ms)', 'duration_ms'], ['Duration ms', 'duration_ms'],
    ['disposition', 'disposition'], ['Status', 'disposition'], ['Hangup Cause', 'disposition'], ['hangup_cause', 'disposition'],
    ['Result', 'disposition'], ['Answered', 'disposition'],
    ['accountcode', 'ingress'], ['Account', 'ingress'], ['Ingress Trunk', 'ingress'], ['Src Trunk', 'ingress'], ['Customer', 'ingress'],
    ['In Trunk', 'ingress'], ['Peer In', 'ingress'], ['Trunk In', 'ingress'],
    ['peeraccount', 'egress'], ['Egress Trunk', 'egress'], ['Dst Trunk', 'egress'], ['Vendor', 'egress'], ['Out Trunk', 'egress'],
    ['Gateway', 'egress'], ['Route', 'egress'], ['Supplier', 'egress'],
    ['Cost', 'charge'], ['Charge', 'charge'], ['Amount', 'charge'], ['Price', 'charge'], ['Cost (USD)', 'charge'], ['Charge (EUR)', 'charge'],
  ] as [string, CdrField][])('%s → %s', (header, expected) => {
    expect(guessCdrField(header)).toBe(expected);
  });

  it.each([['', undefined], ['Codec', undefined], ['Notes', undefined], ['Old', undefined]])('"%s" is not a CDR field', (header) => {
    expect(guessCdrField(header)).toBeUndefined();
  });
});

describe('mapCdrColumns', () => {
  const fields = (m: ReturnType<typeof mapCdrColumns>): (CdrField | undefined)[] => m.headers.map((_, i) => m.byIndex.get(i));

  it.each([
    {
      name: 'a carrier export',
      headers: ['Call ID', 'Start Time', 'A Number', 'B Number', 'Duration', 'Cost'],
      overrides: {},
      expected: ['call_id', 'start', 'calling', 'called', 'duration', 'charge'],
    },
    {
      name: 'billsec beats a duration column to its left',
      headers: ['dst', 'start', 'duration', 'billsec'],
      overrides: {},
      expected: ['called', 'start', undefined, 'duration'],
    },
    {
      name: 'B Number beats a Destination (name) column to its left',
      headers: ['Destination', 'B Number', 'Start', 'Seconds'],
      overrides: {},
      expected: [undefined, 'called', 'start', 'duration'],
    },
    {
      name: 'the first of two equal synonyms wins',
      headers: ['Caller', 'CLI', 'To', 'Start', 'Seconds'],
      overrides: {},
      expected: ['calling', undefined, 'called', 'start', 'duration'],
    },
    {
      name: 'override by header, letter and #n',
      headers: ['Zone', 'Number', 'When', 'Secs', 'Customer'],
      overrides: { number: 'called', C: 'start', '#5': 'ignore' } as Record<string, CdrField>,
      expected: [undefined, 'called', 'start', 'duration', 'ignore'],
    },
    {
      name: 'an override takes the field from a synonym',
      headers: ['B Number', 'Real Number', 'Start', 'Duration'],
      overrides: { 'Real Number': 'called' } as Record<string, CdrField>,
      expected: [undefined, 'called', 'start', 'duration'],
    },
  ])('$name', ({ headers, overrides, expected }) => {
    expect(fields(mapCdrColumns(headers, undefined, overrides))).toEqual(expected);
  });

  it('applies a saved template by normalised header', () => {
    const m = mapCdrColumns(['Numero Chiamato', 'Inizio', 'Durata'], { 'numero chiamato': 'called', inizio: 'start', durata: 'duration' }, {});
    expect(fields(m)).toEqual(['called', 'start', 'duration']);
  });
});

describe('missingCdrFields', () => {
  it.each([
    { name: 'complete', headers: ['B Number', 'Start', 'Duration'], expected: [] },
    { name: 'date and time instead of a start', headers: ['Date', 'Time', 'To', 'Duration'], expected: [] },
    { name: 'end instead of a duration', headers: ['To', 'Start', 'End'], expected: [] },
    { name: 'no called number', headers: ['Start', 'Duration'], expected: ['called number'] },
    { name: 'no start', headers: ['To', 'Duration'], expected: ['start time'] },
    { name: 'no duration', headers: ['To', 'Start'], expected: ['duration (or end time)'] },
  ])('$name', ({ headers, expected }) => {
    expect(missingCdrFields(mapCdrColumns(headers, undefined, {}))).toEqual(expected);
  });
});
