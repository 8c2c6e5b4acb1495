import { z } from 'zod'
import { RangeSchema } from './footprint.ts'
import { FactorSchema, SourceSchema } from './provenance.ts'
import { Iso3Schema } from './settings.ts'
import { EnergyJSchema, GpuHoursSchema, IdSchema, ParamsBSchema, TokensBSchema, TokensSchema } from './bounds.ts'

const GridInput = {
  /** Grid intensity, g CO2e/kWh; else the country's Ember average; else WORLD. */
  gridGCo2ePerKWh: z.number().min(0).max(2000).optional(),
  countryIso3: Iso3Schema.optional(),
}

export const TrainingEstimateRequestSchema = z
  .strictObject({
    gpuHours: GpuHoursSchema.optional(),
    /** Active parameters, billions (for the FLOPs route). */
    paramsB: ParamsBSchema.optional(),
    tokensB: TokensBSchema.optional(),
    mfu: z.number().gt(0).max(1).optional(),
    hardwareId: IdSchema,
    powerW: z.number().positive().max(5000).optional(),
    hostOverhead: z.number().min(1).max(3).optional(),
    pue: z.number().min(1).max(3).optional(),
    ...GridInput,
  })
  .refine((r) => r.gpuHours !== undefined || (r.paramsB !== undefined && r.tokensB !== undefined), {
    message: 'give gpuHours, or paramsB and tokensB',
    path: ['gpuHours'],
  })
export type TrainingEstimateRequest = z.input<typeof TrainingEstimateRequestSchema>

export const FinetuneEstimateRequestSchema = z.strictObject({
  paramsB: ParamsBSchema,
  tokensB: TokensBSchema,
  /** Tokens the same model was pre-trained on, billions, for the comparison. */
  pretrainTokensB: TokensBSchema,
  method: z.enum(['full', 'lora', 'qlora']),
  hardwareId: IdSchema,
  mfu: z.number().gt(0).max(1).optional(),
  pue: z.number().min(1).max(3).optional(),
  ...GridInput,
})
export type FinetuneEstimateRequest = z.input<typeof FinetuneEstimateRequestSchema>

export const InferenceEstimateRequestSchema = z
  .strictObject({
    /** Measured route: energy and the tokens it produced. */
    energyJ: EnergyJSchema.optional(),
    tokens: TokensSchema.optional(),
    /** Model route. */
    paramsB: ParamsBSchema.optional(),
    bitsPerWeight: z.number().min(1).max(32).optional(),
    hardwareId: IdSchema.optional(),
    powerW: z.number().positive().max(5000).optional(),
    ...GridInput,
  })
  .refine((r) => (r.energyJ !== undefined && r.tokens !== undefined) || (r.paramsB !== undefined && r.bitsPerWeight !== undefined && r.hardwareId !== undefined), {
    message: 'give energyJ and tokens (measured), or paramsB, bitsPerWeight and hardwareId (estimated)',
    path: ['energyJ'],
  })
export type InferenceEstimateRequest = z.input<typeof InferenceEstimateRequestSchema>

export const AssumptionSchema = z.object({
  name: z.string(),
  value: z.number(),
  low: z.number(),
  high: z.number(),
  unit: z.string(),
  isDefault: z.boolean(),
  why: z.string(),
  source: SourceSchema.nullable(),
})

const CarbonSchema = z.object({ co2eT: z.number(), co2eRangeT: RangeSchema, grid: FactorSchema })

export const TrainingEstimateSchema = z.object({
  formula: z.string(),
  hardware: z.string(),
  gpuHours: z.number(),
  gpuHoursRange: RangeSchema,
  energyMWh: z.number(),
  energyRangeMWh: RangeSchema,
  carbon: CarbonSchema,
  assumptions: z.array(AssumptionSchema),
})
export type TrainingEstimateResult = z.infer<typeof TrainingEstimateSchema>

export const FinetuneEstimateSchema = z.object({
  method: z.enum(['full', 'lora', 'qlora']),
  finetuneFlops: z.number(),
  pretrainFlops: z.number(),
  shareOfPretraining: z.number(),
  finetune: TrainingEstimateSchema,
  pretrain: TrainingEstimateSchema,
  notes: z.array(z.string()),
  sources: z.array(SourceSchema),
})
export type FinetuneEstimateResult = z.infer<typeof FinetuneEstimateSchema>

export const InferenceEstimateSchema = z.object({
  formula: z.string(),
  method: z.enum(['measured', 'estimated']),
  energyPerTokenJ: z.number(),
  energyPerTokenRangeJ: RangeSchema,
  whPer1000Tokens: z.number(),
  tokensPerSecond: z.number().nullable(),
  /** CO2e per 1,000 tokens, g, at the chosen grid. */
  co2eGPer1000Tokens: z.number(),
  grid: FactorSchema,
  assumptions: z.array(AssumptionSchema),
})
export type InferenceEstimateResult = z.infer<typeof InferenceEstimateSchema>

export const ComparisonSchema = z.object({
  period: z.object({ sinceMs: z.number(), untilMs: z.number(), energyKWh: z.number(), co2eKg: z.number().nullable(), durationS: z.number() }),
  training: z.array(
    z.object({
      runId: z.string(),
      model: z.string(),
      runEnergyKWh: z.number().nullable(),
      energyHow: z.string(),
      energyRatio: z.number().nullable(),
      yearsToEqual: z.number().nullable(),
      runCo2eT: z.number().nullable(),
      co2eScope: z.string().nullable(),
      co2eRatio: z.number().nullable(),
      /** The run's training energy shared over `queries` queries, Wh each. */
      amortisedWhPerQuery: z.number().nullable(),
    }),
  ),
  inference: z.array(z.object({ figureId: z.string(), subject: z.string(), per: z.string(), equivalentCount: z.number().nullable(), boundary: z.string() })),
  equivalences: z.array(z.object({ factorId: z.string(), label: z.string(), amount: z.number(), unit: z.string(), basis: z.enum(['energy', 'co2e']) })),
  queries: z.number(),
  dataPack: z.object({ version: z.string(), date: z.string() }),
})
export type ComparisonResult = z.infer<typeof ComparisonSchema>
