import type { TrainingEstimateResult } from '../contract/estimates.ts'
import type { DataPack, InferenceFigure, TrainingRun } from '../contract/reference.ts'
import { asFactor } from './data-pack.ts'
import { estimateTraining } from './estimate-report.ts'
import { DEFAULTS, inferenceFromModel, trainingFromGpuHours } from './estimators.ts'
import { measurementFactor } from './measurement.ts'

/**
 * Wattprint's estimators checked against every published figure of the data pack they can be
 * checked on: from the figure's own published inputs, and from Wattprint's default assumptions
 * (with their range). The README's validation table is this, rendered by scripts/validate-data.ts.
 */

/** An estimate beside a published figure: its error, and for a ranged estimate whether the range holds the figure. */
export interface Checked {
  value: number
  low: number
  high: number
  /** (estimate − published) ÷ published, %. */
  errorPct: number
  contains: boolean
}

export interface TrainingRow {
  id: string
  model: string
  /** The energy the check is against, MWh: published, else derived from published GPU-hours × power (said so). */
  energyMWh: number | null
  energyDerived: boolean
  /** GPU-hours × the run's stated power × its PUE (1 when none): the arithmetic the papers do. */
  fromInputsMWh: Checked | null
  /** Wattprint's defaults: 6·N·D at 15-55 % MFU when N, D and the accelerator's FLOP/s are known, else GPU-hours at 50-100 % of TDP; host 1-1.43, PUE 1.1-1.58. */
  fromDefaultsMWh: Checked | null
  defaultsRoute: 'flops' | 'gpu-hours' | null
  co2eT: number | null
  /** Published (or derived) energy × the run's published grid. */
  co2eFromInputsT: Checked | null
  /** The defaults' energy range × the world-average grid (±10 %): what Wattprint says knowing only the model and hardware. */
  co2eFromDefaultsT: Checked | null
}

export interface InferenceInputs {
  /** Active parameters, billions, and bits per weight as served. */
  activeParamsB: number
  bitsPerWeight: number
  hardwareId: string
  /** Output tokens per response or query. */
  outputTokens: number
  /** Whether the figure counts the whole node (host CPU and memory): the estimate then carries the host overhead range. */
  node: boolean
  /** Where each input was read. */
  note: string
}

/**
 * The published inputs of the inference figures that have them (model, precision, hardware and
 * tokens). The others (Gemini, ChatGPT, Epoch's GPT-4o) publish no model size: not checkable.
 */
export const INFERENCE_INPUTS: Readonly<Record<string, InferenceInputs>> = {
  'mlenergy-v1-llama2-7b-chat-a100': {
    activeParamsB: 7,
    bitsPerWeight: 16,
    hardwareId: 'nvidia-a100-sxm4-80gb',
    outputTokens: 420,
    node: false,
    note: 'Llama 2 7B in FP16 on one A100, ~420 tokens per response (the figure’s own boundary text)',
  },
  'mlenergy-v1-llama2-13b-chat-a100': {
    activeParamsB: 13,
    bitsPerWeight: 16,
    hardwareId: 'nvidia-a100-sxm4-80gb',
    outputTokens: 379,
    node: false,
    note: 'Llama 2 13B in FP16 on one A100, ~379 tokens per response',
  },
  'hf-gpt-oss-20b-100-tokens': {
    activeParamsB: 3.6,
    bitsPerWeight: 16,
    hardwareId: 'nvidia-a100-sxm4-80gb',
    outputTokens: 100,
    node: true,
    note: 'gpt-oss-20b: 3.6B active parameters (OpenAI model card), BF16 on A100 (no MXFP4 kernels on Ampere), 100 output tokens, whole node',
  },
  'hf-gpt-oss-120b-100-tokens': {
    activeParamsB: 5.1,
    bitsPerWeight: 16,
    hardwareId: 'nvidia-a100-sxm4-80gb',
    outputTokens: 100,
    node: true,
    note: 'gpt-oss-120b: 5.1B active parameters (OpenAI model card), BF16 on A100, 100 output tokens, whole node',
  },
  'hf-llama-3-1-70b-100-tokens': {
    activeParamsB: 70,
    bitsPerWeight: 16,
    hardwareId: 'nvidia-a100-sxm4-80gb',
    outputTokens: 100,
    node: true,
    note: 'Llama 3.1 70B in BF16 over 8 A100s (tensor parallel: the same bytes per token), 100 output tokens, whole node',
  },
}

export interface InferenceRow {
  id: string
  subject: string
  per: InferenceFigure['per']
  publishedWh: number
  scope: InferenceFigure['scope']
  /** Memory-bound decoding at the hardware's bandwidth (50-90 % of peak) and 50-100 % of TDP; × host 1-1.43 for a node figure. */
  estimateWh: Checked | null
  inputs: string | null
}

const checked = (value: number, low: number, high: number, published: number): Checked => ({
  value,
  low,
  high,
  errorPct: ((value - published) / published) * 100,
  contains: low <= published && published <= high,
})

const exactCheck = (value: number, published: number): Checked => checked(value, value, value, published)

function trainingRow(run: TrainingRun, pack: DataPack): TrainingRow {
  const hw = pack.hardware.find((h) => h.id === run.hardwareId) ?? null
  const derivedKWh = run.gpuHours !== null && run.powerPerAcceleratorW !== null ? (run.gpuHours * run.powerPerAcceleratorW * (run.pue ?? 1)) / 1000 : null
  const energyKWh = run.energyMWh !== null ? run.energyMWh * 1000 : derivedKWh
  const energyDerived = run.energyMWh === null && derivedKWh !== null
  // From the run's own inputs: only a real check when the energy was published, not derived from the same inputs.
  let fromInputsMWh: Checked | null = null
  if (run.energyMWh !== null && run.gpuHours !== null && (run.powerPerAcceleratorW !== null || hw)) {
    const e = trainingFromGpuHours({
      gpuHours: run.gpuHours,
      tdpW: hw?.tdpW ?? run.powerPerAcceleratorW ?? 0,
      powerW: run.powerPerAcceleratorW ?? hw?.tdpW ?? 0,
      hostOverhead: 1,
      pue: run.pue ?? 1,
    })
    fromInputsMWh = exactCheck(e.energyKWh / 1000, run.energyMWh)
  }
  // Wattprint's defaults, as `wattprint estimate training` would run them (data-centre hardware: the data-centre profile).
  const psu = asFactor(measurementFactor(pack, 'psu-efficiency-80plus'))
  // No country given: the world-average grid, as the CLI uses.
  let defaults: { e: TrainingEstimateResult; route: 'flops' | 'gpu-hours' } | null = null
  const params = run.activeParamsB ?? run.paramsB
  if (hw && hw.denseTflops !== null && params !== null && run.tokensB !== null) {
    defaults = { e: estimateTraining({ paramsB: params, tokensB: run.tokensB, hardwareId: hw.id }, pack, psu), route: 'flops' }
  } else if (hw && run.gpuHours !== null) {
    defaults = { e: estimateTraining({ gpuHours: run.gpuHours, hardwareId: hw.id }, pack, psu), route: 'gpu-hours' }
  }
  const energyMWh = energyKWh === null ? null : energyKWh / 1000
  const fromDefaultsMWh = defaults && energyMWh !== null ? checked(defaults.e.energyMWh, ...defaults.e.energyRangeMWh, energyMWh) : null
  const co2eFromInputsT =
    run.co2eT !== null && run.co2eT > 0 && energyKWh !== null && run.gridGCo2ePerKWh !== null
      ? exactCheck((energyKWh * run.gridGCo2ePerKWh) / 1e6, run.co2eT)
      : null
  const co2eFromDefaultsT =
    defaults && run.co2eT !== null && run.co2eT > 0 ? checked(defaults.e.carbon.co2eT, ...defaults.e.carbon.co2eRangeT, run.co2eT) : null
  return {
    id: run.id,
    model: run.model,
    energyMWh,
    energyDerived,
    fromInputsMWh,
    fromDefaultsMWh,
    defaultsRoute: defaults?.route ?? null,
    co2eT: run.co2eT,
    co2eFromInputsT,
    co2eFromDefaultsT,
  }
}

function inferenceRow(figure: InferenceFigure, pack: DataPack): InferenceRow | null {
  if (figure.energyWh === null) return null
  const inputs = INFERENCE_INPUTS[figure.id]
  const hw = inputs ? pack.hardware.find((h) => h.id === inputs.hardwareId) : undefined
  let estimateWh: Checked | null = null
  if (inputs && hw && hw.memoryBandwidthGBs !== null) {
    const e = inferenceFromModel({
      activeParamsB: inputs.activeParamsB,
      bitsPerWeight: inputs.bitsPerWeight,
      memoryBandwidthGBs: hw.memoryBandwidthGBs,
      tdpW: hw.tdpW,
    })
    const host = inputs.node ? DEFAULTS.hostOverhead : { value: 1, low: 1, high: 1 }
    const wh = (jPerToken: number, h: number): number => (jPerToken * inputs.outputTokens * h) / 3600
    estimateWh = checked(wh(e.energyPerTokenJ, host.value), wh(e.energyPerTokenRangeJ[0], host.low), wh(e.energyPerTokenRangeJ[1], host.high), figure.energyWh)
  }
  return {
    id: figure.id,
    subject: figure.subject,
    per: figure.per,
    publishedWh: figure.energyWh,
    scope: figure.scope,
    estimateWh,
    inputs: inputs?.note ?? null,
  }
}

export function validateDataPack(pack: DataPack): { training: TrainingRow[]; inference: InferenceRow[] } {
  return {
    training: pack.trainingRuns.map((r) => trainingRow(r, pack)),
    inference: pack.inference.map((f) => inferenceRow(f, pack)).filter((r): r is InferenceRow => r !== null),
  }
}
