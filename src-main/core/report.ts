import type { Report } from '../contract/footprint.ts'
import type { Settings } from '../contract/settings.ts'
import type { DataPack } from '../contract/reference.ts'
import { asFactor, referenceFactor } from './data-pack.ts'
import { footprint } from './footprint.ts'
import { gridFactorFor, userWaterFactor } from './grid-factors.ts'
import { tariffPriceFactor } from './tariff.ts'

/** The measurement factor of energy integrated from nvidia-smi's sampled power. */
export const SAMPLED_POWER_MEASUREMENT_ID = 'measurement-nvml-power'

export interface DeviceTotals {
  deviceId: string
  name: string
  energyJ: number
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

/** A period's totals with their footprint under the current settings. */
export function buildReport(totals: RangeTotals, sinceMs: number, untilMs: number, settings: Settings, demo: boolean, pack: DataPack): Report {
  const grid = gridFactorFor(settings)
  return {
    sinceMs,
    untilMs,
    energyJ: totals.energyJ,
    samples: totals.samples,
    gaps: totals.gaps,
    devices: totals.devices.map((d) => ({
      deviceId: d.deviceId,
      name: d.name,
      energyJ: d.energyJ,
      // Time-weighted: energy over the time it was integrated, not a mean of readings.
      meanPowerW: d.integratedS > 0 ? d.energyJ / d.integratedS : null,
      maxPowerW: d.maxPowerW,
    })),
    footprint: footprint(totals.energyJ, {
      method: 'integrated-sampled-power',
      measurement: asFactor(referenceFactor(pack, SAMPLED_POWER_MEASUREMENT_ID)),
      grid: grid?.factor ?? null,
      carbonMethod: grid?.method ?? null,
      water: userWaterFactor(settings.electricityWaterLPerKWh),
      price: tariffPriceFactor(settings, totals.energyKWhByLocalHour),
      currency: settings.currency,
    }),
    aboveIdleEnergyJ: settings.idleBaselineW === null ? null : aboveIdleEnergyJ(totals.devices, settings.idleBaselineW),
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
