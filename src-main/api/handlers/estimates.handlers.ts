import { estimateFinetune, estimateInference, estimateTraining } from '../../core/estimate-report.ts'
import { psuEfficiencyFactor } from '../../core/whole-pc.ts'
import type { AppContext } from '../context.ts'
import type { Handlers, ParsedRequestOf } from '../handler.ts'

// Pure queries: the data set, the power supply (a home PC's loss) and the measurement range in, an estimate out. No reader.
type PackOnly = Pick<AppContext, 'dataPacks'>
type PackAndSettings = Pick<AppContext, 'dataPacks' | 'settings'>
const psuOf = (ctx: PackAndSettings) => psuEfficiencyFactor(ctx.settings.get(), ctx.dataPacks.pack())

export const estimateHandlers = {
  'reference:list': (ctx: PackOnly) => ctx.dataPacks.pack(),
  'estimate:training': (ctx: PackAndSettings, request: ParsedRequestOf<'estimate:training'>) => estimateTraining(request, ctx.dataPacks.pack(), psuOf(ctx)),
  'estimate:finetune': (ctx: PackAndSettings, request: ParsedRequestOf<'estimate:finetune'>) => estimateFinetune(request, ctx.dataPacks.pack(), psuOf(ctx)),
  'estimate:inference': (ctx: Pick<AppContext, 'dataPacks' | 'reports'>, request: ParsedRequestOf<'estimate:inference'>) =>
    estimateInference(request, ctx.dataPacks.pack(), ctx.reports.measurementRange()),
} satisfies Partial<Handlers>
