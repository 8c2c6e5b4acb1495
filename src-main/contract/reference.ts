import { z } from 'zod'
import { BOUNDS, GpuHoursSchema, ParamsBSchema, TokensBSchema } from './bounds.ts'
import { SourceSchema } from './provenance.ts'

/** How well a figure was checked before it was put in the data set. */
export const ConfidenceSchema = z.enum(['primary', 'abstract', 'secondary'])

/** What a CO2e figure counts. */
export const CarbonScopeSchema = z.enum([
  /** Grid average where the energy was used, operational only. */
  'location-based',
  /** After renewable purchases or offsets (GHG Protocol Scope 2 market-based). */
  'market-based',
  /** Operational plus manufacturing (embodied) and other life-cycle stages. */
  'life-cycle',
  /** Only the accelerators' dynamic power, no idle or infrastructure. */
  'dynamic-power-only',
])

/** Which water a figure counts. */
export const WaterScopeSchema = z.enum(['on-site', 'off-site', 'on-site-and-off-site'])

const base = {
  id: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/),
  source: SourceSchema,
  confidence: ConfidenceSchema,
  notes: z.string().optional(),
}

/** A published training run. Null where the source does not publish the figure. */
export const TrainingRunSchema = z.strictObject({
  ...base,
  model: z.string(),
  /** Total (or active, for mixture-of-experts) parameters, billions. */
  paramsB: ParamsBSchema.nullable(),
  activeParamsB: ParamsBSchema.nullable(),
  /** Training tokens, billions. */
  tokensB: TokensBSchema.nullable(),
  hardware: z.string(),
  /** id in the hardware table, when the accelerator is in it. */
  hardwareId: z.string().nullable(),
  gpuHours: GpuHoursSchema.nullable(),
  /** Power per accelerator the source used, W. */
  powerPerAcceleratorW: z.number().positive().max(5000).nullable(),
  energyMWh: z
    .number()
    .positive()
    .max(BOUNDS.energyKWh / 1000)
    .nullable(),
  pue: z.number().min(1).max(3).nullable(),
  gridGCo2ePerKWh: z.number().min(0).max(2000).nullable(),
  co2eT: z.number().min(0).max(1e9).nullable(),
  co2eScope: CarbonScopeSchema.nullable(),
  /** What the figures cover: the final run, the whole development, training plus use… */
  covers: z.string(),
})
export type TrainingRun = z.infer<typeof TrainingRunSchema>

/** A published inference figure, per query/response or per 1,000 inferences. */
export const InferenceFigureSchema = z.strictObject({
  ...base,
  subject: z.string(),
  per: z.enum(['query', '1000 inferences', 'response']),
  energyWh: z.number().positive().max(1e9).nullable(),
  co2eG: z.number().min(0).max(1e9).nullable(),
  waterMl: z.number().min(0).max(1e9).nullable(),
  carbonScope: CarbonScopeSchema.nullable(),
  waterScope: WaterScopeSchema.nullable(),
  /** What the energy boundary includes (accelerator only, whole serving stack…). */
  boundary: z.string(),
  /**
   * The boundary as a class, so unlike is never set beside unlike silently: the accelerators only,
   * a whole server node (CPUs, memory), the whole serving stack (idle capacity, data-centre
   * overhead), or not disclosed.
   */
  scope: z.enum(['accelerator', 'node', 'whole-stack', 'undisclosed']).optional(),
})
export type InferenceFigure = z.infer<typeof InferenceFigureSchema>

export const HardwareSchema = z.strictObject({
  ...base,
  name: z.string(),
  vendor: z.string(),
  kind: z.enum(['datacenter', 'workstation', 'consumer']),
  /** Board power / TDP, W. */
  tdpW: z.number().positive().max(5000),
  /** Dense (no sparsity) BF16/FP16 tensor throughput, TFLOP/s, as the source states it. */
  denseTflops: z.number().positive().max(1e6).nullable(),
  /** Which rate `denseTflops` is: BF16, FP16 with FP32 accumulate, FP16 with FP16 accumulate… */
  tflopsNote: z.string(),
  memoryGB: z.number().positive().max(1e5).nullable(),
  memoryBandwidthGBs: z.number().positive().max(1e7).nullable(),
})
export type Hardware = z.infer<typeof HardwareSchema>

/** A factor with its uncertainty: PUE, WUE, water intensity of electricity, equivalences… */
export const ReferenceFactorSchema = z.strictObject({
  ...base,
  category: z.enum(['pue', 'wue', 'electricity-water', 'equivalence', 'inference-share', 'measurement', 'embodied']),
  label: z.string(),
  value: z.number().min(-1e12).max(1e12),
  unit: z.string(),
  /** Plausible range around value, same unit: what the source or its spread supports. */
  low: z.number().min(-1e12).max(1e12),
  high: z.number().min(-1e12).max(1e12),
  year: z.number().int().nullable(),
  scope: z.string(),
})
export type ReferenceFactor = z.infer<typeof ReferenceFactorSchema>

/** A figure often quoted wrongly, and what the sources say. */
export const MisquoteSchema = z.strictObject({
  id: z.string(),
  claim: z.string(),
  correction: z.string(),
  sources: z.array(SourceSchema).min(1),
})
export type Misquote = z.infer<typeof MisquoteSchema>

/** The whole cited data set: versioned and dated so the app can say which one it uses. */
export const DataPackSchema = z
  .strictObject({
    version: z.string().regex(/^\d+\.\d+\.\d+$/),
    /** Date the data were last checked, YYYY-MM-DD. */
    date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    description: z.string(),
    trainingRuns: z.array(TrainingRunSchema),
    inference: z.array(InferenceFigureSchema),
    hardware: z.array(HardwareSchema),
    factors: z.array(ReferenceFactorSchema),
    misquotes: z.array(MisquoteSchema),
  })
  .superRefine((pack, ctx) => {
    const ids = new Set<string>()
    const all = [...pack.trainingRuns, ...pack.inference, ...pack.hardware, ...pack.factors, ...pack.misquotes]
    for (const [i, record] of all.entries()) {
      if (ids.has(record.id)) ctx.addIssue({ code: 'custom', message: `duplicate id "${record.id}"`, path: ['id', i] })
      ids.add(record.id)
    }
    const hardware = new Set(pack.hardware.map((h) => h.id))
    for (const [i, run] of pack.trainingRuns.entries()) {
      if (run.hardwareId !== null && !hardware.has(run.hardwareId)) {
        ctx.addIssue({ code: 'custom', message: `unknown hardwareId "${run.hardwareId}"`, path: ['trainingRuns', i, 'hardwareId'] })
      }
    }
    for (const [i, f] of pack.factors.entries()) {
      if (!(f.low <= f.value && f.value <= f.high)) ctx.addIssue({ code: 'custom', message: `low ≤ value ≤ high does not hold`, path: ['factors', i] })
    }
  })
export type DataPack = z.infer<typeof DataPackSchema>
