import { badInput } from '../contract/errors.ts'
import type { ComparisonResult, FinetuneEstimateResult, InferenceEstimateResult, TrainingEstimateResult } from '../contract/estimates.ts'
import type { Range } from '../contract/footprint.ts'
import type { Factor } from '../contract/provenance.ts'
import type { DataPack, Hardware } from '../contract/reference.ts'
import { amortisedPerQueryWh, compareWithInference, compareWithTraining, equivalences } from './comparisons.ts'
import {
  compareFinetune,
  facilityAssumption,
  flopsPerTokenFactor,
  inferenceFromMeasurement,
  inferenceFromModel,
  trainingFromFlops,
  trainingFromGpuHours,
  profileOf,
  type Profile,
  type TrainingEstimate,
} from './estimators.ts'
import { rangeOf } from './footprint.ts'
import { countryGridFactor, userGridFactor } from './grid-factors.ts'

export function hardwareById(pack: DataPack, id: string, field = 'hardwareId'): Hardware {
  const hw = pack.hardware.find((h) => h.id === id)
  if (!hw) throw badInput('estimate.unknown-hardware', { id }, field)
  return hw
}

/** The grid an estimate uses: a value given, else a country's Ember average, else the world average. */
export function gridForEstimate(req: { gridGCo2ePerKWh?: number | undefined; countryIso3?: string | undefined }): Factor {
  if (req.gridGCo2ePerKWh !== undefined) return userGridFactor(req.gridGCo2ePerKWh)
  const iso3 = req.countryIso3 ?? 'WORLD'
  const factor = countryGridFactor(iso3)
  if (!factor) throw badInput('estimate.no-grid', { iso3 }, 'countryIso3')
  return factor
}

const tonnes = (kWh: number, gPerKWh: number): number => (kWh * gPerKWh) / 1e6

function withCarbon(estimate: TrainingEstimate, hardware: Hardware, profile: Profile, grid: Factor, gridGiven: boolean): TrainingEstimateResult {
  const [gl, gh] = rangeOf(grid)
  return {
    formula: `${estimate.formula}; CO2e = energy × grid intensity`,
    hardware: hardware.name,
    profile,
    gpuHours: estimate.gpuHours,
    gpuHoursRange: estimate.gpuHoursRange,
    energyMWh: estimate.energyKWh / 1000,
    energyRangeMWh: [estimate.energyRangeKWh[0] / 1000, estimate.energyRangeKWh[1] / 1000],
    carbon: {
      co2eT: tonnes(estimate.energyKWh, grid.value),
      co2eRangeT: [tonnes(estimate.energyRangeKWh[0], gl), tonnes(estimate.energyRangeKWh[1], gh)],
      grid,
    },
    assumptions: [
      ...estimate.assumptions,
      {
        name: 'gridGCo2ePerKWh',
        value: grid.value,
        low: gl,
        high: gh,
        unit: 'g CO2e/kWh',
        isDefault: !gridGiven,
        why: grid.label,
        source: grid.source,
      },
    ],
  }
}

export interface TrainingRequest {
  gpuHours?: number | undefined
  paramsB?: number | undefined
  tokensB?: number | undefined
  mfu?: number | undefined
  hardwareId: string
  powerW?: number | undefined
  hostOverhead?: number | undefined
  pue?: number | undefined
  gridGCo2ePerKWh?: number | undefined
  countryIso3?: string | undefined
}

const defined = <T extends object>(o: T): Partial<T> => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>

/**
 * Training energy and CO2e, from accelerator-hours or from 6·N·D. Consumer and workstation cards get
 * the home profile (PUE 1, the power supply's loss `psu`), data-centre parts the data-centre PUE
 * range: the same rule as the What-if explorer's baselines.
 */
export function estimateTraining(req: TrainingRequest, pack: DataPack, psu: Factor, flopsPerParamToken = 6): TrainingEstimateResult {
  const hw = hardwareById(pack, req.hardwareId)
  const grid = gridForEstimate(req)
  const gridGiven = req.gridGCo2ePerKWh !== undefined || req.countryIso3 !== undefined
  const profile = profileOf(hw.kind)
  const [psuLow, psuHigh] = rangeOf(psu)
  const facility = facilityAssumption(profile, req.pue, { value: psu.value, low: psuLow, high: psuHigh, source: psu.source })
  const common = { ...defined({ powerW: req.powerW, hostOverhead: req.hostOverhead }), facility }
  if (req.gpuHours !== undefined) return withCarbon(trainingFromGpuHours({ gpuHours: req.gpuHours, tdpW: hw.tdpW, ...common }), hw, profile, grid, gridGiven)
  if (req.paramsB === undefined || req.tokensB === undefined) throw badInput('request.needs-training-work', {}, 'gpuHours')
  if (hw.denseTflops === null) throw badInput('estimate.no-flops', { name: hw.name }, 'hardwareId')
  const flops = trainingFromFlops({
    activeParamsB: req.paramsB,
    tokensB: req.tokensB,
    peakTflops: hw.denseTflops,
    tdpW: hw.tdpW,
    flopsPerParamToken,
    ...common,
    ...defined({ mfu: req.mfu }),
  })
  return withCarbon(flops, hw, profile, grid, gridGiven)
}

export function estimateFinetune(
  req: {
    paramsB: number
    tokensB: number
    pretrainTokensB: number
    method: 'full' | 'lora' | 'qlora'
    hardwareId: string
    mfu?: number | undefined
    pue?: number | undefined
    gridGCo2ePerKWh?: number | undefined
    countryIso3?: string | undefined
  },
  pack: DataPack,
  psu: Factor,
): FinetuneEstimateResult {
  const c = compareFinetune({ activeParamsB: req.paramsB, finetuneTokensB: req.tokensB, pretrainTokensB: req.pretrainTokensB, method: req.method })
  const base = {
    paramsB: req.paramsB,
    hardwareId: req.hardwareId,
    mfu: req.mfu,
    pue: req.pue,
    gridGCo2ePerKWh: req.gridGCo2ePerKWh,
    countryIso3: req.countryIso3,
  }
  return {
    method: c.method,
    finetuneFlops: c.finetuneFlops,
    pretrainFlops: c.pretrainFlops,
    shareOfPretraining: c.shareOfPretraining,
    finetune: estimateTraining({ ...base, tokensB: req.tokensB }, pack, psu, flopsPerTokenFactor(req.method)),
    pretrain: estimateTraining({ ...base, tokensB: req.pretrainTokensB }, pack, psu, 6),
    notes: c.notes,
    sources: c.sources,
  }
}

export function estimateInference(
  req: {
    energyJ?: number | undefined
    tokens?: number | undefined
    paramsB?: number | undefined
    bitsPerWeight?: number | undefined
    hardwareId?: string | undefined
    powerW?: number | undefined
    gridGCo2ePerKWh?: number | undefined
    countryIso3?: string | undefined
  },
  pack: DataPack,
  measurementRange: Range,
): InferenceEstimateResult {
  const grid = gridForEstimate(req)
  let e
  if (req.energyJ !== undefined && req.tokens !== undefined) e = inferenceFromMeasurement(req.energyJ, req.tokens, measurementRange)
  else {
    if (req.paramsB === undefined || req.bitsPerWeight === undefined || req.hardwareId === undefined) {
      throw badInput('request.needs-inference-work', {}, 'energyJ')
    }
    const hw = hardwareById(pack, req.hardwareId)
    if (hw.memoryBandwidthGBs === null) throw badInput('estimate.no-bandwidth', { name: hw.name }, 'hardwareId')
    e = inferenceFromModel({
      activeParamsB: req.paramsB,
      bitsPerWeight: req.bitsPerWeight,
      memoryBandwidthGBs: hw.memoryBandwidthGBs,
      tdpW: hw.tdpW,
      ...defined({ powerW: req.powerW }),
    })
  }
  const whPer1000 = (e.energyPerTokenJ * 1000) / 3600
  return {
    formula: e.formula,
    method: e.method,
    energyPerTokenJ: e.energyPerTokenJ,
    energyPerTokenRangeJ: e.energyPerTokenRangeJ,
    whPer1000Tokens: whPer1000,
    tokensPerSecond: e.tokensPerSecond,
    co2eGPer1000Tokens: (whPer1000 / 1000) * grid.value,
    grid,
    assumptions: e.assumptions,
  }
}

/** A period of your usage beside every training run and inference figure, with equivalences. */
export function comparePeriod(period: ComparisonResult['period'], pack: DataPack, queries: number): ComparisonResult {
  const usage = period
  return {
    period,
    training: pack.trainingRuns.map((run) => ({ ...compareWithTraining(usage, run), amortisedWhPerQuery: amortisedPerQueryWh(run, queries) })),
    inference: pack.inference.map((figure) => compareWithInference(usage, figure)),
    equivalences: equivalences(usage, pack.factors),
    queries,
    dataPack: { version: pack.version, date: pack.date },
  }
}
