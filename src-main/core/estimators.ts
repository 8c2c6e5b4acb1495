import type { Range } from '../contract/footprint.ts'
import type { Source } from '../contract/provenance.ts'

/** One input of an estimate: its value, range, and whether it was a default the user did not give. */
export interface Assumption {
  name: string
  value: number
  low: number
  high: number
  unit: string
  /** True when Wattprint chose it (the user did not pass it). */
  isDefault: boolean
  why: string
  source: Source | null
}

export interface TrainingEstimate {
  formula: string
  gpuHours: number
  gpuHoursRange: Range
  /** Facility energy (accelerators × host overhead × PUE), kWh. */
  energyKWh: number
  energyRangeKWh: Range
  assumptions: Assumption[]
}

export const KAPLAN_2020: Source = {
  title: 'Scaling Laws for Neural Language Models',
  publisher: 'Kaplan, McCandlish, Henighan, Brown, Chess, Child, Gray, Radford, Wu, Amodei (OpenAI)',
  year: 2020,
  url: 'https://arxiv.org/abs/2001.08361',
  locator: 'Section 2.1: forward pass ≈ 2N FLOPs per token, training ≈ 6N (backward ≈ 2× forward)',
}

export const HU_2021_LORA: Source = {
  title: 'LoRA: Low-Rank Adaptation of Large Language Models',
  publisher: 'Hu, Shen, Wallis, Allen-Zhu, Li, Wang, Wang, Chen (Microsoft)',
  year: 2021,
  url: 'https://arxiv.org/abs/2106.09685',
  locator: 'Section 4: frozen pre-trained weights need no gradients or optimizer states',
}

export const DETTMERS_2023_QLORA: Source = {
  title: 'QLoRA: Efficient Finetuning of Quantized LLMs',
  publisher: 'Dettmers, Pagnoni, Holtzman, Zettlemoyer',
  year: 2023,
  url: 'https://arxiv.org/abs/2305.14314',
  locator: 'Abstract and Section 3: 4-bit NF4 frozen base weights, LoRA adapters trained in 16-bit',
}

export interface GpuHoursInput {
  gpuHours: number
  /** Average power per accelerator, W; default the hardware's TDP (an upper bound). */
  powerW?: number
  tdpW: number
  hostOverhead?: number
  pue?: number
  /** IT → metered energy, when not a data centre's PUE (a home PC's power supply): see facilityAssumption. */
  facility?: Assumption
}

/** Where a workload runs: a home PC (PUE 1, its power supply's loss) or a data centre (a PUE). */
export type Profile = 'home' | 'data-centre'

/** Consumer and workstation cards run at home; data-centre parts in a data centre. */
export function profileOf(kind: 'datacenter' | 'workstation' | 'consumer'): Profile {
  return kind === 'datacenter' ? 'data-centre' : 'home'
}

/**
 * The multiplier from IT energy to metered energy, as an assumption: a PUE given is used as is; in
 * a data centre the default PUE range (1.1 hyperscale to 1.58 industry average); at home, PUE 1 and
 * the power supply's loss (1 ÷ its efficiency, from the 80 PLUS figure or the user's own).
 */
export function facilityAssumption(
  profile: Profile,
  givenPue: number | undefined,
  psu: { value: number; low: number; high: number; source: Source | null },
): Assumption {
  if (givenPue !== undefined) return assumption('pue', givenPue, DEFAULTS.pue, '×', WHY.pue)
  if (profile === 'data-centre') return assumption('pue', undefined, DEFAULTS.pue, '×', WHY.pue)
  return {
    name: 'powerSupplyLoss',
    value: 1 / psu.value,
    low: 1 / psu.high,
    high: 1 / psu.low,
    unit: '×',
    isDefault: true,
    why: `Home PC: PUE 1; wall energy = parts' energy ÷ power-supply efficiency (${Math.round(psu.value * 100)} %, ${Math.round(psu.low * 100)}-${Math.round(psu.high * 100)} %).`,
    source: psu.source,
  }
}

/** Power/overhead/PUE defaults and ranges, each with why. */
export const DEFAULTS = {
  /** Fraction of TDP an accelerator averages over a training run. */
  powerFractionOfTdp: { value: 1, low: 0.5, high: 1 },
  hostOverhead: { value: 1, low: 1, high: 1.43 },
  pue: { value: 1.1, low: 1.1, high: 1.58 },
  mfu: { value: 0.4, low: 0.15, high: 0.55 },
} as const

const WHY = {
  power:
    'TDP is an upper bound (Meta and Touvron et al. multiply GPU-hours by TDP); measured training draw is often ' +
    'lower — OLMo swung between 15% and 85% of maximum draw (Morrison et al. 2025) — hence a range down to half of TDP.',
  hostOverhead:
    '1 counts the accelerators only, as most published figures do; up to 1.43 adds the host (CPU, memory) share seen ' +
    "in Google's serving measurement (host 25% vs accelerators 58% of energy, Elsworth et al. 2025).",
  pue: 'Power usage effectiveness of the data centre: 1.1 is a hyperscale figure (Google fleet, 2023); 1.58 the industry ' + 'average (Uptime Institute 2023).',
  mfu:
    'Model FLOPs utilisation: PaLM reached 46.2% (Chowdhery et al. 2022), Llama 3 405B 38-43% (Dubey et al. 2024); ' +
    "GPT-3 on V100s about 20% (derived from Patterson et al. 2021's 3.55M V100-hours and 6·N·D). 15-55% covers them.",
} as const

function assumption(
  name: string,
  given: number | undefined,
  d: { value: number; low: number; high: number },
  unit: string,
  why: string,
  scale = 1,
): Assumption {
  if (given !== undefined) return { name, value: given, low: given, high: given, unit, isDefault: false, why: 'given', source: null }
  return { name, value: d.value * scale, low: d.low * scale, high: d.high * scale, unit, isDefault: true, why, source: null }
}

/** Facility energy of a run from its accelerator-hours: hours × power × host overhead × PUE. */
export function trainingFromGpuHours(input: GpuHoursInput): TrainingEstimate {
  const power = assumption('powerPerAcceleratorW', input.powerW, DEFAULTS.powerFractionOfTdp, 'W', WHY.power, input.tdpW)
  const host = assumption('hostOverhead', input.hostOverhead, DEFAULTS.hostOverhead, '×', WHY.hostOverhead)
  const pue = input.facility ?? assumption('pue', input.pue, DEFAULTS.pue, '×', WHY.pue)
  const energy = (p: number, h: number, u: number): number => (input.gpuHours * p * h * u) / 1000
  return {
    formula: `energy (kWh) = accelerator-hours × power per accelerator (W) ÷ 1000 × host overhead × ${pue.name === 'pue' ? 'PUE' : 'power-supply loss (home PC, PUE 1)'}`,
    gpuHours: input.gpuHours,
    gpuHoursRange: [input.gpuHours, input.gpuHours],
    energyKWh: energy(power.value, host.value, pue.value),
    energyRangeKWh: [energy(power.low, host.low, pue.low), energy(power.high, host.high, pue.high)],
    assumptions: [
      { name: 'gpuHours', value: input.gpuHours, low: input.gpuHours, high: input.gpuHours, unit: 'h', isDefault: false, why: 'given', source: null },
      power,
      host,
      pue,
    ],
  }
}

export interface FlopsInput {
  facility?: Assumption
  /** Parameters used per token, billions (active parameters for mixture-of-experts). */
  activeParamsB: number
  /** Training FLOPs per parameter per token: 6 for training, 4 for LoRA/QLoRA (frozen weights). */
  flopsPerParamToken?: number
  tokensB: number
  /** Dense BF16/FP16 peak of one accelerator, TFLOP/s. */
  peakTflops: number
  mfu?: number
  tdpW: number
  powerW?: number
  hostOverhead?: number
  pue?: number
}

/** Training compute C ≈ 6·N·D (Kaplan et al. 2020), turned into accelerator-hours at a utilisation (MFU). */
export function trainingFlops(activeParamsB: number, tokensB: number): number {
  return 6 * activeParamsB * 1e9 * tokensB * 1e9
}

export function trainingFromFlops(input: FlopsInput): TrainingEstimate {
  const k = input.flopsPerParamToken ?? 6
  const flops = (trainingFlops(input.activeParamsB, input.tokensB) * k) / 6
  const mfu = assumption('mfu', input.mfu, DEFAULTS.mfu, 'fraction of peak', WHY.mfu)
  const hours = (m: number): number => flops / (input.peakTflops * 1e12 * m) / 3600
  const mid = trainingFromGpuHours({ ...input, gpuHours: hours(mfu.value) })
  // Fewer hours at high MFU, more at low MFU: the energy range spans both ends.
  const low = trainingFromGpuHours({ ...input, gpuHours: hours(mfu.high) })
  const high = trainingFromGpuHours({ ...input, gpuHours: hours(mfu.low) })
  return {
    formula: `FLOPs = ${k} × N × D; accelerator-hours = FLOPs ÷ (peak FLOP/s × MFU) ÷ 3600; then ${mid.formula}`,
    gpuHours: mid.gpuHours,
    gpuHoursRange: [hours(mfu.high), hours(mfu.low)],
    energyKWh: mid.energyKWh,
    energyRangeKWh: [low.energyRangeKWh[0], high.energyRangeKWh[1]],
    assumptions: [
      { name: 'flops', value: flops, low: flops, high: flops, unit: 'FLOP', isDefault: false, why: `${k} × N × D`, source: KAPLAN_2020 },
      {
        name: 'activeParamsB',
        value: input.activeParamsB,
        low: input.activeParamsB,
        high: input.activeParamsB,
        unit: 'billion',
        isDefault: false,
        why: 'given',
        source: null,
      },
      { name: 'tokensB', value: input.tokensB, low: input.tokensB, high: input.tokensB, unit: 'billion', isDefault: false, why: 'given', source: null },
      {
        name: 'peakTflops',
        value: input.peakTflops,
        low: input.peakTflops,
        high: input.peakTflops,
        unit: 'TFLOP/s',
        isDefault: false,
        why: 'hardware table',
        source: null,
      },
      mfu,
      ...mid.assumptions.filter((a) => a.name !== 'gpuHours'),
    ],
  }
}

export type FinetuneMethod = 'full' | 'lora' | 'qlora'

/**
 * FLOPs per training token: full fine-tuning 6N (forward 2N, backward 4N); LoRA and QLoRA 4N,
 * because frozen weights need activation gradients (2N) but no weight gradients (2N saved).
 * Adapter parameters are under 1% of N and are ignored.
 */
export function flopsPerTokenFactor(method: FinetuneMethod): number {
  return method === 'full' ? 6 : 4
}

export interface FinetuneComparison {
  method: FinetuneMethod
  finetuneFlops: number
  pretrainFlops: number
  /** Fine-tuning compute as a share of pre-training the same model from scratch. */
  shareOfPretraining: number
  notes: string[]
  sources: Source[]
}

export function compareFinetune(input: {
  activeParamsB: number
  finetuneTokensB: number
  pretrainTokensB: number
  method: FinetuneMethod
}): FinetuneComparison {
  const n = input.activeParamsB * 1e9
  const finetuneFlops = flopsPerTokenFactor(input.method) * n * input.finetuneTokensB * 1e9
  const pretrainFlops = trainingFlops(input.activeParamsB, input.pretrainTokensB)
  const notes = [
    input.method === 'full'
      ? 'Full fine-tuning costs 6N FLOPs per token, like pre-training.'
      : 'LoRA/QLoRA: frozen weights still need activation gradients (2N) but no weight gradients: 4N FLOPs per token instead of 6N.',
  ]
  if (input.method === 'qlora') notes.push('QLoRA also dequantizes the 4-bit weights on the fly: slightly more time per FLOP, much less memory.')
  return {
    method: input.method,
    finetuneFlops,
    pretrainFlops,
    shareOfPretraining: finetuneFlops / pretrainFlops,
    notes,
    sources: input.method === 'full' ? [KAPLAN_2020] : input.method === 'lora' ? [KAPLAN_2020, HU_2021_LORA] : [KAPLAN_2020, HU_2021_LORA, DETTMERS_2023_QLORA],
  }
}

export interface InferenceEstimate {
  formula: string
  method: 'measured' | 'estimated'
  energyPerTokenJ: number
  energyPerTokenRangeJ: Range
  tokensPerSecond: number | null
  assumptions: Assumption[]
}

/** Energy per generated token from measured energy and a token count the user gives. */
export function inferenceFromMeasurement(energyJ: number, tokens: number, measurementRange: Range): InferenceEstimate {
  const perToken = energyJ / tokens
  return {
    formula: 'energy per token (J) = measured energy (J) ÷ tokens generated',
    method: 'measured',
    energyPerTokenJ: perToken,
    energyPerTokenRangeJ: [perToken * measurementRange[0], perToken * measurementRange[1]],
    tokensPerSecond: null,
    assumptions: [
      {
        name: 'energyJ',
        value: energyJ,
        low: energyJ * measurementRange[0],
        high: energyJ * measurementRange[1],
        unit: 'J',
        isDefault: false,
        why: 'measured',
        source: null,
      },
      { name: 'tokens', value: tokens, low: tokens, high: tokens, unit: 'tokens', isDefault: false, why: 'given', source: null },
    ],
  }
}

export const POPE_2022: Source = {
  title: 'Efficiently Scaling Transformer Inference',
  publisher: 'Pope, Douglas, Chowdhery, Devlin, Bradbury, Levskaya, Heek, Xiao, Agrawal, Dean (Google)',
  year: 2022,
  url: 'https://arxiv.org/abs/2211.05102',
  locator: 'Section 2: at small batch sizes, decoding is bound by loading the weights from memory',
}

/**
 * Single-stream decoding is memory-bound: every generated token reads all active weights once
 * (Pope et al. 2022). tokens/s ≈ bandwidth × efficiency ÷ (N × bits/8); energy/token = power ÷ tokens/s.
 */
export function inferenceFromModel(input: {
  activeParamsB: number
  bitsPerWeight: number
  memoryBandwidthGBs: number
  tdpW: number
  powerW?: number
  bandwidthEfficiency?: number
}): InferenceEstimate {
  const bytesPerToken = input.activeParamsB * 1e9 * (input.bitsPerWeight / 8)
  const eff = assumption(
    'bandwidthEfficiency',
    input.bandwidthEfficiency,
    { value: 0.7, low: 0.5, high: 0.9 },
    'fraction of peak bandwidth',
    'Wattprint assumption: local runtimes reach roughly half to nine tenths of the memory bandwidth the vendor quotes.',
  )
  const power = assumption('powerW', input.powerW, { value: 1, low: 0.5, high: 1 }, 'W', WHY.power.replace('training', 'decoding'), input.tdpW)
  const tps = (e: number): number => (input.memoryBandwidthGBs * 1e9 * e) / bytesPerToken
  const perToken = (p: number, e: number): number => p / tps(e)
  return {
    formula: 'tokens/s = bandwidth × efficiency ÷ (active parameters × bits per weight ÷ 8); energy per token = power ÷ tokens/s',
    method: 'estimated',
    energyPerTokenJ: perToken(power.value, eff.value),
    energyPerTokenRangeJ: [perToken(power.low, eff.high), perToken(power.high, eff.low)],
    tokensPerSecond: tps(eff.value),
    assumptions: [
      {
        name: 'activeParamsB',
        value: input.activeParamsB,
        low: input.activeParamsB,
        high: input.activeParamsB,
        unit: 'billion',
        isDefault: false,
        why: 'given',
        source: null,
      },
      {
        name: 'bitsPerWeight',
        value: input.bitsPerWeight,
        low: input.bitsPerWeight,
        high: input.bitsPerWeight,
        unit: 'bits',
        isDefault: false,
        why: 'given',
        source: POPE_2022,
      },
      {
        name: 'memoryBandwidthGBs',
        value: input.memoryBandwidthGBs,
        low: input.memoryBandwidthGBs,
        high: input.memoryBandwidthGBs,
        unit: 'GB/s',
        isDefault: false,
        why: 'hardware table',
        source: null,
      },
      eff,
      power,
    ],
  }
}
