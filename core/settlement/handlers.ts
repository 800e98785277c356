import type { MethodName, Output, ParsedArgs } from '../api/contract.ts';
import type { EngineContext } from '../context.ts';
import { listFx, setFx } from './fx.ts';
import { getInvoice, issueInvoice, listIssued } from './invoices.ts';
import { ageing, position, positions } from './ledger.ts';
import { addPayment, listPayments, settlementLines } from './payments.ts';
import { writeStatement } from './statement.ts';

type SettlementMethod = 'invoices.issue' | 'invoices.issued' | 'invoices.issuedGet' | 'payments.add' | 'payments.list' | 'fx.set' | 'fx.list'
  | 'settlement.position' | 'settlement.positions' | 'settlement.lines' | 'settlement.ageing' | 'settlement.statement';

/** The settlement methods' handlers, spread into the engine's map. */
export const settlementHandlers: { [M in SettlementMethod & MethodName]: (ctx: EngineContext, args: ParsedArgs<M>) => Output<M> | Promise<Output<M>> } = {
  'invoices.issue': issueInvoice,
  'invoices.issued': listIssued,
  'invoices.issuedGet': getInvoice,
  'payments.add': addPayment,
  'payments.list': listPayments,
  'fx.set': setFx,
  'fx.list': listFx,
  'settlement.position': position,
  'settlement.positions': positions,
  'settlement.lines': settlementLines,
  'settlement.ageing': ageing,
  'settlement.statement': (ctx, a) => ctx.jobs.run('settlement.statement', a.jobId, (job) => writeStatement(ctx, a, job)),
};

/** Settlement methods that write to the workspace (they join the engine's one-at-a-time writers). */
export const SETTLEMENT_WRITERS: readonly MethodName[] = ['invoices.issue', 'payments.add', 'fx.set'];
