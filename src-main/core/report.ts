import type { Report } from '../contract/footprint.ts'
import type { Domain, EnergyMethod } from '../contract/telemetry.ts'
import type { Settings } from '../contract/settings.ts'
import type { DataPack } from '../contract/reference.ts'
import type { Factor } from '../contract/provenance.ts'
import { kWhFromJoules } from '../contract/units.ts'
import { asFactor } from './data-pack.ts'
import { footprint, productRange, type FootprintContext, type MeasuredEnergy } from './footprint.ts'
import { gridFactorFor, userWaterFactor } from './grid-factors.ts'
import { measurementFactor, measurementIdFor } from './measurement.ts'
import { tariffPriceFactor } from './tariff.ts'
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

/** A period's totals with their footprint under the current settings. */
export function buildReport(totals: RangeTotals, sinceMs: number, untilMs: number, settings: Settings, demo: boolean, pack: DataPack): Report {
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
        // Time-weighted: energy over the time it was integrated, not a mean of readings.
        meanPowerW: d.integratedS > 0 ? d.energyJ / d.integratedS : null,
        maxPowerW: d.maxPowerW,
      }
    }),
    footprint: footprint(measured, context),
    wholePc: wholePcFigure(totals.devices, measured, settings, pack, context),
    aboveIdleEnergyJ:
      settings.idleBaselineW === null
        ? null
        : aboveIdleEnergyJ(
            totals.devices.filter((d) => d.domain === 'gpu'),
            settings.idleBaselineW,
          ),
    idleBaselineW: settings.idleBaselineW,
    demo,
  }
}

/**
 * Energy above an idle baseline: each GPU's energy minus baseline × the time it was integrated,
 * never below zero per GPU. From totals, so a GPU that dipped under the baseline for part of the
 * period offsets its own time above it (the per-reading split needs raw samples).
 */
export function aboveIdleEnergyJ(devices: readonly DeviceTotals[], idleW: number): number {
  return devices.reduce((sum, d) => sum + Math.max(0, d.energyJ - idleW * d.integratedS), 0)
}
