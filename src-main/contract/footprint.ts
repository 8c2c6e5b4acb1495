import { z } from 'zod'
import { FactorSchema } from './provenance.ts'

export const MethodSchema = z.enum(['energy-counter', 'integrated-sampled-power', 'estimated'])

/** A low–high range around a figure, same unit: the product of each input's documented range. */
export const RangeSchema = z.tuple([z.number(), z.number()])
export type Range = z.infer<typeof RangeSchema>

/** Which carbon accounting a CO2e figure uses. */
export const CarbonMethodSchema = z.enum(['location-based', 'market-based', 'user-value'])

/** Energy turned into CO2e, water and money, with every factor it used and a range for each. */
export const FootprintSchema = z.object({
  energyJ: z.number(),
  energyKWh: z.number(),
  energyRangeKWh: RangeSchema,
  /** Null when no grid factor is known for the chosen country. */
  co2eKg: z.number().nullable(),
  co2eRangeKg: RangeSchema.nullable(),
  carbonMethod: CarbonMethodSchema.nullable(),
  /** Off-site water: consumed to generate the electricity. */
  waterL: z.number().nullable(),
  waterRangeL: RangeSchema.nullable(),
  /** Null until the user sets an electricity price. */
  cost: z.number().nullable(),
  costRange: RangeSchema.nullable(),
  currency: z.string(),
  method: MethodSchema,
  /** How much the energy itself may be off, by method (documented factor). */
  measurement: FactorSchema,
  grid: FactorSchema.nullable(),
  price: FactorSchema.nullable(),
  water: FactorSchema.nullable(),
  /** Every factor used, for "How is this computed?". */
  factors: z.array(FactorSchema),
})
export type Footprint = z.infer<typeof FootprintSchema>

export const DeviceEnergySchema = z.object({
  deviceId: z.string(),
  name: z.string(),
  energyJ: z.number(),
  meanPowerW: z.number().nullable(),
  maxPowerW: z.number().nullable(),
})
export type DeviceEnergy = z.infer<typeof DeviceEnergySchema>

/** Energy and footprint over a period. */
export const ReportSchema = z.object({
  sinceMs: z.number(),
  untilMs: z.number(),
  energyJ: z.number(),
  samples: z.number().int(),
  /** Intervals longer than maxGapS that were not bridged. */
  gaps: z.number().int(),
  devices: z.array(DeviceEnergySchema),
  footprint: FootprintSchema,
  /** Energy above each GPU's idle baseline (Settings), J; null when no baseline is set. */
  aboveIdleEnergyJ: z.number().nullable(),
  idleBaselineW: z.number().nullable(),
  demo: z.boolean(),
})
export type Report = z.infer<typeof ReportSchema>
