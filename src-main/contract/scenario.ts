import { z } from 'zod'
import { Iso3Schema } from './settings.ts'

/** One what-if lever. Every lever is a pure function with a documented formula and a citation. */
export const LeverSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('distillation'), teacherParamsB: z.number().positive(), studentParamsB: z.number().positive() }),
  z.strictObject({ type: z.literal('quantization'), fromBits: z.number().min(1).max(32), toBits: z.number().min(1).max(32) }),
  z.strictObject({
    type: z.literal('finetune-instead-of-pretrain'),
    paramsB: z.number().positive(),
    finetuneTokensB: z.number().positive(),
    pretrainTokensB: z.number().positive(),
    method: z.enum(['full', 'lora', 'qlora']),
  }),
  z.strictObject({ type: z.literal('pue'), pue: z.number().min(1).max(3) }),
  z.strictObject({ type: z.literal('grid'), countryIso3: Iso3Schema }),
  z.strictObject({ type: z.literal('renewable-share'), percent: z.number().min(0).max(100) }),
  z.strictObject({ type: z.literal('hardware'), fromId: z.string(), toId: z.string() }),
  z.strictObject({
    type: z.literal('time-shift'),
    /** Grid intensity at the cleaner hour, g CO2e/kWh (from the supplier or a live map: not bundled). */
    gCo2ePerKWh: z.number().min(0).max(2000),
  }),
  z.strictObject({ type: z.literal('location'), to: z.enum(['local', 'cloud']) }),
])
export type Lever = z.infer<typeof LeverSchema>

/** Where the energy is used. */
export const SiteSchema = z.strictObject({
  countryIso3: Iso3Schema,
  /** 1.0 at home; a data centre's PUE otherwise. */
  pue: z.number().min(1).max(3).default(1),
  /** On-site cooling water per kWh of IT energy, L/kWh (0 at home). */
  wueLPerKWh: z.number().min(0).max(20).default(0),
  pricePerKWh: z.number().min(0).max(100).nullable().default(null),
  currency: z.string().regex(/^[A-Z]{3}$/).default('EUR'),
})
export type Site = z.infer<typeof SiteSchema>

export const BaselineSchema = z.discriminatedUnion('kind', [
  /** Energy at the IT equipment (GPU + host), kWh. */
  z.strictObject({ kind: z.literal('energy'), label: z.string().default('Baseline'), itEnergyKWh: z.number().min(0) }),
  /** A published training run from the data set, by id. */
  z.strictObject({ kind: z.literal('training-run'), runId: z.string() }),
  /** What Wattprint measured over a period (ISO 8601 dates). */
  z.strictObject({ kind: z.literal('measured'), since: z.string(), until: z.string() }),
])
export type Baseline = z.infer<typeof BaselineSchema>

/** A scenario file: a baseline, where it runs, and variants made of levers. */
export const ScenarioSchema = z.strictObject({
  name: z.string().min(1).max(200),
  baseline: BaselineSchema,
  site: SiteSchema,
  variants: z
    .array(z.strictObject({ name: z.string().min(1).max(200), levers: z.array(LeverSchema).min(1) }))
    .max(20),
})
export type Scenario = z.infer<typeof ScenarioSchema>
export type ScenarioInput = z.input<typeof ScenarioSchema>

const OutcomeSchema = z.object({ energyKWh: z.number(), co2eKg: z.number(), waterL: z.number(), cost: z.number().nullable() })

export const ScenarioResultSchema = z.object({
  name: z.string(),
  currency: z.string(),
  baseline: z.object({ label: z.string(), outcome: OutcomeSchema, workload: z.record(z.string(), z.number().nullable()) }),
  variants: z.array(
    z.object({
      name: z.string(),
      outcome: OutcomeSchema,
      delta: OutcomeSchema,
      /** Change against the baseline, percent; null where the baseline is 0 or unknown. */
      deltaPct: z.object({ energyKWh: z.number().nullable(), co2eKg: z.number().nullable(), waterL: z.number().nullable(), cost: z.number().nullable() }),
      steps: z.array(z.object({ lever: z.string(), formula: z.string(), citation: z.string() })),
    }),
  ),
  notes: z.array(z.string()),
})
export type ScenarioResult = z.infer<typeof ScenarioResultSchema>
export type Outcome = z.infer<typeof OutcomeSchema>
