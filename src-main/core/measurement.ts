import type { DataPack, ReferenceFactor } from '../contract/reference.ts'
import type { Domain, EnergyMethod } from '../contract/telemetry.ts'
import { bundledDataPack } from './data-pack.ts'

/** The data set's measurement factors: how far each way of knowing energy may be off. */
export const MEASUREMENT_IDS = {
  /** nvidia-smi / NVML power, integrated (±5%, NVIDIA's figure). */
  nvidiaPower: 'measurement-nvml-power',
  /** NVML's total-energy counter. */
  nvidiaCounter: 'measurement-nvml-energy',
  /** RAPL package and DRAM counters. */
  rapl: 'measurement-rapl-energy',
  /** AMD (amdgpu hwmon, amd-smi, rocm-smi) and Apple (powermetrics) readings: no published accuracy. */
  vendor: 'measurement-vendor-power',
} as const

/** Sources whose readings are AMD's or Apple's own figures, without a published accuracy. */
const VENDOR_SOURCES = new Set(['drm-hwmon', 'amd-smi', 'rocm-smi', 'powermetrics', 'macmon'])

/**
 * Which measurement factor applies to a device's energy known by `method`: RAPL's for the CPU
 * package and DRAM, the vendor one for AMD/Apple sources and SoC figures, NVIDIA's power or
 * counter figure otherwise (nvidia-smi, NVML, and imported nvidia-smi logs).
 */
export function measurementIdFor(device: { source: string; domain: Domain }, method: EnergyMethod): string {
  if (device.domain === 'cpu-package' || device.domain === 'dram') return method === 'counter' ? MEASUREMENT_IDS.rapl : MEASUREMENT_IDS.vendor
  if (device.domain !== 'gpu' || VENDOR_SOURCES.has(device.source)) return MEASUREMENT_IDS.vendor
  return method === 'counter' ? MEASUREMENT_IDS.nvidiaCounter : MEASUREMENT_IDS.nvidiaPower
}

/**
 * A measurement factor from the pack in use; from the bundled pack when an older imported pack
 * lacks it (measurement factors came with telemetry sources, after some packs were published).
 */
export function measurementFactor(pack: DataPack, id: string): ReferenceFactor {
  const found = pack.factors.find((f) => f.id === id) ?? bundledDataPack().factors.find((f) => f.id === id)
  if (!found) throw new Error(`no measurement factor "${id}" in data pack ${pack.version} or the bundled one`)
  return found
}
