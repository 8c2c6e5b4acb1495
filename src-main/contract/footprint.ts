import { z } from 'zod'
import { FactorSchema } from './provenance.ts'

export const MethodSchema = z.enum(['energy-counter', 'integrated-sampled-power', 'estimated'])

/** Energy turned into CO2e and money, with every factor it used. */
export const FootprintSchema = z.object({
  energyJ: z.number(),
  energyKWh: z.number(),
  /** Null when no grid factor is known for the chosen country. */
  co2eKg: z.number().nullable(),
  /** Null until the user sets an electricity price. */
  cost: z.number().nullable(),
  currency: z.string(),
  method: MethodSchema,
  grid: FactorSchema.nullable(),
  price: FactorSchema.nullable(),
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
  demo: z.boolean(),
})
export type Report = z.infer<typeof ReportSchema>
