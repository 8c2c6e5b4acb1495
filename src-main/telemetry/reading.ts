import type { Domain, EnergyMethod } from '../contract/telemetry.ts'

/**
 * One reading of one device, as a source gives it: everything a source does not give is null,
 * never 0 (an `[N/A]` power stays unknown). The recorder turns readings into energy.
 */
export interface Reading {
  deviceId: string
  /** Wall-clock time of the reading, ms since the Unix epoch (the source's stamp, or when it was read). */
  wallMs: number
  /** Power at that instant (or averaged by the device over its own short window), W. */
  powerW: number | null
  /** A cumulative energy counter as read, J: it may wrap (see counterRangeJ) or reset (driver reload). */
  energyCounterJ: number | null
  /** Where the counter wraps back to 0, J (RAPL's max_energy_range_uj); null: it does not wrap in practice. */
  counterRangeJ: number | null
  powerLimitW: number | null
  utilPct: number | null
  memUtilPct: number | null
  memUsedB: number | null
  tempC: number | null
  smClockMhz: number | null
  pstate: number | null
}

/** What does not change between readings of a device. */
export interface DeviceInfo {
  deviceId: string
  index: number | null
  name: string
  memTotalB: number | null
  source: string
  domain: Domain
  /** Counter when the device has an energy counter the source reads, else sampled power. */
  method: EnergyMethod
  /** PCI address (`0000:01:00.0`) when known: how a sleeping GPU is found and how sources are matched. */
  pciAddress?: string | null
  vendor?: 'nvidia' | 'amd' | 'intel' | 'apple' | null
  /** Inside another device's figure (Apple's CPU inside the SoC): shown live, never added nor stored. */
  partOf?: string | null
}

/** A reading with every optional field unknown: sources fill what they have. */
export function emptyReading(deviceId: string, wallMs: number): Reading {
  return {
    deviceId,
    wallMs,
    powerW: null,
    energyCounterJ: null,
    counterRangeJ: null,
    powerLimitW: null,
    utilPct: null,
    memUtilPct: null,
    memUsedB: null,
    tempC: null,
    smClockMhz: null,
    pstate: null,
  }
}

/** Reads a file under a sysfs root, or null when it is absent or unreadable (tests pass a captured tree). */
export type FileReader = (path: string) => string | null
/** Lists a directory under a sysfs root, or [] when absent. */
export type DirLister = (path: string) => string[]
