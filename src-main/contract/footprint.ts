import { z } from 'zod'
import { FactorSchema } from './provenance.ts'
import { DomainSchema, EnergyMethodSchema, IdleBaselineSchema } from './telemetry.ts'

/** How a footprint's energy is known: one method for all of it, or `mixed` (see its parts). */
export const MethodSchema = z.enum(['counter', 'sampled-power', 'estimated', 'mixed'])

/** A low–high range around a figure, same unit: the product of each input's documented range. */
export const RangeSchema = z.tuple([z.number(), z.number()])
export type Range = z.infer<typeof RangeSchema>

/** Which carbon accounting a CO2e figure uses. */
export const CarbonMethodSchema = z.enum(['location-based', 'market-based', 'user-value'])

/** The part of an energy known one way (an energy counter, sampled power, an estimate), with its own uncertainty. */
export const EnergyPartSchema = z.object({
  method: EnergyMethodSchema,
  energyJ: z.number(),
  energyRangeKWh: RangeSchema,
  /** How far this part may be off (value 1, low/high around it), with its source. */
  measurement: FactorSchema,
  /** The devices it comes from, by name. */
  devices: z.array(z.string()),
})
export type EnergyPart = z.infer<typeof EnergyPartSchema>

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
  /** The energy by how it is known, each part with its own documented uncertainty; the energy range is their sum. */
  parts: z.array(EnergyPartSchema),
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
  /** What part of the machine it is (gpu, cpu-package, dram, soc) and the source that read it. */
  domain: DomainSchema,
  source: z.string(),
  /** How its energy is known: the device's energy counter or sampled power. */
  method: EnergyMethodSchema,
  /** Share of its energy read from the energy counter (the rest bridged by sampled power, e.g. across a driver reload). */
  counterEnergyJ: z.number(),
  /** Its energy's own range, from its measurement factor(s). */
  energyRangeKWh: RangeSchema,
  /** The data-set factor(s) that give that range. */
  measurementIds: z.array(z.string()),
  energyJ: z.number(),
  /** Energy above its idle baseline, J; null while it has none. */
  aboveIdleEnergyJ: z.number().nullable(),
  meanPowerW: z.number().nullable(),
  maxPowerW: z.number().nullable(),
})
export type DeviceEnergy = z.infer<typeof DeviceEnergySchema>

/** An app's energy over a period, and how its active share was split (by SM use, by memory, or not at all). */
export const AppEnergySchema = z.object({
  app: z.string(),
  energyJ: z.number(),
  byMethod: z.array(z.object({ method: z.enum(['sm-utilisation', 'memory-share', 'none']), energyJ: z.number() })),
})
export type AppEnergy = z.infer<typeof AppEnergySchema>

/** The whole PC at the wall socket, each part labelled measured or estimated. */
export const WholePcSchema = z.object({
  /** What the sources measured (GPUs, CPU package, DRAM, SoC), J. */
  measuredJ: z.number(),
  /** The rest of the PC (estimated: restOfSystemW over the time recorded), J. */
  restOfSystemJ: z.number(),
  /** Lost in the power supply (estimated from its efficiency), J. */
  psuLossJ: z.number(),
  /** Everything, at the wall, J. */
  wallJ: z.number(),
  /** Time the PC was recorded (the longest device's integrated time), s. */
  coveredS: z.number(),
  restOfSystemW: z.number(),
  restFrom: z.enum(['entered', 'wall-meter']),
  psuEfficiency: FactorSchema,
  footprint: FootprintSchema,
})
export type WholePc = z.infer<typeof WholePcSchema>

/**
 * The GPUs' manufacturing (embodied) carbon allotted to a period, apart from the operational
 * figure: cradle-to-gate CO2e × time in the period ÷ lifetime, per GPU.
 */
export const EmbodiedSchema = z.object({
  co2eKg: z.number(),
  co2eRangeKg: RangeSchema,
  /** The lifetime the manufacturing carbon is spread over (the user's or the data set's). */
  lifetime: FactorSchema,
  devices: z.array(
    z.object({
      deviceId: z.string(),
      name: z.string(),
      /** The device's cradle-to-gate figure (a data-set LCA, a proxy, or the user's own). */
      factor: FactorSchema,
      /** Time in the period: first to last reading, s. */
      spanS: z.number(),
      co2eKg: z.number(),
      co2eRangeKg: RangeSchema,
    }),
  ),
})
export type Embodied = z.infer<typeof EmbodiedSchema>

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
  /** The whole PC at the wall: measured parts, the rest of the system and the power supply's loss (null until the rest is set). */
  wholePc: WholePcSchema.nullable(),
  /** The GPUs' manufacturing carbon allotted to the period (null without a GPU): never added to the operational CO2e. */
  embodied: EmbodiedSchema.nullable(),
  /** Energy above each device's idle baseline, J (devices without one count whole); null when no device has a baseline yet. */
  aboveIdleEnergyJ: z.number().nullable(),
  /** The idle baselines used, per device, and how each is known. */
  idle: z.array(IdleBaselineSchema),
  /** Energy per app (ollama, comfyui, games-graphics, idle, unattributed…) for the devices a process source covers, J. */
  apps: z.array(AppEnergySchema),
  demo: z.boolean(),
})
export type Report = z.infer<typeof ReportSchema>
