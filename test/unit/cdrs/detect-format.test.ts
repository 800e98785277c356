import { describe, expect, it } from 'vitest';
import { detectCdrFormat } from '../../../core/cdrs/detect-format.ts';

const ASTERISK = ['acme-in', '+441632960100', '+447700900123', 'from-trunk', '"Acme" <+441632960100>', 'SIP/acme-1', 'SIP/vx-2', 'Dial',
  'SIP/vx/+447700900123,60', '2026-03-02 09:15:02', '2026-03-02 09:15:09', '2026-03-02 09:17:14', '132', '125', 'ANSWERED',
  'DOCUMENTATION', '1772442902.26', '', 'vendorx', '1772442902.26', '12'];
const ASTERISK_BUSY = ASTERISK.map((c, i) => (i === 10 ? '' : i === 13 ? '0' : i === 14 ? 'BUSY' : c));
const FREESWITCH = ['Acme Corp', '+12025550143', '011447700900123', 'public', '2026-03-08 01:30:55', '2026-03-08 01:31:14',
  '2026-03-08 01:31:15', '20', '1', 'NORMAL_CLEARING', '73ab4876-7734-47c1-87fd-e805ec99108d', '309d6b79-965e-4a32-9ae4-45508201e2bd',
  'acme', 'PCMA', 'PCMA'];
const FREESWITCH_NO_ANSWER = FREESWITCH.map((c, i) => (i === 5 || i === 11 ? '' : i === 8 ? '0' : i === 9 ? 'NO_ANSWER' : c));
const CGRATES_HEADER = ['CGRID', 'RunID', 'ToR', 'OriginID', 'RequestType', 'Direction', 'Tenant', 'Category', 'Account', 'Subject',
  'Destination', 'SetupTime', 'AnswerTime', 'Usage', 'Cost'];

describe('detectCdrFormat', () => {
  it.each([
    { name: 'CGRateS header', rows: [CGRATES_HEADER, ['x']], expected: { format: 'cgrates', hasHeader: true } },
    { name: 'CGRateS header with OriginID but no CGRID', rows: [['OriginID', 'Account', 'Destination', 'AnswerTime', 'Usage']], expected: { format: 'cgrates', hasHeader: true } },
    { name: 'Asterisk, 21 columns', rows: [ASTERISK, ASTERISK_BUSY], expected: { format: 'asterisk', hasHeader: false } },
    { name: 'Asterisk, 16 columns', rows: [ASTERISK.slice(0, 16)], expected: { format: 'asterisk', hasHeader: false } },
    { name: 'Asterisk, unanswered first', rows: [ASTERISK_BUSY, ASTERISK], expected: { format: 'asterisk', hasHeader: false } },
    { name: 'Asterisk with a blank line first', rows: [[''], ASTERISK], expected: { format: 'asterisk', hasHeader: false } },
    { name: 'Asterisk with a header naming its columns', rows: [['accountcode', 'src', 'dst', 'dcontext', 'clid', 'channel'], ASTERISK], expected: { format: 'asterisk', hasHeader: true } },
    { name: 'FreeSWITCH', rows: [FREESWITCH, FREESWITCH_NO_ANSWER], expected: { format: 'freeswitch', hasHeader: false } },
    { name: 'FreeSWITCH, unanswered first', rows: [FREESWITCH_NO_ANSWER, FREESWITCH], expected: { format: 'freeswitch', hasHeader: false } },
    { name: 'FreeSWITCH with a header', rows: [['caller_id_name', 'caller_id_number', 'destination_number', 'context'], FREESWITCH], expected: { format: 'freeswitch', hasHeader: true } },
    { name: 'generic carrier header', rows: [['Call ID', 'Start Time', 'A Number', 'B Number', 'Duration', 'Cost']], expected: { format: 'generic', hasHeader: true } },
    { name: 'generic with date, time and hh:mm:ss', rows: [['Date', 'Time', 'Called Number', 'Call Duration']], expected: { format: 'generic', hasHeader: true } },
    { name: 'generic with only a duration', rows: [['Customer', 'Dialed Number', 'Billsec']], expected: { format: 'generic', hasHeader: true } },
  ])('$name', ({ rows, expected }) => {
    expect(detectCdrFormat(rows)).toEqual(expected);
  });

  it.each([
    { name: 'nothing', rows: [] },
    { name: 'blank rows only', rows: [[''], ['  ']] },
    { name: 'a rate deck', rows: [['Code', 'Destination', 'Rate', 'Effective Date']] },
    { name: 'two CDR columns only', rows: [['B Number', 'Duration']] },
    { name: 'no called number', rows: [['Start', 'Duration', 'Cost', 'Call ID']] },
    { name: 'an Asterisk-width row with a bad disposition', rows: [ASTERISK.map((c, i) => (i === 14 ? 'MAYBE' : c))] },
    { name: 'FreeSWITCH-width row without a UUID', rows: [FREESWITCH.map((c, i) => (i === 10 ? 'call-1' : c))] },
  ])('$name → null', ({ rows }) => {
    expect(detectCdrFormat(rows)).toBeNull();
  });

  it('one odd row among ten does not hide the format', () => {
    const rows = [ASTERISK, ASTERISK, ASTERISK, ASTERISK, ASTERISK.slice(0, 10), ASTERISK, ASTERISK, ASTERISK, ASTERISK, ASTERISK];
    expect(detectCdrFormat(rows)).toEqual({ format: 'asterisk', hasHeader: false });
  });
});
