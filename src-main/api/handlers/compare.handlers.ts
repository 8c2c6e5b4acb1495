import { comparePeriod } from '../../core/estimate-report.ts'
import type { Clock } from '../../core/clock.ts'
import type { FleetService } from '../services/fleet.service.ts'
import type { ReportService } from '../services/reports.service.ts'
import type { DataPackService } from '../services/data-packs.service.ts'
import type { Handlers, ParsedRequestOf } from '../handler.ts'

/** What a comparison needs: a period's footprint, the data set, and "now" (for the pace). */
export interface CompareDeps {
  reports: Pick<ReportService, 'report'>
  fleet: Pick<FleetService, 'report'>
  dataPacks: Pick<DataPackService, 'pack'>
  clock: Clock
}

export const compareHandlers = {
  /** [sinceMs, untilMs) of the history beside the data set's runs and figures; the pace is over the time elapsed. */
  'compare:period': async (ctx: CompareDeps, request: ParsedRequestOf<'compare:period'>) => {
    const report =
      request.scope === 'fleet'
        ? (await ctx.fleet.report({ sinceMs: request.sinceMs, untilMs: request.untilMs })).report
        : ctx.reports.report(request.sinceMs, request.untilMs)
    const end = Math.min(request.untilMs, ctx.clock.nowMs())
    return comparePeriod(
      {
        sinceMs: request.sinceMs,
        untilMs: request.untilMs,
        energyKWh: report.footprint.energyKWh,
        energyRangeKWh: report.footprint.energyRangeKWh,
        co2eKg: report.footprint.co2eKg,
        co2eRangeKg: report.footprint.co2eRangeKg,
        durationS: Math.max(0, (end - request.sinceMs) / 1000),
        scope: request.scope,
      },
      ctx.dataPacks.pack(),
      request.queries,
    )
  },
} satisfies Partial<Handlers>
