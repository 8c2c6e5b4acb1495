import { estimateFinetune, estimateInference, estimateTraining } from '../../core/estimate-report.ts'
import type { AppContext } from '../context.ts'
import type { Handlers, ParsedRequestOf } from '../handler.ts'

// Pure queries: the data set (and the measurement range) in, an estimate out. No database, no reader.
type PackOnly = Pick<AppContext, 'dataPacks'>

export const estimateHandlers = {
  'reference:list': (ctx: PackOnly) => ctx.dataPacks.pack(),
  'estimate:training': (ctx: PackOnly, request: ParsedRequestOf<'estimate:training'>) => estimateTraining(request, ctx.dataPacks.pack()),
  'estimate:finetune': (ctx: PackOnly, request: ParsedRequestOf<'estimate:finetune'>) => estimateFinetune(request, ctx.dataPacks.pack()),
  'estimate:inference': (ctx: Pick<AppContext, 'dataPacks' | 'reports'>, request: ParsedRequestOf<'estimate:inference'>) =>
    estimateInference(request, ctx.dataPacks.pack(), ctx.reports.measurementRange()),
} satisfies Partial<Handlers>
