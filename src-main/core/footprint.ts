import type { EnergyPart, Footprint, Range } from '../contract/footprint.ts'
import type { Factor } from '../contract/provenance.ts'
import type { EnergyMethod } from '../contract/telemetry.ts'
import { kgFromGrams, kWhFromJoules } from '../contract/units.ts'

/** Energy known one way, and the factor saying how far it may be off (value 1, low/high around it). */
export interface MeasuredEnergy {
  method: EnergyMethod
  energyJ: number
  measurement: Factor
  devices: readonly string[]
}

export interface FootprintContext {
  /** g CO2e/kWh; null when none is known. */
  grid: Factor | null
  carbonMethod: Footprint['carbonMethod']
  /** L/kWh consumed to generate the electricity (off-site). */
  water: Factor | null
  price: Factor | null
  currency: string
}

/** A factor's range, or its value alone when no range is documented. */
export function rangeOf(factor: Factor): Range {
  return [factor.low ?? factor.value, factor.high ?? factor.value]
}

/**
 * The range of a product of independent non-negative factors, taken end to end (all lows, all
 * highs): wider than a statistical interval, so no figure looks more precise than its inputs.
 */
export function productRange(base: number, factors: readonly Factor[]): Range {
  return factors.reduce<Range>(
    ([lo, hi], f) => {
      const [fl, fh] = rangeOf(f)
      return [lo * fl, hi * fh]
    },
    [base, base],
  )
}

/** Parts measured the same way with the same factor, merged (a report's devices → its footprint's parts). */
export function mergeParts(parts: readonly MeasuredEnergy[]): MeasuredEnergy[] {
  const merged = new Map<string, MeasuredEnergy>()
  for (const p of parts) {
    if (p.energyJ === 0) continue
    const key = `${p.method}|${p.measurement.id}`
    const prev = merged.get(key)
    merged.set(key, prev ? { ...prev, energyJ: prev.energyJ + p.energyJ, devices: [...new Set([...prev.devices, ...p.devices])] } : p)
  }
  return [...merged.values()]
}

/**
 * Energy → kWh, kg CO2e, litres of water and cost, each with a range and the factors used. The
 * energy's range is the sum of each part's own range (a counter-read GPU and an integrated CPU are
 * off by different amounts); every figure derived from it takes that range end to end.
 */
export function footprint(measured: readonly MeasuredEnergy[], context: FootprintContext): Footprint {
  const parts = mergeParts(measured)
  const energyJ = parts.reduce((sum, p) => sum + p.energyJ, 0)
  const energyKWh = kWhFromJoules(energyJ)
  const partsOut: EnergyPart[] = parts.map((p) => ({
    method: p.method,
    energyJ: p.energyJ,
    energyRangeKWh: productRange(kWhFromJoules(p.energyJ), [p.measurement]),
    measurement: p.measurement,
    devices: [...p.devices],
  }))
  const energyRangeKWh: Range = partsOut.length
    ? [sum(partsOut.map((p) => p.energyRangeKWh[0])), sum(partsOut.map((p) => p.energyRangeKWh[1]))]
    : [energyKWh, energyKWh]
  const { grid, water, price } = context
  const scaled = (factor: Factor | null, toUnit = (x: number): number => x): { value: number; range: Range } | null =>
    factor
      ? {
          value: toUnit(energyKWh * factor.value),
          range: [toUnit(energyRangeKWh[0] * rangeOf(factor)[0]), toUnit(energyRangeKWh[1] * rangeOf(factor)[1])],
        }
      : null
  const co2e = scaled(grid, kgFromGrams)
  const waterL = scaled(water)
  const cost = scaled(price)
  return {
    energyJ,
    energyKWh,
    energyRangeKWh,
    co2eKg: co2e?.value ?? null,
    co2eRangeKg: co2e?.range ?? null,
    carbonMethod: grid ? context.carbonMethod : null,
    waterL: waterL?.value ?? null,
    waterRangeL: waterL?.range ?? null,
    cost: cost?.value ?? null,
    costRange: cost?.range ?? null,
    currency: context.currency,
    method: methodOf(parts),
    parts: partsOut,
    grid,
    price,
    water,
    factors: [...new Map(parts.map((p) => [p.measurement.id, p.measurement])).values(), grid, water, price].filter((f): f is Factor => f !== null),
  }
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0)
}

/** One method when every part shares it; `mixed` otherwise; sampled power for no energy at all (nothing measured yet). */
function methodOf(parts: readonly MeasuredEnergy[]): Footprint['method'] {
  const methods = new Set(parts.map((p) => p.method))
  if (methods.size === 0) return 'sampled-power'
  return methods.size === 1 ? (parts[0]?.method ?? 'sampled-power') : 'mixed'
}
