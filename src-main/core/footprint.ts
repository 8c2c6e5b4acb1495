import type { Footprint, Range } from '../contract/footprint.ts'
import type { Factor } from '../contract/provenance.ts'
import { kgFromGrams, kWhFromJoules } from '../contract/units.ts'

export interface FootprintContext {
  method: Footprint['method']
  /** How far the energy itself may be off for this method (value 1, low/high around it). */
  measurement: Factor
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

/** Energy → kWh, kg CO2e, litres of water and cost, each with a range and the factors used. */
export function footprint(energyJ: number, context: FootprintContext): Footprint {
  const energyKWh = kWhFromJoules(energyJ)
  const energyRangeKWh = productRange(energyKWh, [context.measurement])
  const { grid, water, price } = context
  const scaled = (factor: Factor | null, toUnit = (x: number): number => x): { value: number; range: Range } | null =>
    factor
      ? {
          value: toUnit(energyKWh * factor.value),
          range: productRange(energyKWh, [context.measurement, factor]).map(toUnit) as Range,
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
    method: context.method,
    measurement: context.measurement,
    grid,
    price,
    water,
    factors: [context.measurement, grid, water, price].filter((f): f is Factor => f !== null),
  }
}
