import type { ParseArgsConfig } from 'node:util';
import type {
  AgeingReport, FxRateOut, InvoiceIssueReport, MethodName, PaymentRecordOut, SettlementFigures, SettlementPosition, StatementReport,
} from '../core/api/index.ts';
import { table } from './format.ts';

/** The settlement commands (issue 7): invoices issue, payments, fx, position, statement, ageing. */

type Options = NonNullable<ParseArgsConfig['options']>;
type Values = Record<string, string | boolean | string[] | undefined>;

export interface CliTools {
  parse: (argv: string[], options: Options, positionals: number) => { values: Values; positionals: string[] };
  str: (values: Values, name: string) => string | undefined;
  need: (values: Values, name: string) => string;
  usage: (message: string) => Error;
}

export interface SettlementCall {
  method: MethodName;
  args: Record<string, unknown>;
  show: (data: never) => string;
  long?: boolean;
}

const DIRECTION = { 'they-pay-us': 'the carrier pays us', 'we-pay-them': 'we pay the carrier', even: 'nothing to pay either way' } as const;

function showFigures(f: SettlementFigures): string {
  const rows: [string, string][] = [
    ['opening balance', f.opening], ['receivable (our invoice)', f.receivable], ['payable (their invoices)', f.payable],
    ['withheld in dispute', f.withheld], ['released from dispute', f.released], ['adjustments', f.adjustments],
    ['payments received', f.paymentsIn], ['payments made', f.paymentsOut], ['net', f.net],
  ];
  return [
    `${f.carrier}, ${f.period}, in ${f.currency}`,
    table(['', 'amount'], rows),
    `${DIRECTION[f.direction]}${f.direction === 'even' ? '' : ` ${f.net.replace('-', '')} ${f.currency}`}, due ${f.dueDate}`,
  ].join('\n') + '\n';
}

export function settlementCall(command: string, argv: string[], t: CliTools): SettlementCall {
  switch (command) {
    case 'invoices issue': {
      const { values } = t.parse(argv, { customer: { type: 'string' }, period: { type: 'string' } }, 0);
      return {
        method: 'invoices.issue', args: { customer: t.need(values, 'customer'), period: t.need(values, 'period') },
        show: (r: InvoiceIssueReport) => {
          const d = r.document;
          const head = r.outcome === 'unchanged'
            ? `${d.customer} ${d.period} is invoiced (${d.number}) and nothing changed since: no document issued.`
            : `${r.outcome === 'issued' ? 'Invoice' : r.outcome === 'credit-note' ? 'Credit note' : 'Debit note'} ${d.number} to ${d.customer} for ${d.period}${d.corrects ? ` (corrects ${d.corrects})` : ''}: ${d.total} ${d.currency}, issued ${d.issuedOn}, due ${d.dueOn}`;
          return [
            head,
            table(['destination', 'prefix', 'calls', 'billed minutes', 'rate', 'amount'], [
              ...d.lines.map((l) => [l.destination, l.prefix ?? '', l.calls, l.billedMinutes, l.rate, l.amount]),
              ['TOTAL', '', d.calls, d.billedMinutes, '', d.total],
            ]),
            ...(r.outcome === 'issued' ? [] : [`period total now ${r.periodTotal} ${d.currency}`]),
          ].join('\n') + '\n';
        },
      };
    }
    case 'payments add': {
      const { values } = t.parse(argv, {
        carrier: { type: 'string' }, amount: { type: 'string' }, currency: { type: 'string' }, date: { type: 'string' }, direction: { type: 'string' }, ref: { type: 'string' },
      }, 0);
      const direction = t.need(values, 'direction');
      if (direction !== 'in' && direction !== 'out') throw t.usage(`--direction is in (received) or out (paid), not "${direction}"`);
      return {
        method: 'payments.add',
        args: { carrier: t.need(values, 'carrier'), amount: t.need(values, 'amount'), currency: t.need(values, 'currency'), date: t.need(values, 'date'), direction, reference: t.str(values, 'ref') },
        show: (p: PaymentRecordOut) => `Payment #${p.id} ${p.direction === 'in' ? 'received from' : 'paid to'} ${p.carrier}: ${p.amount} ${p.currency} on ${p.date}${p.reference ? ` (${p.reference})` : ''}\n`,
      };
    }
    case 'payments list': {
      const { values } = t.parse(argv, { carrier: { type: 'string' }, period: { type: 'string' } }, 0);
      return {
        method: 'payments.list', args: { carrier: t.str(values, 'carrier'), period: t.str(values, 'period') },
        show: (list: PaymentRecordOut[]) => (list.length === 0 ? 'No payments.\n'
          : table(['id', 'date', 'carrier', 'direction', 'amount', 'currency', 'reference'], list.map((p) => [p.id, p.date, p.carrier, p.direction, p.amount, p.currency, p.reference ?? ''])) + '\n'),
      };
    }
    case 'fx set': {
      const { values } = t.parse(argv, { from: { type: 'string' }, to: { type: 'string' }, rate: { type: 'string' }, date: { type: 'string' } }, 0);
      return {
        method: 'fx.set', args: { from: t.need(values, 'from'), to: t.need(values, 'to'), rate: t.need(values, 'rate'), date: t.need(values, 'date') },
        show: (r: FxRateOut) => `1 ${r.from} = ${r.rate} ${r.to} from ${r.date}\n`,
      };
    }
    case 'fx list': {
      const { values } = t.parse(argv, { from: { type: 'string' }, to: { type: 'string' } }, 0);
      return {
        method: 'fx.list', args: { from: t.str(values, 'from'), to: t.str(values, 'to') },
        show: (list: FxRateOut[]) => (list.length === 0 ? 'No exchange rates.\n' : table(['from', 'to', 'date', 'rate', 'recorded'], list.map((r) => [r.from, r.to, r.date, r.rate, r.recordedAt])) + '\n'),
      };
    }
    case 'position': {
      const { values } = t.parse(argv, { carrier: { type: 'string' }, period: { type: 'string' } }, 0);
      return {
        method: 'settlement.position', args: { carrier: t.need(values, 'carrier'), period: t.need(values, 'period') },
        show: (p: SettlementPosition) => showFigures(p) + p.warnings.map((w) => `warning: ${w}\n`).join(''),
      };
    }
    case 'statement': {
      const { values } = t.parse(argv, { carrier: { type: 'string' }, period: { type: 'string' }, out: { type: 'string' }, 'no-evidence': { type: 'boolean' } }, 0);
      return {
        method: 'settlement.statement', long: true,
        args: { carrier: t.need(values, 'carrier'), period: t.need(values, 'period'), out: t.need(values, 'out'), evidence: values['no-evidence'] !== true },
        show: (r: StatementReport) => `${showFigures(r)}Wrote ${r.file} (${r.sheets.join(', ')}; ${r.rows.sell} sell and ${r.rows.buy} buy lines, ${r.rows.evidence} calls${r.evidenceTruncated ? ', evidence truncated' : ''})\n`,
      };
    }
    case 'ageing': {
      const { values } = t.parse(argv, { 'as-of': { type: 'string' } }, 0);
      return {
        method: 'settlement.ageing', args: { asOf: t.str(values, 'as-of') },
        show: (r: AgeingReport) => (r.rows.length === 0 ? `No open balances on ${r.asOf}.\n`
          : `Open balances on ${r.asOf} (positive: the carrier owes us)\n${table(['carrier', 'currency', 'balance', '0-30', '31-60', '61-90', '90+', 'oldest'],
            r.rows.map((x) => [x.carrier, x.currency, x.balance, x.buckets['0-30'], x.buckets['31-60'], x.buckets['61-90'], x.buckets['90+'], x.oldestPeriod ?? '']))}\n`),
      };
    }
    default:
      throw t.usage(`unknown command "${command}"`);
  }
}
