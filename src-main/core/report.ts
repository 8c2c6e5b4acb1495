import type { AppEnergy, Report } from '../contract/footprint.ts'
import type { Domain, EnergyMethod, IdleBaseline } from '../contract/telemetry.ts'
import type { Settings } from '../contract/settings.ts'
import type { DataPack } from '../contract/reference.ts'
import type { Factor } from '../contract/provenance.ts'
import { kWhFromJoules } from '../contract/units.ts'
import { asFactor } from './data-pack.ts'
import { footprint, productRange, type FootprintContext, type MeasuredEnergy } from './footprint.ts'
import { gridFactorFor, userWaterFactor } from './grid-factors.ts'
import { measurementFactor, measurementIdFor } from './measurement.ts'
import { tariffPriceFactor } from './tariff.ts'
import { embodiedFigure } from './embodied.ts'
import { wholePcFigure } from './whole-pc.ts'

export interface DeviceTotals {
  deviceId: string
  name: string
  /** The source that read it (nvml, rapl, drm-hwmon, import…): which measurement factor applies. */
  source: string
  domain: Domain
  /** How the device's energy is known (its source's precision). */
  method: EnergyMethod
  energyJ: number
  /** The part of energyJ read from the device's energy counter. */
  counterEnergyJ: number
  /** Seconds covered by integrated intervals. */
  integratedS: number
  maxPowerW: number | null
  /** First and last reading in the period, epoch ms (the store's; absent in hand-made totals). */
  seenMs?: { first: number; last: number }
}

/** What the store knows about a period. */
export interface RangeTotals {
  energyJ: number
  samples: number
  gaps: number
  devices: DeviceTotals[]
  /** Energy by local hour of day (index 0-23), kWh, when asked for: what a time-of-use tariff needs. */
  energyKWhByLocalHour: number[] | null
}

/**
 * A device's energy by how it is known: the part read from its energy counter, and the rest
 * (a device without a counter, or the intervals a counter reset made the recorder bridge with
 * sampled power), each with the measurement factor of its source.
 */
export function devicePartsOf(d: DeviceTotals, pack: DataPack): MeasuredEnergy[] {
  const part = (method: EnergyMethod, energyJ: number): MeasuredEnergy => ({
    method,
    energyJ,
    measurement: asFactor(measurementFactor(pack, measurementIdFor(d, method))),
    devices: [d.name],
  })
  if (d.energyJ === 0) return [part(d.method, 0)]
  const restJ = d.energyJ - d.counterEnergyJ
  const restMethod: EnergyMethod = d.method === 'estimated' ? 'estimated' : 'sampled-power'
  return [...(d.counterEnergyJ > 0 ? [part('counter', d.counterEnergyJ)] : []), ...(restJ > 0 ? [part(restMethod, restJ)] : [])]
}

/** What a report needs besides the totals: idle baselines and energy per app. */
export interface ReportExtras {
  idle: readonly IdleBaseline[]
  apps: readonly { app: string; method: string; energyJ: number }[]
}

/** Energy per app with its split methods, largest first. */
function appEnergies(rows: ReportExtras['apps']): AppEnergy[] {
  const byApp = new Map<string, AppEnergy>()
  for (const r of rows) {
    const e = byApp.get(r.app) ?? { app: r.app, energyJ: 0, byMethod: [] }
    e.energyJ += r.energyJ
    const method = (['sm-utilisation', 'memory-share', 'none'] as const).find((m) => m === r.method) ?? 'none'
    const m = e.byMethod.find((x) => x.method === method)
    if (m) m.energyJ += r.energyJ
    else e.byMethod.push({ method, energyJ: r.energyJ })
    byApp.set(r.app, e)
  }
  return [...byApp.values()].sort((a, b) => b.energyJ - a.energyJ)
}

/** A period's totals with their footprint under the current settings. */
export function buildReport(
  totals: RangeTotals,
  sinceMs: number,
  untilMs: number,
  settings: Settings,
  demo: boolean,
  pack: DataPack,
  extras: ReportExtras = { idle: [], apps: [] },
): Report {
  const idleOf = new Map(extras.idle.map((b) => [b.deviceId, b.idleW]))
  const above = (d: DeviceTotals): number | null => {
    const idleW = idleOf.get(d.deviceId)
    return idleW === undefined ? null : Math.max(0, d.energyJ - idleW * d.integratedS)
  }
  const grid = gridFactorFor(settings)
  const context: FootprintContext = {
    grid: grid?.factor ?? null,
    carbonMethod: grid?.method ?? null,
    water: userWaterFactor(settings.electricityWaterLPerKWh),
    price: tariffPriceFactor(settings, totals.energyKWhByLocalHour),
    currency: settings.currency,
  }
  const measured = totals.devices.flatMap((d) => devicePartsOf(d, pack))
  return {
    sinceMs,
    untilMs,
    energyJ: totals.energyJ,
    samples: totals.samples,
    gaps: totals.gaps,
    devices: totals.devices.map((d) => {
      const parts = devicePartsOf(d, pack)
      const ranges = parts.map((p) => productRange(kWhFromJoules(p.energyJ), [p.measurement]))
      return {
        deviceId: d.deviceId,
        name: d.name,
        domain: d.domain,
        source: d.source,
        method: d.method,
        counterEnergyJ: d.counterEnergyJ,
        energyRangeKWh: [ranges.reduce((a, r) => a + r[0], 0), ranges.reduce((a, r) => a + r[1], 0)] as [number, number],
        measurementIds: [...new Set(parts.map((p: { measurement: Factor }) => p.measurement.id))],
        energyJ: d.energyJ,
        aboveIdleEnergyJ: above(d),
        // Time-weighted: energy over the time it was integrated, not a mean of readings.
        meanPowerW: d.integratedS > 0 ? d.energyJ / d.integratedS : null,
        maxPowerW: d.maxPowerW,
      }
    }),
    footprint: footprint(measured, context),
    wholePc: wholePcFigure(totals.devices, measured, settings, pack, context),
    embodied: embodiedFigure(totals.devices, sinceMs, untilMs, settings, pack),
    // Devices without a baseline count whole: "above idle" is never smaller than what is known.
    aboveIdleEnergyJ: totals.devices.some((d) => idleOf.has(d.deviceId)) ? totals.devices.reduce((sum, d) => sum + (above(d) ?? d.energyJ), 0) : null,
    idle: [...extras.idle],
    apps: appEnergies(extras.apps),
    demo,
  }
}
