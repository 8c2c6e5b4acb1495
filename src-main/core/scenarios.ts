import type { Outcome, Lever, Scenario, ScenarioResult } from '../contract/scenario.ts'
import type { Source } from '../contract/provenance.ts'
import type { DataPack } from '../contract/reference.ts'
import { runEnergyKWh } from './comparisons.ts'
import { kWhFromJoules, ratioOrNull } from '../contract/units.ts'
import { badInput, WattprintError } from '../contract/errors.ts'
import { message, type Message } from '../contract/messages.ts'
import { EMBER_SOURCE } from './grid-factors.ts'
import { compareFinetune, flopsPerTokenFactor, KAPLAN_2020, POPE_2022, HU_2021_LORA } from './estimators.ts'
import { estimateInference, estimateTraining } from './estimate-report.ts'

/** What a scenario computes on: everything needed to turn IT energy into the four outcomes. */
export interface Workload {
  /** At the IT equipment (accelerators + host), kWh. */
  itEnergyKWh: number
  pue: number
  gridGCo2ePerKWh: number
  /** On-site cooling water, L per kWh of IT energy. */
  wueLPerKWh: number
  /** Water consumed to generate the electricity, L per kWh of facility energy. */
  electricityWaterLPerKWh: number
  pricePerKWh: number | null
}

/** Facility energy = IT × PUE; CO2e = facility × grid; water = IT × WUE + facility × electricity water; cost = facility × price. */
export function evaluate(w: Workload): Outcome {
  const energyKWh = w.itEnergyKWh * w.pue
  return {
    energyKWh,
    co2eKg: (energyKWh * w.gridGCo2ePerKWh) / 1000,
    waterL: w.itEnergyKWh * w.wueLPerKWh + energyKWh * w.electricityWaterLPerKWh,
    cost: w.pricePerKWh === null ? null : energyKWh * w.pricePerKWh,
  }
}

/** Data the levers look up (grid by country, hardware, cloud defaults), injected so levers stay pure. */
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
  gridGCo2ePerKWh(iso3: string): number | null
  home: { gridGCo2ePerKWh: number; pricePerKWh: number | null }
  cloud: { pue: number; wueLPerKWh: number; sources: Source[] }
}

export interface LeverStep {
  workload: Workload
  formula: Message
  sources: Source[]
  /** The user's own figure or settings, when the lever rests on them rather than on a source. */
  basis: Message | null
}

const GHG_SCOPE2: Source = {
  title: 'GHG Protocol Scope 2 Guidance',
  publisher: 'World Resources Institute and WBCSD',
  year: 2015,
  url: 'https://ghgprotocol.org/scope_2_guidance',
  locator: 'Chapter 6: market-based method, contractual instruments',
}

const GREEN_GRID_PUE: Source = {
  title: 'PUE: A Comprehensive Examination of the Metric (White Paper 49)',
  publisher: 'The Green Grid',
  year: 2012,
  url: 'https://www.thegreengrid.org',
  locator: 'Section 2: definition, PUE = total facility energy ÷ IT equipment energy',
}

/** Three significant digits, still a number (each reader writes it in their own language). */
const sig = (x: number): number => Number(x.toPrecision(3))

/** Applies one lever: a pure function of the workload, with its formula and what it rests on. */
export function applyLever(w: Workload, lever: Lever, data: LeverData): LeverStep {
  switch (lever.type) {
    case 'distillation':
    case 'quantization':
      if (lever.measured) return measuredRatio(w, lever.measured, data)
      return modelledLever(w, lever)
    default:
      return otherLever(w, lever, data)
  }
}

/** A distillation or quantization lever from two of the user's measurements: the ratio of their measured Wh per 1,000 tokens. */
function measuredRatio(w: Workload, pair: { fromId: number; toId: number }, data: LeverData): LeverStep {
  const from = data.measurement?.(pair.fromId) ?? null
  const to = data.measurement?.(pair.toId) ?? null
  if (!from || !to) throw badInput('scenario.no-measurement', { id: !from ? pair.fromId : pair.toId }, 'measured')
  if (!(from.whPer1kTokens > 0)) throw badInput('scenario.no-measurement', { id: from.id }, 'measured')
  const ratio = to.whPer1kTokens / from.whPer1kTokens
  const sameDevices = from.devices.join('|') === to.devices.join('|')
  return {
    workload: { ...w, itEnergyKWh: w.itEnergyKWh * ratio },
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

function modelledLever(w: Workload, lever: Extract<Lever, { type: 'distillation' | 'quantization' }>): LeverStep {
  const step = (workload: Workload, formula: Message, sources: Source[], basis: Message | null = null): LeverStep => ({ workload, formula, sources, basis })
  switch (lever.type) {
    case 'distillation': {
      const ratio = lever.studentParamsB / lever.teacherParamsB
      return step(
        { ...w, itEnergyKWh: w.itEnergyKWh * ratio },
        message('lever.distillation', { student: lever.studentParamsB, teacher: lever.teacherParamsB }),
        [KAPLAN_2020],
      )
    }
    case 'quantization': {
      const ratio = lever.toBits / lever.fromBits
      return step({ ...w, itEnergyKWh: w.itEnergyKWh * ratio }, message('lever.quantization', { to: lever.toBits, from: lever.fromBits }), [POPE_2022])
    }
  }
}

function otherLever(w: Workload, lever: Exclude<Lever, { type: 'distillation' | 'quantization' }>, data: LeverData): LeverStep {
  const step = (workload: Workload, formula: Message, sources: Source[], basis: Message | null = null): LeverStep => ({ workload, formula, sources, basis })
  switch (lever.type) {
    case 'finetune-instead-of-pretrain': {
      const c = compareFinetune({
        activeParamsB: lever.paramsB,
        finetuneTokensB: lever.finetuneTokensB,
        pretrainTokensB: lever.pretrainTokensB,
        method: lever.method,
      })
      return step(
        { ...w, itEnergyKWh: w.itEnergyKWh * c.shareOfPretraining },
        message('lever.finetune', { k: lever.method === 'full' ? 6 : 4, share: sig(c.shareOfPretraining) }),
        lever.method === 'full' ? [KAPLAN_2020] : [KAPLAN_2020, HU_2021_LORA],
      )
    }
    case 'pue':
      return step({ ...w, pue: lever.pue }, message('lever.pue', { pue: lever.pue }), [GREEN_GRID_PUE])
    case 'grid': {
      const g = data.gridGCo2ePerKWh(lever.countryIso3)
      if (g === null) throw badInput('scenario.no-grid', { iso3: lever.countryIso3 }, 'countryIso3')
      return step({ ...w, gridGCo2ePerKWh: g }, message('lever.grid', { iso3: lever.countryIso3, grid: g }), [EMBER_SOURCE])
    }
    case 'renewable-share':
      return step({ ...w, gridGCo2ePerKWh: w.gridGCo2ePerKWh * (1 - lever.percent / 100) }, message('lever.renewable-share', { percent: lever.percent }), [
        GHG_SCOPE2,
      ])
    case 'hardware': {
      const from = data.pack.hardware.find((h) => h.id === lever.fromId)
      const to = data.pack.hardware.find((h) => h.id === lever.toId)
      if (!from || !to) throw badInput('scenario.unknown-hardware', { id: !from ? lever.fromId : lever.toId }, !from ? 'fromId' : 'toId')
      if (!from.denseTflops || !to.denseTflops) throw badInput('scenario.hardware-without-flops', {}, 'toId')
      const ratio = from.denseTflops / from.tdpW / (to.denseTflops / to.tdpW)
      return step({ ...w, itEnergyKWh: w.itEnergyKWh * ratio }, message('lever.hardware', { from: from.name, to: to.name, ratio: sig(ratio) }), [
        from.source,
        to.source,
      ])
    }
    case 'time-shift':
      return step({ ...w, gridGCo2ePerKWh: lever.gCo2ePerKWh }, message('lever.time-shift', { grid: lever.gCo2ePerKWh }), [], message('cite.user-figure'))
    case 'location':
      return lever.to === 'local'
        ? step(
            { ...w, pue: 1, wueLPerKWh: 0, gridGCo2ePerKWh: data.home.gridGCo2ePerKWh, pricePerKWh: data.home.pricePerKWh },
            message('lever.local'),
            [],
            message('cite.user-settings'),
          )
        : step(
            { ...w, pue: data.cloud.pue, wueLPerKWh: data.cloud.wueLPerKWh },
            message('lever.cloud', { pue: data.cloud.pue, wue: data.cloud.wueLPerKWh }),
            data.cloud.sources,
          )
  }
}

function pct(delta: number, base: number | null): number | null {
  return base === null ? null : ratioOrNull(delta * 100, base)
}

/** Runs a scenario: the baseline workload and each variant's levers applied in order, side by side. */
export function runScenario(scenario: Scenario, baseline: { label: Message; workload: Workload }, data: LeverData, notes: Message[] = []): ScenarioResult {
  const base = evaluate(baseline.workload)
  return {
    name: scenario.name,
    currency: scenario.site.currency,
    baseline: { label: baseline.label, outcome: base, workload: { ...baseline.workload } },
    variants: scenario.variants.map((variant) => {
      let w = baseline.workload
      const steps: ScenarioResult['variants'][number]['steps'] = []
      for (const lever of variant.levers) {
        const step = applyLever(w, lever, data)
        w = step.workload
        steps.push({ lever: lever.type, formula: step.formula, sources: step.sources, basis: step.basis })
      }
      const outcome = evaluate(w)
      const delta = {
        energyKWh: outcome.energyKWh - base.energyKWh,
        co2eKg: outcome.co2eKg - base.co2eKg,
        waterL: outcome.waterL - base.waterL,
        cost: outcome.cost === null || base.cost === null ? null : outcome.cost - base.cost,
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
        steps,
      }
    }),
    notes,
  }
}

/** The cloud defaults of the `location` lever, from the data pack (hyperscale PUE, on-site WUE). */
export function cloudDefaults(pack: DataPack): LeverData['cloud'] {
  const pue = pack.factors.find((f) => f.id === 'pue-google-fleet-2023')
  const wue = pack.factors.find((f) => f.id === 'wue-meta-2021')
  if (!pue || !wue) throw new WattprintError('failure', 'scenario.pack-lacks-cloud', { version: pack.version })
  return { pue: pue.value, wueLPerKWh: wue.value, sources: [pue.source, wue.source] }
}

/**
 * The baseline workload of a scenario. `measuredKWh` is the energy Wattprint recorded for a
 * `measured` baseline (the caller reads it from the store).
 */
export function baselineWorkload(
  scenario: Scenario,
  pack: DataPack,
  ctx: { gridGCo2ePerKWh(iso3: string): number | null; electricityWaterLPerKWh: number | null; measuredKWh?: number },
): { label: Message; workload: Workload; notes: Message[] } {
  const siteGrid = ctx.gridGCo2ePerKWh(scenario.site.countryIso3)
  if (siteGrid === null) throw badInput('scenario.no-grid', { iso3: scenario.site.countryIso3 }, 'site.countryIso3')
  const notes: Message[] = []
  const water = ctx.electricityWaterLPerKWh ?? 0
  if (ctx.electricityWaterLPerKWh === null) notes.push(message('scenario.note-no-water'))
  const site = {
    pue: scenario.site.pue,
    gridGCo2ePerKWh: siteGrid,
    wueLPerKWh: scenario.site.wueLPerKWh,
    electricityWaterLPerKWh: water,
    pricePerKWh: scenario.site.pricePerKWh,
  }
  const b = scenario.baseline
  switch (b.kind) {
    case 'energy':
      return { label: message('text', { text: b.label }), workload: { ...site, itEnergyKWh: b.itEnergyKWh }, notes }
    case 'measured': {
      if (ctx.measuredKWh === undefined) throw badInput('scenario.needs-history', {}, 'baseline')
      return {
        label: message('scenario.label-measured', { since: b.since.slice(0, 10), until: b.until.slice(0, 10) }),
        workload: { ...site, itEnergyKWh: ctx.measuredKWh },
        notes,
      }
    }
    case 'finetune': {
      const e = estimateTraining(
        { paramsB: b.paramsB, tokensB: b.tokensB, hardwareId: b.hardwareId, pue: 1, hostOverhead: 1 },
        pack,
        flopsPerTokenFactor(b.method),
      )
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
      )
      return {
        label: message('scenario.label-finetune', { method: b.method, params: b.paramsB, tokens: b.tokensB }),
        workload: { ...site, itEnergyKWh: e.energyMWh * 1000 },
        notes,
      }
    }
    case 'inference': {
      const e = estimateInference({ paramsB: b.paramsB, bitsPerWeight: b.bitsPerWeight, hardwareId: b.hardwareId }, pack, [1, 1])
      notes.push(message('scenario.note-inference', { tokens: b.tokens, perToken: sig(e.energyPerTokenJ), formula: e.formula }))
      return {
        label: message('scenario.label-inference', { tokens: b.tokens, params: b.paramsB, bits: b.bitsPerWeight }),
        workload: { ...site, itEnergyKWh: kWhFromJoules(b.tokens * e.energyPerTokenJ) },
        notes,
      }
    }
    case 'training-run': {
      const run = pack.trainingRuns.find((r) => r.id === b.runId)
      if (!run) throw badInput('scenario.unknown-run', { id: b.runId }, 'baseline.runId')
      const energy = runEnergyKWh(run)
      if (!energy) throw badInput('scenario.run-without-energy', { model: run.model }, 'baseline.runId')
      const pue = run.pue ?? 1
      notes.push(
        energy.derived
          ? message('scenario.note-run-derived', { hours: run.gpuHours ?? 0, powerW: run.powerPerAcceleratorW ?? 0, pue, mwh: sig(energy.energyKWh / 1000) })
          : message('scenario.note-run-published', { mwh: sig(energy.energyKWh / 1000) }),
        run.pue ? message('scenario.note-run-pue', { pue: run.pue }) : message('scenario.note-run-no-pue'),
        run.gridGCo2ePerKWh !== null
          ? message('scenario.note-run-grid', { grid: run.gridGCo2ePerKWh })
          : message('scenario.note-run-site-grid', { grid: siteGrid }),
      )
      return {
        label: message('text', { text: run.model }),
        workload: { ...site, itEnergyKWh: energy.energyKWh / pue, pue, gridGCo2ePerKWh: run.gridGCo2ePerKWh ?? siteGrid },
        notes,
      }
    }
  }
}
