import type { Outcome, Lever, Scenario, ScenarioResult, WorkloadKind } from '../contract/scenario.ts'
import type { Factor, Source } from '../contract/provenance.ts'
import type { DataPack, Hardware } from '../contract/reference.ts'
import { runEnergyKWh } from './comparisons.ts'
import { kWhFromJoules } from '../contract/units.ts'
import { badInput, WattprintError } from '../contract/errors.ts'
import { message, type Message } from '../contract/messages.ts'
import { EMBER_SOURCE } from './grid-factors.ts'
import {
  DEFAULTS,
  facilityAssumption,
  flopsPerTokenFactor,
  HU_2021_LORA,
  inferenceFromModel,
  KAPLAN_2020,
  POPE_2022,
  profileOf,
  trainingFromFlops,
  type Assumption,
  type Profile,
} from './estimators.ts'
import { divide, exact, minus, plus, ranged, scale, times, type Ranged } from './ranged.ts'
import { rangeOf } from './footprint.ts'
import { hardwareById } from './estimate-report.ts'

/** What a scenario computes on: everything needed to turn IT energy into the four outcomes, each with its range. */
export interface Workload {
  kind: WorkloadKind
  profile: Profile
  /** At the IT equipment (accelerators + host), kWh. */
  itEnergyKWh: Ranged
  /** Metered ÷ IT energy: a data centre's PUE, or at home 1 ÷ the power supply's efficiency. */
  facility: Ranged
  gridGCo2ePerKWh: Ranged
  /** On-site cooling water, L per kWh of IT energy. */
  wueLPerKWh: Ranged
  /** Water consumed to generate the electricity, L per kWh of metered energy. */
  electricityWaterLPerKWh: Ranged
  pricePerKWh: Ranged | null
  /** What levers need of the baseline's model: parameters and training tokens (billions) when known. */
  model: { paramsB: number | null; tokensB: number | null }
}

type Component = 'itEnergyKWh' | 'facility' | 'gridGCo2ePerKWh' | 'wueLPerKWh' | 'electricityWaterLPerKWh' | 'pricePerKWh'
/** How a lever changes a component: scaled by a factor, or set to a new figure. */
type Op = { scale: Ranged } | { set: Ranged | null }

/** Facility energy = IT × facility; CO2e = facility energy × grid; water = IT × WUE + facility energy × electricity water; cost = facility energy × price. */
export function evaluate(w: Workload): Outcome {
  const energy = times(w.itEnergyKWh, w.facility)
  const co2e = scale(times(energy, w.gridGCo2ePerKWh), 1 / 1000)
  const water = plus(times(w.itEnergyKWh, w.wueLPerKWh), times(energy, w.electricityWaterLPerKWh))
  const cost = w.pricePerKWh ? times(energy, w.pricePerKWh) : null
  const pair = (r: Ranged): [number, number] => [r.low, r.high]
  return {
    energyKWh: energy.value,
    co2eKg: co2e.value,
    waterL: water.value,
    cost: cost?.value ?? null,
    range: { energyKWh: pair(energy), co2eKg: pair(co2e), waterL: pair(water), cost: cost ? pair(cost) : null },
  }
}

/** What a lever looks up (grid by country, hardware, cloud defaults, the user's measurements), injected so levers stay pure. */
/** What a lever needs of a stored model measurement. */
export interface MeasuredModel {
  id: number
  model: string
  quantization: string | null
  whPer1kTokens: number
  devices: string[]
}

export interface LeverData {
  pack: DataPack
  /** The user's own measurements by id (none: a lever asking for one is refused). */
  measurement?: (id: number) => MeasuredModel | null
  /** A country's grid factor (value and range), or null. */
  gridFactor(iso3: string): Factor | null
  home: { grid: Factor; pricePerKWh: number | null; psu: Factor }
  cloud: { pue: Ranged; wueLPerKWh: number; sources: Source[] }
}

export interface LeverStep {
  ops: Partial<Record<Component, Op>>
  /** The workload kind or profile after the lever (fine-tuning instead of pre-training; moving to the cloud). */
  kind?: WorkloadKind
  profile?: Profile
  formula: Message
  sources: Source[]
  /** The user's own figure or settings, when the lever rests on them rather than on a source. */
  basis: Message | null
}

const GHG_SCOPE2: Source = {
  title: 'GHG Protocol Scope 2 Guidance',
  publisher: 'World Resources Institute / WBCSD',
  year: 2015,
  url: 'https://ghgprotocol.org/scope-2-guidance',
  locator: 'Chapter 6: market-based method, contractual instruments',
}

const GREEN_GRID_PUE: Source = {
  title: 'PUE: A Comprehensive Examination of the Metric (White Paper 49)',
  publisher: 'The Green Grid',
  year: 2012,
  url: 'https://www.thegreengrid.org',
  locator: 'Section 2: definition, PUE = total facility energy ÷ IT equipment energy',
}

const HINTON_2015: Source = {
  title: 'Distilling the Knowledge in a Neural Network',
  publisher: 'Hinton, Vinyals, Dean',
  year: 2015,
  url: 'https://arxiv.org/abs/1503.02531',
  locator: 'Section 2: the student is trained on the teacher’s soft targets over a transfer set',
}

/** Three significant digits, still a number (each reader writes it in their own language). */
const sig = (x: number): number => Number(x.toPrecision(3))

/** Which workloads each lever applies to (the others are refused, naming the lever). */
export const LEVER_WORKLOADS: Readonly<Record<Lever['type'], readonly WorkloadKind[]>> = {
  distillation: ['training', 'inference'],
  quantization: ['inference', 'training'],
  'finetune-instead-of-pretrain': ['training'],
  pue: ['training', 'finetune', 'inference'],
  grid: ['training', 'finetune', 'inference'],
  'renewable-share': ['training', 'finetune', 'inference'],
  hardware: ['training', 'finetune', 'inference'],
  'time-shift': ['training', 'finetune', 'inference'],
  location: ['finetune', 'inference'],
}

/** A factor's value with its range. */
export const rangedOf = (f: Factor): Ranged => {
  const [low, high] = rangeOf(f)
  return ranged(f.value, low, high)
}

/** A lever's inputs refused, naming the field: `variants.0.levers.1.studentParamsB`. */
function refuse(code: Parameters<typeof badInput>[0], params: Record<string, string | number>, field: string): never {
  throw badInput(code, params, field)
}

/**
 * Applies one lever: its effect on the workload's components, with its formula and what it rests
 * on. `field` prefixes the names of refused inputs.
 */
export function applyLever(w: Workload, lever: Lever, data: LeverData, field = 'lever'): LeverStep {
  if (!LEVER_WORKLOADS[lever.type].includes(w.kind)) refuse('lever.not-for-workload', { lever: lever.type, workload: w.kind }, `${field}.type`)
  switch (lever.type) {
    case 'distillation':
    case 'quantization':
      if (lever.measured) {
        if (w.kind !== 'inference') refuse('lever.measured-inference-only', {}, `${field}.measured`)
        return measuredRatio(lever.measured, data, field)
      }
      return lever.type === 'distillation' ? distillation(w, lever, field) : quantization(w, lever, data, field)
    case 'finetune-instead-of-pretrain':
      return finetune(w, lever, field)
    case 'pue':
      return {
        ops: { facility: { set: exact(lever.pue) } },
        profile: 'data-centre',
        formula: message('lever.pue', { pue: lever.pue }),
        sources: [GREEN_GRID_PUE],
        basis: null,
      }
    case 'grid': {
      const g = data.gridFactor(lever.countryIso3)
      if (g === null) refuse('scenario.no-grid', { iso3: lever.countryIso3 }, `${field}.countryIso3`)
      return {
        ops: { gridGCo2ePerKWh: { set: rangedOf(g) } },
        formula: message('lever.grid', { iso3: lever.countryIso3, grid: sig(g.value), from: sig(w.gridGCo2ePerKWh.value) }),
        sources: [EMBER_SOURCE],
        basis: null,
      }
    }
    case 'renewable-share':
      return {
        ops: { gridGCo2ePerKWh: { scale: exact(1 - lever.percent / 100) } },
        formula: message('lever.renewable-share', { percent: lever.percent }),
        sources: [GHG_SCOPE2],
        basis: null,
      }
    case 'hardware':
      return hardware(w, lever, data, field)
    case 'time-shift':
      return {
        ops: { gridGCo2ePerKWh: { set: exact(lever.gCo2ePerKWh) } },
        formula: message('lever.time-shift', { grid: lever.gCo2ePerKWh, from: sig(w.gridGCo2ePerKWh.value) }),
        sources: [],
        basis: message('cite.user-figure'),
      }
    case 'location':
      return location(w, lever, data, field)
  }
}

/** A distillation or quantization lever from two of the user's measurements: the ratio of their measured Wh per 1,000 tokens. */
function measuredRatio(pair: { fromId: number; toId: number }, data: LeverData, field: string): LeverStep {
  const from = data.measurement?.(pair.fromId) ?? null
  const to = data.measurement?.(pair.toId) ?? null
  if (!from || !to) refuse('scenario.no-measurement', { id: !from ? pair.fromId : pair.toId }, `${field}.measured`)
  if (!(from.whPer1kTokens > 0)) refuse('scenario.no-measurement', { id: from.id }, `${field}.measured`)
  const ratio = to.whPer1kTokens / from.whPer1kTokens
  const sameDevices = from.devices.join('|') === to.devices.join('|')
  return {
    ops: { itEnergyKWh: { scale: exact(ratio) } },
    formula: message('lever.measured', { to: label(to), from: label(from), toWh: sig(to.whPer1kTokens), fromWh: sig(from.whPer1kTokens), ratio: sig(ratio) }),
    sources: [],
    basis: message(sameDevices ? 'lever.measured-basis' : 'lever.measured-other-devices', {
      devices: from.devices.join(' + ') || '—',
      other: to.devices.join(' + ') || '—',
    }),
  }
}

function label(m: MeasuredModel): string {
  return m.quantization ? `${m.model} (${m.quantization})` : m.model
}

/**
 * Serving a smaller student: energy per token scales with active parameters (2N FLOPs and N weights
 * read per token). Training one: the student's own training (N_s ÷ N_t of the teacher's, on the same
 * tokens) plus the teacher's forward passes over the distillation corpus (2·N_t·D_distill against
 * 6·N_t·D), plus the teacher's training when it does not exist yet.
 */
function distillation(w: Workload, lever: Extract<Lever, { type: 'distillation' }>, field: string): LeverStep {
  const size = lever.studentParamsB / lever.teacherParamsB
  if (w.kind === 'inference') {
    return {
      ops: { itEnergyKWh: { scale: exact(size) } },
      formula: message('lever.distillation', { student: lever.studentParamsB, teacher: lever.teacherParamsB, ratio: sig(size) }),
      sources: [KAPLAN_2020, POPE_2022],
      basis: null,
    }
  }
  const trainingTokens = w.model.tokensB
  if (lever.distillTokensB !== undefined && trainingTokens === null) refuse('lever.needs-baseline-tokens', {}, `${field}.distillTokensB`)
  const teacherShare = lever.distillTokensB !== undefined && trainingTokens ? lever.distillTokensB / (3 * trainingTokens) : 1 / 3
  const ratio = size + teacherShare + (lever.teacherAlreadyTrained ? 0 : 1)
  return {
    ops: { itEnergyKWh: { scale: exact(ratio) } },
    formula: message(lever.teacherAlreadyTrained ? 'lever.distillation-training' : 'lever.distillation-training-with-teacher', {
      student: lever.studentParamsB,
      teacher: lever.teacherParamsB,
      teacherShare: sig(teacherShare),
      ratio: sig(ratio),
    }),
    sources: [HINTON_2015, KAPLAN_2020],
    basis: null,
  }
}

/**
 * Inference: memory-bound decoding reads every weight once per token, so energy per token falls at
 * most as bits after ÷ bits before; the range's other end keeps half the energy (attention, the KV
 * cache, dequantisation) unchanged, Wattprint's assumption. Training: only BF16 → FP8, with the
 * measured end-to-end FP8 speed-up (energy ∝ time at constant power).
 */
function quantization(w: Workload, lever: Extract<Lever, { type: 'quantization' }>, data: LeverData, field: string): LeverStep {
  const bits = lever.toBits / lever.fromBits
  if (w.kind === 'inference') {
    return {
      ops: { itEnergyKWh: { scale: ranged(bits, bits, (1 + bits) / 2) } },
      formula: message('lever.quantization', { to: lever.toBits, from: lever.fromBits, ratio: sig(bits), high: sig((1 + bits) / 2) }),
      sources: [POPE_2022],
      basis: null,
    }
  }
  if (lever.fromBits !== 16 || lever.toBits !== 8) refuse('lever.quantization-training-fp8', {}, `${field}.toBits`)
  const speedup = data.pack.factors.find((f) => f.id === 'training-fp8-speedup')
  if (!speedup) throw new WattprintError('failure', 'scenario.pack-lacks-cloud', { version: data.pack.version })
  const r = divide(exact(1), ranged(speedup.value, speedup.low ?? speedup.value, speedup.high ?? speedup.value))
  return {
    ops: { itEnergyKWh: { scale: r } },
    formula: message('lever.quantization-fp8-training', { speedup: speedup.value, ratio: sig(r.value) }),
    sources: [speedup.source],
    basis: null,
  }
}

/**
 * Fine-tuning an existing model instead of pre-training one: FLOPs k·N_ft·D_ft against 6·N_pre·D_pre
 * (k = 6 full, 4 LoRA/QLoRA); N and D on both sides, the pre-training's from the baseline run.
 */
function finetune(w: Workload, lever: Extract<Lever, { type: 'finetune-instead-of-pretrain' }>, field: string): LeverStep {
  const pretrainParamsB = lever.pretrainParamsB ?? w.model.paramsB
  const pretrainTokensB = lever.pretrainTokensB ?? w.model.tokensB
  if (pretrainParamsB === null) refuse('lever.needs-pretrain-params', {}, `${field}.pretrainParamsB`)
  if (pretrainTokensB === null) refuse('lever.needs-pretrain-tokens', {}, `${field}.pretrainTokensB`)
  if (lever.finetuneTokensB >= pretrainTokensB) refuse('lever.finetune-not-smaller', { pretrain: pretrainTokensB }, `${field}.finetuneTokensB`)
  const k = flopsPerTokenFactor(lever.method)
  const ratio = (k * lever.paramsB * lever.finetuneTokensB) / (6 * pretrainParamsB * pretrainTokensB)
  return {
    ops: { itEnergyKWh: { scale: exact(ratio) } },
    kind: 'finetune',
    formula: message('lever.finetune', { k, n: lever.paramsB, d: lever.finetuneTokensB, n0: pretrainParamsB, d0: pretrainTokensB, share: sig(ratio) }),
    sources: lever.method === 'full' ? [KAPLAN_2020] : [KAPLAN_2020, HU_2021_LORA],
    basis: null,
  }
}

/**
 * Newer hardware for the same work: compute-bound work (training, fine-tuning) by peak FLOP/s per
 * watt; memory-bound decoding (local inference) by memory bandwidth per watt; TDP as power.
 */
function hardware(w: Workload, lever: Extract<Lever, { type: 'hardware' }>, data: LeverData, field: string): LeverStep {
  const from = data.pack.hardware.find((h) => h.id === lever.fromId)
  const to = data.pack.hardware.find((h) => h.id === lever.toId)
  if (!from) refuse('scenario.unknown-hardware', { id: lever.fromId }, `${field}.fromId`)
  if (!to) refuse('scenario.unknown-hardware', { id: lever.toId }, `${field}.toId`)
  const memoryBound = w.kind === 'inference'
  const perWatt = (h: Hardware): number | null => {
    const rate = memoryBound ? h.memoryBandwidthGBs : h.denseTflops
    return rate === null ? null : rate / h.tdpW
  }
  const a = perWatt(from)
  const b = perWatt(to)
  if (a === null || b === null)
    refuse(memoryBound ? 'scenario.hardware-without-bandwidth' : 'scenario.hardware-without-flops', {}, `${field}.${a === null ? 'fromId' : 'toId'}`)
  const ratio = a / b
  return {
    ops: { itEnergyKWh: { scale: exact(ratio) } },
    formula: message(memoryBound ? 'lever.hardware-bandwidth' : 'lever.hardware', { from: from.name, to: to.name, ratio: sig(ratio) }),
    sources: [from.source, to.source],
    basis: null,
  }
}

/**
 * Local or cloud, for inference and fine-tuning. A serving stack batches requests: energy per token
 * at batch 64 is 2.7-5.7× lower than at batch 8 (ML.ENERGY), and local decoding runs at batch 1,
 * so moving inference to the cloud divides the IT energy by that gain (and back multiplies it).
 * Then the place's own PUE (or power supply), cooling water, grid and price.
 */
function location(w: Workload, lever: Extract<Lever, { type: 'location' }>, data: LeverData, field: string): LeverStep {
  const target: Profile = lever.to === 'cloud' ? 'data-centre' : 'home'
  if (target === w.profile) refuse('lever.location-already', { to: lever.to }, `${field}.to`)
  const gainFactor = data.pack.factors.find((f) => f.id === 'inference-batching-gain')
  const gain = gainFactor ? rangedOf(asPlainFactor(gainFactor)) : exact(1)
  const batching = w.kind === 'inference' && gainFactor !== undefined
  if (lever.to === 'cloud') {
    const grid = lever.countryIso3 ? data.gridFactor(lever.countryIso3) : null
    if (lever.countryIso3 && !grid) refuse('scenario.no-grid', { iso3: lever.countryIso3 }, `${field}.countryIso3`)
    return {
      ops: {
        ...(batching ? { itEnergyKWh: { scale: divide(exact(1), gain) } } : {}),
        facility: { set: data.cloud.pue },
        wueLPerKWh: { set: exact(data.cloud.wueLPerKWh) },
        ...(grid ? { gridGCo2ePerKWh: { set: rangedOf(grid) } } : {}),
      },
      profile: 'data-centre',
      formula: message(batching ? 'lever.cloud-batched' : 'lever.cloud', { pue: sig(data.cloud.pue.value), wue: data.cloud.wueLPerKWh, gain: sig(gain.value) }),
      sources: [...data.cloud.sources, ...(batching && gainFactor ? [gainFactor.source] : [])],
      basis: null,
    }
  }
  const psu = rangedOf(data.home.psu)
  return {
    ops: {
      ...(batching ? { itEnergyKWh: { scale: gain } } : {}),
      facility: { set: divide(exact(1), psu) },
      wueLPerKWh: { set: exact(0) },
      gridGCo2ePerKWh: { set: rangedOf(data.home.grid) },
      pricePerKWh: { set: data.home.pricePerKWh === null ? null : exact(data.home.pricePerKWh) },
    },
    profile: 'home',
    formula: message(batching ? 'lever.local-batch-1' : 'lever.local', { gain: sig(gain.value), psu: Math.round(psu.value * 100) }),
    sources:
      batching && gainFactor
        ? [gainFactor.source, ...(data.home.psu.source ? [data.home.psu.source] : [])]
        : data.home.psu.source
          ? [data.home.psu.source]
          : [],
    basis: message('cite.user-settings'),
  }
}

function asPlainFactor(f: {
  id: string
  label: string
  value: number
  unit: string
  year: number | null
  source: Source
  low?: number
  high?: number
}): Factor {
  return {
    id: f.id,
    label: f.label,
    value: f.value,
    unit: f.unit,
    year: f.year,
    origin: 'dataset',
    source: f.source,
    ...(f.low !== undefined ? { low: f.low } : {}),
    ...(f.high !== undefined ? { high: f.high } : {}),
  }
}

/** A component as a variant changes it: its figure now, and its ratio to the baseline's (exact while only scaled). */
interface Tracked {
  now: Ranged | null
  ratio: Ranged
  replaced: boolean
}

const COMPONENTS: readonly Component[] = ['itEnergyKWh', 'facility', 'gridGCo2ePerKWh', 'wueLPerKWh', 'electricityWaterLPerKWh', 'pricePerKWh']

/** Percent change from a ratio: (r − 1) × 100, with its range. */
const pctOf = (r: Ranged | null): [number, number] | null => {
  if (!r || !Number.isFinite(r.low) || !Number.isFinite(r.high)) return null
  return [(r.low - 1) * 100, (r.high - 1) * 100]
}

/** Runs a scenario: the baseline workload and each variant's levers applied in order, side by side, with ranges. */
export function runScenario(scenario: Scenario, baseline: { label: Message; workload: Workload }, data: LeverData, notes: Message[] = []): ScenarioResult {
  const b = baseline.workload
  const base = evaluate(b)
  return {
    name: scenario.name,
    currency: scenario.site.currency,
    baseline: {
      label: baseline.label,
      outcome: base,
      workload: {
        itEnergyKWh: b.itEnergyKWh.value,
        facility: b.facility.value,
        gridGCo2ePerKWh: b.gridGCo2ePerKWh.value,
        wueLPerKWh: b.wueLPerKWh.value,
        electricityWaterLPerKWh: b.electricityWaterLPerKWh.value,
        pricePerKWh: b.pricePerKWh?.value ?? null,
      },
      kind: b.kind,
      profile: b.profile,
    },
    variants: scenario.variants.map((variant, i) => {
      const tracked = Object.fromEntries(COMPONENTS.map((c) => [c, { now: b[c], ratio: exact(1), replaced: false }])) as Record<Component, Tracked>
      let kind = b.kind
      let profile = b.profile
      const steps: ScenarioResult['variants'][number]['steps'] = []
      variant.levers.forEach((lever, j) => {
        const current: Workload = { ...b, kind, profile, ...Object.fromEntries(COMPONENTS.map((c) => [c, tracked[c].now])) } as Workload
        const step = applyLever(current, lever, data, `variants.${i}.levers.${j}`)
        for (const c of COMPONENTS) {
          const op = step.ops[c]
          if (!op) continue
          const t = tracked[c]
          if ('scale' in op) {
            t.now = t.now ? times(t.now, op.scale) : null
            t.ratio = times(t.ratio, op.scale)
          } else {
            t.now = op.set
            t.replaced = true
          }
        }
        kind = step.kind ?? kind
        profile = step.profile ?? profile
        steps.push({ lever: lever.type, formula: step.formula, sources: step.sources, basis: step.basis })
      })
      const w: Workload = { ...b, kind, profile, ...Object.fromEntries(COMPONENTS.map((c) => [c, tracked[c].now])) } as Workload
      const outcome = evaluate(w)
      // The ratio to the baseline of each component: exact while only scaled; a replaced one against the baseline's own.
      const ratioOf = (c: Component): Ranged | null => {
        const t = tracked[c]
        if (!t.replaced) return t.ratio
        const was = b[c]
        if (!t.now || !was || !(was.low > 0)) return null
        return divide(t.now, was)
      }
      const rIt = ratioOf('itEnergyKWh') ?? exact(1)
      const rFac = ratioOf('facility') ?? exact(1)
      const rEnergy = times(rIt, rFac)
      const rGrid = ratioOf('gridGCo2ePerKWh')
      const rCo2e = rGrid ? times(rEnergy, rGrid) : null
      const rPrice = w.pricePerKWh && b.pricePerKWh ? ratioOf('pricePerKWh') : null
      const rCost = rPrice ? times(rEnergy, rPrice) : null
      const waterUnchanged = !tracked.wueLPerKWh.replaced && !tracked.electricityWaterLPerKWh.replaced && !tracked.facility.replaced
      const waterPerIt = (x: Workload): Ranged => plus(x.wueLPerKWh, times(x.facility, x.electricityWaterLPerKWh))
      const rWater = waterUnchanged ? rIt : waterPerIt(b).low > 0 ? times(rIt, divide(waterPerIt(w), waterPerIt(b))) : null
      const deltaOf = (baseline: number, range: [number, number], r: Ranged | null): { value: number; range: [number, number] } | null => {
        if (!r || ![r.value, r.low, r.high].every(Number.isFinite)) return null
        const d = times(ranged(baseline, range[0], range[1]), minus(r, exact(1)))
        return { value: d.value, range: [d.low, d.high] }
      }
      const dEnergy = deltaOf(base.energyKWh, base.range.energyKWh, rEnergy)
      const dCo2e = deltaOf(base.co2eKg, base.range.co2eKg, rCo2e)
      const dWater = deltaOf(base.waterL, base.range.waterL, rWater)
      const dCost = base.cost !== null && base.range.cost ? deltaOf(base.cost, base.range.cost, rCost) : null
      const delta: Outcome = {
        energyKWh: outcome.energyKWh - base.energyKWh,
        co2eKg: outcome.co2eKg - base.co2eKg,
        waterL: outcome.waterL - base.waterL,
        cost: outcome.cost === null || base.cost === null ? null : outcome.cost - base.cost,
        range: {
          energyKWh: dEnergy?.range ?? [outcome.range.energyKWh[0] - base.range.energyKWh[1], outcome.range.energyKWh[1] - base.range.energyKWh[0]],
          co2eKg: dCo2e?.range ?? [outcome.range.co2eKg[0] - base.range.co2eKg[1], outcome.range.co2eKg[1] - base.range.co2eKg[0]],
          waterL: dWater?.range ?? [outcome.range.waterL[0] - base.range.waterL[1], outcome.range.waterL[1] - base.range.waterL[0]],
          cost:
            outcome.range.cost && base.range.cost
              ? (dCost?.range ?? [outcome.range.cost[0] - base.range.cost[1], outcome.range.cost[1] - base.range.cost[0]])
              : null,
        },
      }
      // A percentage of a vanishing baseline (a subnormal water figure) overflows: no percentage rather than Infinity.
      const pct = (d: number, baseValue: number | null): number | null => {
        if (baseValue === null || baseValue === 0) return null
        const p = (d * 100) / baseValue
        return Number.isFinite(p) ? p : null
      }
      return {
        name: variant.name,
        outcome,
        delta,
        deltaPct: {
          energyKWh: pct(delta.energyKWh, base.energyKWh),
          co2eKg: pct(delta.co2eKg, base.co2eKg),
          waterL: pct(delta.waterL, base.waterL),
          cost: delta.cost === null ? null : pct(delta.cost, base.cost),
        },
        deltaPctRange: {
          energyKWh: base.energyKWh > 0 ? pctOf(rEnergy) : null,
          co2eKg: base.co2eKg > 0 ? pctOf(rCo2e) : null,
          waterL: base.waterL > 0 ? pctOf(rWater) : null,
          cost: base.cost ? pctOf(rCost) : null,
        },
        steps,
      }
    }),
    notes,
  }
}

/** The cloud defaults of the `location` lever, from the data pack: hyperscale PUE (up to the industry average), on-site WUE. */
export function cloudDefaults(pack: DataPack): LeverData['cloud'] {
  const pue = pack.factors.find((f) => f.id === 'pue-google-fleet-2023')
  const industry = pack.factors.find((f) => f.id === 'pue-industry-average-2023')
  const wue = pack.factors.find((f) => f.id === 'wue-meta-2021')
  if (!pue || !wue || !industry) throw new WattprintError('failure', 'scenario.pack-lacks-cloud', { version: pack.version })
  return { pue: ranged(pue.value, pue.low ?? pue.value, industry.value), wueLPerKWh: wue.value, sources: [pue.source, industry.source, wue.source] }
}

export interface BaselineContext {
  gridFactor(iso3: string): Factor | null
  electricityWaterLPerKWh: number | null
  /** The user's power supply (Settings or the 80 PLUS figure): a home workload's facility factor. */
  psu: Factor
  /** A measured baseline's energy, with its range (the caller reads it from the store). */
  measured?: Ranged
}

/** The facility factor of a profile: at home 1 ÷ power-supply efficiency; in a data centre the site's PUE if given, else the default range. */
function facilityOf(profile: Profile, sitePue: number, psu: Factor): { facility: Ranged; assumption: Assumption } {
  const [low, high] = rangeOf(psu)
  const a = facilityAssumption(profile, profile === 'data-centre' && sitePue > 1 ? sitePue : undefined, { value: psu.value, low, high, source: psu.source })
  return { facility: ranged(a.value, a.low, a.high), assumption: a }
}

/**
 * The baseline workload of a scenario, with every figure's range. Home hardware gets the home
 * profile (PUE 1, the power supply's loss), data-centre hardware and published runs the data-centre
 * one; a published run starts from its own published energy, PUE, grid and CO2e.
 */
export function baselineWorkload(scenario: Scenario, pack: DataPack, ctx: BaselineContext): { label: Message; workload: Workload; notes: Message[] } {
  const siteGrid = ctx.gridFactor(scenario.site.countryIso3)
  if (siteGrid === null) refuse('scenario.no-grid', { iso3: scenario.site.countryIso3 }, 'site.countryIso3')
  const notes: Message[] = []
  const water = ctx.electricityWaterLPerKWh ?? 0
  if (ctx.electricityWaterLPerKWh === null) notes.push(message('scenario.note-no-water'))
  const sitePrice = scenario.site.pricePerKWh === null ? null : exact(scenario.site.pricePerKWh)
  const common = {
    gridGCo2ePerKWh: rangedOf(siteGrid),
    wueLPerKWh: exact(scenario.site.wueLPerKWh),
    electricityWaterLPerKWh: exact(water),
    pricePerKWh: sitePrice,
  }
  const profileNote = (profile: Profile, a: Assumption): Message =>
    message(profile === 'home' ? 'scenario.note-home' : 'scenario.note-data-centre', { facility: sig(a.value), low: sig(a.low), high: sig(a.high) })
  const b = scenario.baseline
  switch (b.kind) {
    case 'energy':
    case 'measured': {
      const profile: Profile = scenario.site.pue > 1 ? 'data-centre' : 'home'
      const f = facilityOf(profile, scenario.site.pue, ctx.psu)
      notes.push(profileNote(profile, f.assumption))
      if (b.kind === 'measured' && ctx.measured === undefined) refuse('scenario.needs-history', {}, 'baseline')
      return {
        label:
          b.kind === 'energy'
            ? message('text', { text: b.label })
            : message('scenario.label-measured', { since: b.since.slice(0, 10), until: b.until.slice(0, 10) }),
        workload: {
          ...common,
          kind: b.workload,
          profile,
          facility: f.facility,
          itEnergyKWh: b.kind === 'energy' ? exact(b.itEnergyKWh) : (ctx.measured ?? exact(0)),
          model: { paramsB: null, tokensB: null },
        },
        notes,
      }
    }
    case 'finetune': {
      const hw = hardwareById(pack, b.hardwareId, 'baseline.hardwareId')
      if (hw.denseTflops === null) refuse('estimate.no-flops', { name: hw.name }, 'baseline.hardwareId')
      const profile = profileOf(hw.kind)
      const f = facilityOf(profile, scenario.site.pue, ctx.psu)
      // IT energy (accelerators × host); the facility factor is the workload's own.
      const e = trainingFromFlops({
        activeParamsB: b.paramsB,
        tokensB: b.tokensB,
        peakTflops: hw.denseTflops,
        tdpW: hw.tdpW,
        flopsPerParamToken: flopsPerTokenFactor(b.method),
        pue: 1,
      })
      notes.push(
        message('scenario.note-finetune', {
          method: b.method,
          params: b.paramsB,
          tokens: b.tokensB,
          formula: e.formula.split(';')[0] ?? '',
          defaults: e.assumptions
            .filter((a) => a.isDefault)
            .map((a) => a.name)
            .join(', '),
        }),
        profileNote(profile, f.assumption),
      )
      return {
        label: message('scenario.label-finetune', { method: b.method, params: b.paramsB, tokens: b.tokensB }),
        workload: {
          ...common,
          kind: 'finetune',
          profile,
          facility: f.facility,
          itEnergyKWh: ranged(e.energyKWh, e.energyRangeKWh[0], e.energyRangeKWh[1]),
          model: { paramsB: b.paramsB, tokensB: b.tokensB },
        },
        notes,
      }
    }
    case 'inference': {
      const hw = hardwareById(pack, b.hardwareId, 'baseline.hardwareId')
      if (hw.memoryBandwidthGBs === null) refuse('estimate.no-bandwidth', { name: hw.name }, 'baseline.hardwareId')
      const e = inferenceFromModel({ activeParamsB: b.paramsB, bitsPerWeight: b.bitsPerWeight, memoryBandwidthGBs: hw.memoryBandwidthGBs, tdpW: hw.tdpW })
      const profile = profileOf(hw.kind)
      const f = facilityOf(profile, scenario.site.pue, ctx.psu)
      const host = ranged(DEFAULTS.hostOverhead.value, DEFAULTS.hostOverhead.low, DEFAULTS.hostOverhead.high)
      const perToken = ranged(e.energyPerTokenJ, e.energyPerTokenRangeJ[0], e.energyPerTokenRangeJ[1])
      notes.push(
        message('scenario.note-inference', { tokens: b.tokens, perToken: sig(e.energyPerTokenJ), formula: e.formula }),
        profileNote(profile, f.assumption),
      )
      return {
        label: message('scenario.label-inference', { tokens: b.tokens, params: b.paramsB, bits: b.bitsPerWeight }),
        workload: {
          ...common,
          kind: 'inference',
          profile,
          facility: f.facility,
          itEnergyKWh: times(scale(perToken, kWhFromJoules(b.tokens)), host),
          model: { paramsB: b.paramsB, tokensB: null },
        },
        notes,
      }
    }
    case 'training-run': {
      const run = pack.trainingRuns.find((r) => r.id === b.runId)
      if (!run) refuse('scenario.unknown-run', { id: b.runId }, 'baseline.runId')
      const energy = runEnergyKWh(run)
      if (!energy) refuse('scenario.run-without-energy', { model: run.model }, 'baseline.runId')
      notes.push(
        energy.derived
          ? message('scenario.note-run-derived', {
              hours: run.gpuHours ?? 0,
              powerW: run.powerPerAcceleratorW ?? 0,
              pue: run.pue ?? 1,
              mwh: sig(energy.energyKWh / 1000),
            })
          : message('scenario.note-run-published', { mwh: sig(energy.energyKWh / 1000) }),
      )
      // The run's own PUE; without one, the site's if it states one, else the data-centre range.
      let facility: Ranged
      if (run.pue !== null) {
        facility = exact(run.pue)
        notes.push(message('scenario.note-run-pue', { pue: run.pue }))
      } else {
        const f = facilityOf('data-centre', scenario.site.pue, ctx.psu)
        facility = f.facility
        notes.push(
          message(scenario.site.pue > 1 ? 'scenario.note-run-site-pue' : 'scenario.note-run-no-pue', {
            pue: sig(f.facility.value),
            low: sig(f.facility.low),
            high: sig(f.facility.high),
          }),
        )
      }
      // Published energy is metered energy: IT = energy ÷ PUE (a derived energy has no PUE in it yet).
      const itKWh = energy.derived || run.pue === null ? energy.energyKWh : energy.energyKWh / run.pue
      const it = exact(itKWh)
      // The run's published CO2e first: its grid is the published one, else the one its CO2e implies.
      let grid: Ranged = common.gridGCo2ePerKWh
      if (run.gridGCo2ePerKWh !== null) {
        grid = exact(run.gridGCo2ePerKWh)
        notes.push(message('scenario.note-run-grid', { grid: run.gridGCo2ePerKWh }))
      } else if (run.co2eT !== null) {
        const implied = (run.co2eT * 1e6) / (itKWh * facility.value)
        grid = exact(implied)
        notes.push(message('scenario.note-run-implied-grid', { co2e: run.co2eT, mwh: sig((itKWh * facility.value) / 1000), grid: sig(implied) }))
      } else {
        notes.push(message('scenario.note-run-site-grid', { grid: sig(siteGrid.value) }))
      }
      if (run.co2eT !== null) notes.push(message('scenario.note-run-published-co2e', { co2e: run.co2eT, scope: run.co2eScope ?? '—' }))
      return {
        label: message('text', { text: run.model }),
        workload: {
          ...common,
          kind: 'training',
          profile: 'data-centre',
          facility,
          itEnergyKWh: it,
          gridGCo2ePerKWh: grid,
          model: { paramsB: run.activeParamsB ?? run.paramsB, tokensB: run.tokensB },
        },
        notes,
      }
    }
  }
}
