import { badInput } from '../../contract/errors.ts'
import { gridCountries } from '../../core/grid-factors.ts'
import { psuEfficiencyFactor, restOfSystemFromWall } from '../../core/whole-pc.ts'
import type { Handlers } from '../handler.ts'

/** Readings older than this are not "now" for a calibration, ms. */
const FRESH_MS = 15_000

export const settingsHandlers = {
  'settings:get': (ctx) => ctx.settings.get(),
  'settings:update': (ctx, request) => ctx.settings.update(request),
  'settings:calibrate': (ctx, request) => {
    const status = ctx.telemetryStatus()
    if (status.demo) throw badInput('calibrate.no-live-power', {}, 'wallW')
    const counted = new Set(status.devices.filter((d) => !d.partOf && d.domain !== 'platform').map((d) => d.deviceId))
    const now = ctx.clock.nowMs()
    const fresh = status.latest.filter((s) => counted.has(s.deviceId) && s.powerW !== null && now - s.tMs <= FRESH_MS)
    if (fresh.length === 0) throw badInput('calibrate.no-live-power', {}, 'wallW')
    const measuredW = fresh.reduce((sum, s) => sum + (s.powerW ?? 0), 0)
    const settings = ctx.settings.get()
    const efficiency = request.psuEfficiency ?? psuEfficiencyFactor(settings, ctx.dataPacks.pack()).value
    const rest = restOfSystemFromWall(request.wallW, measuredW, efficiency)
    if (rest === null) {
      throw badInput(
        'calibrate.meter-below-parts',
        { wallW: request.wallW, partsW: Math.round(measuredW / efficiency), measuredW: Math.round(measuredW), efficiency: Math.round(efficiency * 100) },
        'wallW',
      )
    }
    return ctx.settings.update({
      restOfSystemW: rest,
      restOfSystemFrom: { kind: 'wall-meter', wallW: request.wallW, measuredW, psuEfficiency: efficiency, atMs: now },
      ...(request.psuEfficiency !== undefined ? { psuEfficiency: request.psuEfficiency } : {}),
    })
  },
  'factors:countries': () => ({ countries: gridCountries() }),
} satisfies Partial<Handlers>
