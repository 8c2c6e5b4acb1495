import { z } from 'zod'
import { RangeSchema } from './footprint.ts'
import { FactorSchema, SourceSchema } from './provenance.ts'
import { Iso3Schema } from './settings.ts'
import { cliMeta } from './cli-meta.ts'
import { EnergyJSchema, GpuHoursSchema, IdSchema, ParamsBSchema, TokensBSchema, TokensSchema } from './bounds.ts'

const GridInput = {
  /** Grid intensity, g CO2e/kWh; else the country's Ember average; else WORLD. */
  gridGCo2ePerKWh: z
    .number()
    .min(0)
    .max(2000)
    .optional()
    .meta(cliMeta({ flag: 'grid', value: 'g/kWh', description: 'grid intensity in g CO2e/kWh (instead of a country)' })),
  countryIso3: Iso3Schema.optional().meta(
    cliMeta({ flag: 'country', value: 'ISO3', parse: 'upper', description: 'the country whose yearly grid average (Ember) is used; default WORLD' }),
  ),
}
const notBoth = (r: { gridGCo2ePerKWh?: number | undefined; countryIso3?: string | undefined }): boolean =>
  r.gridGCo2ePerKWh === undefined || r.countryIso3 === undefined
const GRID_OR_COUNTRY = { message: 'request.grid-or-country', path: ['gridGCo2ePerKWh'] }
const hardwareIdField = IdSchema.meta(cliMeta({ flag: 'hardware', value: 'ID', description: 'an accelerator of the data set (list them: wattprint hardware)' }))
const paramsField = ParamsBSchema.meta(cliMeta({ flag: 'params', value: 'N', parse: 'billions', description: 'active parameters (175B, 8e9)' }))
const tokensBField = TokensBSchema.meta(cliMeta({ flag: 'tokens', value: 'D', parse: 'billions', description: 'training tokens (300B, 15T)' }))
const mfuField = z
  .number()
  .gt(0)
  .max(1)
  .meta(cliMeta({ value: 'M', parse: 'fraction', description: 'model-FLOPs utilisation, 0-1 or a percentage (default 15-55 %)' }))
const pueField = z
  .number()
  .min(1)
  .max(3)
  .meta(
    cliMeta({
      value: 'P',
      description: "the data centre's PUE (default for data-centre parts 1.1, range 1.1-1.58; a home PC's is 1 with its power supply's loss)",
    }),
  )
const powerField = z
  .number()
  .positive()
  .max(5000)
  .meta(cliMeta({ flag: 'power-w', value: 'W', description: "power per accelerator in W (default: the device's TDP, range 50-100 %)" }))

export const TrainingEstimateRequestSchema = z
  .strictObject({
    gpuHours: GpuHoursSchema.optional().meta(cliMeta({ flag: 'gpu-hours', value: 'H', parse: 'count', description: 'accelerator-hours (30.84M)' })),
    /** Active parameters, billions (for the FLOPs route). */
    paramsB: paramsField.optional(),
    tokensB: tokensBField.optional(),
    mfu: mfuField.optional(),
    hardwareId: hardwareIdField,
    powerW: powerField.optional(),
    hostOverhead: z
      .number()
      .min(1)
      .max(3)
      .optional()
      .meta(
        cliMeta({
          flag: 'host-overhead',
          value: 'F',
          description: 'host power (CPU, memory, network) as a factor on accelerator power (default 1, range 1-1.43)',
        }),
      ),
    pue: pueField.optional(),
    ...GridInput,
  })
  .refine(notBoth, GRID_OR_COUNTRY)
  .refine((r) => r.gpuHours !== undefined || (r.paramsB !== undefined && r.tokensB !== undefined), {
    message: 'request.needs-training-work',
    path: ['gpuHours'],
  })
export type TrainingEstimateRequest = z.input<typeof TrainingEstimateRequestSchema>

export const FinetuneEstimateRequestSchema = z
  .strictObject({
    paramsB: paramsField,
    tokensB: TokensBSchema.meta(cliMeta({ flag: 'tokens', value: 'D', parse: 'billions', description: 'fine-tuning tokens (100M, 1B)' })),
    /** Tokens the same model was pre-trained on, billions, for the comparison. */
    pretrainTokensB: TokensBSchema.meta(
      cliMeta({ flag: 'pretrain-tokens', value: 'D0', parse: 'billions', description: 'tokens the model was pre-trained on (15T)' }),
    ),
    method: z.enum(['full', 'lora', 'qlora']).meta(cliMeta({ description: 'full fine-tuning (6N FLOPs per token), or LoRA/QLoRA (4N)' })),
    hardwareId: hardwareIdField,
    mfu: mfuField.optional(),
    pue: pueField.optional(),
    ...GridInput,
  })
  .refine(notBoth, GRID_OR_COUNTRY)
export type FinetuneEstimateRequest = z.input<typeof FinetuneEstimateRequestSchema>

export const InferenceEstimateRequestSchema = z
  .strictObject({
    /** Measured route: energy and the tokens it produced. */
    energyJ: EnergyJSchema.optional().meta(cliMeta({ flag: 'energy-j', value: 'J', parse: 'count', description: 'energy you measured, J' })),
    tokens: TokensSchema.optional().meta(cliMeta({ value: 'T', parse: 'count', description: 'tokens produced with that energy' })),
    /** Model route. */
    paramsB: paramsField.optional(),
    bitsPerWeight: z
      .number()
      .min(1)
      .max(32)
      .optional()
      .meta(cliMeta({ flag: 'bits', value: 'B', description: 'bits per weight (16, 8, 4)' })),
    hardwareId: hardwareIdField.optional(),
    powerW: powerField.optional(),
    ...GridInput,
  })
  .refine(notBoth, GRID_OR_COUNTRY)
  .refine(
    (r) => (r.energyJ !== undefined && r.tokens !== undefined) || (r.paramsB !== undefined && r.bitsPerWeight !== undefined && r.hardwareId !== undefined),
    {
      message: 'request.needs-inference-work',
      path: ['energyJ'],
    },
  )
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
  /** Where the hardware runs: a home PC (PUE 1, power-supply loss) or a data centre (PUE). */
  profile: z.enum(['home', 'data-centre']),
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
  period: z.object({
    sinceMs: z.number(),
    untilMs: z.number(),
    energyKWh: z.number(),
    energyRangeKWh: RangeSchema,
    co2eKg: z.number().nullable(),
    co2eRangeKg: RangeSchema.nullable(),
    durationS: z.number(),
    /** This PC's history, or the fleet read from the Prometheus server in Settings. */
    scope: z.enum(['local', 'fleet']).optional(),
  }),
  training: z.array(
    z.object({
      runId: z.string(),
      model: z.string(),
      runEnergyKWh: z.number().nullable(),
      /** A published energy is a point; one derived without a published PUE reaches up to a data centre's. */
      runEnergyRangeKWh: RangeSchema.nullable(),
      energyHow: z.string(),
      energyRatio: z.number().nullable(),
      energyRatioRange: RangeSchema.nullable(),
      yearsToEqual: z.number().nullable(),
      /** Null when your energy's low end is 0 (no upper bound). */
      yearsToEqualRange: RangeSchema.nullable(),
      runCo2eT: z.number().nullable(),
      co2eScope: z.string().nullable(),
      co2eRatio: z.number().nullable(),
      co2eRatioRange: RangeSchema.nullable(),
      /** The run's training energy shared over `queries` queries, Wh each. */
      amortisedWhPerQuery: z.number().nullable(),
    }),
  ),
  inference: z.array(
    z.object({
      figureId: z.string(),
      subject: z.string(),
      per: z.string(),
      equivalentCount: z.number().nullable(),
      equivalentCountRange: RangeSchema.nullable(),
      boundary: z.string(),
    }),
  ),
  equivalences: z.array(
    z.object({ factorId: z.string(), label: z.string(), amount: z.number(), amountRange: RangeSchema, unit: z.string(), basis: z.enum(['energy', 'co2e']) }),
  ),
  queries: z.number(),
  dataPack: z.object({ version: z.string(), date: z.string() }),
})
export type ComparisonResult = z.infer<typeof ComparisonSchema>
