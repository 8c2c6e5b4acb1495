import { badInput } from '../../contract/errors.ts'
import { countryGridFactor } from '../../core/grid-factors.ts'
import { isKnownZone } from '../../core/time.ts'
import type { Handlers } from '../handler.ts'

export const reportHandlers = {
  /** Today (local calendar day) so far, of what the UI shows (the demo while it runs). */
  'summary:today': (ctx) => {
    const { store, demo } = ctx.shownStore()
    ;(demo ? ctx.demo.sampler : ctx.recorder.current)?.flush()
    return ctx.reports.today(ctx.clock.nowMs(), { store, demo })
  },
  'report:range': (ctx, request) => {
    if (request.countryIso3 !== undefined && countryGridFactor(request.countryIso3) === null)
      throw badInput('estimate.no-grid', { iso3: request.countryIso3 }, 'countryIso3')
    ctx.recorder.current.flush()
    return ctx.reports.report(request.sinceMs, request.untilMs, { countryIso3: request.countryIso3 })
  },
  'history:import': (ctx, request) => {
    if (request.zone !== undefined && !isKnownZone(request.zone)) throw badInput('request.unknown-zone', { zone: request.zone }, 'zone')
    return ctx.imports.nvidiaSmiCsv(request.text, request.fileName, request.zone)
  },
  'fleet:report': (ctx, request) => ctx.fleet.report(request),
  'history:query': (ctx, request) => {
    ctx.recorder.current.flush()
    return ctx.reports.history(request.sinceMs, request.untilMs, request.bucket, request.withPrevious)
  },
} satisfies Partial<Handlers>
