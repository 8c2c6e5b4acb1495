import type { Footprint } from '../contract/footprint.ts'
import type { Factor } from '../contract/provenance.ts'
import { kgFromGrams, kWhFromJoules } from './units.ts'

export interface FootprintContext {
  grid: Factor | null
  price: Factor | null
  currency: string
  method: Footprint['method']
}

/** Energy → kWh, kg CO2e and cost; the result carries the factors it used. */
export function footprint(energyJ: number, context: FootprintContext): Footprint {
  const energyKWh = kWhFromJoules(energyJ)
  return {
    energyJ,
    energyKWh,
    co2eKg: context.grid ? kgFromGrams(energyKWh * context.grid.value) : null,
    cost: context.price ? energyKWh * context.price.value : null,
    currency: context.currency,
    method: context.method,
    grid: context.grid,
    price: context.price,
  }
}
